// ktests of the line discipline as pure logic: bytes in, then what a
// reader gets, what was echoed and which signal was asked for. The
// expectations are Linux 6.1's n_tty with tty_std_termios.
#include "ldisc.h"
#include "tty.h"
#include "../fs/filesystems.h"

#include <keel/ktest.h>
#include <klib/box.h>
#include <klib/string.h>

namespace services::tty {

namespace {

struct Fed {
    klib::Vec<u8> echo;
    klib::Vec<i32> signals;
    bool readable = false;
};

Fed feed(LineDiscipline& ld, klib::StringView in) {
    Fed f;
    for (char c : in) {
        const Effect e = ld.receive(u8(c), f.echo);
        if (e.signal != 0) {
            MUST(f.signals.try_push(e.signal));
        }
        f.readable = f.readable || e.readable;
    }
    return f;
}

bool same(const klib::Vec<u8>& got, klib::StringView want) {
    if (got.size() != want.size()) {
        return false;
    }
    for (usize i = 0; i < want.size(); ++i) {
        if (got[i] != u8(want[i])) {
            return false;
        }
    }
    return true;
}

// One read of at most `max` bytes, as text.
klib::String read_str(LineDiscipline& ld, usize max = 64) {
    klib::Array<u8, 64> buf{};
    const usize n = ld.read(buf.span().first(max));
    klib::String s;
    for (usize i = 0; i < n; ++i) {
        MUST(s.try_append(char(buf[i])));
    }
    return s;
}

} // namespace

KTEST(tty_ldisc_canonical_line_with_crnl_and_echo) {
    auto box = MUST(klib::Box<LineDiscipline>::make());
    LineDiscipline& ld = *box;
    Fed f = feed(ld, "ls -l");
    KEXPECT(!ld.readable()); // no line yet
    KEXPECT(same(f.echo, "ls -l"));
    f = feed(ld, "\r"); // ICRNL: CR is a newline; ONLCR echoes CR LF
    KEXPECT(f.readable);
    KEXPECT(same(f.echo, "\r\n"));
    KEXPECT_EQ(ld.readable_bytes(), usize(6));
    KEXPECT(read_str(ld) == "ls -l\n");
    KEXPECT(!ld.readable());
}

KTEST(tty_ldisc_read_returns_one_line_at_a_time) {
    auto box = MUST(klib::Box<LineDiscipline>::make());
    LineDiscipline& ld = *box;
    (void)feed(ld, "one\ntwo\n");
    KEXPECT(read_str(ld) == "one\n");
    KEXPECT(read_str(ld, 2) == "tw"); // a short buffer takes part of a line
    KEXPECT(read_str(ld) == "o\n");
}

KTEST(tty_ldisc_erase_kill_werase) {
    auto box = MUST(klib::Box<LineDiscipline>::make());
    LineDiscipline& ld = *box;
    Fed f = feed(ld, "abc\x7f"); // ^? erases with "\b \b" (ECHOE)
    KEXPECT(same(f.echo, "abc\b \b"));
    f = feed(ld, "d foo bar\x17"); // ^W erases "bar" only
    KEXPECT(same(f.echo, "d foo bar\b \b\b \b\b \b"));
    (void)feed(ld, "\n");
    KEXPECT(read_str(ld) == "abd foo \n");
    f = feed(ld, "xy\x15"); // ^U (ECHOK|ECHOKE|ECHOE): erase each char
    KEXPECT(same(f.echo, "xy\b \b\b \b"));
    (void)feed(ld, "z\n");
    KEXPECT(read_str(ld) == "z\n");
    f = feed(ld, "\x7f"); // nothing to erase: no echo
    KEXPECT_EQ(f.echo.size(), usize(0));
}

KTEST(tty_ldisc_kill_without_echoke_echoes_the_char_and_newline) {
    auto box = MUST(klib::Box<LineDiscipline>::make());
    LineDiscipline& ld = *box;
    Termios t = ld.termios();
    t.lflag &= ~ECHOKE;
    ld.set_termios(t);
    const Fed f = feed(ld, "ab\x15");
    KEXPECT(same(f.echo, "ab^U\r\n"));
}

KTEST(tty_ldisc_control_chars_echo_as_caret) {
    auto box = MUST(klib::Box<LineDiscipline>::make());
    LineDiscipline& ld = *box;
    const Fed f = feed(ld, "a\x01\x7f\x7f");
    // ^A echoes as two columns; erasing it takes two "\b \b"
    KEXPECT(same(f.echo, "a^A\b \b\b \b\b \b"));
}

KTEST(tty_ldisc_eof_on_empty_line_reads_zero_and_ends_a_partial_line) {
    auto box = MUST(klib::Box<LineDiscipline>::make());
    LineDiscipline& ld = *box;
    Fed f = feed(ld, "\x04");
    KEXPECT(f.readable);
    KEXPECT_EQ(f.echo.size(), usize(0)); // EOF is not echoed
    KEXPECT(ld.readable());
    KEXPECT(read_str(ld) == ""); // end of file
    KEXPECT(!ld.readable());
    (void)feed(ld, "abc\x04");
    KEXPECT(read_str(ld) == "abc"); // pushed without a newline
    KEXPECT(!ld.readable());
}

KTEST(tty_ldisc_signals_flush_input_and_echo) {
    auto box = MUST(klib::Box<LineDiscipline>::make());
    LineDiscipline& ld = *box;
    Fed f = feed(ld, "partial\x03");
    KASSERT(f.signals.size() == usize(1));
    KEXPECT_EQ(f.signals[0], SIGINT);
    KEXPECT(same(f.echo, "partial^C"));
    KEXPECT_EQ(ld.readable_bytes(), usize(0));
    (void)feed(ld, "\n");
    KEXPECT(read_str(ld) == "\n"); // the partial line was flushed
    f = feed(ld, "\x1a\x1c");
    KASSERT(f.signals.size() == usize(2));
    KEXPECT_EQ(f.signals[0], SIGTSTP);
    KEXPECT_EQ(f.signals[1], SIGQUIT);
    KEXPECT(same(f.echo, "^Z^\\"));
}

KTEST(tty_ldisc_noflsh_and_isig_off) {
    auto box = MUST(klib::Box<LineDiscipline>::make());
    LineDiscipline& ld = *box;
    Termios t = ld.termios();
    t.lflag |= NOFLSH;
    ld.set_termios(t);
    Fed f = feed(ld, "keep\x03\n");
    KEXPECT_EQ(f.signals.size(), usize(1));
    KEXPECT(read_str(ld) == "keep\n");
    t.lflag &= ~ISIG;
    ld.set_termios(t);
    f = feed(ld, "\x03\n");
    KEXPECT_EQ(f.signals.size(), usize(0));
    KEXPECT(read_str(ld) == "\x03\n"); // an ordinary byte now
}

KTEST(tty_ldisc_raw_mode_bytes_readable_at_once_no_echo_no_translation) {
    auto box = MUST(klib::Box<LineDiscipline>::make());
    LineDiscipline& ld = *box;
    Termios t = ld.termios();
    t.lflag &= ~(ICANON | ECHO | ISIG);
    t.iflag &= ~ICRNL;
    ld.set_termios(t);
    const Fed f = feed(ld, "a\r\x03\x7f");
    KEXPECT(f.readable);
    KEXPECT_EQ(f.echo.size(), usize(0));
    KEXPECT_EQ(ld.available(), usize(4));
    KEXPECT(read_str(ld, 2) == "a\r");
    KEXPECT(read_str(ld) == "\x03\x7f");
}

KTEST(tty_ldisc_leaving_canonical_mode_makes_the_edited_line_readable) {
    auto box = MUST(klib::Box<LineDiscipline>::make());
    LineDiscipline& ld = *box;
    (void)feed(ld, "half");
    KEXPECT(!ld.readable());
    Termios t = ld.termios();
    t.lflag &= ~ICANON;
    ld.set_termios(t);
    KEXPECT(ld.readable());
    KEXPECT(read_str(ld) == "half");
}

KTEST(tty_ldisc_raw_echo_with_echoctl_shows_newline_as_caret_j) {
    auto box = MUST(klib::Box<LineDiscipline>::make());
    LineDiscipline& ld = *box;
    Termios t = ld.termios();
    t.lflag &= ~ICANON;
    ld.set_termios(t);
    const Fed f = feed(ld, "x\r"); // ICRNL still maps CR to NL
    KEXPECT(same(f.echo, "x^J"));
}

KTEST(tty_ldisc_lnext_quotes_the_next_byte) {
    auto box = MUST(klib::Box<LineDiscipline>::make());
    LineDiscipline& ld = *box;
    const Fed f = feed(ld, "\x16\x03\n");
    KEXPECT_EQ(f.signals.size(), usize(0));
    KEXPECT(same(f.echo, "^\b^C\r\n"));
    KEXPECT(read_str(ld) == "\x03\n");
}

KTEST(tty_ldisc_output_processing) {
    auto box = MUST(klib::Box<LineDiscipline>::make());
    LineDiscipline& ld = *box;
    klib::Vec<u8> out;
    const klib::StringView in = "a\nb\tc\r";
    klib::Vec<u8> bytes;
    for (char c : in) {
        MUST(bytes.try_push(u8(c)));
    }
    ld.process_output(bytes.span(), out);
    KEXPECT(same(out, "a\r\nb\tc\r"));
    Termios t = ld.termios();
    t.oflag |= XTABS | OCRNL;
    ld.set_termios(t);
    out.clear();
    ld.process_output(bytes.span(), out);
    KEXPECT(same(out, "a\r\nb       c\n")); // tab to column 8; OCRNL: CR becomes NL
    t.oflag &= ~OPOST;
    ld.set_termios(t);
    out.clear();
    ld.process_output(bytes.span(), out);
    KEXPECT(same(out, "a\nb\tc\r"));
}

KTEST(tty_ldisc_erasing_a_tab_goes_back_to_its_column) {
    auto box = MUST(klib::Box<LineDiscipline>::make());
    LineDiscipline& ld = *box;
    const Fed f = feed(ld, "ab\t\x7f");
    // "ab" at columns 0-1, the tab to column 8: six backspaces take it back
    KEXPECT(same(f.echo, "ab\t\b\b\b\b\b\b"));
}

KTEST(tty_ldisc_termios_bytes_round_trip) {
    Termios t;
    t.lflag = 0x12345678;
    t.cc[VMIN] = 7;
    const Termios back = Termios::from_bytes(t.to_bytes());
    KEXPECT_EQ(back.lflag, u32(0x12345678));
    KEXPECT_EQ(back.cc[VMIN], u8(7));
    KEXPECT_EQ(back.iflag, ICRNL | IXON);
    // Linux's tty_std_termios as TCGETS returns it (first 12 bytes)
    const auto b = Termios{}.to_bytes();
    KEXPECT_EQ(b[0], u8(0x00));
    KEXPECT_EQ(b[1], u8(0x05));
    KEXPECT_EQ(b[4], u8(0x05));
    KEXPECT_EQ(b[8], u8(0xbf));
    KEXPECT_EQ(b[12], u8(0x3b));
    KEXPECT_EQ(b[13], u8(0x8a));
}

KTEST(tty_ldisc_full_buffer_drops_input_but_keeps_room_for_newline) {
    auto box = MUST(klib::Box<LineDiscipline>::make());
    LineDiscipline& ld = *box;
    klib::Vec<u8> echo;
    for (usize i = 0; i < LineDiscipline::BUF + 10; ++i) {
        (void)ld.receive('x', echo);
    }
    (void)ld.receive('\n', echo);
    KEXPECT(ld.readable());
    KEXPECT_EQ(ld.readable_bytes(), LineDiscipline::BUF);
}

} // namespace services::tty

namespace services::tty {

KTEST(tty_devices_registered_in_devtmpfs) {
    MUST(register_devices());
    MUST(register_devices()); // idempotent
    klib::Arc<fs::FileSystem> dev = MUST(fs::make_filesystem("devtmpfs"));
    KEXPECT_EQ(MUST(dev->root()->lookup("ttyS0"))->stat().rdev, fs::encode_dev(4, 64));
    KEXPECT_EQ(MUST(dev->root()->lookup("console"))->stat().rdev, fs::encode_dev(5, 1));
    KEXPECT_EQ(MUST(dev->root()->lookup("tty"))->stat().rdev, fs::encode_dev(5, 0));
}

} // namespace services::tty
