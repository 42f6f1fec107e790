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

namespace services::pci {

klib::Optional<u8> find_capability(const ConfigSpace& cfg, Address a,
                                   klib::FunctionRef<bool(u8, u8)> visit) {
    if ((cfg.read16(a, 0x06) & 0x10) == 0) {
        return klib::none; // no capability list
    }
    u8 off = cfg.read8(a, 0x34) & 0xfc;
    // At most 48 capabilities fit in the 192 bytes after the header: a
    // looping list from a broken device ends here.
    for (u32 guard = 0; off != 0 && guard < 48; ++guard) {
        if (visit(off, cfg.read8(a, off))) {
            return off;
        }
        off = cfg.read8(a, u8(off + 1)) & 0xfc;
    }
    return klib::none;
}

void enable_device(const ConfigSpace& cfg, Address a) {
    const u32 cmd = cfg.read32(a, 0x04) & 0xffff;
    cfg.write32(a, 0x04, cmd | 0x7); // I/O space, memory space, bus master
}

} // namespace services::pci
