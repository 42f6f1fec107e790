// The first service to run: unpacks the initramfs into the root file
// system and runs /init (or the `rdinit=` path) as process 1, the way Linux
// does with an initramfs. As in Linux, the words after "--" on the command
// line are init's arguments.
#include "../drivers/table.h"
#include "../fs/device.h"
#include "rootfs.h"
#include "../initramfs/cpio.h"
#include "../process/fork.h"
#include "../process/loader.h"
#include "../tty/tty.h"
#include <keel/boot.h>
#include <keel/console.h>
#include <keel/log.h>
#include <keel/main.h>

namespace services::init {

namespace {

constexpr usize MAX_INITRAMFS = 256ull << 20;
constexpr usize MAX_INIT_ARGS = 32; // Linux's MAX_INIT_ARGS

constexpr u64 ROOTFS_BYTES = 256ull << 20;

klib::Result<initramfs::File> node(klib::StringView name, u32 mode, u32 major, u32 minor) {
    initramfs::File f;
    f.name = TRY(klib::String::from(name));
    f.meta.mode = mode;
    f.meta.rdev_major = major;
    f.meta.rdev_minor = minor;
    return f;
}

// Linux's built-in initramfs (usr/default_cpio_list): /dev, /dev/console,
// /root, before the archive's entries.
klib::Result<void> builtin_entries(klib::Vec<initramfs::File>& out) {
    TRY(out.try_push(TRY(node("dev", fs::S_IFDIR | 0755, 0, 0))));
    TRY(out.try_push(TRY(node("dev/console", fs::S_IFCHR | 0600, 5, 1))));
    TRY(out.try_push(TRY(node("root", fs::S_IFDIR | 0700, 0, 0))));
    return {};
}

// Reads the whole regular file `file` into `data`.
klib::Result<void, fs::Errno> read_all(const fs::File& file, klib::Vec<u8>& data) {
    const u64 size = TRY(file.stat()).size;
    if (data.try_reserve(usize(size)).is_err()) {
        return fs::Errno::ENOMEM;
    }
    TRY(file.read(0, size, [&](klib::Span<const u8> part) -> klib::Result<void, fs::Errno> {
        for (u8 b : part) {
            (void)data.try_push(b); // reserved
        }
        return {};
    }));
    return {};
}

// Linux's "Failed to execute PATH (error -N)" kernel line, as is.
void report_exec_failure(klib::StringView path, fs::Errno e) {
    klib::String line;
    klib::Array<char, 20> digits{};
    u64 v = u64(i64(e));
    usize n = 0;
    do {
        digits[n++] = char('0' + v % 10);
        v /= 10;
    } while (v != 0 && n < digits.size());
    bool ok = line.try_append("Failed to execute ").is_ok() && line.try_append(path).is_ok() &&
              line.try_append(" (error -").is_ok();
    for (usize i = n; i > 0 && ok; --i) {
        ok = line.try_append(digits[i - 1]).is_ok();
    }
    ok = ok && line.try_append(")\n").is_ok();
    klib::Vec<u8> bytes;
    for (usize i = 0; ok && i < line.size(); ++i) {
        ok = bytes.try_push(u8(line[i])).is_ok();
    }
    if (ok) {
        keel::console_write(bytes.span().span());
    }
}

// Linux's "Kernel panic - not syncing: Attempted to kill init!
// exitcode=0x%08x" line for init's wait status.
void report_init_exit(i32 status) {
    klib::StringView head = "Kernel panic - not syncing: Attempted to kill init! exitcode=0x";
    klib::Vec<u8> bytes;
    bool ok = bytes.try_reserve(head.size() + 9).is_ok();
    for (usize i = 0; ok && i < head.size(); ++i) {
        ok = bytes.try_push(u8(head[i])).is_ok();
    }
    constexpr klib::StringView HEX = "0123456789abcdef";
    for (i32 shift = 28; ok && shift >= 0; shift -= 4) {
        ok = bytes.try_push(u8(HEX[usize((u32(status) >> u32(shift)) & 0xf)])).is_ok();
    }
    ok = ok && bytes.try_push(u8('\n')).is_ok();
    if (ok) {
        keel::console_write(bytes.span().span());
    }
}

// Appends to `out` the command-line words after the first "--" (double
// quotes group words and are removed, as in Linux's next_arg).
klib::Result<void> init_args(klib::StringView cmdline, klib::Vec<klib::String>& out) {
    bool after = false;
    usize i = 0;
    while (i < cmdline.size()) {
        while (i < cmdline.size() && (cmdline[i] == ' ' || cmdline[i] == '\t' || cmdline[i] == '\n')) {
            ++i;
        }
        if (i == cmdline.size()) {
            break;
        }
        klib::String word;
        bool quoted = false;
        while (i < cmdline.size() &&
               (quoted || (cmdline[i] != ' ' && cmdline[i] != '\t' && cmdline[i] != '\n'))) {
            if (cmdline[i] == '"') {
                quoted = !quoted;
            } else {
                TRY(word.try_append(cmdline[i]));
            }
            ++i;
        }
        if (after) {
            if (out.size() >= MAX_INIT_ARGS) {
                break;
            }
            TRY(out.try_push(klib::move(word)));
        } else if (word == "--") {
            after = true;
        }
    }
    return {};
}

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
    auto ns = make_rootfs(ROOTFS_BYTES);
    if (ns.is_err()) {
        keel::log_error("init: cannot build the root file system: out of memory");
        return;
    }
    klib::Arc<fs::PathNode> top = ns.value()->root();
    fs::FsContext ctx(ns.value().clone(), top.clone(), top.clone());
    ctx.umask = 0;
    klib::Vec<initramfs::File> builtin;
    if (tty::register_devices().is_err() || fs::register_builtin_devices().is_err() || builtin_entries(builtin).is_err() ||
        unpack_into(ctx, builtin).is_err()) {
        keel::log_error("init: cannot build the root file system: out of memory");
        return;
    }
    if (auto r = unpack_into(ctx, files.value()); r.is_err()) {
        keel::log_error("init: initramfs unpacking failed (errno {})", i64(r.error()));
    }
    ctx.umask = 022;

    // A quoted value (rdinit="/init") loses its quotes, as Linux's next_arg.
    const klib::StringView raw = keel::boot_param("rdinit").value_or("/init");
    const bool quoted = raw.size() >= 2 && raw.starts_with('"') && raw.ends_with('"');
    const klib::StringView path = quoted ? raw.substr(1, raw.size() - 2) : raw;
    auto exe = fs::open(ctx, ctx.cwd, path, fs::O_RDONLY, 0);
    if (exe.is_err()) {
        keel::log_error("init: cannot execute {} (error -{})", path, i64(exe.error()));
        return;
    }
    const fs::Stat exe_st = exe.value()->stat().value_or(fs::Stat{});
    // execve's checks: a regular file (EACCES otherwise) with an execute bit.
    if (exe_st.type() != fs::S_IFREG || !fs::permitted(exe_st, ctx.cred, fs::MAY_EXEC)) {
        report_exec_failure(path, fs::Errno::EACCES);
        return;
    }
    klib::Vec<u8> data;
    klib::Vec<klib::String> argv;
    klib::Vec<klib::String> envp;
    auto a0 = klib::String::from(path);
    auto e0 = klib::String::from("HOME=/");
    auto e1 = klib::String::from("TERM=linux");
    if (a0.is_err() || e0.is_err() || e1.is_err() || argv.try_push(a0.release_value()).is_err() ||
        init_args(keel::boot_cmdline(), argv).is_err() ||
        envp.try_push(e0.release_value()).is_err() || envp.try_push(e1.release_value()).is_err() ||
        read_all(*exe.value(), data).is_err()) {
        keel::log_error("init: out of memory");
        return;
    }
    // Not an ELF file at all (a script, text): ENOEXEC, as execve says.
    if (data.size() < 4 || data[0] != 0x7f || data[1] != 'E' || data[2] != 'L' || data[3] != 'F') {
        report_exec_failure(path, fs::Errno::ENOEXEC);
        return;
    }
    auto loaded = process::load(data.span().span(), argv, envp);
    if (loaded.is_err()) {
        const fs::Errno e = loaded.error() == klib::Error::NoMemory ? fs::Errno::ENOMEM : fs::Errno::ENOEXEC;
        keel::log_error("init: cannot execute {}: {} (error -{})", path, klib::error_name(loaded.error()),
                        i64(e));
        return;
    }
    process::Loaded& img = loaded.value();
    auto fds = process::make_files();
    if (fds.is_err()) {
        keel::log_error("init: out of memory");
        return;
    }
    // fds 0, 1, 2: /dev/console, read/write (Linux's console_on_rootfs).
    auto console = fs::open(ctx, ctx.root, "/dev/console", fs::O_RDWR, 0);
    if (console.is_ok()) {
        for (u64 fd = 0; fd < 3; ++fd) {
            if (fds.value()->install(console.value().clone(), false).is_err()) {
                keel::log_error("init: out of memory");
                return;
            }
        }
    } else {
        keel::log_warn("init: cannot open an initial console");
    }
    auto vfs = klib::Arc<process::FsShared>::make(klib::move(ctx));
    if (vfs.is_err()) {
        keel::log_error("init: out of memory");
        return;
    }
    // The task name (comm): the last component of the path, 15 bytes at most.
    klib::Array<u8, 16> comm{};
    usize base = 0;
    for (usize i = 0; i < path.size(); ++i) {
        if (path[i] == '/') {
            base = i + 1;
        }
    }
    for (usize i = 0; i < 15 && base + i < path.size(); ++i) {
        comm[i] = u8(path[base + i]);
    }
    keel::log_info("init: running {} ({} bytes)", path, data.size());
    keel::UserContext uctx;
    uctx.regs.rip = img.entry;
    uctx.regs.rsp = img.sp;
    auto init = process::start_init(klib::move(img.space), uctx, img.brk, fds.release_value(),
                                    vfs.release_value(), comm);
    if (init.is_err()) {
        keel::log_error("init: cannot start {}: {}", path, klib::error_name(init.error()));
        return;
    }
    // Data and argument copies go before init runs for good.
    data = klib::Vec<u8>();
    const i32 status = process::wait_for_exit(*init.value());
    // Linux's words when init exits, then (as with panic=-1) the machine
    // stops: powered off when this returns.
    report_init_exit(status);
}

} // namespace

void start() {
    // Devices first: every PCI function goes to the first driver in the
    // table that matches it, or stays held by the bus (no one else opens it).
    auto bound = drivers::probe_all();
    if (bound.is_err()) {
        keel::log_warn("init: device probe failed: {}", klib::error_name(bound.error()));
    }
    run_init();
}

} // namespace services::init

KEEL_SERVICES_ENTRY(services::init::start)
