// ITIMER_REAL: a kernel task per process sleeps until the deadline and
// posts SIGALRM (si_code SI_KERNEL, as Linux's it_real_fn); re-arming
// bumps a generation the task re-reads, so a stale wake-up posts nothing.
#include "signal.h"
#include <keel/time.h>

namespace services::signal {

namespace {

bool changed(const RealTimer::Shared& sh, u64 generation) {
    return sh.state.with(
        [&](RealTimer::State& st) { return st.quit || st.generation != generation; });
}

void timer_task(const RealTimer::Shared& sh, klib::Function<void()>& fire) {
    for (;;) {
        const RealTimer::State s = sh.state.with([](RealTimer::State& st) { return st; });
        if (s.quit) {
            return;
        }
        if (s.deadline == 0) {
            sh.wq.wait_until([&]() { return changed(sh, s.generation); });
            continue;
        }
        const u64 now = keel::monotonic_ns();
        if (now < s.deadline &&
            sh.wq.wait_until_for([&]() { return changed(sh, s.generation); }, s.deadline - now)) {
            continue; // re-armed, disarmed or quit meanwhile
        }
        const bool fire_now = sh.state.with([&](RealTimer::State& st) {
            if (st.quit || st.generation != s.generation || keel::monotonic_ns() < st.deadline) {
                return false;
            }
            if (st.interval != 0) {
                st.deadline += st.interval;
                const u64 t = keel::monotonic_ns();
                if (st.deadline <= t) {
                    st.deadline = t + st.interval; // overruns coalesce
                }
            } else {
                st.deadline = 0;
            }
            ++st.generation;
            return true;
        });
        if (fire_now) {
            fire();
        }
    }
}

} // namespace

RealTimer::Value RealTimer::get() const {
    klib::Optional<klib::Arc<Shared>> sh = shared_.with([](klib::Optional<klib::Arc<Shared>>& o) {
        return o.has_value() ? klib::Optional<klib::Arc<Shared>>(o.value().clone())
                             : klib::Optional<klib::Arc<Shared>>();
    });
    if (!sh.has_value()) {
        return {};
    }
    return (*sh.value()).state.with([](State& st) {
        Value v;
        v.interval_ns = st.interval;
        if (st.deadline != 0) {
            const u64 now = keel::monotonic_ns();
            // An expired deadline not yet handled by the task reports the
            // smallest non-zero value, as Linux does.
            v.remaining_ns = st.deadline > now ? st.deadline - now : 1;
        }
        return v;
    });
}

klib::Result<RealTimer::Value> RealTimer::set(Value v, klib::Function<void()> fire) const {
    const Value old = get();
    klib::Optional<klib::Arc<Shared>> sh = shared_.with([](klib::Optional<klib::Arc<Shared>>& o) {
        return o.has_value() ? klib::Optional<klib::Arc<Shared>>(o.value().clone())
                             : klib::Optional<klib::Arc<Shared>>();
    });
    if (!sh.has_value()) {
        if (v.remaining_ns == 0) {
            return old;
        }
        klib::Arc<Shared> fresh = TRY(klib::Arc<Shared>::make());
        klib::Arc<Shared> mine = fresh.clone();
        auto body = TRY(klib::Function<void()>::make(
            [mine = klib::move(mine), fire = klib::move(fire)]() mutable { timer_task(*mine, fire); }));
        // Another thread of the process may have made the timer meanwhile:
        // then that one is used and no task starts (two tasks, one of them
        // unreachable by stop(), would each hold the process forever).
        const bool installed = shared_.with([&](klib::Optional<klib::Arc<Shared>>& o) {
            if (o.has_value()) {
                sh = o.value().clone();
                return false;
            }
            o = fresh.clone();
            return true;
        });
        if (installed) {
            auto task = keel::spawn_task(klib::move(body));
            if (task.is_err()) {
                stop();
                return task.error();
            }
            sh = klib::move(fresh);
        }
    }
    const klib::Arc<Shared>& s = sh.value();
    (*s).state.with([&](State& st) {
        st.deadline = v.remaining_ns == 0 ? 0 : keel::monotonic_ns() + v.remaining_ns;
        st.interval = v.remaining_ns == 0 ? 0 : v.interval_ns;
        ++st.generation;
    });
    (*s).wq.wake_all();
    return old;
}

void RealTimer::stop() const {
    klib::Optional<klib::Arc<Shared>> sh = shared_.with([](klib::Optional<klib::Arc<Shared>>& o) {
        klib::Optional<klib::Arc<Shared>> out = klib::move(o);
        o = klib::none;
        return out;
    });
    if (sh.has_value()) {
        (*sh.value()).state.with([](State& st) { st.quit = true; });
        (*sh.value()).wq.wake_all();
    }
}

} // namespace services::signal
