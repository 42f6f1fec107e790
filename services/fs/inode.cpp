// Default answers of the Inode interface: what Linux says when an inode
// does not support an operation (a file is not a directory, a directory is
// not a file).
#include "inode.h"

namespace services::fs {

klib::Result<usize, Errno> Inode::read_at(u64, u64, ReadSink) const {
    return stat().is_dir() ? Errno::EISDIR : Errno::EINVAL;
}
klib::Result<usize, Errno> Inode::write_at(u64, u64, WriteSource) const {
    return stat().is_dir() ? Errno::EISDIR : Errno::EINVAL;
}
klib::Result<void, Errno> Inode::fallocate(u64, u64) const {
    return stat().is_dir() ? Errno::EISDIR : Errno::ENODEV;
}
klib::Result<u64, Errno> Inode::seek_data(u64 off, bool hole) const {
    const u64 size = stat().size;
    if (off >= size) {
        return Errno::ENXIO;
    }
    return hole ? size : off;
}
klib::Result<klib::Arc<Inode>, Errno> Inode::lookup(klib::StringView) const {
    return Errno::ENOTDIR;
}
klib::Result<klib::Arc<Inode>, Errno> Inode::create(klib::StringView, u32, const Cred&,
                                                    u64) const {
    return Errno::ENOTDIR;
}
klib::Result<klib::Arc<Inode>, Errno> Inode::symlink(klib::StringView, klib::StringView,
                                                     const Cred&) const {
    return Errno::ENOTDIR;
}
klib::Result<void, Errno> Inode::link(klib::StringView, const klib::Arc<Inode>&) const {
    return Errno::ENOTDIR;
}
klib::Result<void, Errno> Inode::unlink(klib::StringView) const {
    return Errno::ENOTDIR;
}
klib::Result<void, Errno> Inode::rmdir(klib::StringView) const {
    return Errno::ENOTDIR;
}
klib::Result<void, Errno> Inode::rename(klib::StringView, const klib::Arc<Inode>&,
                                        klib::StringView, u32) const {
    return Errno::ENOTDIR;
}
klib::Result<klib::Optional<DirentInfo>, Errno> Inode::readdir(u64) const {
    return Errno::ENOTDIR;
}
klib::Result<klib::String, Errno> Inode::read_link() const {
    return Errno::EINVAL;
}

klib::Result<klib::Arc<mm::PageCache>, Errno> pages_of(klib::Arc<Inode> inode) {
    klib::Optional<klib::Arc<mm::PageCache>> own = inode->page_cache();
    if (own.has_value()) {
        return klib::move(own.value());
    }
    const u64 size = inode->stat().size;
    auto fill = mm::PageCache::Fill::make(
        [inode = klib::move(inode)](u64 offset, keel::Frame& frame) -> klib::Result<void> {
            u64 at = 0;
            auto r = inode->read_at(offset, keel::Frame::SIZE,
                                    [&](klib::Span<const u8> part) -> klib::Result<void, Errno> {
                                        if (frame.write_bytes(usize(at), part).is_err()) {
                                            return Errno::EFAULT;
                                        }
                                        at += part.size();
                                        return {};
                                    });
            if (r.is_err()) {
                return klib::Err(klib::Error::IoError);
            }
            return {};
        });
    if (fill.is_err()) {
        return Errno::ENOMEM;
    }
    auto cache = mm::PageCache::with_fill(size, fill.release_value());
    if (cache.is_err()) {
        return Errno::ENOMEM;
    }
    return cache.release_value();
}

} // namespace services::fs
