#include "filesystems.h"

#include "device.h"
#include "tmpfs.h"
#include <klib/array.h>

namespace services::fs {

namespace {

constexpr u64 TMPFS_DEFAULT_BYTES = 64ull << 20;

keel::SpinLock<u32> g_next_minor(1);
keel::SpinLock<klib::Optional<klib::Arc<FileSystem>>> g_devtmpfs;

struct TypeRec {
    klib::String name;
    bool nodev = true;
    klib::Arc<FsType> type;
};
keel::SpinLock<klib::Vec<TypeRec>> g_types;

struct TmpfsOptions {
    u64 bytes = TMPFS_DEFAULT_BYTES;
    u64 inodes = 0;
    u32 mode = 01777;
    klib::String shown; // /proc/mounts' view of the options given
};

// Appends ",key=" and `v` in `base` (8 or 10) with `suffix`.
klib::Result<void> show_number(klib::String& out, klib::StringView key, u64 v, u32 base, klib::StringView suffix) {
    TRY(out.try_append(','));
    TRY(out.try_append(key));
    TRY(out.try_append('='));
    klib::Array<char, 24> digits{};
    usize n = 0;
    do {
        digits[n++] = char('0' + v % base);
        v /= base;
    } while (v != 0 && n < digits.size());
    while (base == 8 && n < 3) {
        digits[n++] = '0';
    }
    for (usize i = n; i > 0; --i) {
        TRY(out.try_append(digits[i - 1]));
    }
    return out.try_append(suffix);
}

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
            // Linux keeps whole pages and shows them in KiB.
            const u64 kib = (o.bytes + 4095) / 4096 * 4;
            if (show_number(o.shown, "size", kib, 10, "k").is_err()) {
                return Errno::ENOMEM;
            }
        } else if (key == "nr_inodes") {
            o.inodes = TRY(parse_number(value, 10, true));
            if (show_number(o.shown, "nr_inodes", o.inodes, 10, "").is_err()) {
                return Errno::ENOMEM;
            }
        } else if (key == "mode") {
            o.mode = u32(TRY(parse_number(value, 8, false)) & 07777);
            if (o.mode != 01777 && show_number(o.shown, "mode", o.mode, 8, "").is_err()) {
                return Errno::ENOMEM;
            }
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

// Adds a node for every registered character device `root` lacks.
klib::Result<void, Errno> add_device_nodes(const Inode& root) {
    Cred cred;
    return each_char_device([&](const DeviceInfo& d) -> klib::Result<void, Errno> {
        auto made = root.create(d.name.view(), S_IFCHR | d.mode, cred, encode_dev(d.major, d.minor));
        if (made.is_err() && made.error() != Errno::EEXIST) {
            return made.error();
        }
        return {};
    });
}

// devtmpfs: one instance, as Linux's; each mount also adds the nodes of
// devices registered since it was made.
klib::Result<klib::Arc<FileSystem>, Errno> devtmpfs() {
    auto existing = g_devtmpfs.with([](klib::Optional<klib::Arc<FileSystem>>& d)
                                        -> klib::Optional<klib::Arc<FileSystem>> {
        if (!d.has_value()) {
            return klib::none;
        }
        return d.value().clone();
    });
    if (existing.has_value()) {
        TRY(add_device_nodes(*existing.value()->root()));
        return klib::move(existing.value());
    }
    TRY(register_builtin_devices());
    klib::Arc<FileSystem> fs = TRY(tmpfs(0755));
    TRY(add_device_nodes(*fs->root()));
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
        TmpfsOptions o = TRY(parse_tmpfs(data));
        auto fs = TmpFs::make(next_anon_dev(), o.bytes, o.mode, o.inodes);
        if (fs.is_err() || (fstype == "tmpfs" && o.shown.try_append(",inode64").is_err())) {
            return Errno::ENOMEM;
        }
        fs.value()->set_shown_options(klib::move(o.shown));
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
    klib::Optional<klib::Arc<FsType>> other = g_types.with([&](klib::Vec<TypeRec>& v) -> klib::Optional<klib::Arc<FsType>> {
        for (const TypeRec& r : v) {
            if (r.name == fstype) {
                return r.type.clone();
            }
        }
        return klib::none;
    });
    if (other.has_value()) {
        return other.value()->make(data);
    }
    return Errno::ENODEV;
}

klib::Result<void, Errno> register_filesystem(klib::StringView name, bool nodev, klib::Arc<FsType> type) {
    auto owned = klib::String::from(name);
    if (owned.is_err()) {
        return Errno::ENOMEM;
    }
    return g_types.with([&](klib::Vec<TypeRec>& v) -> klib::Result<void, Errno> {
        for (const TypeRec& r : v) {
            if (r.name == name) {
                return Errno::EEXIST;
            }
        }
        if (v.try_push(TypeRec{owned.release_value(), nodev, klib::move(type)}).is_err()) {
            return Errno::ENOMEM;
        }
        return {};
    });
}

klib::Result<void, Errno> each_filesystem(klib::FunctionRef<klib::Result<void, Errno>(klib::StringView name, bool nodev)> f) {
    // The built-in types, in Linux's registration order.
    TRY(f("sysfs", true));
    TRY(f("tmpfs", true));
    TRY(f("devtmpfs", true));
    TRY(f("ramfs", true));
    klib::Vec<klib::String> names;
    klib::Vec<bool> nodevs;
    TRY(g_types.with([&](klib::Vec<TypeRec>& v) -> klib::Result<void, Errno> {
        for (const TypeRec& r : v) {
            auto n = klib::String::from(r.name.view());
            if (n.is_err() || names.try_push(n.release_value()).is_err() || nodevs.try_push(r.nodev).is_err()) {
                return Errno::ENOMEM;
            }
        }
        return {};
    }));
    for (usize i = 0; i < names.size(); ++i) {
        TRY(f(names[i].view(), nodevs[i]));
    }
    return {};
}

} // namespace services::fs
