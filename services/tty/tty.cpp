#include "tty.h"

#include "../random/random.h"

#include <keel/console.h>
#include <keel/log.h>
#include <keel/serial.h>
#include <keel/time.h>

namespace services::tty {

namespace {

keel::SpinLock<klib::Optional<klib::Arc<SignalSink>>> g_sink;
keel::SpinLock<klib::Optional<klib::Arc<Tty>>> g_console;
keel::SpinLock<u64> g_next_id;

constexpr usize CHUNK = 256;

void emit(const klib::Vec<u8>& bytes) {
    if (bytes.size() > 0) {
        keel::console_write_raw(bytes.span());
    }
}

} // namespace

void set_signal_sink(klib::Arc<SignalSink> sink) {
    g_sink.with([&](klib::Optional<klib::Arc<SignalSink>>& s) { s = klib::move(sink); });
}

void send_to_pgrp(i32 pgrp, i32 sig) {
    if (pgrp <= 0) {
        return;
    }
    auto sink = g_sink.with([](klib::Optional<klib::Arc<SignalSink>>& s) -> klib::Optional<klib::Arc<SignalSink>> {
        if (!s.has_value()) {
            return klib::none;
        }
        return s.value().clone();
    });
    if (!sink.has_value()) {
        keel::log_info("tty: signal {} for process group {} dropped (no signal delivery)", sig, pgrp);
        return;
    }
    sink.value()->kill_pgrp(pgrp, sig);
}

klib::Result<klib::Arc<Tty>, Errno> Tty::create() {
    auto ld = klib::Box<LineDiscipline>::make();
    if (ld.is_err()) {
        return Errno::ENOMEM;
    }
    const u64 id = g_next_id.with([](u64& n) { return ++n; });
    auto t = klib::Arc<Tty>::make(ld.release_value(), id);
    if (t.is_err()) {
        return Errno::ENOMEM;
    }
    return t.release_value();
}

bool Tty::has_input() const {
    return state_.with([](State& s) { return s.ld->readable(); });
}

usize Tty::available() const {
    return state_.with([](State& s) { return s.ld->available(); });
}

// ---- data ---------------------------------------------------------------------

void Tty::receive(klib::Span<const u8> bytes) const {
    for (u8 b : bytes) {
        random::add_event(b); // key timing feeds the entropy pool
    }
    klib::Vec<u8> echo;
    klib::Vec<i32> signals;
    i32 fg = 0;
    bool readable = false;
    state_.with([&](State& s) {
        fg = s.pgrp;
        for (u8 b : bytes) {
            const Effect e = s.ld->receive(b, echo);
            readable = readable || e.readable;
            if (e.signal != 0) {
                (void)signals.try_push(e.signal);
            }
        }
    });
    emit(echo);
    for (i32 sig : signals) {
        send_to_pgrp(fg, sig);
    }
    if (readable || signals.size() > 0) {
        readers_.wake_all();
        pollee_.notify(fs::POLLIN | fs::POLLRDNORM);
    }
}

klib::Result<usize, Errno> Tty::read(u64 len, fs::ReadSink sink, bool nonblock) const {
    if (len == 0) {
        return usize(0);
    }
    const Termios t = termios();
    const bool canon = (t.lflag & ICANON) != 0;
    const usize vmin = t.cc[VMIN];
    const u64 vtime_ns = u64(t.cc[VTIME]) * 100000000;
    // How many bytes make the read return (raw: MIN, at most len).
    const usize want = canon ? 1 : (vmin < len ? vmin : usize(len));
    if (!has_input()) {
        if (nonblock) {
            return Errno::EAGAIN;
        }
        if (!canon && vmin == 0) {
            // MIN 0: TIME bounds the wait for one byte (0: do not wait).
            if (vtime_ns > 0) {
                (void)readers_.wait_until_for([&] { return has_input(); }, vtime_ns);
            }
        } else {
            readers_.wait_until([&] { return has_input(); });
        }
    }
    if (!canon && want > 1) {
        // MIN > 1: wait for MIN bytes; with TIME, at most TIME between bytes.
        while (available() < want) {
            const usize before = available();
            if (vtime_ns == 0) {
                readers_.wait_until([&] { return available() > before; });
            } else if (!readers_.wait_until_for([&] { return available() > before; }, vtime_ns)) {
                break;
            }
        }
    }
    u64 done = 0;
    while (done < len) {
        klib::Array<u8, CHUNK> buf{};
        const usize room = usize(len - done < CHUNK ? len - done : CHUNK);
        bool line_done = false;
        const usize n = state_.with([&](State& s) {
            const usize got = s.ld->read(buf.span().first(room));
            line_done = canon && (got == 0 || got < room || buf[got - 1] == '\n' || !s.ld->readable());
            return got;
        });
        if (n > 0) {
            auto r = sink(buf.span().first(n));
            if (r.is_err()) {
                if (done > 0) {
                    break;
                }
                return r.error();
            }
        }
        done += n;
        if (n == 0 || line_done || (canon && n > 0 && buf[n - 1] == '\n')) {
            break;
        }
        if (canon) {
            // A line longer than the chunk: keep copying it.
            continue;
        }
        if (!has_input()) {
            break;
        }
    }
    if (done > 0) {
        pollee_.notify(fs::POLLOUT);
    }
    return usize(done);
}

klib::Result<usize, Errno> Tty::write(u64 len, fs::WriteSource source) const {
    u64 done = 0;
    while (done < len) {
        klib::Array<u8, CHUNK> buf{};
        const usize n = usize(len - done < CHUNK ? len - done : CHUNK);
        auto part = buf.span().first(n);
        auto r = source(part);
        if (r.is_err()) {
            if (done > 0) {
                break;
            }
            return r.error();
        }
        klib::Vec<u8> out;
        if (out.try_reserve(n * 2).is_err()) {
            return done > 0 ? klib::Result<usize, Errno>(usize(done)) : klib::Result<usize, Errno>(Errno::ENOMEM);
        }
        state_.with([&](State& s) {
            s.ld->process_output(buf.span().first(n), out);
        });
        emit(out);
        done += n;
    }
    return usize(done);
}

u32 Tty::poll() const {
    const bool in = has_input();
    return fs::POLLOUT | fs::POLLWRNORM | (in ? fs::POLLIN | fs::POLLRDNORM : 0);
}

usize Tty::readable_bytes() const {
    return state_.with([](State& s) { return s.ld->readable_bytes(); });
}

// ---- settings -------------------------------------------------------------------

Termios Tty::termios() const {
    return state_.with([](State& s) { return s.ld->termios(); });
}

void Tty::set_termios(const Termios& t, SetWhen when) const {
    // Output is written synchronously: TCSETSW has nothing to wait for.
    state_.with([&](State& s) {
        if (when == SetWhen::Flush) {
            s.ld->flush_input();
        }
        s.ld->set_termios(t);
    });
    readers_.wake_all();
    pollee_.notify(fs::POLLIN | fs::POLLOUT);
}

WinSize Tty::winsize() const {
    return state_.with([](State& s) { return s.ws; });
}

void Tty::set_winsize(const WinSize& w) const {
    i32 fg = 0;
    const bool changed = state_.with([&](State& s) {
        const bool diff = s.ws.rows != w.rows || s.ws.cols != w.cols || s.ws.xpixel != w.xpixel ||
                          s.ws.ypixel != w.ypixel;
        s.ws = w;
        fg = s.pgrp;
        return diff;
    });
    if (changed) {
        send_to_pgrp(fg, SIGWINCH);
    }
}

void Tty::flush_input() const {
    state_.with([](State& s) {
        s.ld->flush_input();
    });
}

// ---- job control -------------------------------------------------------------------

i32 Tty::session() const {
    return state_.with([](State& s) { return s.session; });
}
i32 Tty::foreground() const {
    return state_.with([](State& s) { return s.pgrp; });
}

bool Tty::is_ctty_of(const ProcessView& p, const klib::Arc<Tty>&) const {
    auto c = p.ctty();
    return c.has_value() && c.value()->id() == id_;
}

namespace {

// Linux's __tty_check_change for the caller's own terminal.
klib::Result<void, Errno> job_check(const ProcessView& p, i32 tty_pgrp, i32 sig) {
    const i32 pgrp = p.pgid();
    if (tty_pgrp == 0 || pgrp == tty_pgrp) {
        return {};
    }
    if (p.ignores_or_blocks(sig)) {
        if (sig == SIGTTIN) {
            return Errno::EIO;
        }
        return {};
    }
    if (p.pgrp_orphaned()) {
        return Errno::EIO;
    }
    send_to_pgrp(pgrp, sig);
    return Errno::ERESTARTSYS; // the group stops; the call restarts on SIGCONT
}

} // namespace

klib::Result<void, Errno> Tty::check_change(const ProcessView& p) const {
    auto c = p.ctty();
    if (!c.has_value() || c.value()->id() != id_) {
        return {};
    }
    return job_check(p, foreground(), SIGTTOU);
}

klib::Result<void, Errno> Tty::check_read(const ProcessView& p) const {
    auto c = p.ctty();
    if (!c.has_value() || c.value()->id() != id_) {
        return {};
    }
    return job_check(p, foreground(), SIGTTIN);
}

klib::Result<void, Errno> Tty::check_write(const ProcessView& p) const {
    if ((termios().lflag & TOSTOP) == 0) {
        return {};
    }
    return check_change(p);
}

klib::Result<i32, Errno> Tty::get_pgrp(const ProcessView& p, const klib::Arc<Tty>& self) const {
    if (!is_ctty_of(p, self)) {
        return Errno::ENOTTY;
    }
    return foreground();
}

klib::Result<void, Errno> Tty::set_pgrp(const ProcessView& p, const klib::Arc<Tty>& self, i32 pgrp) const {
    if (pgrp < 0) {
        return Errno::EINVAL;
    }
    if (!is_ctty_of(p, self) || session() != p.sid()) {
        return Errno::ENOTTY;
    }
    auto sid = p.session_of_pgrp(pgrp);
    if (!sid.has_value()) {
        return Errno::ESRCH;
    }
    if (sid.value() != p.sid()) {
        return Errno::EPERM;
    }
    state_.with([pgrp](State& s) { s.pgrp = pgrp; });
    return {};
}

klib::Result<i32, Errno> Tty::get_sid(const ProcessView& p, const klib::Arc<Tty>& self) const {
    if (!is_ctty_of(p, self)) {
        return Errno::ENOTTY;
    }
    const i32 sid = session();
    if (sid == 0) {
        return Errno::ENOTTY;
    }
    return sid;
}

klib::Result<void, Errno> Tty::set_ctty(const ProcessView& p, const klib::Arc<Tty>& self, u64 arg,
                                        bool readable) const {
    if (p.is_session_leader() && p.sid() == session()) {
        return {};
    }
    if (!p.is_session_leader() || p.ctty().has_value()) {
        return Errno::EPERM;
    }
    const i32 old = session();
    if (old != 0) {
        if (arg == 1 && p.is_admin()) {
            // Steal: the old session loses its terminal (its processes'
            // ctty is cleared by the process model when it next looks).
            state_.with([](State& s) {
                s.session = 0;
                s.pgrp = 0;
            });
        } else {
            return Errno::EPERM;
        }
    }
    if (!readable && !p.is_admin()) {
        return Errno::EPERM;
    }
    const i32 sid = p.sid();
    const i32 pgrp = p.pgid();
    state_.with([&](State& s) {
        s.session = sid;
        s.pgrp = pgrp;
    });
    p.set_ctty(self.clone());
    return {};
}

klib::Result<void, Errno> Tty::drop_ctty(const ProcessView& p, const klib::Arc<Tty>& self) const {
    if (!is_ctty_of(p, self)) {
        return Errno::ENOTTY;
    }
    if (p.is_session_leader()) {
        hangup_session(p.sid());
    }
    p.set_ctty(klib::none);
    return {};
}

void Tty::hangup_session(i32 sid) const {
    i32 fg = 0;
    const bool ours = state_.with([&](State& s) {
        if (s.session != sid || sid == 0) {
            return false;
        }
        fg = s.pgrp;
        s.session = 0;
        s.pgrp = 0;
        return true;
    });
    if (ours && fg != 0) {
        send_to_pgrp(fg, SIGHUP);
        send_to_pgrp(fg, SIGCONT);
    }
}

// ---- files ------------------------------------------------------------------------------

klib::Result<usize, Errno> TtyFile::read(u64, u64 len, fs::ReadSink sink) const {
    return tty_->read(len, sink, (flags() & fs::O_NONBLOCK) != 0);
}

klib::Result<usize, Errno> TtyFile::write(u64, u64 len, fs::WriteSource source) const {
    return tty_->write(len, source);
}

klib::Result<klib::Arc<Tty>, Errno> console() {
    auto have = g_console.with([](klib::Optional<klib::Arc<Tty>>& c) -> klib::Optional<klib::Arc<Tty>> {
        if (!c.has_value()) {
            return klib::none;
        }
        return c.value().clone();
    });
    if (have.has_value()) {
        return klib::move(have.value());
    }
    klib::Arc<Tty> fresh = TRY(Tty::create());
    return g_console.with([&](klib::Optional<klib::Arc<Tty>>& c) -> klib::Arc<Tty> {
        if (!c.has_value()) {
            c.emplace(fresh.clone());
        }
        return c.value().clone();
    });
}

klib::Result<klib::Arc<fs::File>, Errno> open_ctty(const ProcessView& p, const CttyMarker& m) {
    auto c = p.ctty();
    if (!c.has_value()) {
        return Errno::ENXIO;
    }
    auto f = klib::Arc<TtyFile>::make(m.node(), m.open_flags(), klib::move(c.value()), false);
    if (f.is_err()) {
        return Errno::ENOMEM;
    }
    return klib::Arc<fs::File>(f.release_value());
}

namespace {

class ConsoleDevice final : public fs::CharDevice {
public:
    explicit ConsoleDevice(bool console) : console_(console) {}
    klib::Result<klib::Arc<fs::File>, Errno> open(klib::Arc<fs::Inode> node, u32 flags) const override {
        klib::Arc<Tty> t = TRY(console());
        auto f = klib::Arc<TtyFile>::make(klib::move(node), flags, klib::move(t), console_);
        if (f.is_err()) {
            return Errno::ENOMEM;
        }
        return klib::Arc<fs::File>(f.release_value());
    }

private:
    bool console_;
};

class CurrentTtyDevice final : public fs::CharDevice {
public:
    klib::Result<klib::Arc<fs::File>, Errno> open(klib::Arc<fs::Inode> node, u32 flags) const override {
        auto f = klib::Arc<CttyMarker>::make(klib::move(node), flags);
        if (f.is_err()) {
            return Errno::ENOMEM;
        }
        return klib::Arc<fs::File>(f.release_value());
    }
};

keel::SpinLock<bool> g_registered;

// The console's input: serial bytes into the line discipline.
void input_task() {
    auto t = console();
    if (t.is_err()) {
        return;
    }
    for (;;) {
        keel::serial_input::wait();
        klib::Array<u8, 64> buf{};
        const usize n = keel::serial_input::read(buf.span());
        if (n == 0) {
            continue;
        }
        t.value()->receive(buf.span().first(n));
    }
}

template <typename D, typename... A>
klib::Result<void, Errno> add(u32 major, u32 minor, klib::StringView name, u32 mode, A... args) {
    auto d = klib::Arc<D>::make(args...);
    if (d.is_err()) {
        return Errno::ENOMEM;
    }
    return fs::register_char_device(major, minor, name, mode, klib::Arc<fs::CharDevice>(d.release_value()));
}

} // namespace

klib::Result<void, Errno> register_devices() {
    const bool first = g_registered.with([](bool& r) {
        const bool was = r;
        r = true;
        return !was;
    });
    if (!first) {
        return {};
    }
    TRY(console());
    TRY(add<CurrentTtyDevice>(5, 0, "tty", 0666));
    TRY(add<ConsoleDevice>(5, 1, "console", 0600, true));
    TRY(add<ConsoleDevice>(4, 64, "ttyS0", 0660, false));
    if (keel::serial_input::start()) {
        auto body = klib::Function<void()>::make([] { input_task(); });
        if (body.is_err() || keel::spawn_task(body.release_value()).is_err()) {
            keel::log_warn("tty: cannot start the console input task");
        }
    } else {
        keel::log_warn("tty: no serial input; the console is output-only");
    }
    return {};
}

} // namespace services::tty
