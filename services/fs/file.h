// An open file description (Linux's struct file): what an fd refers to,
// shared by dup'd fds. The base class keeps the offset, the status flags
// and the path it was opened by; each kind of file (regular file or
// directory of any file system, device, pipe, ...) implements the I/O.
#pragma once

#include "inode.h"
#include "path.h"
#include "pollee.h"
#include "write_access.h"
#include <keel/sync/spinlock.h>

namespace services::fs {

// poll(2) event bits.
constexpr u32 POLLIN = 0x001;
constexpr u32 POLLPRI = 0x002;
constexpr u32 POLLOUT = 0x004;
constexpr u32 POLLERR = 0x008;
constexpr u32 POLLHUP = 0x010;
constexpr u32 POLLNVAL = 0x020;
constexpr u32 POLLRDNORM = 0x040;
constexpr u32 POLLWRNORM = 0x100;

// A process-wide unique number for each open file description.
u64 next_file_id();

// `text` as an owned String (ENOMEM), for anon_name().
klib::Result<klib::String, Errno> anon(klib::StringView text);

class File {
public:
    explicit File(u32 flags) : state_(State{0, flags}), id_(next_file_id()) {}
    virtual ~File() = default;

    // Reads up to `len` bytes at `pos` (streams ignore it) into `sink`;
    // returns the count, 0 at end of file.
    virtual klib::Result<usize, Errno> read(u64 pos, u64 len, ReadSink sink) const;
    // read() for a destination that can also store zeros directly; files
    // whose contents are zeros (/dev/zero) override it to use `zeros`.
    virtual klib::Result<usize, Errno> read_zeroing(u64 pos, u64 len, ReadSink sink,
                                                    ZeroSink) const {
        return read(pos, len, sink);
    }
    virtual klib::Result<usize, Errno> write(u64 pos, u64 len, WriteSource source) const;
    // False for streams (pipes, terminals): lseek/pread are ESPIPE.
    virtual bool seekable() const { return true; }
    virtual klib::Result<Stat, Errno> stat() const = 0;
    // The inode behind the file, for files of a file system.
    virtual klib::Optional<klib::Arc<Inode>> inode() const { return klib::none; }
    virtual bool is_tty() const { return false; }
    // Ready events now (POLLIN/POLLOUT/POLLHUP...).
    virtual u32 poll() const { return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM; }
    // Whether epoll may watch the file (Linux: files with a poll method;
    // regular files and directories have none: EPERM).
    virtual bool supports_epoll() const { return false; }
    // Registers/unregisters a poll/epoll waiter with the file's Pollee
    // (files that are always ready have none: nothing to do).
    virtual klib::Result<void> observe(const klib::Arc<Observer>&) const { return {}; }
    virtual void unobserve(const klib::Arc<Observer>&) const {}
    // fcntl F_GETPIPE_SZ/F_SETPIPE_SZ (EBADF for files that are not pipes).
    virtual klib::Result<u64, Errno> pipe_size() const { return Errno::EBADF; }
    virtual klib::Result<u64, Errno> set_pipe_size(u64) const { return Errno::EBADF; }
    // Bytes readable now (FIONREAD on pipes); none: not a stream.
    virtual klib::Optional<u64> readable_bytes() const { return klib::none; }
    // lseek on a file of this kind that is not a regular file or directory
    // (devices: always 0, as Linux's noop_llseek/null_lseek).
    virtual bool seek_always_zero() const { return false; }
    // What /proc/PID/fd/N shows for a file opened by no path ("pipe:[N]",
    // "anon_inode:[eventfd]"); ENOENT for files that have a path. ENOMEM.
    virtual klib::Result<klib::String, Errno> anon_name() const { return Errno::ENOENT; }
    // What mmap(2) maps (Linux's f_op->mmap): the pages of the object, or
    // none for anonymous memory (/dev/zero: private zero pages, or a new
    // shared anonymous object). ENODEV: the file cannot be mapped.
    virtual klib::Result<klib::Optional<klib::Arc<mm::PageCache>>, Errno> map_pages() const {
        return Errno::ENODEV;
    }

    KLIB_DYN_BASE(File)

    // True when `o` is this very open file description.
    bool same_as(const File& o) const { return id_ == o.id_; }

    u64 offset() const {
        return state_.with([](State& s) { return s.offset; });
    }
    void set_offset(u64 off) const {
        state_.with([off](State& s) { s.offset = off; });
    }
    // The open flags F_GETFL reports (access mode and status flags).
    u32 flags() const {
        return state_.with([](State& s) { return s.flags; });
    }
    // F_SETFL: only O_APPEND, O_NONBLOCK, O_DIRECT, O_NOATIME change.
    void set_status_flags(u32 flags) const {
        constexpr u32 settable = O_APPEND | O_NONBLOCK | O_DIRECT | O_NOATIME;
        state_.with([flags](State& s) { s.flags = (s.flags & ~settable) | (flags & settable); });
    }
    bool is_path_only() const { return (flags() & O_PATH) != 0; }
    bool readable() const {
        const u32 f = flags();
        return (f & O_PATH) == 0 && ((f & O_ACCMODE) == O_RDONLY || (f & O_ACCMODE) == O_RDWR);
    }
    bool writable() const {
        const u32 f = flags();
        return (f & O_PATH) == 0 && ((f & O_ACCMODE) == O_WRONLY || (f & O_ACCMODE) == O_RDWR);
    }

    // The path the file was opened by (for *at() calls on a directory fd,
    // fchdir, /proc/self/fd); none for pipes and anonymous files.
    klib::Optional<klib::Arc<PathNode>> path() const {
        return path_.with([](klib::Optional<klib::Arc<PathNode>>& p) -> klib::Optional<klib::Arc<PathNode>> {
            if (!p.has_value()) {
                return klib::none;
            }
            return p.value().clone();
        });
    }
    void set_path(klib::Arc<PathNode> p) const {
        path_.with([&](klib::Optional<klib::Arc<PathNode>>& slot) { slot = klib::move(p); });
    }

private:
    struct State {
        u64 offset{};
        u32 flags{};
    };
    keel::SpinLock<State> state_;
    keel::SpinLock<klib::Optional<klib::Arc<PathNode>>> path_;
    u64 id_; // identity (checked code cannot compare addresses)
};

// A regular file, directory or symlink (O_PATH) of a file system.
class InodeFile final : public File {
public:
    InodeFile(klib::Arc<Inode> inode, u32 flags) : File(flags), inode_(klib::move(inode)) {}
    // A regular file opened for writing holds `writer` (write_access.h).
    InodeFile(klib::Arc<Inode> inode, u32 flags, WriteGuard writer)
        : File(flags), inode_(klib::move(inode)), writer_(klib::move(writer)) {}

    klib::Result<usize, Errno> read(u64 pos, u64 len, ReadSink sink) const override {
        return inode_->read_at(pos, len, sink);
    }
    klib::Result<usize, Errno> write(u64 pos, u64 len, WriteSource source) const override {
        return inode_->write_at(pos, len, source);
    }
    klib::Result<Stat, Errno> stat() const override { return inode_->stat(); }
    klib::Optional<klib::Arc<Inode>> inode() const override { return inode_.clone(); }
    // Regular files: their page cache (inode.h: pages_of).
    klib::Result<klib::Optional<klib::Arc<mm::PageCache>>, Errno> map_pages() const override;

    KLIB_DYN_TYPE(InodeFile)

private:
    klib::Arc<Inode> inode_;
    klib::Optional<WriteGuard> writer_; // open for writing: no exec meanwhile (ETXTBSY)
};

} // namespace services::fs
