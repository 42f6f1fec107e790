#include "rlimit.h"

#include "fork.h"
#include <keel/sync/spinlock.h>
#include <klib/vec.h>

namespace services::process {

Rlimits::Rlimits() {
    for (Rlimit& l : lim_) {
        l = Rlimit{RLIM_INFINITY, RLIM_INFINITY};
    }
    lim_[RLIMIT_STACK].cur = 8ull << 20;
    lim_[RLIMIT_CORE] = Rlimit{0, RLIM_INFINITY};
    lim_[RLIMIT_NPROC] = Rlimit{MAX_THREADS / 2, MAX_THREADS / 2};
    lim_[RLIMIT_NOFILE] = Rlimit{fs::FdTable::MAX_FDS, fs::FdTable::HARD_FDS};
    lim_[RLIMIT_MEMLOCK] = Rlimit{8ull << 20, 8ull << 20};
    lim_[RLIMIT_SIGPENDING] = Rlimit{MAX_THREADS / 2, MAX_THREADS / 2};
    lim_[12] = Rlimit{819200, 819200}; // RLIMIT_MSGQUEUE
    lim_[13] = Rlimit{0, 0};           // RLIMIT_NICE
    lim_[14] = Rlimit{0, 0};           // RLIMIT_RTPRIO
}

klib::Result<void, syscall::Errno> Rlimits::set(usize r, Rlimit v, bool privileged) {
    if (v.cur > v.max) {
        return syscall::Errno::EINVAL;
    }
    if (r == RLIMIT_NOFILE && v.max > fs::FdTable::NR_OPEN) {
        return syscall::Errno::EPERM;
    }
    if (v.max > lim_[r].max && !privileged) {
        return syscall::Errno::EPERM;
    }
    lim_[r] = v;
    return {};
}

namespace {

struct UserCount {
    u32 uid = 0;
    u64 tasks = 0;
};

// Tasks per real uid (entries with no task left are dropped).
keel::SpinLock<klib::Vec<UserCount>> g_users;

klib::Optional<usize> slot_of(const klib::Vec<UserCount>& v, u32 uid) {
    for (usize i = 0; i < v.size(); ++i) {
        if (v[i].uid == uid) {
            return i;
        }
    }
    return klib::none;
}

} // namespace

klib::Result<void> nproc_charge(u32 uid, u64 limit, bool exempt) {
    return g_users.with([&](klib::Vec<UserCount>& v) -> klib::Result<void> {
        klib::Optional<usize> i = slot_of(v, uid);
        const u64 now = i.has_value() ? v[i.value()].tasks : 0;
        // Linux counts the new task, then refuses above the limit.
        if (now + 1 > limit && !exempt) {
            return klib::Error::WouldBlock;
        }
        if (i.has_value()) {
            v[i.value()].tasks = now + 1;
            return {};
        }
        TRY(v.try_push(UserCount{uid, 1}));
        return {};
    });
}

void nproc_uncharge(u32 uid, u32 n) {
    g_users.with([&](klib::Vec<UserCount>& v) {
        klib::Optional<usize> i = slot_of(v, uid);
        if (!i.has_value()) {
            return;
        }
        UserCount& c = v[i.value()];
        c.tasks = c.tasks > n ? c.tasks - n : 0;
        if (c.tasks == 0) {
            (void)v.remove(i.value());
        }
    });
}

u64 nproc_count(u32 uid) {
    return g_users.with([&](klib::Vec<UserCount>& v) -> u64 {
        klib::Optional<usize> i = slot_of(v, uid);
        return i.has_value() ? v[i.value()].tasks : 0;
    });
}

} // namespace services::process
