#include "bus.h"

#include <klib/array.h>

namespace services::pci {

namespace {

constexpr u16 REG_STATUS = 0x06;
constexpr u16 REG_HEADER = 0x0e;
constexpr u16 REG_SECONDARY_BUS = 0x19; // type-1 (bridge) headers
constexpr u16 REG_CAP_PTR = 0x34;

Device describe(keel::PciFunction&& f) {
    const u32 id = f.read32(0x00);
    const u32 cls = f.read32(0x08);
    const u8 header = u8(f.read8(REG_HEADER) & 0x7f);
    return Device{klib::move(f), u16(id),      u16(id >> 16), u8(cls >> 24),
                  u8(cls >> 16), u8(cls >> 8), header};
}

} // namespace

klib::Result<klib::Vec<Device>> enumerate() {
    klib::Vec<Device> out;
    klib::Array<bool, 256> seen{};
    klib::Vec<u8> buses;
    TRY(buses.try_push(0));
    seen[0] = true;
    while (!buses.empty()) {
        const u8 bus = buses.pop();
        for (u8 dev = 0; dev < 32; ++dev) {
            for (u8 fn = 0; fn < 8; ++fn) {
                auto f = keel::PciFunction::open(keel::PciAddress{bus, dev, fn});
                if (f.is_err()) {
                    if (f.error() == klib::Error::NoMemory) {
                        return klib::Err(klib::Error::NoMemory);
                    }
                    if (fn == 0 && f.error() == klib::Error::NotFound) {
                        break; // no device in this slot
                    }
                    continue; // absent function, or someone else's
                }
                const bool multi = (f.value().read8(REG_HEADER) & 0x80) != 0;
                Device d = describe(f.release_value());
                if (d.header_type == 1) {
                    const u8 secondary = d.fn.read8(REG_SECONDARY_BUS);
                    if (!seen[secondary]) {
                        seen[secondary] = true;
                        TRY(buses.try_push(secondary));
                    }
                }
                TRY(out.try_push(klib::move(d)));
                if (fn == 0 && !multi) {
                    break;
                }
            }
        }
    }
    return out;
}

klib::Optional<u8> find_capability(const keel::PciFunction& f,
                                   klib::FunctionRef<bool(u8, u8)> visit) {
    if ((f.read16(REG_STATUS) & 0x10) == 0) {
        return klib::none; // no capability list
    }
    u8 off = f.read8(REG_CAP_PTR) & 0xfc;
    // At most 48 capabilities fit in the 192 bytes after the header: a
    // looping list from a broken device ends here.
    for (u32 guard = 0; off != 0 && guard < 48; ++guard) {
        if (visit(off, f.read8(off))) {
            return off;
        }
        off = f.read8(u16(off + 1)) & 0xfc;
    }
    return klib::none;
}

} // namespace services::pci
