#include "file.h"

namespace services::fs {

namespace {
keel::SpinLock<u64> g_next_file_id(1);
} // namespace

u64 next_file_id() {
    return g_next_file_id.with([](u64& n) { return n++; });
}

klib::Result<usize, Errno> File::read(u64, u64, ReadSink) const {
    return Errno::EINVAL;
}

klib::Result<usize, Errno> File::write(u64, u64, WriteSource) const {
    return Errno::EINVAL;
}

} // namespace services::fs
