// The VFS: a namespace of mounts, each process's view of it (root, cwd,
// umask, credentials), path resolution as Linux's namei does it, and the
// name operations (open, mknod, mkdir, link, symlink, unlink, rmdir,
// rename) with Linux's errno values and order of checks.
//
// Path resolution: absolute paths start at the process root, relative ones
// at `base` (the cwd or a directory fd); "." stays, ".." goes up the path
// chain (never above the process root, back over mount points); symbolic
// links are followed in every component but the last unless asked, 40 per
// lookup at most (ELOOP); a component longer than NAME_MAX or a path of
// PATH_MAX bytes is ENAMETOOLONG; a non-directory in the middle (or before
// a trailing "/") is ENOTDIR; each directory passed needs search
// permission (EACCES, root bypasses).
#pragma once

#include "file.h"
#include "path.h"
#include <keel/sync/spinlock.h>
#include <klib/function.h>
#include <klib/vec.h>

namespace services::fs {

// mount(2) flags Keel understands.
constexpr u64 MS_RDONLY = 1;
constexpr u64 MS_NOSUID = 2;
constexpr u64 MS_NODEV = 4;
constexpr u64 MS_NOEXEC = 8;
constexpr u64 MS_REMOUNT = 32;
constexpr u64 MS_BIND = 4096;
constexpr u64 MS_MGC_VAL = 0xc0ed0000;
constexpr u64 MNT_FORCE = 1;
constexpr u64 MNT_DETACH = 2;
constexpr u64 MNT_EXPIRE = 4;
constexpr u64 UMOUNT_NOFOLLOW = 8;

// One line of /proc/mounts.
struct MountInfo {
    klib::String source;
    klib::String path;
    klib::String fstype;
    u64 flags = 0;
    klib::String options; // the file system's own (",size=64k,inode64")
    bool is_root = false; // the namespace root (Linux shows no "relatime")
};

class Namespace {
public:
    // A namespace whose root is `rootfs`.
    static klib::Result<klib::Arc<Namespace>> make(klib::Arc<FileSystem> rootfs,
                                                   klib::StringView source,
                                                   klib::StringView fstype);
    Namespace() : mounts_(), next_id_(1), rename_lock_(0) {}

    klib::Arc<PathNode> root() const;
    // Mounts `fs` on the directory `at` (ENOTDIR); returns the new root.
    klib::Result<klib::Arc<PathNode>, Errno> mount(const klib::Arc<PathNode>& at,
                                                   klib::Arc<FileSystem> fs,
                                                   klib::StringView source,
                                                   klib::StringView fstype, u64 flags) const;
    // Unmounts the file system whose root `at` is (EINVAL when `at` is not
    // a mount root; EBUSY for the namespace root, or, unless `detach`, with
    // mounts below it or `cwd` inside it).
    klib::Result<void, Errno> umount(const klib::Arc<PathNode>& at, bool detach,
                                     const klib::Arc<PathNode>& cwd) const;
    // What `inode` of `mount` is covered by: the root of the last mount on
    // it, if any.
    klib::Optional<klib::Arc<PathNode>> covering(const klib::Arc<Mount>& mount,
                                                 const klib::Arc<Inode>& inode) const;
    // True when a file system is mounted on `node`.
    bool is_mountpoint(const klib::Arc<PathNode>& node) const;
    klib::Result<klib::Vec<MountInfo>, Errno> mounts() const;

    // Serialises renames (Linux's s_vfs_rename_mutex): the ancestry checks
    // and the directory updates happen as one step.
    klib::Result<void, Errno> with_rename_lock(klib::FunctionRef<klib::Result<void, Errno>()> f) const {
        return rename_lock_.with([&](u8&) { return f(); });
    }

private:
    struct Rec {
        klib::Arc<Mount> mount;
        klib::Arc<PathNode> root;                 // the mount's root as a path
        klib::Optional<klib::Arc<PathNode>> at;   // the mountpoint (none: namespace root)
    };
    klib::Result<void, Errno> umount_locked(const klib::Arc<PathNode>& at, bool detach,
                                            const klib::Arc<PathNode>& cwd) const;
    keel::SpinLock<klib::Vec<Rec>> mounts_;
    keel::SpinLock<u64> next_id_;
    keel::SpinLock<u8> rename_lock_;
};

// A process's file-system context (Linux's fs_struct plus credentials).
struct FsContext {
    FsContext(klib::Arc<Namespace> n, klib::Arc<PathNode> r, klib::Arc<PathNode> c)
        : ns(klib::move(n)), root(klib::move(r)), cwd(klib::move(c)) {}

    klib::Arc<Namespace> ns;
    klib::Arc<PathNode> root;
    klib::Arc<PathNode> cwd;
    u32 umask = 022;
    Cred cred;
};

// The kind of the last component of a path.
enum class Last : u8 { Normal, Dot, DotDot, Root };

// A path resolved up to its last component.
struct ParentLookup {
    klib::Arc<PathNode> dir;
    klib::String last; // empty for Root
    Last kind = Last::Normal;
    bool trailing_slash = false;
};

// Resolves `path` from `base`; the last component must exist. follow_last:
// follow a symlink in the last component.
klib::Result<klib::Arc<PathNode>, Errno> resolve(const FsContext& fs, const klib::Arc<PathNode>& base,
                                                 klib::StringView path, bool follow_last);
// Resolves all but the last component of `path`.
klib::Result<ParentLookup, Errno> resolve_parent(const FsContext& fs,
                                                 const klib::Arc<PathNode>& base,
                                                 klib::StringView path);
// The absolute path of `node` as the process sees it (getcwd, /proc).
klib::Result<klib::String, Errno> path_string(const FsContext& fs, const klib::Arc<PathNode>& node);

// open(2)/openat(2)/creat(2): `flags` as passed, `mode` for O_CREAT.
klib::Result<klib::Arc<File>, Errno> open(const FsContext& fs, const klib::Arc<PathNode>& base,
                                          klib::StringView path, u32 flags, u32 mode);
// Opens an already resolved node (init's console, /proc/self/fd).
klib::Result<klib::Arc<File>, Errno> open_node(const FsContext& fs, const klib::Arc<PathNode>& node,
                                               u32 flags);

// mknod(2)/mkdir(2): `mode` holds the type (S_IFDIR for mkdir) and the
// permission bits (before the umask).
klib::Result<void, Errno> mknod(const FsContext& fs, const klib::Arc<PathNode>& base,
                                klib::StringView path, u32 mode, u64 rdev);
klib::Result<void, Errno> symlink(const FsContext& fs, klib::StringView target,
                                  const klib::Arc<PathNode>& base, klib::StringView path);
klib::Result<void, Errno> link(const FsContext& fs, const klib::Arc<PathNode>& old_base,
                               klib::StringView old_path, const klib::Arc<PathNode>& new_base,
                               klib::StringView new_path, bool follow);
// linkat(AT_EMPTY_PATH): a new name for the resolved node `old`.
klib::Result<void, Errno> link_node(const FsContext& fs, const klib::Arc<PathNode>& old,
                                    const klib::Arc<PathNode>& new_base, klib::StringView new_path);
klib::Result<void, Errno> unlink(const FsContext& fs, const klib::Arc<PathNode>& base,
                                 klib::StringView path);
klib::Result<void, Errno> rmdir(const FsContext& fs, const klib::Arc<PathNode>& base,
                                klib::StringView path);
klib::Result<void, Errno> rename(const FsContext& fs, const klib::Arc<PathNode>& old_base,
                                 klib::StringView old_path, const klib::Arc<PathNode>& new_base,
                                 klib::StringView new_path, u32 flags);

// Permission check of `inode` for `may` (MAY_READ/WRITE/EXEC): EACCES.
klib::Result<void, Errno> check_permission(const FsContext& fs, const Inode& inode, u32 may);

} // namespace services::fs
