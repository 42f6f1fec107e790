#include "file.h"

namespace services::fs {

klib::Result<usize, Errno> File::read(u64, u64, ReadSink) const {
    return Errno::EINVAL;
}

klib::Result<usize, Errno> File::write(u64, u64, WriteSource) const {
    return Errno::EINVAL;
}

} // namespace services::fs
