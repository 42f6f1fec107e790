#include "futex.h"
#include "../wait/interrupt.h"

#include <keel/time.h>
#include <klib/vec.h>

namespace services::process {

namespace {

// What names a futex (Linux's get_futex_key): a private one, (address
// space, address); a shared one in a shared mapping, (the mapped object,
// byte offset), so processes meet whatever address they map it at; a
// shared one in private memory, (address space, address) again, but
// distinct from the private key of the same word (as Linux's
// FUT_OFF_MMSHARED).
struct Key {
    enum Kind : u8 { Private, SharedMm, Object };
    Kind kind = Private;
    klib::Optional<klib::Arc<mm::AddressSpace>> space;
    klib::Optional<klib::Arc<mm::PageCache>> object;
    u64 where = 0; // the address, or the offset in the object

    Key clone() const {
        Key k;
        k.kind = kind;
        if (space.has_value()) {
            k.space = space.value().clone();
        }
        if (object.has_value()) {
            k.object = object.value().clone();
        }
        k.where = where;
        return k;
    }
    bool operator==(const Key& o) const {
        if (kind != o.kind || where != o.where) {
            return false;
        }
        if (kind == Object) {
            return object.has_value() && o.object.has_value() && object.value().ptr_eq(o.object.value());
        }
        return space.has_value() && o.space.has_value() && space.value().ptr_eq(o.space.value());
    }
};

// The key of the word at `addr` for `t` (EFAULT: not mapped).
klib::Result<Key, syscall::Errno> key_of(const Thread& t, u64 addr, bool priv) {
    Key k;
    k.where = addr;
    if (!priv) {
        auto shared = t.space->shared_key(addr);
        if (shared.is_err()) {
            return syscall::Errno::EFAULT;
        }
        if (shared.value().has_value()) {
            k.kind = Key::Object;
            k.object = shared.value().value().object.clone();
            k.where = shared.value().value().offset;
            return k;
        }
        k.kind = Key::SharedMm;
    }
    k.space = t.space.clone();
    return k;
}

struct Waiter {
    u64 id = 0;
    Key key;
    u32 bitset = 0;
};

struct Futexes {
    klib::Vec<Waiter> waiters; // in arrival order: wakes are FIFO
    u64 next_id = 1;
};

keel::SpinLock<Futexes> g_futexes;
// Every waiter sleeps here and re-checks whether it is still listed.
keel::WaitQueue g_futex_wq;

bool listed(u64 id) {
    return g_futexes.with([&](Futexes& f) {
        for (const Waiter& w : f.waiters) {
            if (w.id == id) {
                return true;
            }
        }
        return false;
    });
}

// Removes waiter `id`; false if a wake removed it first.
bool unlist(u64 id) {
    return g_futexes.with([&](Futexes& f) {
        for (usize i = 0; i < f.waiters.size(); ++i) {
            if (f.waiters[i].id == id) {
                (void)f.waiters.remove(i);
                return true;
            }
        }
        return false;
    });
}

// Wakes up to max(n, 1) matching waiters (f locked); returns how many.
u64 wake_locked(Futexes& f, const Key& key, i32 n, u32 bitset) {
    u64 woken = 0;
    for (usize i = 0; i < f.waiters.size();) {
        const Waiter& w = f.waiters[i];
        if (!(w.key == key) || (w.bitset & bitset) == 0) {
            ++i;
            continue;
        }
        (void)f.waiters.remove(i);
        ++woken;
        if (i64(woken) >= i64(n)) {
            break;
        }
    }
    return woken;
}

} // namespace

klib::Result<u64, syscall::Errno> futex_wait(const Thread& t, u64 addr, u32 val,
                                             klib::Optional<u64> deadline_ns, u32 bitset,
                                             bool priv) {
    using syscall::Errno;
    if ((addr & 3) != 0 || bitset == 0) {
        return Errno::EINVAL;
    }
    Key key = TRY(key_of(t, addr, priv));
    // The check of the word and the queueing happen under the lock that
    // wakers take after changing the word: no wake-up is lost.
    auto id = g_futexes.with([&](Futexes& f) -> klib::Result<u64, Errno> {
        auto cur = t.space->read_val<u32>(addr);
        if (cur.is_err()) {
            return Errno::EFAULT;
        }
        if (cur.value() != val) {
            return Errno::EAGAIN;
        }
        Waiter w;
        w.id = f.next_id++;
        w.key = key.clone();
        w.bitset = bitset;
        if (f.waiters.try_push(klib::move(w)).is_err()) {
            return Errno::ENOMEM;
        }
        return f.next_id - 1;
    });
    const u64 me = TRY(klib::move(id));
    bool interrupted = false;
    if (deadline_ns.has_value()) {
        const u64 now = keel::monotonic_ns();
        if (deadline_ns.value() > now) {
            interrupted = wait::until(g_futex_wq, [&] { return !listed(me); },
                                      deadline_ns.value() - now)
                              .is_err();
        }
    } else {
        // (A process exiting interrupts the wait: see interrupt.cpp.)
        interrupted = wait::until(g_futex_wq, [&] { return !listed(me); }).is_err();
    }
    if (!unlist(me)) {
        return u64(0); // woken
    }
    if (interrupted) {
        // Linux's futex_wait: ERESTARTSYS without a timeout; with one, a
        // restart block that resumes the same deadline (EINTR when a
        // handler runs). ERESTARTNOHAND gives the same EINTR, and restarts
        // with the timeout as given (absolute for WAIT_BITSET: the same).
        return deadline_ns.has_value() ? Errno::ERESTARTNOHAND : Errno::ERESTARTSYS;
    }
    return Errno::ETIMEDOUT;
}

klib::Result<u64, syscall::Errno> futex_wake(const Thread& t, u64 addr, i32 n, u32 bitset,
                                             bool priv) {
    using syscall::Errno;
    if ((addr & 3) != 0 || bitset == 0) {
        return Errno::EINVAL;
    }
    const Key k = TRY(key_of(t, addr, priv)); // EFAULT: a shared one, unmapped
    const u64 woken = g_futexes.with([&](Futexes& f) { return wake_locked(f, k, n, bitset); });
    if (woken > 0) {
        g_futex_wq.wake_all();
    }
    return woken;
}

klib::Result<u64, syscall::Errno> futex_requeue(const Thread& t, u64 addr, u64 addr2, i32 n_wake,
                                                i32 n_requeue, klib::Optional<u32> cmp,
                                                bool priv) {
    using syscall::Errno;
    if (n_wake < 0 || n_requeue < 0) {
        return Errno::EINVAL;
    }
    if ((addr & 3) != 0 || (addr2 & 3) != 0) {
        return Errno::EINVAL;
    }
    const Key k1 = TRY(key_of(t, addr, priv));
    const Key k2 = TRY(key_of(t, addr2, priv));
    auto r = g_futexes.with([&](Futexes& f) -> klib::Result<u64, Errno> {
        if (cmp.has_value()) {
            auto cur = t.space->read_val<u32>(addr);
            if (cur.is_err()) {
                return Errno::EFAULT;
            }
            if (cur.value() != cmp.value()) {
                return Errno::EAGAIN;
            }
        }
        u64 woken = 0;
        u64 moved = 0;
        for (usize i = 0; i < f.waiters.size();) {
            // Linux's loop: stop once n_requeue have been moved past the
            // n_wake woken (so n_wake == 0 wakes none here).
            if (i64(woken + moved) - i64(n_wake) >= i64(n_requeue)) {
                break;
            }
            if (!(f.waiters[i].key == k1)) {
                ++i;
                continue;
            }
            if (i64(woken) < i64(n_wake)) {
                (void)f.waiters.remove(i);
                ++woken;
                continue;
            }
            f.waiters[i].key = k2.clone();
            ++moved;
            ++i;
        }
        return woken + moved;
    });
    const u64 n = TRY(klib::move(r));
    g_futex_wq.wake_all();
    return n;
}

void futex_wake_all_waiters() {
    g_futex_wq.wake_all();
}

usize futex_waiter_count() {
    return g_futexes.with([](Futexes& f) { return f.waiters.size(); });
}

} // namespace services::process
