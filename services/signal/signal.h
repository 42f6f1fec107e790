// Linux signals: numbers, siginfo, dispositions, pending sets and the
// per-thread and per-process state a process embeds (one field each).
//
// Layering: signal/ knows memory (mm) and the FPU image of a UserContext;
// it does not know processes. process/ embeds ThreadSignals and
// ProcessSignals and calls deliver() before every return to user mode;
// syscall/ implements the signal system calls on top of this header.
#pragma once

#include <keel/sync/spinlock.h>
#include <keel/task.h>
#include <klib/arc.h>
#include <klib/function.h>
#include <klib/array.h>
#include <klib/optional.h>
#include <klib/result.h>
#include <klib/types.h>
#include <klib/vec.h>

namespace services::signal {

constexpr i32 NSIG = 64;
constexpr i32 SIGHUP = 1;
constexpr i32 SIGINT = 2;
constexpr i32 SIGQUIT = 3;
constexpr i32 SIGILL = 4;
constexpr i32 SIGTRAP = 5;
constexpr i32 SIGABRT = 6;
constexpr i32 SIGBUS = 7;
constexpr i32 SIGFPE = 8;
constexpr i32 SIGKILL = 9;
constexpr i32 SIGUSR1 = 10;
constexpr i32 SIGSEGV = 11;
constexpr i32 SIGUSR2 = 12;
constexpr i32 SIGPIPE = 13;
constexpr i32 SIGALRM = 14;
constexpr i32 SIGTERM = 15;
constexpr i32 SIGCHLD = 17;
constexpr i32 SIGCONT = 18;
constexpr i32 SIGSTOP = 19;
constexpr i32 SIGTSTP = 20;
constexpr i32 SIGTTIN = 21;
constexpr i32 SIGTTOU = 22;
constexpr i32 SIGURG = 23;
constexpr i32 SIGXCPU = 24;
constexpr i32 SIGXFSZ = 25;
constexpr i32 SIGVTALRM = 26;
constexpr i32 SIGPROF = 27;
constexpr i32 SIGWINCH = 28;
constexpr i32 SIGSYS = 31;
constexpr i32 SIGRTMIN = 32;

// sa_flags.
constexpr u64 SA_NOCLDSTOP = 1;
constexpr u64 SA_NOCLDWAIT = 2;
constexpr u64 SA_SIGINFO = 4;
constexpr u64 SA_RESTORER = 0x04000000;
constexpr u64 SA_ONSTACK = 0x08000000;
constexpr u64 SA_RESTART = 0x10000000;
constexpr u64 SA_NODEFER = 0x40000000;
constexpr u64 SA_RESETHAND = 0x80000000;

constexpr u64 SIG_DFL = 0;
constexpr u64 SIG_IGN = 1;

// si_code values.
constexpr i32 SI_USER = 0;
constexpr i32 SI_KERNEL = 0x80;
constexpr i32 SI_QUEUE = -1;
constexpr i32 SI_TIMER = -2;
constexpr i32 SI_TKILL = -6;
constexpr i32 ILL_ILLOPN = 2;
constexpr i32 FPE_INTDIV = 1;
constexpr i32 SEGV_MAPERR = 1;
constexpr i32 SEGV_ACCERR = 2;
constexpr i32 BUS_ADRALN = 1;
constexpr i32 BUS_ADRERR = 2;
constexpr i32 TRAP_BRKPT = 1;
constexpr i32 TRAP_TRACE = 2;
constexpr i32 CLD_EXITED = 1;
constexpr i32 CLD_KILLED = 2;
constexpr i32 CLD_DUMPED = 3;
constexpr i32 CLD_STOPPED = 5;
constexpr i32 CLD_CONTINUED = 6;

constexpr u64 bit(i32 sig) {
    return u64(1) << u64(sig - 1);
}
constexpr u64 UNBLOCKABLE = bit(SIGKILL) | bit(SIGSTOP);
// Signals a CPU exception raises: dequeued before any other (as Linux's
// SYNCHRONOUS_MASK), and fatal when blocked or ignored.
constexpr u64 SYNCHRONOUS = bit(SIGSEGV) | bit(SIGBUS) | bit(SIGILL) | bit(SIGTRAP) |
                            bit(SIGFPE) | bit(SIGSYS);
constexpr u64 STOP_SIGNALS = bit(SIGSTOP) | bit(SIGTSTP) | bit(SIGTTIN) | bit(SIGTTOU);

constexpr bool valid(i32 sig) {
    return sig >= 1 && sig <= NSIG;
}
constexpr bool is_rt(i32 sig) {
    return sig >= SIGRTMIN;
}

// struct siginfo (128 bytes) as 16 words: word 0 holds si_signo and
// si_errno, word 1 si_code; the union starts at word 2.
class SigInfo {
public:
    using Words = klib::Array<u64, 16>;
    SigInfo() = default;
    SigInfo(i32 sig, i32 code) {
        w_[0] = u64(u32(sig));
        w_[1] = u64(u32(code));
    }
    // kill(2), tkill(2), sigqueue: sender's pid and uid.
    static SigInfo user(i32 sig, i32 code, i32 pid, u32 uid) {
        SigInfo i(sig, code);
        i.w_[2] = u64(u32(pid)) | (u64(uid) << 32);
        return i;
    }
    // A fault: si_addr.
    static SigInfo fault(i32 sig, i32 code, u64 addr) {
        SigInfo i(sig, code);
        i.w_[2] = addr;
        return i;
    }
    // Built from user memory (rt_sigqueueinfo): taken as is, signo forced.
    static SigInfo from_words(const Words& w, i32 sig) {
        SigInfo i;
        i.w_ = w;
        i.w_[0] = (i.w_[0] & ~u64(0xffffffff)) | u64(u32(sig));
        return i;
    }
    i32 signo() const { return i32(u32(w_[0])); }
    i32 code() const { return i32(u32(w_[1])); }
    void set_word(usize i, u64 v) { w_[i] = v; }
    Words words() const { return w_; }

private:
    Words w_{};
};

// One rt_sigaction record (struct kernel_sigaction on x86-64).
struct SigAction {
    u64 handler = SIG_DFL;
    u64 flags = 0;
    u64 restorer = 0;
    u64 mask = 0;
};

// What the default action of a signal does.
enum class Default : u8 { Terminate, Core, Stop, Continue, Ignore };
Default default_action(i32 sig);

// The dispositions of a process (shared by its threads).
struct SigHandlers {
    klib::Array<SigAction, 64> actions{}; // index: signal number - 1
    SigAction get(i32 sig) const { return actions[usize(sig - 1)]; }
    void set(i32 sig, const SigAction& a) { actions[usize(sig - 1)] = a; }
    // Whether `sig` would be dropped on arrival (SIG_IGN, or SIG_DFL with
    // an Ignore default).
    bool ignores(i32 sig) const;
    // The signals delivery would drop (ignored; with `unkillable`, as for
    // init, also those left at SIG_DFL but SIGKILL, SIGSTOP and faults).
    u64 dropped(bool unkillable) const;
    // clone(CLONE_CLEAR_SIGHAND) and execve: handled signals back to
    // SIG_DFL, ignored ones stay ignored; every flag and mask cleared.
    void reset_handled();
};

// Signals posted and not yet delivered: standard signals coalesce (one
// siginfo each), real-time signals queue in order.
class Pending {
public:
    u64 set() const { return set_; }
    // Adds `info`; false if it was coalesced or could not be queued
    // (out of memory: as Linux past RLIMIT_SIGPENDING, the signal is
    // dropped).
    bool add(const SigInfo& info);
    // Removes the first pending signal in `allowed` (synchronous ones
    // first, then the lowest number).
    klib::Optional<SigInfo> take(u64 allowed);
    // Drops every instance of the signals in `sigs`.
    void discard(u64 sigs);

private:
    u64 set_ = 0;
    klib::Vec<SigInfo> queued_; // in arrival order; one per standard signal
};

// The part another task may touch: posted signals, and the wake-up of the
// owner's interruptible waits. Shared (Arc) by the owner, the process table
// and timer tasks.
class Inbox {
public:
    // Queues `info` and wakes the owner if it waits. Any context but IRQ.
    void post(const SigInfo& info) const;
    u64 pending() const {
        return pending_.with([](const Pending& p) { return p.set(); });
    }
    klib::Optional<SigInfo> take(u64 allowed) const {
        return pending_.with([&](Pending& p) { return p.take(allowed); });
    }
    void discard(u64 sigs) const {
        pending_.with([&](Pending& p) { p.discard(sigs); });
    }
    // Wakes the owner's interruptible waits without posting (they re-check):
    // Inbox::wait, and the tasks attached here wherever they block
    // (services/wait: keel::wake_task).
    void kick() const;
    // The task of one of the owner's threads, woken by every post and kick
    // until detached (thread start and exit). NoMemory.
    klib::Result<void> attach(keel::TaskId task) const;
    void detach(keel::TaskId task) const;
    // Sleeps until cond() holds or a kick/post; `timeout_ns` 0: no limit.
    // Returns cond()'s last value.
    bool wait(klib::FunctionRef<bool()> cond, u64 timeout_ns) const;
    // How many posts and kicks happened: a waiter on another queue sleeps
    // until this changes.
    u64 generation() const {
        return state_.with([](State& s) { return s.gen; });
    }
    // ---- job control (the process's shared inbox; Linux's group stop) ----
    // A thread that dequeued a stop signal starts a group stop (none in
    // progress yet): every thread of the process is to park, and each
    // sees stop_wanted() until it has. Returns false when one is already
    // under way or done (the signal is then absorbed, as Linux's).
    bool begin_stop(i32 sig) const;
    // Whether the thread that last took part in generation `seen` must
    // still park (a group stop is under way or done since).
    bool stop_wanted(u64 seen) const {
        return state_.with([&](State& s) { return s.job.stopping && s.job.gen != seen; });
    }
    // The thread parks: counted in; `live` is the process's live thread
    // count. Returns the generation it took part in, and whether the stop
    // is complete with it (the caller then tells the parent CLD_STOPPED).
    struct Parked {
        u64 gen = 0;
        bool completed = false;
    };
    Parked park(u32 live) const;
    // A thread left the process during a group stop: completes the stop
    // when every other thread is parked (true: tell the parent).
    bool recount(u32 live) const;
    // A group stop is under way or done (until SIGCONT): every wait of a
    // thread of the process that is not parked ends, so the thread parks.
    bool group_stopping() const {
        return state_.with([](State& s) { return s.job.stopping; });
    }
    // Whether a thread parked in generation `gen` stays parked.
    bool holds(u64 gen) const {
        return state_.with([&](State& s) { return s.job.stopping && s.job.gen == gen; });
    }
    // Every thread parked: what /proc shows as "T (stopped)".
    bool stopped() const {
        return state_.with([](State& s) { return s.job.stopped; });
    }
    // SIGCONT: ends a group stop (under way or done), wakes the parked
    // threads, and records a continue for wait(WCONTINUED) and, when the
    // group had stopped or was stopping, the parent's SIGCHLD.
    void resume() const;
    // The parent notification left to do (CLD_STOPPED or CLD_CONTINUED,
    // 0: none), taken by the thread that does it, with the signal for
    // si_status.
    struct Notice {
        i32 code = 0;
        i32 status = 0;
    };
    Notice take_notice() const;
    // Job-control work for the thread that parked last in generation
    // `seen`: a stop to park for, or a notice to send (one lock: the
    // return-to-user path asks).
    bool job_work(u64 seen) const {
        return state_.with([&](State& s) {
            return (s.job.stopping && s.job.gen != seen) || s.job.notice != 0;
        });
    }
    // wait(2)'s reports, each given once (`consume`: not WNOWAIT): a
    // completed stop (the stop signal; 0: none) and a continue.
    i32 stop_report(bool consume) const;
    bool continue_report(bool consume) const;

private:
    struct JobState {
        u64 gen = 0;          // bumped by each group stop
        bool stopping = false; // a group stop under way or done, until SIGCONT
        bool stopped = false;  // every thread parked (SIGNAL_STOP_STOPPED)
        i32 sig = 0;           // the stop signal (group_exit_code)
        u32 parked = 0;        // threads parked in this generation
        i32 report_stop = 0;   // for wait(WUNTRACED): the signal, 0 once reported
        bool report_cont = false; // for wait(WCONTINUED) (SIGNAL_STOP_CONTINUED)
        i32 notice = 0;        // the parent's SIGCHLD to send (SIGNAL_CLD_*)
        i32 notice_status = 0;
    };
    struct State {
        u64 gen = 0;
        JobState job;
    };
    keel::SpinLock<Pending> pending_;
    keel::SpinLock<State> state_;
    keel::SpinLock<klib::Vec<keel::TaskId>> tasks_;
    keel::WaitQueue wq_;
};

// Sends `info` to a process (its shared inbox), with Linux's side effects:
// a stop signal discards a pending SIGCONT, SIGCONT discards pending stop
// signals and resumes a stopped process (Inbox::resume); SIGKILL wakes
// its parked threads to die (without a continue).
// Ignored signals are dropped when the receiver dequeues them. Any task.
void send(const Inbox& shared, const SigInfo& info);

// sigaltstack.
constexpr u32 SS_ONSTACK = 1;
constexpr u32 SS_DISABLE = 2;
constexpr u32 SS_AUTODISARM = 1u << 31;
constexpr u64 MINSIGSTKSZ = 2048;

struct AltStack {
    u64 sp = 0;
    u64 size = 0;
    u32 flags = SS_DISABLE; // as sigaltstack(2) set them (SS_AUTODISARM kept)
    // Whether `rsp` is on the stack (never, with SS_AUTODISARM: Linux's
    // on_sig_stack).
    bool on(u64 rsp) const { return (flags & SS_AUTODISARM) == 0 && within(rsp); }
    bool within(u64 rsp) const { return rsp > sp && rsp - sp <= size; }
    // SS_DISABLE, SS_ONSTACK or 0 for code running at `rsp`.
    u32 state_at(u64 rsp) const {
        if (size == 0) {
            return SS_DISABLE;
        }
        return on(rsp) ? SS_ONSTACK : 0;
    }
    // sigaltstack(2)'s change, checked as Linux's do_sigaltstack; returns
    // 0 or a positive errno (EPERM, EINVAL, ENOMEM).
    u32 change(u64 rsp, u64 new_sp, u32 new_flags, u64 new_size);
};

// Linux's kernel-internal restart codes: a blocking syscall returns one of
// these when a signal interrupts it; deliver() turns it into EINTR or a
// restart.
constexpr u64 ERESTARTSYS = 512;
constexpr u64 ERESTARTNOINTR = 513;
constexpr u64 ERESTARTNOHAND = 514;
constexpr u64 ERESTART_RESTARTBLOCK = 516;
constexpr u64 NR_RESTART_SYSCALL = 219;

// Per-thread signal state (the thread's mask, altstack, own pending set).
// Only the thread itself touches it (self-directed tkill, faults, SIGPIPE
// post to `pending`).
struct ThreadSignals {
    Pending pending;
    u64 mask = 0;
    AltStack altstack;
    // rt_sigsuspend: the mask to restore once a handler has been set up.
    klib::Optional<u64> saved_mask;
    // The syscall being returned from (-1: none, or not to restart).
    i64 syscall_nr = -1;
    // restart_syscall(2): the absolute monotonic deadline of the
    // interrupted nanosleep (0: nothing to restart).
    u64 restart_deadline = 0;
    u64 restart_rem = 0; // its struct timespec for the remaining time
    // The last CPU exception that raised a signal (uc_mcontext's trapno,
    // err and cr2, as Linux's thread.trap_nr/error_code/cr2).
    u64 trap_nr = 0;
    u64 error_code = 0;
    u64 cr2 = 0;
    // The dispositions' dropped() mask, refreshed before a wait.
    u64 dropped = 0;
    // What the thread last published for its interruptible waits
    // (process::publish_signals skips the registry when nothing changed).
    bool published = false;
    u64 published_mask = 0;
    u64 published_own = 0;
    // The last group stop this thread parked for (Inbox::park).
    u64 stop_seen = 0;

    // The signals pending here or in `shared` and not blocked.
    u64 deliverable(const Inbox& shared) const {
        return (pending.set() | shared.pending()) & ~mask;
    }
    // Whether a signal would interrupt an interruptible wait now.
    // (A group stop this thread has not parked for interrupts too: the
    // wait ends, the thread parks, the syscall restarts on SIGCONT.)
    bool interrupting(const Inbox& shared) const {
        return (deliverable(shared) & ~dropped) != 0 || shared.stop_wanted(stop_seen);
    }
};

// A signal for the calling thread itself (tkill of its own tid, SIGPIPE,
// faults); `shared` is its process's inbox, whose waiters are woken.
void send_thread(ThreadSignals& t, const Inbox& shared, const SigInfo& info);

// ITIMER_REAL: one per process, fired by a kernel task that calls the
// `fire` function it was started with (which posts SIGALRM). All methods
// are const: the timer lives in a process reached through Arc.
class RealTimer {
public:
    struct Value {
        u64 interval_ns = 0;
        u64 remaining_ns = 0; // 0: disarmed
    };
    // Arms (remaining 0: disarms) and returns the previous value. The first
    // arming starts the task with `fire` (later ones drop it). NoMemory.
    klib::Result<Value> set(Value v, klib::Function<void()> fire) const;
    Value get() const;
    // Ends the task (process exit): it holds what `fire` captured.
    void stop() const;
    RealTimer() = default;
    RealTimer(const RealTimer&) = delete;
    RealTimer& operator=(const RealTimer&) = delete;
    ~RealTimer() { stop(); }

    struct State {
        u64 deadline = 0; // absolute monotonic ns; 0: disarmed
        u64 interval = 0;
        u64 generation = 0; // bumped on each set: the task re-reads
        bool quit = false;
    };
    struct Shared {
        keel::SpinLock<State> state;
        keel::WaitQueue wq;
    };

private:
    keel::SpinLock<klib::Optional<klib::Arc<Shared>>> shared_;
};

// Per-process signal state, reached through the process's Arc (const):
// the shared pending set with the wake-up of every thread's waits, and
// ITIMER_REAL. (The dispositions live in the process's locked state.)
struct ProcessSignals {
    Inbox shared;
    RealTimer itimer;
};

} // namespace services::signal
