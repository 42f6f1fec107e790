#include "filesystems.h"

#include "device.h"
#include "tmpfs.h"

namespace services::fs {

namespace {

constexpr u64 TMPFS_DEFAULT_BYTES = 64ull << 20;

keel::SpinLock<u32> g_next_minor(1);
keel::SpinLock<klib::Optional<klib::Arc<FileSystem>>> g_devtmpfs;

struct TmpfsOptions {
    u64 bytes = TMPFS_DEFAULT_BYTES;
    u64 inodes = 0;
    u32 mode = 01777;
};

// A number with an optional k/m/g suffix (base 10, or octal for `mode`).
klib::Result<u64, Errno> parse_number(klib::StringView s, u32 base, bool suffixes) {
    if (s.empty()) {
        return Errno::EINVAL;
    }
    u64 v = 0;
    usize i = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] < char('0' + base); ++i) {
        if (v > (u64(1) << 50)) {
            return Errno::EINVAL;
        }
        v = v * base + u64(s[i] - '0');
    }
    if (i == 0) {
        return Errno::EINVAL;
    }
    if (i + 1 == s.size() && suffixes) {
        const char c = s[i];
        if (c == 'k' || c == 'K') {
            return v << 10;
        }
        if (c == 'm' || c == 'M') {
            return v << 20;
        }
        if (c == 'g' || c == 'G') {
            return v << 30;
        }
        return Errno::EINVAL;
    }
    if (i != s.size()) {
        return Errno::EINVAL;
    }
    return v;
}

klib::Result<TmpfsOptions, Errno> parse_tmpfs(klib::StringView data) {
    TmpfsOptions o;
    usize pos = 0;
    while (pos < data.size()) {
        usize end = pos;
        while (end < data.size() && data[end] != ',') {
            ++end;
        }
        const klib::StringView opt = data.substr(pos, end - pos);
        pos = end + 1;
        if (opt.empty()) {
            continue;
        }
        usize eq = 0;
        while (eq < opt.size() && opt[eq] != '=') {
            ++eq;
        }
        const klib::StringView key = opt.substr(0, eq);
        const klib::StringView value = eq < opt.size() ? opt.substr(eq + 1) : klib::StringView();
        if (key == "size") {
            o.bytes = TRY(parse_number(value, 10, true));
        } else if (key == "nr_inodes") {
            o.inodes = TRY(parse_number(value, 10, true));
        } else if (key == "mode") {
            o.mode = u32(TRY(parse_number(value, 8, false)) & 07777);
        } else if (key == "uid" || key == "gid" || key == "huge" || key == "mpol" ||
                   key == "nr_blocks" || key == "inode64" || key == "inode32") {
            continue; // accepted, not modelled
        } else {
            return Errno::EINVAL;
        }
    }
    return o;
}

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

klib::Result<klib::Arc<FileSystem>, Errno> make_filesystem(klib::StringView fstype,
                                                          klib::StringView data) {
    if (fstype == "tmpfs" || fstype == "ramfs") {
        const TmpfsOptions o = TRY(parse_tmpfs(data));
        auto fs = TmpFs::make(next_anon_dev(), o.bytes, o.mode, o.inodes);
        if (fs.is_err()) {
            return Errno::ENOMEM;
        }
        return klib::Arc<FileSystem>(fs.release_value());
    }
    if (fstype == "devtmpfs") {
        return devtmpfs();
    }
    if (fstype == "sysfs") {
        // Empty for now; read-only in practice (nothing to create).
        auto fs = TmpFs::make(next_anon_dev(), TMPFS_DEFAULT_BYTES, 0555, 0, SYSFS_MAGIC);
        if (fs.is_err()) {
            return Errno::ENOMEM;
        }
        return klib::Arc<FileSystem>(fs.release_value());
    }
    return Errno::ENODEV;
}

} // namespace services::fs
