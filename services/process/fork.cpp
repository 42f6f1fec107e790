#include "fork.h"
#include "table.h"

#include <keel/task.h>

namespace services::process {

namespace {
// Threads started and not yet finished, system-wide (MAX_THREADS).
keel::SpinLock<u64> g_threads(0);
} // namespace

bool reserve_thread() {
    return g_threads.with([](u64& n) {
        if (n >= MAX_THREADS) {
            return false;
        }
        ++n;
        return true;
    });
}

void release_thread() {
    g_threads.with([](u64& n) { --n; });
}

klib::Result<klib::Arc<Process>> start_init(klib::Arc<mm::AddressSpace> space,
                                            keel::UserContext ctx, u64 brk,
                                            klib::Arc<Files> files, klib::Arc<FsShared> fs,
                                            const klib::Array<u8, 16>& comm) {
    if (!reserve_thread()) {
        return klib::Error::WouldBlock;
    }
    auto made = new_process(0);
    if (made.is_err()) {
        release_thread();
        return made.error();
    }
    klib::Arc<Process> p = made.release_value();
    (void)nproc_charge(0, RLIM_INFINITY, true); // init runs as root
    p->state.with([&](ProcState& s) {
        s.brk_start = brk;
        s.brk_current = brk;
        s.live_threads = 1;
        s.res.nproc_uid = 0;
        s.res.nproc_charged = 1;
    });
    auto link = klib::Arc<ThreadLink>::make(fs.clone());
    if (link.is_err()) {
        release_thread();
        discard_process(p->pid);
        return link.error();
    }
    Thread t(p.clone(), p->pid, klib::move(space), klib::move(files), klib::move(fs),
             link.release_value());
    t.ctx = ctx;
    t.comm = comm;
    if (auto r = start_thread(klib::move(t)); r.is_err()) {
        release_thread();
        discard_process(p->pid);
        return r.error();
    }
    return p;
}

i32 wait_for_exit(const Process& init) {
    init.changed.wait_until([&] { return is_zombie(init.pid); });
    // The zombie stays in the table: nothing reaps pid 1.
    const WaitResult r = wait_child(0, WaitTarget{WaitTarget::Pid, init.pid}, false);
    return r.outcome == WaitOutcome::Found ? r.status : 0;
}

namespace {

// The new thread's registers and resources, shared or copied by flags.
[[gnu::noinline]] klib::Result<Thread> make_child(const Thread& t, const CloneArgs& a,
                                                  klib::Arc<Process> proc, i32 id) {
    klib::Arc<mm::AddressSpace> space =
        (a.flags & CLONE_VM) != 0 ? t.space.clone()
                                  : TRY(klib::Arc<mm::AddressSpace>::make(TRY(t.space->fork())));
    klib::Arc<Files> files = (a.flags & CLONE_FILES) != 0 ? t.files.clone() : TRY(t.files->copy());
    klib::Arc<FsShared> fs = (a.flags & CLONE_FS) != 0 ? t.vfs.clone() : TRY(t.vfs->copy());
    klib::Arc<ThreadLink> link = TRY(klib::Arc<ThreadLink>::make(fs.clone()));
    Thread child(klib::move(proc), id, klib::move(space), klib::move(files), klib::move(fs),
                 klib::move(link));
    child.ctx = t.ctx;
    child.ctx.regs.rax = 0;
    if (a.stack != 0) {
        child.ctx.regs.rsp = a.stack;
    }
    if ((a.flags & CLONE_SETTLS) != 0) {
        child.ctx.regs.fs_base = a.tls;
    }
    child.sig.mask = t.sig.mask;
    child.sig.altstack = t.sig.altstack;
    child.comm = t.comm;
    if ((a.flags & CLONE_CHILD_CLEARTID) != 0) {
        child.clear_child_tid = a.child_tid;
    }
    return child;
}

// RLIMIT_NPROC: counts the new task for the creator's real uid (a thread:
// for the uid its process is counted for); returns that uid. WouldBlock
// over the limit (copy_process's EAGAIN), NoMemory.
klib::Result<u32> charge_new_task(const Thread& t, bool thread) {
    u32 uid = 0;
    u32 euid = 0;
    if (auto ctx = t.vfs->get(); ctx.is_ok()) {
        uid = ctx.value().cred.uid;
        euid = ctx.value().cred.euid;
    }
    const bool exempt = uid == 0 || euid == 0; // INIT_USER, CAP_SYS_RESOURCE/ADMIN
    u64 limit = 0;
    t.proc->state.with([&](ProcState& s) {
        limit = s.res.limits.cur(RLIMIT_NPROC);
        if (thread) {
            uid = s.res.nproc_uid;
        }
    });
    TRY(nproc_charge(uid, limit, exempt));
    return uid;
}

// A new process's records: its parent's (brk, handlers, limits), one thread.
[[gnu::noinline]] void inherit_state(const Process& parent, const Process& child, u64 flags) {
    parent.state.with([&](ProcState& mine) {
        child.state.with([&](ProcState& s) {
            s.brk_start = mine.brk_start;
            s.brk_current = mine.brk_current;
            s.handlers = mine.handlers;
            s.res.limits = mine.res.limits;
            if (mine.res.image.has_value()) { // dup_mm_exe_file
                s.res.image = mine.res.image.value().again();
            }
            if (mine.terminal.ctty.has_value()) { // the controlling terminal
                s.terminal.ctty = mine.terminal.ctty.value().clone();
            }
            s.live_threads = 1;
            if ((flags & CLONE_CLEAR_SIGHAND) != 0) {
                s.handlers.reset_handled();
            }
        });
    });
}

} // namespace

klib::Result<i32> clone(Thread& t, const CloneArgs& a) {
    const bool thread = (a.flags & CLONE_THREAD) != 0;
    const u32 uid = TRY(charge_new_task(t, thread));
    if (!reserve_thread()) {
        nproc_uncharge(uid, 1);
        return klib::Error::WouldBlock;
    }
    klib::Optional<klib::Arc<Process>> proc;
    i32 id = 0;
    if (thread) {
        auto tid = new_tid(t.pid());
        if (tid.is_err()) {
            nproc_uncharge(uid, 1);
            release_thread();
            return tid.error();
        }
        id = tid.value();
        proc = t.proc.clone();
    } else {
        const i32 parent = (a.flags & CLONE_PARENT) != 0 ? parent_of(t.pid()) : t.pid();
        auto made = new_process(parent);
        if (made.is_err()) {
            nproc_uncharge(uid, 1);
            release_thread();
            return made.error();
        }
        id = made.value()->pid;
        proc = made.release_value();
    }
    // Undoes the above when the child cannot be built.
    auto undo = [&] {
        if (thread) {
            release_tid(id);
        } else {
            discard_process(id);
        }
        nproc_uncharge(uid, 1);
        release_thread();
    };
    auto built = make_child(t, a, proc.value().clone(), id);
    if (built.is_err()) {
        undo();
        return built.error();
    }
    Thread child = built.release_value();
    // The tid words, written before the child runs (Linux writes the
    // parent's in copy_process and the child's in its first schedule; both
    // are done before either runs again).
    if ((a.flags & CLONE_PARENT_SETTID) != 0 && t.space->write_val<i32>(a.parent_tid, id).is_err()) {
        undo();
        return klib::Error::Fault;
    }
    if ((a.flags & CLONE_CHILD_SETTID) != 0) {
        (void)child.space->write_val<i32>(a.child_tid, id);
    }
    const Process& me = *t.proc;
    const Process& target = *proc.value();
    if (thread) {
        target.state.with([](ProcState& s) {
            s.live_threads += 1;
            s.res.nproc_charged += 1;
        });
    } else {
        inherit_state(me, target, a.flags);
        target.state.with([&](ProcState& s) {
            s.res.nproc_uid = uid;
            s.res.nproc_charged = 1;
        });
        set_exit_signal(id, a.exit_signal);
    }
    if (auto r = start_thread(klib::move(child)); r.is_err()) {
        target.state.with([&](ProcState& s) {
            s.res.nproc_charged -= 1; // undo() counts it out
            if (thread) {
                s.live_threads -= 1;
            }
        });
        undo();
        return r.error();
    }
    if ((a.flags & CLONE_VFORK) != 0) {
        // The parent sleeps until the child execs or exits (it runs on
        // the parent's memory until then).
        target.changed.wait_until([&] {
            return target.state.with([](ProcState& s) { return s.vfork_done; }) ||
                   me.exiting();
        });
    }
    return id;
}

void release_vfork_parent(const Process& p) {
    p.state.with([](ProcState& s) { s.vfork_done = true; });
    p.changed.wake_all();
}

} // namespace services::process
