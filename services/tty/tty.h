// Terminals: a Tty is a line discipline, its settings (termios, window
// size) and its job-control state (the session it controls and the
// foreground process group), in front of an output sink. The console Tty
// (/dev/console, /dev/ttyS0; /dev/tty is the caller's controlling
// terminal) is fed by a kernel task that waits for serial input.
//
// The tty subsystem does not know processes. Whatever it needs to know
// about the caller it asks through a ProcessView (implemented by the
// syscall layer for the calling process), and signals go out through the
// SignalSink registered at start-up. Linux's checks, in Linux's order
// (drivers/tty/tty_jobctrl.c, tty_io.c, n_tty.c).
#pragma once

#include "../fs/device.h"
#include "../fs/file.h"
#include "ldisc.h"
#include <keel/sync/spinlock.h>
#include <keel/task.h>
#include <klib/arc.h>
#include <klib/box.h>

namespace services::tty {

using Errno = fs::Errno;

constexpr i32 SIGHUP = 1;
constexpr i32 SIGCONT = 18;
constexpr i32 SIGTTIN = 21;
constexpr i32 SIGTTOU = 22;
constexpr i32 SIGWINCH = 28;

class Tty;

// The calling process, as the terminal sees it.
class ProcessView {
public:
    virtual ~ProcessView() = default;
    virtual i32 pid() const = 0;
    virtual i32 pgid() const = 0;
    virtual i32 sid() const = 0;
    virtual bool is_session_leader() const = 0;
    // The caller's controlling terminal, if any (shared by its session).
    virtual klib::Optional<klib::Arc<Tty>> ctty() const = 0;
    // Sets or clears it for every process of the caller's session.
    virtual void set_ctty(klib::Optional<klib::Arc<Tty>> t) const = 0;
    // The session of process group `pgrp`; none when there is no such group.
    virtual klib::Optional<i32> session_of_pgrp(i32 pgrp) const = 0;
    // Whether the caller blocks or ignores `sig` (job-control signals are
    // then not sent: EIO or go ahead, as Linux).
    virtual bool ignores_or_blocks(i32 sig) const = 0;
    // Whether the caller's process group is orphaned (no parent in
    // another group of the same session).
    virtual bool pgrp_orphaned() const = 0;
    // Capable of CAP_SYS_ADMIN (TIOCSCTTY stealing).
    virtual bool is_admin() const = 0;
};

// Where the terminal's signals go (the signal subsystem registers one).
class SignalSink {
public:
    virtual ~SignalSink() = default;
    virtual void kill_pgrp(i32 pgrp, i32 sig) const = 0;
};
void set_signal_sink(klib::Arc<SignalSink> sink);
// Sends through the registered sink (none yet: logged and dropped).
void send_to_pgrp(i32 pgrp, i32 sig);

enum class SetWhen : u8 { Now, Drain, Flush };

class Tty {
public:
    // A new terminal with Linux's default settings (ENOMEM).
    static klib::Result<klib::Arc<Tty>, Errno> create();
    Tty(klib::Box<LineDiscipline> ld, u64 id) : state_(State{klib::move(ld), {}, 0, 0}), id_(id) {}

    // ---- data ----
    // Bytes from the line: line discipline, echo, signals, wake-ups.
    void receive(klib::Span<const u8> bytes) const;
    // read(2): blocks as the mode says (canonical: a line; raw:
    // VMIN/VTIME); EAGAIN with `nonblock` when nothing is readable.
    klib::Result<usize, Errno> read(u64 len, fs::ReadSink sink, bool nonblock) const;
    klib::Result<usize, Errno> write(u64 len, fs::WriteSource source) const;
    u32 poll() const;
    usize readable_bytes() const;
    klib::Result<void> observe(const klib::Arc<fs::Observer>& o) const { return pollee_.observe(o); }
    void unobserve(const klib::Arc<fs::Observer>& o) const { pollee_.unobserve(o); }

    // ---- settings ----
    Termios termios() const;
    void set_termios(const Termios& t, SetWhen when) const;
    WinSize winsize() const;
    void set_winsize(const WinSize& w) const;
    void flush_input() const;

    // ---- job control (ioctls; `self` is this Tty's Arc) ----
    // tty_check_change: may the caller change the terminal (TCSETS, ...)?
    // A background process's group gets SIGTTOU and the call gives
    // ERESTARTSYS (it restarts once the group is continued); EIO when the
    // group is orphaned; allowed when the caller ignores or blocks it.
    klib::Result<void, Errno> check_change(const ProcessView& p) const;
    // read(2) / write(2) job control (SIGTTIN; SIGTTOU with TOSTOP).
    klib::Result<void, Errno> check_read(const ProcessView& p) const;
    klib::Result<void, Errno> check_write(const ProcessView& p) const;
    klib::Result<i32, Errno> get_pgrp(const ProcessView& p, const klib::Arc<Tty>& self) const;
    klib::Result<void, Errno> set_pgrp(const ProcessView& p, const klib::Arc<Tty>& self, i32 pgrp) const;
    klib::Result<i32, Errno> get_sid(const ProcessView& p, const klib::Arc<Tty>& self) const;
    klib::Result<void, Errno> set_ctty(const ProcessView& p, const klib::Arc<Tty>& self, u64 arg,
                                       bool readable) const;
    klib::Result<void, Errno> drop_ctty(const ProcessView& p, const klib::Arc<Tty>& self) const;
    // The session and foreground group (0: none), e.g. for setsid/exit.
    i32 session() const;
    i32 foreground() const;
    // The session leader `sid` exits or disassociates: SIGHUP and SIGCONT
    // to the foreground group, and the terminal is free again.
    void hangup_session(i32 sid) const;

    u64 id() const { return id_; }

private:
    struct State {
        klib::Box<LineDiscipline> ld;
        WinSize ws;
        i32 session = 0; // 0: no session controls it
        i32 pgrp = 0;    // foreground process group
    };
    bool is_ctty_of(const ProcessView& p, const klib::Arc<Tty>& self) const;
    bool has_input() const;
    usize available() const;
    keel::SpinLock<State> state_;
    fs::Pollee pollee_;
    keel::WaitQueue readers_;
    u64 id_ = 0;
};

// A process's terminal state (embedded in process::Process): its
// controlling terminal, inherited by fork, cleared by setsid.
struct ProcessTty {
    klib::Optional<klib::Arc<Tty>> ctty;
};

// The console terminal (created on first use; ENOMEM).
klib::Result<klib::Arc<Tty>, Errno> console();

// A file open on a terminal.
class TtyFile final : public fs::DeviceFile {
public:
    TtyFile(klib::Arc<fs::Inode> node, u32 flags, klib::Arc<Tty> tty, bool console)
        : DeviceFile(klib::move(node), flags), tty_(klib::move(tty)), console_(console) {}
    klib::Result<usize, Errno> read(u64, u64 len, fs::ReadSink sink) const override;
    klib::Result<usize, Errno> write(u64, u64 len, fs::WriteSource source) const override;
    bool seekable() const override { return false; }
    bool seek_always_zero() const override { return false; }
    u32 poll() const override { return tty_->poll(); }
    bool is_tty() const override { return true; }
    bool supports_epoll() const override { return true; }
    klib::Result<void> observe(const klib::Arc<fs::Observer>& o) const override {
        return tty_->observe(o);
    }
    void unobserve(const klib::Arc<fs::Observer>& o) const override { tty_->unobserve(o); }
    klib::Optional<u64> readable_bytes() const override { return u64(tty_->readable_bytes()); }
    klib::Arc<Tty> tty() const { return tty_.clone(); }
    // Opened as /dev/console (never becomes a controlling terminal by open).
    bool is_console() const { return console_; }

    KLIB_DYN_TYPE(TtyFile)

private:
    klib::Arc<Tty> tty_;
    bool console_;
};

// /dev/tty before it is resolved: opening it yields this marker, which the
// open system call replaces with the caller's controlling terminal (ENXIO
// when there is none), as Linux's tty_open does with `current`.
class CttyMarker final : public fs::DeviceFile {
public:
    using DeviceFile::DeviceFile;
    KLIB_DYN_TYPE(CttyMarker)
};
// The file /dev/tty opens for `p`, from the marker's node and flags.
klib::Result<klib::Arc<fs::File>, Errno> open_ctty(const ProcessView& p, const CttyMarker& m);

// Registers /dev/console (5:1), /dev/tty (5:0), /dev/ttyS0 (4:64) and
// starts the console's input task. Idempotent.
klib::Result<void, Errno> register_devices();

} // namespace services::tty
