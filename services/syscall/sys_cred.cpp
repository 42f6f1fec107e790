// Credentials: get*id, set*id, setfs*id, getgroups/setgroups. The rules
// live in services/cred (Credentials); this file moves the arguments.
// A process without a file system (kernel tests) reads root's ids.
#include "syscall.h"

namespace services::syscall {

namespace {

using Creds = cred::Credentials;

// A copy of the caller's credentials.
Creds current(const process::Process& p) {
    if (!p.vfs.has_value()) {
        return Creds{};
    }
    return p.vfs.value().cred.clone();
}

// Applies `change` to the caller's credentials (a process without a file
// system has none to change: EPERM).
SysResult update(process::Process& p, klib::FunctionRef<klib::Result<void, Errno>(Creds&)> change) {
    if (!p.vfs.has_value()) {
        return Errno::EPERM;
    }
    TRY(change(p.vfs.value().cred));
    return u64(0);
}

// The three ids of getresuid/getresgid, each to its own address (EFAULT).
SysResult put_three(const process::Process& p, const Args& args, u32 r, u32 e, u32 s) {
    TRY_SYS(p.space.write_val(args.a[0], r));
    TRY_SYS(p.space.write_val(args.a[1], e));
    TRY_SYS(p.space.write_val(args.a[2], s));
    return u64(0);
}

} // namespace

SysResult sys_getuid(process::Process& p, const Args&) {
    return u64(current(p).uid);
}
SysResult sys_geteuid(process::Process& p, const Args&) {
    return u64(current(p).euid);
}
SysResult sys_getgid(process::Process& p, const Args&) {
    return u64(current(p).gid);
}
SysResult sys_getegid(process::Process& p, const Args&) {
    return u64(current(p).egid);
}

SysResult sys_setuid(process::Process& p, const Args& args) {
    const u32 id = u32(args.a[0]);
    return update(p, [id](Creds& c) { return c.setuid(id); });
}
SysResult sys_setgid(process::Process& p, const Args& args) {
    const u32 id = u32(args.a[0]);
    return update(p, [id](Creds& c) { return c.setgid(id); });
}
SysResult sys_setreuid(process::Process& p, const Args& args) {
    const u32 r = u32(args.a[0]);
    const u32 e = u32(args.a[1]);
    return update(p, [r, e](Creds& c) { return c.setreuid(r, e); });
}
SysResult sys_setregid(process::Process& p, const Args& args) {
    const u32 r = u32(args.a[0]);
    const u32 e = u32(args.a[1]);
    return update(p, [r, e](Creds& c) { return c.setregid(r, e); });
}
SysResult sys_setresuid(process::Process& p, const Args& args) {
    const u32 r = u32(args.a[0]);
    const u32 e = u32(args.a[1]);
    const u32 s = u32(args.a[2]);
    return update(p, [r, e, s](Creds& c) { return c.setresuid(r, e, s); });
}
SysResult sys_setresgid(process::Process& p, const Args& args) {
    const u32 r = u32(args.a[0]);
    const u32 e = u32(args.a[1]);
    const u32 s = u32(args.a[2]);
    return update(p, [r, e, s](Creds& c) { return c.setresgid(r, e, s); });
}
SysResult sys_getresuid(process::Process& p, const Args& args) {
    const Creds c = current(p);
    return put_three(p, args, c.uid, c.euid, c.suid);
}
SysResult sys_getresgid(process::Process& p, const Args& args) {
    const Creds c = current(p);
    return put_three(p, args, c.gid, c.egid, c.sgid);
}
// setfsuid/setfsgid: the old value; a change that is not allowed is
// silently not made.
SysResult sys_setfsuid(process::Process& p, const Args& args) {
    const u32 id = u32(args.a[0]);
    u32 old = current(p).fsuid;
    (void)update(p, [&](Creds& c) -> klib::Result<void, Errno> {
        old = c.setfsuid(id);
        return {};
    });
    return u64(old);
}
SysResult sys_setfsgid(process::Process& p, const Args& args) {
    const u32 id = u32(args.a[0]);
    u32 old = current(p).fsgid;
    (void)update(p, [&](Creds& c) -> klib::Result<void, Errno> {
        old = c.setfsgid(id);
        return {};
    });
    return u64(old);
}

// getgroups(size, list): the count when size is 0, EINVAL when the list
// does not fit.
SysResult sys_getgroups(process::Process& p, const Args& args) {
    const i32 size = i32(u32(args.a[0]));
    if (size < 0) {
        return Errno::EINVAL;
    }
    const Creds c = current(p);
    const usize n = c.group_count();
    if (size == 0) {
        return u64(n);
    }
    if (n > usize(size)) {
        return Errno::EINVAL;
    }
    for (usize i = 0; i < n; ++i) {
        TRY_SYS(p.space.write_val(args.a[1] + 4 * i, c.group(i)));
    }
    return u64(n);
}

// setgroups(size, list): EPERM without CAP_SETGID, then EINVAL above
// NGROUPS_MAX, then EFAULT.
SysResult sys_setgroups(process::Process& p, const Args& args) {
    const u32 size = u32(args.a[0]);
    if (!current(p).capable()) {
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
        const u32 g = TRY_SYS(p.space.read_val<u32>(args.a[1] + 4 * u64(i)));
        if (g == cred::KEEP) {
            return Errno::EINVAL; // not a valid gid
        }
        if (list.try_push(g).is_err()) {
            return Errno::ENOMEM;
        }
    }
    return update(p, [&](Creds& c) { return c.setgroups(list.span().span()); });
}

} // namespace services::syscall
