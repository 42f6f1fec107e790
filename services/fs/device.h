// Character devices: a registry from device numbers to drivers. Opening a
// character-device node of any file system asks the registry (Linux's
// chrdev_open); devfs creates a node for each registered device. A driver
// registers once with register_char_device() and implements CharDevice.
#pragma once

#include "file.h"
#include <klib/array.h>
#include <klib/function.h>
#include <klib/vec.h>

namespace services::fs {

class CharDevice {
public:
    virtual ~CharDevice() = default;
    // A new open file for the node `node` (whose stat fstat reports).
    virtual klib::Result<klib::Arc<File>, Errno> open(klib::Arc<Inode> node, u32 flags) const = 0;
};

struct DeviceInfo {
    u32 major = 0;
    u32 minor = 0;
    u32 mode = 0; // permission bits of its /dev node
    klib::String name;
};

// Registers `dev` as character device major:minor, named `name` under /dev
// (EEXIST when the number is taken, ENOMEM).
klib::Result<void, Errno> register_char_device(u32 major, u32 minor, klib::StringView name,
                                               u32 mode, klib::Arc<CharDevice> dev);
// Opens the device with number `rdev` (ENXIO when none is registered).
klib::Result<klib::Arc<File>, Errno> open_char_device(u64 rdev, klib::Arc<Inode> node, u32 flags);
// Calls `f` for each registered device, in registration order.
klib::Result<void, Errno> each_char_device(klib::FunctionRef<klib::Result<void, Errno>(const DeviceInfo&)> f);

// Registers Keel's memory devices (null, zero, full, random, urandom).
// Terminals (console, tty, ttyS0) are the tty subsystem's
// (services/tty). Idempotent.
klib::Result<void, Errno> register_builtin_devices();

// A file of a device node: stat comes from the node, the offset is
// ignored (reads and writes at any position behave the same).
class DeviceFile : public File {
public:
    DeviceFile(klib::Arc<Inode> node, u32 flags) : File(flags), node_(klib::move(node)) {}
    klib::Result<Stat, Errno> stat() const override { return node_->stat(); }
    bool seek_always_zero() const override { return true; }
    klib::Arc<Inode> node() const { return node_.clone(); }
    u32 open_flags() const { return flags(); }

private:
    klib::Arc<Inode> node_;
};

} // namespace services::fs
