// The line discipline (Linux's N_TTY), as pure logic: bytes from the
// terminal go in with receive(), what the reader gets comes out of read(),
// and each call returns what the terminal must do as a result — bytes to
// echo (already output-processed) and a signal for the foreground process
// group. No locks, no waiting, no devices: the Tty (tty.h) holds one under
// its lock and does the I/O; ktests drive it directly.
//
// Canonical mode (ICANON): input is edited a line at a time (ERASE, KILL,
// WERASE, LNEXT, REPRINT) and becomes readable when a line ends (NL, EOL,
// EOL2, or EOF: ^D, which is not passed on, so ^D on an empty line reads as
// end of file). Non-canonical: every byte is readable at once; VMIN/VTIME
// are the reader's business (Tty::read). ISIG: INTR, QUIT, SUSP become
// SIGINT, SIGQUIT, SIGTSTP (flushing input unless NOFLSH). Output
// processing (OPOST): ONLCR, OCRNL, ONOCR, ONLRET, XTABS, with the column
// kept for erasing tabs. IXON: START/STOP are consumed (output flow
// control itself is not implemented: the serial line never stops).
#pragma once

#include "termios.h"
#include <klib/array.h>
#include <klib/span.h>
#include <klib/vec.h>

namespace services::tty {

constexpr i32 SIGINT = 2;
constexpr i32 SIGQUIT = 3;
constexpr i32 SIGTSTP = 20;

// What receive() asks of the terminal.
struct Effect {
    i32 signal = 0;      // 0: none
    bool readable = false; // new input became readable (wake readers)
};

class LineDiscipline {
public:
    static constexpr usize BUF = 4096; // N_TTY_BUF_SIZE

    Termios termios() const { return t_; }
    // TCSETS: leaving canonical mode makes the line being edited readable.
    void set_termios(const Termios& t);

    // One byte from the terminal; echo (output-processed) is appended to
    // `echo`.
    Effect receive(u8 c, klib::Vec<u8>& echo);

    // Bytes a read(2) can take now (canonical: up to the end of the first
    // complete line; an EOF mark counts as readable and reads as 0 bytes).
    bool readable() const { return committed_ > 0; }
    usize available() const;
    // Moves the next input into `out` (canonical: at most one line, the
    // newline included, the EOF mark consumed and not copied); returns the
    // count (0 on EOF mark or nothing readable).
    usize read(klib::Span<u8> out);
    // Bytes readable in total (FIONREAD).
    usize readable_bytes() const;
    // TCFLSH / TCSETSF / a signal: drops all pending input.
    void flush_input();

    // Output processing: appends to `out` what `in` becomes on the wire.
    void process_output(klib::Span<const u8> in, klib::Vec<u8>& out);

private:
    enum Kind : u8 { Plain = 0, LineEnd = 1, EofMark = 2 };
    void push(u8 c, Kind k);
    void commit() { committed_ = len_; }
    void echo_char(u8 c, klib::Vec<u8>& echo);
    void echo_raw(u8 c, klib::Vec<u8>& echo);
    void erase(u8 which, klib::Vec<u8>& echo);
    // Column after echoing the line being edited from its start.
    u32 column_of(usize end) const;
    Effect handle_signal(i32 sig, u8 c, klib::Vec<u8>& echo);

    Termios t_;
    klib::Array<u8, BUF> data_{};
    klib::Array<u8, BUF> kind_{};
    usize len_ = 0;       // bytes held
    usize committed_ = 0; // bytes readable (the rest is the line being edited)
    bool lnext_ = false;  // the next byte is literal
    u32 column_ = 0;      // output column
    u32 canon_column_ = 0; // column where the line being edited started
};

} // namespace services::tty
