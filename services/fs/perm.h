// Linux's permission rules beyond the mode bits (fs/namei.c, fs/attr.c):
// ownership tests, the sticky bit, protected hard links, who may change
// which attribute, and the set-user/group-ID bits a write drops.
// Pure functions of a Stat and the caller's credentials.
#pragma once

#include "inode.h"

namespace services::fs {

// inode_owner_or_capable: the fs uid owns the inode, or CAP_FOWNER.
bool owner_or_capable(const Stat& st, const Cred& c);

// may_delete's check_sticky: in a sticky directory only the owner of the
// entry or of the directory (or CAP_FOWNER) may remove or rename it (EPERM).
klib::Result<void, Errno> check_sticky(const Stat& dir, const Stat& victim, const Cred& c);

// may_linkat with fs.protected_hardlinks=1 (Debian's default): a hard link
// to a file one does not own needs a regular file without set-user-ID (or
// executable set-group-ID) that one may read and write, or CAP_FOWNER (EPERM).
klib::Result<void, Errno> may_link(const Stat& st, const Cred& c);

// should_remove_suid: the mode bits a write or truncate by `c` drops
// (S_ISUID; S_ISGID when group-executable), 0 with CAP_FSETID.
u32 privs_to_kill(const Stat& st, const Cred& c);

// Drops those bits from `inode` before a write (file_remove_privs).
klib::Result<void, Errno> remove_privs(const Inode& inode, const Cred& c);

// setattr_prepare's ownership rules for `a` on a file with `st`:
// chown needs CAP_CHOWN, or the owner keeping the uid and choosing one of
// its groups; chmod and explicit times need the owner (or CAP_FOWNER);
// chmod drops S_ISGID unless the caller is in the file's group or has
// CAP_FSETID (EPERM).
klib::Result<void, Errno> may_setattr(const Stat& st, SetAttr& a, const Cred& c);

} // namespace services::fs
