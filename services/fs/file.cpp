#include "file.h"

namespace services::fs {

namespace {
keel::SpinLock<u64> g_next_file_id(1);
} // namespace

u64 next_file_id() {
    return g_next_file_id.with([](u64& n) { return n++; });
}

klib::Result<klib::Optional<klib::Arc<mm::PageCache>>, Errno> InodeFile::map_pages() const {
    if (inode_->stat().type() != S_IFREG) {
        return Errno::ENODEV;
    }
    return klib::Optional<klib::Arc<mm::PageCache>>(TRY(pages_of(inode_.clone())));
}

klib::Result<usize, Errno> File::read(u64, u64, ReadSink) const {
    return Errno::EINVAL;
}

klib::Result<usize, Errno> File::write(u64, u64, WriteSource) const {
    return Errno::EINVAL;
}

klib::Result<klib::String, Errno> anon(klib::StringView text) {
    auto s = klib::String::from(text);
    if (s.is_err()) {
        return Errno::ENOMEM;
    }
    return s.release_value();
}

} // namespace services::fs
