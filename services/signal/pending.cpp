// Pending sets, the inbox other tasks post to, default actions.
#include "signal.h"

namespace services::signal {

Default default_action(i32 sig) {
    switch (sig) {
    case SIGQUIT:
    case SIGILL:
    case SIGTRAP:
    case SIGABRT:
    case SIGBUS:
    case SIGFPE:
    case SIGSEGV:
    case SIGXCPU:
    case SIGXFSZ:
    case SIGSYS:
        return Default::Core;
    case SIGCHLD:
    case SIGURG:
    case SIGWINCH:
        return Default::Ignore;
    case SIGCONT:
        return Default::Continue;
    case SIGSTOP:
    case SIGTSTP:
    case SIGTTIN:
    case SIGTTOU:
        return Default::Stop;
    default:
        return Default::Terminate; // including every RT signal
    }
}

bool SigHandlers::ignores(i32 sig) const {
    const u64 h = get(sig).handler;
    if (h == SIG_IGN) {
        return true;
    }
    return h == SIG_DFL && default_action(sig) == Default::Ignore;
}

bool Pending::add(const SigInfo& info) {
    const i32 sig = info.signo();
    if (!is_rt(sig) && (set_ & bit(sig)) != 0) {
        return false; // standard signals coalesce: the first siginfo stays
    }
    if (queued_.try_push(info).is_err()) {
        return false;
    }
    set_ |= bit(sig);
    return true;
}

klib::Optional<SigInfo> Pending::take(u64 allowed) {
    u64 ready = set_ & allowed;
    if (ready == 0) {
        return klib::none;
    }
    if ((ready & SYNCHRONOUS) != 0) {
        ready &= SYNCHRONOUS;
    }
    const i32 sig = i32(__builtin_ctzll(ready)) + 1;
    usize i = 0;
    while (i < queued_.size() && queued_[i].signo() != sig) {
        ++i;
    }
    if (i == queued_.size()) {
        set_ &= ~bit(sig); // not reached: the bit tracks the queue
        return klib::none;
    }
    const SigInfo out = queued_.remove(i);
    bool more = false;
    for (usize j = i; j < queued_.size(); ++j) {
        more = more || queued_[j].signo() == sig;
    }
    if (!more) {
        set_ &= ~bit(sig);
    }
    return out;
}

void Pending::discard(u64 sigs) {
    set_ &= ~sigs;
    for (usize i = 0; i < queued_.size();) {
        if ((sigs & bit(queued_[i].signo())) != 0) {
            (void)queued_.remove(i);
        } else {
            ++i;
        }
    }
}

u64 SigHandlers::dropped(bool unkillable) const {
    u64 m = 0;
    for (i32 sig = 1; sig <= NSIG; ++sig) {
        const u64 h = get(sig).handler;
        const Default d = default_action(sig);
        const bool init_drop = unkillable && (bit(sig) & (UNBLOCKABLE | SYNCHRONOUS)) == 0;
        if (h == SIG_IGN ||
            (h == SIG_DFL && (d == Default::Ignore || d == Default::Continue || init_drop))) {
            m |= bit(sig);
        }
    }
    return m;
}

void SigHandlers::reset_handled() {
    // Linux's flush_signal_handlers: flags, restorer and mask go for
    // ignored signals too.
    for (SigAction& a : actions) {
        const bool ignored = a.handler == SIG_IGN;
        a = SigAction{};
        if (ignored) {
            a.handler = SIG_IGN;
        }
    }
}

void send(const Inbox& shared, const SigInfo& info) {
    const i32 sig = info.signo();
    // Linux's prepare_signal: stop and continue signals cancel each other.
    if ((bit(sig) & STOP_SIGNALS) != 0) {
        shared.discard(bit(SIGCONT));
    }
    if (sig == SIGCONT) {
        shared.discard(STOP_SIGNALS);
        shared.resume();
    }
    // A parked thread wakes on the post and, for SIGKILL, dies.
    shared.post(info);
}

bool Inbox::begin_stop(i32 sig) const {
    const bool started = state_.with([&](State& s) {
        if (s.job.stopping) {
            return false;
        }
        s.job.gen += 1;
        s.job.stopping = true;
        s.job.stopped = false;
        s.job.sig = sig;
        s.job.parked = 0;
        return true;
    });
    if (started) {
        kick(); // the other threads leave their waits to park
    }
    return started;
}

Inbox::Parked Inbox::park(u32 live) const {
    return state_.with([&](State& s) {
        Parked p;
        p.gen = s.job.gen;
        if (!s.job.stopping) {
            return p;
        }
        s.job.parked += 1;
        if (!s.job.stopped && s.job.parked >= live) {
            // The last thread of the group stop (Linux's
            // task_participate_group_stop returning true).
            s.job.stopped = true;
            s.job.report_stop = s.job.sig;
            s.job.report_cont = false;
            s.job.notice = CLD_STOPPED;
            s.job.notice_status = s.job.sig;
            p.completed = true;
        }
        return p;
    });
}

bool Inbox::recount(u32 live) const {
    return state_.with([&](State& s) {
        if (!s.job.stopping || s.job.stopped || live == 0 || s.job.parked < live) {
            return false;
        }
        s.job.stopped = true;
        s.job.report_stop = s.job.sig;
        s.job.report_cont = false;
        s.job.notice = CLD_STOPPED;
        s.job.notice_status = s.job.sig;
        return true;
    });
}

void Inbox::resume() const {
    const bool was = state_.with([](State& s) {
        if (!s.job.stopping) {
            return false;
        }
        // SIGNAL_CLD_CONTINUED when the group had stopped, SIGNAL_CLD_STOPPED
        // when it was still stopping (as Linux's prepare_signal).
        s.job.notice = s.job.stopped ? CLD_CONTINUED : CLD_STOPPED;
        s.job.notice_status = s.job.stopped ? SIGCONT : s.job.sig;
        s.job.stopping = false;
        s.job.stopped = false;
        s.job.report_stop = 0;
        s.job.report_cont = true;
        return true;
    });
    if (was) {
        kick();
    }
}

Inbox::Notice Inbox::take_notice() const {
    return state_.with([](State& s) {
        const Notice n{s.job.notice, s.job.notice_status};
        s.job.notice = 0;
        return n;
    });
}

i32 Inbox::stop_report(bool consume) const {
    return state_.with([&](State& s) {
        const i32 sig = s.job.stopped ? s.job.report_stop : 0;
        if (consume) {
            s.job.report_stop = 0;
        }
        return sig;
    });
}

bool Inbox::continue_report(bool consume) const {
    return state_.with([&](State& s) {
        const bool c = s.job.report_cont;
        if (consume) {
            s.job.report_cont = false;
        }
        return c;
    });
}

void send_thread(ThreadSignals& t, const Inbox& shared, const SigInfo& info) {
    (void)t.pending.add(info);
    shared.kick();
}

void Inbox::post(const SigInfo& info) const {
    pending_.with([&](Pending& p) { (void)p.add(info); });
    kick();
}

void Inbox::kick() const {
    state_.with([](State& s) { ++s.gen; });
    wq_.wake_all();
}

bool Inbox::wait(klib::FunctionRef<bool()> cond, u64 timeout_ns) const {
    if (timeout_ns == 0) {
        wq_.wait_until(cond);
        return true;
    }
    return wq_.wait_until_for(cond, timeout_ns);
}

} // namespace services::signal
