#include "vfs.h"

#include "dcache.h"
#include "device.h"
#include "perm.h"
#include "pipe.h"

namespace services::fs {

namespace {

bool same_place(const klib::Arc<PathNode>& a, const klib::Arc<PathNode>& b) {
    return a->inode.ptr_eq(b->inode) && a->mount.ptr_eq(b->mount);
}

Last kind_of(klib::StringView name) {
    if (name.empty()) {
        return Last::Root;
    }
    if (name == ".") {
        return Last::Dot;
    }
    if (name == "..") {
        return Last::DotDot;
    }
    return Last::Normal;
}

klib::Result<klib::String, Errno> own(klib::StringView s) {
    auto r = klib::String::from(s);
    if (r.is_err()) {
        return Errno::ENOMEM;
    }
    return r.release_value();
}

bool read_only(const klib::Arc<PathNode>& node) {
    return (node->mount->flags & MS_RDONLY) != 0;
}

// One step from directory `cur` through `name`.
klib::Result<klib::Arc<PathNode>, Errno> step(const FsContext& fs, const klib::Arc<PathNode>& cur,
                                              klib::StringView name) {
    if (name == ".") {
        return cur.clone();
    }
    if (name == "..") {
        if (same_place(cur, fs.root) || !cur->parent.has_value()) {
            return cur.clone();
        }
        return cur->parent.value().clone();
    }
    if (name.size() > NAME_MAX) {
        return Errno::ENAMETOOLONG;
    }
    dcache::Probe seen = dcache::find(cur, name);
    if (seen.hit) {
        if (!seen.node.has_value()) {
            return Errno::ENOENT;
        }
        return klib::move(seen.node.value());
    }
    auto found = cur->inode->lookup(name);
    if (found.is_err()) {
        if (found.error() == Errno::ENOENT) {
            dcache::remember(seen.generation, cur, name, klib::none);
        }
        return found.error();
    }
    klib::Arc<Inode> child = found.release_value();
    klib::Optional<klib::Arc<PathNode>> covered = fs.ns->covering(cur->mount, child);
    if (covered.has_value()) {
        // Mounts stacked on the same point: the last one wins.
        klib::Arc<PathNode> top = klib::move(covered.value());
        for (;;) {
            klib::Optional<klib::Arc<PathNode>> above = fs.ns->covering(top->mount, top->inode);
            if (!above.has_value()) {
                dcache::remember(seen.generation, cur, name, top.clone());
                return top;
            }
            top = klib::move(above.value());
        }
    }
    klib::String n = TRY(own(name));
    auto node = klib::Arc<PathNode>::make(cur.clone(), klib::move(n), klib::move(child),
                                          cur->mount.clone());
    if (node.is_err()) {
        return Errno::ENOMEM;
    }
    dcache::remember(seen.generation, cur, name, node.value().clone());
    return node.release_value();
}

// A walk's outcome: the directory holding the last component, the node it
// names (none when only the last component is missing), its text and kind.
struct Walked {
    klib::Arc<PathNode> dir;
    klib::Optional<klib::Arc<PathNode>> node;
    klib::String last;
    Last kind = Last::Normal;
    bool trailing_slash = false;
};

klib::Result<void, Errno> may_search(const FsContext& fs, const klib::Arc<PathNode>& dir) {
    const Stat st = dir->inode->stat();
    if (!st.is_dir()) {
        return Errno::ENOTDIR;
    }
    if (!permitted(st, fs.cred, MAY_EXEC)) {
        return Errno::EACCES;
    }
    return {};
}

// Linux's path walk. `parent_only`: stop before the last component.
klib::Result<Walked, Errno> walk(const FsContext& fs, const klib::Arc<PathNode>& start,
                                 klib::StringView path, bool follow_last, bool parent_only,
                                 u32& links) {
    if (path.empty()) {
        return Errno::ENOENT;
    }
    if (path.size() >= PATH_MAX) {
        return Errno::ENAMETOOLONG;
    }
    klib::Arc<PathNode> cur = path.starts_with('/') ? fs.root.clone() : start.clone();
    usize pos = 0;
    for (;;) {
        while (pos < path.size() && path[pos] == '/') {
            ++pos;
        }
        usize end = pos;
        while (end < path.size() && path[end] != '/') {
            ++end;
        }
        usize rest = end;
        while (rest < path.size() && path[rest] == '/') {
            ++rest;
        }
        const klib::StringView name = path.substr(pos, end - pos);
        const bool last = rest == path.size();
        if (last) {
            // The last name's text is kept only for the name operations
            // (parent_only walks): a lookup allocates nothing for it.
            Walked w{cur.clone(), klib::none, klib::String(), kind_of(name), end < path.size()};
            if (parent_only) {
                w.last = TRY(own(name));
            }
            if (w.kind == Last::Root) {
                w.node = cur.clone();
                return w;
            }
            if (parent_only) {
                TRY(may_search(fs, cur));
                return w;
            }
            TRY(may_search(fs, cur));
            auto next = step(fs, cur, name);
            if (next.is_err()) {
                if (next.error() == Errno::ENOENT) {
                    return w;
                }
                return next.error();
            }
            klib::Arc<PathNode> n = next.release_value();
            if ((n->inode->stat().mode & S_IFMT) == S_IFLNK && (follow_last || w.trailing_slash)) {
                if (++links > MAX_SYMLINKS) {
                    return Errno::ELOOP;
                }
                klib::String target = TRY(n->inode->read_link());
                Walked sub = TRY(walk(fs, cur, target.view(), true, false, links));
                if (w.trailing_slash) {
                    sub.trailing_slash = true;
                }
                return sub;
            }
            w.node = klib::move(n);
            return w;
        }
        TRY(may_search(fs, cur));
        klib::Arc<PathNode> next = TRY(step(fs, cur, name));
        if ((next->inode->stat().mode & S_IFMT) == S_IFLNK) {
            if (++links > MAX_SYMLINKS) {
                return Errno::ELOOP;
            }
            klib::String target = TRY(next->inode->read_link());
            Walked sub = TRY(walk(fs, cur, target.view(), true, false, links));
            if (!sub.node.has_value()) {
                return Errno::ENOENT;
            }
            next = klib::move(sub.node.value());
        }
        cur = klib::move(next);
        pos = rest;
    }
}

klib::Result<Walked, Errno> walk_full(const FsContext& fs, const klib::Arc<PathNode>& base,
                                      klib::StringView path, bool follow_last) {
    u32 links = 0;
    return walk(fs, base, path, follow_last, false, links);
}

klib::Result<klib::Arc<PathNode>, Errno> existing(Walked& w) {
    if (!w.node.has_value()) {
        return Errno::ENOENT;
    }
    klib::Arc<PathNode> n = klib::move(w.node.value());
    if (w.trailing_slash && !n->inode->stat().is_dir()) {
        return Errno::ENOTDIR;
    }
    return n;
}

// The flags F_GETFL reports, as Linux keeps them in struct file.
u32 kept_flags(u32 flags) {
    if ((flags & O_PATH) != 0) {
        return (flags & (O_PATH | O_DIRECTORY | O_NOFOLLOW)) | O_LARGEFILE;
    }
    return (flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC)) | O_LARGEFILE;
}

klib::Result<klib::Arc<File>, Errno> file_of(klib::Arc<InodeFile> f) {
    return klib::Arc<File>(klib::move(f));
}

// The open file for a node of type `st.type()`: devices through the
// registry, files and directories of any file system as InodeFile.
klib::Result<klib::Arc<File>, Errno> new_file(const klib::Arc<PathNode>& node, const Stat& st,
                                              u32 flags) {
    const u32 type = st.type();
    if (type == S_IFCHR) {
        if ((node->mount->flags & MS_NODEV) != 0) {
            return Errno::EACCES;
        }
        return open_char_device(st.rdev, node->inode.clone(), kept_flags(flags));
    }
    if (type == S_IFIFO) {
        return open_fifo(node->inode, kept_flags(flags));
    }
    if (type == S_IFBLK || type == S_IFSOCK) {
        return Errno::ENXIO;
    }
    const u32 acc = flags & O_ACCMODE;
    if (type == S_IFREG && (flags & O_PATH) == 0 && (acc == O_WRONLY || acc == O_RDWR)) {
        // A running program cannot be opened for writing (ETXTBSY).
        WriteGuard w = TRY(get_write_access(st));
        auto wf = klib::Arc<InodeFile>::make(node->inode.clone(), kept_flags(flags), klib::move(w));
        if (wf.is_err()) {
            return Errno::ENOMEM;
        }
        return file_of(wf.release_value());
    }
    auto f = klib::Arc<InodeFile>::make(node->inode.clone(), kept_flags(flags));
    if (f.is_err()) {
        return Errno::ENOMEM;
    }
    return file_of(f.release_value());
}

klib::Result<klib::Arc<File>, Errno> do_open(const FsContext& fs, const klib::Arc<PathNode>& node,
                                             u32 flags, bool created) {
    const Stat st = node->inode->stat();
    const u32 type = st.type();
    const u32 acc = flags & O_ACCMODE;
    if ((flags & O_PATH) != 0) {
        if ((flags & O_DIRECTORY) != 0 && type != S_IFDIR) {
            return Errno::ENOTDIR;
        }
        auto f = klib::Arc<InodeFile>::make(node->inode.clone(), kept_flags(flags));
        if (f.is_err()) {
            return Errno::ENOMEM;
        }
        f.value()->set_path(node.clone());
        return file_of(f.release_value());
    }
    if ((flags & O_CREAT) != 0 && type == S_IFDIR) {
        return Errno::EISDIR;
    }
    if ((flags & O_DIRECTORY) != 0 && type != S_IFDIR) {
        return Errno::ENOTDIR;
    }
    if (type == S_IFLNK) {
        return Errno::ELOOP; // O_NOFOLLOW on a symbolic link
    }
    u32 may = 0;
    if (acc == O_RDONLY || acc == O_RDWR) {
        may |= MAY_READ;
    }
    if (acc == O_WRONLY || acc == O_RDWR || (flags & O_TRUNC) != 0) {
        may |= MAY_WRITE;
    }
    if (acc == 3) {
        may |= MAY_READ | MAY_WRITE; // Linux's "3": ioctl-only opens need both
    }
    if (type == S_IFDIR && (may & MAY_WRITE) != 0) {
        return Errno::EISDIR;
    }
    if (!created && !permitted(st, fs.cred, may)) {
        return Errno::EACCES;
    }
    if ((may & MAY_WRITE) != 0 && read_only(node) && (type == S_IFREG || type == S_IFDIR)) {
        return Errno::EROFS;
    }
    klib::Arc<File> file = TRY(new_file(node, st, flags));
    if ((flags & O_TRUNC) != 0 && type == S_IFREG && !created) {
        SetAttr a;
        a.size = u64(0);
        TRY(node->inode->set_attr(a));
    }
    file->set_path(node.clone());
    return file;
}

klib::Result<void, Errno> may_create(const FsContext& fs, const klib::Arc<PathNode>& dir) {
    const Stat st = dir->inode->stat();
    if (!permitted(st, fs.cred, MAY_WRITE | MAY_EXEC)) {
        return Errno::EACCES;
    }
    if (read_only(dir)) {
        return Errno::EROFS;
    }
    return {};
}

klib::Result<klib::Arc<File>, Errno> open_at(const FsContext& fs, const klib::Arc<PathNode>& base,
                                             klib::StringView path, u32 flags, u32 mode,
                                             u32& links) {
    const bool path_only = (flags & O_PATH) != 0;
    const bool creat = !path_only && (flags & O_CREAT) != 0;
    if (!creat) {
        Walked w = TRY(walk(fs, base, path, (flags & O_NOFOLLOW) == 0, false, links));
        klib::Arc<PathNode> node = TRY(existing(w));
        return do_open(fs, node, flags, false);
    }
    Walked w = TRY(walk(fs, base, path, false, true, links));
    if (w.kind != Last::Normal || w.trailing_slash) {
        return Errno::EISDIR;
    }
    auto found = step(fs, w.dir, w.last.view());
    if (found.is_err() && found.error() != Errno::ENOENT) {
        return found.error();
    }
    if (found.is_ok()) {
        if ((flags & O_EXCL) != 0) {
            return Errno::EEXIST;
        }
        klib::Arc<PathNode> node = found.release_value();
        if ((node->inode->stat().mode & S_IFMT) == S_IFLNK) {
            if ((flags & O_NOFOLLOW) != 0) {
                return Errno::ELOOP;
            }
            if (++links > MAX_SYMLINKS) {
                return Errno::ELOOP;
            }
            klib::String target = TRY(node->inode->read_link());
            return open_at(fs, w.dir, target.view(), flags, mode, links);
        }
        return do_open(fs, node, flags, false);
    }
    TRY(may_create(fs, w.dir));
    klib::Arc<Inode> inode =
        TRY(w.dir->inode->create(w.last.view(), S_IFREG | (mode & 07777 & ~fs.umask), fs.cred, 0));
    auto node = klib::Arc<PathNode>::make(w.dir.clone(), klib::move(w.last), klib::move(inode),
                                          w.dir->mount.clone());
    if (node.is_err()) {
        return Errno::ENOMEM;
    }
    return do_open(fs, node.value(), flags, true);
}

// The last component's node in `w.dir`, which must exist (ENOENT), not
// crossing a mount on it (unlink/rmdir/rename see the mountpoint: EBUSY).
klib::Result<klib::Arc<PathNode>, Errno> child_of(const FsContext&, const Walked& w) {
    if (w.last.size() > NAME_MAX) {
        return Errno::ENAMETOOLONG;
    }
    klib::Arc<Inode> child = TRY(w.dir->inode->lookup(w.last.view()));
    klib::String n = TRY(own(w.last.view()));
    auto node = klib::Arc<PathNode>::make(w.dir.clone(), klib::move(n), klib::move(child),
                                          w.dir->mount.clone());
    if (node.is_err()) {
        return Errno::ENOMEM;
    }
    return node.release_value();
}

bool is_ancestor(const klib::Arc<PathNode>& maybe_ancestor, const klib::Arc<PathNode>& node) {
    klib::Optional<klib::Arc<PathNode>> cur = node.clone();
    while (cur.has_value()) {
        klib::Arc<PathNode> c = klib::move(cur.value());
        if (same_place(c, maybe_ancestor)) {
            return true;
        }
        if (!c->parent.has_value()) {
            break;
        }
        cur = c->parent.value().clone();
    }
    return false;
}

} // namespace

// ---- Namespace ---------------------------------------------------------------

klib::Result<klib::Arc<Namespace>> Namespace::make(klib::Arc<FileSystem> rootfs,
                                                   klib::StringView source,
                                                   klib::StringView fstype) {
    klib::Arc<Namespace> ns = TRY(klib::Arc<Namespace>::make());
    klib::Arc<Inode> root = rootfs->root();
    klib::Arc<Mount> m = TRY(klib::Arc<Mount>::make(0, klib::move(rootfs), root.clone(),
                                                    TRY(klib::String::from(source)),
                                                    TRY(klib::String::from(fstype)), 0));
    klib::Arc<PathNode> node =
        TRY(klib::Arc<PathNode>::make(klib::none, TRY(klib::String::from("/")), klib::move(root), m.clone()));
    TRY(ns->mounts_.with([&](klib::Vec<Rec>& v) {
        return v.try_push(Rec{klib::move(m), klib::move(node), klib::none});
    }));
    return ns;
}

klib::Arc<PathNode> Namespace::root() const {
    return mounts_.with([](klib::Vec<Rec>& v) { return v[0].root.clone(); });
}

klib::Result<klib::Arc<PathNode>, Errno> Namespace::mount(const klib::Arc<PathNode>& at,
                                                          klib::Arc<FileSystem> fs,
                                                          klib::StringView source,
                                                          klib::StringView fstype,
                                                          u64 flags) const {
    if (!at->inode->stat().is_dir()) {
        return Errno::ENOTDIR;
    }
    const u64 id = next_id_.with([](u64& n) { return n++; });
    klib::Arc<Inode> root = fs->root();
    auto m = klib::Arc<Mount>::make(id, klib::move(fs), root.clone(), TRY(own(source)),
                                    TRY(own(fstype)), flags);
    if (m.is_err()) {
        return Errno::ENOMEM;
    }
    klib::String name = TRY(own(at->name.view()));
    klib::Optional<klib::Arc<PathNode>> up;
    if (at->parent.has_value()) {
        up = at->parent.value().clone();
    }
    auto node = klib::Arc<PathNode>::make(klib::move(up), klib::move(name), klib::move(root),
                                          m.value().clone());
    if (node.is_err()) {
        return Errno::ENOMEM;
    }
    klib::Arc<PathNode> result = node.value().clone();
    TRY(mounts_.with([&](klib::Vec<Rec>& v) -> klib::Result<void, Errno> {
        if (v.try_push(Rec{m.release_value(), node.release_value(), at.clone()}).is_err()) {
            return Errno::ENOMEM;
        }
        return {};
    }));
    dcache::names_changed(); // cached walks through `at` now lead into the mount
    return result;
}

klib::Result<void, Errno> Namespace::umount(const klib::Arc<PathNode>& at, bool detach,
                                           const klib::Arc<PathNode>& cwd) const {
    // Cached walks hold references to the mount (the busy check below counts
    // them) and lead into it: drop them before and after.
    dcache::names_changed();
    auto r = umount_locked(at, detach, cwd);
    dcache::names_changed();
    return r;
}

klib::Result<void, Errno> Namespace::umount_locked(const klib::Arc<PathNode>& at, bool detach,
                                                  const klib::Arc<PathNode>& cwd) const {
    return mounts_.with([&](klib::Vec<Rec>& v) -> klib::Result<void, Errno> {
        klib::Optional<usize> found;
        for (usize i = v.size(); i > 0 && !found.has_value(); --i) {
            if (v[i - 1].mount.ptr_eq(at->mount) && v[i - 1].root->inode.ptr_eq(at->inode)) {
                found = i - 1;
            }
        }
        if (!found.has_value()) {
            return Errno::EINVAL;
        }
        if (!v[found.value()].at.has_value()) {
            return Errno::EBUSY; // the namespace root
        }
        bool below = false;
        for (usize j = 0; j < v.size(); ++j) {
            if (v[j].at.has_value() && v[j].at.value()->mount.ptr_eq(at->mount)) {
                below = true;
            }
        }
        // Busy: mounts below, or references to the mount beyond the
        // table's two (open files' and cwds' paths), as Linux's mnt_count.
        if (!detach && (below || cwd->mount.ptr_eq(at->mount) ||
                        v[found.value()].mount.ref_count() > 2)) {
            return Errno::EBUSY;
        }
        // Lazy unmount (MNT_DETACH) also detaches everything below.
        klib::Arc<Mount> gone = v[found.value()].mount.clone();
        (void)v.remove(found.value());
        bool again = detach;
        while (again) {
            again = false;
            for (usize j = 0; j < v.size() && !again; ++j) {
                if (v[j].at.has_value() && v[j].at.value()->mount.ptr_eq(gone)) {
                    (void)v.remove(j);
                    again = true;
                }
            }
        }
        return {};
    });
}

klib::Optional<klib::Arc<PathNode>> Namespace::covering(const klib::Arc<Mount>& mount,
                                                        const klib::Arc<Inode>& inode) const {
    return mounts_.with([&](klib::Vec<Rec>& v) -> klib::Optional<klib::Arc<PathNode>> {
        // The last mount on a point hides the earlier ones.
        for (usize i = v.size(); i > 0; --i) {
            const Rec& r = v[i - 1];
            if (r.at.has_value() && r.at.value()->mount.ptr_eq(mount) &&
                r.at.value()->inode.ptr_eq(inode)) {
                return r.root.clone();
            }
        }
        return klib::none;
    });
}

bool Namespace::is_mountpoint(const klib::Arc<PathNode>& node) const {
    return mounts_.with([&](klib::Vec<Rec>& v) {
        for (const Rec& r : v) {
            if (r.at.has_value() && r.at.value()->mount.ptr_eq(node->mount) &&
                r.at.value()->inode.ptr_eq(node->inode)) {
                return true;
            }
            if (r.at.has_value() && r.root->mount.ptr_eq(node->mount) && r.root->inode.ptr_eq(node->inode)) {
                return true; // the root of a mount
            }
        }
        return false;
    });
}

klib::Result<klib::Vec<MountInfo>, Errno> Namespace::mounts() const {
    klib::Vec<klib::Arc<PathNode>> roots;
    klib::Vec<klib::Arc<Mount>> ms;
    TRY(mounts_.with([&](klib::Vec<Rec>& v) -> klib::Result<void, Errno> {
        for (const Rec& r : v) {
            if (roots.try_push(r.root.clone()).is_err() || ms.try_push(r.mount.clone()).is_err()) {
                return Errno::ENOMEM;
            }
        }
        return {};
    }));
    klib::Vec<MountInfo> out;
    for (usize i = 0; i < roots.size(); ++i) {
        // The path from the namespace root (mount points are named by the
        // chain of their roots).
        klib::Vec<klib::Arc<PathNode>> chain;
        klib::Optional<klib::Arc<PathNode>> cur = roots[i].clone();
        while (cur.has_value()) {
            klib::Arc<PathNode> c = klib::move(cur.value());
            if (!c->parent.has_value()) {
                break;
            }
            cur = c->parent.value().clone();
            if (chain.try_push(klib::move(c)).is_err()) {
                return Errno::ENOMEM;
            }
        }
        MountInfo info;
        for (usize j = chain.size(); j > 0; --j) {
            if (info.path.try_append('/').is_err() ||
                info.path.try_append(chain[j - 1]->name.view()).is_err()) {
                return Errno::ENOMEM;
            }
        }
        if (info.path.empty() && info.path.try_append('/').is_err()) {
            return Errno::ENOMEM;
        }
        info.source = TRY(own(ms[i]->source.view()));
        info.fstype = TRY(own(ms[i]->fstype.view()));
        info.flags = ms[i]->flags;
        info.is_root = i == 0;
        TRY(ms[i]->fs->show_options(info.options));
        if (out.try_push(klib::move(info)).is_err()) {
            return Errno::ENOMEM;
        }
    }
    return out;
}

// ---- lookups -------------------------------------------------------------------

klib::Result<klib::Arc<PathNode>, Errno> resolve(const FsContext& fs, const klib::Arc<PathNode>& base,
                                                 klib::StringView path, bool follow_last) {
    Walked w = TRY(walk_full(fs, base, path, follow_last));
    return existing(w);
}

klib::Result<ParentLookup, Errno> resolve_parent(const FsContext& fs,
                                                 const klib::Arc<PathNode>& base,
                                                 klib::StringView path) {
    u32 links = 0;
    Walked w = TRY(walk(fs, base, path, false, true, links));
    return ParentLookup{klib::move(w.dir), klib::move(w.last), w.kind, w.trailing_slash};
}

klib::Result<klib::String, Errno> path_string(const FsContext& fs, const klib::Arc<PathNode>& node) {
    klib::Vec<klib::Arc<PathNode>> chain;
    klib::Optional<klib::Arc<PathNode>> cur = node.clone();
    while (cur.has_value()) {
        klib::Arc<PathNode> c = klib::move(cur.value());
        if (same_place(c, fs.root) || !c->parent.has_value()) {
            break;
        }
        cur = c->parent.value().clone();
        if (chain.try_push(klib::move(c)).is_err()) {
            return Errno::ENOMEM;
        }
    }
    klib::String out;
    for (usize i = chain.size(); i > 0; --i) {
        if (out.try_append('/').is_err() || out.try_append(chain[i - 1]->name.view()).is_err()) {
            return Errno::ENOMEM;
        }
    }
    if (out.empty() && out.try_append('/').is_err()) {
        return Errno::ENOMEM;
    }
    return out;
}

klib::Result<void, Errno> check_permission(const FsContext& fs, const Inode& inode, u32 may) {
    if (!permitted(inode.stat(), fs.cred, may)) {
        return Errno::EACCES;
    }
    return {};
}

// ---- open and the name operations ------------------------------------------------

klib::Result<klib::Arc<File>, Errno> open(const FsContext& fs, const klib::Arc<PathNode>& base,
                                          klib::StringView path, u32 flags, u32 mode) {
    if (path.empty()) {
        return Errno::ENOENT;
    }
    if ((flags & O_TMPFILE) == O_TMPFILE) {
        return Errno::EOPNOTSUPP;
    }
    u32 links = 0;
    return open_at(fs, base, path, flags, mode, links);
}

klib::Result<klib::Arc<File>, Errno> open_node(const FsContext& fs, const klib::Arc<PathNode>& node,
                                               u32 flags) {
    return do_open(fs, node, flags, false);
}

klib::Result<void, Errno> mknod(const FsContext& fs, const klib::Arc<PathNode>& base,
                                klib::StringView path, u32 mode, u64 rdev) {
    u32 links = 0;
    Walked w = TRY(walk(fs, base, path, false, true, links));
    const bool is_dir = (mode & S_IFMT) == S_IFDIR;
    if (w.kind != Last::Normal) {
        return Errno::EEXIST;
    }
    auto found = child_of(fs, w);
    if (found.is_ok()) {
        return Errno::EEXIST;
    }
    if (found.error() != Errno::ENOENT) {
        return found.error();
    }
    if (w.trailing_slash && !is_dir) {
        return Errno::ENOENT;
    }
    TRY(may_create(fs, w.dir));
    const u32 type = mode & S_IFMT;
    if ((type == S_IFCHR || type == S_IFBLK) && !fs.cred.fs_capable()) {
        return Errno::EPERM; // CAP_MKNOD
    }
    const u32 perm = mode & 07777 & ~fs.umask;
    TRY(w.dir->inode->create(w.last.view(), (mode & S_IFMT) | perm, fs.cred, rdev));
    return {};
}

klib::Result<void, Errno> symlink(const FsContext& fs, klib::StringView target,
                                  const klib::Arc<PathNode>& base, klib::StringView path) {
    if (target.empty()) {
        return Errno::ENOENT;
    }
    u32 links = 0;
    Walked w = TRY(walk(fs, base, path, false, true, links));
    if (w.kind != Last::Normal) {
        return Errno::EEXIST;
    }
    auto found = child_of(fs, w);
    if (found.is_ok()) {
        return Errno::EEXIST;
    }
    if (found.error() != Errno::ENOENT) {
        return found.error();
    }
    if (w.trailing_slash) {
        return Errno::ENOENT;
    }
    TRY(may_create(fs, w.dir));
    TRY(w.dir->inode->symlink(w.last.view(), target, fs.cred));
    return {};
}

klib::Result<void, Errno> link(const FsContext& fs, const klib::Arc<PathNode>& old_base,
                               klib::StringView old_path, const klib::Arc<PathNode>& new_base,
                               klib::StringView new_path, bool follow) {
    klib::Arc<PathNode> old = TRY(resolve(fs, old_base, old_path, follow));
    return link_node(fs, old, new_base, new_path);
}

klib::Result<void, Errno> link_node(const FsContext& fs, const klib::Arc<PathNode>& old,
                                    const klib::Arc<PathNode>& new_base, klib::StringView new_path) {
    u32 links = 0;
    Walked w = TRY(walk(fs, new_base, new_path, false, true, links));
    if (w.kind != Last::Normal) {
        return Errno::EEXIST;
    }
    if (!w.dir->mount.ptr_eq(old->mount)) {
        return Errno::EXDEV;
    }
    auto found = child_of(fs, w);
    if (found.is_ok()) {
        return Errno::EEXIST;
    }
    if (found.error() != Errno::ENOENT) {
        return found.error();
    }
    if (w.trailing_slash) {
        return Errno::ENOENT;
    }
    TRY(may_link(old->inode->stat(), fs.cred));
    TRY(may_create(fs, w.dir));
    if (old->inode->stat().is_dir()) {
        return Errno::EPERM;
    }
    TRY(w.dir->inode->link(w.last.view(), old->inode));
    return {};
}

klib::Result<void, Errno> unlink(const FsContext& fs, const klib::Arc<PathNode>& base,
                                 klib::StringView path) {
    u32 links = 0;
    Walked w = TRY(walk(fs, base, path, false, true, links));
    if (w.kind != Last::Normal) {
        return Errno::EISDIR;
    }
    klib::Arc<PathNode> victim = TRY(child_of(fs, w));
    const Stat st = victim->inode->stat();
    if (w.trailing_slash) {
        return st.is_dir() ? Errno::EISDIR : Errno::ENOTDIR;
    }
    TRY(may_create(fs, w.dir));
    TRY(check_sticky(w.dir->inode->stat(), st, fs.cred));
    if (st.is_dir()) {
        return Errno::EISDIR;
    }
    if (fs.ns->is_mountpoint(victim)) {
        return Errno::EBUSY;
    }
    return w.dir->inode->unlink(w.last.view());
}

klib::Result<void, Errno> rmdir(const FsContext& fs, const klib::Arc<PathNode>& base,
                                klib::StringView path) {
    u32 links = 0;
    Walked w = TRY(walk(fs, base, path, false, true, links));
    if (w.kind == Last::DotDot) {
        return Errno::ENOTEMPTY;
    }
    if (w.kind == Last::Dot) {
        return Errno::EINVAL;
    }
    if (w.kind == Last::Root) {
        return Errno::EBUSY;
    }
    klib::Arc<PathNode> victim = TRY(child_of(fs, w));
    TRY(may_create(fs, w.dir));
    TRY(check_sticky(w.dir->inode->stat(), victim->inode->stat(), fs.cred));
    if (!victim->inode->stat().is_dir()) {
        return Errno::ENOTDIR;
    }
    if (fs.ns->is_mountpoint(victim)) {
        return Errno::EBUSY;
    }
    return w.dir->inode->rmdir(w.last.view());
}

klib::Result<void, Errno> rename(const FsContext& fs, const klib::Arc<PathNode>& old_base,
                                 klib::StringView old_path, const klib::Arc<PathNode>& new_base,
                                 klib::StringView new_path, u32 flags) {
    if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) != 0 ||
        ((flags & RENAME_NOREPLACE) != 0 && (flags & RENAME_EXCHANGE) != 0) ||
        ((flags & RENAME_WHITEOUT) != 0 && (flags & RENAME_EXCHANGE) != 0)) {
        return Errno::EINVAL;
    }
    if ((flags & RENAME_WHITEOUT) != 0) {
        return Errno::EINVAL; // tmpfs would need whiteout char devices
    }
    u32 links = 0;
    Walked from = TRY(walk(fs, old_base, old_path, false, true, links));
    links = 0;
    Walked to = TRY(walk(fs, new_base, new_path, false, true, links));
    if (!from.dir->mount.ptr_eq(to.dir->mount)) {
        return Errno::EXDEV;
    }
    if (from.kind != Last::Normal) {
        return Errno::EBUSY;
    }
    if (to.kind != Last::Normal) {
        return (flags & RENAME_NOREPLACE) != 0 ? Errno::EEXIST : Errno::EBUSY;
    }
    if (read_only(from.dir)) {
        return Errno::EROFS;
    }
    return fs.ns->with_rename_lock([&]() -> klib::Result<void, Errno> {
        klib::Arc<PathNode> old = TRY(child_of(fs, from));
        auto target = child_of(fs, to);
        if (target.is_err() && target.error() != Errno::ENOENT) {
            return target.error();
        }
        const bool old_dir = old->inode->stat().is_dir();
        if ((flags & RENAME_EXCHANGE) != 0) {
            if (target.is_err()) {
                return Errno::ENOENT;
            }
        } else if (target.is_ok() && (flags & RENAME_NOREPLACE) != 0) {
            return Errno::EEXIST;
        }
        if (!old_dir) {
            if (from.trailing_slash) {
                return Errno::ENOTDIR;
            }
            if (to.trailing_slash &&
                ((flags & RENAME_EXCHANGE) == 0 || !target.value()->inode->stat().is_dir())) {
                return Errno::ENOTDIR;
            }
        }
        // The source may not be an ancestor of the target's directory.
        if (is_ancestor(old, to.dir)) {
            return Errno::EINVAL;
        }
        if (target.is_ok() && is_ancestor(target.value(), from.dir)) {
            return (flags & RENAME_EXCHANGE) != 0 ? Errno::EINVAL : Errno::ENOTEMPTY;
        }
        TRY(may_create(fs, from.dir));
        TRY(check_sticky(from.dir->inode->stat(), old->inode->stat(), fs.cred));
        TRY(may_create(fs, to.dir));
        if (target.is_ok()) {
            TRY(check_sticky(to.dir->inode->stat(), target.value()->inode->stat(), fs.cred));
        }
        if (fs.ns->is_mountpoint(old) || (target.is_ok() && fs.ns->is_mountpoint(target.value()))) {
            return Errno::EBUSY;
        }
        return from.dir->inode->rename(from.last.view(), to.dir->inode, to.last.view(), flags);
    });
}

} // namespace services::fs
