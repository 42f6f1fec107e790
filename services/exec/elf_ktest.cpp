// ktests of the ELF64 executable parser: two executables linked by ld.lld
// (services/lib/gen_testdata.py), an image built here whose fields the
// tests damage one at a time, every truncation and corrupted bytes: always
// an error Result, never a trap.
#include "elf.h"
#include "testdata.h"

#include "../lib/testing.h"
#include <keel/ktest.h>
#include <klib/array.h>
#include <klib/string_view.h>
#include <klib/vec.h>

namespace services::exec {

namespace {

using klib::Error;
using klib::Result;
using klib::Span;
using klib::StringView;
using klib::Vec;

using services::lib::err;

void put(Vec<u8>& v, usize off, u64 value, usize width) {
    for (usize i = 0; i < width; ++i) {
        v[off + i] = u8(value >> (8 * i));
    }
}

void put_str(Vec<u8>& v, usize off, StringView s) {
    for (usize i = 0; i < s.size(); ++i) {
        v[off + i] = u8(s[i]);
    }
}

// Offset of program header i, and of its fields.
constexpr usize ph(usize i) {
    return kEhdrSize + i * kPhdrSize;
}
constexpr usize kPType = 0;
constexpr usize kPFlags = 4;
constexpr usize kPOffset = 8;
constexpr usize kPVaddr = 16;
constexpr usize kPFilesz = 32;
constexpr usize kPMemsz = 40;
constexpr usize kPAlign = 48;

void set_phdr(Vec<u8>& v, usize i, u32 type, u32 flags, u64 offset, u64 vaddr, u64 filesz,
              u64 memsz, u64 align) {
    put(v, ph(i) + kPType, type, 4);
    put(v, ph(i) + kPFlags, flags, 4);
    put(v, ph(i) + kPOffset, offset, 8);
    put(v, ph(i) + kPVaddr, vaddr, 8);
    put(v, ph(i) + 24, vaddr, 8);
    put(v, ph(i) + kPFilesz, filesz, 8);
    put(v, ph(i) + kPMemsz, memsz, 8);
    put(v, ph(i) + kPAlign, align, 8);
}

// A valid ET_EXEC: PHDR, INTERP, LOAD R, LOAD RX, LOAD RW (+ bss),
// GNU_STACK RW; 0x3000 bytes.
constexpr usize kGoodPhnum = 6;
Vec<u8> good() {
    Vec<u8> v;
    for (usize i = 0; i < 0x3000; ++i) {
        MUST(v.try_push(0));
    }
    put_str(v, 0,
            "\x7f"
            "ELF");
    v[4] = 2; // ELFCLASS64
    v[5] = 1; // little-endian
    v[6] = 1; // EV_CURRENT
    put(v, 16, kEtExec, 2);
    put(v, 18, 62, 2); // EM_X86_64
    put(v, 20, 1, 4);
    put(v, 24, 0x401000, 8); // entry
    put(v, 32, kEhdrSize, 8);
    put(v, 52, kEhdrSize, 2);
    put(v, 54, kPhdrSize, 2);
    put(v, 56, kGoodPhnum, 2);
    set_phdr(v, 0, kPtPhdr, kPfR, 64, 0x400040, kGoodPhnum * kPhdrSize, kGoodPhnum * kPhdrSize, 8);
    set_phdr(v, 1, kPtInterp, kPfR, 0x200, 0x400200, 13, 13, 1);
    put_str(v, 0x200, "/lib/ld.so.1");
    set_phdr(v, 2, kPtLoad, kPfR, 0, 0x400000, 0x1000, 0x1000, 0x1000);
    set_phdr(v, 3, kPtLoad, kPfR | kPfX, 0x1000, 0x401000, 0x100, 0x100, 0x1000);
    put_str(v, 0x1000, "\xb8\x3c\x00\x00\x00\x0f\x05");
    set_phdr(v, 4, kPtLoad, kPfR | kPfW, 0x2000, 0x402000, 0x80, 0x1000, 0x1000);
    set_phdr(v, 5, kPtGnuStack, kPfR | kPfW, 0, 0, 0, 0, 16);
    return v;
}

Error parse_error(const Vec<u8>& v) {
    return err(parse(v.span()));
}

bool bytes_equal(Span<const u8> a, Span<const u8> b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (usize i = 0; i < a.size(); ++i) {
        if (a[i] != b[i]) {
            return false;
        }
    }
    return true;
}

} // namespace

KTEST(exec_elf_static_executable_from_lld) {
    Span<const u8> f = testdata::kStaticExec.span();
    auto r = parse(f);
    KASSERT(r.is_ok());
    Image& img = *r;
    KEXPECT_EQ(img.type, kEtExec);
    KEXPECT_EQ(img.entry, 0x201158u);
    KEXPECT(!img.interp.has_value());
    KEXPECT(img.has_gnu_stack);
    KEXPECT(!img.stack_executable);
    KEXPECT_EQ(img.stack_flags, kPfR | kPfW);
    KASSERT(img.phdr_vaddr.has_value());
    KEXPECT_EQ(*img.phdr_vaddr, 0x200040u);
    KEXPECT_EQ(img.phoff, 64u);
    KEXPECT_EQ(img.phnum, 5u);
    KASSERT(img.segments.size() == 3);
    const Segment& text = img.segments[1];
    KEXPECT_EQ(img.segments[0].vaddr, 0x200000u);
    KEXPECT_EQ(img.segments[0].flags, kPfR);
    KEXPECT_EQ(text.vaddr, 0x201158u);
    KEXPECT_EQ(text.memsz, 9u);
    KEXPECT(text.readable() && text.executable() && !text.writable());
    // mov $60, %eax; xor %edi, %edi; syscall
    klib::Array<u8, 9> code = {0xb8, 0x3c, 0, 0, 0, 0x31, 0xff, 0x0f, 0x05};
    KEXPECT(bytes_equal(f.subspan(text.file_offset, text.file_size), code.span()));
    const Segment& data = img.segments[2];
    KEXPECT(data.writable() && !data.executable());
    KEXPECT_EQ(data.file_size, 5u);
    KEXPECT_EQ(data.memsz, 0x45u); // .data + .bss
    KEXPECT_EQ(img.lowest_vaddr, 0x200000u);
    KEXPECT_EQ(img.highest_end, 0x202161u + 0x45u);
}

KTEST(exec_elf_pie_with_interpreter_from_lld) {
    auto r = parse(testdata::kPieInterp.span());
    KASSERT(r.is_ok());
    KEXPECT_EQ(r->type, kEtDyn);
    KEXPECT_EQ(r->entry, 0x1220u);
    KASSERT(r->interp.has_value());
    KEXPECT(*r->interp == "/lib/ld-musl-x86_64.so.1");
    KEXPECT_EQ(r->segments.size(), 3u);
    KEXPECT_EQ(r->segments[0].vaddr, 0u);
    KEXPECT_EQ(r->phnum, 7u);
}

KTEST(exec_elf_built_image_parses) {
    Vec<u8> v = good();
    auto r = parse(v.span());
    KASSERT(r.is_ok());
    KEXPECT_EQ(r->entry, 0x401000u);
    KASSERT(r->interp.has_value());
    KEXPECT(*r->interp == "/lib/ld.so.1");
    KASSERT(r->segments.size() == 3);
    KEXPECT_EQ(r->segments[2].file_size, 0x80u);
    KEXPECT_EQ(r->segments[2].memsz, 0x1000u);
    KEXPECT_EQ(r->highest_end, 0x403000u);
    // An executable stack is reported; a missing PT_GNU_STACK too.
    put(v, ph(5) + kPFlags, kPfR | kPfW | kPfX, 4);
    KEXPECT(MUST(parse(v.span())).stack_executable);
    put(v, ph(5) + kPType, 0x70000000, 4); // an ignored type
    auto n = parse(v.span());
    KASSERT(n.is_ok());
    KEXPECT(!n->has_gnu_stack);
    // A segment ending exactly at the top of user space is fine.
    Vec<u8> top = good();
    put(top, ph(4) + kPVaddr, kUserEnd - 0x1000, 8);
    put(top, ph(4) + kPOffset, 0x2000, 8);
    KEXPECT(parse(top.span()).is_ok());
}

KTEST(exec_elf_every_truncation_fails) {
    // Prefixes shorter than the last byte any header refers to fail; the
    // section headers after it are not needed.
    klib::Array<usize, 2> needed = {0x166, 0x2b0};
    for (usize c = 0; c < 2; ++c) {
        Span<const u8> f = c == 0 ? testdata::kStaticExec.span() : testdata::kPieInterp.span();
        for (usize n = 0; n <= f.size(); ++n) {
            bool ok = parse(f.first(n)).is_ok();
            KEXPECT_EQ(ok, n >= needed[c]);
        }
    }
    Vec<u8> v = good();
    for (usize n = 0; n < 0x2080; n += n < 0x400 ? 1 : 61) {
        auto r = parse(v.span().span().first(n));
        KEXPECT(r.is_err());
    }
    KEXPECT(parse(v.span().span().first(0x2080)).is_ok());
}

KTEST(exec_elf_bad_identification) {
    for (usize i = 0; i < 4; ++i) {
        Vec<u8> v = good();
        v[i] = u8(v[i] ^ 0x20);
        KEXPECT_EQ(parse_error(v), Error::InvalidArgument);
    }
    struct Bad {
        usize off{};
        usize width{};
        u64 value{};
        Error want{};
    };
    klib::Array<Bad, 17> cases = {{
        {4, 1, 1, Error::Unsupported},           // ELFCLASS32
        {4, 1, 0, Error::Unsupported},           // ELFCLASSNONE
        {5, 1, 2, Error::Unsupported},           // big-endian
        {6, 1, 0, Error::InvalidArgument},       // EI_VERSION
        {16, 2, 1, Error::Unsupported},          // ET_REL
        {16, 2, 4, Error::Unsupported},          // ET_CORE
        {18, 2, 3, Error::Unsupported},          // EM_386
        {18, 2, 183, Error::Unsupported},        // EM_AARCH64
        {20, 4, 0, Error::InvalidArgument},      // e_version
        {52, 2, 52, Error::InvalidArgument},     // e_ehsize of ELF32
        {54, 2, 32, Error::InvalidArgument},     // e_phentsize of ELF32
        {54, 2, 64, Error::InvalidArgument},     // e_phentsize too big
        {56, 2, 0, Error::InvalidArgument},      // no program headers
        {56, 2, 0xffff, Error::InvalidArgument}, // PN_XNUM / too many
        {56, 2, 1171, Error::InvalidArgument},   // > 64 KiB of headers
        {32, 8, 0x3000, Error::OutOfRange},      // e_phoff at the end
        {32, 8, ~u64(0) - 8, Error::OutOfRange}, // e_phoff + size overflows
    }};
    for (usize i = 0; i < cases.size(); ++i) {
        Vec<u8> v = good();
        put(v, cases[i].off, cases[i].value, cases[i].width);
        Error e = parse_error(v);
        if (e != cases[i].want) {
            keel::log_error("    case {}", i);
        }
        KEXPECT_EQ(e, cases[i].want);
    }
    {
        Vec<u8> v = good(); // more headers than the file holds
        put(v, 56, 1000, 2);
        KEXPECT_EQ(parse_error(v), Error::OutOfRange);
    }
}

KTEST(exec_elf_bad_load_segments) {
    struct Bad {
        usize field{};
        u64 value{};
        Error want{};
    };
    // Applied to the RX segment (program header 3).
    klib::Array<Bad, 12> cases = {{
        {kPOffset, 0x2f80, Error::OutOfRange},                 // data past the end
        {kPOffset, ~u64(0) - 0x10, Error::OutOfRange},         // offset + filesz overflows
        {kPFilesz, 0x3001, Error::OutOfRange},                 // filesz past the end
        {kPFilesz, 0x101, Error::InvalidArgument},             // filesz > memsz
        {kPAlign, 0x1800, Error::InvalidArgument},             // not a power of two
        {kPAlign, 0x3, Error::InvalidArgument},                // not a power of two
        {kPVaddr, 0x401008, Error::InvalidArgument},           // vaddr != offset mod align
        {kPVaddr, 0x400000, Error::InvalidArgument},           // overlaps the R segment
        {kPVaddr, 0x503000, Error::InvalidArgument},           // after the RW one: unsorted
        {kPMemsz, 0x1001, Error::InvalidArgument},             // runs into the RW segment
        {kPMemsz, ~u64(0) - 0x1000, Error::Overflow},          // vaddr + memsz overflows
        {kPVaddr, 0xffff800000001000, Error::InvalidArgument}, // kernel half
    }};
    for (usize i = 0; i < cases.size(); ++i) {
        Vec<u8> v = good();
        put(v, ph(3) + cases[i].field, cases[i].value, 8);
        Error e = parse_error(v);
        if (e != cases[i].want) {
            keel::log_error("    case {}", i);
        }
        KEXPECT_EQ(e, cases[i].want);
    }
    {
        Vec<u8> v = good(); // RW segment crossing the top of user space
        put(v, ph(4) + kPVaddr, kUserEnd - 0x1000, 8);
        put(v, ph(4) + kPMemsz, 0x1001, 8);
        KEXPECT_EQ(parse_error(v), Error::InvalidArgument);
    }
    {
        Vec<u8> v = good(); // alignment 0 and 1 mean "no constraint"
        put(v, ph(3) + kPAlign, 0, 8);
        put(v, ph(3) + kPVaddr, 0x401008, 8);
        put(v, 24, 0x401008, 8);
        KEXPECT(parse(v.span()).is_ok());
        put(v, ph(3) + kPAlign, 1, 8);
        KEXPECT(parse(v.span()).is_ok());
    }
    {
        Vec<u8> v = good(); // no PT_LOAD at all
        for (usize i = 2; i < 5; ++i) {
            put(v, ph(i) + kPType, 0x6474e550, 4); // PT_GNU_EH_FRAME
        }
        KEXPECT_EQ(parse_error(v), Error::InvalidArgument);
    }
}

KTEST(exec_elf_entry_must_be_in_executable_segment) {
    klib::Array<u64, 5> bad = {0, 0x400000, 0x401100, 0x402000, 0x800000000000};
    for (usize i = 0; i < bad.size(); ++i) {
        Vec<u8> v = good();
        put(v, 24, bad[i], 8);
        KEXPECT_EQ(parse_error(v), Error::InvalidArgument);
    }
    Vec<u8> v = good();
    put(v, 24, 0x4010ff, 8);
    KEXPECT(parse(v.span()).is_ok());
}

KTEST(exec_elf_bad_interpreter) {
    {
        Vec<u8> v = good(); // not NUL-terminated
        put(v, ph(1) + kPFilesz, 12, 8);
        KEXPECT_EQ(parse_error(v), Error::InvalidArgument);
    }
    {
        Vec<u8> v = good(); // NUL inside
        v[0x204] = 0;
        KEXPECT_EQ(parse_error(v), Error::InvalidArgument);
    }
    {
        Vec<u8> v = good(); // empty path
        put(v, ph(1) + kPFilesz, 1, 8);
        KEXPECT_EQ(parse_error(v), Error::InvalidArgument);
    }
    {
        Vec<u8> v = good(); // longer than PATH_MAX
        put(v, ph(1) + kPFilesz, 5000, 8);
        KEXPECT_EQ(parse_error(v), Error::InvalidArgument);
    }
    {
        Vec<u8> v = good(); // past the end, and overflowing
        put(v, ph(1) + kPOffset, 0x2ff8, 8);
        KEXPECT_EQ(parse_error(v), Error::OutOfRange);
        put(v, ph(1) + kPOffset, ~u64(0) - 4, 8);
        KEXPECT_EQ(parse_error(v), Error::OutOfRange);
    }
    {
        Vec<u8> v = good(); // two PT_INTERP
        put(v, ph(0) + kPType, kPtInterp, 4);
        put(v, ph(0) + kPOffset, 0x200, 8);
        put(v, ph(0) + kPFilesz, 13, 8);
        KEXPECT_EQ(parse_error(v), Error::InvalidArgument);
    }
}

KTEST(exec_elf_corrupted_bytes_never_trap) {
    // Every byte of the headers of both lld executables, set to values that
    // hit sign, size and type boundaries: any Result, never a trap.
    klib::Array<u8, 5> values = {0x00, 0x01, 0x7f, 0x80, 0xff};
    usize errors = 0;
    for (usize c = 0; c < 2; ++c) {
        Span<const u8> f = c == 0 ? testdata::kStaticExec.span() : testdata::kPieInterp.span();
        Vec<u8> v;
        for (usize i = 0; i < f.size(); ++i) {
            MUST(v.try_push(f[i]));
        }
        usize headers = c == 0 ? 0x158 : 0x1c8;
        for (usize i = 0; i < headers; ++i) {
            u8 saved = v[i];
            for (usize k = 0; k < values.size(); ++k) {
                v[i] = values[k];
                auto r = parse(v.span());
                if (r.is_err()) {
                    ++errors;
                } else {
                    KEXPECT(!r->segments.empty());
                    KEXPECT(r->highest_end <= kUserEnd);
                }
            }
            v[i] = saved;
        }
    }
    KEXPECT(errors > 0);
}

} // namespace services::exec
