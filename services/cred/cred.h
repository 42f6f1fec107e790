// A task's credentials (Linux's struct cred without capabilities sets):
// real, effective, saved and file-system user and group ids and the
// supplementary groups, and the rules of the set*id(2) calls.
//
// Capabilities are not modelled as sets: as Linux's capability emulation
// for uid 0 does it, the ordinary capabilities (CAP_SETUID, CAP_SETGID,
// CAP_SYS_ADMIN, ...) are held while the effective uid is 0 and the
// file-system ones (CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH,
// CAP_FOWNER, CAP_FSETID, CAP_MKNOD) while the fs uid is 0.
//
// Depends on nothing but klib and the errno values: the VFS uses it for
// permission checks, the process embeds it (no include cycle).
#pragma once

#include "../syscall/errno.h"
#include <klib/arc.h>
#include <klib/optional.h>
#include <klib/result.h>
#include <klib/span.h>
#include <klib/types.h>
#include <klib/vec.h>

namespace services::cred {

using syscall::Errno;

// Linux's NGROUPS_MAX.
constexpr usize NGROUPS_MAX = 65536;
// "Leave unchanged" in the set*id calls ((uid_t)-1).
constexpr u32 KEEP = 0xffffffff;

struct Credentials {
    u32 uid = 0;   // real
    u32 euid = 0;  // effective
    u32 suid = 0;  // saved set-user-ID
    u32 fsuid = 0; // file-system accesses
    u32 gid = 0;
    u32 egid = 0;
    u32 sgid = 0;
    u32 fsgid = 0;
    // Supplementary groups, sorted (as Linux keeps them); shared between
    // copies (setgroups installs a new list), none: no groups.
    klib::Optional<klib::Arc<klib::Vec<u32>>> groups;

    // A copy (the group list is shared).
    Credentials clone() const;
    usize group_count() const { return groups.has_value() ? groups.value()->size() : 0; }
    u32 group(usize i) const { return (*groups.value())[i]; }

    // Ordinary capabilities (CAP_SETUID, CAP_SETGID, CAP_SYS_ADMIN, ...).
    bool capable() const { return euid == 0; }
    // File-system capabilities (CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_CHOWN,
    // CAP_FSETID, CAP_MKNOD, ...).
    bool fs_capable() const { return fsuid == 0; }
    // Kept for the VFS's older spelling: file-system privilege.
    bool is_root() const { return fs_capable(); }
    // Linux's in_group_p: the fs gid or a supplementary group.
    bool in_group(u32 g) const;

    // The set*id(2) rules (Linux's kernel/sys.c); -1 arguments are KEEP.
    // EINVAL for -1 where an id is required, EPERM when not allowed.
    klib::Result<void, Errno> setuid(u32 id);
    klib::Result<void, Errno> setgid(u32 id);
    klib::Result<void, Errno> setreuid(u32 r, u32 e);
    klib::Result<void, Errno> setregid(u32 r, u32 e);
    klib::Result<void, Errno> setresuid(u32 r, u32 e, u32 s);
    klib::Result<void, Errno> setresgid(u32 r, u32 e, u32 s);
    // setfsuid/setfsgid return the old value and change nothing when not
    // allowed (no error, as Linux).
    u32 setfsuid(u32 id);
    u32 setfsgid(u32 id);
    // setgroups(2): EPERM without CAP_SETGID, EINVAL above NGROUPS_MAX,
    // ENOMEM.
    klib::Result<void, Errno> setgroups(klib::Span<const u32> list);

    // Linux's kill_ok_by_cred: may a process with these credentials
    // signal one with `target`'s? Its real or effective uid equal to the
    // target's real or saved uid, or CAP_KILL.
    bool may_signal(const Credentials& target) const {
        return euid == target.suid || euid == target.uid || uid == target.suid ||
               uid == target.uid || capable();
    }

    // The credentials access(2) checks with: fs ids set to the real ones.
    Credentials for_access() const;
};

} // namespace services::cred
