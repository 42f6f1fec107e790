// The file system types mount(2) knows, by name: tmpfs (a new instance per
// mount), devtmpfs (one shared instance holding a node for each registered
// character device, like Linux's devtmpfs), sysfs (empty for now).
#pragma once

#include "inode.h"

namespace services::fs {

// A file system of type `fstype` for mount(2) (ENODEV for unknown types),
// with mount(2)'s data string (tmpfs: size=N[kmg%], nr_inodes=N[kmg],
// mode=OCTAL; unknown options are EINVAL, as Linux's tmpfs).
klib::Result<klib::Arc<FileSystem>, Errno> make_filesystem(klib::StringView fstype,
                                                          klib::StringView data = "");
// A fresh anonymous device number (0:N) for a file system instance.
u64 next_anon_dev();

} // namespace services::fs
