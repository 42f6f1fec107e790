#include "perm.h"

namespace services::fs {

bool owner_or_capable(const Stat& st, const Cred& c) {
    return c.fsuid == st.uid || c.fs_capable();
}

klib::Result<void, Errno> check_sticky(const Stat& dir, const Stat& victim, const Cred& c) {
    if ((dir.mode & S_ISVTX) == 0 || victim.uid == c.fsuid || dir.uid == c.fsuid || c.fs_capable()) {
        return {};
    }
    return Errno::EPERM;
}

klib::Result<void, Errno> may_link(const Stat& st, const Cred& c) {
    if (c.fsuid == st.uid) {
        return {};
    }
    const bool safe = st.type() == S_IFREG && (st.mode & S_ISUID) == 0 &&
                      (st.mode & (S_ISGID | 0010)) != (S_ISGID | 0010) &&
                      permitted(st, c, MAY_READ | MAY_WRITE);
    if (safe || c.fs_capable()) {
        return {};
    }
    return Errno::EPERM;
}

u32 privs_to_kill(const Stat& st, const Cred& c) {
    if (st.type() != S_IFREG || c.fs_capable()) {
        return 0;
    }
    u32 kill = st.mode & S_ISUID;
    if ((st.mode & (S_ISGID | 0010)) == (S_ISGID | 0010)) {
        kill |= S_ISGID;
    }
    return kill;
}

klib::Result<void, Errno> remove_privs(const Inode& inode, const Cred& c) {
    const Stat st = inode.stat();
    const u32 kill = privs_to_kill(st, c);
    if (kill == 0) {
        return {};
    }
    SetAttr a;
    a.mode = st.mode & 07777 & ~kill;
    return inode.set_attr(a);
}

klib::Result<void, Errno> may_setattr(const Stat& st, SetAttr& a, const Cred& c) {
    if (a.uid.has_value() && !c.fs_capable() && !(c.fsuid == st.uid && a.uid.value() == st.uid)) {
        return Errno::EPERM;
    }
    if (a.gid.has_value() && !c.fs_capable() &&
        !(c.fsuid == st.uid && (a.gid.value() == st.gid || c.in_group(a.gid.value())))) {
        return Errno::EPERM;
    }
    if (a.mode.has_value()) {
        if (!owner_or_capable(st, c)) {
            return Errno::EPERM;
        }
        const u32 group = a.gid.has_value() ? a.gid.value() : st.gid;
        if (!c.in_group(group) && !c.fs_capable()) {
            a.mode = a.mode.value() & ~S_ISGID;
        }
    }
    if (a.times_set && !owner_or_capable(st, c)) {
        return Errno::EPERM;
    }
    return {};
}

} // namespace services::fs
