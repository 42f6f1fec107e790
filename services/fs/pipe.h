// Pipes and FIFOs: a byte ring (64 KiB by default, F_SETPIPE_SZ resizes
// it) shared by read and write ends. Writes of at most PIPE_BUF bytes are
// atomic; O_NONBLOCK gives EAGAIN; reading with no writer left is end of
// file; writing with no reader left is EPIPE. Readiness changes notify
// the pipe's Pollee (blocking I/O, poll, epoll).
#pragma once

#include "file.h"

namespace services::fs {

constexpr u64 PIPE_BUF = 4096;
constexpr u64 PIPE_DEFAULT_SIZE = 65536;
constexpr u64 PIPE_MAX_SIZE = 1048576; // /proc/sys/fs/pipe-max-size

class PipeBuffer {
public:
    PipeBuffer() : state_(State{}) {}

    struct State {
        klib::Vec<u8> ring; // capacity bytes
        u64 head = 0;       // next byte to read
        u64 len = 0;        // bytes held
        u32 readers = 0;
        u32 writers = 0;
        u64 opened_writers = 0; // writers ever attached (FIFO open rules)
        u64 opened_readers = 0; // readers ever attached
    };
    klib::Result<void, Errno> init(u64 capacity) const;

    klib::Result<usize, Errno> read(u64 len, ReadSink sink, bool nonblock) const;
    klib::Result<usize, Errno> write(u64 len, WriteSource source, bool nonblock) const;
    void attach(bool reader, bool writer) const;
    void detach(bool reader, bool writer) const;
    // A FIFO open with no partner yet: sleeps until a writer (for_writer)
    // or a reader attaches; returns at once when one is attached.
    // ERESTARTSYS when a signal interrupts the wait.
    klib::Result<void, Errno> wait_partner(bool for_writer) const;
    u32 poll(bool reader, bool writer) const;
    u64 capacity() const;
    u64 held() const;
    klib::Result<u64, Errno> resize(u64 size) const;
    bool has_readers() const;

    Pollee pollee;

private:
    keel::SpinLock<State> state_;
};

// One end (or both, for a FIFO opened O_RDWR) of a pipe.
class PipeFile final : public File {
public:
    // `node`: the FIFO's inode (stat); none for pipe(2), whose stat is made up.
    PipeFile(klib::Arc<PipeBuffer> buf, klib::Optional<klib::Arc<Inode>> node, u32 flags, u64 ino);
    ~PipeFile() override;

    klib::Result<usize, Errno> read(u64 pos, u64 len, ReadSink sink) const override;
    klib::Result<usize, Errno> write(u64 pos, u64 len, WriteSource source) const override;
    bool seekable() const override { return false; }
    klib::Result<Stat, Errno> stat() const override;
    u32 poll() const override;
    bool supports_epoll() const override { return true; }
    klib::Result<void> observe(const klib::Arc<Observer>& o) const override;
    void unobserve(const klib::Arc<Observer>& o) const override;
    klib::Result<u64, Errno> pipe_size() const override { return buf_->capacity(); }
    klib::Result<u64, Errno> set_pipe_size(u64 size) const override { return buf_->resize(size); }
    klib::Optional<u64> readable_bytes() const override { return buf_->held(); }
    klib::Result<klib::String, Errno> anon_name() const override;

    KLIB_DYN_TYPE(PipeFile)

private:
    klib::Arc<PipeBuffer> buf_;
    klib::Optional<klib::Arc<Inode>> node_;
    u64 ino_;
    bool reader_;
    bool writer_;
};

// pipe2(2): the read and write ends (`flags`: O_NONBLOCK, O_DIRECT).
struct PipePair {
    klib::Arc<File> read;
    klib::Arc<File> write;
};
klib::Result<PipePair, Errno> make_pipe(u32 flags);

// open(2) of a FIFO node: the pipe shared by everyone who opens `node`
// (ENXIO for O_WRONLY|O_NONBLOCK with no reader). A blocking O_RDONLY open
// sleeps until a writer opens it, O_WRONLY until a reader does.
klib::Result<klib::Arc<File>, Errno> open_fifo(const klib::Arc<Inode>& node, u32 flags);

} // namespace services::fs
