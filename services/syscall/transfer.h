// Moves bytes from one open file to another through a kernel buffer, one
// chunk at a time: the pump behind sendfile(2) and copy_file_range(2).
#pragma once

#include "../fs/file.h"
#include "errno.h"
#include <klib/optional.h>

namespace services::syscall {

// Reads up to `count` bytes of `in` from `in_off` and writes them to `out`
// at `out_off`, or, when `out_off` is none, at out's own offset, which
// advances as bytes are written (sendfile). Stops early at end of input or
// a short write. Returns the bytes moved; an error only when nothing was.
SysResult transfer(const fs::File& in, u64 in_off, const fs::File& out, klib::Optional<u64> out_off,
                   u64 count);

} // namespace services::syscall
