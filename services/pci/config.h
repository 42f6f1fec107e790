// PCI configuration space through the legacy port mechanism (0xcf8/0xcfc).
#pragma once

#include <keel/io.h>
#include <klib/function.h>
#include <klib/optional.h>
#include <klib/result.h>

namespace services::pci {

struct Address {
    u8 bus{};
    u8 device{};   // 0..31
    u8 function{}; // 0..7
};

class ConfigSpace {
public:
    // Claims ports 0xcf8-0xcff (Busy if someone else has them).
    static klib::Result<ConfigSpace> open();

    // `offset` is a dword-aligned register offset below 256.
    u32 read32(Address a, u8 offset) const;
    void write32(Address a, u8 offset, u32 value) const;
    u16 read16(Address a, u8 offset) const;
    u8 read8(Address a, u8 offset) const;

private:
    explicit ConfigSpace(keel::IoPorts&& p) : ports_(klib::move(p)) {}
    void select(Address a, u8 offset) const;
    keel::IoPorts ports_;
};

} // namespace services::pci

namespace services::pci {

// Turns on memory/I-O decoding and bus mastering (DMA) for a function.
void enable_device(const ConfigSpace& cfg, Address a);

// Walks the capability list: calls visit(offset, id) for each capability;
// stops early when visit returns true. Returns that offset, or none.
klib::Optional<u8> find_capability(const ConfigSpace& cfg, Address a,
                                   klib::FunctionRef<bool(u8, u8)> visit);

} // namespace services::pci
