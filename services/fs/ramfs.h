// RamFs: the in-memory file system the initramfs is unpacked into (Linux's
// rootfs). Built once by services/init, then shared read-only
// (`Arc<const RamFs>` gives const access only): writes are EROFS for now.
//
// Path lookup follows Linux's namei: absolute paths start at the root,
// relative ones at a directory inode; "." and ".." (which stays at the
// root); symbolic links are followed in every component but the last
// unless asked (at most MAX_SYMLINKS per lookup, then ELOOP); a component
// longer than NAME_MAX is ENAMETOOLONG, a missing one ENOENT, a
// non-directory in the middle (or before a trailing "/") ENOTDIR.
#pragma once

#include "../initramfs/cpio.h"
#include "../syscall/errno.h"
#include "inode.h"
#include <klib/optional.h>
#include <klib/result.h>
#include <klib/span.h>
#include <klib/string.h>
#include <klib/string_view.h>
#include <klib/vec.h>

namespace services::fs {

using syscall::Errno;

constexpr usize NAME_MAX = 255;
constexpr usize PATH_MAX = 4096; // including the NUL
constexpr u32 MAX_SYMLINKS = 40;

// The outcome of a lookup: the directory holding the last component, and
// the inode it names (none when only the last component is missing).
struct Walk {
    Ino dir = ROOT_INO;
    klib::Optional<Ino> ino;
};

class RamFs {
public:
    // An empty file system: a root directory (mode 0755).
    static klib::Result<RamFs> create();

    // Adds one unpacked initramfs entry, as Linux's init/initramfs.c does:
    // its parent must exist (else the entry is skipped), an existing
    // directory keeps its contents and takes the new metadata, any other
    // existing name is replaced. The data is moved out of `file`.
    // Errors: NoMemory only (malformed entries are skipped).
    klib::Result<void> add(initramfs::File& file);

    // Looks `path` up from directory `start`. `follow_last`: follow a
    // symbolic link in the last component.
    klib::Result<Walk, Errno> walk(Ino start, klib::StringView path, bool follow_last) const;
    // As walk, but the last component must exist (ENOENT otherwise).
    klib::Result<Ino, Errno> resolve(Ino start, klib::StringView path, bool follow_last) const;

    bool is_dir(Ino ino) const;
    u32 mode(Ino ino) const;
    Stat stat(Ino ino) const;
    // Copies file bytes [offset, offset + out.size()) into `out`; returns
    // the count (0 at or past the end).
    usize read(Ino ino, u64 offset, klib::Span<u8> out) const;
    u64 size(Ino ino) const;
    // A symbolic link's target (InvalidArgument for other inodes).
    klib::Result<klib::String> link_target(Ino ino) const;
    // Entry `index` of a directory as getdents sees it: 0 is ".", 1 is "..",
    // then the names in creation order; none past the end.
    klib::Result<klib::Optional<DirentInfo>> dirent(Ino dir, u64 index) const;
    // The absolute path of a directory ("/" for the root).
    klib::Result<klib::String> path_of(Ino dir) const;

    usize inode_count() const { return inodes_.size(); }

private:
    RamFs() = default;
    klib::Result<Walk, Errno> walk_from(Ino start, klib::StringView path, bool follow_last,
                                        u32& links) const;
    klib::Optional<Ino> child(Ino dir, klib::StringView name) const;
    klib::Result<Ino> push_inode(Inode node);
    bool valid(Ino ino) const { return ino >= 1 && ino <= inodes_.size(); }

    klib::Vec<Inode> inodes_; // inode n is inodes_[n - 1]
};

} // namespace services::fs
