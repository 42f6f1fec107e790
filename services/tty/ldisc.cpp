#include "ldisc.h"

namespace services::tty {

namespace {

bool is_cntrl(u8 c) {
    return c < 0x20 || c == 0x7f;
}
bool is_alnum(u8 c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

} // namespace

klib::Array<u8, TERMIOS_SIZE> Termios::to_bytes() const {
    klib::Array<u8, TERMIOS_SIZE> b{};
    const klib::Array<u32, 4> words = {iflag, oflag, cflag, lflag};
    for (usize w = 0; w < 4; ++w) {
        for (usize i = 0; i < 4; ++i) {
            b[w * 4 + i] = u8(words[w] >> (8 * i));
        }
    }
    b[16] = line;
    for (usize i = 0; i < NCCS; ++i) {
        b[17 + i] = cc[i];
    }
    return b;
}

Termios Termios::from_bytes(const klib::Array<u8, TERMIOS_SIZE>& b) {
    Termios t;
    klib::Array<u32, 4> words{};
    for (usize w = 0; w < 4; ++w) {
        for (usize i = 0; i < 4; ++i) {
            words[w] |= u32(b[w * 4 + i]) << (8 * i);
        }
    }
    t.iflag = words[0];
    t.oflag = words[1];
    t.cflag = words[2];
    t.lflag = words[3];
    t.line = b[16];
    for (usize i = 0; i < NCCS; ++i) {
        t.cc[i] = b[17 + i];
    }
    return t;
}

void LineDiscipline::set_termios(const Termios& t) {
    const bool was_canon = (t_.lflag & ICANON) != 0;
    t_ = t;
    if (was_canon && (t_.lflag & ICANON) == 0) {
        commit(); // the line being edited becomes raw input
    }
    lnext_ = false;
}

void LineDiscipline::push(u8 c, Kind k) {
    if (len_ >= BUF) {
        return;
    }
    data_[len_] = c;
    kind_[len_] = k;
    ++len_;
}

void LineDiscipline::flush_input() {
    len_ = 0;
    committed_ = 0;
    lnext_ = false;
}

usize LineDiscipline::available() const {
    if ((t_.lflag & ICANON) == 0) {
        return committed_;
    }
    // Up to and including the first line end (an EOF mark counts 0).
    for (usize i = 0; i < committed_; ++i) {
        if (kind_[i] != Plain) {
            return kind_[i] == EofMark ? i : i + 1;
        }
    }
    return committed_;
}

usize LineDiscipline::readable_bytes() const {
    usize n = 0;
    for (usize i = 0; i < committed_; ++i) {
        n += kind_[i] == EofMark ? 0 : 1;
    }
    return n;
}

usize LineDiscipline::read(klib::Span<u8> out) {
    const bool canon = (t_.lflag & ICANON) != 0;
    usize n = 0;    // bytes copied
    usize used = 0; // bytes consumed from the buffer
    while (used < committed_ && n < out.size()) {
        const u8 k = kind_[used];
        if (k == EofMark && canon) {
            if (n == 0) {
                ++used; // the mark ends this read, returning 0 or the line
            }
            break;
        }
        out[n++] = data_[used++];
        if (canon && k == LineEnd) {
            break;
        }
    }
    // In canonical mode a mark right after a partial line read ends it.
    if (canon && n > 0 && used < committed_ && kind_[used] == EofMark) {
        ++used;
    }
    for (usize i = used; i < len_; ++i) {
        data_[i - used] = data_[i];
        kind_[i - used] = kind_[i];
    }
    len_ -= used;
    committed_ -= used;
    return n;
}

void LineDiscipline::echo_raw(u8 c, klib::Vec<u8>& echo) {
    const klib::Array<u8, 1> one = {c};
    process_output(one.span(), echo);
}

void LineDiscipline::echo_char(u8 c, klib::Vec<u8>& echo) {
    if ((t_.lflag & ECHOCTL) != 0 && is_cntrl(c) && c != '\t') {
        (void)echo.try_push('^');
        (void)echo.try_push(u8(c ^ 0x40));
        column_ += 2;
        return;
    }
    echo_raw(c, echo);
}

void LineDiscipline::process_output(klib::Span<const u8> in, klib::Vec<u8>& out) {
    if ((t_.oflag & OPOST) == 0) {
        for (u8 c : in) {
            (void)out.try_push(c);
        }
        return;
    }
    for (u8 c : in) {
        switch (c) {
        case '\n':
            if ((t_.oflag & ONLRET) != 0) {
                column_ = 0;
            }
            if ((t_.oflag & ONLCR) != 0) {
                column_ = 0;
                canon_column_ = 0;
                (void)out.try_push('\r');
                (void)out.try_push('\n');
                continue;
            }
            canon_column_ = column_;
            break;
        case '\r':
            if ((t_.oflag & ONOCR) != 0 && column_ == 0) {
                continue;
            }
            if ((t_.oflag & OCRNL) != 0) {
                c = '\n';
                if ((t_.oflag & ONLRET) != 0) {
                    column_ = 0;
                    canon_column_ = 0;
                }
                break;
            }
            column_ = 0;
            canon_column_ = 0;
            break;
        case '\t': {
            const u32 spaces = 8 - (column_ & 7);
            column_ += spaces;
            if ((t_.oflag & TABDLY) == XTABS) {
                for (u32 i = 0; i < spaces; ++i) {
                    (void)out.try_push(' ');
                }
                continue;
            }
            break;
        }
        case '\b':
            column_ = column_ > 0 ? column_ - 1 : 0;
            break;
        default:
            if (!is_cntrl(c) && !((t_.iflag & IUTF8) != 0 && (c & 0xc0) == 0x80)) {
                ++column_;
            }
            break;
        }
        (void)out.try_push(c);
    }
}

void LineDiscipline::erase(u8 c, klib::Vec<u8>& echo) {
    enum { ERASE, WERASE, KILL } type = ERASE;
    if (len_ == committed_) {
        return; // nothing being edited
    }
    const bool echo_on = (t_.lflag & ECHO) != 0;
    if (c == t_.cc[VERASE]) {
        type = ERASE;
    } else if (c == t_.cc[VWERASE]) {
        type = WERASE;
    } else {
        if (!echo_on) {
            len_ = committed_;
            return;
        }
        if ((t_.lflag & ECHOK) == 0 || (t_.lflag & ECHOKE) == 0 || (t_.lflag & ECHOE) == 0) {
            len_ = committed_;
            echo_char(t_.cc[VKILL], echo);
            if ((t_.lflag & ECHOK) != 0) {
                echo_raw('\n', echo);
            }
            return;
        }
        type = KILL;
    }
    const bool utf8 = (t_.iflag & IUTF8) != 0;
    u32 seen_alnums = 0;
    while (len_ > committed_) {
        usize head = len_;
        u8 ch = 0;
        do {
            --head;
            ch = data_[head];
        } while (utf8 && (ch & 0xc0) == 0x80 && head > committed_);
        if (utf8 && (ch & 0xc0) == 0x80) {
            break; // do not erase part of a character
        }
        if (type == WERASE) {
            if (is_alnum(ch) || ch == '_') {
                ++seen_alnums;
            } else if (seen_alnums > 0) {
                break;
            }
        }
        len_ = head;
        if (echo_on) {
            if (type == ERASE && (t_.lflag & ECHOE) == 0) {
                echo_char(t_.cc[VERASE], echo);
            } else if (ch == '\t') {
                // Columns of what follows the line start or the previous tab.
                u32 chars = 0;
                bool after_tab = false;
                for (usize i = len_; i > committed_; --i) {
                    const u8 p = data_[i - 1];
                    if (p == '\t') {
                        after_tab = true;
                        break;
                    }
                    if (is_cntrl(p)) {
                        chars += (t_.lflag & ECHOCTL) != 0 ? 2 : 0;
                    } else if (!(utf8 && (p & 0xc0) == 0x80)) {
                        ++chars;
                    }
                }
                if (!after_tab) {
                    chars += canon_column_;
                }
                u32 bs = 8 - (chars & 7);
                bs = bs > column_ ? column_ : bs;
                for (u32 i = 0; i < bs; ++i) {
                    (void)echo.try_push('\b');
                    column_ = column_ > 0 ? column_ - 1 : 0;
                }
            } else {
                const u32 times = is_cntrl(ch) ? ((t_.lflag & ECHOCTL) != 0 ? 2 : 0) : 1;
                for (u32 i = 0; i < times; ++i) {
                    echo_raw('\b', echo);
                    echo_raw(' ', echo);
                    echo_raw('\b', echo);
                }
            }
        }
        if (type == ERASE) {
            break;
        }
    }
}

Effect LineDiscipline::handle_signal(i32 sig, u8 c, klib::Vec<u8>& echo) {
    if ((t_.lflag & NOFLSH) == 0) {
        flush_input();
    }
    if ((t_.lflag & ECHO) != 0) {
        echo_char(c, echo);
    }
    return Effect{sig, false};
}

Effect LineDiscipline::receive(u8 c, klib::Vec<u8>& echo) {
    const u32 l = t_.lflag;
    const bool canon = (l & ICANON) != 0;
    if ((t_.iflag & ISTRIP) != 0) {
        c &= 0x7f;
    }
    if (lnext_) {
        lnext_ = false;
        if ((l & ECHO) != 0) {
            echo_char(c, echo);
        }
        push(c, Plain);
        if (!canon) {
            commit();
        }
        return Effect{0, !canon};
    }
    if ((t_.iflag & IXON) != 0 && (c == t_.cc[VSTART] || c == t_.cc[VSTOP])) {
        return Effect{}; // flow control: consumed
    }
    if ((l & ISIG) != 0) {
        if (c == t_.cc[VINTR]) {
            return handle_signal(SIGINT, c, echo);
        }
        if (c == t_.cc[VQUIT]) {
            return handle_signal(SIGQUIT, c, echo);
        }
        if (c == t_.cc[VSUSP]) {
            return handle_signal(SIGTSTP, c, echo);
        }
    }
    if (c == '\r') {
        if ((t_.iflag & IGNCR) != 0) {
            return Effect{};
        }
        if ((t_.iflag & ICRNL) != 0) {
            c = '\n';
        }
    } else if (c == '\n' && (t_.iflag & INLCR) != 0) {
        c = '\r';
    }
    const bool iexten = (l & IEXTEN) != 0;
    if (canon) {
        if (c == t_.cc[VERASE] || c == t_.cc[VKILL] || (c == t_.cc[VWERASE] && iexten)) {
            erase(c, echo);
            return Effect{};
        }
        if (c == t_.cc[VLNEXT] && iexten) {
            lnext_ = true;
            if ((l & ECHO) != 0 && (l & ECHOCTL) != 0) {
                (void)echo.try_push('^');
                (void)echo.try_push('\b');
            }
            return Effect{};
        }
        if (c == t_.cc[VREPRINT] && (l & ECHO) != 0 && iexten) {
            echo_char(c, echo);
            echo_raw('\n', echo);
            for (usize i = committed_; i < len_; ++i) {
                echo_char(data_[i], echo);
            }
            return Effect{};
        }
        if (c == '\n') {
            if ((l & (ECHO | ECHONL)) != 0) {
                echo_raw('\n', echo);
            }
            push(c, LineEnd);
            commit();
            return Effect{0, true};
        }
        if (c == t_.cc[VEOF]) {
            push(0, EofMark);
            commit();
            return Effect{0, true};
        }
        if (c == t_.cc[VEOL] || (c == t_.cc[VEOL2] && iexten)) {
            if ((l & ECHO) != 0) {
                if (len_ == committed_) {
                    canon_column_ = column_;
                }
                echo_char(c, echo);
            }
            push(c, LineEnd);
            commit();
            return Effect{0, true};
        }
        // Keep room for the line end (Linux: a full line takes no more).
        if (len_ >= BUF - 1) {
            return Effect{};
        }
    }
    if ((l & ECHO) != 0) {
        if (len_ == committed_) {
            canon_column_ = column_;
        }
        echo_char(c, echo);
    }
    push(c, Plain);
    if (!canon) {
        commit();
        return Effect{0, true};
    }
    return Effect{};
}

} // namespace services::tty
