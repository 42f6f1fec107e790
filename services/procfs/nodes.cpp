#include "nodes.h"

#include "../fs/tmpfs.h"
#include <klib/array.h>
#include <klib/format.h>

namespace services::procfs {

namespace {

fs::Stat stat_of(const NodeId& id, u32 nlink) {
    fs::Stat st;
    st.dev = id.dev;
    st.ino = id.ino;
    st.mode = id.mode;
    st.nlink = nlink;
    st.uid = id.uid;
    st.gid = id.gid;
    st.blksize = 1024;
    const fs::Timespec t = fs::now();
    st.atime = t;
    st.mtime = t;
    st.ctime = t;
    return st;
}

} // namespace

fs::Stat GenFile::stat() const {
    return stat_of(id_, 1);
}

klib::Result<usize, Errno> GenFile::read_at(u64 off, u64 len, fs::ReadSink sink) const {
    klib::String text = TRY(gen_());
    const klib::StringView all = text.view();
    if (off >= all.size() || len == 0) {
        return usize(0);
    }
    const usize n = usize(klib::min(u64(all.size()) - off, len));
    klib::Array<u8, 256> chunk{};
    usize done = 0;
    while (done < n) {
        const usize part = klib::min(n - done, chunk.size());
        for (usize i = 0; i < part; ++i) {
            chunk[i] = u8(all[usize(off) + done + i]);
        }
        TRY(sink(chunk.span().first(part)));
        done += part;
    }
    return n;
}

fs::Stat GenLink::stat() const {
    return stat_of(id_, 1);
}

fs::Stat GenDir::stat() const {
    return stat_of(id_, 2);
}

klib::Result<klib::Optional<fs::DirentInfo>, Errno> GenDir::readdir(u64 pos) const {
    fs::DirentInfo d;
    if (pos == 0 || pos == 1) {
        if (pos == 0) {
            d.name = TRY(fs::anon("."));
        } else {
            d.name = TRY(fs::anon(".."));
        }
        d.ino = pos == 0 ? id_.ino : parent_ino_;
        d.type = DT_DIR;
        d.next = pos + 1;
        return klib::Optional<fs::DirentInfo>(klib::move(d));
    }
    klib::Vec<Child> all = TRY(list_());
    if (pos - 2 >= all.size()) {
        return klib::Optional<fs::DirentInfo>();
    }
    Child& c = all[usize(pos - 2)];
    d.name = klib::move(c.name);
    d.ino = c.ino;
    d.type = c.type;
    d.next = pos + 1;
    return klib::Optional<fs::DirentInfo>(klib::move(d));
}

klib::Result<klib::Arc<fs::Inode>, Errno> make_file(NodeId id, Gen gen) {
    auto n = klib::Arc<GenFile>::make(id, klib::move(gen));
    if (n.is_err()) {
        return Errno::ENOMEM;
    }
    return klib::Arc<fs::Inode>(n.release_value());
}

klib::Result<klib::Arc<fs::Inode>, Errno> make_link(NodeId id, Gen gen) {
    auto n = klib::Arc<GenLink>::make(id, klib::move(gen));
    if (n.is_err()) {
        return Errno::ENOMEM;
    }
    return klib::Arc<fs::Inode>(n.release_value());
}

klib::Result<klib::Arc<fs::Inode>, Errno> make_dir(NodeId id, u64 parent_ino, Lister list, Looker look) {
    auto n = klib::Arc<GenDir>::make(id, parent_ino, klib::move(list), klib::move(look));
    if (n.is_err()) {
        return Errno::ENOMEM;
    }
    return klib::Arc<fs::Inode>(n.release_value());
}

// ---- Text ---------------------------------------------------------------------

void Text::s(klib::StringView v) {
    ok_ = ok_ && out_.try_append(v).is_ok();
}

void Text::c(char ch) {
    ok_ = ok_ && out_.try_append(ch).is_ok();
}

void Text::d(u64 v) {
    ok_ = ok_ && klib::append_dec(out_, v).is_ok();
}

void Text::sd(i64 v) {
    ok_ = ok_ && klib::append_dec(out_, v).is_ok();
}

void Text::x(u64 v, usize width) {
    klib::Array<char, 16> digits{};
    usize n = 0;
    do {
        const u64 dgt = v & 0xf;
        digits[n++] = char(dgt < 10 ? '0' + dgt : 'a' + (dgt - 10));
        v >>= 4;
    } while (v != 0 && n < digits.size());
    for (usize i = n; i < width; ++i) {
        c('0');
    }
    for (usize i = n; i > 0; --i) {
        c(digits[i - 1]);
    }
}

void Text::dw(u64 v, usize width) {
    usize n = 1;
    for (u64 t = v; t >= 10; t /= 10) {
        ++n;
    }
    for (usize i = n; i < width; ++i) {
        c(' ');
    }
    d(v);
}

klib::Result<klib::String, Errno> Text::done() {
    if (!ok_) {
        return Errno::ENOMEM;
    }
    return klib::move(out_);
}

} // namespace services::procfs
