// /proc/PID: stat, status, cmdline, comm, maps, mounts, the exe, cwd and
// root links, and fd/ with one link per open fd, in the formats of Linux
// 6.1's fs/proc (array.c, base.c, fd.c).
#include "pid.h"

#include <klib/array.h>

namespace services::procfs {

namespace {

// Inode numbers: /proc/PID and its entries, then fd/N.
constexpr u64 PID_BASE = 0x10000;
constexpr u64 PER_PID = 32;
constexpr u64 FD_BASE = 0x80000000;

constexpr u64 CAP_FULL = 0x000001ffffffffff; // CAP_LAST_CAP 40 in Linux 6.1

klib::Result<klib::Arc<ProcessView>, Errno> view_of(i32 pid) {
    klib::Optional<klib::Arc<ProcessSource>> src = source();
    if (!src.has_value()) {
        return Errno::ENOENT;
    }
    klib::Optional<klib::Arc<ProcessView>> v = src.value()->find(pid);
    if (!v.has_value()) {
        return Errno::ENOENT;
    }
    return klib::move(v.value());
}

klib::Result<klib::String, Errno> stat_text(const ProcessView& v) {
    const ProcessInfo i = TRY(v.info());
    Text t;
    t.sd(i.pid); t.s(" ("); t.s(i.comm.view()); t.s(") "); t.c(i.state); t.c(' ');
    t.sd(i.ppid); t.c(' '); t.sd(i.pgid); t.c(' '); t.sd(i.sid); t.s(" 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 ");
    t.d(i.threads); t.s(" 0 0 "); t.d(i.vm_bytes); t.c(' '); t.d(i.rss_pages); t.s(" 18446744073709551615 ");
    t.d(i.start_code); t.c(' '); t.d(i.end_code); t.c(' '); t.d(i.start_stack);
    t.s(" 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 ");
    t.d(i.brk_start); t.c(' '); t.d(i.arg_start); t.c(' '); t.d(i.arg_end); t.c(' '); t.d(i.arg_end); t.c(' '); t.d(i.arg_end);
    t.s(" 0\n");
    return t.done();
}

klib::StringView state_name(char s) {
    switch (s) {
    case 'S':
        return "S (sleeping)";
    case 'Z':
        return "Z (zombie)";
    case 'T':
        return "T (stopped)";
    default:
        return "R (running)";
    }
}

klib::Result<klib::String, Errno> status_text(const ProcessView& v) {
    const ProcessInfo i = TRY(v.info());
    const fs::Cred& c = i.cred;
    Text t;
    t.s("Name:\t"); t.s(i.comm.view()); t.c('\n');
    t.s("Umask:\t0");
    t.c(char('0' + ((i.umask >> 6) & 7))); t.c(char('0' + ((i.umask >> 3) & 7))); t.c(char('0' + (i.umask & 7))); t.c('\n');
    t.s("State:\t"); t.s(state_name(i.state)); t.c('\n');
    t.s("Tgid:\t"); t.sd(i.pid); t.s("\nNgid:\t0\nPid:\t"); t.sd(i.pid); t.s("\nPPid:\t"); t.sd(i.ppid);
    t.s("\nTracerPid:\t0\n");
    t.s("Uid:\t"); t.d(c.uid); t.c('\t'); t.d(c.euid); t.c('\t'); t.d(c.suid); t.c('\t'); t.d(c.fsuid); t.c('\n');
    t.s("Gid:\t"); t.d(c.gid); t.c('\t'); t.d(c.egid); t.c('\t'); t.d(c.sgid); t.c('\t'); t.d(c.fsgid); t.c('\n');
    t.s("FDSize:\t"); t.d(v.fd_limit() < 64 ? 64 : v.fd_limit()); t.c('\n');
    t.s("Groups:\t");
    for (usize g = 0; g < c.group_count(); ++g) {
        t.s(g == 0 ? klib::StringView("") : klib::StringView(" ")); t.d(c.group(g));
    }
    t.c('\n');
    t.s("NStgid:\t"); t.sd(i.pid); t.s("\nNSpid:\t"); t.sd(i.pid); t.s("\nNSpgid:\t"); t.sd(i.pgid); t.s("\nNSsid:\t"); t.sd(i.sid);
    t.c('\n');
    t.s("VmSize:\t"); t.dw(i.vm_bytes >> 10, 8); t.s(" kB\n");
    t.s("VmRSS:\t"); t.dw(i.rss_pages * 4, 8); t.s(" kB\n");
    t.s("Threads:\t"); t.d(i.threads); t.c('\n');
    t.s("SigQ:\t0/"); t.d(3750); t.c('\n');
    t.s("SigPnd:\t0000000000000000\nShdPnd:\t0000000000000000\n");
    t.s("SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\nSigCgt:\t0000000000000000\n");
    const bool permitted = c.uid == 0 || c.euid == 0 || c.suid == 0;
    t.s("CapInh:\t0000000000000000\n");
    t.s("CapPrm:\t"); t.x(permitted ? CAP_FULL : 0, 16); t.c('\n');
    t.s("CapEff:\t"); t.x(c.capable() ? CAP_FULL : 0, 16); t.c('\n');
    t.s("CapBnd:\t"); t.x(CAP_FULL, 16); t.c('\n');
    t.s("CapAmb:\t0000000000000000\nNoNewPrivs:\t0\nSeccomp:\t0\n");
    return t.done();
}

klib::Result<klib::String, Errno> comm_text(const ProcessView& v) {
    const ProcessInfo i = TRY(v.info());
    Text t;
    t.s(i.comm.view()); t.c('\n');
    return t.done();
}

// One /proc/PID/mounts line per mount, as Linux's show_vfsmnt.
klib::Result<klib::String, Errno> mounts_text(const ProcessView& v) {
    const fs::FsContext ctx = TRY(v.fs_context());
    klib::Vec<fs::MountInfo> ms = TRY(ctx.ns->mounts());
    Text t;
    for (const fs::MountInfo& m : ms) {
        t.s(m.source.view()); t.c(' '); t.s(m.path.view()); t.c(' '); t.s(m.fstype.view()); t.c(' ');
        t.s((m.flags & fs::MS_RDONLY) != 0 ? klib::StringView("ro") : klib::StringView("rw"));
        t.s((m.flags & fs::MS_NOSUID) != 0 ? klib::StringView(",nosuid") : klib::StringView(""));
        t.s((m.flags & fs::MS_NODEV) != 0 ? klib::StringView(",nodev") : klib::StringView(""));
        t.s((m.flags & fs::MS_NOEXEC) != 0 ? klib::StringView(",noexec") : klib::StringView(""));
        t.s(m.is_root ? klib::StringView("") : klib::StringView(",relatime")); t.s(m.options.view()); t.s(" 0 0\n");
    }
    return t.done();
}

// The target of /proc/PID/fd/N: the path the file was opened by (with
// " (deleted)" once unlinked), or its anonymous name.
klib::Result<klib::String, Errno> fd_target(const ProcessView& v, u64 fd) {
    klib::Arc<fs::File> f = TRY(v.file(fd));
    auto anon = f->anon_name();
    if (anon.is_ok() || anon.error() != Errno::ENOENT) {
        return anon;
    }
    auto node = f->path();
    if (!node.has_value()) {
        return Errno::ENOENT;
    }
    const fs::FsContext ctx = TRY(v.fs_context());
    klib::String p = TRY(fs::path_string(ctx, node.value()));
    if (node.value()->inode->stat().nlink == 0 && p.try_append(" (deleted)").is_err()) {
        return Errno::ENOMEM;
    }
    return p;
}

klib::Result<klib::String, Errno> dir_path(const ProcessView& v, bool root) {
    const fs::FsContext ctx = TRY(v.fs_context());
    return fs::path_string(ctx, root ? ctx.root : ctx.cwd);
}

// Calls f(name, index, type) for each entry of /proc/PID, in order.
klib::Result<void, Errno> each_pid_entry(
    klib::FunctionRef<klib::Result<void, Errno>(klib::StringView, u64, u8)> f) {
    TRY(f("cmdline", 0, DT_REG));
    TRY(f("comm", 1, DT_REG));
    TRY(f("cwd", 2, DT_LNK));
    TRY(f("exe", 3, DT_LNK));
    TRY(f("fd", 4, DT_DIR));
    TRY(f("maps", 5, DT_REG));
    TRY(f("mounts", 6, DT_REG));
    TRY(f("root", 7, DT_LNK));
    TRY(f("stat", 8, DT_REG));
    TRY(f("status", 9, DT_REG));
    return {};
}

klib::Result<Gen, Errno> gen_for(klib::Arc<ProcessView> v, klib::StringView name) {
    klib::Result<Gen, klib::Error> g = klib::Error::NotFound;
    if (name == "stat") {
        g = Gen::make([v = v.clone()]() { return stat_text(*v); });
    } else if (name == "status") {
        g = Gen::make([v = v.clone()]() { return status_text(*v); });
    } else if (name == "comm") {
        g = Gen::make([v = v.clone()]() { return comm_text(*v); });
    } else if (name == "cmdline") {
        g = Gen::make([v = v.clone()]() { return v->cmdline(); });
    } else if (name == "maps") {
        g = Gen::make([v = v.clone()]() { return v->maps(); });
    } else if (name == "mounts") {
        g = Gen::make([v = v.clone()]() { return mounts_text(*v); });
    } else if (name == "exe") {
        g = Gen::make([v = v.clone()]() { return v->exe(); });
    } else if (name == "cwd") {
        g = Gen::make([v = v.clone()]() { return dir_path(*v, false); });
    } else if (name == "root") {
        g = Gen::make([v = v.clone()]() { return dir_path(*v, true); });
    } else {
        return Errno::ENOENT;
    }
    if (g.is_err()) {
        return Errno::ENOMEM;
    }
    return g.release_value();
}

klib::Result<klib::Arc<fs::Inode>, Errno> fd_dir(u64 dev, klib::Arc<ProcessView> v, NodeId owner) {
    const i32 pid = v->pid();
    const u64 dir_ino = pid_ino(pid) + PER_PID - 1;
    auto list = Lister::make([v = v.clone(), pid]() -> klib::Result<klib::Vec<Child>, Errno> {
        klib::Vec<Child> out;
        const u64 limit = v->fd_limit();
        for (u64 fd = 0; fd < limit; ++fd) {
            if (v->file(fd).is_err()) {
                continue;
            }
            Text t;
            t.d(fd);
            if (out.try_push(Child{TRY(t.done()), FD_BASE + u64(pid) * 0x10000 + fd, DT_LNK}).is_err()) {
                return Errno::ENOMEM;
            }
        }
        return out;
    });
    auto look = Looker::make([v = v.clone(), dev, pid, owner](klib::StringView name)
                                 -> klib::Result<klib::Arc<fs::Inode>, Errno> {
        klib::Optional<i32> n = parse_pid(name);
        if (!n.has_value() || v->file(u64(n.value())).is_err()) {
            return Errno::ENOENT;
        }
        const u64 fd = u64(n.value());
        auto gen = Gen::make([v = v.clone(), fd]() { return fd_target(*v, fd); });
        if (gen.is_err()) {
            return Errno::ENOMEM;
        }
        const NodeId id{dev, FD_BASE + u64(pid) * 0x10000 + fd, fs::S_IFLNK | 0700, owner.uid, owner.gid};
        return make_link(id, gen.release_value());
    });
    if (list.is_err() || look.is_err()) {
        return Errno::ENOMEM;
    }
    const NodeId id{dev, dir_ino, fs::S_IFDIR | 0500, owner.uid, owner.gid};
    return make_dir(id, pid_ino(pid), list.release_value(), look.release_value());
}

} // namespace

klib::Optional<i32> parse_pid(klib::StringView name) {
    if (name.empty() || name.size() > 9 || (name[0] == '0' && name.size() > 1)) {
        return klib::none;
    }
    i32 v = 0;
    for (usize i = 0; i < name.size(); ++i) {
        if (name[i] < '0' || name[i] > '9') {
            return klib::none;
        }
        v = v * 10 + i32(name[i] - '0');
    }
    return v;
}

u64 pid_ino(i32 pid) {
    return PID_BASE + u64(pid) * PER_PID;
}

klib::Result<klib::Arc<fs::Inode>, Errno> pid_dir(u64 dev, i32 pid) {
    klib::Arc<ProcessView> v = TRY(view_of(pid));
    const ProcessInfo info = TRY(v->info());
    // Linux: owned by the process's effective ids.
    const NodeId owner{dev, pid_ino(pid), fs::S_IFDIR | 0555, info.cred.euid, info.cred.egid};
    auto list = Lister::make([pid]() -> klib::Result<klib::Vec<Child>, Errno> {
        klib::Vec<Child> out;
        TRY(each_pid_entry([&](klib::StringView name, u64 i, u8 type) -> klib::Result<void, Errno> {
            if (out.try_push(Child{TRY(fs::anon(name)), pid_ino(pid) + 1 + i, type}).is_err()) {
                return Errno::ENOMEM;
            }
            return {};
        }));
        return out;
    });
    auto look = Looker::make([v = v.clone(), dev, pid, owner](klib::StringView name)
                                 -> klib::Result<klib::Arc<fs::Inode>, Errno> {
        if (name == "fd") {
            return fd_dir(dev, v.clone(), owner);
        }
        u64 ino = 0;
        TRY(each_pid_entry([&](klib::StringView n, u64 i, u8) -> klib::Result<void, Errno> {
            if (n == name) {
                ino = pid_ino(pid) + 1 + i;
            }
            return {};
        }));
        Gen gen = TRY(gen_for(v.clone(), name));
        const bool link = name == "exe" || name == "cwd" || name == "root";
        const NodeId id{dev, ino, link ? (fs::S_IFLNK | 0777) : (fs::S_IFREG | 0444), owner.uid, owner.gid};
        return link ? make_link(id, klib::move(gen)) : make_file(id, klib::move(gen));
    });
    if (list.is_err() || look.is_err()) {
        return Errno::ENOMEM;
    }
    return make_dir(owner, 1, list.release_value(), look.release_value());
}

} // namespace services::procfs
