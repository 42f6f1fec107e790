// The first service to run: unpacks the initramfs and runs /init (or the
// `rdinit=` path) as process 1, the way Linux does with an initramfs.
#include "../initramfs/cpio.h"
#include "../process/loader.h"
#include <keel/boot.h>
#include <keel/log.h>
#include <keel/main.h>

namespace services::init {

namespace {

constexpr usize MAX_INITRAMFS = 256ull << 20;

void run_init() {
    klib::Span<const u8> image = keel::boot_initrd();
    if (image.empty()) {
        keel::log_info("init: no initramfs; nothing to run");
        return;
    }
    auto files = initramfs::unpack_all(image, MAX_INITRAMFS);
    if (files.is_err()) {
        keel::log_error("init: cannot unpack the initramfs: {}", klib::error_name(files.error()));
        return;
    }
    klib::StringView path = keel::boot_param("rdinit").value_or("/init");
    auto index = initramfs::find(files.value(), path);
    if (!index.has_value()) {
        keel::log_error("init: {} not found in the initramfs ({} entries)", path,
                        files.value().size());
        return;
    }
    klib::Vec<klib::String> argv;
    klib::Vec<klib::String> envp;
    auto a0 = klib::String::from(path);
    auto e0 = klib::String::from("HOME=/");
    auto e1 = klib::String::from("TERM=linux");
    if (a0.is_err() || e0.is_err() || e1.is_err() || argv.try_push(a0.release_value()).is_err() ||
        envp.try_push(e0.release_value()).is_err() || envp.try_push(e1.release_value()).is_err()) {
        keel::log_error("init: out of memory");
        return;
    }
    const klib::Vec<u8>& data = files.value()[index.value()].data;
    auto proc = process::load(data.span().span(), argv, envp);
    if (proc.is_err()) {
        keel::log_error("init: cannot execute {}: {}", path, klib::error_name(proc.error()));
        return;
    }
    keel::log_info("init: running {} ({} bytes)", path, data.size());
    i32 status = process::run(*proc.value());
    if ((status & 0x7f) == 0) {
        keel::log_info("init: {} exited with code {}", path, (status >> 8) & 0xff);
    } else {
        keel::log_info("init: {} killed by signal {}", path, status & 0x7f);
    }
}

} // namespace

void start() {
    run_init();
}

} // namespace services::init

KEEL_SERVICES_ENTRY(services::init::start)
