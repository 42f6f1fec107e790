// Credentials: get*id, set*id, setfs*id, getgroups/setgroups. The rules
// live in services/cred (Credentials); this file moves the arguments.
// A process without a file system (kernel tests) reads root's ids.
#include "../process/accounting.h"
#include "syscall.h"

namespace services::syscall {

namespace {

using Creds = cred::Credentials;

// A copy of the caller's credentials.
Creds current(const process::Thread& t) {
    auto ctx = t.vfs->get();
    if (ctx.is_err()) {
        return Creds{};
    }
    return ctx.value().cred.clone();
}

// Applies `change` to the caller's credentials (a process without a file
// system has none to change: EPERM).
// A change of the real uid moves the process's tasks to the new uid's
// RLIMIT_NPROC count.
SysResult update(process::Thread& t, klib::FunctionRef<klib::Result<void, Errno>(Creds&)> change) {
    u32 ruid = 0;
    TRY(t.vfs->update_cred([&](Creds& c) -> klib::Result<void, Errno> {
        TRY(change(c));
        ruid = c.uid;
        return {};
    }));
    process::nproc_move(*t.proc, ruid);
    return u64(0);
}

// The three ids of getresuid/getresgid, each to its own address (EFAULT).
SysResult put_three(const process::Thread& t, const Args& args, u32 r, u32 e, u32 s) {
    TRY_SYS(t.space->write_val(args.a[0], r));
    TRY_SYS(t.space->write_val(args.a[1], e));
    TRY_SYS(t.space->write_val(args.a[2], s));
    return u64(0);
}

} // namespace

SysResult sys_getuid(process::Thread& t, const Args&) {
    return u64(current(t).uid);
}
SysResult sys_geteuid(process::Thread& t, const Args&) {
    return u64(current(t).euid);
}
SysResult sys_getgid(process::Thread& t, const Args&) {
    return u64(current(t).gid);
}
SysResult sys_getegid(process::Thread& t, const Args&) {
    return u64(current(t).egid);
}

SysResult sys_setuid(process::Thread& t, const Args& args) {
    const u32 id = u32(args.a[0]);
    return update(t, [id](Creds& c) { return c.setuid(id); });
}
SysResult sys_setgid(process::Thread& t, const Args& args) {
    const u32 id = u32(args.a[0]);
    return update(t, [id](Creds& c) { return c.setgid(id); });
}
SysResult sys_setreuid(process::Thread& t, const Args& args) {
    const u32 r = u32(args.a[0]);
    const u32 e = u32(args.a[1]);
    return update(t, [r, e](Creds& c) { return c.setreuid(r, e); });
}
SysResult sys_setregid(process::Thread& t, const Args& args) {
    const u32 r = u32(args.a[0]);
    const u32 e = u32(args.a[1]);
    return update(t, [r, e](Creds& c) { return c.setregid(r, e); });
}
SysResult sys_setresuid(process::Thread& t, const Args& args) {
    const u32 r = u32(args.a[0]);
    const u32 e = u32(args.a[1]);
    const u32 s = u32(args.a[2]);
    return update(t, [r, e, s](Creds& c) { return c.setresuid(r, e, s); });
}
SysResult sys_setresgid(process::Thread& t, const Args& args) {
    const u32 r = u32(args.a[0]);
    const u32 e = u32(args.a[1]);
    const u32 s = u32(args.a[2]);
    return update(t, [r, e, s](Creds& c) { return c.setresgid(r, e, s); });
}
SysResult sys_getresuid(process::Thread& t, const Args& args) {
    const Creds c = current(t);
    return put_three(t, args, c.uid, c.euid, c.suid);
}
SysResult sys_getresgid(process::Thread& t, const Args& args) {
    const Creds c = current(t);
    return put_three(t, args, c.gid, c.egid, c.sgid);
}
// setfsuid/setfsgid: the old value; a change that is not allowed is
// silently not made.
SysResult sys_setfsuid(process::Thread& t, const Args& args) {
    const u32 id = u32(args.a[0]);
    u32 old = current(t).fsuid;
    (void)update(t, [&](Creds& c) -> klib::Result<void, Errno> {
        old = c.setfsuid(id);
        return {};
    });
    return u64(old);
}
SysResult sys_setfsgid(process::Thread& t, const Args& args) {
    const u32 id = u32(args.a[0]);
    u32 old = current(t).fsgid;
    (void)update(t, [&](Creds& c) -> klib::Result<void, Errno> {
        old = c.setfsgid(id);
        return {};
    });
    return u64(old);
}

// getgroups(size, list): the count when size is 0, EINVAL when the list
// does not fit.
SysResult sys_getgroups(process::Thread& t, const Args& args) {
    const i32 size = i32(u32(args.a[0]));
    if (size < 0) {
        return Errno::EINVAL;
    }
    const Creds c = current(t);
    const usize n = c.group_count();
    if (size == 0) {
        return u64(n);
    }
    if (n > usize(size)) {
        return Errno::EINVAL;
    }
    for (usize i = 0; i < n; ++i) {
        TRY_SYS(t.space->write_val(args.a[1] + 4 * i, c.group(i)));
    }
    return u64(n);
}

// setgroups(size, list): EPERM without CAP_SETGID, then EINVAL above
// NGROUPS_MAX, then EFAULT.
SysResult sys_setgroups(process::Thread& t, const Args& args) {
    const u32 size = u32(args.a[0]);
    if (!current(t).capable()) {
        return Errno::EPERM;
    }
    if (size > cred::NGROUPS_MAX) {
        return Errno::EINVAL;
    }
    klib::Vec<u32> list;
    if (list.try_reserve(size).is_err()) {
        return Errno::ENOMEM;
    }
    for (u32 i = 0; i < size; ++i) {
        const u32 g = TRY_SYS(t.space->read_val<u32>(args.a[1] + 4 * u64(i)));
        if (g == cred::KEEP) {
            return Errno::EINVAL; // not a valid gid
        }
        if (list.try_push(g).is_err()) {
            return Errno::ENOMEM;
        }
    }
    return update(t, [&](Creds& c) { return c.setgroups(list.span().span()); });
}

} // namespace services::syscall
