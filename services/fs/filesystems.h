// The file system types mount(2) knows, by name: tmpfs (a new instance per
// mount), devtmpfs (one shared instance holding a node for each registered
// character device, like Linux's devtmpfs), sysfs (empty for now).
#pragma once

#include "inode.h"
#include <klib/function.h>

namespace services::fs {

// A file system of type `fstype` for mount(2) (ENODEV for unknown types),
// with mount(2)'s data string (tmpfs: size=N[kmg%], nr_inodes=N[kmg],
// mode=OCTAL; unknown options are EINVAL, as Linux's tmpfs).
klib::Result<klib::Arc<FileSystem>, Errno> make_filesystem(klib::StringView fstype,
                                                          klib::StringView data = "");
// A fresh anonymous device number (0:N) for a file system instance.
u64 next_anon_dev();

// A file system type another subsystem provides (procfs): mount(2) makes
// an instance from the data string.
class FsType {
public:
    virtual ~FsType() = default;
    virtual klib::Result<klib::Arc<FileSystem>, Errno> make(klib::StringView data) const = 0;
};

// Registers `type` under `name` (EEXIST when taken, ENOMEM); `nodev`: a
// file system without a block device (/proc/filesystems says "nodev").
klib::Result<void, Errno> register_filesystem(klib::StringView name, bool nodev, klib::Arc<FsType> type);

// Calls `f` with each known type, built-in ones first, in registration
// order (/proc/filesystems).
klib::Result<void, Errno> each_filesystem(klib::FunctionRef<klib::Result<void, Errno>(klib::StringView name, bool nodev)> f);

} // namespace services::fs
