#include "exit.h"
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
    }
}

ThreadEnd end_thread(Thread& t) {
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
        status = s.group_exit ? s.group_status : s.leader_status;
        return s.live_threads == 0;
    });
    if (e.tid != p.pid) {
        release_tid(e.tid);
    }
    release_thread();
    if (last) {
        release_vfork_parent(p);
        make_zombie(p.pid, status);
    }
}

} // namespace services::process
