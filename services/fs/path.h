// Where a path lookup is: a mount and an inode in it, with the chain of
// names that led there (Linux's struct path plus its dentries' names).
// ".." follows the chain (so it crosses back over mount points and stays
// at the process root), getcwd and /proc/self/fd print it.
#pragma once

#include "inode.h"
#include <klib/arc.h>
#include <klib/optional.h>
#include <klib/string.h>

namespace services::fs {

struct Mount;

struct PathNode {
    PathNode(klib::Optional<klib::Arc<PathNode>> up, klib::String n, klib::Arc<Inode> i,
             klib::Arc<Mount> m)
        : parent(klib::move(up)), name(klib::move(n)), inode(klib::move(i)), mount(klib::move(m)) {}

    klib::Optional<klib::Arc<PathNode>> parent; // none at the namespace root
    klib::String name;                          // the component that named it
    klib::Arc<Inode> inode;
    klib::Arc<Mount> mount;
};

// One mounted file system.
struct Mount {
    Mount(u64 i, klib::Arc<FileSystem> f, klib::Arc<Inode> r, klib::String s, klib::String t,
          u64 fl)
        : id(i), cache_names(f->caches_names()), fs(klib::move(f)), root(klib::move(r)),
          source(klib::move(s)), fstype(klib::move(t)), flags(fl) {}

    u64 id;
    bool cache_names; // path walks may cache lookups in it (dcache.h)
    klib::Arc<FileSystem> fs;
    klib::Arc<Inode> root;
    klib::String source; // as /proc/mounts shows it
    klib::String fstype;
    u64 flags; // MS_RDONLY, ...
};

} // namespace services::fs
