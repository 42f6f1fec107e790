#include "device.h"

#include "../random/random.h"

#include <keel/time.h>

namespace services::fs {

namespace {

struct Registered {
    DeviceInfo info;
    klib::Arc<CharDevice> dev;
};

keel::SpinLock<klib::Vec<Registered>> g_devices;

// ---- /dev/null, /dev/zero, /dev/full ---------------------------------------

// A page of zeros in read-only data: /dev/zero copies a page per sink call
// (each call is one walk of the user page tables).
constexpr klib::Array<u8, 4096> ZEROS{};

class NullFile final : public DeviceFile {
public:
    using DeviceFile::DeviceFile;
    klib::Result<usize, Errno> read(u64, u64, ReadSink) const override { return usize(0); }
    klib::Result<usize, Errno> write(u64, u64 len, WriteSource) const override { return usize(len); }
};

klib::Result<usize, Errno> zero_read(u64 len, ReadSink sink) {
    u64 done = 0;
    while (done < len) {
        const u64 n = klib::min(len - done, u64(ZEROS.size()));
        auto r = sink(ZEROS.span().first(usize(n)));
        if (r.is_err()) {
            if (done > 0) {
                break;
            }
            return r.error();
        }
        done += n;
    }
    return usize(done);
}

// Zeros stored straight into a destination that can (user memory), at
// most ZERO_BATCH bytes a call (each call holds the user space's lock).
// EFAULT when not one byte could be stored, else the count (Linux's
// read_zero).
constexpr u64 ZERO_BATCH = 16 * 4096;

klib::Result<usize, Errno> zero_fill(u64 len, ZeroSink zeros) {
    u64 done = 0;
    while (done < len) {
        const u64 n = klib::min(len - done, ZERO_BATCH);
        const u64 got = zeros(done, n);
        done += got;
        if (got < n) {
            if (done == 0) {
                return Errno::EFAULT;
            }
            break;
        }
    }
    return usize(done);
}

class ZeroFile final : public DeviceFile {
public:
    using DeviceFile::DeviceFile;
    klib::Result<usize, Errno> read(u64, u64 len, ReadSink sink) const override {
        return zero_read(len, sink);
    }
    klib::Result<usize, Errno> read_zeroing(u64, u64 len, ReadSink,
                                            ZeroSink zeros) const override {
        return zero_fill(len, zeros);
    }
    klib::Result<usize, Errno> write(u64, u64 len, WriteSource) const override { return usize(len); }
    // Linux's mmap_zero: anonymous memory, private or shared.
    klib::Result<klib::Optional<klib::Arc<mm::PageCache>>, Errno> map_pages() const override {
        return klib::Optional<klib::Arc<mm::PageCache>>();
    }
};

class FullFile final : public DeviceFile {
public:
    using DeviceFile::DeviceFile;
    klib::Result<usize, Errno> read(u64, u64 len, ReadSink sink) const override {
        return zero_read(len, sink);
    }
    klib::Result<usize, Errno> read_zeroing(u64, u64 len, ReadSink,
                                            ZeroSink zeros) const override {
        return zero_fill(len, zeros);
    }
    klib::Result<usize, Errno> write(u64, u64, WriteSource) const override { return Errno::ENOSPC; }
};

// /dev/random and /dev/urandom: the kernel's CSPRNG (services/random),
// always seeded before it answers, so neither blocks (Linux 5.6+ after
// the crng is ready). Writes mix the bytes into the pool, as Linux.
class RandomFile final : public DeviceFile {
public:
    using DeviceFile::DeviceFile;
    klib::Result<usize, Errno> read(u64, u64 len, ReadSink sink) const override {
        klib::Array<u8, 256> chunk{};
        u64 done = 0;
        while (done < len) {
            const u64 n = klib::min(len - done, u64(chunk.size()));
            random::fill(chunk.span().first(usize(n)));
            auto r = sink(chunk.span().first(usize(n)));
            if (r.is_err()) {
                if (done > 0) {
                    break;
                }
                return r.error();
            }
            done += n;
        }
        return usize(done);
    }
    klib::Result<usize, Errno> write(u64, u64 len, WriteSource source) const override {
        klib::Array<u8, 256> chunk{};
        u64 done = 0;
        while (done < len) {
            const u64 n = klib::min(len - done, u64(chunk.size()));
            auto part = chunk.span().first(usize(n));
            auto r = source(part);
            if (r.is_err()) {
                if (done > 0) {
                    break;
                }
                return r.error();
            }
            random::mix(part);
            done += n;
        }
        return usize(done);
    }
};

template <typename F>
class SimpleDevice final : public CharDevice {
public:
    klib::Result<klib::Arc<File>, Errno> open(klib::Arc<Inode> node, u32 flags) const override {
        auto f = klib::Arc<F>::make(klib::move(node), flags);
        if (f.is_err()) {
            return Errno::ENOMEM;
        }
        return klib::Arc<File>(f.release_value());
    }
};

template <typename F>
klib::Result<void, Errno> add_builtin(u32 major, u32 minor, klib::StringView name, u32 mode) {
    const bool present = g_devices.with([major, minor](klib::Vec<Registered>& v) {
        for (const Registered& r : v) {
            if (r.info.major == major && r.info.minor == minor) {
                return true;
            }
        }
        return false;
    });
    if (present) {
        return {};
    }
    auto dev = klib::Arc<SimpleDevice<F>>::make();
    if (dev.is_err()) {
        return Errno::ENOMEM;
    }
    return register_char_device(major, minor, name, mode, klib::Arc<CharDevice>(dev.release_value()));
}

} // namespace

klib::Result<void, Errno> register_char_device(u32 major, u32 minor, klib::StringView name,
                                               u32 mode, klib::Arc<CharDevice> dev) {
    auto owned = klib::String::from(name);
    if (owned.is_err()) {
        return Errno::ENOMEM;
    }
    Registered r{DeviceInfo{major, minor, mode & 07777, owned.release_value()}, klib::move(dev)};
    return g_devices.with([&](klib::Vec<Registered>& v) -> klib::Result<void, Errno> {
        for (const Registered& e : v) {
            if (e.info.major == major && e.info.minor == minor) {
                return Errno::EEXIST;
            }
        }
        if (v.try_push(klib::move(r)).is_err()) {
            return Errno::ENOMEM;
        }
        return {};
    });
}

klib::Result<klib::Arc<File>, Errno> open_char_device(u64 rdev, klib::Arc<Inode> node, u32 flags) {
    const u32 major = dev_major(rdev);
    const u32 minor = dev_minor(rdev);
    auto dev = g_devices.with([major, minor](klib::Vec<Registered>& v) -> klib::Optional<klib::Arc<CharDevice>> {
        for (const Registered& e : v) {
            if (e.info.major == major && e.info.minor == minor) {
                return e.dev.clone();
            }
        }
        return klib::none;
    });
    if (!dev.has_value()) {
        return Errno::ENXIO;
    }
    return dev.value()->open(klib::move(node), flags);
}

klib::Result<void, Errno> each_char_device(
    klib::FunctionRef<klib::Result<void, Errno>(const DeviceInfo&)> f) {
    // Copy the list out first: `f` may create inodes (no lock held then).
    klib::Vec<DeviceInfo> all;
    TRY(g_devices.with([&](klib::Vec<Registered>& v) -> klib::Result<void, Errno> {
        for (const Registered& e : v) {
            auto name = e.info.name.try_clone();
            if (name.is_err() ||
                all.try_push(DeviceInfo{e.info.major, e.info.minor, e.info.mode, name.release_value()})
                    .is_err()) {
                return Errno::ENOMEM;
            }
        }
        return {};
    }));
    for (const DeviceInfo& d : all) {
        TRY(f(d));
    }
    return {};
}

klib::Result<void, Errno> register_builtin_devices() {
    TRY(add_builtin<NullFile>(1, 3, "null", 0666));
    TRY(add_builtin<ZeroFile>(1, 5, "zero", 0666));
    TRY(add_builtin<FullFile>(1, 7, "full", 0666));
    TRY(add_builtin<RandomFile>(1, 8, "random", 0666));
    TRY(add_builtin<RandomFile>(1, 9, "urandom", 0666));
    return {};
}

} // namespace services::fs
