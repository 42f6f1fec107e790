#include "sys_tty.h"

#include "user_mem.h"
#include <klib/downcast.h>

namespace services::syscall {

namespace {

constexpr u64 TCGETS = 0x5401;
constexpr u64 TCSETS = 0x5402;
constexpr u64 TCSETSW = 0x5403;
constexpr u64 TCSETSF = 0x5404;
constexpr u64 TCFLSH = 0x540b;
constexpr u64 TIOCSCTTY = 0x540e;
constexpr u64 TIOCGPGRP = 0x540f;
constexpr u64 TIOCSPGRP = 0x5410;
constexpr u64 TIOCOUTQ = 0x5411;
constexpr u64 TIOCGWINSZ = 0x5413;
constexpr u64 TIOCSWINSZ = 0x5414;
constexpr u64 FIONREAD = 0x541b;
constexpr u64 TIOCNOTTY = 0x5422;
constexpr u64 TIOCGSID = 0x5429;
constexpr u64 SIG_IGN = 1;

using TermiosBytes = klib::Array<u8, tty::TERMIOS_SIZE>;
using WinBytes = klib::Array<u16, 4>;

// The calling process as the terminal sees it. Until process groups and
// sessions exist, the caller is Linux's init before setsid(): process
// group 0, session 0, not a session leader.
class View final : public tty::ProcessView {
public:
    explicit View(const process::Process& p) : pid_(p.pid), ctty_(klib::none) {
        for (usize i = 0; i < process::NSIG; ++i) {
            if (p.sigactions[i].handler == SIG_IGN) {
                ignored_ |= 1ull << i;
            }
        }
        ignored_ |= p.sigmask;
        if (p.terminal.ctty.has_value()) {
            ctty_.with([&](Ctty& c) { c.emplace(p.terminal.ctty.value().clone()); });
        }
    }
    i32 pid() const override { return pid_; }
    i32 pgid() const override { return 0; }
    i32 sid() const override { return 0; }
    bool is_session_leader() const override { return false; }
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
    klib::Optional<i32> session_of_pgrp(i32 pgrp) const override {
        if (pgrp == pgid()) {
            return sid();
        }
        return klib::none;
    }
    bool ignores_or_blocks(i32 sig) const override {
        return sig >= 1 && usize(sig) <= process::NSIG && (ignored_ & (1ull << (sig - 1))) != 0;
    }
    bool pgrp_orphaned() const override { return true; } // init's group: no parent outside it
    bool is_admin() const override { return true; }      // uid 0 with every capability

    // Writes a changed controlling terminal back into the process.
    void apply(process::Process& p) const {
        if (changed_.with([](bool& b) { return b; })) {
            p.terminal.ctty = ctty();
        }
    }

private:
    using Ctty = klib::Optional<klib::Arc<tty::Tty>>;
    i32 pid_;
    u64 ignored_ = 0;
    keel::SpinLock<Ctty> ctty_;
    keel::SpinLock<bool> changed_;
};

} // namespace

SysResult tty_ioctl(process::Process& p, const tty::TtyFile& f, u64 cmd, u64 arg) {
    const View view(p);
    const klib::Arc<tty::Tty> t = f.tty();
    switch (cmd) {
    case TCGETS:
        TRY_SYS(p.space.write_val(arg, t->termios().to_bytes()));
        return u64(0);
    case TCSETS:
    case TCSETSW:
    case TCSETSF: {
        TRY(t->check_change(view));
        const TermiosBytes b = TRY_SYS(p.space.read_val<TermiosBytes>(arg));
        const tty::SetWhen when = cmd == TCSETS    ? tty::SetWhen::Now
                                  : cmd == TCSETSW ? tty::SetWhen::Drain
                                                   : tty::SetWhen::Flush;
        t->set_termios(tty::Termios::from_bytes(b), when);
        return u64(0);
    }
    case TCFLSH:
        TRY(t->check_change(view));
        if (arg > 2) {
            return Errno::EINVAL;
        }
        if (arg != 1) { // TCIFLUSH, TCIOFLUSH (output is never queued)
            t->flush_input();
        }
        return u64(0);
    case TIOCGWINSZ: {
        const tty::WinSize w = t->winsize();
        const WinBytes b = {w.rows, w.cols, w.xpixel, w.ypixel};
        TRY_SYS(p.space.write_val(arg, b));
        return u64(0);
    }
    case TIOCSWINSZ: {
        const WinBytes b = TRY_SYS(p.space.read_val<WinBytes>(arg));
        t->set_winsize(tty::WinSize{b[0], b[1], b[2], b[3]});
        return u64(0);
    }
    case FIONREAD:
        TRY_SYS(p.space.write_val(arg, i32(t->readable_bytes())));
        return u64(0);
    case TIOCOUTQ:
        TRY_SYS(p.space.write_val(arg, i32(0))); // output is written synchronously
        return u64(0);
    case TIOCGPGRP: {
        const i32 pgrp = TRY(t->get_pgrp(view, t));
        TRY_SYS(p.space.write_val(arg, pgrp));
        return u64(0);
    }
    case TIOCSPGRP: {
        auto r = t->check_change(view);
        if (r.is_err()) {
            return r.error() == Errno::EIO ? Errno::ENOTTY : r.error();
        }
        const i32 pgrp = TRY_SYS(p.space.read_val<i32>(arg));
        TRY(t->set_pgrp(view, t, pgrp));
        return u64(0);
    }
    case TIOCGSID: {
        const i32 sid = TRY(t->get_sid(view, t));
        TRY_SYS(p.space.write_val(arg, sid));
        return u64(0);
    }
    case TIOCSCTTY:
        TRY(t->set_ctty(view, t, arg, f.readable()));
        view.apply(p);
        return u64(0);
    case TIOCNOTTY:
        TRY(t->drop_ctty(view, t));
        view.apply(p);
        return u64(0);
    default:
        return Errno::ENOTTY;
    }
}

klib::Result<void, Errno> tty_check_read(process::Process& p, const fs::File& f) {
    return klib::downcast_ref<tty::TtyFile>(f, [&](const tty::TtyFile& t) -> klib::Result<void, Errno> {
        return t.tty()->check_read(View(p));
    }).value_or(klib::Result<void, Errno>{});
}

klib::Result<void, Errno> tty_check_write(process::Process& p, const fs::File& f) {
    return klib::downcast_ref<tty::TtyFile>(f, [&](const tty::TtyFile& t) -> klib::Result<void, Errno> {
        return t.tty()->check_write(View(p));
    }).value_or(klib::Result<void, Errno>{});
}

klib::Result<klib::Arc<fs::File>, Errno> resolve_ctty(process::Process& p, klib::Arc<fs::File> f) {
    auto marker = klib::downcast<tty::CttyMarker>(f);
    if (!marker.has_value()) {
        return f;
    }
    return tty::open_ctty(View(p), *marker.value());
}

} // namespace services::syscall
