// The first service: runs after the framework is up. For now it reports
// what the boot loader handed over; the process model will start /init here.
#include <keel/boot.h>
#include <keel/log.h>
#include <keel/main.h>

namespace services::init {

void start() {
    klib::Span<const u8> initrd = keel::boot_initrd();
    if (initrd.empty()) {
        keel::log_info("services: no initramfs; nothing to run yet");
        return;
    }
    keel::log_info("services: initramfs of {} bytes (no loader yet)", initrd.size());
}

} // namespace services::init

KEEL_SERVICES_ENTRY(services::init::start)
