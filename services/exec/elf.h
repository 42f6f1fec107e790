// services/exec/elf.h - validating parser of ELF64 little-endian x86-64
// executables (ET_EXEC and ET_DYN), for the process loader.
//
// Robust against hostile input: every malformed or truncated file is an
// error Result, never a trap. Errors:
//   OutOfRange       the file ends before the program headers, a PT_LOAD's
//                    or PT_INTERP's file bytes
//   Unsupported      not ELF64, not little-endian, not x86-64, not
//                    ET_EXEC/ET_DYN
//   InvalidArgument  bad magic or version, header sizes, segment layout
//                    (p_filesz > p_memsz, p_align not a power of two or
//                    incongruent, overlapping or unsorted PT_LOADs, beyond
//                    user space), bad interpreter path, entry point outside
//                    every executable PT_LOAD, no PT_LOAD
//   Overflow         p_vaddr + p_memsz (or another sum) overflows
//   NoMemory         allocation failed
//
// Segments refer to the file by offsets: the bytes to copy for `s` are
// `file.subspan(s.file_offset, s.file_size)` (always in bounds for a
// segment returned by parse()); the rest of p_memsz is zero-filled.
#pragma once

#include <klib/function.h>
#include <klib/optional.h>
#include <klib/result.h>
#include <klib/span.h>
#include <klib/string.h>
#include <klib/types.h>
#include <klib/vec.h>

namespace services::exec {

// First address above the lower (user) half of the x86-64 address space.
constexpr u64 kUserEnd = 0x0000800000000000;

constexpr u16 kEtExec = 2;
constexpr u16 kEtDyn = 3;

constexpr u32 kPtLoad = 1;
constexpr u32 kPtInterp = 3;
constexpr u32 kPtPhdr = 6;
constexpr u32 kPtGnuStack = 0x6474e551;

constexpr u32 kPfX = 1;
constexpr u32 kPfW = 2;
constexpr u32 kPfR = 4;

constexpr usize kEhdrSize = 64;
constexpr usize kPhdrSize = 56;
constexpr usize kMaxPhdrBytes = 65536; // as Linux: e_phnum * 56 <= 64 KiB
constexpr usize kMaxInterpSize = 4096; // PATH_MAX, NUL included

// One PT_LOAD segment.
struct Segment {
    u64 vaddr = 0; // for ET_DYN, relative to the load bias
    u64 memsz = 0;
    u64 file_offset = 0;
    u64 file_size = 0; // <= memsz
    u64 align = 0;
    u32 flags = 0; // kPfR | kPfW | kPfX
    bool readable() const { return (flags & kPfR) != 0; }
    bool writable() const { return (flags & kPfW) != 0; }
    bool executable() const { return (flags & kPfX) != 0; }
};

struct Image {
    u16 type = 0; // kEtExec or kEtDyn
    u64 entry = 0;
    klib::Vec<Segment> segments;         // PT_LOADs, ascending, disjoint
    klib::Optional<klib::String> interp; // PT_INTERP path, without the NUL
    bool has_gnu_stack = false;
    u32 stack_flags = 0;            // PT_GNU_STACK p_flags (0 if absent)
    bool stack_executable = false;  // PF_X in PT_GNU_STACK
    klib::Optional<u64> phdr_vaddr; // PT_PHDR (for AT_PHDR)
    u64 phoff = 0;                  // program headers (for AT_PHDR, AT_PHNUM)
    u16 phnum = 0;
    u64 lowest_vaddr = 0; // first PT_LOAD's p_vaddr
    u64 highest_end = 0;  // end of the last PT_LOAD (vaddr + memsz)
};

// Random access to the file: fills `out` with the bytes at `offset` (the
// parser only asks for ranges inside the file's size). Errors propagate.
using ReadAt = klib::FunctionRef<klib::Result<void>(u64 offset, klib::Span<u8> out)>;

// Parses and validates an executable of `size` bytes read through `read`:
// only the ELF header, the program headers and the interpreter path are
// read (execve reads a file this way, never whole).
klib::Result<Image> parse(u64 size, ReadAt read);
// The same over bytes in memory.
klib::Result<Image> parse(klib::Span<const u8> file);

} // namespace services::exec
