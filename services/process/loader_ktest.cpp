// ktests of execve's ELF loader over services/mm: segments are lazy file
// mappings; .bss past p_filesz reads as zero even where the file page
// holds other bytes; text pages stay shared with the file's cache; the
// interpreter goes top-down below MMAP_TOP; the auxiliary vector; corrupt
// programs and interpreters are errnos (ENOEXEC, ELIBBAD, EINVAL, E2BIG,
// ENOMEM), never a trap.
#include "loader.h"

#include "../exec/elf.h"
#include "../exec/testdata.h"
#include <keel/ktest.h>

namespace services::process {

namespace {

using fs::Errno;

klib::Arc<mm::PageCache> file_of(klib::Span<const u8> bytes) {
    return MUST(mm::PageCache::from_bytes(bytes));
}

klib::Vec<u8> copy_of(klib::Span<const u8> bytes) {
    klib::Vec<u8> v;
    for (u8 b : bytes) {
        MUST(v.try_push(b));
    }
    return v;
}

void put(klib::Vec<u8>& v, usize off, u64 value, usize width) {
    for (usize i = 0; i < width; ++i) {
        v[off + i] = u8(value >> (8 * i));
    }
}

klib::Vec<klib::String> one_arg() {
    klib::Vec<klib::String> v;
    MUST(v.try_push(MUST(klib::String::from("prog"))));
    return v;
}

// Loads `main` with `interp` (if any) as what PT_INTERP names.
klib::Result<Loaded, Errno> load_with(klib::Span<const u8> main,
                                      klib::Optional<klib::Span<const u8>> interp,
                                      const klib::Vec<klib::String>& argv) {
    const klib::Vec<klib::String> envp;
    const fs::Cred cred{};
    return load_elf(
        file_of(main),
        [&](klib::StringView) -> klib::Result<klib::Arc<mm::PageCache>, Errno> {
            if (!interp.has_value()) {
                return Errno::ENOENT;
            }
            return file_of(interp.value());
        },
        argv, envp, "/bin/prog", cred);
}

Errno err_of(const klib::Result<Loaded, Errno>& r) {
    return r.is_err() ? r.error() : Errno::EPERM; // EPERM: it loaded
}

// The auxv value for `type`, reading the stack the loader built.
u64 auxv(const Loaded& l, u64 type) {
    const mm::AddressSpace& s = l.space;
    u64 at = l.sp;
    const u64 argc = MUST(s.read_val<u64>(at));
    at += 8 * (argc + 2); // argc, argv[], NULL
    while (MUST(s.read_val<u64>(at)) != 0) {
        at += 8; // envp[]
    }
    at += 8;
    for (usize i = 0; i < 64; ++i, at += 16) {
        const u64 t = MUST(s.read_val<u64>(at));
        if (t == type) {
            return MUST(s.read_val<u64>(at + 8));
        }
        if (t == 0) {
            break;
        }
    }
    return ~u64(0);
}

} // namespace

KTEST(process_loader_maps_segments_lazily_and_zeroes_bss) {
    Loaded l = MUST(load_with(exec::testdata::kStaticExec.span(), klib::none, one_arg()));
    const mm::AddressSpace& s = l.space;
    // Resident: the stack pages written by execve, the zeroed .bss tail page.
    const u64 resident = s.resident_pages();
    KEXPECT_LE(resident, u64(3));
    // RW segment: file offset 0x161, vaddr 0x202161, 5 bytes, memsz 0x45;
    // in the file, the comment section follows those 5 bytes.
    klib::Array<u8, 5> data{};
    MUST(s.read_bytes(0x202161, data.span()));
    KEXPECT_EQ(data[0], u8('h'));
    KEXPECT_EQ(data[4], u8('o'));
    KEXPECT_EQ(MUST(s.read_val<u8>(0x202166)), u8(0)); // .bss, not "Linker..."
    KEXPECT_EQ(MUST(s.read_val<u8>(0x2021a5)), u8(0));
    // Text: mapped read-only on first touch, from the cache.
    KEXPECT_EQ(MUST(s.read_val<u8>(0x201158)), u8(0xb8)); // mov $60, %eax
    KEXPECT(s.write_val<u8>(0x201158, 0).error() == klib::Error::Fault);
    KEXPECT(s.resident_pages() > resident);
    KEXPECT_EQ(l.entry, u64(0x201158));
    KEXPECT_EQ(l.interp_base, u64(0));
    KEXPECT_EQ(l.brk, u64(0x203000));
}

KTEST(process_loader_auxv_is_complete) {
    Loaded l = MUST(load_with(exec::testdata::kStaticExec.span(), klib::none, one_arg()));
    KEXPECT_EQ(l.sp % 16, u64(0));
    KEXPECT_EQ(auxv(l, 3), u64(0x200040)); // AT_PHDR
    KEXPECT_EQ(auxv(l, 4), u64(56));       // AT_PHENT
    KEXPECT_EQ(auxv(l, 5), u64(5));        // AT_PHNUM
    KEXPECT_EQ(auxv(l, 6), u64(4096));     // AT_PAGESZ
    KEXPECT_EQ(auxv(l, 7), u64(0));        // AT_BASE
    KEXPECT_EQ(auxv(l, 9), u64(0x201158)); // AT_ENTRY
    KEXPECT_EQ(auxv(l, 17), u64(100));     // AT_CLKTCK
    KEXPECT_EQ(auxv(l, 23), u64(0));       // AT_SECURE
    KEXPECT_EQ(auxv(l, 16), u64(keel::user_hwcap()));
    KEXPECT_NE(auxv(l, 33), ~u64(0)); // AT_SYSINFO_EHDR
    KEXPECT_NE(auxv(l, 51), ~u64(0)); // AT_MINSIGSTKSZ
    klib::Array<u8, 10> fn{};
    MUST(l.space.read_bytes(auxv(l, 31), fn.span())); // AT_EXECFN
    KEXPECT_EQ(fn[0], u8('/'));
    KEXPECT_EQ(fn[8], u8('g'));
    KEXPECT_EQ(fn[9], u8(0));
    klib::Array<u8, 7> plat{};
    MUST(l.space.read_bytes(auxv(l, 15), plat.span())); // AT_PLATFORM
    KEXPECT_EQ(plat[0], u8('x'));
    KEXPECT_EQ(plat[6], u8(0));
    const u64 random = auxv(l, 25);
    KEXPECT(random > l.sp && random < STACK_TOP);
}

KTEST(process_loader_interpreter_goes_below_mmap_top) {
    // A PIE whose interpreter is the static executable (ET_EXEC, at its
    // own addresses): entry is the interpreter's, AT_ENTRY the program's.
    Loaded l = MUST(load_with(exec::testdata::kPieInterp.span(),
                              exec::testdata::kStaticExec.span(), one_arg()));
    const exec::Image pie = MUST(exec::parse(exec::testdata::kPieInterp.span()));
    KEXPECT_EQ(l.entry, u64(0x201158));
    KEXPECT_EQ(auxv(l, 9), DYN_BASE + pie.entry);
    KEXPECT_EQ(auxv(l, 7), u64(0)); // an ET_EXEC interpreter: bias 0
    // The PIE as its own interpreter (ET_DYN: placed top-down under
    // MMAP_TOP); the interpreter's PT_INTERP is ignored, as Linux does.
    Loaded d = MUST(load_with(exec::testdata::kPieInterp.span(),
                              exec::testdata::kPieInterp.span(), one_arg()));
    KEXPECT(d.interp_base > DYN_BASE && d.interp_base < MMAP_TOP);
    KEXPECT_EQ(auxv(d, 7), d.interp_base);
    KEXPECT_EQ(d.entry, d.interp_base + pie.entry);
    KEXPECT(d.space.covers(d.interp_base + mm::page_down(pie.entry), d.interp_base + mm::page_down(pie.entry) + 1));
}

KTEST(process_loader_bad_interpreters) {
    // Missing: the open error; not ELF or truncated: ELIBBAD.
    KEXPECT(err_of(load_with(exec::testdata::kPieInterp.span(), klib::none, one_arg())) ==
            Errno::ENOENT);
    klib::Array<u8, 80> text{};
    for (usize i = 0; i < text.size(); ++i) {
        text[i] = u8('a' + i % 26);
    }
    KEXPECT(err_of(load_with(exec::testdata::kPieInterp.span(), text.span(), one_arg())) ==
            Errno::ELIBBAD);
    // Shorter than an ELF header: EIO (Linux's short read), else ELIBBAD.
    for (usize n = 0; n < 200; n += 7) {
        KEXPECT(err_of(load_with(exec::testdata::kPieInterp.span(),
                                 exec::testdata::kStaticExec.span().first(n), one_arg())) ==
                (n < exec::kEhdrSize ? Errno::EIO : Errno::ELIBBAD));
    }
}

KTEST(process_loader_corrupt_programs_are_errnos) {
    const klib::Span<const u8> good = exec::testdata::kStaticExec.span();
    // Truncated headers and program headers outside the file: ENOEXEC.
    for (usize n = 0; n < 300; n += 5) {
        KEXPECT(err_of(load_with(good.first(n), klib::none, one_arg())) == Errno::ENOEXEC);
    }
    klib::Vec<u8> v = copy_of(good);
    put(v, 32, 0x10000, 8); // e_phoff past the end
    KEXPECT(err_of(load_with(v.span().span(), klib::none, one_arg())) == Errno::ENOEXEC);
    // Huge p_memsz (past user space): ENOEXEC; a .bss over the stack
    // area replaces nothing: the stack cannot be mapped (ENOMEM).
    constexpr usize RW = 64 + 3 * 56; // phdr 3: the RW LOAD at 0x202161
    v = copy_of(good);
    put(v, RW + 40, 0x800000000000ull - 0x202000, 8);
    KEXPECT(err_of(load_with(v.span().span(), klib::none, one_arg())) == Errno::ENOEXEC);
    v = copy_of(good);
    put(v, RW + 40, STACK_TOP - 0x1000 - 0x202161, 8);
    KEXPECT(err_of(load_with(v.span().span(), klib::none, one_arg())) == Errno::ENOMEM);
    // Overlapping segments: the data segment's vaddr inside the text.
    v = copy_of(good);
    put(v, RW + 16, 0x20115a, 8);
    KEXPECT(err_of(load_with(v.span().span(), klib::none, one_arg())) == Errno::ENOEXEC);
    // PT_LOADs in page 0 (below mmap_min_addr): EINVAL.
    v = copy_of(good);
    for (usize i = 1; i <= 3; ++i) {
        const usize ph = 64 + i * 56;
        put(v, ph + 16, (i - 1) * 0x1000 + (i == 1 ? 0 : 0x158 + (i - 2) * 9), 8);
    }
    put(v, 64 + 16, 0x40, 8); // PT_PHDR
    put(v, 24, 0x1158, 8);    // e_entry
    KEXPECT(exec::parse(v.span().span()).is_ok());
    KEXPECT(err_of(load_with(v.span().span(), klib::none, one_arg())) == Errno::EINVAL);
}

KTEST(process_loader_argument_limits) {
    // One string may be 32 pages; all of them 6 MiB at most (the loader's
    // bound; execve applies the caller's RLIMIT_STACK / 4 before).
    klib::Vec<klib::String> argv = one_arg();
    klib::String big;
    for (usize i = 0; i < 100000; ++i) {
        MUST(big.try_append('x'));
    }
    for (usize i = 0; i < 19; ++i) {
        MUST(argv.try_push(MUST(klib::String::from(big.view()))));
    }
    KEXPECT(load_with(exec::testdata::kStaticExec.span(), klib::none, argv).is_ok());
    for (usize i = 0; i < 45; ++i) { // 64 strings: 6.4 MB
        MUST(argv.try_push(MUST(klib::String::from(big.view()))));
    }
    KEXPECT(err_of(load_with(exec::testdata::kStaticExec.span(), klib::none, argv)) == Errno::E2BIG);
}

} // namespace services::process
