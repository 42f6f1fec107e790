// The one wait mechanism of the VFS. A file that can become ready (pipe,
// eventfd, ...) owns a Pollee and calls notify() whenever its readiness may
// have changed. Blocking reads and writes of that file wait on the
// Pollee's queue; poll/select/epoll register an Observer with every file
// they watch and sleep on the Observer's queue alone.
#pragma once

#include "../wait/interrupt.h"
#include <keel/sync/spinlock.h>
#include <keel/task.h>
#include <klib/arc.h>
#include <klib/function.h>
#include <klib/vec.h>

namespace services::fs {

class Observer {
public:
    // `mask`: the events this observer cares about (0: all).
    explicit Observer(u32 mask = 0) : mask_(mask) {}

    // Wakes the waiter if `events` (what may have changed) concern it.
    void notify(u32 events) const {
        if (mask_ != 0 && (events & mask_) == 0) {
            return;
        }
        events_.with([](u64& n) { ++n; });
        wq_.wake_all();
    }
    u64 events() const {
        return events_.with([](u64& n) { return n; });
    }
    // Sleeps until notified after `seen` (events() when last checked) or
    // until `timeout_ns` passed (0: no timeout); true when notified.
    bool wait(u64 seen, u64 timeout_ns) const {
        if (timeout_ns == 0) {
            wq_.wait_until([&]() { return events() != seen; });
            return true;
        }
        return wq_.wait_until_for([&]() { return events() != seen; }, timeout_ns);
    }

    // The same, interruptible by signals (services/wait): ERESTARTSYS when
    // a signal is to be acted on first (poll, select and epoll_wait turn
    // it into their own codes).
    klib::Result<bool, syscall::Errno> wait_interruptible(u64 seen, u64 timeout_ns) const {
        return wait::until(wq_, [&]() { return events() != seen; }, timeout_ns);
    }

private:
    u32 mask_;
    keel::SpinLock<u64> events_;
    keel::WaitQueue wq_;
};

class Pollee {
public:
    // `events`: which readiness may have changed (POLLIN, POLLOUT, ...).
    void notify(u32 events) const {
        wq_.wake_all();
        // Copy the observers out: notifying takes their locks.
        klib::Vec<klib::Arc<Observer>> copy;
        observers_.with([&](klib::Vec<klib::Arc<Observer>>& v) {
            for (const klib::Arc<Observer>& o : v) {
                if (copy.try_push(o.clone()).is_err()) {
                    break; // the rest still see the queue's wake-up on their next check
                }
            }
        });
        for (const klib::Arc<Observer>& o : copy) {
            o->notify(events);
        }
    }
    // Blocking I/O: waits until `ready()` holds (re-checked at every notify).
    void wait_until(klib::FunctionRef<bool()> ready) const { wq_.wait_until(ready); }
    // The same, interruptible by signals (services/wait): true once ready()
    // holds, false after `timeout_ns` (0: none), ERESTARTSYS when a signal
    // is to be acted on first. Blocking syscalls use this one.
    klib::Result<bool, syscall::Errno> wait_interruptible(klib::FunctionRef<bool()> ready,
                                                          u64 timeout_ns = 0) const {
        return wait::until(wq_, ready, timeout_ns);
    }

    klib::Result<void> observe(const klib::Arc<Observer>& o) const {
        return observers_.with([&](klib::Vec<klib::Arc<Observer>>& v) { return v.try_push(o.clone()); });
    }
    void unobserve(const klib::Arc<Observer>& o) const {
        observers_.with([&](klib::Vec<klib::Arc<Observer>>& v) {
            for (usize i = 0; i < v.size(); ++i) {
                if (v[i].ptr_eq(o)) {
                    (void)v.remove(i);
                    return;
                }
            }
        });
    }

private:
    keel::SpinLock<klib::Vec<klib::Arc<Observer>>> observers_;
    keel::WaitQueue wq_;
};

} // namespace services::fs
