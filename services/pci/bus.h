// PCI bus enumeration: every function on every bus, with its BARs sized.
#pragma once

#include "config.h"
#include <klib/array.h>
#include <klib/result.h>
#include <klib/vec.h>

namespace services::pci {

struct Bar {
    u64 base = 0; // 0 when the BAR is unused
    u64 size = 0;
    bool io = false;
    bool prefetchable = false;
};

struct Device {
    Address addr{};
    u16 vendor = 0;
    u16 device = 0;
    u8 class_code = 0;
    u8 subclass = 0;
    u8 prog_if = 0;
    u8 header_type = 0;
    u8 irq_line = 0;
    u8 irq_pin = 0;
    klib::Array<Bar, 6> bars{};
};

// Scans buses 0-255 (functions 1-7 only of multi-function devices). BARs of
// type-0 headers are sized by the standard write-all-ones probe with the
// device's decoding briefly disabled.
klib::Result<klib::Vec<Device>> enumerate(const ConfigSpace& cfg);

} // namespace services::pci
