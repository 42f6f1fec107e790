#include "pipe.h"

#include "filesystems.h"
#include <klib/format.h>

namespace services::fs {

namespace {

keel::SpinLock<u64> g_pipe_ino(1);
keel::SpinLock<u64> g_pipefs_dev(0);

// FIFOs: each FIFO inode's pipe, while someone has it open (Linux keeps it
// in the inode's i_pipe).
struct FifoRec {
    klib::Arc<Inode> node;
    klib::Arc<PipeBuffer> buf;
};
keel::SpinLock<klib::Vec<FifoRec>> g_fifos;

u64 pipefs_dev() {
    const u64 have = g_pipefs_dev.with([](u64& d) { return d; });
    if (have != 0) {
        return have;
    }
    const u64 fresh = next_anon_dev();
    return g_pipefs_dev.with([fresh](u64& d) {
        if (d == 0) {
            d = fresh;
        }
        return d;
    });
}

} // namespace

// ---- PipeBuffer -------------------------------------------------------------

klib::Result<void, Errno> PipeBuffer::init(u64 capacity) const {
    return state_.with([capacity](State& s) -> klib::Result<void, Errno> {
        if (s.ring.try_reserve(usize(capacity)).is_err()) {
            return Errno::ENOMEM;
        }
        while (s.ring.size() < capacity) {
            (void)s.ring.try_push(0); // reserved
        }
        return {};
    });
}

klib::Result<usize, Errno> PipeBuffer::read(u64 len, ReadSink sink, bool nonblock) const {
    if (len == 0) {
        return usize(0);
    }
    for (;;) {
        // 1: data read, 2: end of file, 3: would block.
        u64 got = 0;
        klib::Optional<Errno> err;
        const u32 outcome = state_.with([&](State& s) -> u32 {
            if (s.len == 0) {
                return s.writers == 0 ? 2 : 3;
            }
            const u64 cap = s.ring.size();
            const u64 want = klib::min(len, s.len);
            const u64 head = s.head;
            {
                auto ring = s.ring.span();
                while (got < want) {
                    const u64 at = (head + got) % cap;
                    const u64 n = klib::min(want - got, cap - at);
                    auto r = sink(klib::Span<const u8>(ring.span().subspan(usize(at), usize(n))));
                    if (r.is_err()) {
                        err = r.error();
                        break;
                    }
                    got += n;
                }
            }
            s.head = (s.head + got) % cap;
            s.len -= got;
            return 1;
        });
        if (outcome == 1) {
            if (got == 0 && err.has_value()) {
                return err.value();
            }
            pollee.notify(POLLOUT | POLLWRNORM);
            return usize(got);
        }
        if (outcome == 2) {
            return usize(0);
        }
        if (nonblock) {
            return Errno::EAGAIN;
        }
        // A signal first: ERESTARTSYS (restarted with SA_RESTART).
        (void)TRY(pollee.wait_interruptible([&]() {
            return state_.with([](State& s) { return s.len > 0 || s.writers == 0; });
        }));
    }
}

klib::Result<usize, Errno> PipeBuffer::write(u64 len, WriteSource source, bool nonblock) const {
    if (len == 0) {
        return usize(0);
    }
    u64 done = 0;
    for (;;) {
        // 1: progress (maybe all), 2: no reader, 3: would block.
        klib::Optional<Errno> err;
        const u32 outcome = state_.with([&](State& s) -> u32 {
            if (s.readers == 0) {
                return 2;
            }
            const u64 cap = s.ring.size();
            const u64 room = cap - s.len;
            const u64 left = len - done;
            // PIPE_BUF: a small write goes in whole or waits.
            if (room == 0 || (left <= PIPE_BUF && room < left)) {
                return 3;
            }
            const u64 want = klib::min(left, room);
            const u64 tail = s.head + s.len;
            u64 put = 0;
            {
                auto ring = s.ring.span();
                while (put < want) {
                    const u64 at = (tail + put) % cap;
                    const u64 n = klib::min(want - put, cap - at);
                    auto r = source(ring.span().subspan(usize(at), usize(n)));
                    if (r.is_err()) {
                        err = r.error();
                        break;
                    }
                    put += n;
                }
            }
            s.len += put;
            done += put;
            return 1;
        });
        if (outcome == 1) {
            pollee.notify(POLLIN | POLLRDNORM);
            if (err.has_value()) {
                if (done > 0) {
                    return usize(done);
                }
                return err.value();
            }
            if (done == len || nonblock) {
                return usize(done);
            }
            continue;
        }
        if (outcome == 2) {
            if (done > 0) {
                return usize(done);
            }
            return Errno::EPIPE; // SIGPIPE is not delivered yet
        }
        if (nonblock) {
            if (done > 0) {
                return usize(done);
            }
            return Errno::EAGAIN;
        }
        auto waited = pollee.wait_interruptible([&]() {
            return state_.with([&](State& s) {
                return s.readers == 0 || s.ring.size() - s.len >= klib::min(len - done, PIPE_BUF);
            });
        });
        if (waited.is_err()) {
            // Linux's pipe_write: what was written counts, else ERESTARTSYS.
            if (done > 0) {
                return usize(done);
            }
            return waited.error();
        }
    }
}

void PipeBuffer::attach(bool reader, bool writer) const {
    state_.with([reader, writer](State& s) {
        s.readers += reader ? 1 : 0;
        s.writers += writer ? 1 : 0;
        s.opened_writers += writer ? 1 : 0;
        s.opened_readers += reader ? 1 : 0;
    });
    pollee.notify(POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM | POLLHUP | POLLERR);
}

klib::Result<void, Errno> PipeBuffer::wait_partner(bool for_writer) const {
    u64 seen = 0;
    const bool alone = state_.with([&](State& s) {
        seen = for_writer ? s.opened_writers : s.opened_readers;
        return for_writer ? s.writers == 0 : s.readers == 0;
    });
    if (!alone) {
        return {};
    }
    // Interrupted: ERESTARTSYS, as Linux's wait_for_partner.
    (void)TRY(pollee.wait_interruptible([&]() {
        return state_.with([&](State& s) { return (for_writer ? s.opened_writers : s.opened_readers) != seen; });
    }));
    return {};
}

void PipeBuffer::detach(bool reader, bool writer) const {
    state_.with([reader, writer](State& s) {
        s.readers -= reader && s.readers > 0 ? 1 : 0;
        s.writers -= writer && s.writers > 0 ? 1 : 0;
    });
    pollee.notify(POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM | POLLHUP | POLLERR);
}

u32 PipeBuffer::poll(bool reader, bool writer) const {
    return state_.with([reader, writer](State& s) {
        u32 ev = 0;
        if (reader) {
            if (s.len > 0) {
                ev |= POLLIN | POLLRDNORM;
            }
            if (s.writers == 0 && s.opened_writers > 0) {
                ev |= POLLHUP;
            }
        }
        if (writer) {
            if (s.ring.size() - s.len >= PIPE_BUF || (s.ring.size() - s.len > 0 && s.ring.size() < PIPE_BUF)) {
                ev |= POLLOUT | POLLWRNORM;
            }
            if (s.readers == 0) {
                ev |= POLLERR;
            }
        }
        return ev;
    });
}

u64 PipeBuffer::capacity() const {
    return state_.with([](State& s) { return u64(s.ring.size()); });
}

u64 PipeBuffer::held() const {
    return state_.with([](State& s) { return s.len; });
}

bool PipeBuffer::has_readers() const {
    return state_.with([](State& s) { return s.readers > 0; });
}

klib::Result<u64, Errno> PipeBuffer::resize(u64 size) const {
    // Round up to a power-of-two number of pages (at least one).
    if (size > (u64(1) << 31)) {
        return Errno::EINVAL;
    }
    u64 cap = 4096;
    while (cap < size) {
        cap *= 2;
    }
    klib::Vec<u8> fresh;
    if (fresh.try_reserve(usize(cap)).is_err()) {
        return Errno::ENOMEM;
    }
    while (fresh.size() < cap) {
        (void)fresh.try_push(0); // reserved
    }
    TRY(state_.with([&](State& s) -> klib::Result<void, Errno> {
        if (s.len > cap) {
            return Errno::EBUSY;
        }
        const u64 old_cap = s.ring.size();
        for (u64 i = 0; i < s.len; ++i) {
            fresh[usize(i)] = s.ring[usize((s.head + i) % old_cap)];
        }
        s.head = 0;
        s.ring = klib::move(fresh);
        return {};
    }));
    pollee.notify(POLLOUT | POLLWRNORM);
    return cap;
}

// ---- PipeFile ---------------------------------------------------------------

PipeFile::PipeFile(klib::Arc<PipeBuffer> buf, klib::Optional<klib::Arc<Inode>> node, u32 flags,
                   u64 ino)
    : File(flags), buf_(klib::move(buf)), node_(klib::move(node)), ino_(ino),
      reader_((flags & O_ACCMODE) == O_RDONLY || (flags & O_ACCMODE) == O_RDWR),
      writer_((flags & O_ACCMODE) == O_WRONLY || (flags & O_ACCMODE) == O_RDWR) {
    buf_->attach(reader_, writer_);
}

PipeFile::~PipeFile() {
    buf_->detach(reader_, writer_);
}

klib::Result<usize, Errno> PipeFile::read(u64, u64 len, ReadSink sink) const {
    return buf_->read(len, sink, (flags() & O_NONBLOCK) != 0);
}

klib::Result<usize, Errno> PipeFile::write(u64, u64 len, WriteSource source) const {
    return buf_->write(len, source, (flags() & O_NONBLOCK) != 0);
}

klib::Result<Stat, Errno> PipeFile::stat() const {
    if (node_.has_value()) {
        return node_.value()->stat();
    }
    Stat st;
    st.dev = pipefs_dev();
    st.ino = ino_;
    st.mode = S_IFIFO | 0600;
    st.nlink = 1;
    st.blksize = 4096;
    return st;
}

klib::Result<klib::String, Errno> PipeFile::anon_name() const {
    if (node_.has_value()) {
        return Errno::ENOENT; // a FIFO has its path
    }
    klib::String s = TRY(anon("pipe:["));
    if (klib::append_dec(s, ino_).is_err() || s.try_append(']').is_err()) {
        return Errno::ENOMEM;
    }
    return s;
}

u32 PipeFile::poll() const {
    return buf_->poll(reader_, writer_);
}

klib::Result<void> PipeFile::observe(const klib::Arc<Observer>& o) const {
    return buf_->pollee.observe(o);
}

void PipeFile::unobserve(const klib::Arc<Observer>& o) const {
    buf_->pollee.unobserve(o);
}

klib::Result<PipePair, Errno> make_pipe(u32 flags) {
    auto buf = klib::Arc<PipeBuffer>::make();
    if (buf.is_err()) {
        return Errno::ENOMEM;
    }
    TRY(buf.value()->init(PIPE_DEFAULT_SIZE));
    const u64 ino = g_pipe_ino.with([](u64& n) { return n++; });
    const u32 keep = (flags & (O_NONBLOCK | O_DIRECT)) | O_LARGEFILE;
    auto r = klib::Arc<PipeFile>::make(buf.value().clone(), klib::none, O_RDONLY | keep, ino);
    auto w = klib::Arc<PipeFile>::make(buf.value().clone(), klib::none, O_WRONLY | keep, ino);
    if (r.is_err() || w.is_err()) {
        return Errno::ENOMEM;
    }
    return PipePair{klib::Arc<File>(r.release_value()), klib::Arc<File>(w.release_value())};
}

namespace {

klib::Result<klib::Arc<PipeBuffer>, Errno> new_fifo_buffer(const klib::Arc<Inode>& node) {
    auto fresh = klib::Arc<PipeBuffer>::make();
    if (fresh.is_err()) {
        return Errno::ENOMEM;
    }
    TRY(fresh.value()->init(PIPE_DEFAULT_SIZE));
    klib::Arc<PipeBuffer> b = fresh.release_value();
    TRY(g_fifos.with([&](klib::Vec<FifoRec>& v) -> klib::Result<void, Errno> {
        // Forget pipes nobody has open any more.
        for (usize i = v.size(); i > 0; --i) {
            if (v[i - 1].buf.ref_count() == 1) {
                (void)v.remove(i - 1);
            }
        }
        if (v.try_push(FifoRec{node.clone(), b.clone()}).is_err()) {
            return Errno::ENOMEM;
        }
        return {};
    }));
    return b;
}

} // namespace

klib::Result<klib::Arc<File>, Errno> open_fifo(const klib::Arc<Inode>& node, u32 flags) {
    const u32 acc = flags & O_ACCMODE;
    // The FIFO's pipe: the one in use, or a new one.
    klib::Optional<klib::Arc<PipeBuffer>> found = g_fifos.with(
        [&](klib::Vec<FifoRec>& v) -> klib::Optional<klib::Arc<PipeBuffer>> {
            for (usize i = 0; i < v.size(); ++i) {
                if (v[i].node.ptr_eq(node)) {
                    return v[i].buf.clone();
                }
            }
            return klib::none;
        });
    if (!found.has_value()) {
        found = TRY(new_fifo_buffer(node));
    }
    klib::Arc<PipeBuffer> buf = klib::move(found.value());
    if (acc == O_WRONLY && (flags & O_NONBLOCK) != 0 && !buf->has_readers()) {
        return Errno::ENXIO;
    }
    auto f = klib::Arc<PipeFile>::make(buf.clone(), node.clone(), flags, node->stat().ino);
    if (f.is_err()) {
        return Errno::ENOMEM;
    }
    // Linux's fifo_open: a blocking read-only open waits for a writer, a
    // write-only open for a reader (O_RDWR never waits; O_NONBLOCK readers
    // do not wait either).
    if (acc == O_RDONLY && (flags & O_NONBLOCK) == 0) {
        TRY(buf->wait_partner(true));
    } else if (acc == O_WRONLY) {
        TRY(buf->wait_partner(false));
    }
    return klib::Arc<File>(f.release_value());
}

} // namespace services::fs
