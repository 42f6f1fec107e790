#include "cred.h"

#include <klib/algorithm.h>
#include <klib/array.h>

namespace services::cred {

namespace {

bool kept(u32 id) {
    return id == KEEP;
}

} // namespace

Credentials Credentials::clone() const {
    Credentials c;
    c.uid = uid;
    c.euid = euid;
    c.suid = suid;
    c.fsuid = fsuid;
    c.gid = gid;
    c.egid = egid;
    c.sgid = sgid;
    c.fsgid = fsgid;
    if (groups.has_value()) {
        c.groups = groups.value().clone();
    }
    return c;
}

bool Credentials::in_group(u32 g) const {
    if (g == fsgid) {
        return true;
    }
    for (usize i = 0; i < group_count(); ++i) {
        if (group(i) == g) {
            return true;
        }
    }
    return false;
}

// setuid(2): with CAP_SETUID all four ids; otherwise the effective (and
// fs) id may become the real or the saved one.
klib::Result<void, Errno> Credentials::setuid(u32 id) {
    if (kept(id)) {
        return Errno::EINVAL;
    }
    if (capable()) {
        uid = id;
        suid = id;
    } else if (id != uid && id != suid) {
        return Errno::EPERM;
    }
    euid = id;
    fsuid = id;
    return {};
}

klib::Result<void, Errno> Credentials::setgid(u32 id) {
    if (kept(id)) {
        return Errno::EINVAL;
    }
    if (capable()) {
        gid = id;
        sgid = id;
    } else if (id != gid && id != sgid) {
        return Errno::EPERM;
    }
    egid = id;
    fsgid = id;
    return {};
}

// setreuid(2): the real id may become the real or effective one, the
// effective one any of the three; the saved id follows the effective one
// when the real id is set or the effective one differs from the old real.
klib::Result<void, Errno> Credentials::setreuid(u32 r, u32 e) {
    const bool cap = capable();
    if (!kept(r) && !cap && r != uid && r != euid) {
        return Errno::EPERM;
    }
    if (!kept(e) && !cap && e != uid && e != euid && e != suid) {
        return Errno::EPERM;
    }
    const u32 old_uid = uid;
    if (!kept(r)) {
        uid = r;
    }
    if (!kept(e)) {
        euid = e;
    }
    if (!kept(r) || (!kept(e) && e != old_uid)) {
        suid = euid;
    }
    fsuid = euid;
    return {};
}

klib::Result<void, Errno> Credentials::setregid(u32 r, u32 e) {
    const bool cap = capable();
    if (!kept(r) && !cap && r != gid && r != egid) {
        return Errno::EPERM;
    }
    if (!kept(e) && !cap && e != gid && e != egid && e != sgid) {
        return Errno::EPERM;
    }
    const u32 old_gid = gid;
    if (!kept(r)) {
        gid = r;
    }
    if (!kept(e)) {
        egid = e;
    }
    if (!kept(r) || (!kept(e) && e != old_gid)) {
        sgid = egid;
    }
    fsgid = egid;
    return {};
}

// setresuid(2): without CAP_SETUID each new id must be one of the three.
klib::Result<void, Errno> Credentials::setresuid(u32 r, u32 e, u32 s) {
    if (!capable()) {
        for (u32 id : klib::Array<u32, 3>{r, e, s}) {
            if (!kept(id) && id != uid && id != euid && id != suid) {
                return Errno::EPERM;
            }
        }
    }
    if (!kept(r)) {
        uid = r;
    }
    if (!kept(e)) {
        euid = e;
    }
    if (!kept(s)) {
        suid = s;
    }
    fsuid = euid;
    return {};
}

klib::Result<void, Errno> Credentials::setresgid(u32 r, u32 e, u32 s) {
    if (!capable()) {
        for (u32 id : klib::Array<u32, 3>{r, e, s}) {
            if (!kept(id) && id != gid && id != egid && id != sgid) {
                return Errno::EPERM;
            }
        }
    }
    if (!kept(r)) {
        gid = r;
    }
    if (!kept(e)) {
        egid = e;
    }
    if (!kept(s)) {
        sgid = s;
    }
    fsgid = egid;
    return {};
}

u32 Credentials::setfsuid(u32 id) {
    const u32 old = fsuid;
    if (kept(id)) {
        return old;
    }
    if (id == uid || id == euid || id == suid || id == fsuid || capable()) {
        fsuid = id;
    }
    return old;
}

u32 Credentials::setfsgid(u32 id) {
    const u32 old = fsgid;
    if (kept(id)) {
        return old;
    }
    if (id == gid || id == egid || id == sgid || id == fsgid || capable()) {
        fsgid = id;
    }
    return old;
}

klib::Result<void, Errno> Credentials::setgroups(klib::Span<const u32> list) {
    if (!capable()) {
        return Errno::EPERM;
    }
    if (list.size() > NGROUPS_MAX) {
        return Errno::EINVAL;
    }
    klib::Vec<u32> sorted;
    if (sorted.try_reserve(list.size()).is_err()) {
        return Errno::ENOMEM;
    }
    for (u32 g : list) {
        if (sorted.try_push(g).is_err()) {
            return Errno::ENOMEM;
        }
    }
    // Sorted as Linux's groups_sort (duplicates stay: getgroups shows them).
    klib::sort(sorted.span().span());
    if (sorted.empty()) {
        groups = klib::none;
        return {};
    }
    auto shared = klib::Arc<klib::Vec<u32>>::make(klib::move(sorted));
    if (shared.is_err()) {
        return Errno::ENOMEM;
    }
    groups = shared.release_value();
    return {};
}

Credentials Credentials::for_access() const {
    Credentials c = clone();
    c.fsuid = uid;
    c.fsgid = gid;
    return c;
}

} // namespace services::cred
