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

void timer_task(const RealTimer::Shared& sh) {
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
        const bool fire = sh.state.with([&](RealTimer::State& st) {
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
        if (fire) {
            (*sh.target).post(SigInfo(SIGALRM, SI_KERNEL));
        }
    }
}

} // namespace

RealTimer::Value RealTimer::get() const {
    if (!shared_.has_value()) {
        return {};
    }
    return (*shared_.value()).state.with([](State& st) {
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

klib::Result<RealTimer::Value> RealTimer::set(const klib::Arc<Inbox>& target, Value v) {
    if (!shared_.has_value()) {
        if (v.remaining_ns == 0) {
            return Value{};
        }
        klib::Arc<Shared> sh = TRY(klib::Arc<Shared>::make(target.clone()));
        klib::Arc<Shared> mine = sh.clone();
        auto body = TRY(klib::Function<void()>::make(
            [mine = klib::move(mine)]() { timer_task(*mine); }));
        (void)TRY(keel::spawn_task(klib::move(body)));
        shared_ = klib::move(sh);
    }
    const Value old = get();
    (*shared_.value()).state.with([&](State& st) {
        st.deadline = v.remaining_ns == 0 ? 0 : keel::monotonic_ns() + v.remaining_ns;
        st.interval = v.remaining_ns == 0 ? 0 : v.interval_ns;
        ++st.generation;
    });
    (*shared_.value()).wq.wake_all();
    return old;
}

RealTimer::~RealTimer() {
    if (shared_.has_value()) {
        (*shared_.value()).state.with([](State& st) { st.quit = true; });
        (*shared_.value()).wq.wake_all();
    }
}

} // namespace services::signal
