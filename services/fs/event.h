// eventfd and epoll files: both built on the Pollee/Observer mechanism.
#pragma once

#include "file.h"

namespace services::fs {

constexpr u32 EFD_SEMAPHORE = 1;
constexpr u32 EPOLLIN = 0x001;
constexpr u32 EPOLLOUT = 0x004;
constexpr u32 EPOLLERR = 0x008;
constexpr u32 EPOLLHUP = 0x010;
constexpr u32 EPOLLRDHUP = 0x2000;
constexpr u32 EPOLLEXCLUSIVE = 1u << 28;
constexpr u32 EPOLLWAKEUP = 1u << 29;
constexpr u32 EPOLLONESHOT = 1u << 30;
constexpr u32 EPOLLET = 1u << 31;

// A 64-bit counter (eventfd2): reads take it (or 1 in semaphore mode),
// writes add to it, up to 2^64 - 2.
class EventFile final : public File {
public:
    EventFile(u64 initial, u32 flags, bool semaphore)
        : File(flags), count_(initial), semaphore_(semaphore) {}

    klib::Result<usize, Errno> read(u64 pos, u64 len, ReadSink sink) const override;
    klib::Result<usize, Errno> write(u64 pos, u64 len, WriteSource source) const override;
    bool seekable() const override { return false; }
    klib::Result<Stat, Errno> stat() const override;
    u32 poll() const override;
    bool supports_epoll() const override { return true; }
    klib::Result<klib::String, Errno> anon_name() const override { return anon("anon_inode:[eventfd]"); }
    klib::Result<void> observe(const klib::Arc<Observer>& o) const override { return pollee_.observe(o); }
    void unobserve(const klib::Arc<Observer>& o) const override { pollee_.unobserve(o); }

    KLIB_DYN_TYPE(EventFile)

private:
    keel::SpinLock<u64> count_;
    bool semaphore_;
    Pollee pollee_;
};

// One epoll instance: the files it watches, each with its own Observer
// (edge-triggered interests report only after a new notification that
// matches their events).
class EpollFile final : public File {
public:
    explicit EpollFile(u32 flags) : File(flags), interests_() {}
    ~EpollFile() override;

    klib::Result<Stat, Errno> stat() const override;
    bool seekable() const override { return false; }
    u32 poll() const override;
    bool supports_epoll() const override { return true; }
    klib::Result<klib::String, Errno> anon_name() const override { return anon("anon_inode:[eventpoll]"); }
    klib::Result<void> observe(const klib::Arc<Observer>& o) const override;
    void unobserve(const klib::Arc<Observer>& o) const override;

    // EPOLL_CTL_ADD/MOD/DEL (EEXIST, ENOENT, ELOOP, EPERM, ENOMEM).
    klib::Result<void, Errno> add(u64 fd, klib::Arc<File> file, u32 events, u64 data) const;
    klib::Result<void, Errno> modify(u64 fd, const File& file, u32 events, u64 data) const;
    klib::Result<void, Errno> remove(u64 fd, const File& file) const;
    // Ready events, at most `max`, each given to `out(events, data)`;
    // waits up to `timeout_ns` (0: don't wait; none: for ever).
    klib::Result<usize, Errno> wait(usize max, klib::Optional<u64> timeout_ns,
                                    klib::FunctionRef<klib::Result<void, Errno>(u32, u64)> out) const;
    // True when this instance watches `target` directly or through nested
    // epoll instances.
    bool watches(const File& target, u32 depth) const;

    KLIB_DYN_TYPE(EpollFile)

private:
    struct Interest {
        u64 fd{};
        klib::Arc<File> file;
        u32 events{};
        u64 data{};
        klib::Arc<Observer> obs; // this interest's own notifications
        u64 seen = 0;            // obs->events() at the last report (ET)
        bool armed = true;       // ET: report even without a new notification
        bool disabled = false;   // EPOLLONESHOT after a report
    };
    klib::Result<usize, Errno> collect(usize max,
                                       klib::FunctionRef<klib::Result<void, Errno>(u32, u64)> out) const;

    keel::SpinLock<klib::Vec<Interest>> interests_;
    Pollee pollee_; // nested epoll instances watching this one
};

} // namespace services::fs
