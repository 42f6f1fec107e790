#include "table.h"

#include "accounting.h"

#include <klib/vec.h>

namespace services::process {

namespace {

struct Entry {
    explicit Entry(klib::Arc<Process> p) : pid(p->pid), proc(klib::move(p)) {}
    i32 pid = 0;
    i32 ppid = 0;
    i32 pgid = 0;
    i32 sid = 0;
    bool zombie = false;
    bool execed = false;
    bool subreaper = false; // PR_SET_CHILD_SUBREAPER
    u32 exit_signal = 17;   // sent to the parent at exit (SIGCHLD: a plain child)
    i32 status = 0;
    klib::Arc<Process> proc;
    klib::Optional<klib::Arc<ThreadLink>> leader; // the group leader's (its tid is the pid)
};

struct Tid {
    i32 tid = 0;
    i32 pid = 0; // its thread group
    klib::Optional<klib::Arc<ThreadLink>> link; // set before the thread runs
};

struct Table {
    klib::Vec<Entry> procs; // in creation order (reparented ones moved last)
    klib::Vec<Tid> tids;    // thread ids other than the group leaders'
    i32 last = 0;           // the last id handed out
};

keel::SpinLock<Table> g_table;

klib::Optional<usize> index_of(const Table& t, i32 pid) {
    for (usize i = 0; i < t.procs.size(); ++i) {
        if (t.procs[i].pid == pid) {
            return i;
        }
    }
    return klib::none;
}

bool id_used(const Table& t, i32 id) {
    if (index_of(t, id).has_value()) {
        return true;
    }
    for (const Tid& x : t.tids) {
        if (x.tid == id) {
            return true;
        }
    }
    // A process group or session id stays taken while it names one.
    for (const Entry& e : t.procs) {
        if (e.pgid == id || e.sid == id) {
            return true;
        }
    }
    return false;
}

// The next free id after t.last, wrapping to RESERVED_PIDS.
klib::Optional<i32> alloc_id(Table& t) {
    i32 id = t.last;
    for (i32 tries = 0; tries < PID_MAX; ++tries) {
        id = id + 1 >= PID_MAX ? RESERVED_PIDS : id + 1;
        if (!id_used(t, id)) {
            t.last = id;
            return id;
        }
    }
    return klib::none;
}

bool matches(const Entry& e, WaitTarget w, i32 my_pgid) {
    switch (w.kind) {
    case WaitTarget::Any:
        return true;
    case WaitTarget::Pid:
        return e.pid == w.id;
    case WaitTarget::OwnGroup:
        return e.pgid == my_pgid;
    case WaitTarget::Group:
        return e.pgid == w.id;
    }
    return false;
}

} // namespace

klib::Result<klib::Arc<Process>> new_process(i32 parent) {
    return g_table.with([&](Table& t) -> klib::Result<klib::Arc<Process>> {
        TRY(t.procs.try_reserve(t.procs.size() + 1));
        klib::Optional<i32> id = alloc_id(t);
        if (!id.has_value()) {
            return klib::Error::WouldBlock;
        }
        klib::Arc<Process> p = TRY(klib::Arc<Process>::make(id.value()));
        Entry e(p.clone());
        e.ppid = parent;
        if (auto pi = index_of(t, parent); pi.has_value()) {
            e.pgid = t.procs[pi.value()].pgid;
            e.sid = t.procs[pi.value()].sid;
        }
        TRY(t.procs.try_push(klib::move(e)));
        return klib::move(p);
    });
}

void discard_process(i32 pid) {
    g_table.with([&](Table& t) {
        if (auto i = index_of(t, pid); i.has_value()) {
            t.procs.remove(i.value());
        }
    });
}

klib::Result<i32> new_tid(i32 pid) {
    return g_table.with([&](Table& t) -> klib::Result<i32> {
        TRY(t.tids.try_reserve(t.tids.size() + 1));
        klib::Optional<i32> id = alloc_id(t);
        if (!id.has_value()) {
            return klib::Error::WouldBlock;
        }
        Tid x;
        x.tid = id.value();
        x.pid = pid;
        TRY(t.tids.try_push(klib::move(x)));
        return id.value();
    });
}

i32 group_of(i32 id) {
    return g_table.with([&](Table& t) {
        if (index_of(t, id).has_value()) {
            return id;
        }
        for (const Tid& x : t.tids) {
            if (x.tid == id) {
                return x.pid;
            }
        }
        return 0;
    });
}

void release_tid(i32 tid) {
    g_table.with([&](Table& t) {
        for (usize i = 0; i < t.tids.size(); ++i) {
            if (t.tids[i].tid == tid) {
                t.tids.remove(i);
                return;
            }
        }
    });
}

void link_thread(i32 tid, klib::Arc<ThreadLink> link) {
    g_table.with([&](Table& t) {
        if (auto i = index_of(t, tid); i.has_value()) {
            t.procs[i.value()].leader = klib::move(link);
            return;
        }
        for (Tid& x : t.tids) {
            if (x.tid == tid) {
                x.link = klib::move(link);
                return;
            }
        }
    });
}

klib::Optional<ThreadRef> find_thread(i32 tid) {
    return g_table.with([&](Table& t) -> klib::Optional<ThreadRef> {
        i32 pid = tid;
        klib::Optional<klib::Arc<ThreadLink>> link;
        if (auto i = index_of(t, tid); i.has_value()) {
            if (t.procs[i.value()].leader.has_value()) {
                link = t.procs[i.value()].leader.value().clone();
            }
        } else {
            for (const Tid& x : t.tids) {
                if (x.tid == tid && x.link.has_value()) {
                    pid = x.pid;
                    link = x.link.value().clone();
                }
            }
        }
        auto pi = index_of(t, pid);
        if (!link.has_value() || !pi.has_value()) {
            return klib::none;
        }
        return ThreadRef{t.procs[pi.value()].proc.clone(), klib::move(link.value())};
    });
}

klib::Result<klib::Vec<klib::Arc<ThreadLink>>> other_threads(i32 pid, i32 except) {
    return g_table.with([&](Table& t) -> klib::Result<klib::Vec<klib::Arc<ThreadLink>>> {
        klib::Vec<klib::Arc<ThreadLink>> out;
        auto i = index_of(t, pid);
        if (i.has_value() && pid != except && !t.procs[i.value()].zombie &&
            t.procs[i.value()].leader.has_value()) {
            TRY(out.try_push(t.procs[i.value()].leader.value().clone()));
        }
        for (const Tid& x : t.tids) {
            if (x.pid == pid && x.tid != except && x.link.has_value()) {
                TRY(out.try_push(x.link.value().clone()));
            }
        }
        return out;
    });
}

void take_leadership(i32 pid, i32 tid) {
    g_table.with([&](Table& t) {
        auto i = index_of(t, pid);
        if (!i.has_value()) {
            return;
        }
        for (usize k = 0; k < t.tids.size(); ++k) {
            if (t.tids[k].tid == tid && t.tids[k].pid == pid) {
                Tid x = t.tids.remove(k);
                t.procs[i.value()].leader = klib::move(x.link);
                return;
            }
        }
    });
}

klib::Optional<klib::Arc<Process>> find(i32 pid) {
    return g_table.with([&](Table& t) -> klib::Optional<klib::Arc<Process>> {
        auto i = index_of(t, pid);
        if (!i.has_value()) {
            return klib::none;
        }
        return t.procs[i.value()].proc.clone();
    });
}

i32 parent_of(i32 pid) {
    return g_table.with([&](Table& t) {
        auto i = index_of(t, pid);
        return i.has_value() ? t.procs[i.value()].ppid : 0;
    });
}

usize process_count() {
    return g_table.with([](Table& t) { return t.procs.size(); });
}

void make_zombie(i32 pid, i32 status) {
    klib::Optional<klib::Arc<Process>> parent;
    klib::Optional<klib::Arc<Process>> init;
    klib::Optional<klib::Arc<Process>> self;
    g_table.with([&](Table& t) {
        auto i = index_of(t, pid);
        if (!i.has_value()) {
            return;
        }
        t.procs[i.value()].zombie = true;
        t.procs[i.value()].status = status;
        self = t.procs[i.value()].proc.clone();
        if (auto pi = index_of(t, t.procs[i.value()].ppid); pi.has_value()) {
            parent = t.procs[pi.value()].proc.clone();
        }
        // Orphans go to the nearest live subreaper above, else pid 1, at
        // the end of its children (Linux's find_new_reaper).
        i32 reaper = 1;
        for (i32 up = t.procs[i.value()].ppid, hops = 0; up > 1 && hops < PID_MAX; ++hops) {
            auto ui = index_of(t, up);
            if (!ui.has_value()) {
                break;
            }
            if (t.procs[ui.value()].subreaper && !t.procs[ui.value()].zombie) {
                reaper = up;
                break;
            }
            up = t.procs[ui.value()].ppid;
        }
        bool zombie_orphan = false;
        const usize n = t.procs.size();
        for (usize k = 0, seen = 0; seen < n; ++seen) {
            if (t.procs[k].ppid != pid || t.procs[k].pid == pid) {
                ++k;
                continue;
            }
            Entry e = t.procs.remove(k);
            e.ppid = reaper;
            zombie_orphan = zombie_orphan || e.zombie;
            (void)t.procs.try_push(klib::move(e)); // cannot fail: one was taken
        }
        if (zombie_orphan) {
            if (auto ii = index_of(t, reaper); ii.has_value()) {
                init = t.procs[ii.value()].proc.clone();
            }
        }
    });
    if (parent.has_value()) {
        // SIGCHLD (Linux's do_notify_parent): CLD_EXITED with the exit
        // code, or CLD_KILLED with the signal (no core is ever dumped);
        // none when the parent ignores SIGCHLD.
        const bool exited = (status & 0x7f) == 0;
        const signal::SigAction a = (*parent.value()).state.with(
            [](ProcState& ps) { return ps.handlers.get(signal::SIGCHLD); });
        if (a.handler != signal::SIG_IGN) {
            signal::SigInfo info(signal::SIGCHLD, exited ? signal::CLD_EXITED : signal::CLD_KILLED);
            info.set_word(2, u64(u32(pid)));
            info.set_word(3, u64(u32(exited ? (status >> 8) & 0xff : status & 0x7f)));
            signal::send((*parent.value()).signals.shared, info);
        }
        // A parent that ignores SIGCHLD (SIG_IGN or SA_NOCLDWAIT) does not
        // keep zombies: the child is reaped at once (Linux's autoreap).
        if (a.handler == signal::SIG_IGN || (a.flags & signal::SA_NOCLDWAIT) != 0) {
            bool autoreaped = false;
            g_table.with([&](Table& t) {
                if (auto i = index_of(t, pid); i.has_value() && t.procs[i.value()].zombie) {
                    (void)t.procs.remove(i.value());
                    autoreaped = true;
                }
            });
            if (autoreaped && self.has_value()) {
                account_release(*self.value());
            }
        }
        parent.value()->child_wait.wake_all();
    }
    if (init.has_value()) {
        init.value()->child_wait.wake_all();
    }
    if (self.has_value()) {
        self.value()->changed.wake_all();
    }
}

void notify_parent_jobctl(i32 pid, i32 code, i32 status) {
    klib::Optional<klib::Arc<Process>> parent = g_table.with([&](Table& t) -> klib::Optional<klib::Arc<Process>> {
        auto i = index_of(t, pid);
        if (!i.has_value()) {
            return klib::none;
        }
        auto pi = index_of(t, t.procs[i.value()].ppid);
        if (!pi.has_value()) {
            return klib::none;
        }
        return t.procs[pi.value()].proc.clone();
    });
    if (!parent.has_value()) {
        return;
    }
    const Process& pp = *parent.value();
    const signal::SigAction a = pp.state.with([](ProcState& ps) { return ps.handlers.get(signal::SIGCHLD); });
    if (a.handler != signal::SIG_IGN && (a.flags & signal::SA_NOCLDSTOP) == 0) {
        signal::SigInfo info(signal::SIGCHLD, code);
        info.set_word(2, u64(u32(pid)));
        info.set_word(3, u64(u32(status)));
        signal::send(pp.signals.shared, info);
    }
    pp.child_wait.wake_all();
}

bool is_zombie(i32 pid) {
    return g_table.with([&](Table& t) {
        auto i = index_of(t, pid);
        return i.has_value() && t.procs[i.value()].zombie;
    });
}

WaitResult wait_child(i32 parent, WaitTarget which, bool reap, WaitFilter f) {
    constexpr u32 SIGCHLD = 17;
    klib::Optional<klib::Arc<Process>> reaped;
    klib::Optional<klib::Arc<Process>> waiter;
    WaitResult res = g_table.with([&](Table& t) {
        WaitResult r;
        auto me = index_of(t, parent);
        const i32 my_pgid = me.has_value() ? t.procs[me.value()].pgid : 0;
        for (usize i = 0; i < t.procs.size(); ++i) {
            const Entry& e = t.procs[i];
            if (e.ppid != parent || e.pid == parent || !matches(e, which, my_pgid)) {
                continue;
            }
            // Linux's eligible_child: without __WALL, __WCLONE picks the
            // children that signal something other than SIGCHLD.
            if (!f.all && ((e.exit_signal != SIGCHLD) != f.clone_only)) {
                continue;
            }
            if (!e.zombie) {
                // Linux's wait_task_stopped, then wait_task_continued.
                const signal::Inbox& in = e.proc->signals.shared;
                const i32 stop = f.stopped ? in.stop_report(reap) : 0;
                if (stop != 0 || (f.continued && in.continue_report(reap))) {
                    r.outcome = WaitOutcome::Found;
                    r.pid = e.pid;
                    r.status = stop != 0 ? stopped_status(stop) : CONTINUED_STATUS;
                    return r;
                }
                r.outcome = WaitOutcome::NotYet;
                continue;
            }
            if (!f.exited) {
                r.outcome = WaitOutcome::NotYet;
                continue;
            }
            r.outcome = WaitOutcome::Found;
            r.pid = e.pid;
            r.status = e.status;
            if (reap) {
                reaped = t.procs.remove(i).proc.clone();
                if (me.has_value()) {
                    waiter = t.procs[me.value() < i ? me.value() : me.value() - 1].proc.clone();
                }
            }
            return r;
        }
        return r;
    });
    if (reaped.has_value()) {
        if (waiter.has_value()) {
            res.usage = account_reap(*waiter.value(), *reaped.value());
        } else {
            account_release(*reaped.value());
        }
    }
    return res;
}

i32 getpgid(i32 pid) {
    return g_table.with([&](Table& t) {
        auto i = index_of(t, pid);
        return i.has_value() ? t.procs[i.value()].pgid : 0;
    });
}

i32 getsid(i32 pid) {
    return g_table.with([&](Table& t) {
        auto i = index_of(t, pid);
        return i.has_value() ? t.procs[i.value()].sid : 0;
    });
}

void set_exit_signal(i32 pid, u32 sig) {
    g_table.with([&](Table& t) {
        if (auto i = index_of(t, pid); i.has_value()) {
            t.procs[i.value()].exit_signal = sig;
        }
    });
}

void set_subreaper(i32 pid, bool on) {
    g_table.with([&](Table& t) {
        if (auto i = index_of(t, pid); i.has_value()) {
            t.procs[i.value()].subreaper = on;
        }
    });
}

bool is_subreaper(i32 pid) {
    return g_table.with([&](Table& t) {
        auto i = index_of(t, pid);
        return i.has_value() && t.procs[i.value()].subreaper;
    });
}

void mark_execed(i32 pid) {
    g_table.with([&](Table& t) {
        if (auto i = index_of(t, pid); i.has_value()) {
            t.procs[i.value()].execed = true;
        }
    });
}

i64 setpgid(i32 caller, i32 pid, i32 pgid) {
    constexpr i64 EPERM = 1, ESRCH = 3, EACCES = 13, EINVAL = 22;
    if (pid == 0) {
        pid = caller;
    }
    if (pgid == 0) {
        pgid = pid;
    }
    if (pgid < 0) {
        return -EINVAL;
    }
    return g_table.with([&](Table& t) -> i64 {
        auto pi = index_of(t, pid);
        auto ci = index_of(t, caller);
        if (!pi.has_value() || !ci.has_value()) {
            for (const Tid& x : t.tids) {
                if (x.tid == pid) {
                    return -EINVAL; // a thread, not a group leader
                }
            }
            return -ESRCH;
        }
        Entry& p = t.procs[pi.value()];
        const Entry& c = t.procs[ci.value()];
        if (p.ppid == caller) {
            if (p.sid != c.sid) {
                return -EPERM;
            }
            if (p.execed) {
                return -EACCES;
            }
        } else if (p.pid != caller) {
            return -ESRCH;
        }
        if (p.sid == p.pid) {
            return -EPERM; // a session leader
        }
        if (pgid != pid) {
            bool found = false;
            for (const Entry& e : t.procs) {
                found = found || (e.pgid == pgid && e.sid == c.sid);
            }
            if (!found) {
                return -EPERM;
            }
        }
        p.pgid = pgid;
        return 0;
    });
}

i64 setsid(i32 caller) {
    constexpr i64 EPERM = 1, ESRCH = 3;
    return g_table.with([&](Table& t) -> i64 {
        auto ci = index_of(t, caller);
        if (!ci.has_value()) {
            return -ESRCH;
        }
        for (const Entry& e : t.procs) {
            if (e.pgid == caller) {
                return -EPERM; // already a process-group leader
            }
        }
        t.procs[ci.value()].pgid = caller;
        t.procs[ci.value()].sid = caller;
        return caller;
    });
}

} // namespace services::process

namespace services::process {

klib::Result<klib::Vec<klib::Arc<Process>>> signal_targets(i32 which, i32 caller) {
    return g_table.with([&](Table& t) -> klib::Result<klib::Vec<klib::Arc<Process>>> {
        klib::Vec<klib::Arc<Process>> out;
        i32 my_pgid = 0;
        if (auto i = index_of(t, caller); i.has_value()) {
            my_pgid = t.procs[i.value()].pgid;
        }
        for (const Entry& e : t.procs) {
            bool hit = false;
            if (which > 0) {
                hit = e.pid == which;
            } else if (which == -1) {
                hit = e.pid != 1 && e.pid != caller;
            } else {
                hit = e.pgid == (which == 0 ? my_pgid : -which);
            }
            if (hit) {
                TRY(out.try_push(e.proc.clone()));
            }
        }
        return out;
    });
}

klib::Optional<i32> session_of_pgrp(i32 pgrp) {
    return g_table.with([&](Table& t) -> klib::Optional<i32> {
        for (const Entry& e : t.procs) {
            if (e.pgid == pgrp) {
                return e.sid;
            }
        }
        return klib::none;
    });
}

} // namespace services::process

namespace services::process {

bool pgrp_orphaned(i32 pgrp) {
    return g_table.with([&](Table& t) {
        for (const Entry& e : t.procs) {
            if (e.pgid != pgrp || e.zombie || e.ppid <= 1) {
                continue;
            }
            auto pi = index_of(t, e.ppid);
            if (pi.has_value() && t.procs[pi.value()].pgid != pgrp && t.procs[pi.value()].sid == e.sid) {
                return false; // a parent in another group of the session
            }
        }
        return true;
    });
}

} // namespace services::process
