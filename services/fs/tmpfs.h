// tmpfs: a file system in memory (Linux's tmpfs/shmem, also its rootfs).
// Files are sparse page lists (holes read as zeros and take no space),
// directories are hashed name tables kept in creation order (O(1) lookup
// and insert; readdir positions survive removals), and the instance has a
// size limit in pages (ENOSPC) and an inode limit.
#pragma once

#include "inode.h"
#include "../mm/page_cache.h"
#include <keel/sync/spinlock.h>
#include <klib/array.h>
#include <klib/box.h>
#include <klib/vec.h>

namespace services::fs {

constexpr u64 TMPFS_MAGIC = 0x01021994;
constexpr u64 SYSFS_MAGIC = 0x62656572;
constexpr u64 PAGE_SIZE = 4096;

// Accounting shared by every inode of one instance; the budget of every
// file's page cache (a file's pages are its cache's frames: the cache IS
// the storage, mmap maps those frames).
class TmpShared final : public mm::PageBudget {
public:
    TmpShared(u64 dev, u64 max_pages, u64 max_inodes, u64 magic)
        : dev_(dev), max_pages_(max_pages), max_inodes_(max_inodes), magic_(magic),
          usage_(Usage{}) {}

    u64 dev() const { return dev_; }
    klib::Result<void, Errno> charge_pages(u64 n) const;
    void release_pages(u64 n) const;
    // A fresh inode number, counted against the limit (ENOSPC).
    klib::Result<u64, Errno> charge_inode() const;
    void release_inode() const;
    StatFs statfs() const;
    klib::Result<void> charge(u64 pages) const override;
    void release(u64 pages) const override { release_pages(pages); }

private:
    struct Usage {
        u64 pages = 0;
        u64 inodes = 0;
        u64 next_ino = 1;
    };
    u64 dev_;
    u64 max_pages_;
    u64 max_inodes_;
    u64 magic_;
    keel::SpinLock<Usage> usage_;
};

class TmpInode final : public Inode {
public:
    // `cache`: a regular file's pages (none for other types).
    TmpInode(klib::Arc<TmpShared> fs, u64 ino, u32 mode, const Cred& cred, u64 rdev,
             klib::Optional<klib::Arc<mm::PageCache>> cache);
    ~TmpInode() override;

    Stat stat() const override;
    klib::Result<void, Errno> set_attr(const SetAttr& attr) const override;
    klib::Result<usize, Errno> read_at(u64 off, u64 len, ReadSink sink) const override;
    klib::Result<usize, Errno> write_at(u64 off, u64 len, WriteSource source) const override;
    klib::Result<void, Errno> fallocate(u64 off, u64 len) const override;
    klib::Result<u64, Errno> seek_data(u64 off, bool hole) const override;
    klib::Result<klib::Arc<Inode>, Errno> lookup(klib::StringView name) const override;
    klib::Result<klib::Arc<Inode>, Errno> create(klib::StringView name, u32 mode, const Cred& cred,
                                                 u64 rdev) const override;
    klib::Result<klib::Arc<Inode>, Errno> symlink(klib::StringView name, klib::StringView target,
                                                  const Cred& cred) const override;
    klib::Result<void, Errno> link(klib::StringView name,
                                   const klib::Arc<Inode>& target) const override;
    klib::Result<void, Errno> unlink(klib::StringView name) const override;
    klib::Result<void, Errno> rmdir(klib::StringView name) const override;
    klib::Result<void, Errno> rename(klib::StringView old_name, const klib::Arc<Inode>& new_dir,
                                     klib::StringView new_name, u32 flags) const override;
    klib::Result<klib::Optional<DirentInfo>, Errno> readdir(u64 pos) const override;
    klib::Result<klib::String, Errno> read_link() const override;
    klib::Optional<klib::Arc<mm::PageCache>> page_cache() const override;

    KLIB_DYN_TYPE(TmpInode)

    // Sets the symlink target (once, at creation).
    klib::Result<void, Errno> set_target(klib::StringView target) const;
    // Number of live names (directories); for tests.
    usize entry_count() const;

private:
    struct Meta {
        u32 mode = 0;
        u32 uid = 0;
        u32 gid = 0;
        u32 nlink = 1;
        u64 rdev = 0;
        u64 size = 0;
        u64 parent_ino = 0; // directories: the inode ".." names
        Timespec atime;
        Timespec mtime;
        Timespec ctime;
    };
    struct Entry {
        klib::String name;
        klib::Arc<TmpInode> inode;
    };
    struct Dir {
        klib::Vec<klib::Optional<Entry>> entries; // creation order; removed ones empty
        klib::Vec<klib::Vec<u32>> buckets;        // name hash -> indices into entries
        usize live = 0;
    };

    // Finds `name` in `d` (index into entries).
    static klib::Optional<usize> find(const Dir& d, klib::StringView name);
    static klib::Result<void, Errno> insert(Dir& d, klib::StringView name,
                                            klib::Arc<TmpInode> inode);
    static klib::Arc<TmpInode> remove_at(Dir& d, usize index, klib::StringView name);
    static klib::Result<void, Errno> grow_buckets(Dir& d);
    bool is_dir() const { return type_ == S_IFDIR; }
    bool dead() const; // no names left (a removed directory)
    bool dir_empty() const;
    void touch_dir_changed() const;
    void adjust_nlink(i32 delta) const;
    void set_parent(u64 ino) const;
    klib::Result<klib::Arc<TmpInode>, Errno> new_inode(u32 mode, const Cred& cred, u64 rdev) const;

    klib::Arc<TmpShared> fs_;
    u64 ino_;
    u32 type_;
    keel::SpinLock<Meta> meta_;
    klib::Optional<klib::Arc<mm::PageCache>> cache_; // regular files
    keel::SpinLock<Dir> dir_;
    keel::SpinLock<klib::String> target_;
};

class TmpFs final : public FileSystem {
public:
    // A new instance whose root directory has `root_mode` (permission bits).
    // `max_bytes`: the size limit (Linux's size=).
    // `max_inodes` 0: derived from the size; `magic`: what statfs reports
    // (sysfs is an empty tmpfs with SYSFS_MAGIC for now).
    static klib::Result<klib::Arc<TmpFs>> make(u64 dev, u64 max_bytes, u32 root_mode,
                                               u64 max_inodes = 0, u64 magic = TMPFS_MAGIC);

    TmpFs(klib::Arc<TmpShared> shared, klib::Arc<TmpInode> root)
        : shared_(klib::move(shared)), root_(klib::move(root)) {}

    klib::Arc<Inode> root() const override { return root_.clone_as<Inode>(); }
    StatFs statfs() const override { return shared_->statfs(); }
    klib::Result<void, Errno> show_options(klib::String& out) const override;
    // What show_options reports (the options given at mount time, as
    // Linux's shmem_show_options lists those that differ from defaults).
    void set_shown_options(klib::String opts) const {
        shown_.with([&](klib::String& s) { s = klib::move(opts); });
    }
    // Every name change goes through TmpInode, which reports it.
    bool caches_names() const override { return true; }

private:
    klib::Arc<TmpShared> shared_;
    klib::Arc<TmpInode> root_;
    keel::SpinLock<klib::String> shown_;
};

// The current time as file timestamps use it (no wall clock yet: seconds
// since boot, like CLOCK_REALTIME today).
Timespec now();

} // namespace services::fs
