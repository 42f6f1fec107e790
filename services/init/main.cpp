// The first service to run: unpacks the initramfs into the root file
// system and runs /init (or the `rdinit=` path) as process 1, the way Linux
// does with an initramfs. As in Linux, the words after "--" on the command
// line are init's arguments.
#include "../drivers/table.h"
#include "../fs/device.h"
#include "rootfs.h"
#include "../initramfs/cpio.h"
#include "../process/fork.h"
#include "../process/accounting.h"
#include "../process/exec.h"
#include "../process/proc_view.h"
#include "../procfs/procfs.h"
#include "../tty/tty.h"
#include "../syscall/sys_tty.h"
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

// Linux's "Initramfs unpacking failed: WHY" line.
void report_unpack_failure(initramfs::Damage why) {
    klib::String line;
    klib::Vec<u8> bytes;
    bool ok = line.try_append("Initramfs unpacking failed: ").is_ok() &&
              initramfs::damage_message(why, line).is_ok() && line.try_append('\n').is_ok();
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
    // Damage keeps what came before it and is reported, then /init runs
    // (Linux's populate_rootfs).
    auto files = initramfs::unpack_image(image, MAX_INITRAMFS);
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
    if (tty::register_devices().is_err() || syscall::install_tty_signals().is_err() || fs::register_builtin_devices().is_err() || procfs::register_procfs().is_err() ||
        builtin_entries(builtin).is_err() ||
        unpack_into(ctx, builtin).is_err()) {
        keel::log_error("init: cannot build the root file system: out of memory");
        return;
    }
    if (auto r = unpack_into(ctx, files.value().files); r.is_err()) {
        keel::log_error("init: initramfs unpacking failed (errno {})", i64(r.error()));
    }
    if (files.value().failure != initramfs::Damage::None) {
        report_unpack_failure(files.value().failure);
    }
    ctx.umask = 022;

    // A quoted value (rdinit="/init") loses its quotes, as Linux's next_arg.
    const klib::StringView raw = keel::boot_param("rdinit").value_or("/init");
    const bool quoted = raw.size() >= 2 && raw.starts_with('"') && raw.ends_with('"');
    const klib::StringView path = quoted ? raw.substr(1, raw.size() - 2) : raw;
    // The program: found and loaded by execve's own code (Linux's
    // kernel_init runs /init with kernel_execve).
    process::ExecArgs args;
    auto fname = klib::String::from(path);
    auto a0 = klib::String::from(path);
    auto e0 = klib::String::from("HOME=/");
    auto e1 = klib::String::from("TERM=linux");
    if (fname.is_err() || a0.is_err() || e0.is_err() || e1.is_err() ||
        args.argv.try_push(a0.release_value()).is_err() ||
        init_args(keel::boot_cmdline(), args.argv).is_err() ||
        args.envp.try_push(e0.release_value()).is_err() ||
        args.envp.try_push(e1.release_value()).is_err()) {
        keel::log_error("init: out of memory");
        return;
    }
    args.filename = fname.release_value();
    auto exe = process::open_exec(ctx, ctx.cwd, path, true);
    if (exe.is_err()) {
        report_exec_failure(path, exe.error());
        return;
    }
    auto loaded = process::prepare_exec(ctx, exe.release_value(), args);
    if (loaded.is_err()) {
        report_exec_failure(path, loaded.error());
        return;
    }
    process::Loaded& img = loaded.value();
    auto space = klib::Arc<mm::AddressSpace>::make(klib::move(img.space));
    auto fds = process::make_files();
    if (space.is_err() || fds.is_err()) {
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
    keel::log_info("init: running {}", path);
    keel::UserContext uctx;
    uctx.regs.rip = img.entry;
    uctx.regs.rsp = img.sp;
    // /proc/1/exe; procfs reads processes through the process subsystem.
    process::note_exe(1, path);
    if (process::install_proc_source().is_err()) {
        keel::log_error("init: out of memory");
        return;
    }
    auto init = process::start_init(space.release_value(), uctx, img.brk, fds.release_value(),
                                    vfs.release_value(), img.comm);
    if (init.is_err()) {
        keel::log_error("init: cannot start {}: {}", path, klib::error_name(init.error()));
        return;
    }
    process::hold_image(*init.value(), klib::move(args.image)); // /init is not writable while it runs
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
