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
