// A process: an address space (areas and page tables) and one user
// thread, its files (fd table, root file system, working directory) and
// its signal dispositions (recorded; delivery comes later).
#pragma once

#include "../fs/fd_table.h"
#include "../fs/vfs.h"
#include "../mm/address_space.h"
#include "../tty/tty.h"
#include <keel/user.h>
#include <klib/arc.h>
#include <klib/array.h>
#include <klib/optional.h>

namespace services::process {

// One rt_sigaction record (struct kernel_sigaction on x86-64).
struct SigAction {
    u64 handler = 0; // SIG_DFL
    u64 flags = 0;
    u64 restorer = 0;
    u64 mask = 0;
};

constexpr usize NSIG = 64;

struct Process {
    explicit Process(mm::AddressSpace&& s) : space(klib::move(s)) {}

    mm::AddressSpace space; // areas, page tables, demand paging
    keel::UserContext ctx;
    i32 pid = 1;
    u64 brk_start = 0;   // end of the loaded image, page-aligned
    u64 brk_current = 0; // the program break as brk(2) reports it
    u64 clear_child_tid = 0;
    bool exited = false;
    i32 exit_status = 0; // wait(2) encoding: status << 8, or the signal number

    fs::FdTable files;
    klib::Optional<fs::FsContext> vfs; // root, cwd, umask; none: no file system

    klib::Array<u8, 16> comm{}; // the name prctl(PR_SET_NAME) sets
    klib::Array<SigAction, NSIG> sigactions{}; // index: signal number - 1
    u64 sigmask = 0;
    tty::ProcessTty terminal; // the controlling terminal
};

// Runs the process until it exits or dies; returns its wait(2) status.
i32 run(Process& p);

} // namespace services::process
