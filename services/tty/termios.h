// struct termios as Linux's TCGETS/TCSETS pass it on x86-64 (36 bytes:
// four tcflag_t, c_line, c_cc[19]) and the flag bits the line discipline
// uses (include/uapi/asm-generic/termbits.h).
#pragma once

#include <klib/array.h>
#include <klib/types.h>

namespace services::tty {

// c_iflag
constexpr u32 IGNBRK = 0000001, BRKINT = 0000002, IGNPAR = 0000004, ISTRIP = 0000040,
              INLCR = 0000100, IGNCR = 0000200, ICRNL = 0000400, IXON = 0002000,
              IXANY = 0004000, IXOFF = 0010000, IMAXBEL = 0020000, IUTF8 = 0040000;
// c_oflag
constexpr u32 OPOST = 0000001, ONLCR = 0000004, OCRNL = 0000010, ONOCR = 0000020,
              ONLRET = 0000040, TABDLY = 0014000, XTABS = 0014000;
// c_cflag
constexpr u32 B38400 = 0000017, CS8 = 0000060, CREAD = 0000200, HUPCL = 0002000;
// c_lflag
constexpr u32 ISIG = 0000001, ICANON = 0000002, ECHO = 0000010, ECHOE = 0000020,
              ECHOK = 0000040, ECHONL = 0000100, NOFLSH = 0000200, TOSTOP = 0000400,
              ECHOCTL = 0001000, ECHOPRT = 0002000, ECHOKE = 0004000, IEXTEN = 0100000;
// c_cc indices
constexpr usize VINTR = 0, VQUIT = 1, VERASE = 2, VKILL = 3, VEOF = 4, VTIME = 5, VMIN = 6,
                VSWTC = 7, VSTART = 8, VSTOP = 9, VSUSP = 10, VEOL = 11, VREPRINT = 12,
                VDISCARD = 13, VWERASE = 14, VLNEXT = 15, VEOL2 = 16, NCCS = 19;

constexpr usize TERMIOS_SIZE = 36;

struct Termios {
    u32 iflag = ICRNL | IXON;
    u32 oflag = OPOST | ONLCR;
    u32 cflag = B38400 | CS8 | CREAD | HUPCL;
    u32 lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
    u8 line = 0;
    // Linux's INIT_C_CC: ^C ^\ ^? ^U ^D, TIME 0, MIN 1, SWTC 0, ^Q ^S ^Z,
    // EOL 0, ^R ^O ^W ^V, EOL2 0.
    klib::Array<u8, NCCS> cc = {3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a,
                                0, 0x12, 0x0f, 0x17, 0x16, 0, 0, 0};

    klib::Array<u8, TERMIOS_SIZE> to_bytes() const;
    static Termios from_bytes(const klib::Array<u8, TERMIOS_SIZE>& b);
};

// struct winsize
struct WinSize {
    u16 rows = 0;
    u16 cols = 0;
    u16 xpixel = 0;
    u16 ypixel = 0;
};

} // namespace services::tty
