#include "rootfs.h"

#include "../fs/filesystems.h"
#include "../fs/tmpfs.h"

namespace services::init {

namespace {

using fs::Errno;

// A hard-link group seen so far (Linux's find_link table).
struct LinkRec {
    u32 dev_major = 0;
    u32 dev_minor = 0;
    u32 ino = 0;
    u32 mode = 0;
    klib::String name;
};

// Index of the first byte of `name` after leading "/" and "./" components
// (cpio names are relative to the root).
usize skip_leading(klib::StringView name) {
    usize i = 0;
    for (;;) {
        if (i < name.size() && name[i] == '/') {
            i += 1;
        } else if (i + 1 < name.size() && name[i] == '.' && name[i + 1] == '/') {
            i += 2;
        } else {
            return i;
        }
    }
}

klib::Result<void, Errno> set_meta(const fs::Inode& inode, const initramfs::Meta& m, bool chmod) {
    fs::SetAttr a;
    if (chmod) {
        a.mode = m.mode & 07777;
    }
    a.uid = m.uid;
    a.gid = m.gid;
    a.mtime = fs::Timespec{i64(m.mtime), 0};
    a.atime = fs::Timespec{i64(m.mtime), 0};
    return inode.set_attr(a);
}

// Linux's clean_path: removes an existing entry of another type.
void clean_path(const fs::FsContext& ctx, klib::StringView name, u32 type) {
    auto st = fs::resolve(ctx, ctx.root, name, false);
    if (st.is_err()) {
        return;
    }
    const u32 have = st.value()->inode->stat().type();
    if (have == type && type == fs::S_IFDIR) {
        return;
    }
    if (have == fs::S_IFDIR) {
        (void)fs::rmdir(ctx, ctx.root, name);
    } else {
        (void)fs::unlink(ctx, ctx.root, name);
    }
}

klib::Result<void, Errno> write_all(const fs::Inode& inode, klib::Span<const u8> data) {
    u64 done = 0;
    const usize n = TRY(inode.write_at(0, data.size(), [&](klib::Span<u8> out) -> klib::Result<void, Errno> {
        (void)klib::copy(out, data.subspan(usize(done), out.size()));
        done += out.size();
        return {};
    }));
    if (n != data.size()) {
        return Errno::ENOSPC;
    }
    return {};
}

// A directory's mtime, applied after the whole archive (adding entries
// changes it), as Linux's dir_add/dir_utime.
struct DirTime {
    klib::String name;
    u32 mtime = 0;
};

klib::Result<void, Errno> add_one(const fs::FsContext& ctx, initramfs::File& f,
                                  klib::Vec<LinkRec>& links, klib::Vec<DirTime>& dirs) {
    const klib::StringView full = f.name.view();
    const usize begin = skip_leading(full);
    usize end = full.size();
    while (end > begin && full[end - 1] == '/') {
        --end;
    }
    const klib::StringView name = full.substr(begin, end - begin);
    const u32 type = f.meta.mode & fs::S_IFMT;
    if (name.empty() || name == ".") {
        if (type == fs::S_IFDIR) {
            (void)set_meta(*ctx.root->inode, f.meta, true); // the archive's "." entry
        }
        return {};
    }
    if (type == fs::S_IFDIR) {
        auto r = fs::mknod(ctx, ctx.root, name, fs::S_IFDIR | (f.meta.mode & 07777), 0);
        if (r.is_err() && (r.error() == Errno::ENOMEM || r.error() == Errno::ENOSPC)) {
            return r.error();
        }
        auto node = fs::resolve(ctx, ctx.root, name, false);
        if (node.is_ok() && node.value()->inode->stat().is_dir()) {
            TRY(set_meta(*node.value()->inode, f.meta, true));
            auto owned = klib::String::from(name);
            if (owned.is_err() || dirs.try_push(DirTime{owned.release_value(), f.meta.mtime}).is_err()) {
                return Errno::ENOMEM;
            }
        }
        return {};
    }
    clean_path(ctx, name, type);
    if (type == fs::S_IFREG) {
        if (f.meta.nlink >= 2) {
            for (const LinkRec& l : links) {
                if (l.ino == f.meta.ino && l.dev_major == f.meta.dev_major &&
                    l.dev_minor == f.meta.dev_minor && l.mode == f.meta.mode) {
                    TRY(fs::link(ctx, ctx.root, l.name.view(), ctx.root, name, false));
                    auto node = TRY(fs::resolve(ctx, ctx.root, name, false));
                    if (!f.data.empty()) {
                        TRY(write_all(*node->inode, f.data.span().span()));
                    }
                    return {};
                }
            }
            auto owned = klib::String::from(name);
            if (owned.is_err() ||
                links.try_push(LinkRec{f.meta.dev_major, f.meta.dev_minor, f.meta.ino, f.meta.mode,
                                       owned.release_value()})
                    .is_err()) {
                return Errno::ENOMEM;
            }
        }
        auto file = fs::open(ctx, ctx.root, name, fs::O_WRONLY | fs::O_CREAT | fs::O_TRUNC,
                             f.meta.mode & 07777);
        if (file.is_err()) {
            if (file.error() == Errno::ENOMEM || file.error() == Errno::ENOSPC) {
                return file.error();
            }
            return {}; // e.g. the parent directory does not exist: skipped
        }
        klib::Arc<fs::Inode> inode = file.value()->inode().value().clone();
        TRY(write_all(*inode, f.data.span().span()));
        TRY(set_meta(*inode, f.meta, true));
        return {};
    }
    if (type == fs::S_IFLNK) {
        klib::String target;
        for (u8 b : f.data) {
            if (target.try_append(char(b)).is_err()) {
                return Errno::ENOMEM;
            }
        }
        if (fs::symlink(ctx, target.view(), ctx.root, name).is_ok()) {
            auto node = fs::resolve(ctx, ctx.root, name, false);
            if (node.is_ok()) {
                TRY(set_meta(*node.value()->inode, f.meta, false));
            }
        }
        return {};
    }
    if (type == fs::S_IFCHR || type == fs::S_IFBLK || type == fs::S_IFIFO || type == fs::S_IFSOCK) {
        const u64 rdev = fs::encode_dev(f.meta.rdev_major, f.meta.rdev_minor);
        if (fs::mknod(ctx, ctx.root, name, f.meta.mode, rdev).is_ok()) {
            auto node = fs::resolve(ctx, ctx.root, name, false);
            if (node.is_ok()) {
                TRY(set_meta(*node.value()->inode, f.meta, true));
            }
        }
    }
    return {};
}

} // namespace

klib::Result<klib::Arc<fs::Namespace>, fs::Errno> make_rootfs(u64 max_bytes) {
    auto tmp = fs::TmpFs::make(fs::next_anon_dev(), max_bytes, 0755);
    if (tmp.is_err()) {
        return Errno::ENOMEM;
    }
    auto ns = fs::Namespace::make(klib::Arc<fs::FileSystem>(tmp.release_value()), "rootfs", "rootfs");
    if (ns.is_err()) {
        return Errno::ENOMEM;
    }
    return ns.release_value();
}

klib::Result<void, fs::Errno> unpack_into(const fs::FsContext& ctx,
                                          klib::Vec<initramfs::File>& files) {
    klib::Vec<LinkRec> links;
    klib::Vec<DirTime> dirs;
    for (usize i = 0; i < files.size(); ++i) {
        auto r = add_one(ctx, files[i], links, dirs);
        // Malformed or conflicting entries are skipped, as Linux does;
        // running out of memory or space stops the unpacking.
        if (r.is_err() && (r.error() == Errno::ENOMEM || r.error() == Errno::ENOSPC)) {
            return r.error();
        }
    }
    for (const DirTime& d : dirs) {
        auto node = fs::resolve(ctx, ctx.root, d.name.view(), false);
        if (node.is_ok()) {
            fs::SetAttr a;
            a.mtime = fs::Timespec{i64(d.mtime), 0};
            (void)node.value()->inode->set_attr(a);
        }
    }
    return {};
}

} // namespace services::init
