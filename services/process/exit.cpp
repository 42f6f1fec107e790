#include "exit.h"
#include "accounting.h"
#include "fork.h"
#include "futex.h"
#include "table.h"

namespace services::process {

void exit_thread(Thread& t, i32 status, bool group) {
    t.exited = true;
    t.exit_status = status;
    if (!group) {
        return;
    }
    const bool first = t.proc->state.with([&](ProcState& s) {
        if (s.group_exit) {
            return false;
        }
        s.group_exit = true;
        s.group_status = status;
        return true;
    });
    if (first) {
        // The other threads leave their waits and see the group exit.
        t.proc->child_wait.wake_all();
        futex_wake_all_waiters();
        t.proc->signals.shared.kick(); // every interruptible wait, parked threads too
    }
}

namespace {

constexpr u32 FUTEX_WAITERS = 0x80000000;
constexpr u32 FUTEX_OWNER_DIED = 0x40000000;
constexpr u32 FUTEX_TID_MASK = 0x3fffffff;
constexpr u32 ROBUST_LIST_LIMIT = 2048;

// Linux's handle_futex_death: a robust futex the dying thread holds gets
// FUTEX_OWNER_DIED and one waiter is woken. (The read and the write are
// one step: no other thread runs in user mode on this CPU meanwhile.)
void futex_death(Thread& t, u64 uaddr, bool pending) {
    if ((uaddr & 3) != 0) {
        return;
    }
    auto v = t.space->read_val<u32>(uaddr);
    if (v.is_err()) {
        return;
    }
    const u32 uval = v.value();
    if (pending && uval == 0) {
        (void)futex_wake(t, uaddr, 1, FUTEX_BITSET_MATCH_ANY, false);
        return;
    }
    if ((uval & FUTEX_TID_MASK) != u32(t.tid)) {
        return;
    }
    const u32 mval = (uval & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
    if (t.space->write_val<u32>(uaddr, mval).is_ok() && (uval & FUTEX_WAITERS) != 0) {
        (void)futex_wake(t, uaddr, 1, FUTEX_BITSET_MATCH_ANY, false);
    }
}

// Linux's exit_robust_list: struct robust_list_head {next, futex_offset,
// list_op_pending}; entries' low bit marks PI futexes (not supported:
// skipped).
void exit_robust_list(Thread& t) {
    const u64 head = t.robust_list;
    t.robust_list = 0;
    auto first = t.space->read_val<u64>(head);
    auto off = t.space->read_val<u64>(head + 8);
    auto pend = t.space->read_val<u64>(head + 16);
    if (first.is_err() || off.is_err() || pend.is_err()) {
        return;
    }
    const u64 pending = pend.value() & ~u64(1);
    u64 entry = first.value();
    for (u32 n = 0; n < ROBUST_LIST_LIMIT && (entry & ~u64(1)) != head; ++n) {
        auto next = t.space->read_val<u64>(entry & ~u64(1));
        if ((entry & ~u64(1)) != pending && (entry & 1) == 0) {
            futex_death(t, (entry & ~u64(1)) + off.value(), false);
        }
        if (next.is_err()) {
            return;
        }
        entry = next.value();
    }
    if (pending != 0 && (pend.value() & 1) == 0) {
        futex_death(t, pending + off.value(), true);
    }
}

} // namespace

ThreadEnd end_thread(Thread& t) {
    if (t.robust_list != 0) {
        exit_robust_list(t);
    }
    // CLONE_CHILD_CLEARTID / set_tid_address: when the memory is shared,
    // zero the tid word and wake one futex waiter on it (pthread_join).
    if (t.clear_child_tid != 0 && t.space.ref_count() > 1) {
        if (t.space->write_val<u32>(t.clear_child_tid, 0).is_ok()) {
            (void)futex_wake(t, t.clear_child_tid, 1, FUTEX_BITSET_MATCH_ANY, false);
        }
        t.clear_child_tid = 0;
    }
    return ThreadEnd{t.proc.clone(), t.tid, t.exit_status};
}

void finish_thread(const ThreadEnd& e) {
    const Process& p = *e.proc;
    i32 status = 0;
    const bool last = p.state.with([&](ProcState& s) {
        if (e.tid == p.pid) {
            s.leader_status = e.status;
        }
        s.live_threads -= 1;
        // Without a group exit, the wait status is the last thread's exit
        // code, leader or not (as Linux 6.1 reports it: tests/user/thread_sched).
        status = s.group_exit ? s.group_status : e.status;
        return s.live_threads == 0;
    });
    account_thread_end(p, last);
    if (e.tid != p.pid) {
        release_tid(e.tid);
    }
    release_thread();
    p.changed.wake_all(); // an exec waits for the other threads to be gone
    if (last) {
        release_vfork_parent(p);
        make_zombie(p.pid, status);
    }
}

} // namespace services::process
