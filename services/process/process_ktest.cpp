// ktests of the process table (relations, zombies, reaping, orphans) and
// of futexes (value check, timeouts, wake-ups across kernel tasks).
#include "futex.h"
#include "table.h"

#include <keel/ktest.h>
#include <keel/task.h>
#include <keel/time.h>
#include <klib/function.h>

namespace services::process {

KTEST(process_table_zombie_is_reaped_once_and_orphans_go_to_pid1) {
    // Pids are never reused before wrapping: the first process made in a
    // test boot is pid 1; `a` below is not.
    klib::Arc<Process> first = MUST(new_process(0));
    klib::Arc<Process> a = MUST(new_process(0));
    KEXPECT(a->pid != 1);
    klib::Arc<Process> b = MUST(new_process(a->pid));
    klib::Arc<Process> c = MUST(new_process(b->pid));
    KEXPECT(a->pid != b->pid && b->pid != c->pid);
    KEXPECT_EQ(parent_of(b->pid), a->pid);
    KEXPECT_EQ(getpgid(b->pid), getpgid(a->pid));
    const WaitTarget any{WaitTarget::Any, 0};
    KEXPECT(wait_child(a->pid, any, true).outcome == WaitOutcome::NotYet);
    make_zombie(b->pid, 7 << 8);
    KEXPECT(is_zombie(b->pid));
    KEXPECT_EQ(parent_of(c->pid), 1); // the orphan went to init
    const WaitResult r = wait_child(a->pid, WaitTarget{WaitTarget::Pid, b->pid}, true);
    KEXPECT(r.outcome == WaitOutcome::Found);
    KEXPECT_EQ(r.pid, b->pid);
    KEXPECT_EQ(r.status, 7 << 8);
    KEXPECT(wait_child(a->pid, any, true).outcome == WaitOutcome::NoChild);
    KEXPECT(!find(b->pid).has_value());
    discard_process(c->pid);
    discard_process(a->pid);
    discard_process(first->pid);
}

KTEST(process_table_setsid_and_setpgid_follow_linux_rules) {
    klib::Arc<Process> a = MUST(new_process(0));
    klib::Arc<Process> b = MUST(new_process(a->pid));
    KEXPECT_EQ(setsid(b->pid), i64(b->pid));
    KEXPECT_EQ(getsid(b->pid), b->pid);
    KEXPECT_EQ(setsid(b->pid), i64(-1)); // already a group leader: EPERM
    // A session leader cannot change its group; the parent cannot move a
    // child that is in another session.
    KEXPECT_EQ(setpgid(b->pid, 0, 0), i64(-1));
    KEXPECT_EQ(setpgid(a->pid, b->pid, 0), i64(-1));
    KEXPECT_EQ(setpgid(a->pid, 99999, 0), i64(-3)); // ESRCH
    KEXPECT_EQ(setpgid(a->pid, 0, -1), i64(-22));   // EINVAL
    discard_process(b->pid);
    discard_process(a->pid);
}

namespace {

Thread test_thread(klib::Arc<Process> p) {
    mm::AddressSpace space = MUST(mm::AddressSpace::create());
    mm::MapRequest req;
    req.addr = 0x600000;
    req.len = 4096;
    req.prot = mm::PROT_READ | mm::PROT_WRITE;
    req.placement = mm::Placement::FixedNoReplace;
    MUST(space.map(klib::move(req)));
    klib::Arc<FsShared> vfs = MUST(klib::Arc<FsShared>::make(klib::Optional<fs::FsContext>()));
    klib::Arc<ThreadLink> link = MUST(klib::Arc<ThreadLink>::make(vfs.clone()));
    return Thread(klib::move(p), 0, MUST(klib::Arc<mm::AddressSpace>::make(klib::move(space))),
                  MUST(make_files()), klib::move(vfs), klib::move(link));
}

} // namespace

KTEST(futex_checks_value_alignment_and_times_out) {
    klib::Arc<Process> p = MUST(new_process(0));
    Thread t = test_thread(p.clone());
    MUST(t.space->write_val<u32>(0x600000, 5));
    KEXPECT(futex_wait(t, 0x600000, 4, klib::none, FUTEX_BITSET_MATCH_ANY, true).error() ==
            syscall::Errno::EAGAIN);
    KEXPECT(futex_wait(t, 0x600002, 5, klib::none, FUTEX_BITSET_MATCH_ANY, true).error() ==
            syscall::Errno::EINVAL);
    KEXPECT(futex_wait(t, 0x600000, 5, klib::none, 0, true).error() == syscall::Errno::EINVAL);
    KEXPECT(futex_wait(t, 0x900000, 5, klib::none, FUTEX_BITSET_MATCH_ANY, true).error() ==
            syscall::Errno::EFAULT);
    const u64 t0 = keel::monotonic_ns();
    KEXPECT(futex_wait(t, 0x600000, 5, t0 + 20000000, FUTEX_BITSET_MATCH_ANY, true).error() ==
            syscall::Errno::ETIMEDOUT);
    KEXPECT_GE(keel::monotonic_ns() - t0, u64(20000000));
    KEXPECT_EQ(futex_waiter_count(), usize(0));
    KEXPECT_EQ(MUST(futex_wake(t, 0x600000, 1, FUTEX_BITSET_MATCH_ANY, true)), u64(0));
    discard_process(p->pid);
}

KTEST(futex_wake_reaches_a_waiter_on_another_task_by_bitset) {
    klib::Arc<Process> p = MUST(new_process(0));
    Thread t = test_thread(p.clone());
    MUST(t.space->write_val<u32>(0x600000, 1));
    klib::Arc<keel::SpinLock<u64>> result = MUST(klib::Arc<keel::SpinLock<u64>>::make(u64(99)));
    Thread other(p.clone(), 1, t.space.clone(), t.files.clone(), t.vfs.clone(), t.link.clone());
    klib::Arc<keel::SpinLock<u64>> mine = result.clone();
    auto body = MUST(klib::Function<void()>::make(
        [th = klib::move(other), mine = klib::move(mine)]() mutable {
            auto r = futex_wait(th, 0x600000, 1, klib::none, 0x2, true);
            const u64 v = r.is_ok() ? r.value() : u64(1000) + u64(r.error());
            mine->with([v](u64& x) { x = v; });
        }));
    KASSERT(keel::spawn_task(klib::move(body)).is_ok());
    keel::yield_now();
    KEXPECT_EQ(futex_waiter_count(), usize(1));
    // A bitset that does not meet the waiter's wakes nobody.
    KEXPECT_EQ(MUST(futex_wake(t, 0x600000, 1, 0x1, true)), u64(0));
    // A shared wake does not reach a private waiter.
    KEXPECT_EQ(MUST(futex_wake(t, 0x600000, 1, 0x2, false)), u64(0));
    KEXPECT_EQ(MUST(futex_wake(t, 0x600000, 1, 0x2, true)), u64(1));
    for (u64 i = 0; i < 100 && result->with([](u64& x) { return x; }) == 99; ++i) {
        keel::yield_now();
    }
    KEXPECT_EQ(result->with([](u64& x) { return x; }), u64(0));
    KEXPECT_EQ(futex_waiter_count(), usize(0));
    discard_process(p->pid);
}

KTEST(process_table_finds_threads_by_tid_and_moves_leadership) {
    klib::Arc<Process> p = MUST(new_process(0));
    klib::Arc<Process> q = MUST(new_process(0));
    Thread t = test_thread(p.clone());
    klib::Arc<ThreadLink> leader = t.link.clone();
    klib::Arc<ThreadLink> second = MUST(klib::Arc<ThreadLink>::make(t.vfs.clone()));
    const i32 tid = MUST(new_tid(p->pid));
    KEXPECT(!find_thread(tid).has_value()); // not linked yet: not running
    KEXPECT(!find_thread(p->pid).has_value());
    link_thread(p->pid, leader.clone());
    link_thread(tid, second.clone());
    klib::Optional<ThreadRef> a = find_thread(tid);
    KASSERT(a.has_value());
    KEXPECT(a.value().proc.ptr_eq(p) && a.value().link.ptr_eq(second));
    klib::Optional<ThreadRef> b = find_thread(p->pid);
    KASSERT(b.has_value());
    KEXPECT(b.value().proc.ptr_eq(p) && b.value().link.ptr_eq(leader));
    KEXPECT(!find_thread(q->pid).has_value()); // a process with no thread started
    KEXPECT_EQ(group_of(tid), p->pid);
    // The others of each thread.
    auto o1 = MUST(other_threads(p->pid, tid));
    KEXPECT(o1.size() == 1 && o1[0].ptr_eq(leader));
    auto o2 = MUST(other_threads(p->pid, p->pid));
    KEXPECT(o2.size() == 1 && o2[0].ptr_eq(second));
    KEXPECT_EQ(MUST(other_threads(q->pid, 0)).size(), usize(0));
    // de_thread: the second thread becomes the leader, its tid goes away.
    take_leadership(p->pid, tid);
    KEXPECT(!find_thread(tid).has_value());
    KEXPECT_EQ(group_of(tid), 0);
    klib::Optional<ThreadRef> c = find_thread(p->pid);
    KASSERT(c.has_value());
    KEXPECT(c.value().link.ptr_eq(second));
    KEXPECT_EQ(MUST(other_threads(p->pid, p->pid)).size(), usize(0));
    // A thread's exit removes it.
    const i32 tid2 = MUST(new_tid(p->pid));
    link_thread(tid2, leader.clone());
    KEXPECT(find_thread(tid2).has_value());
    release_tid(tid2);
    KEXPECT(!find_thread(tid2).has_value());
    discard_process(q->pid);
    discard_process(p->pid);
    KEXPECT(!find_thread(p->pid).has_value());
}

namespace {

// A shared wake of 0x600000 from another space (the same address mapped).
[[gnu::noinline]] u64 wake_from_other_space(klib::Arc<Process> p) {
    Thread u = test_thread(klib::move(p));
    MUST(u.space->write_val<u32>(0x600000, 1));
    return MUST(futex_wake(u, 0x600000, 1, FUTEX_BITSET_MATCH_ANY, false));
}

} // namespace

KTEST(futex_shared_keys_differ_from_private_and_between_spaces) {
    klib::Arc<Process> p = MUST(new_process(0));
    Thread t = test_thread(p.clone());
    MUST(t.space->write_val<u32>(0x600000, 1));
    klib::Arc<keel::SpinLock<u64>> result = MUST(klib::Arc<keel::SpinLock<u64>>::make(u64(99)));
    Thread other(p.clone(), 1, t.space.clone(), t.files.clone(), t.vfs.clone(), t.link.clone());
    klib::Arc<keel::SpinLock<u64>> mine = result.clone();
    auto body = MUST(klib::Function<void()>::make(
        [th = klib::move(other), mine = klib::move(mine)]() mutable {
            auto r = futex_wait(th, 0x600000, 1, klib::none, FUTEX_BITSET_MATCH_ANY, false);
            const u64 v = r.is_ok() ? r.value() : u64(1000) + u64(r.error());
            mine->with([v](u64& x) { x = v; });
        }));
    KASSERT(keel::spawn_task(klib::move(body)).is_ok());
    keel::yield_now();
    KEXPECT_EQ(futex_waiter_count(), usize(1));
    // Private memory: the same address in another space is another futex,
    // and the private name of the word is not its shared one.
    KEXPECT_EQ(wake_from_other_space(p.clone()), u64(0));
    KEXPECT_EQ(MUST(futex_wake(t, 0x600000, 1, FUTEX_BITSET_MATCH_ANY, true)), u64(0));
    // An unmapped word has no shared name: EFAULT.
    KEXPECT(futex_wake(t, 0x700000, 1, FUTEX_BITSET_MATCH_ANY, false).error() == syscall::Errno::EFAULT);
    KEXPECT_EQ(MUST(futex_wake(t, 0x600000, 1, FUTEX_BITSET_MATCH_ANY, false)), u64(1));
    for (u64 i = 0; i < 100 && result->with([](u64& x) { return x; }) == 99; ++i) {
        keel::yield_now();
    }
    KEXPECT_EQ(result->with([](u64& x) { return x; }), u64(0));
    KEXPECT_EQ(futex_waiter_count(), usize(0));
    discard_process(p->pid);
}

} // namespace services::process
