// ktests of the resource-limit rules (do_prlimit) and of RLIMIT_NPROC's
// per-user count.
#include "rlimit.h"

#include "../cred/cred.h"
#include <keel/ktest.h>

namespace services::process {

namespace {

i64 code(const klib::Result<void, syscall::Errno>& r) {
    return r.is_err() ? i64(r.error()) : 0;
}

} // namespace

KTEST(rlimit_init_values_as_linux) {
    const Rlimits r;
    KEXPECT_EQ(r.get(RLIMIT_STACK).cur, u64(8) << 20);
    KEXPECT_EQ(r.get(RLIMIT_STACK).max, RLIM_INFINITY);
    KEXPECT_EQ(r.get(RLIMIT_CORE).cur, u64(0));
    KEXPECT_EQ(r.get(RLIMIT_NOFILE).cur, u64(1024));
    KEXPECT_EQ(r.get(RLIMIT_NOFILE).max, u64(4096));
    KEXPECT_EQ(r.get(RLIMIT_AS).cur, RLIM_INFINITY);
}

KTEST(rlimit_set_rules) {
    Rlimits r;
    // Soft above hard: EINVAL, nothing changes.
    KEXPECT_EQ(code(r.set(RLIMIT_NOFILE, Rlimit{300, 200}, true)), i64(syscall::Errno::EINVAL));
    KEXPECT_EQ(r.get(RLIMIT_NOFILE).cur, u64(1024));
    // Lowering is anyone's right; raising the hard limit back is not.
    MUST(r.set(RLIMIT_NOFILE, Rlimit{100, 200}, false));
    KEXPECT_EQ(code(r.set(RLIMIT_NOFILE, Rlimit{100, 201}, false)), i64(syscall::Errno::EPERM));
    KEXPECT_EQ(r.get(RLIMIT_NOFILE).max, u64(200));
    MUST(r.set(RLIMIT_NOFILE, Rlimit{200, 200}, false)); // soft up to hard: fine
    MUST(r.set(RLIMIT_NOFILE, Rlimit{100, 5000}, true)); // CAP_SYS_RESOURCE
    // NOFILE's hard limit may not pass NR_OPEN, even for root.
    KEXPECT_EQ(code(r.set(RLIMIT_NOFILE, Rlimit{1, fs::FdTable::NR_OPEN + 1}, true)),
               i64(syscall::Errno::EPERM));
    MUST(r.set(RLIMIT_AS, Rlimit{RLIM_INFINITY, RLIM_INFINITY}, false)); // unchanged hard
}

KTEST(rlimit_nproc_counts_per_uid) {
    constexpr u32 UID = 54321; // no task of the kernel runs as it
    KEXPECT_EQ(nproc_count(UID), u64(0));
    MUST(nproc_charge(UID, 2, false));
    MUST(nproc_charge(UID, 2, false));
    KEXPECT_EQ(nproc_count(UID), u64(2));
    // A third is over the limit: refused, not counted...
    KEXPECT(nproc_charge(UID, 2, false).is_err());
    KEXPECT_EQ(nproc_count(UID), u64(2));
    // ...unless exempt (uid 0, CAP_SYS_RESOURCE).
    MUST(nproc_charge(UID, 2, true));
    KEXPECT_EQ(nproc_count(UID), u64(3));
    KEXPECT_EQ(nproc_count(UID + 1), u64(0)); // other users are apart
    nproc_uncharge(UID, 3);
    KEXPECT_EQ(nproc_count(UID), u64(0));
    nproc_uncharge(UID, 1); // below zero: stays at zero
    KEXPECT_EQ(nproc_count(UID), u64(0));
}

KTEST(cred_may_signal_is_kill_ok_by_cred) {
    cred::Credentials sender;
    cred::Credentials target;
    MUST(sender.setresuid(2000, 1000, 2000));
    MUST(target.setresuid(3000, 1000, 4000));
    KEXPECT(!sender.may_signal(target)); // the target's euid does not count
    MUST(target.setresuid(3000, 3000, 1000));
    KEXPECT(sender.may_signal(target)); // sender euid == target suid
    cred::Credentials t2;
    MUST(t2.setresuid(2000, 5000, 5000));
    KEXPECT(sender.may_signal(t2)); // sender uid == target uid
    const cred::Credentials root;
    KEXPECT(root.may_signal(t2)); // CAP_KILL
}

} // namespace services::process
