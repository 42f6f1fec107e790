// execve, execveat: the user's path, argv and envp, read with Linux's order
// of checks and limits (do_execveat_common), then process::exec.
#include "../process/accounting.h"
#include "syscall.h"
#include "user_mem.h"
#include "../process/exec.h"
#include "../process/stack.h"
#include <klib/array.h>

namespace services::syscall {

namespace {

constexpr u64 PAGE = keel::VmSpace::PAGE;
constexpr u64 EXECVEAT_FLAGS = AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW;

// The pointers of a NULL-terminated user array (argv or envp); a NULL
// array is empty. EFAULT, E2BIG (more than MAX_ARG_STRINGS).
klib::Result<klib::Vec<u64>, Errno> read_pointers(const process::Thread& t, u64 addr) {
    klib::Vec<u64> out;
    if (addr == 0) {
        return out;
    }
    for (u64 i = 0;; ++i) {
        if (i >= process::MAX_ARG_STRINGS) {
            return Errno::E2BIG;
        }
        const u64 at = addr + 8 * i;
        if (at < addr) {
            return Errno::EFAULT;
        }
        auto v = t.space->read_val<u64>(at);
        if (v.is_err()) {
            return Errno::EFAULT;
        }
        if (v.value() == 0) {
            return out;
        }
        if (out.try_push(v.value()).is_err()) {
            return Errno::ENOMEM;
        }
    }
}

// One argument string: E2BIG past MAX_ARG_STRLEN (NUL included) or past
// the `budget` left for all strings; EFAULT.
klib::Result<klib::String, Errno> read_arg(const process::Thread& t, u64 addr, u64& budget) {
    klib::String out;
    klib::Array<u8, 256> chunk{};
    u64 done = 0;
    for (;;) {
        const u64 at = addr + done;
        if (at < addr) {
            return Errno::EFAULT;
        }
        u64 n = PAGE - (at & (PAGE - 1));
        n = n < chunk.size() ? n : chunk.size();
        auto part = chunk.span().first(usize(n));
        if (t.space->read_bytes(at, part).is_err()) {
            return Errno::EFAULT;
        }
        for (u8 b : part) {
            if (done + 1 > process::MAX_ARG_STRLEN || done + 1 > budget) {
                return Errno::E2BIG;
            }
            ++done;
            if (b == 0) {
                budget -= done;
                return out;
            }
            if (out.try_append(char(b)).is_err()) {
                return Errno::ENOMEM;
            }
        }
    }
}

klib::Result<klib::Vec<klib::String>, Errno> read_args(const process::Thread& t,
                                                      const klib::Vec<u64>& ptrs, u64& budget) {
    klib::Vec<klib::String> out;
    if (out.try_reserve(ptrs.size()).is_err()) {
        return Errno::ENOMEM;
    }
    for (u64 ptr : ptrs) {
        (void)out.try_push(TRY(read_arg(t, ptr, budget))); // reserved
    }
    return out;
}

// "/dev/fd/N" or "/dev/fd/N/PATH": the name of a file execveat found
// through a directory fd (Linux's bprm->filename).
klib::Result<klib::String, Errno> fd_name(u64 fd, klib::StringView path) {
    klib::String s;
    klib::Array<char, 20> digits{};
    usize n = 0;
    u64 v = fd;
    do {
        digits[n++] = char('0' + v % 10);
        v /= 10;
    } while (v != 0 && n < digits.size());
    bool ok = s.try_append("/dev/fd/").is_ok();
    for (usize i = n; ok && i > 0; --i) {
        ok = s.try_append(digits[i - 1]).is_ok();
    }
    if (ok && !path.empty()) {
        ok = s.try_append('/').is_ok() && s.try_append(path).is_ok();
    }
    if (!ok) {
        return Errno::ENOMEM;
    }
    return s;
}

// The file execveat runs: the fd's own file for AT_EMPTY_PATH with an
// empty path, else `path` from dirfd; open_exec's checks.
klib::Result<klib::Arc<fs::PathNode>, Errno> find_file(const process::Thread& t,
                                                       const fs::FsContext& vfs, u64 dirfd,
                                                       klib::StringView path, u64 flags) {
    if (path.empty() && (flags & AT_EMPTY_PATH) != 0) {
        klib::Arc<fs::File> f = TRY(t.files->get(u64(u32(dirfd))));
        auto at = f->path();
        if (!at.has_value()) {
            return Errno::EACCES; // a pipe or another file with no name
        }
        TRY(process::check_exec(vfs, *at.value()));
        return klib::move(at.value());
    }
    if (path.empty()) {
        return Errno::ENOENT;
    }
    klib::Arc<fs::PathNode> base = TRY(start_dir(t, dirfd, path));
    return process::open_exec(vfs, base, path, (flags & AT_SYMLINK_NOFOLLOW) == 0);
}

SysResult do_execveat(process::Thread& t, u64 dirfd, u64 path_addr, u64 argv_addr, u64 envp_addr,
                      u64 flags) {
    // The file: its name, the lookup and open_exec's checks come first.
    klib::String path = TRY(read_path(t, path_addr));
    // A set*uid to a user over RLIMIT_NPROC fails here (EAGAIN).
    if (process::exec_nproc_check(*t.proc).is_err()) {
        return Errno::EAGAIN;
    }
    if ((flags & ~EXECVEAT_FLAGS) != 0) {
        return Errno::EINVAL;
    }
    const fs::FsContext vfs = TRY(t.vfs->get());
    const i32 fd = i32(u32(dirfd));
    process::ExecArgs args;
    klib::Arc<fs::PathNode> node = TRY(find_file(t, vfs, dirfd, path.view(), flags));
    if (fd == AT_FDCWD || path.view().starts_with('/')) {
        args.filename = klib::move(path);
    } else {
        args.filename = TRY(fd_name(u64(u32(dirfd)), path.view()));
        args.path_inaccessible = t.files->cloexec(u64(u32(dirfd))).value_or(false);
        args.comm_from_file = path.empty();
    }

    // Then the argument and environment vectors, and their limits.
    const klib::Vec<u64> argv_ptrs = TRY(read_pointers(t, argv_addr));
    const klib::Vec<u64> envp_ptrs = TRY(read_pointers(t, envp_addr));
    // A quarter of RLIMIT_STACK (bprm_stack_limits).
    const u64 stack_rlimit =
        t.proc->state.with([](process::ProcState& s) { return s.res.limits.cur(process::RLIMIT_STACK); });
    const u64 limit = process::arg_space_limit(stack_rlimit);
    const u64 ptrs = (u64(argv_ptrs.size() > 0 ? argv_ptrs.size() : 1) + envp_ptrs.size()) * 8;
    if (limit <= ptrs) {
        return Errno::E2BIG;
    }
    u64 budget = limit - ptrs;
    if (args.filename.size() + 1 > budget) {
        return Errno::E2BIG;
    }
    budget -= args.filename.size() + 1;
    args.envp = TRY(read_args(t, envp_ptrs, budget));
    args.argv = TRY(read_args(t, argv_ptrs, budget));
    TRY(process::exec(t, klib::move(node), klib::move(args)));
    return u64(0); // rax of the new program
}

} // namespace

SysResult sys_execve(process::Thread& t, const Args& args) {
    return do_execveat(t, u64(u32(AT_FDCWD)), args.a[0], args.a[1], args.a[2], 0);
}

SysResult sys_execveat(process::Thread& t, const Args& args) {
    return do_execveat(t, args.a[0], args.a[1], args.a[2], args.a[3], args.a[4]);
}

} // namespace services::syscall
