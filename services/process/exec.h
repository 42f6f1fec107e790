// execve: open a file for execution, find its format (#! script or ELF),
// build the new program whole, then swap it in (the point of no return).
// A failure before the swap leaves the process as it was.
#pragma once

#include "../fs/vfs.h"
#include "../mm/page_cache.h"
#include "loader.h"
#include "process.h"
#include <klib/arc.h>
#include <klib/result.h>
#include <klib/string.h>
#include <klib/vec.h>

namespace services::process {

// Linux's open_exec: resolves `path` from `base` (a final symlink is
// followed unless !follow: ELOOP) and checks that the file may be run:
// EACCES for anything but a regular file, on a noexec mount, or without
// execute permission; the walk's errors (ENOENT, ENOTDIR, ELOOP,
// ENAMETOOLONG, EACCES).
klib::Result<klib::Arc<fs::PathNode>, fs::Errno> open_exec(const fs::FsContext& fs,
                                                           const klib::Arc<fs::PathNode>& base,
                                                           klib::StringView path, bool follow);
// The same checks on a node already resolved (execveat's AT_EMPTY_PATH).
klib::Result<void, fs::Errno> check_exec(const fs::FsContext& fs, const fs::PathNode& node);

// The pages of a regular file, read from its inode on first use: what
// execve and mmap map (a new cache per call for now; one per inode is the
// VFS's next step). ENOMEM.
klib::Result<klib::Arc<mm::PageCache>, fs::Errno> inode_pages(klib::Arc<fs::Inode> inode);

struct ExecArgs {
    // The name the program is run by: the path as given, or /dev/fd/N or
    // /dev/fd/N/PATH for execveat relative to a directory fd. AT_EXECFN,
    // the task name and the script argument a #! interpreter gets.
    klib::String filename;
    klib::Vec<klib::String> argv;
    klib::Vec<klib::String> envp;
    // The file is reachable only through a close-on-exec fd: a script's
    // interpreter could not open it after exec (ENOENT).
    bool path_inaccessible = false;
    // The task name comes from the name of the file run, not `filename`
    // (execveat with AT_EMPTY_PATH: "/dev/fd/N" would name it "N").
    bool comm_from_file = false;
    // Filled by prepare_exec: the hold that keeps the program's file from
    // being written while it runs (ETXTBSY); the caller gives it to the
    // process (hold_image, accounting.h).
    klib::Optional<fs::WriteGuard> image;
};

// Most interpreter levels (#! scripts and the ELF file they end in) that
// execve follows: ELOOP past it.
constexpr usize MAX_EXEC_DEPTH = 5;

// The part of execve before the point of no return: finds the format of
// `file` (checked by open_exec/check_exec), follows #! scripts (rewriting
// args.argv) and builds the new program whole, task name included.
// Errors: ETXTBSY (a file of the chain is open for writing), ENOEXEC (no
// known format), ELOOP, a #! interpreter's or
// PT_INTERP's open errors, EIO, ELIBBAD, E2BIG, EINVAL, ENOMEM. Nothing
// outside the result is changed.
klib::Result<Loaded, fs::Errno> prepare_exec(const fs::FsContext& fs, klib::Arc<fs::PathNode> file,
                                             ExecArgs& args);

// execve in thread `t`: prepare_exec, then the swap. Every error (those of
// prepare_exec, ENOENT without a file system, ENOMEM) leaves `t` and its
// process unchanged.
klib::Result<void, fs::Errno> exec(Thread& t, klib::Arc<fs::PathNode> file, ExecArgs args);

// Hooks at the point of no return, owned by the subsystems whose state they
// reset (exec_hooks.cpp): the other threads of the process end (Linux's
// de_thread: the process model's); signal handlers go back to SIG_DFL
// (SIG_IGN stays), the actions' flags and masks cleared, the blocked mask
// and pending signals kept (Linux's flush_signal_handlers: the signals').
void exec_end_other_threads(Thread& t);
void exec_reset_signals(Thread& t);

} // namespace services::process
