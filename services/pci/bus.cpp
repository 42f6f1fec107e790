#include "bus.h"

namespace services::pci {

namespace {

constexpr u8 REG_ID = 0x00;
constexpr u8 REG_COMMAND = 0x04;
constexpr u8 REG_CLASS = 0x08;
constexpr u8 REG_HEADER = 0x0c;
constexpr u8 REG_BAR0 = 0x10;
constexpr u8 REG_IRQ = 0x3c;
constexpr u32 CMD_DECODE = 0x3; // I/O space + memory space

// Sizes BAR `i` (and its upper half for 64-bit BARs); returns how many BAR
// slots it used.
usize probe_bar(const ConfigSpace& cfg, Address a, usize i, Bar& out) {
    const u8 reg = u8(REG_BAR0 + 4 * i);
    const u32 orig = cfg.read32(a, reg);
    cfg.write32(a, reg, 0xffffffff);
    const u32 mask = cfg.read32(a, reg);
    cfg.write32(a, reg, orig);
    if (mask == 0 || mask == 0xffffffff) {
        return 1; // unimplemented
    }
    if (orig & 1) {
        out.io = true;
        out.base = orig & ~u32(3);
        out.size = u64(~(mask & ~u32(3)) + 1) & 0xffff;
        return 1;
    }
    const u32 type = (orig >> 1) & 3;
    out.prefetchable = (orig & 8) != 0;
    u64 base = orig & ~u32(0xf);
    u64 size_mask = u64(mask & ~u32(0xf)) | 0xffffffff00000000ull;
    usize used = 1;
    if (type == 2 && i + 1 < 6) { // 64-bit
        const u8 hi_reg = u8(reg + 4);
        const u32 hi = cfg.read32(a, hi_reg);
        cfg.write32(a, hi_reg, 0xffffffff);
        const u32 hi_mask = cfg.read32(a, hi_reg);
        cfg.write32(a, hi_reg, hi);
        base |= u64(hi) << 32;
        size_mask = (u64(hi_mask) << 32) | u64(mask & ~u32(0xf));
        used = 2;
    }
    out.base = base;
    out.size = ~size_mask + 1;
    return used;
}

klib::Result<void> add_function(const ConfigSpace& cfg, Address a, klib::Vec<Device>& out) {
    const u32 id = cfg.read32(a, REG_ID);
    Device d;
    d.addr = a;
    d.vendor = u16(id);
    d.device = u16(id >> 16);
    const u32 cls = cfg.read32(a, REG_CLASS);
    d.class_code = u8(cls >> 24);
    d.subclass = u8(cls >> 16);
    d.prog_if = u8(cls >> 8);
    d.header_type = u8(cfg.read32(a, REG_HEADER) >> 16) & 0x7f;
    const u32 irq = cfg.read32(a, REG_IRQ);
    d.irq_line = u8(irq);
    d.irq_pin = u8(irq >> 8);
    if (d.header_type == 0) {
        const u32 cmd = cfg.read32(a, REG_COMMAND);
        cfg.write32(a, REG_COMMAND, cmd & ~CMD_DECODE & 0xffff);
        for (usize i = 0; i < 6;) {
            i += probe_bar(cfg, a, i, d.bars[i]);
        }
        cfg.write32(a, REG_COMMAND, cmd & 0xffff);
    }
    return out.try_push(klib::move(d));
}

} // namespace

klib::Result<klib::Vec<Device>> enumerate(const ConfigSpace& cfg) {
    klib::Vec<Device> out;
    for (u32 bus = 0; bus < 256; ++bus) {
        for (u8 dev = 0; dev < 32; ++dev) {
            const Address a0{u8(bus), dev, 0};
            if (cfg.read16(a0, REG_ID) == 0xffff) {
                continue;
            }
            const bool multi = (cfg.read8(a0, u8(REG_HEADER + 2)) & 0x80) != 0;
            for (u8 fn = 0; fn < (multi ? 8 : 1); ++fn) {
                const Address a{u8(bus), dev, fn};
                if (cfg.read16(a, REG_ID) != 0xffff) {
                    TRY(add_function(cfg, a, out));
                }
            }
        }
    }
    return out;
}

} // namespace services::pci
