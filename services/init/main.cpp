// The first service to run: unpacks the initramfs into the root file
// system and runs /init (or the `rdinit=` path) as process 1, the way Linux
// does with an initramfs. As in Linux, the words after "--" on the command
// line are init's arguments.
#include "../drivers/table.h"
#include "../fs/ramfs.h"
#include "../initramfs/cpio.h"
#include "../process/loader.h"
#include <keel/boot.h>
#include <keel/log.h>
#include <keel/main.h>

namespace services::init {

namespace {

constexpr usize MAX_INITRAMFS = 256ull << 20;
constexpr usize MAX_INIT_ARGS = 32; // Linux's MAX_INIT_ARGS

klib::Result<initramfs::File> node(klib::StringView name, u32 mode, u32 major, u32 minor) {
    initramfs::File f;
    f.name = TRY(klib::String::from(name));
    f.meta.mode = mode;
    f.meta.rdev_major = major;
    f.meta.rdev_minor = minor;
    return f;
}

// The root file system: Linux's built-in initramfs (usr/default_cpio_list:
// /dev, /dev/console, /root), then the archive's entries in order.
klib::Result<fs::RamFs> build_root(klib::Vec<initramfs::File>& files) {
    fs::RamFs root = TRY(fs::RamFs::create());
    initramfs::File dev = TRY(node("dev", fs::S_IFDIR | 0755, 0, 0));
    initramfs::File console = TRY(node("dev/console", fs::S_IFCHR | 0600, 5, 1));
    initramfs::File home = TRY(node("root", fs::S_IFDIR | 0700, 0, 0));
    TRY(root.add(dev));
    TRY(root.add(console));
    TRY(root.add(home));
    for (usize i = 0; i < files.size(); ++i) {
        TRY(root.add(files[i]));
    }
    return root;
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
    auto built = build_root(files.value());
    if (built.is_err()) {
        keel::log_error("init: cannot build the root file system: {}",
                        klib::error_name(built.error()));
        return;
    }
    auto shared = klib::Arc<fs::RamFs>::make(built.release_value());
    if (shared.is_err()) {
        keel::log_error("init: out of memory");
        return;
    }
    klib::Arc<fs::RamFs> root = shared.release_value();

    klib::StringView path = keel::boot_param("rdinit").value_or("/init");
    auto ino = root->resolve(fs::ROOT_INO, path, true);
    if (ino.is_err() || (root->mode(ino.value()) & fs::S_IFMT) != fs::S_IFREG) {
        keel::log_error("init: {} not found in the initramfs ({} inodes)", path,
                        root->inode_count());
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
        data.try_reserve(usize(root->size(ino.value()))).is_err()) {
        keel::log_error("init: out of memory");
        return;
    }
    while (data.size() < root->size(ino.value())) {
        (void)data.try_push(0); // capacity reserved above
    }
    {
        auto bytes = data.span();
        (void)root->read(ino.value(), 0, bytes.span());
    }
    auto proc = process::load(data.span().span(), argv, envp);
    if (proc.is_err()) {
        keel::log_error("init: cannot execute {}: {}", path, klib::error_name(proc.error()));
        return;
    }
    process::Process& p = *proc.value();
    auto console = root->resolve(fs::ROOT_INO, "/dev/console", true);
    auto table = fs::FdTable::with_console(console.is_ok() ? console.value() : 0);
    if (table.is_err()) {
        keel::log_error("init: out of memory");
        return;
    }
    p.files = table.release_value();
    p.root = klib::move(root);
    p.cwd = fs::ROOT_INO;
    // The task name (comm): the last component of the path, 15 bytes at most.
    usize base = 0;
    for (usize i = 0; i < path.size(); ++i) {
        if (path[i] == '/') {
            base = i + 1;
        }
    }
    for (usize i = 0; i < 15 && base + i < path.size(); ++i) {
        p.comm[i] = u8(path[base + i]);
    }
    keel::log_info("init: running {} ({} bytes)", path, data.size());
    i32 status = process::run(p);
    if ((status & 0x7f) == 0) {
        keel::log_info("init: {} exited with code {}", path, (status >> 8) & 0xff);
    } else {
        keel::log_info("init: {} killed by signal {}", path, status & 0x7f);
    }
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
