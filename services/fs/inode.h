// The VFS's two central interfaces: an Inode (a file, directory, symlink
// or device node of some file system) and a FileSystem (what is mounted).
// File systems implement them (tmpfs.cpp); the VFS (vfs.h) and the
// syscalls only see these interfaces, held as Arc<Inode>/Arc<FileSystem>.
//
// Everything is shared through Arc (const access): implementations keep
// their mutable state behind their own locks. No method sleeps.
#pragma once

#include "types.h"
#include "../mm/page_cache.h"
#include <klib/arc.h>
#include <klib/downcast.h>
#include <klib/function.h>
#include <klib/optional.h>
#include <klib/result.h>
#include <klib/span.h>
#include <klib/string.h>
#include <klib/string_view.h>

namespace services::fs {

// Data moves through callbacks so that a read copies straight from the
// file's pages to its destination (user memory, a kernel buffer) with no
// intermediate allocation: `sink` receives the bytes in order; `source`
// fills the span it is given. An error from either stops the transfer
// (bytes already moved are reported by the caller, as Linux does).
using ReadSink = klib::FunctionRef<klib::Result<void, Errno>(klib::Span<const u8>)>;
using WriteSource = klib::FunctionRef<klib::Result<void, Errno>(klib::Span<u8>)>;
// A destination that can store zeros with no source to copy from (user
// memory: keel::VmSpace::zero_bytes) takes `n` zero bytes at byte `at` of
// the read in one call, and returns how many it stored: fewer than `n` when
// it reached memory it may not write (everything before that is stored, as
// Linux's clear_user). A read hands its bytes to one of the two sinks,
// never to both (each keeps its own count).
using ZeroSink = klib::FunctionRef<u64(u64 at, u64 n)>;

// chmod/chown/utimensat/truncate in one request; fields left empty do not
// change. ctime is updated by the inode.
struct SetAttr {
    klib::Optional<u32> mode; // permission bits only
    klib::Optional<u32> uid;
    klib::Optional<u32> gid;
    klib::Optional<u64> size;
    klib::Optional<Timespec> atime;
    klib::Optional<Timespec> mtime;
    // chown(2) on a non-directory: drop set-user-ID, and set-group-ID when
    // group-executable (Linux's ATTR_KILL_SUID/SGID).
    bool kill_suid = false;
    // utimensat with explicit times (Linux's ATTR_TIMES_SET): owner only.
    bool times_set = false;
};

class Inode {
public:
    virtual ~Inode() = default;

    virtual Stat stat() const = 0;
    virtual klib::Result<void, Errno> set_attr(const SetAttr& attr) const = 0;

    // Regular files. read_at returns the count (0 at or past the end);
    // write_at extends the file as needed (ENOSPC, EFBIG).
    virtual klib::Result<usize, Errno> read_at(u64 off, u64 len, ReadSink sink) const;
    virtual klib::Result<usize, Errno> write_at(u64 off, u64 len, WriteSource source) const;
    // fallocate(2) mode 0: reserve [off, off + len), growing the size.
    virtual klib::Result<void, Errno> fallocate(u64 off, u64 len) const;
    // lseek SEEK_DATA (hole false) / SEEK_HOLE (hole true) from `off`
    // (ENXIO at or past the end). Default: all data, one hole at the end.
    virtual klib::Result<u64, Errno> seek_data(u64 off, bool hole) const;

    // Directories. Names are single components (no '/', not "." or "..",
    // at most NAME_MAX bytes): the VFS checks them.
    virtual klib::Result<klib::Arc<Inode>, Errno> lookup(klib::StringView name) const;
    // Creates a node of type `mode & S_IFMT` (S_IFREG, S_IFDIR, S_IFCHR,
    // S_IFBLK, S_IFIFO, S_IFSOCK) owned by `cred` (EEXIST).
    virtual klib::Result<klib::Arc<Inode>, Errno> create(klib::StringView name, u32 mode,
                                                         const Cred& cred, u64 rdev) const;
    virtual klib::Result<klib::Arc<Inode>, Errno> symlink(klib::StringView name,
                                                          klib::StringView target,
                                                          const Cred& cred) const;
    virtual klib::Result<void, Errno> link(klib::StringView name,
                                           const klib::Arc<Inode>& target) const;
    virtual klib::Result<void, Errno> unlink(klib::StringView name) const;
    virtual klib::Result<void, Errno> rmdir(klib::StringView name) const;
    // Moves `old_name` to `new_name` in `new_dir` (RENAME_NOREPLACE,
    // RENAME_EXCHANGE; EXDEV when new_dir is another file system).
    virtual klib::Result<void, Errno> rename(klib::StringView old_name,
                                             const klib::Arc<Inode>& new_dir,
                                             klib::StringView new_name, u32 flags) const;
    // The entry at position `pos` (0 is ".", 1 is "..", then the names),
    // or none at the end. Positions stay valid while entries are removed.
    virtual klib::Result<klib::Optional<DirentInfo>, Errno> readdir(u64 pos) const;

    // Symbolic links.
    virtual klib::Result<klib::String, Errno> read_link() const;

    // The page cache of a regular file whose data lives in it (one per
    // inode: read/write and every mapping share its frames). None: the
    // file system has none (mmap then maps a private copy of the bytes).
    virtual klib::Optional<klib::Arc<mm::PageCache>> page_cache() const { return klib::none; }

    KLIB_DYN_BASE(Inode)
};

// A mountable file system instance.
// The pages of regular file `inode` as mappings and exec see them: its
// page cache, or for a file system with none a private copy of its bytes
// filled page by page on first use. ENOMEM.
klib::Result<klib::Arc<mm::PageCache>, Errno> pages_of(klib::Arc<Inode> inode);

class FileSystem {
public:
    virtual ~FileSystem() = default;
    virtual klib::Arc<Inode> root() const = 0;
    virtual StatFs statfs() const = 0;
    // The options /proc/mounts shows after "rw,relatime", each with its
    // leading ',' (tmpfs: ",size=64k,inode64"). ENOMEM.
    virtual klib::Result<void, Errno> show_options(klib::String&) const { return {}; }
    // True when the file system calls dcache::names_changed() after every
    // change of a name (and names change no other way), so that path walks
    // may cache its lookups (dcache.h).
    virtual bool caches_names() const { return false; }
};

} // namespace services::fs
