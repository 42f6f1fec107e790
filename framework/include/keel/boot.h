// What the boot loader handed over, read-only, for services.
#pragma once

#include <klib/annotations.h>
#include <klib/optional.h>
#include <klib/span.h>
#include <klib/string_view.h>

KLIB_TRUSTED_BEGIN

namespace keel {

// The kernel command line (at most 4095 bytes; longer ones are truncated
// with a warning at boot).
klib::StringView boot_cmdline();

// The value of `key=value` on the command line, or the empty view for a bare
// `key`; none when the key is absent. Later occurrences win, as in Linux.
klib::Optional<klib::StringView> boot_param(klib::StringView key);

// The initramfs image (gzip or plain newc cpio) exactly as loaded; empty when
// there is none. The bytes stay valid and unchanged for the kernel's lifetime.
klib::Span<const u8> boot_initrd();

// Total usable RAM found in the memory map, in bytes.
u64 boot_usable_memory();

// The boot CPU's features Keel checked, space-separated, with Linux's
// /proc/cpuinfo names ("nx smep smap pge apic ..."); valid for the
// kernel's lifetime. Any context.
klib::StringView cpu_flags();

} // namespace keel

KLIB_TRUSTED_END
