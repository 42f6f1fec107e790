// ktests for kernel tasks, wait queues and user-mode preemption, written as
// service code.
#include <keel/ktest.h>
#include <keel/sync/spinlock.h>
#include <keel/task.h>
#include <keel/time.h>
#include <keel/user.h>
#include <klib/arc.h>
#include <klib/array.h>
#include <klib/function.h>
#include <klib/vec.h>

namespace services::selftest {

namespace {

struct Shared {
    keel::SpinLock<klib::Vec<u64>> log;
    keel::WaitQueue done;
};

u64 log_size(const Shared& s) {
    return s.log.with([](klib::Vec<u64>& v) { return u64(v.size()); });
}

void append(const Shared& s, u64 x) {
    s.log.with([x](klib::Vec<u64>& v) { MUST(v.try_push(x)); });
}

} // namespace

KTEST(task_spawned_tasks_all_run_and_exit) {
    klib::Arc<Shared> sh = MUST(klib::Arc<Shared>::make());
    const u64 before = keel::task_count();
    for (u64 i = 0; i < 5; ++i) {
        klib::Arc<Shared> mine = sh.clone();
        auto body = MUST(klib::Function<void()>::make([mine = klib::move(mine), i]() {
            append(*mine, i);
            (*mine).done.wake_all();
        }));
        KASSERT(keel::spawn_task(klib::move(body)).is_ok());
    }
    KEXPECT_EQ(keel::task_count(), before + 5);
    (*sh).done.wait_until([&] { return log_size(*sh) == 5; });
    // Give the last task the chance to finish exiting.
    keel::yield_now();
    KEXPECT_EQ(keel::task_count(), before);
    // Round-robin: they ran in the order they were spawned.
    (*sh).log.with([](klib::Vec<u64>& v) {
        for (u64 i = 0; i < 5; ++i) {
            KEXPECT_EQ(v[i], i);
        }
    });
}

KTEST(task_yield_alternates_between_tasks) {
    klib::Arc<Shared> sh = MUST(klib::Arc<Shared>::make());
    klib::Arc<Shared> mine = sh.clone();
    auto body = MUST(klib::Function<void()>::make([mine = klib::move(mine)]() {
        for (u64 i = 0; i < 3; ++i) {
            append(*mine, 100 + i);
            keel::yield_now();
        }
        (*mine).done.wake_all();
    }));
    KASSERT(keel::spawn_task(klib::move(body)).is_ok());
    for (u64 i = 0; i < 3; ++i) {
        keel::yield_now();
        append(*sh, i);
    }
    (*sh).done.wait_until([&] { return log_size(*sh) == 6; });
    (*sh).log.with([](klib::Vec<u64>& v) {
        const klib::Array<u64, 6> want = {100, 0, 101, 1, 102, 2};
        for (usize i = 0; i < 6; ++i) {
            KEXPECT_EQ(v[i], want[i]);
        }
    });
}

KTEST(task_sleep_waits_at_least_the_time_asked) {
    const u64 t0 = keel::monotonic_ns();
    keel::sleep_ns(30000000);
    KEXPECT_GE(keel::monotonic_ns() - t0, u64(30000000));
}

KTEST(task_user_mode_is_preempted_for_other_tasks) {
    // The user thread spins forever (jmp .); another task must still run.
    klib::Arc<Shared> sh = MUST(klib::Arc<Shared>::make());
    klib::Arc<Shared> mine = sh.clone();
    auto body =
        MUST(klib::Function<void()>::make([mine = klib::move(mine)]() { append(*mine, 7); }));
    keel::VmSpace space = MUST(keel::VmSpace::create());
    keel::Frame text = MUST(keel::Frame::alloc());
    const klib::Array<u8, 2> spin = {0xeb, 0xfe};
    MUST(text.write_bytes(0, spin.span()));
    MUST(space.map(0x400000, klib::move(text), keel::VmPerms{false, true}));
    KASSERT(keel::spawn_task(klib::move(body)).is_ok());
    keel::UserContext ctx;
    ctx.regs.rip = 0x400000;
    ctx.regs.rsp = 0x800000;
    u64 preemptions = 0;
    while (log_size(*sh) == 0 && preemptions < 1000) {
        keel::UserExit why = keel::execute_user(space, ctx);
        KASSERT(why == keel::UserExit::Preempted);
        ++preemptions;
        keel::yield_now();
    }
    KEXPECT_EQ(log_size(*sh), u64(1));
    KEXPECT_GE(preemptions, u64(1));
    KEXPECT_EQ(ctx.regs.rip, u64(0x400000)); // still spinning where it was
}

} // namespace services::selftest

namespace services::selftest {

KTEST(task_wait_with_timeout_gives_up_and_unregisters) {
    klib::Arc<Shared> sh = MUST(klib::Arc<Shared>::make());
    const u64 t0 = keel::monotonic_ns();
    const bool ok = (*sh).done.wait_until_for([] { return false; }, 20000000);
    KEXPECT(!ok);
    KEXPECT_GE(keel::monotonic_ns() - t0, u64(20000000));
    // The queue is dropped here: it must have no waiter left (checked).
}

KTEST(task_wait_with_timeout_returns_when_woken) {
    klib::Arc<Shared> sh = MUST(klib::Arc<Shared>::make());
    klib::Arc<Shared> mine = sh.clone();
    auto body = MUST(klib::Function<void()>::make([mine = klib::move(mine)]() {
        append(*mine, 1);
        (*mine).done.wake_all();
    }));
    KASSERT(keel::spawn_task(klib::move(body)).is_ok());
    const bool ok = (*sh).done.wait_until_for([&] { return log_size(*sh) == 1; }, 2000000000);
    KEXPECT(ok);
}

} // namespace services::selftest

namespace services::selftest {

// Regression: a spawned task's stack was 8 bytes off the ABI's 16-byte
// alignment, so a keel::UserContext on it (its FPU image is alignas(16))
// made execute_user's fxrstor fault.
KTEST(task_spawned_task_can_run_user_mode_from_its_stack) {
    klib::Arc<Shared> sh = MUST(klib::Arc<Shared>::make());
    klib::Arc<Shared> mine = sh.clone();
    auto body = MUST(klib::Function<void()>::make([mine = klib::move(mine)]() {
        keel::VmSpace space = MUST(keel::VmSpace::create());
        keel::Frame text = MUST(keel::Frame::alloc());
        const klib::Array<u8, 2> code = {0x0f, 0x05}; // syscall
        MUST(text.write_bytes(0, code.span()));
        MUST(space.map(0x400000, klib::move(text), keel::VmPerms{false, true}));
        keel::UserContext ctx;
        ctx.regs.rip = 0x400000;
        ctx.regs.rsp = 0x800000;
        ctx.regs.rax = 39;
        const keel::UserExit why = keel::execute_user(space, ctx);
        append(*mine, why == keel::UserExit::Syscall ? ctx.regs.rax : 0);
        (*mine).done.wake_all();
    }));
    KASSERT(keel::spawn_task(klib::move(body)).is_ok());
    (*sh).done.wait_until([&] { return log_size(*sh) == 1; });
    (*sh).log.with([](klib::Vec<u64>& v) { KEXPECT_EQ(v[0], u64(39)); });
}

} // namespace services::selftest

namespace services::selftest {

namespace {

// A task waiting on a queue of its own (`other`) that nobody wakes
// through the queue: only wake_task can make it re-check. It logs 1 when
// it starts waiting, 2 when its condition held.
struct Parked {
    keel::SpinLock<bool> go{false};
    keel::SpinLock<u64> checks{0}; // how often the condition was checked
    keel::WaitQueue other;
    Shared sh;
};

bool parked_go(const Parked& p) {
    p.checks.with([](u64& n) { ++n; });
    return p.go.with([](bool& g) { return g; });
}

keel::TaskId park(const klib::Arc<Parked>& p, u64 timeout_ns) {
    klib::Arc<Parked> mine = p.clone();
    auto body = MUST(klib::Function<void()>::make([mine = klib::move(mine), timeout_ns]() {
        append((*mine).sh, 1);
        (*mine).sh.done.wake_all();
        if (timeout_ns == 0) {
            (*mine).other.wait_until([&] { return parked_go(*mine); });
            append((*mine).sh, 2);
        } else {
            const bool ok = (*mine).other.wait_until_for([&] { return parked_go(*mine); }, timeout_ns);
            append((*mine).sh, ok ? 2 : 3);
        }
        (*mine).sh.done.wake_all();
    }));
    return MUST(keel::spawn_task(klib::move(body)));
}

u64 parked_checks(const Parked& p) {
    return p.checks.with([](u64& n) { return n; });
}

} // namespace

KTEST(task_wake_task_wakes_a_waiter_blocked_on_any_queue) {
    klib::Arc<Parked> p = MUST(klib::Arc<Parked>::make());
    const keel::TaskId id = park(p, 0);
    (*p).sh.done.wait_until([&] { return log_size((*p).sh) == 1; });
    keel::yield_now(); // it blocks on `other`
    const u64 before = parked_checks(*p);
    (*p).go.with([](bool& g) { g = true; });
    KEXPECT(keel::wake_task(id));
    (*p).sh.done.wait_until([&] { return log_size((*p).sh) == 2; });
    KEXPECT_GT(parked_checks(*p), before);
    keel::yield_now(); // let it exit
    KEXPECT(!keel::wake_task(id)); // gone: no effect
}

KTEST(task_wake_task_without_the_condition_is_a_spurious_wakeup) {
    klib::Arc<Parked> p = MUST(klib::Arc<Parked>::make());
    const keel::TaskId id = park(p, 0);
    (*p).sh.done.wait_until([&] { return log_size((*p).sh) == 1; });
    keel::yield_now();
    const u64 before = parked_checks(*p);
    KEXPECT(keel::wake_task(id));
    KEXPECT(!keel::wake_task(id)); // ready now, not blocked
    keel::yield_now();             // it re-checks and blocks again
    KEXPECT_EQ(parked_checks(*p), before + 1);
    KEXPECT_EQ(log_size((*p).sh), u64(1));
    KEXPECT(keel::wake_task(id)); // blocked again
    (*p).go.with([](bool& g) { g = true; });
    (*p).other.wake_all();
    (*p).sh.done.wait_until([&] { return log_size((*p).sh) == 2; });
    keel::yield_now();
}

KTEST(task_wake_task_wakes_a_timed_wait_before_its_deadline) {
    klib::Arc<Parked> p = MUST(klib::Arc<Parked>::make());
    const u64 t0 = keel::monotonic_ns();
    const keel::TaskId id = park(p, 5000000000);
    (*p).sh.done.wait_until([&] { return log_size((*p).sh) == 1; });
    keel::yield_now();
    (*p).go.with([](bool& g) { g = true; });
    KEXPECT(keel::wake_task(id));
    (*p).sh.done.wait_until([&] { return log_size((*p).sh) == 2; });
    KEXPECT_LT(keel::monotonic_ns() - t0, u64(1000000000));
    keel::yield_now();
}

KTEST(task_wake_task_leaves_running_and_sleeping_tasks_alone) {
    KEXPECT(!keel::wake_task(keel::current_task())); // running
    KEXPECT(!keel::wake_task(~u64(0)));             // no such task
    klib::Arc<Shared> sh = MUST(klib::Arc<Shared>::make());
    klib::Arc<Shared> mine = sh.clone();
    auto body = MUST(klib::Function<void()>::make([mine = klib::move(mine)]() {
        append(*mine, 1);
        (*mine).done.wake_all();
        keel::sleep_ns(30000000);
        append(*mine, 2);
        (*mine).done.wake_all();
    }));
    const u64 t0 = keel::monotonic_ns();
    const keel::TaskId id = MUST(keel::spawn_task(klib::move(body)));
    (*sh).done.wait_until([&] { return log_size(*sh) == 1; });
    keel::yield_now(); // it sleeps now
    KEXPECT(!keel::wake_task(id)); // a sleep_ns is not a queue wait
    (*sh).done.wait_until([&] { return log_size(*sh) == 2; });
    KEXPECT_GE(keel::monotonic_ns() - t0, u64(30000000));
    keel::yield_now();
}

} // namespace services::selftest
