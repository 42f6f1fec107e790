// ktests of the ELF loader over services/mm: segments are lazy file
// mappings; .bss past p_filesz reads as zero even where the file page
// holds other bytes; text pages stay shared with the file's cache.
#include "loader.h"

#include "../exec/testdata.h"
#include <keel/ktest.h>

namespace services::process {

KTEST(process_loader_maps_segments_lazily_and_zeroes_bss) {
    klib::Vec<klib::String> argv;
    klib::Vec<klib::String> envp;
    MUST(argv.try_push(klib::String()));
    Loaded p = MUST(load(exec::testdata::kStaticExec.span(), argv, envp));
    const mm::AddressSpace& s = *p.space;
    // Resident: the stack page written by execve, the zeroed .bss tail page.
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
}

} // namespace services::process
