// Creating processes and threads: the first process (pid 1), fork, and
// clone's sharing rules.
#pragma once

#include "process.h"
#include <klib/result.h>

namespace services::process {

// The most threads the system runs at once (Linux's max_threads, which it
// derives from RAM; fork and clone fail with EAGAIN beyond it).
constexpr u64 MAX_THREADS = 4096;

// clone(2)'s flags this kernel understands.
constexpr u64 CLONE_VM = 0x100;
constexpr u64 CLONE_FS = 0x200;
constexpr u64 CLONE_FILES = 0x400;
constexpr u64 CLONE_SIGHAND = 0x800;
constexpr u64 CLONE_PIDFD = 0x1000;
constexpr u64 CLONE_PTRACE = 0x2000;
constexpr u64 CLONE_VFORK = 0x4000;
constexpr u64 CLONE_PARENT = 0x8000;
constexpr u64 CLONE_THREAD = 0x10000;
constexpr u64 CLONE_NEWNS = 0x20000;
constexpr u64 CLONE_SYSVSEM = 0x40000;
constexpr u64 CLONE_SETTLS = 0x80000;
constexpr u64 CLONE_PARENT_SETTID = 0x100000;
constexpr u64 CLONE_CHILD_CLEARTID = 0x200000;
constexpr u64 CLONE_DETACHED = 0x400000;
constexpr u64 CLONE_UNTRACED = 0x800000;
constexpr u64 CLONE_CHILD_SETTID = 0x1000000;
constexpr u64 CLONE_IO = 0x80000000ull;
constexpr u64 CLONE_CLEAR_SIGHAND = 0x100000000ull; // clone3 only

// A slot among MAX_THREADS for a new thread (false: none left), and its
// return when the thread is gone.
bool reserve_thread();
void release_thread();

struct CloneArgs {
    u64 flags = 0;       // CLONE_* (without the exit signal)
    u64 stack = 0;       // the child's rsp; 0: the parent's
    u64 parent_tid = 0;  // CLONE_PARENT_SETTID
    u64 child_tid = 0;   // CLONE_CHILD_SETTID / CLONE_CHILD_CLEARTID
    u64 tls = 0;         // CLONE_SETTLS: the child's fs_base
    u32 exit_signal = 0; // sent to the parent when the child exits
};

// The first process: pid 1 running `ctx` in `space`. NoMemory.
klib::Result<klib::Arc<Process>> start_init(klib::Arc<mm::AddressSpace> space,
                                            keel::UserContext ctx, u64 brk,
                                            klib::Arc<Files> files, klib::Arc<FsShared> fs,
                                            const klib::Array<u8, 16>& comm);
// Blocks until `init` has exited; returns its wait status.
i32 wait_for_exit(const Process& init);

// clone's core after the flags were checked: a new process or thread
// (CLONE_THREAD) starting from `t`'s registers with rax = 0. Returns the
// new pid or tid. Errors: WouldBlock (EAGAIN: too many threads or no pid),
// NoMemory, Fault (a tid pointer could not be written).
klib::Result<i32> clone(Thread& t, const CloneArgs& a);

// The process exec'd or is exiting: a parent blocked in vfork goes on.
void release_vfork_parent(const Process& p);

} // namespace services::process
