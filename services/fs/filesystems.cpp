#include "filesystems.h"

#include "device.h"
#include "tmpfs.h"

namespace services::fs {

namespace {

constexpr u64 TMPFS_DEFAULT_BYTES = 64ull << 20;

keel::SpinLock<u32> g_next_minor(1);
keel::SpinLock<klib::Optional<klib::Arc<FileSystem>>> g_devtmpfs;

klib::Result<klib::Arc<FileSystem>, Errno> tmpfs(u32 root_mode) {
    auto fs = TmpFs::make(next_anon_dev(), TMPFS_DEFAULT_BYTES, root_mode);
    if (fs.is_err()) {
        return Errno::ENOMEM;
    }
    return klib::Arc<FileSystem>(fs.release_value());
}

// devtmpfs: made once, filled with the registered devices.
klib::Result<klib::Arc<FileSystem>, Errno> devtmpfs() {
    auto existing = g_devtmpfs.with([](klib::Optional<klib::Arc<FileSystem>>& d)
                                        -> klib::Optional<klib::Arc<FileSystem>> {
        if (!d.has_value()) {
            return klib::none;
        }
        return d.value().clone();
    });
    if (existing.has_value()) {
        return klib::move(existing.value());
    }
    TRY(register_builtin_devices());
    klib::Arc<FileSystem> fs = TRY(tmpfs(0755));
    klib::Arc<Inode> root = fs->root();
    Cred cred;
    TRY(each_char_device([&](const DeviceInfo& d) -> klib::Result<void, Errno> {
        auto made = root->create(d.name.view(), S_IFCHR | d.mode, cred, encode_dev(d.major, d.minor));
        if (made.is_err() && made.error() != Errno::EEXIST) {
            return made.error();
        }
        return {};
    }));
    return g_devtmpfs.with([&](klib::Optional<klib::Arc<FileSystem>>& d) {
        if (!d.has_value()) {
            d = fs.clone();
        }
        return d.value().clone();
    });
}

} // namespace

u64 next_anon_dev() {
    const u32 minor = g_next_minor.with([](u32& n) { return n++; });
    return encode_dev(0, minor);
}

klib::Result<klib::Arc<FileSystem>, Errno> make_filesystem(klib::StringView fstype) {
    if (fstype == "tmpfs" || fstype == "ramfs") {
        return tmpfs(01777);
    }
    if (fstype == "devtmpfs") {
        return devtmpfs();
    }
    if (fstype == "sysfs") {
        return tmpfs(0555); // empty, read-only in practice (nothing to create)
    }
    return Errno::ENODEV;
}

} // namespace services::fs
