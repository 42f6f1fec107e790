// ELF64 executable parser; see elf.h. Written from the System V gABI and
// the x86-64 psABI.
#include "elf.h"

#include "../lib/bytes.h"
#include <klib/array.h>

namespace services::exec {

namespace {

using klib::Error;
using klib::Result;
using klib::Span;
using lib::checked_add;
using lib::read_le16;
using lib::read_le32;
using lib::read_le64;

constexpr u16 kEmX8664 = 62;

struct Phdr {
    u32 type = 0;
    u32 flags = 0;
    u64 offset = 0;
    u64 vaddr = 0;
    u64 filesz = 0;
    u64 memsz = 0;
    u64 align = 0;
};

Result<Phdr> read_phdr(Span<const u8> f, usize off) {
    Phdr p;
    p.type = TRY(read_le32(f, off));
    p.flags = TRY(read_le32(f, off + 4));
    p.offset = TRY(read_le64(f, off + 8));
    p.vaddr = TRY(read_le64(f, off + 16));
    p.filesz = TRY(read_le64(f, off + 32));
    p.memsz = TRY(read_le64(f, off + 40));
    p.align = TRY(read_le64(f, off + 48));
    return p;
}

// The file bytes [offset, offset + size) exist.
Result<void> check_file_range(u64 file_size, u64 offset, u64 size) {
    if (offset > file_size || size > file_size - offset) {
        return Error::OutOfRange;
    }
    return {};
}

Result<void> check_ident(Span<const u8> f) {
    if (f.size() < kEhdrSize) {
        return Error::OutOfRange;
    }
    if (f[0] != 0x7f || f[1] != 'E' || f[2] != 'L' || f[3] != 'F') {
        return Error::InvalidArgument;
    }
    if (f[4] != 2 || f[5] != 1) {
        return Error::Unsupported; // ELFCLASS64, ELFDATA2LSB
    }
    if (f[6] != 1) {
        return Error::InvalidArgument; // EV_CURRENT
    }
    return {};
}

Result<Segment> load_segment(u64 file_size, const Phdr& p) {
    TRY(check_file_range(file_size, p.offset, p.filesz));
    if (p.filesz > p.memsz) {
        return Error::InvalidArgument;
    }
    if (p.align > 1) {
        if (!lib::is_pow2(p.align) || p.vaddr % p.align != p.offset % p.align) {
            return Error::InvalidArgument;
        }
    }
    u64 end = TRY(checked_add(p.vaddr, p.memsz));
    if (end > kUserEnd) {
        return Error::InvalidArgument;
    }
    Segment s;
    s.vaddr = p.vaddr;
    s.memsz = p.memsz;
    s.file_offset = p.offset;
    s.file_size = p.filesz;
    s.align = p.align;
    s.flags = p.flags & (kPfR | kPfW | kPfX);
    return s;
}

Result<klib::String> interp_path(u64 file_size, ReadAt read, const Phdr& p) {
    TRY(check_file_range(file_size, p.offset, p.filesz));
    if (p.filesz < 2 || p.filesz > kMaxInterpSize) {
        return Error::InvalidArgument;
    }
    const usize n = usize(p.filesz);
    klib::Vec<u8> buf;
    TRY(buf.try_reserve(n));
    for (usize i = 0; i < n; ++i) {
        TRY(buf.try_push(0)); // reserved
    }
    TRY(read(p.offset, buf.span().span()));
    const usize len = n - 1;
    if (buf[len] != 0) {
        return Error::InvalidArgument; // not NUL-terminated
    }
    klib::String path;
    for (usize i = 0; i < len; ++i) {
        const u8 c = buf[i];
        if (c == 0) {
            return Error::InvalidArgument; // NUL inside the path
        }
        TRY(path.try_append(char(c)));
    }
    return path;
}

} // namespace

Result<Image> parse(u64 size, ReadAt read) {
    if (size < kEhdrSize) {
        return Error::OutOfRange;
    }
    klib::Array<u8, kEhdrSize> ehdr{};
    TRY(read(0, ehdr.span()));
    const Span<const u8> f = ehdr.span();
    TRY(check_ident(f));
    Image img;
    img.type = TRY(read_le16(f, 16));
    u16 machine = TRY(read_le16(f, 18));
    u32 version = TRY(read_le32(f, 20));
    img.entry = TRY(read_le64(f, 24));
    img.phoff = TRY(read_le64(f, 32));
    u16 ehsize = TRY(read_le16(f, 52));
    u16 phentsize = TRY(read_le16(f, 54));
    img.phnum = TRY(read_le16(f, 56));
    if (img.type != kEtExec && img.type != kEtDyn) {
        return Error::Unsupported;
    }
    if (machine != kEmX8664) {
        return Error::Unsupported;
    }
    if (version != 1 || ehsize != kEhdrSize || phentsize != kPhdrSize) {
        return Error::InvalidArgument;
    }
    if (img.phnum == 0 || img.phnum > kMaxPhdrBytes / kPhdrSize) {
        return Error::InvalidArgument;
    }
    const usize ph_bytes = usize(img.phnum) * kPhdrSize;
    TRY(check_file_range(size, img.phoff, ph_bytes));
    klib::Vec<u8> table;
    TRY(table.try_reserve(ph_bytes));
    for (usize i = 0; i < ph_bytes; ++i) {
        TRY(table.try_push(0)); // reserved
    }
    TRY(read(img.phoff, table.span().span()));
    const auto phdrs = table.span();

    u64 prev_end = 0;
    for (usize i = 0; i < img.phnum; ++i) {
        Phdr p = TRY(read_phdr(phdrs.span(), i * kPhdrSize));
        if (p.type == kPtLoad) {
            Segment s = TRY(load_segment(size, p));
            if (!img.segments.empty() && s.vaddr < prev_end) {
                return Error::InvalidArgument; // overlapping or unsorted
            }
            prev_end = s.vaddr + s.memsz; // checked in load_segment
            TRY(img.segments.try_push(s));
        } else if (p.type == kPtInterp) {
            if (img.interp.has_value()) {
                return Error::InvalidArgument; // two interpreters
            }
            img.interp = TRY(interp_path(size, read, p));
        } else if (p.type == kPtGnuStack) {
            img.has_gnu_stack = true;
            img.stack_flags = p.flags;
            img.stack_executable = (p.flags & kPfX) != 0;
        } else if (p.type == kPtPhdr) {
            img.phdr_vaddr = p.vaddr;
        }
    }
    if (img.segments.empty()) {
        return Error::InvalidArgument;
    }
    img.lowest_vaddr = img.segments[0].vaddr;
    img.highest_end = prev_end;
    bool entry_ok = false;
    for (const Segment& s : img.segments) {
        if (s.executable() && img.entry >= s.vaddr && img.entry - s.vaddr < s.memsz) {
            entry_ok = true;
        }
    }
    if (!entry_ok) {
        return Error::InvalidArgument;
    }
    return img;
}

Result<Image> parse(Span<const u8> file) {
    return parse(file.size(), [&](u64 offset, Span<u8> out) -> Result<void> {
        if (!lib::in_bounds(file.size(), offset, out.size())) {
            return Error::OutOfRange;
        }
        for (usize i = 0; i < out.size(); ++i) {
            out[i] = file[usize(offset) + i];
        }
        return {};
    });
}

} // namespace services::exec
