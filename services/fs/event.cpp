#include "event.h"

#include "filesystems.h"

#include <keel/time.h>
#include <klib/array.h>

namespace services::fs {

namespace {

constexpr u64 EVENTFD_MAX = 0xfffffffffffffffeull;

keel::SpinLock<u64> g_anon_dev(0);
keel::SpinLock<u64> g_anon_ino(1);

// The anonymous-inode file system every eventfd and epoll file lives on.
Stat anon_stat() {
    u64 dev = g_anon_dev.with([](u64& d) { return d; });
    if (dev == 0) {
        const u64 fresh = next_anon_dev();
        dev = g_anon_dev.with([fresh](u64& d) {
            if (d == 0) {
                d = fresh;
            }
            return d;
        });
    }
    Stat st;
    st.dev = dev;
    st.ino = 1; // one shared anonymous inode, as Linux's anon_inode_inode
    st.mode = 0600;
    st.nlink = 1;
    st.blksize = 4096;
    return st;
}

} // namespace

// ---- eventfd -------------------------------------------------------------------

klib::Result<usize, Errno> EventFile::read(u64, u64 len, ReadSink sink) const {
    if (len < 8) {
        return Errno::EINVAL;
    }
    const bool nonblock = (flags() & O_NONBLOCK) != 0;
    for (;;) {
        const bool sem = semaphore_;
        const u64 value = count_.with([sem](u64& c) -> u64 {
            if (c == 0) {
                return 0;
            }
            const u64 v = sem ? 1 : c;
            c -= v;
            return v;
        });
        if (value != 0) {
            pollee_.notify(POLLOUT | POLLWRNORM);
            klib::Array<u8, 8> bytes{};
            for (usize i = 0; i < 8; ++i) {
                bytes[i] = u8(value >> (8 * i));
            }
            TRY(sink(bytes.span()));
            return usize(8);
        }
        if (nonblock) {
            return Errno::EAGAIN;
        }
        // A signal first: ERESTARTSYS, as Linux's eventfd_read.
        (void)TRY(pollee_.wait_interruptible([&]() { return count_.with([](u64& c) { return c != 0; }); }));
    }
}

klib::Result<usize, Errno> EventFile::write(u64, u64 len, WriteSource source) const {
    if (len < 8) {
        return Errno::EINVAL;
    }
    klib::Array<u8, 8> bytes{};
    TRY(source(bytes.span()));
    u64 value = 0;
    for (usize i = 0; i < 8; ++i) {
        value |= u64(bytes[i]) << (8 * i);
    }
    if (value == ~u64(0)) {
        return Errno::EINVAL;
    }
    const bool nonblock = (flags() & O_NONBLOCK) != 0;
    for (;;) {
        const bool added = count_.with([value](u64& c) {
            if (EVENTFD_MAX - c < value) {
                return false;
            }
            c += value;
            return true;
        });
        if (added) {
            if (value != 0) {
                pollee_.notify(POLLIN | POLLRDNORM);
            }
            return usize(8);
        }
        if (nonblock) {
            return Errno::EAGAIN;
        }
        (void)TRY(pollee_.wait_interruptible(
            [&]() { return count_.with([value](u64& c) { return EVENTFD_MAX - c >= value; }); }));
    }
}

klib::Result<Stat, Errno> EventFile::stat() const {
    return anon_stat();
}

u32 EventFile::poll() const {
    return count_.with([](u64& c) {
        u32 ev = 0;
        if (c > 0) {
            ev |= POLLIN | POLLRDNORM;
        }
        if (c < EVENTFD_MAX) {
            ev |= POLLOUT | POLLWRNORM;
        }
        return ev;
    });
}

// ---- epoll ------------------------------------------------------------------------

EpollFile::~EpollFile() {
    interests_.with([](klib::Vec<Interest>& v) {
        for (const Interest& i : v) {
            i.file->unobserve(i.obs);
        }
    });
}

klib::Result<Stat, Errno> EpollFile::stat() const {
    return anon_stat();
}

klib::Result<void> EpollFile::observe(const klib::Arc<Observer>& o) const {
    // A nested watcher is woken by this instance's files too.
    TRY(pollee_.observe(o));
    return interests_.with([&](klib::Vec<Interest>& v) -> klib::Result<void> {
        for (const Interest& i : v) {
            TRY(i.file->observe(o));
        }
        return {};
    });
}

void EpollFile::unobserve(const klib::Arc<Observer>& o) const {
    pollee_.unobserve(o);
    interests_.with([&](klib::Vec<Interest>& v) {
        for (const Interest& i : v) {
            i.file->unobserve(o);
        }
    });
}

u32 EpollFile::poll() const {
    // Readable when some interest would be reported now.
    return interests_.with([](klib::Vec<Interest>& v) {
        for (const Interest& i : v) {
            if (i.disabled || i.file.ref_count() == 1) {
                continue;
            }
            const u32 ready = i.file->poll() & (i.events | EPOLLERR | EPOLLHUP);
            if (ready != 0 && ((i.events & EPOLLET) == 0 || i.armed || i.obs->events() != i.seen)) {
                return POLLIN | POLLRDNORM;
            }
        }
        return u32(0);
    });
}

bool EpollFile::watches(const File& target, u32 depth) const {
    if (depth > 5) {
        return true; // Linux's EP_MAX_NESTS: treat as a loop
    }
    return interests_.with([&](klib::Vec<Interest>& v) {
        for (const Interest& i : v) {
            if (klib::downcast_ref<EpollFile>(*i.file, [&](const EpollFile& e) {
                    return e.same_as(target) || e.watches(target, depth + 1);
                }).value_or(false)) {
                return true;
            }
        }
        return false;
    });
}

klib::Result<void, Errno> EpollFile::add(u64 fd, klib::Arc<File> file, u32 events, u64 data) const {
    if (!file->supports_epoll()) {
        return Errno::EPERM;
    }
    const bool is_epoll =
        klib::downcast_ref<EpollFile>(*file, [&](const EpollFile& e) { return e.watches(*this, 0) || e.same_as(*this); })
            .value_or(false);
    if (is_epoll) {
        return Errno::ELOOP;
    }
    auto obs = klib::Arc<Observer>::make(events | EPOLLERR | EPOLLHUP);
    if (obs.is_err()) {
        return Errno::ENOMEM;
    }
    TRY(interests_.with([&](klib::Vec<Interest>& v) -> klib::Result<void, Errno> {
        for (const Interest& i : v) {
            if (i.fd == fd && i.file.ptr_eq(file)) {
                return Errno::EEXIST;
            }
        }
        if (v.try_push(Interest{fd, file.clone(), events, data, obs.value().clone()}).is_err()) {
            return Errno::ENOMEM;
        }
        return {};
    }));
    if (file->observe(obs.value()).is_err()) {
        (void)remove(fd, *file);
        return Errno::ENOMEM;
    }
    pollee_.notify(POLLIN | POLLRDNORM);
    return {};
}

klib::Result<void, Errno> EpollFile::modify(u64 fd, const File& file, u32 events, u64 data) const {
    return interests_.with([&](klib::Vec<Interest>& v) -> klib::Result<void, Errno> {
        for (Interest& i : v) {
            if (i.fd == fd && i.file->same_as(file)) {
                i.events = events;
                i.data = data;
                i.armed = true;
                i.disabled = false;
                return {};
            }
        }
        return Errno::ENOENT;
    });
}

klib::Result<void, Errno> EpollFile::remove(u64 fd, const File& file) const {
    klib::Optional<Interest> gone = interests_.with([&](klib::Vec<Interest>& v) -> klib::Optional<Interest> {
        for (usize k = 0; k < v.size(); ++k) {
            if (v[k].fd == fd && v[k].file->same_as(file)) {
                return v.remove(k);
            }
        }
        return klib::none;
    });
    if (!gone.has_value()) {
        return Errno::ENOENT;
    }
    gone.value().file->unobserve(gone.value().obs);
    return {};
}

klib::Result<usize, Errno> EpollFile::collect(
    usize max, klib::FunctionRef<klib::Result<void, Errno>(u32, u64)> out) const {
    // Files whose last fd was closed (only this instance holds them) leave
    // the set, as Linux drops them when the file is released.
    klib::Vec<Interest> closed;
    auto r = interests_.with([&](klib::Vec<Interest>& v) -> klib::Result<usize, Errno> {
        for (usize k = v.size(); k > 0; --k) {
            if (v[k - 1].file.ref_count() == 1) {
                if (closed.try_push(v.remove(k - 1)).is_err()) {
                    return Errno::ENOMEM;
                }
            }
        }
        usize n = 0;
        for (Interest& i : v) {
            if (n == max) {
                break;
            }
            if (i.disabled) {
                continue;
            }
            const u32 ready = i.file->poll() & (i.events | EPOLLERR | EPOLLHUP);
            if (ready == 0) {
                continue;
            }
            const u64 now_seen = i.obs->events();
            if ((i.events & EPOLLET) != 0 && !i.armed && now_seen == i.seen) {
                continue;
            }
            TRY(out(ready, i.data));
            i.armed = false;
            i.seen = now_seen;
            if ((i.events & EPOLLONESHOT) != 0) {
                i.disabled = true;
            }
            ++n;
        }
        return n;
    });
    for (const Interest& i : closed) {
        i.file->unobserve(i.obs);
    }
    return r;
}

klib::Result<usize, Errno> EpollFile::wait(
    usize max, klib::Optional<u64> timeout_ns,
    klib::FunctionRef<klib::Result<void, Errno>(u32, u64)> out) const {
    const usize n = TRY(collect(max, out));
    if (n > 0 || (timeout_ns.has_value() && timeout_ns.value() == 0)) {
        return n;
    }
    auto obs = klib::Arc<Observer>::make(0u);
    if (obs.is_err()) {
        return Errno::ENOMEM;
    }
    if (observe(obs.value()).is_err()) {
        unobserve(obs.value());
        return Errno::ENOMEM;
    }
    const u64 start = keel::monotonic_ns();
    usize got = 0;
    for (;;) {
        const u64 seen = obs.value()->events();
        auto c = collect(max, out);
        if (c.is_err() || c.value() > 0) {
            got = c.is_ok() ? c.value() : 0;
            if (c.is_err()) {
                unobserve(obs.value());
                return c.error();
            }
            break;
        }
        u64 left = 0; // no limit
        if (timeout_ns.has_value()) {
            const u64 spent = keel::monotonic_ns() - start;
            if (spent >= timeout_ns.value()) {
                break;
            }
            left = timeout_ns.value() - spent;
        }
        if (obs.value()->wait_interruptible(seen, left).is_err()) {
            // Linux's ep_poll: EINTR, never restarted (even after a stop).
            unobserve(obs.value());
            return Errno::EINTR;
        }
    }
    unobserve(obs.value());
    return got;
}

} // namespace services::fs
