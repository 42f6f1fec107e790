// The root file system: a tmpfs (Linux's rootfs) holding Linux's built-in
// initramfs (/dev, /dev/console, /root) and the boot initramfs unpacked
// into it as init/initramfs.c does.
#pragma once

#include "../fs/vfs.h"
#include "../initramfs/cpio.h"

namespace services::init {

// A namespace whose root is a fresh tmpfs of at most `max_bytes`.
klib::Result<klib::Arc<fs::Namespace>, fs::Errno> make_rootfs(u64 max_bytes);

// Unpacks `files` (in archive order) into the root of `ctx`: parents must
// exist (else the entry is skipped), an existing directory keeps its
// contents and takes the new metadata, any other existing name is
// replaced, regular files with nlink >= 2 sharing (dev, ino) become hard
// links of the first one (GNU cpio stores the data once, with the last
// name). Errors: ENOMEM/ENOSPC (what was unpacked before stays).
klib::Result<void, fs::Errno> unpack_into(const fs::FsContext& ctx,
                                          klib::Vec<initramfs::File>& files);

} // namespace services::init
