// The formatter behind keel::log_* and keel::panic.
#include <keel/log.h>

#include "console/console.h"

namespace keel {

namespace {

LogLevel g_min_level = LogLevel::Info;

struct Out {
    klib::Span<char> buf;
    usize len = 0;
    void put(char c) {
        if (len < buf.size()) {
            buf[len++] = c;
        }
    }
    void put(klib::StringView s) {
        for (char c : s) {
            put(c);
        }
    }
};

struct Spec {
    bool hex = false;
    bool prefix = false;
    bool zero = false;
    usize width = 0;
};

void put_unsigned(Out& o, u64 v, const Spec& sp, bool negative) {
    char tmp[24];
    usize n = 0;
    const u64 base = sp.hex ? 16 : 10;
    do {
        tmp[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v != 0);
    usize len = n + (negative ? 1 : 0) + (sp.prefix ? 2 : 0);
    if (!sp.zero) {
        for (usize i = len; i < sp.width; ++i) {
            o.put(' ');
        }
    }
    if (negative) {
        o.put('-');
    }
    if (sp.prefix) {
        o.put("0x");
    }
    if (sp.zero) {
        for (usize i = len; i < sp.width; ++i) {
            o.put('0');
        }
    }
    while (n > 0) {
        o.put(tmp[--n]);
    }
}

void put_arg(Out& o, const detail::FmtArg& a, const Spec& sp) {
    using K = detail::FmtArg::Kind;
    switch (a.kind) {
    case K::Signed:
        if (a.s < 0 && !sp.hex) {
            put_unsigned(o, u64(0) - u64(a.s), sp, true);
        } else {
            put_unsigned(o, u64(a.s), sp, false);
        }
        break;
    case K::Unsigned:
        put_unsigned(o, a.u, sp, false);
        break;
    case K::Str:
        o.put(a.str);
        for (usize i = a.str.size(); i < sp.width; ++i) {
            o.put(' ');
        }
        break;
    case K::Char:
        o.put(char(a.u));
        break;
    case K::Bool:
        o.put(a.u ? klib::StringView("true") : klib::StringView("false"));
        break;
    }
}

} // namespace

namespace detail {

usize format_to(klib::Span<char> buf, klib::StringView fmt, klib::Span<const FmtArg> args) {
    Out o{buf};
    usize next = 0;
    for (usize i = 0; i < fmt.size(); ++i) {
        char c = fmt[i];
        if (c == '{' && i + 1 < fmt.size() && fmt[i + 1] == '{') {
            o.put('{');
            ++i;
            continue;
        }
        if (c == '}' && i + 1 < fmt.size() && fmt[i + 1] == '}') {
            o.put('}');
            ++i;
            continue;
        }
        if (c != '{') {
            o.put(c);
            continue;
        }
        usize close = fmt.find('}', i);
        if (close == klib::StringView::npos) {
            o.put(fmt.substr(i));
            break;
        }
        Spec sp;
        klib::StringView spec = fmt.substr(i + 1, close - i - 1);
        usize j = 0;
        if (j < spec.size() && spec[j] == ':') {
            ++j;
        }
        if (j < spec.size() && spec[j] == '#') {
            sp.prefix = true;
            ++j;
        }
        if (j < spec.size() && spec[j] == '0') {
            sp.zero = true;
            ++j;
        }
        while (j < spec.size() && spec[j] >= '0' && spec[j] <= '9') {
            sp.width = sp.width * 10 + usize(spec[j] - '0');
            ++j;
        }
        if (j < spec.size() && (spec[j] == 'x' || spec[j] == 'p')) {
            sp.hex = true;
        }
        if (next < args.size()) {
            put_arg(o, args[next++], sp);
        } else {
            o.put("{?}");
        }
        i = close;
    }
    return o.len;
}

void log_write(LogLevel level, klib::StringView fmt, klib::Span<const FmtArg> args) {
    if (u8(level) < u8(g_min_level)) {
        return;
    }
    char buf[512];
    klib::Span<char> span(buf);
    static constexpr klib::StringView prefixes[] = {"[debug] ", "", "[warn] ", "[error] "};
    usize n = 0;
    klib::StringView pre = prefixes[u8(level) & 3];
    for (char c : pre) {
        span[n++] = c;
    }
    n += format_to(span.subspan(n, span.size() - n - 1), fmt, args);
    span[n++] = '\n';
    // SAFETY: `buf` outlives the call; n <= sizeof(buf).
    console::write(klib::StringView::from_raw(buf, n));
}

} // namespace detail

void set_log_level(LogLevel level) {
    g_min_level = level;
}

} // namespace keel
