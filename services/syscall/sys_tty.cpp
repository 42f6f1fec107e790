#include "sys_tty.h"

#include "../process/table.h"
#include "user_mem.h"
#include <klib/downcast.h>

namespace services::syscall {

namespace {

constexpr u64 TCGETS = 0x5401;
constexpr u64 TCSETS = 0x5402;
constexpr u64 TCSETSW = 0x5403;
constexpr u64 TCSETSF = 0x5404;
constexpr u64 TCSBRK = 0x5409;
constexpr u64 TCFLSH = 0x540b;
constexpr u64 TIOCSCTTY = 0x540e;
constexpr u64 TIOCGPGRP = 0x540f;
constexpr u64 TIOCSPGRP = 0x5410;
constexpr u64 TIOCOUTQ = 0x5411;
constexpr u64 TIOCGWINSZ = 0x5413;
constexpr u64 TIOCSWINSZ = 0x5414;
constexpr u64 FIONREAD = 0x541b;
constexpr u64 TIOCNOTTY = 0x5422;
constexpr u64 TCSBRKP = 0x5425;
constexpr u64 TIOCSBRK = 0x5427;
constexpr u64 TIOCCBRK = 0x5428;
constexpr u64 TIOCGSID = 0x5429;
constexpr u64 TIOCGSERIAL = 0x541e;
constexpr u64 SIG_IGN = 1;

using TermiosBytes = klib::Array<u8, tty::TERMIOS_SIZE>;
using WinBytes = klib::Array<u16, 4>;

// The calling thread's process as the terminal sees it (a snapshot
// taken at the call; a changed controlling terminal is written back by
// apply()).
class View final : public tty::ProcessView {
public:
    explicit View(const process::Thread& t)
        : pid_(t.pid()), pgid_(process::getpgid(t.pid())), sid_(process::getsid(t.pid())),
          ignored_(t.sig.mask), ctty_(klib::none) {
        t.proc->state.with([&](process::ProcState& s) {
            for (usize i = 0; i < usize(signal::NSIG); ++i) {
                if (s.handlers.actions[i].handler == SIG_IGN) {
                    ignored_ |= 1ull << i;
                }
            }
            if (s.terminal.ctty.has_value()) {
                ctty_.with([&](Ctty& c) { c.emplace(s.terminal.ctty.value().clone()); });
            }
        });
    }
    i32 pid() const override { return pid_; }
    i32 pgid() const override { return pgid_; }
    i32 sid() const override { return sid_; }
    bool is_session_leader() const override { return sid_ == pid_; }
    klib::Optional<klib::Arc<tty::Tty>> ctty() const override {
        return ctty_.with([](Ctty& c) -> Ctty {
            if (!c.has_value()) {
                return klib::none;
            }
            return c.value().clone();
        });
    }
    void set_ctty(klib::Optional<klib::Arc<tty::Tty>> t) const override {
        ctty_.with([&](Ctty& c) { c = klib::move(t); });
        changed_.with([](bool& b) { b = true; });
    }
    klib::Optional<i32> session_of_pgrp(i32 pgrp) const override { return process::session_of_pgrp(pgrp); }
    bool ignores_or_blocks(i32 sig) const override {
        return sig >= 1 && sig <= signal::NSIG && (ignored_ & (1ull << (sig - 1))) != 0;
    }
    bool pgrp_orphaned() const override { return process::pgrp_orphaned(pgid_); }
    bool is_admin() const override { return true; } // uid 0 with every capability

    // Writes a changed controlling terminal back into the process. (Linux
    // keeps it per session leader's signal struct and copies it on fork;
    // here the caller's process holds it and fork copies ProcState.)
    void apply(const process::Thread& t) const {
        if (changed_.with([](bool& b) { return b; })) {
            Ctty c = ctty();
            t.proc->state.with([&](process::ProcState& s) { s.terminal.ctty = klib::move(c); });
        }
    }

private:
    using Ctty = klib::Optional<klib::Arc<tty::Tty>>;
    i32 pid_;
    i32 pgid_;
    i32 sid_;
    u64 ignored_ = 0;
    keel::SpinLock<Ctty> ctty_;
    keel::SpinLock<bool> changed_;
};

// The terminal's ^C, ^Z, ^\ and SIGTTIN/SIGTTOU go to a process group as
// the kernel's own signals (Linux's kill_pgrp(..., 1): SI_KERNEL).
class PgrpSignals final : public tty::SignalSink {
public:
    void kill_pgrp(i32 pgrp, i32 sig) const override {
        if (pgrp <= 0) {
            return;
        }
        auto targets = process::signal_targets(-pgrp, 0);
        if (targets.is_err()) {
            return; // out of memory: the signal is lost, as a full queue
        }
        constexpr i32 SI_KERNEL = 0x80;
        const signal::SigInfo info = signal::SigInfo::user(sig, SI_KERNEL, 0, 0);
        for (const klib::Arc<process::Process>& p : targets.value()) {
            signal::send((*p).signals.shared, info);
        }
    }
};

} // namespace

klib::Result<void> install_tty_signals() {
    tty::set_signal_sink(TRY(klib::Arc<PgrpSignals>::make()).clone_as<tty::SignalSink>());
    return {};
}

SysResult tty_ioctl(process::Thread& t, const tty::TtyFile& f, u64 cmd, u64 arg) {
    const View view(t);
    const klib::Arc<tty::Tty> tty = f.tty();
    switch (cmd) {
    case TCGETS:
        TRY_SYS(t.space->write_val(arg, tty->termios().to_bytes()));
        return u64(0);
    case TCSETS:
    case TCSETSW:
    case TCSETSF: {
        TRY(tty->check_change(view));
        const TermiosBytes b = TRY_SYS(t.space->read_val<TermiosBytes>(arg));
        const tty::SetWhen when = cmd == TCSETS    ? tty::SetWhen::Now
                                  : cmd == TCSETSW ? tty::SetWhen::Drain
                                                   : tty::SetWhen::Flush;
        tty->set_termios(tty::Termios::from_bytes(b), when);
        return u64(0);
    }
    case TCSBRK:
    case TCSBRKP:
    case TIOCSBRK:
    case TIOCCBRK: {
        // Output is written synchronously: nothing to drain (tcdrain is
        // TCSBRK with a nonzero argument). A break holds the line for its
        // duration (0.25 s; TCSBRKP: arg tenths), interruptibly, as
        // Linux's send_break; TIOCSBRK/TIOCCBRK set and clear it.
        TRY(tty->check_change(view));
        u64 ms = 0;
        if (cmd == TCSBRK && arg == 0) {
            ms = 250;
        } else if (cmd == TCSBRKP) {
            ms = arg == 0 ? 250 : (arg > 100000 ? 100000 : arg) * 100;
        }
        if (ms == 0) {
            return u64(0);
        }
        const signal::Inbox& in = t.proc->signals.shared;
        if (in.wait([&]() { return t.sig.interrupting(in); }, ms * 1000000)) {
            return Errno::EINTR;
        }
        return u64(0);
    }
    case TCFLSH:
        TRY(tty->check_change(view));
        if (arg > 2) {
            return Errno::EINVAL;
        }
        if (arg != 1) { // TCIFLUSH, TCIOFLUSH (output is never queued)
            tty->flush_input();
        }
        return u64(0);
    case TIOCGWINSZ: {
        const tty::WinSize w = tty->winsize();
        const WinBytes b = {w.rows, w.cols, w.xpixel, w.ypixel};
        TRY_SYS(t.space->write_val(arg, b));
        return u64(0);
    }
    case TIOCSWINSZ: {
        const WinBytes b = TRY_SYS(t.space->read_val<WinBytes>(arg));
        tty->set_winsize(tty::WinSize{b[0], b[1], b[2], b[3]});
        return u64(0);
    }
    case FIONREAD:
        TRY_SYS(t.space->write_val(arg, i32(tty->readable_bytes())));
        return u64(0);
    case TIOCOUTQ:
        TRY_SYS(t.space->write_val(arg, i32(0))); // output is written synchronously
        return u64(0);
    case TIOCGPGRP: {
        const i32 pgrp = TRY(tty->get_pgrp(view, tty));
        TRY_SYS(t.space->write_val(arg, pgrp));
        return u64(0);
    }
    case TIOCSPGRP: {
        auto r = tty->check_change(view);
        if (r.is_err()) {
            return r.error() == Errno::EIO ? Errno::ENOTTY : r.error();
        }
        const i32 pgrp = TRY_SYS(t.space->read_val<i32>(arg));
        TRY(tty->set_pgrp(view, tty, pgrp));
        return u64(0);
    }
    case TIOCGSID: {
        const i32 sid = TRY(tty->get_sid(view, tty));
        TRY_SYS(t.space->write_val(arg, sid));
        return u64(0);
    }
    case TIOCGSERIAL: {
        // struct serial_struct of the console's UART, COM1 (the port the
        // framework's console drives): a 16550A at 0x3f8, IRQ 4, 16-byte
        // FIFO, 115200 baud base, Linux's default close delays (0.5 s,
        // 30 s in centiseconds); flags and the MMIO fields are 0.
        klib::Array<u32, 18> ser{};
        ser[0] = 4;       // type: PORT_16550A
        ser[1] = 0;       // line: ttyS0
        ser[2] = 0x3f8;   // port
        ser[3] = 4;       // irq
        ser[5] = 16;      // xmit_fifo_size
        ser[7] = 115200;  // baud_base
        ser[8] = 50;      // close_delay (u16), io_type 0 (UPIO_PORT)
        ser[10] = 3000;   // closing_wait (u16), closing_wait2 0
        TRY_SYS(t.space->write_val(arg, ser));
        return u64(0);
    }
    case TIOCSCTTY:
        TRY(tty->set_ctty(view, tty, arg, f.readable()));
        view.apply(t);
        return u64(0);
    case TIOCNOTTY:
        TRY(tty->drop_ctty(view, tty));
        view.apply(t);
        return u64(0);
    default:
        return Errno::ENOTTY;
    }
}

klib::Result<void, Errno> tty_check_read(process::Thread& t, const fs::File& f) {
    return klib::downcast_ref<tty::TtyFile>(f, [&](const tty::TtyFile& f2) -> klib::Result<void, Errno> {
        if (f2.is_console()) {
            return {}; // /dev/console skips job control (Linux's redirected console)
        }
        return f2.tty()->check_read(View(t));
    }).value_or(klib::Result<void, Errno>{});
}

klib::Result<void, Errno> tty_check_write(process::Thread& t, const fs::File& f) {
    return klib::downcast_ref<tty::TtyFile>(f, [&](const tty::TtyFile& f2) -> klib::Result<void, Errno> {
        if (f2.is_console()) {
            return {};
        }
        return f2.tty()->check_write(View(t));
    }).value_or(klib::Result<void, Errno>{});
}

klib::Result<klib::Arc<fs::File>, Errno> resolve_ctty(process::Thread& t, klib::Arc<fs::File> f, u32 flags) {
    if (auto marker = klib::downcast<tty::CttyMarker>(f); marker.has_value()) {
        return tty::open_ctty(View(t), *marker.value());
    }
    // Linux's tty_open_proc_set_tty: a session leader without a terminal
    // that opens one (not /dev/console, not with O_NOCTTY) acquires it.
    if (auto tf = klib::downcast<tty::TtyFile>(f); tf.has_value() && !tf.value()->is_console() &&
                                                   (flags & fs::O_NOCTTY) == 0) {
        const View view(t);
        const klib::Arc<tty::Tty> tty = tf.value()->tty();
        if (view.is_session_leader() && !view.ctty().has_value() && tty->session() == 0) {
            if (tty->set_ctty(view, tty, 0, tf.value()->readable()).is_ok()) {
                view.apply(t);
            }
        }
    }
    return f;
}

} // namespace services::syscall
