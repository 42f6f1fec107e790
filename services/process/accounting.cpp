#include "accounting.h"

#include "proc_view.h"
#include "stack.h"
#include <keel/task.h>

namespace services::process {

namespace {

CpuTimes of_task(const keel::TaskTimes& k) {
    const u64 user = k.user_ns < k.total_ns ? k.user_ns : k.total_ns;
    return CpuTimes{user, k.total_ns - user};
}

} // namespace

CpuTimes thread_times() {
    return of_task(keel::task_times());
}

CpuTimes process_times(const Process& p) {
    CpuTimes sum = p.state.with([](ProcState& s) { return s.res.dead; });
    for_each_thread_task(p.pid, [&](keel::TaskId task) {
        klib::Optional<keel::TaskTimes> k = keel::task_times(task);
        if (k.has_value()) {
            sum.add(of_task(k.value()));
        }
    });
    return sum;
}

CpuTimes children_times(const Process& p) {
    return p.state.with([](ProcState& s) { return s.res.children; });
}

void account_thread_end(const Process& p, bool last) {
    const CpuTimes mine = thread_times();
    u32 uid = 0;
    const bool release = !last;
    klib::Optional<fs::WriteGuard> image; // dropped after the lock
    p.state.with([&](ProcState& s) {
        s.res.dead.add(mine);
        if (last) {
            image = klib::move(s.res.image); // the program image is gone
        }
        uid = s.res.nproc_uid;
        if (release && s.res.nproc_charged > 0) {
            s.res.nproc_charged -= 1;
        }
    });
    if (release) {
        nproc_uncharge(uid, 1);
    }
}

void account_release(const Process& child) {
    u32 uid = 0;
    u32 n = 0;
    child.state.with([&](ProcState& s) {
        uid = s.res.nproc_uid;
        n = s.res.nproc_charged;
        s.res.nproc_charged = 0;
    });
    nproc_uncharge(uid, n);
}

CpuTimes account_reap(const Process& parent, const Process& child) {
    account_release(child);
    CpuTimes total = child.state.with([](ProcState& s) {
        CpuTimes t = s.res.dead;
        t.add(s.res.children);
        return t;
    });
    parent.state.with([&](ProcState& s) { s.res.children.add(total); });
    return total;
}

void hold_image(const Process& p, klib::Optional<fs::WriteGuard> image) {
    klib::Optional<fs::WriteGuard> old;
    p.state.with([&](ProcState& s) {
        old = klib::move(s.res.image);
        s.res.image = klib::move(image);
    });
}

klib::Result<void> exec_nproc_check(const Process& p) {
    bool marked = false;
    u32 uid = 0;
    u64 limit = 0;
    p.state.with([&](ProcState& s) {
        marked = s.res.nproc_exceeded;
        s.res.nproc_exceeded = false;
        uid = s.res.nproc_uid;
        limit = s.res.limits.cur(RLIMIT_NPROC);
    });
    if (marked && nproc_count(uid) > limit) {
        return klib::Error::WouldBlock;
    }
    return {};
}

bool may_expand_vm(const Thread& t, u64 bytes) {
    constexpr u64 PAGE = 4096;
    u64 stack_limit = 0;
    const u64 limit = t.proc->state.with([&](ProcState& s) {
        stack_limit = s.res.limits.cur(RLIMIT_STACK);
        return s.res.limits.cur(RLIMIT_AS);
    });
    if (limit == RLIM_INFINITY) {
        return true;
    }
    auto areas = t.space->areas();
    if (areas.is_err()) {
        return false;
    }
    u64 pages = bytes / PAGE;
    for (const mm::Vma& a : areas.value()) {
        u64 size = a.end - a.start;
        // The stack area counts as what RLIMIT_STACK lets it grow to (the
        // part of its reserved 64 MiB Linux's stack vma could cover).
        if (a.end == STACK_TOP && size > stack_limit) {
            size = (stack_limit + PAGE - 1) / PAGE * PAGE;
        }
        pages += size / PAGE;
    }
    return pages <= limit / PAGE;
}

void nproc_move(const Process& p, u32 uid) {
    u32 old = 0;
    u32 n = 0;
    u64 limit = 0;
    p.state.with([&](ProcState& s) {
        old = s.res.nproc_uid;
        n = s.res.nproc_charged;
        limit = s.res.limits.cur(RLIMIT_NPROC);
    });
    if (old == uid) {
        return;
    }
    // flag_nproc_exceeded: counted before this process moves in.
    const bool over = uid != 0 && nproc_count(uid) > limit;
    p.state.with([&](ProcState& s) {
        s.res.nproc_uid = uid;
        s.res.nproc_exceeded = over;
    });
    if (n == 0) {
        return;
    }
    nproc_uncharge(old, n);
    for (u32 i = 0; i < n; ++i) {
        // Counted whatever the limit (commit_creds); NoMemory loses the
        // count of this uid's entry, which only errs on the lenient side.
        (void)nproc_charge(uid, RLIM_INFINITY, true);
    }
}

} // namespace services::process
