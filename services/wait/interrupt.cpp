// The registry of interruptible tasks and the interruptible wait.
#include "interrupt.h"

#include <keel/sync/spinlock.h>
#include <klib/optional.h>
#include <klib/vec.h>

namespace services::wait {

namespace {

struct Entry {
    keel::TaskId task = 0;
    klib::Arc<Interrupter> who;
    u64 mask = 0;
    u64 own = 0;
};

// One entry per running user thread (a few dozen): a scan is cheap.
keel::SpinLock<klib::Vec<Entry>> g_entries;

struct Current {
    klib::Arc<Interrupter> who;
    u64 mask = 0;
    u64 own = 0;
};

klib::Optional<Current> current() {
    const keel::TaskId me = keel::current_task();
    return g_entries.with([me](klib::Vec<Entry>& v) -> klib::Optional<Current> {
        for (const Entry& e : v) {
            if (e.task == me) {
                return Current{e.who.clone(), e.mask, e.own};
            }
        }
        return klib::none;
    });
}

} // namespace

klib::Result<void> enter(klib::Arc<Interrupter> who) {
    const keel::TaskId me = keel::current_task();
    leave();
    return g_entries.with([&](klib::Vec<Entry>& v) {
        return v.try_push(Entry{me, klib::move(who), 0, 0});
    });
}

void leave() {
    const keel::TaskId me = keel::current_task();
    // The entry's Arc is dropped outside the lock (its owner may go).
    klib::Optional<Entry> gone;
    g_entries.with([&](klib::Vec<Entry>& v) {
        for (usize i = 0; i < v.size(); ++i) {
            if (v[i].task == me) {
                gone = v.remove(i);
                return;
            }
        }
    });
}

void publish(u64 mask, u64 own) {
    const keel::TaskId me = keel::current_task();
    g_entries.with([&](klib::Vec<Entry>& v) {
        for (Entry& e : v) {
            if (e.task == me) {
                e.mask = mask;
                e.own = own;
            }
        }
    });
}

bool interrupted() {
    klib::Optional<Current> c = current();
    if (!c.has_value()) {
        return false;
    }
    return c.value().who->interrupted(c.value().mask, c.value().own);
}

klib::Result<bool, Errno> until(const keel::WaitQueue& q, klib::FunctionRef<bool()> cond,
                                u64 timeout_ns) {
    klib::Optional<Current> c = current();
    if (!c.has_value()) {
        // A kernel task: nothing interrupts it.
        if (timeout_ns == 0) {
            q.wait_until(cond);
            return true;
        }
        return q.wait_until_for(cond, timeout_ns);
    }
    const Interrupter& who = *c.value().who;
    const u64 mask = c.value().mask;
    const u64 own = c.value().own;
    // What the last check saw (the condition is checked again after each
    // wake-up, spurious ones included).
    bool ready = false;
    bool stop = false;
    if (timeout_ns == 0) {
        q.wait_until([&]() {
            ready = cond();
            stop = !ready && who.interrupted(mask, own);
            return ready || stop;
        });
    } else {
        (void)q.wait_until_for(
            [&]() {
                ready = cond();
                stop = !ready && who.interrupted(mask, own);
                return ready || stop;
            },
            timeout_ns);
    }
    if (ready) {
        return true;
    }
    if (stop) {
        return Errno::ERESTARTSYS;
    }
    return false;
}

} // namespace services::wait
