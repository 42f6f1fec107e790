#include "tmpfs.h"

#include "dcache.h"

#include <keel/time.h>

namespace services::fs {

namespace {

constexpr u64 BOGO_DIRENT_SIZE = 20; // tmpfs reports directory sizes in these
constexpr u64 MAX_FILE_SIZE = u64(1) << 43; // far beyond any RAM we have
constexpr klib::Array<u8, PAGE_SIZE> ZERO_PAGE{};

// FNV-1a over the name.
u64 hash_name(klib::StringView s) {
    u64 h = 14695981039346656037ull;
    for (char c : s) {
        h = (h ^ u8(c)) * 1099511628211ull;
    }
    return h;
}

// Room for one more element, growing geometrically (try_reserve(n) makes
// exactly n, which would copy the whole vector on every insert).
template <typename T>
klib::Result<void> reserve_one(klib::Vec<T>& v) {
    if (v.capacity() > v.size()) {
        return {};
    }
    return v.try_reserve(v.size() < 4 ? 8 : v.size() * 2);
}

u64 pages_for(u64 size) {
    return (size + PAGE_SIZE - 1) / PAGE_SIZE;
}

} // namespace

Timespec now() {
    const u64 ns = keel::monotonic_ns();
    return Timespec{i64(ns / NSEC_PER_SEC), i64(ns % NSEC_PER_SEC)};
}

// ---- TmpShared ---------------------------------------------------------------

klib::Result<void, Errno> TmpShared::charge_pages(u64 n) const {
    const u64 max = max_pages_;
    return usage_.with([n, max](Usage& u) -> klib::Result<void, Errno> {
        if (n > max || u.pages > max - n) {
            return Errno::ENOSPC;
        }
        u.pages += n;
        return {};
    });
}

klib::Result<void> TmpShared::charge(u64 pages) const {
    if (charge_pages(pages).is_err()) {
        return klib::Err(klib::Error::NoSpace);
    }
    return {};
}

void TmpShared::release_pages(u64 n) const {
    usage_.with([n](Usage& u) { u.pages = u.pages >= n ? u.pages - n : 0; });
}

klib::Result<u64, Errno> TmpShared::charge_inode() const {
    const u64 max = max_inodes_;
    return usage_.with([max](Usage& u) -> klib::Result<u64, Errno> {
        if (u.inodes >= max) {
            return Errno::ENOSPC;
        }
        u.inodes += 1;
        return u.next_ino++;
    });
}

void TmpShared::release_inode() const {
    usage_.with([](Usage& u) { u.inodes = u.inodes > 0 ? u.inodes - 1 : 0; });
}

StatFs TmpShared::statfs() const {
    const u64 max_pages = max_pages_;
    const u64 max_inodes = max_inodes_;
    const u64 magic = magic_;
    return usage_.with([max_pages, max_inodes, magic](Usage& u) {
        StatFs s;
        s.type = magic;
        s.blocks = max_pages;
        s.bfree = max_pages - u.pages;
        s.bavail = s.bfree;
        s.files = max_inodes;
        s.ffree = max_inodes - u.inodes;
        return s;
    });
}

// ---- TmpFs ------------------------------------------------------------------

klib::Result<klib::Arc<TmpFs>> TmpFs::make(u64 dev, u64 max_bytes, u32 root_mode, u64 max_inodes,
                                           u64 magic) {
    const u64 max_pages = (max_bytes + PAGE_SIZE - 1) / PAGE_SIZE;
    if (max_inodes == 0) {
        max_inodes = max_pages / 2 + 64;
    }
    klib::Arc<TmpShared> shared = TRY(klib::Arc<TmpShared>::make(dev, max_pages, max_inodes, magic));
    auto ino = shared->charge_inode();
    if (ino.is_err()) {
        return klib::Err(klib::Error::NoSpace);
    }
    Cred root;
    klib::Arc<TmpInode> dir =
        TRY(klib::Arc<TmpInode>::make(shared.clone(), ino.value(), S_IFDIR | (root_mode & 07777),
                                      root, 0, klib::Optional<klib::Arc<mm::PageCache>>()));
    return klib::Arc<TmpFs>::make(klib::move(shared), klib::move(dir));
}

klib::Result<void, Errno> TmpFs::show_options(klib::String& out) const {
    return shown_.with([&](klib::String& s) -> klib::Result<void, Errno> {
        if (out.try_append(s.view()).is_err()) {
            return Errno::ENOMEM;
        }
        return {};
    });
}

// ---- TmpInode: metadata -----------------------------------------------------------

TmpInode::TmpInode(klib::Arc<TmpShared> fs, u64 ino, u32 mode, const Cred& cred, u64 rdev,
                   klib::Optional<klib::Arc<mm::PageCache>> cache)
    : fs_(klib::move(fs)), ino_(ino), type_(mode & S_IFMT), meta_(Meta{}),
      cache_(klib::move(cache)), dir_(Dir{}), target_() {
    const Timespec t = now();
    meta_.with([&](Meta& m) {
        m.mode = mode;
        m.uid = cred.fsuid;
        m.gid = cred.fsgid;
        m.rdev = rdev;
        m.nlink = (mode & S_IFMT) == S_IFDIR ? 2 : 1;
        m.size = (mode & S_IFMT) == S_IFDIR ? 2 * BOGO_DIRENT_SIZE : 0;
        m.parent_ino = ino;
        m.atime = t;
        m.mtime = t;
        m.ctime = t;
    });
}

// The pages go with the cache: when the last mapping of the file goes too
// (their charge is released then).
TmpInode::~TmpInode() {
    fs_->release_inode();
}

klib::Optional<klib::Arc<mm::PageCache>> TmpInode::page_cache() const {
    if (!cache_.has_value()) {
        return klib::none;
    }
    return cache_.value().clone();
}

Stat TmpInode::stat() const {
    const u64 dev = fs_->dev();
    const u64 ino = ino_;
    const u64 used = cache_.has_value() ? u64(cache_.value()->cached()) : 0;
    const klib::Optional<u64> file_size =
        cache_.has_value() ? klib::Optional<u64>(cache_.value()->size()) : klib::Optional<u64>();
    return meta_.with([dev, ino, used, file_size](Meta& m) {
        Stat st;
        st.dev = dev;
        st.ino = ino;
        st.mode = m.mode;
        st.nlink = m.nlink;
        st.uid = m.uid;
        st.gid = m.gid;
        st.rdev = m.rdev;
        st.size = file_size.has_value() ? file_size.value() : m.size;
        st.blocks = used * (PAGE_SIZE / 512);
        st.atime = m.atime;
        st.mtime = m.mtime;
        st.ctime = m.ctime;
        return st;
    });
}

klib::Result<void, Errno> TmpInode::set_attr(const SetAttr& attr) const {
    if (attr.size.has_value()) {
        if (type_ == S_IFDIR) {
            return Errno::EISDIR;
        }
        if (type_ != S_IFREG) {
            return Errno::EINVAL;
        }
        const u64 size = attr.size.value();
        if (size > MAX_FILE_SIZE) {
            return Errno::EFBIG;
        }
        // Drop whole pages past the end, zero the tail of the last one.
        cache_.value()->truncate(size);
    }
    const Timespec t = now();
    meta_.with([&](Meta& m) {
        if (attr.mode.has_value()) {
            m.mode = (m.mode & S_IFMT) | (attr.mode.value() & 07777);
        }
        if (attr.uid.has_value()) {
            m.uid = attr.uid.value();
        }
        if (attr.gid.has_value()) {
            m.gid = attr.gid.value();
        }
        // chown drops set-user-ID, and set-group-ID when group-executable
        // (Linux's notify_change/should_remove_suid), except on directories.
        if (attr.kill_suid && (m.mode & S_IFMT) != S_IFDIR) {
            m.mode &= ~S_ISUID;
            if ((m.mode & 0010) != 0) {
                m.mode &= ~S_ISGID;
            }
        }
        if (attr.size.has_value()) {
            m.size = attr.size.value();
            m.mtime = t;
        }
        if (attr.atime.has_value()) {
            m.atime = attr.atime.value();
        }
        if (attr.mtime.has_value()) {
            m.mtime = attr.mtime.value();
        }
        m.ctime = t;
    });
    return {};
}

// ---- TmpInode: file data -----------------------------------------------------------

klib::Result<usize, Errno> TmpInode::read_at(u64 off, u64 len, ReadSink sink) const {
    if (type_ == S_IFDIR) {
        return Errno::EISDIR;
    }
    if (type_ != S_IFREG) {
        return Errno::EINVAL;
    }
    // Page by page from the cache, with no lock held while the sink copies
    // (it may fault in a mapping of this very file).
    const mm::PageCache& cache = *cache_.value();
    const u64 size = cache.size();
    if (off >= size) {
        return usize(0);
    }
    const u64 end = len > size - off ? size : off + len;
    u64 pos = off;
    while (pos < end) {
        const u64 index = pos / PAGE_SIZE;
        const u64 in_page = pos % PAGE_SIZE;
        const u64 n = klib::min(PAGE_SIZE - in_page, end - pos);
        klib::Result<void, Errno> put = klib::Result<void, Errno>();
        klib::Optional<keel::Frame> frame = cache.peek(index);
        if (frame.has_value()) {
            (void)frame.value().lend(usize(in_page), usize(n),
                                     [&](klib::Span<const u8> bytes) { put = sink(bytes); });
        } else {
            put = sink(ZERO_PAGE.span().first(usize(n)));
        }
        if (put.is_err()) {
            if (pos > off) {
                break;
            }
            return put.error();
        }
        pos += n;
    }
    const Timespec t = now();
    meta_.with([t](Meta& m) { m.atime = t; });
    return usize(pos - off);
}

klib::Result<usize, Errno> TmpInode::write_at(u64 off, u64 len, WriteSource source) const {
    if (type_ == S_IFDIR) {
        return Errno::EISDIR;
    }
    if (type_ != S_IFREG) {
        return Errno::EINVAL;
    }
    if (len == 0) {
        return usize(0);
    }
    if (off >= MAX_FILE_SIZE) {
        return Errno::EFBIG;
    }
    if (len > MAX_FILE_SIZE - off) {
        len = MAX_FILE_SIZE - off;
    }
    // Straight into the cache's frames: every mapping sees the bytes.
    const mm::PageCache& cache = *cache_.value();
    u64 pos = off;
    const u64 end = off + len;
    klib::Optional<Errno> failure;
    while (pos < end) {
        const u64 index = pos / PAGE_SIZE;
        const u64 in_page = pos % PAGE_SIZE;
        const u64 n = klib::min(PAGE_SIZE - in_page, end - pos);
        auto frame = cache.page_to_write(index);
        if (frame.is_err()) {
            failure = frame.error() == klib::Error::NoSpace ? Errno::ENOSPC : Errno::ENOMEM;
            break;
        }
        klib::Result<void, Errno> got = klib::Result<void, Errno>();
        (void)frame.value().lend_mut(usize(in_page), usize(n),
                                     [&](klib::Span<u8> dst) { got = source(dst); });
        if (got.is_err()) {
            failure = got.error();
            break;
        }
        pos += n;
        cache.extend(pos);
    }
    if (pos == off && failure.has_value()) {
        return failure.value();
    }
    const Timespec t = now();
    meta_.with([t](Meta& m) {
        m.mtime = t;
        m.ctime = t;
    });
    return usize(pos - off);
}

klib::Result<u64, Errno> TmpInode::seek_data(u64 off, bool hole) const {
    if (type_ != S_IFREG) {
        return Inode::seek_data(off, hole);
    }
    const mm::PageCache& cache = *cache_.value();
    const u64 size = cache.size();
    if (off >= size) {
        return Errno::ENXIO;
    }
    if (!hole) {
        // The first page held at or after `off`.
        klib::Optional<u64> next = cache.next_held(off / PAGE_SIZE);
        if (!next.has_value()) {
            return Errno::ENXIO;
        }
        const u64 at = next.value() * PAGE_SIZE;
        if (at <= off) {
            return off;
        }
        if (at >= size) {
            return Errno::ENXIO;
        }
        return at;
    }
    for (u64 pos = off; pos < size; pos = (pos / PAGE_SIZE + 1) * PAGE_SIZE) {
        if (!cache.has(pos / PAGE_SIZE)) {
            return pos;
        }
    }
    return size; // the implicit hole at the end
}

klib::Result<void, Errno> TmpInode::fallocate(u64 off, u64 len) const {
    if (type_ == S_IFDIR) {
        return Errno::EISDIR;
    }
    if (type_ != S_IFREG) {
        return Errno::ENODEV;
    }
    if (off > MAX_FILE_SIZE || len > MAX_FILE_SIZE - off) {
        return Errno::EFBIG;
    }
    const mm::PageCache& cache = *cache_.value();
    const u64 end = off + len;
    for (u64 index = off / PAGE_SIZE; index < pages_for(end); ++index) {
        auto frame = cache.page_to_write(index);
        if (frame.is_err()) {
            return frame.error() == klib::Error::NoSpace ? Errno::ENOSPC : Errno::ENOMEM;
        }
    }
    cache.extend(end);
    const Timespec t = now();
    meta_.with([t](Meta& m) { m.ctime = t; });
    return {};
}

// ---- TmpInode: directories ---------------------------------------------------------

klib::Optional<usize> TmpInode::find(const Dir& d, klib::StringView name) {
    if (d.buckets.empty()) {
        return klib::none;
    }
    const usize b = usize(hash_name(name) % d.buckets.size());
    for (u32 i : d.buckets[b]) {
        const klib::Optional<Entry>& e = d.entries[i];
        if (e.has_value() && e.value().name == name) {
            return usize(i);
        }
    }
    return klib::none;
}

klib::Result<void, Errno> TmpInode::grow_buckets(Dir& d) {
    const usize want = d.buckets.empty() ? 8 : d.buckets.size() * 2;
    klib::Vec<klib::Vec<u32>> fresh;
    if (fresh.try_reserve(want).is_err()) {
        return Errno::ENOMEM;
    }
    for (usize i = 0; i < want; ++i) {
        (void)fresh.try_push(klib::Vec<u32>()); // reserved
    }
    for (usize i = 0; i < d.entries.size(); ++i) {
        const klib::Optional<Entry>& e = d.entries[i];
        if (!e.has_value()) {
            continue;
        }
        const usize b = usize(hash_name(e.value().name.view()) % want);
        if (fresh[b].try_push(u32(i)).is_err()) {
            return Errno::ENOMEM;
        }
    }
    d.buckets = klib::move(fresh);
    return {};
}

klib::Result<void, Errno> TmpInode::insert(Dir& d, klib::StringView name,
                                           klib::Arc<TmpInode> inode) {
    if (d.entries.size() >= 0xffffff00u) {
        return Errno::ENOSPC;
    }
    if (d.buckets.empty() || d.live + 1 > d.buckets.size() * 2) {
        TRY(grow_buckets(d));
    }
    auto owned = klib::String::from(name);
    if (owned.is_err()) {
        return Errno::ENOMEM;
    }
    const usize b = usize(hash_name(name) % d.buckets.size());
    if (reserve_one(d.buckets[b]).is_err() || reserve_one(d.entries).is_err()) {
        return Errno::ENOMEM;
    }
    (void)d.buckets[b].try_push(u32(d.entries.size())); // reserved
    (void)d.entries.try_push(Entry{owned.release_value(), klib::move(inode)});
    d.live += 1;
    return {};
}

klib::Arc<TmpInode> TmpInode::remove_at(Dir& d, usize index, klib::StringView name) {
    const usize b = usize(hash_name(name) % d.buckets.size());
    {
        klib::Vec<u32>& bucket = d.buckets[b];
        for (usize i = 0; i < bucket.size(); ++i) {
            if (bucket[i] == u32(index)) {
                (void)bucket.remove(i);
                break;
            }
        }
    }
    klib::Optional<Entry> taken = klib::move(d.entries[index]);
    d.entries[index] = klib::none;
    d.live -= 1;
    if (d.live == 0) {
        // Nothing left: positions restart (no cursor can be inside).
        d.entries.clear();
        for (usize i = 0; i < d.buckets.size(); ++i) {
            d.buckets[i].clear();
        }
    }
    return klib::move(taken.value().inode);
}

bool TmpInode::dir_empty() const {
    return dir_.with([](Dir& d) { return d.live == 0; });
}

usize TmpInode::entry_count() const {
    return dir_.with([](Dir& d) { return d.live; });
}

// Called after every change of a name in this directory (create, link,
// symlink, unlink, rmdir, rename), with no lock held: path walks drop what
// they cached (dcache.h).
void TmpInode::touch_dir_changed() const {
    const Timespec t = now();
    meta_.with([t](Meta& m) {
        m.mtime = t;
        m.ctime = t;
    });
    dcache::names_changed();
}

void TmpInode::adjust_nlink(i32 delta) const {
    const Timespec t = now();
    meta_.with([delta, t](Meta& m) {
        if (delta < 0 && m.nlink < u32(-delta)) {
            m.nlink = 0;
        } else {
            m.nlink = u32(i64(m.nlink) + delta);
        }
        m.ctime = t;
    });
}

void TmpInode::set_parent(u64 ino) const {
    meta_.with([ino](Meta& m) { m.parent_ino = ino; });
}

bool TmpInode::dead() const {
    return meta_.with([](Meta& m) { return m.nlink == 0; });
}

klib::Result<klib::Arc<TmpInode>, Errno> TmpInode::new_inode(u32 mode, const Cred& cred,
                                                             u64 rdev) const {
    if (dead()) {
        return Errno::ENOENT; // a removed directory takes no new names
    }
    // Linux's inode_init_owner: in a set-group-ID directory the new node
    // takes the directory's group, and a new directory the bit itself.
    const Stat dir = stat();
    const bool sgid_dir = (dir.mode & S_ISGID) != 0;
    if (sgid_dir) {
        if ((mode & S_IFMT) == S_IFDIR) {
            mode |= S_ISGID;
        } else if ((mode & (S_ISGID | 0010)) == (S_ISGID | 0010) && !cred.in_group(dir.gid) &&
                   !cred.fs_capable()) {
            mode &= ~S_ISGID;
        }
    }
    const u64 ino = TRY(fs_->charge_inode());
    klib::Optional<klib::Arc<mm::PageCache>> cache;
    if ((mode & S_IFMT) == S_IFREG) {
        auto c = mm::PageCache::for_file(fs_.clone_as<mm::PageBudget>());
        if (c.is_err()) {
            fs_->release_inode();
            return Errno::ENOMEM;
        }
        cache = c.release_value();
    }
    auto made = klib::Arc<TmpInode>::make(fs_.clone(), ino, mode, cred, rdev, klib::move(cache));
    if (made.is_err()) {
        fs_->release_inode();
        return Errno::ENOMEM;
    }
    if (sgid_dir) {
        made.value()->meta_.with([&](Meta& m) { m.gid = dir.gid; });
    }
    return made.release_value();
}

klib::Result<klib::Arc<Inode>, Errno> TmpInode::lookup(klib::StringView name) const {
    if (!is_dir()) {
        return Errno::ENOTDIR;
    }
    return dir_.with([name](Dir& d) -> klib::Result<klib::Arc<Inode>, Errno> {
        klib::Optional<usize> i = find(d, name);
        if (!i.has_value()) {
            return Errno::ENOENT;
        }
        return d.entries[i.value()].value().inode.clone_as<Inode>();
    });
}

klib::Result<klib::Arc<Inode>, Errno> TmpInode::create(klib::StringView name, u32 mode,
                                                       const Cred& cred, u64 rdev) const {
    if (!is_dir()) {
        return Errno::ENOTDIR;
    }
    const u32 type = mode & S_IFMT;
    if (type != S_IFREG && type != S_IFDIR && type != S_IFCHR && type != S_IFBLK &&
        type != S_IFIFO && type != S_IFSOCK) {
        return Errno::EINVAL;
    }
    klib::Arc<TmpInode> node = TRY(new_inode(mode, cred, rdev));
    node->set_parent(ino_);
    klib::Arc<TmpInode> keep = node.clone();
    TRY(dir_.with([&](Dir& d) -> klib::Result<void, Errno> {
        if (find(d, name).has_value()) {
            return Errno::EEXIST;
        }
        return insert(d, name, klib::move(node));
    }));
    meta_.with([](Meta& m) { m.size += BOGO_DIRENT_SIZE; });
    if (type == S_IFDIR) {
        adjust_nlink(1);
    }
    touch_dir_changed();
    return keep.clone_as<Inode>();
}

klib::Result<void, Errno> TmpInode::set_target(klib::StringView target) const {
    auto s = klib::String::from(target);
    if (s.is_err()) {
        return Errno::ENOMEM;
    }
    const u64 size = target.size();
    target_.with([&](klib::String& t) { t = s.release_value(); });
    meta_.with([size](Meta& m) { m.size = size; });
    return {};
}

klib::Result<klib::Arc<Inode>, Errno> TmpInode::symlink(klib::StringView name,
                                                        klib::StringView target,
                                                        const Cred& cred) const {
    if (!is_dir()) {
        return Errno::ENOTDIR;
    }
    klib::Arc<TmpInode> node = TRY(new_inode(S_IFLNK | 0777, cred, 0));
    TRY(node->set_target(target));
    // Linux's shmem_symlink charges a page for targets that do not fit inline.
    klib::Arc<TmpInode> keep = node.clone();
    TRY(dir_.with([&](Dir& d) -> klib::Result<void, Errno> {
        if (find(d, name).has_value()) {
            return Errno::EEXIST;
        }
        return insert(d, name, klib::move(node));
    }));
    meta_.with([](Meta& m) { m.size += BOGO_DIRENT_SIZE; });
    touch_dir_changed();
    return keep.clone_as<Inode>();
}

klib::Result<void, Errno> TmpInode::link(klib::StringView name,
                                         const klib::Arc<Inode>& target) const {
    if (!is_dir()) {
        return Errno::ENOTDIR;
    }
    auto t = klib::downcast<TmpInode>(target);
    if (!t.has_value() || !t.value()->fs_.ptr_eq(fs_)) {
        return Errno::EXDEV;
    }
    klib::Arc<TmpInode> node = klib::move(t.value());
    if (node->is_dir()) {
        return Errno::EPERM;
    }
    if (dead() || (node->dead() && node->type_ != S_IFDIR)) {
        return Errno::ENOENT; // Linux refuses to revive an unlinked file
    }
    klib::Arc<TmpInode> keep = node.clone();
    TRY(dir_.with([&](Dir& d) -> klib::Result<void, Errno> {
        if (find(d, name).has_value()) {
            return Errno::EEXIST;
        }
        return insert(d, name, klib::move(node));
    }));
    keep->adjust_nlink(1);
    meta_.with([](Meta& m) { m.size += BOGO_DIRENT_SIZE; });
    touch_dir_changed();
    return {};
}

klib::Result<void, Errno> TmpInode::unlink(klib::StringView name) const {
    if (!is_dir()) {
        return Errno::ENOTDIR;
    }
    klib::Arc<TmpInode> gone = TRY(dir_.with([name](Dir& d) -> klib::Result<klib::Arc<TmpInode>, Errno> {
        klib::Optional<usize> i = find(d, name);
        if (!i.has_value()) {
            return Errno::ENOENT;
        }
        if (d.entries[i.value()].value().inode->is_dir()) {
            return Errno::EISDIR;
        }
        return remove_at(d, i.value(), name);
    }));
    gone->adjust_nlink(-1);
    meta_.with([](Meta& m) { m.size -= BOGO_DIRENT_SIZE; });
    touch_dir_changed();
    return {};
}

klib::Result<void, Errno> TmpInode::rmdir(klib::StringView name) const {
    if (!is_dir()) {
        return Errno::ENOTDIR;
    }
    klib::Arc<TmpInode> gone = TRY(dir_.with([name](Dir& d) -> klib::Result<klib::Arc<TmpInode>, Errno> {
        klib::Optional<usize> i = find(d, name);
        if (!i.has_value()) {
            return Errno::ENOENT;
        }
        const bool dir = d.entries[i.value()].value().inode->is_dir();
        const bool empty = dir && d.entries[i.value()].value().inode->dir_empty();
        if (!dir) {
            return Errno::ENOTDIR;
        }
        if (!empty) {
            return Errno::ENOTEMPTY;
        }
        return remove_at(d, i.value(), name);
    }));
    gone->adjust_nlink(-2);
    adjust_nlink(-1);
    meta_.with([](Meta& m) { m.size -= BOGO_DIRENT_SIZE; });
    touch_dir_changed();
    return {};
}

klib::Result<void, Errno> TmpInode::rename(klib::StringView old_name,
                                           const klib::Arc<Inode>& new_dir_base,
                                           klib::StringView new_name, u32 flags) const {
    if (!is_dir()) {
        return Errno::ENOTDIR;
    }
    auto nd = klib::downcast<TmpInode>(new_dir_base);
    if (!nd.has_value() || !nd.value()->fs_.ptr_eq(fs_)) {
        return Errno::EXDEV;
    }
    klib::Arc<TmpInode> new_dir = klib::move(nd.value());
    if (!new_dir->is_dir()) {
        return Errno::ENOTDIR;
    }
    const bool same_dir = new_dir->ino_ == ino_;
    // Look both names up (the caller serialises renames per file system).
    klib::Arc<TmpInode> old_node = TRY(dir_.with([old_name](Dir& d) -> klib::Result<klib::Arc<TmpInode>, Errno> {
        klib::Optional<usize> i = find(d, old_name);
        if (!i.has_value()) {
            return Errno::ENOENT;
        }
        return d.entries[i.value()].value().inode.clone();
    }));
    klib::Optional<klib::Arc<TmpInode>> target = new_dir->dir_.with(
        [new_name](Dir& d) -> klib::Optional<klib::Arc<TmpInode>> {
            klib::Optional<usize> i = find(d, new_name);
            if (!i.has_value()) {
                return klib::none;
            }
            return d.entries[i.value()].value().inode.clone();
        });
    if ((flags & RENAME_EXCHANGE) != 0) {
        if (!target.has_value()) {
            return Errno::ENOENT;
        }
    } else if (target.has_value() && (flags & RENAME_NOREPLACE) != 0) {
        return Errno::EEXIST;
    }
    if (target.has_value() && target.value().ptr_eq(old_node)) {
        return {}; // the same inode under both names: nothing to do
    }
    const bool old_is_dir = old_node->is_dir();
    if (target.has_value() && (flags & RENAME_EXCHANGE) == 0) {
        const klib::Arc<TmpInode>& t = target.value();
        if (old_is_dir && !t->is_dir()) {
            return Errno::ENOTDIR;
        }
        if (!old_is_dir && t->is_dir()) {
            return Errno::EISDIR;
        }
        if (t->is_dir() && !t->dir_empty()) {
            return Errno::ENOTEMPTY;
        }
    }

    if ((flags & RENAME_EXCHANGE) != 0) {
        klib::Arc<TmpInode> other = target.value().clone();
        const bool other_is_dir = other->is_dir();
        // Swap the inodes the two entries name.
        dir_.with([&](Dir& d) {
            klib::Optional<usize> i = find(d, old_name);
            d.entries[i.value()].value().inode = other.clone();
        });
        new_dir->dir_.with([&](Dir& d) {
            klib::Optional<usize> i = find(d, new_name);
            d.entries[i.value()].value().inode = old_node.clone();
        });
        if (!same_dir && old_is_dir != other_is_dir) {
            adjust_nlink(old_is_dir ? -1 : 1);
            new_dir->adjust_nlink(old_is_dir ? 1 : -1);
        }
        if (old_is_dir) {
            old_node->set_parent(new_dir->ino_);
        }
        if (other_is_dir) {
            other->set_parent(ino_);
        }
        old_node->adjust_nlink(0);
        other->adjust_nlink(0);
        touch_dir_changed();
        new_dir->touch_dir_changed();
        return {};
    }

    // Reserve room for the new name before anything changes.
    if (!target.has_value()) {
        TRY(new_dir->dir_.with([&](Dir& d) -> klib::Result<void, Errno> {
            return insert(d, new_name, old_node.clone());
        }));
        new_dir->meta_.with([](Meta& m) { m.size += BOGO_DIRENT_SIZE; });
    } else {
        klib::Arc<TmpInode> replaced = new_dir->dir_.with([&](Dir& d) {
            klib::Optional<usize> i = find(d, new_name);
            klib::Arc<TmpInode> prev = klib::move(d.entries[i.value()].value().inode);
            d.entries[i.value()].value().inode = old_node.clone();
            return prev;
        });
        if (replaced->is_dir()) {
            replaced->adjust_nlink(-2);
            new_dir->adjust_nlink(-1);
        } else {
            replaced->adjust_nlink(-1);
        }
    }
    dir_.with([&](Dir& d) {
        klib::Optional<usize> i = find(d, old_name);
        (void)remove_at(d, i.value(), old_name);
    });
    meta_.with([](Meta& m) { m.size -= BOGO_DIRENT_SIZE; });
    if (old_is_dir && !same_dir) {
        adjust_nlink(-1);
        new_dir->adjust_nlink(1);
    }
    if (old_is_dir) {
        old_node->set_parent(new_dir->ino_);
    }
    old_node->adjust_nlink(0); // ctime
    touch_dir_changed();
    if (!same_dir) {
        new_dir->touch_dir_changed();
    }
    return {};
}

klib::Result<klib::Optional<DirentInfo>, Errno> TmpInode::readdir(u64 pos) const {
    if (!is_dir()) {
        return Errno::ENOTDIR;
    }
    DirentInfo info;
    if (pos < 2) {
        auto name = klib::String::from(pos == 0 ? klib::StringView(".") : klib::StringView(".."));
        if (name.is_err()) {
            return Errno::ENOMEM;
        }
        info.name = name.release_value();
        info.ino = pos == 0 ? ino_ : meta_.with([](Meta& m) { return m.parent_ino; });
        info.type = u8(S_IFDIR >> 12);
        info.next = pos + 1;
        return klib::Optional<DirentInfo>(klib::move(info));
    }
    return dir_.with([&](Dir& d) -> klib::Result<klib::Optional<DirentInfo>, Errno> {
        for (u64 i = pos - 2; i < d.entries.size(); ++i) {
            const klib::Optional<Entry>& e = d.entries[usize(i)];
            if (!e.has_value()) {
                continue;
            }
            auto name = e.value().name.try_clone();
            if (name.is_err()) {
                return Errno::ENOMEM;
            }
            info.name = name.release_value();
            info.ino = e.value().inode->ino_;
            info.type = u8(e.value().inode->type_ >> 12);
            info.next = i + 3;
            return klib::Optional<DirentInfo>(klib::move(info));
        }
        return klib::Optional<DirentInfo>();
    });
}

klib::Result<klib::String, Errno> TmpInode::read_link() const {
    if (type_ != S_IFLNK) {
        return Errno::EINVAL;
    }
    auto s = target_.with([](klib::String& t) { return t.try_clone(); });
    if (s.is_err()) {
        return Errno::ENOMEM;
    }
    return s.release_value();
}

} // namespace services::fs
