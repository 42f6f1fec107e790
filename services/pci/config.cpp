#include "config.h"

namespace services::pci {

namespace {
constexpr u16 CONFIG_PORTS = 0xcf8;
constexpr u32 ADDRESS = 0; // 0xcf8, relative to the claimed range
constexpr u32 DATA = 4;    // 0xcfc
} // namespace

klib::Result<ConfigSpace> ConfigSpace::open() {
    keel::IoPorts p = TRY(keel::IoPorts::claim(CONFIG_PORTS, 8));
    return ConfigSpace(klib::move(p));
}

void ConfigSpace::select(Address a, u8 offset) const {
    const u32 addr = (u32(1) << 31) | (u32(a.bus) << 16) | (u32(a.device & 31) << 11) |
                     (u32(a.function & 7) << 8) | (offset & 0xfc);
    ports_.write32(ADDRESS, addr);
}

u32 ConfigSpace::read32(Address a, u8 offset) const {
    select(a, offset);
    return ports_.read32(DATA);
}

void ConfigSpace::write32(Address a, u8 offset, u32 value) const {
    select(a, offset);
    ports_.write32(DATA, value);
}

u16 ConfigSpace::read16(Address a, u8 offset) const {
    return u16(read32(a, offset) >> (8 * (offset & 2)));
}

u8 ConfigSpace::read8(Address a, u8 offset) const {
    return u8(read32(a, offset) >> (8 * (offset & 3)));
}

} // namespace services::pci
