// ktests of the set*id rules (Linux's kernel/sys.c): root sets anything,
// others only to their real/effective/saved ids; the fs ids follow the
// effective ones; capabilities follow uid 0.
#include "cred.h"

#include <keel/ktest.h>
#include <klib/array.h>

namespace services::cred {

namespace {

bool ids(const Credentials& c, u32 r, u32 e, u32 s, u32 fs) {
    return c.uid == r && c.euid == e && c.suid == s && c.fsuid == fs;
}

i64 code(const klib::Result<void, Errno>& r) {
    return r.is_err() ? i64(r.error()) : 0;
}

} // namespace

KTEST(cred_root_sets_every_uid) {
    Credentials c;
    MUST(c.setresuid(1, 2, 3));
    KEXPECT(ids(c, 1, 2, 3, 2));
    KEXPECT(!c.capable());
    KEXPECT(!c.fs_capable());
    Credentials root;
    MUST(root.setuid(5));
    KEXPECT(ids(root, 5, 5, 5, 5)); // CAP_SETUID: all of them
    KEXPECT_EQ(code(root.setuid(0)), i64(Errno::EPERM)); // gone for good
    KEXPECT_EQ(code(root.setuid(KEEP)), i64(Errno::EINVAL));
}

KTEST(cred_unprivileged_rules_and_saved_id) {
    Credentials c;
    MUST(c.setresuid(1, 2, 3));
    MUST(c.setuid(3)); // to the saved id: effective only
    KEXPECT(ids(c, 1, 3, 3, 3));
    KEXPECT_EQ(code(c.setuid(4)), i64(Errno::EPERM));
    MUST(c.setreuid(KEEP, 1)); // e == old real: saved kept
    KEXPECT(ids(c, 1, 1, 3, 1));
    KEXPECT_EQ(code(c.setreuid(3, KEEP)), i64(Errno::EPERM)); // real: only real or effective
    MUST(c.setreuid(KEEP, 3)); // e != old real: saved follows
    KEXPECT(ids(c, 1, 3, 3, 3));
    KEXPECT_EQ(code(c.setresuid(KEEP, KEEP, 7)), i64(Errno::EPERM));
    KEXPECT_EQ(c.setfsuid(1), 3u);
    KEXPECT_EQ(c.setfsuid(99), 1u); // refused: unchanged
    KEXPECT_EQ(c.fsuid, 1u);
    MUST(c.setresuid(KEEP, 1, KEEP));
    KEXPECT_EQ(c.fsuid, 1u);
}

KTEST(cred_effective_zero_is_privilege) {
    Credentials c;
    MUST(c.setresuid(KEEP, 1000, KEEP)); // real and saved stay 0
    KEXPECT(!c.capable());
    KEXPECT_EQ(code(c.setgroups(klib::Span<const u32>())), i64(Errno::EPERM));
    MUST(c.setresuid(KEEP, 0, KEEP)); // back through the saved id
    KEXPECT(c.capable());
    KEXPECT(c.fs_capable());
}

KTEST(cred_groups_sorted_and_membership) {
    Credentials c;
    const klib::Array<u32, 4> list = {9, 3, 9, 5};
    MUST(c.setgroups(list.span()));
    KASSERT(c.group_count() == 4);
    KEXPECT_EQ(c.group(0), 3u);
    KEXPECT_EQ(c.group(3), 9u);
    KEXPECT(c.in_group(5));
    KEXPECT(c.in_group(0)); // the fs gid
    KEXPECT(!c.in_group(4));
    Credentials copy = c.clone(); // shares the list
    KEXPECT(copy.in_group(9));
    MUST(c.setgroups(klib::Span<const u32>()));
    KEXPECT_EQ(c.group_count(), 0u);
    KEXPECT(copy.in_group(9));
    KEXPECT(c.for_access().fsuid == c.uid);
}

KTEST(cred_gid_rules) {
    Credentials c;
    MUST(c.setresgid(10, 11, 12));
    MUST(c.setresuid(KEEP, 1000, KEEP));
    KEXPECT_EQ(code(c.setgid(7)), i64(Errno::EPERM));
    MUST(c.setgid(12));
    KEXPECT(c.gid == 10 && c.egid == 12 && c.sgid == 12 && c.fsgid == 12);
    KEXPECT_EQ(c.setfsgid(10), 12u);
    KEXPECT_EQ(c.fsgid, 10u);
}

} // namespace services::cred
