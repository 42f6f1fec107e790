// PCI bus enumeration policy: which functions exist, read from their own
// configuration space through keel::PciFunction handles.
#pragma once

#include <keel/pci.h>
#include <klib/function.h>
#include <klib/optional.h>
#include <klib/result.h>
#include <klib/vec.h>

namespace services::pci {

struct Device {
    keel::PciFunction fn; // held: no one else can open the function
    u16 vendor{};
    u16 device{};
    u8 class_code{};
    u8 subclass{};
    u8 prog_if{};
    u8 header_type{}; // without the multi-function bit
};

// Opens every function on bus 0 and on the buses behind PCI-to-PCI
// bridges (each bus once). Functions another holder has open are skipped.
// NoMemory.
klib::Result<klib::Vec<Device>> enumerate();

// Walks the capability list: calls visit(offset, id) for each capability;
// stops early when visit returns true. Returns that offset, or none.
klib::Optional<u8> find_capability(const keel::PciFunction& f,
                                   klib::FunctionRef<bool(u8, u8)> visit);

} // namespace services::pci
