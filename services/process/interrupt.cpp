// A user thread's Interrupter: Linux's signal_pending() for its waits.
#include "interrupt.h"

namespace services::process {

namespace {

class ThreadInterrupter final : public wait::Interrupter {
public:
    ThreadInterrupter(klib::Arc<Process> p, klib::Arc<ThreadLink> l) : proc_(klib::move(p)), link_(klib::move(l)) {}

    bool interrupted(u64 mask, u64 own) const override {
        const Process& p = *proc_;
        const ThreadLink& me = *link_;
        if (me.is_killed()) {
            return true; // another thread exec'd (de_thread): this one ends
        }
        // Signals sent to this thread alone (tkill, tgkill) wait in its
        // link's inbox until the thread moves them to its own set.
        const u64 shared = p.signals.shared.pending();
        own |= me.inbox.pending();
        if ((shared & signal::bit(signal::SIGKILL)) != 0) {
            return true; // fatal whatever the mask (Linux's fatal_signal_pending)
        }
        const bool init = p.pid == 1;
        bool exiting = false;
        const u64 dropped = p.state.with([&](ProcState& s) {
            exiting = s.group_exit;
            return s.handlers.dropped(init);
        });
        if (exiting || p.signals.shared.group_stopping()) {
            return true; // (a group stop: the thread parks, the call restarts)
        }
        return ((shared | own) & ~mask & ~dropped) != 0;
    }

private:
    klib::Arc<Process> proc_;
    klib::Arc<ThreadLink> link_;
};

} // namespace

klib::Result<void> enter_waits(const Thread& t) {
    TRY(t.proc->signals.shared.attach(keel::current_task()));
    auto who = klib::Arc<ThreadInterrupter>::make(t.proc.clone(), t.link.clone());
    if (who.is_err()) {
        t.proc->signals.shared.detach(keel::current_task());
        return klib::Error::NoMemory;
    }
    auto r = wait::enter(klib::Arc<wait::Interrupter>(who.release_value()));
    if (r.is_err()) {
        t.proc->signals.shared.detach(keel::current_task());
        return r;
    }
    wait::publish(t.sig.mask, t.sig.pending.set());
    return {};
}

void leave_waits(const Thread& t) {
    wait::leave();
    t.proc->signals.shared.detach(keel::current_task());
}

} // namespace services::process
