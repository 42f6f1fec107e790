#include "proc_view.h"

#include "../mm/space_walk.h"
#include "../procfs/source.h"
#include "stack.h"
#include "table.h"
#include <klib/algorithm.h>
#include <klib/array.h>

namespace services::process {

namespace {

// What procfs may read of one thread, owned by the registry.
struct Rec {
    keel::TaskId task = 0;
    i32 pid = 0;
    klib::Arc<Process> proc;
    klib::Arc<mm::AddressSpace> space;
    klib::Arc<Files> files;
    klib::Arc<FsShared> vfs;
    klib::Array<u8, 16> comm{};
    u64 arg_start = 0;
    u64 arg_end = 0;
};

struct ExeRec {
    i32 pid = 0;
    klib::String path;
};

keel::SpinLock<klib::Vec<Rec>> g_threads;
keel::SpinLock<klib::Vec<ExeRec>> g_exes;

Rec clone_rec(const Rec& r) {
    return Rec{r.task, r.pid, r.proc.clone(), r.space.clone(), r.files.clone(), r.vfs.clone(), r.comm,
               r.arg_start, r.arg_end};
}

// The argv strings of a fresh image: argc at `sp`, then the pointers.
void args_from_stack(const mm::AddressSpace& space, u64 sp, u64& start, u64& end) {
    auto argc = space.read_val<u64>(sp);
    if (argc.is_err() || argc.value() == 0 || argc.value() > 4096) {
        return;
    }
    auto first = space.read_val<u64>(sp + 8);
    auto last = space.read_val<u64>(sp + 8 * argc.value());
    if (first.is_err() || last.is_err()) {
        return;
    }
    u64 p = last.value();
    for (u64 n = 0; n < 131072; ++n, ++p) {
        auto b = space.read_val<u8>(p);
        if (b.is_err()) {
            return;
        }
        if (b.value() == 0) {
            start = first.value();
            end = p + 1;
            return;
        }
    }
}

klib::Optional<Rec> find_rec(klib::FunctionRef<bool(const Rec&)> match) {
    return g_threads.with([&](klib::Vec<Rec>& v) -> klib::Optional<Rec> {
        for (const Rec& r : v) {
            if (match(r)) {
                return clone_rec(r);
            }
        }
        return klib::none;
    });
}

klib::Result<klib::String, fs::Errno> owned(klib::StringView s) {
    auto r = klib::String::from(s);
    if (r.is_err()) {
        return fs::Errno::ENOMEM;
    }
    return r.release_value();
}

class View final : public procfs::ProcessView {
public:
    explicit View(Rec r) : r_(klib::move(r)) {}

    i32 pid() const override { return r_.pid; }

    klib::Result<procfs::ProcessInfo, fs::Errno> info() const override {
        procfs::ProcessInfo i;
        i.pid = r_.pid;
        i.ppid = parent_of(r_.pid);
        i.pgid = getpgid(r_.pid);
        i.sid = getsid(r_.pid);
        i.state = is_zombie(r_.pid) ? 'Z' : r_.proc->signals.shared.stopped() ? 'T' : 'R';
        for (u8 c : r_.comm) {
            if (c == 0) {
                break;
            }
            if (i.comm.try_append(char(c)).is_err()) {
                return fs::Errno::ENOMEM;
            }
        }
        r_.proc->state.with([&](ProcState& s) {
            i.threads = s.live_threads == 0 ? 1 : s.live_threads;
            i.brk_start = s.brk_start;
            i.brk = s.brk_current;
        });
        auto ctx = r_.vfs->get();
        if (ctx.is_ok()) {
            i.umask = ctx.value().umask;
            i.cred = ctx.value().cred.clone();
        }
        auto got = r_.space->areas();
        if (got.is_err()) {
            return fs::Errno::ENOMEM;
        }
        for (const mm::Vma& a : got.value()) {
            i.vm_bytes += a.end - a.start;
            if (a.end <= i.brk_start && i.start_code == 0) {
                i.start_code = a.start;
            }
            if (a.end <= i.brk_start) {
                i.end_code = a.end;
            }
        }
        i.rss_pages = r_.space->resident_pages();
        i.start_stack = STACK_TOP;
        i.arg_start = r_.arg_start;
        i.arg_end = r_.arg_end;
        return i;
    }

    klib::Result<fs::FsContext, fs::Errno> fs_context() const override { return r_.vfs->get(); }
    klib::Result<klib::Arc<fs::File>, fs::Errno> file(u64 fd) const override { return r_.files->get(fd); }
    u64 fd_limit() const override { return r_.files->limit(); }

    klib::Result<klib::String, fs::Errno> cmdline() const override {
        klib::String out;
        for (u64 p = r_.arg_start; p < r_.arg_end; ++p) {
            auto b = r_.space->read_val<u8>(p);
            if (b.is_err()) {
                break;
            }
            if (out.try_append(char(b.value())).is_err()) {
                return fs::Errno::ENOMEM;
            }
        }
        return out;
    }

    klib::Result<klib::String, fs::Errno> exe() const override {
        const i32 pid = r_.pid;
        return g_exes.with([pid](klib::Vec<ExeRec>& v) -> klib::Result<klib::String, fs::Errno> {
            for (const ExeRec& e : v) {
                if (e.pid == pid) {
                    return owned(e.path.view());
                }
            }
            return fs::Errno::ENOENT;
        });
    }

    klib::Result<klib::String, fs::Errno> maps() const override;

private:
    Rec r_;
};

// One line of /proc/PID/maps, the name padded to column 73 as Linux.
klib::Result<void, fs::Errno> map_line(klib::String& out, const mm::Vma& a, klib::StringView name) {
    const usize begin = out.size();
    auto hex = [&](u64 v, usize width) -> bool {
        klib::Array<char, 16> d{};
        usize n = 0;
        do {
            const u64 x = v & 0xf;
            d[n++] = char(x < 10 ? '0' + x : 'a' + (x - 10));
            v >>= 4;
        } while (v != 0 && n < d.size());
        for (usize i = n; i < width; ++i) {
            if (out.try_append('0').is_err()) {
                return false;
            }
        }
        for (usize i = n; i > 0; --i) {
            if (out.try_append(d[i - 1]).is_err()) {
                return false;
            }
        }
        return true;
    };
    bool ok = hex(a.start, 8) && out.try_append('-').is_ok() && hex(a.end, 8) && out.try_append(' ').is_ok() &&
              out.try_append((a.prot & mm::PROT_READ) != 0 ? 'r' : '-').is_ok() &&
              out.try_append((a.prot & mm::PROT_WRITE) != 0 ? 'w' : '-').is_ok() &&
              out.try_append((a.prot & mm::PROT_EXEC) != 0 ? 'x' : '-').is_ok() &&
              out.try_append(a.shared ? 's' : 'p').is_ok() && out.try_append(' ').is_ok() && hex(a.offset, 8) &&
              out.try_append(" 00:00 0").is_ok();
    if (ok && !name.empty()) {
        while (ok && out.size() - begin < 73) {
            ok = out.try_append(' ').is_ok();
        }
        ok = ok && out.try_append(name).is_ok();
    }
    ok = ok && out.try_append('\n').is_ok();
    if (!ok) {
        return fs::Errno::ENOMEM;
    }
    return {};
}

klib::Result<klib::String, fs::Errno> View::maps() const {
    auto got = r_.space->areas();
    if (got.is_err()) {
        return fs::Errno::ENOMEM;
    }
    const klib::Vec<mm::Vma>& areas = got.value();
    u64 brk_start = 0;
    u64 brk = 0;
    r_.proc->state.with([&](ProcState& s) {
        brk_start = s.brk_start;
        brk = s.brk_current;
    });
    klib::String exe;
    auto e = this->exe();
    if (e.is_ok()) {
        exe = e.release_value();
    }
    klib::String out;
    for (const mm::Vma& a : areas) {
        // Static images only: the loaded image lies below the break.
        if (a.end == STACK_TOP) {
            TRY(map_line(out, a, "[stack]"));
        } else if (a.end <= brk_start) {
            TRY(map_line(out, a, exe.view()));
        } else if (a.start >= brk_start && a.end <= brk && brk > brk_start) {
            TRY(map_line(out, a, "[heap]"));
        } else {
            TRY(map_line(out, a, ""));
        }
    }
    return out;
}

klib::Result<klib::Arc<procfs::ProcessView>, fs::Errno> view(Rec r) {
    auto v = klib::Arc<View>::make(klib::move(r));
    if (v.is_err()) {
        return fs::Errno::ENOMEM;
    }
    return klib::Arc<procfs::ProcessView>(v.release_value());
}

// The view of the first record `match` accepts (none if none, or if the
// view cannot be allocated).
klib::Optional<klib::Arc<procfs::ProcessView>> view_of(klib::FunctionRef<bool(const Rec&)> match) {
    klib::Optional<Rec> r = find_rec(match);
    if (!r.has_value()) {
        return klib::none;
    }
    auto v = view(klib::move(r.value()));
    if (v.is_err()) {
        return klib::none;
    }
    return v.release_value();
}

class Source final : public procfs::ProcessSource {
public:
    klib::Optional<klib::Arc<procfs::ProcessView>> current() const override {
        const keel::TaskId me = keel::current_task();
        return view_of([me](const Rec& x) { return x.task == me; });
    }
    klib::Optional<klib::Arc<procfs::ProcessView>> find(i32 pid) const override {
        return view_of([pid](const Rec& x) { return x.pid == pid; });
    }
    klib::Result<klib::Vec<i32>, fs::Errno> pids() const override {
        return g_threads.with([](klib::Vec<Rec>& v) -> klib::Result<klib::Vec<i32>, fs::Errno> {
            klib::Vec<i32> out;
            for (const Rec& r : v) {
                bool seen = false;
                for (i32 p : out) {
                    seen = seen || p == r.pid;
                }
                if (!seen && out.try_push(r.pid).is_err()) {
                    return fs::Errno::ENOMEM;
                }
            }
            klib::sort(out.span().span());
            return out;
        });
    }
};

// mm's view of every running thread's space (truncation unmaps pages
// from them). Lock order: g_threads, then each space's lock (nothing takes
// g_threads while holding a space's lock: records are read or written
// with the spaces' own calls made outside it), so no allocation is needed
// and no recorded space is missed.
class Spaces final : public mm::SpaceWalker {
public:
    void for_each_space(klib::FunctionRef<void(const mm::AddressSpace&)> f) const override {
        g_threads.with([&](klib::Vec<Rec>& v) {
            for (const Rec& r : v) {
                f(*r.space);
            }
        });
    }
};

} // namespace

klib::Result<void> install_proc_source() {
    auto s = TRY(klib::Arc<Source>::make());
    procfs::set_source(klib::Arc<procfs::ProcessSource>(klib::move(s)));
    auto w = TRY(klib::Arc<Spaces>::make());
    mm::set_space_walker(klib::Arc<mm::SpaceWalker>(klib::move(w)));
    return {};
}

void note_thread(const Thread& t) {
    Rec r{keel::current_task(), t.pid(), t.proc.clone(), t.space.clone(), t.files.clone(), t.vfs.clone(),
          t.comm, 0, 0};
    // Threads of a known process share its argument range; a forked child
    // inherits its parent's; a fresh image reads it from its stack.
    const i32 pid = t.pid();
    const i32 parent = parent_of(pid);
    klib::Optional<Rec> same = find_rec([pid](const Rec& x) { return x.pid == pid; });
    klib::Optional<Rec> up = find_rec([parent](const Rec& x) { return x.pid == parent; });
    if (same.has_value()) {
        r.arg_start = same.value().arg_start;
        r.arg_end = same.value().arg_end;
    } else if (up.has_value() && parent != 0) {
        r.arg_start = up.value().arg_start;
        r.arg_end = up.value().arg_end;
        klib::String exe;
        g_exes.with([&](klib::Vec<ExeRec>& v) {
            for (const ExeRec& e : v) {
                if (e.pid == parent) {
                    (void)exe.try_append(e.path.view());
                }
            }
        });
        note_exe(pid, exe.view());
    } else {
        args_from_stack(*t.space, t.ctx.regs.rsp, r.arg_start, r.arg_end);
    }
    g_threads.with([&](klib::Vec<Rec>& v) { (void)v.try_push(klib::move(r)); });
}

void forget_thread(const Thread&) {
    const keel::TaskId me = keel::current_task();
    g_threads.with([me](klib::Vec<Rec>& v) {
        for (usize i = 0; i < v.size(); ++i) {
            if (v[i].task == me) {
                (void)v.remove(i);
                return;
            }
        }
    });
}

void for_each_thread_task(i32 pid, klib::FunctionRef<void(keel::TaskId)> f) {
    g_threads.with([&](klib::Vec<Rec>& v) {
        for (const Rec& r : v) {
            if (r.pid == pid) {
                f(r.task);
            }
        }
    });
}

klib::Optional<fs::Cred> credentials_of(i32 pid) {
    klib::Optional<Rec> r = find_rec([pid](const Rec& x) { return x.pid == pid; });
    if (!r.has_value()) {
        return klib::none;
    }
    auto ctx = r.value().vfs->get();
    if (ctx.is_err()) {
        return klib::none;
    }
    return ctx.value().cred.clone();
}

klib::Optional<klib::Arc<Files>> files_of(i32 pid) {
    klib::Optional<Rec> r = find_rec([pid](const Rec& x) { return x.pid == pid; });
    if (!r.has_value()) {
        return klib::none;
    }
    return r.value().files.clone();
}

void refresh_thread(const Thread& t) {
    const keel::TaskId me = keel::current_task();
    g_threads.with([&](klib::Vec<Rec>& v) {
        for (Rec& r : v) {
            if (r.task == me) {
                r.space = t.space.clone();
                r.files = t.files.clone();
                r.vfs = t.vfs.clone();
                r.comm = t.comm;
            }
        }
    });
}

void note_exec(const Thread& t, klib::StringView path) {
    refresh_thread(t);
    u64 start = 0;
    u64 end = 0;
    args_from_stack(*t.space, t.ctx.regs.rsp, start, end);
    const i32 pid = t.pid();
    g_threads.with([&](klib::Vec<Rec>& v) {
        for (Rec& r : v) {
            if (r.pid == pid) {
                r.arg_start = start;
                r.arg_end = end;
            }
        }
    });
    note_exe(pid, path);
}

void note_exe(i32 pid, klib::StringView path) {
    auto s = klib::String::from(path);
    if (s.is_err()) {
        return;
    }
    g_exes.with([&](klib::Vec<ExeRec>& v) {
        for (ExeRec& e : v) {
            if (e.pid == pid) {
                e.path = s.release_value();
                return;
            }
        }
        (void)v.try_push(ExeRec{pid, s.release_value()});
    });
}

} // namespace services::process
