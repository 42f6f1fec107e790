#include "table.h"

#include <keel/log.h>
#include <klib/array.h>

namespace services::drivers {

namespace {

constexpr klib::Array<Entry, 2> TABLE = {
    Entry{Match{0x1af4, 0x1042, 0xff, 0xff}, Kind::VirtioBlk}, // modern
    Entry{Match{0x1af4, 0x1001, 0xff, 0xff}, Kind::VirtioBlk}, // transitional
};

klib::Result<void> probe(const Entry& e, pci::Device&& d, Bound& out) {
    const keel::PciAddress a = d.fn.address();
    switch (e.kind) {
    case Kind::VirtioBlk: {
        auto blk = VirtioBlk::probe(klib::move(d));
        if (blk.is_err()) {
            keel::log_warn("pci {:02x}:{:02x}.{}: virtio-blk probe failed: {}", a.bus, a.device,
                           a.function, klib::error_name(blk.error()));
            return {};
        }
        keel::log_info("pci {:02x}:{:02x}.{}: virtio-blk, {} sectors{}", a.bus, a.device,
                       a.function, blk.value().capacity_sectors(),
                       blk.value().interrupt_driven() ? klib::StringView(", MSI-X")
                                                      : klib::StringView(", polled"));
        return out.blk.try_push(blk.release_value());
    }
    }
    return {};
}

} // namespace

bool matches(const Match& m, const pci::Device& d) {
    return (m.vendor == 0xffff || m.vendor == d.vendor) &&
           (m.device == 0xffff || m.device == d.device) &&
           (m.class_code == 0xff || m.class_code == d.class_code) &&
           (m.subclass == 0xff || m.subclass == d.subclass);
}

klib::Result<Bound> probe_all() {
    klib::Vec<pci::Device> devs = TRY(pci::enumerate());
    Bound out;
    while (!devs.empty()) {
        pci::Device d = devs.pop();
        bool taken = false;
        for (const Entry& e : TABLE) {
            if (matches(e.match, d)) {
                TRY(probe(e, klib::move(d), out));
                taken = true;
                break;
            }
        }
        if (!taken) {
            // Nothing DMAs that no driver drives (a NIC a boot ROM left
            // running, say). Bridges refuse: they have no DMA of their own.
            (void)d.fn.set_bus_master(false);
            TRY(out.unclaimed.try_push(klib::move(d)));
        }
    }
    return out;
}

} // namespace services::drivers
