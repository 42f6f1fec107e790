// procfs: the file system, its root and the system-wide files. The
// per-process directories are in pid.cpp.
#include "procfs.h"

#include "nodes.h"
#include "pid.h"

#include "../fs/filesystems.h"
#include <keel/boot.h>
#include <keel/mm/frame.h>
#include <keel/time.h>
#include <klib/array.h>

namespace services::procfs {

namespace {

keel::SpinLock<klib::Optional<klib::Arc<ProcessSource>>> g_source;
keel::SpinLock<bool> g_registered(false);

// Fixed inode numbers of the root's entries.
constexpr u64 INO_ROOT = 1;
constexpr u64 INO_SELF = 2;
constexpr u64 INO_MEMINFO = 3;
constexpr u64 INO_CPUINFO = 4;
constexpr u64 INO_UPTIME = 5;
constexpr u64 INO_FILESYSTEMS = 6;
constexpr u64 INO_MOUNTS = 7;
constexpr u64 INO_SYS = 8;
constexpr u64 INO_SYS_KERNEL = 9;
constexpr u64 INO_OSTYPE = 10;
constexpr u64 INO_OSRELEASE = 11;
constexpr u64 INO_HOSTNAME = 12;

// ---- system-wide files ----------------------------------------------------------

klib::Result<klib::String, Errno> meminfo() {
    const u64 total = keel::boot_usable_memory() >> 10;
    const u64 free = keel::Frame::free_bytes() >> 10;
    Text t;
    auto line = [&](klib::StringView name, u64 kb) {
        t.s(name); t.c(':');
        for (usize i = name.size() + 1; i < 16; ++i) {
            t.c(' ');
        }
        t.dw(kb, 8); t.s(" kB\n");
    };
    line("MemTotal", total);
    line("MemFree", free);
    line("MemAvailable", free);
    line("Buffers", 0);
    line("Cached", 0);
    line("SwapCached", 0);
    line("Active", 0);
    line("Inactive", 0);
    line("SwapTotal", 0);
    line("SwapFree", 0);
    line("Dirty", 0);
    line("Writeback", 0);
    line("AnonPages", total - free);
    line("Mapped", 0);
    line("Shmem", 0);
    return t.done();
}

klib::Result<klib::String, Errno> cpuinfo() {
    const u64 mhz = keel::tsc_clock().hz / 1000000;
    Text t;
    t.s("processor\t: 0\n");
    t.s("cpu MHz\t\t: "); t.d(mhz); t.s(".000\n");
    t.s("fpu\t\t: yes\n");
    t.s("flags\t\t: "); t.s(keel::cpu_flags()); t.c('\n');
    t.c('\n');
    return t.done();
}

klib::Result<klib::String, Errno> uptime() {
    const u64 cs = keel::monotonic_ns() / 10000000; // hundredths
    Text t;
    t.d(cs / 100); t.c('.');
    if (cs % 100 < 10) {
        t.c('0');
    }
    t.d(cs % 100); t.s(" 0.00\n");
    return t.done();
}

klib::Result<klib::String, Errno> filesystems() {
    Text t;
    TRY(fs::each_filesystem([&](klib::StringView name, bool nodev) -> klib::Result<void, Errno> {
        t.s(nodev ? klib::StringView("nodev") : klib::StringView("")); t.c('\t'); t.s(name); t.c('\n');
        return {};
    }));
    return t.done();
}

klib::Result<klib::String, Errno> text(klib::StringView s) {
    Text t;
    t.s(s); t.c('\n');
    return t.done();
}

NodeId id_of(u64 dev, u64 ino, u32 mode) {
    return NodeId{dev, ino, mode, 0, 0};
}

klib::Result<klib::Arc<fs::Inode>, Errno> sys_kernel(u64 dev);

klib::Result<void, Errno> add(klib::Vec<Child>& out, klib::StringView name, u64 ino, u8 type) {
    if (out.try_push(Child{TRY(fs::anon(name)), ino, type}).is_err()) {
        return Errno::ENOMEM;
    }
    return {};
}

// uname(2)'s answers, as /proc/sys/kernel shows them.
klib::Result<klib::String, Errno> kernel_text(u64 ino) {
    if (ino == INO_OSTYPE) {
        return text("Linux");
    }
    if (ino == INO_OSRELEASE) {
        return text("6.1.0-keel");
    }
    return text("(none)");
}

klib::Result<klib::Arc<fs::Inode>, Errno> sys_kernel(u64 dev) {
    auto list = Lister::make([]() -> klib::Result<klib::Vec<Child>, Errno> {
        klib::Vec<Child> out;
        TRY(add(out, "hostname", INO_HOSTNAME, DT_REG));
        TRY(add(out, "osrelease", INO_OSRELEASE, DT_REG));
        TRY(add(out, "ostype", INO_OSTYPE, DT_REG));
        return out;
    });
    auto look = Looker::make([dev](klib::StringView name) -> klib::Result<klib::Arc<fs::Inode>, Errno> {
        const u64 ino = name == "ostype"      ? INO_OSTYPE
                        : name == "osrelease" ? INO_OSRELEASE
                        : name == "hostname"  ? INO_HOSTNAME
                                              : 0;
        if (ino == 0) {
            return Errno::ENOENT;
        }
        auto gen = Gen::make([ino]() { return kernel_text(ino); });
        if (gen.is_err()) {
            return Errno::ENOMEM;
        }
        return make_file(id_of(dev, ino, fs::S_IFREG | 0444), gen.release_value());
    });
    if (list.is_err() || look.is_err()) {
        return Errno::ENOMEM;
    }
    return make_dir(id_of(dev, INO_SYS_KERNEL, fs::S_IFDIR | 0555), INO_SYS, list.release_value(),
                    look.release_value());
}

klib::Result<klib::Arc<fs::Inode>, Errno> sys_dir(u64 dev) {
    auto list = Lister::make([]() -> klib::Result<klib::Vec<Child>, Errno> {
        klib::Vec<Child> out;
        TRY(add(out, "kernel", INO_SYS_KERNEL, DT_DIR));
        return out;
    });
    auto look = Looker::make(
        [dev](klib::StringView name) -> klib::Result<klib::Arc<fs::Inode>, Errno> {
            if (name != "kernel") {
                return Errno::ENOENT;
            }
            return sys_kernel(dev);
        });
    if (list.is_err() || look.is_err()) {
        return Errno::ENOMEM;
    }
    return make_dir(id_of(dev, INO_SYS, fs::S_IFDIR | 0555), INO_ROOT, list.release_value(),
                    look.release_value());
}

klib::Result<klib::Arc<fs::Inode>, Errno> system_file(u64 dev, klib::StringView name) {
    klib::Result<Gen, klib::Error> gen = klib::Error::NotFound;
    u64 ino = 0;
    if (name == "meminfo") {
        gen = Gen::make([]() { return meminfo(); });
        ino = INO_MEMINFO;
    } else if (name == "cpuinfo") {
        gen = Gen::make([]() { return cpuinfo(); });
        ino = INO_CPUINFO;
    } else if (name == "uptime") {
        gen = Gen::make([]() { return uptime(); });
        ino = INO_UPTIME;
    } else if (name == "filesystems") {
        gen = Gen::make([]() { return filesystems(); });
        ino = INO_FILESYSTEMS;
    } else {
        return Errno::ENOENT;
    }
    if (gen.is_err()) {
        return Errno::ENOMEM;
    }
    return make_file(id_of(dev, ino, fs::S_IFREG | 0444), gen.release_value());
}

klib::Result<klib::Arc<fs::Inode>, Errno> root_lookup(u64 dev, klib::StringView name) {
    if (name == "self") {
        auto gen = Gen::make([]() -> klib::Result<klib::String, Errno> {
            klib::Optional<klib::Arc<ProcessView>> me = current_process();
            if (!me.has_value()) {
                return Errno::ENOENT;
            }
            Text t;
            t.sd(me.value()->pid());
            return t.done();
        });
        if (gen.is_err()) {
            return Errno::ENOMEM;
        }
        if (!current_process().has_value()) {
            return Errno::ENOENT; // a kernel task has no /proc/self
        }
        return make_link(id_of(dev, INO_SELF, fs::S_IFLNK | 0777), gen.release_value());
    }
    if (name == "mounts") {
        auto gen = Gen::make([]() { return fs::anon("self/mounts"); });
        if (gen.is_err()) {
            return Errno::ENOMEM;
        }
        return make_link(id_of(dev, INO_MOUNTS, fs::S_IFLNK | 0777), gen.release_value());
    }
    if (name == "sys") {
        return sys_dir(dev);
    }
    klib::Optional<i32> pid = parse_pid(name);
    if (pid.has_value()) {
        return pid_dir(dev, pid.value());
    }
    return system_file(dev, name);
}

klib::Result<klib::Vec<Child>, Errno> root_list() {
    klib::Vec<Child> out;
    TRY(add(out, "self", INO_SELF, DT_LNK));
    TRY(add(out, "meminfo", INO_MEMINFO, DT_REG));
    TRY(add(out, "cpuinfo", INO_CPUINFO, DT_REG));
    TRY(add(out, "uptime", INO_UPTIME, DT_REG));
    TRY(add(out, "filesystems", INO_FILESYSTEMS, DT_REG));
    TRY(add(out, "mounts", INO_MOUNTS, DT_LNK));
    TRY(add(out, "sys", INO_SYS, DT_DIR));
    klib::Optional<klib::Arc<ProcessSource>> src = source();
    if (!src.has_value()) {
        return out;
    }
    klib::Vec<i32> pids = TRY(src.value()->pids());
    for (i32 pid : pids) {
        Text t;
        t.sd(pid);
        if (out.try_push(Child{TRY(t.done()), pid_ino(pid), DT_DIR}).is_err()) {
            return Errno::ENOMEM;
        }
    }
    return out;
}

class ProcFs final : public fs::FileSystem {
public:
    explicit ProcFs(klib::Arc<fs::Inode> root) : root_(klib::move(root)) {}
    klib::Arc<fs::Inode> root() const override { return root_.clone(); }
    fs::StatFs statfs() const override {
        fs::StatFs s;
        s.type = PROC_SUPER_MAGIC;
        s.bsize = 4096;
        s.frsize = 4096;
        return s;
    }

private:
    klib::Arc<fs::Inode> root_;
};

class ProcType final : public fs::FsType {
public:
    klib::Result<klib::Arc<fs::FileSystem>, Errno> make(klib::StringView) const override {
        const u64 dev = fs::next_anon_dev();
        auto list = Lister::make([]() { return root_list(); });
        auto look = Looker::make([dev](klib::StringView name) { return root_lookup(dev, name); });
        if (list.is_err() || look.is_err()) {
            return Errno::ENOMEM;
        }
        klib::Arc<fs::Inode> root = TRY(make_dir(id_of(dev, INO_ROOT, fs::S_IFDIR | 0555), INO_ROOT,
                                                 list.release_value(), look.release_value()));
        auto made = klib::Arc<ProcFs>::make(klib::move(root));
        if (made.is_err()) {
            return Errno::ENOMEM;
        }
        return klib::Arc<fs::FileSystem>(made.release_value());
    }
};

} // namespace

void set_source(klib::Arc<ProcessSource> s) {
    g_source.with([&](klib::Optional<klib::Arc<ProcessSource>>& slot) { slot = klib::move(s); });
}

klib::Optional<klib::Arc<ProcessSource>> source() {
    return g_source.with([](klib::Optional<klib::Arc<ProcessSource>>& slot) -> klib::Optional<klib::Arc<ProcessSource>> {
        if (!slot.has_value()) {
            return klib::none;
        }
        return slot.value().clone();
    });
}

klib::Optional<klib::Arc<ProcessView>> current_process() {
    klib::Optional<klib::Arc<ProcessSource>> src = source();
    if (!src.has_value()) {
        return klib::none;
    }
    return src.value()->current();
}

klib::Result<void, Errno> register_procfs() {
    const bool already = g_registered.with([](bool& r) {
        const bool was = r;
        r = true;
        return was;
    });
    if (already) {
        return {};
    }
    auto type = klib::Arc<ProcType>::make();
    if (type.is_err()) {
        return Errno::ENOMEM;
    }
    return fs::register_filesystem("proc", true, klib::Arc<fs::FsType>(type.release_value()));
}

} // namespace services::procfs
