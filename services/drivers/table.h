// The driver table: which driver takes which PCI function, and the boot-time
// probe that hands every function found to the first driver matching it.
#pragma once

#include "virtio_blk.h"
#include <klib/vec.h>

namespace services::drivers {

enum class Kind { VirtioBlk };

// 0xffff / 0xff fields match anything.
struct Match {
    u16 vendor{};
    u16 device{};
    u8 class_code{};
    u8 subclass{};
};

struct Entry {
    Match match;
    Kind kind{};
};

bool matches(const Match& m, const pci::Device& d);

// The drivers bound at boot, and the functions no driver took: the bus
// keeps holding those (bus mastering off), so no other service can open
// them.
struct Bound {
    klib::Vec<VirtioBlk> blk;
    klib::Vec<pci::Device> unclaimed;
};

// Enumerates the bus and offers each function to the table's entries in
// order; the first match probes it. A failed probe is logged and the
// function released. NoMemory.
klib::Result<Bound> probe_all();

} // namespace services::drivers
