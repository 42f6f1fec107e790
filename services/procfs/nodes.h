// procfs's three kinds of inode, each made of closures: a file whose text
// is generated when read, a symbolic link whose target is generated when
// read, and a directory whose entries are listed and looked up on demand.
#pragma once

#include "source.h"
#include <klib/function.h>

namespace services::procfs {

using Gen = klib::Function<klib::Result<klib::String, Errno>() const>;

// One directory entry of a generated directory.
struct Child {
    klib::String name;
    u64 ino = 0;
    u8 type = 0; // DT_*
};
using Lister = klib::Function<klib::Result<klib::Vec<Child>, Errno>() const>;
using Looker = klib::Function<klib::Result<klib::Arc<fs::Inode>, Errno>(klib::StringView) const>;

constexpr u8 DT_DIR = 4;
constexpr u8 DT_REG = 8;
constexpr u8 DT_LNK = 10;

// Ownership and identity shared by the three kinds.
struct NodeId {
    u64 dev = 0;
    u64 ino = 0;
    u32 mode = 0; // type and permission bits
    u32 uid = 0;
    u32 gid = 0;
};

class GenFile final : public fs::Inode {
public:
    GenFile(NodeId id, Gen gen) : id_(id), gen_(klib::move(gen)) {}
    fs::Stat stat() const override;
    klib::Result<void, Errno> set_attr(const fs::SetAttr&) const override { return Errno::EPERM; }
    klib::Result<usize, Errno> read_at(u64 off, u64 len, fs::ReadSink sink) const override;

private:
    NodeId id_;
    Gen gen_;
};

class GenLink final : public fs::Inode {
public:
    GenLink(NodeId id, Gen gen) : id_(id), gen_(klib::move(gen)) {}
    fs::Stat stat() const override;
    klib::Result<void, Errno> set_attr(const fs::SetAttr&) const override { return Errno::EPERM; }
    klib::Result<klib::String, Errno> read_link() const override { return gen_(); }

private:
    NodeId id_;
    Gen gen_;
};

class GenDir final : public fs::Inode {
public:
    GenDir(NodeId id, u64 parent_ino, Lister list, Looker look)
        : id_(id), parent_ino_(parent_ino), list_(klib::move(list)), look_(klib::move(look)) {}
    fs::Stat stat() const override;
    klib::Result<void, Errno> set_attr(const fs::SetAttr&) const override { return Errno::EPERM; }
    klib::Result<klib::Arc<fs::Inode>, Errno> lookup(klib::StringView name) const override {
        return look_(name);
    }
    klib::Result<klib::Optional<fs::DirentInfo>, Errno> readdir(u64 pos) const override;

private:
    NodeId id_;
    u64 parent_ino_;
    Lister list_;
    Looker look_;
};

klib::Result<klib::Arc<fs::Inode>, Errno> make_file(NodeId id, Gen gen);
klib::Result<klib::Arc<fs::Inode>, Errno> make_link(NodeId id, Gen gen);
klib::Result<klib::Arc<fs::Inode>, Errno> make_dir(NodeId id, u64 parent_ino, Lister list, Looker look);

// Text built piece by piece; the first failed append makes done() ENOMEM.
class Text {
public:
    void s(klib::StringView v);
    void c(char ch);
    void d(u64 v);
    void sd(i64 v);
    // Lower-case hex, zero-padded to `width` digits.
    void x(u64 v, usize width);
    // `v` right-aligned in `width` columns.
    void dw(u64 v, usize width);
    klib::Result<klib::String, Errno> done();

private:
    klib::String out_;
    bool ok_ = true;
};

} // namespace services::procfs
