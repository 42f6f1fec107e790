#include "loader.h"

#include "../exec/elf.h"
#include "stack.h"
#include "../vdso/vdso.h"

namespace services::process {

namespace {

using mm::page_down;
using mm::page_up;
using mm::PAGE;
// Where Linux puts a static-pie (ELF_ET_DYN_BASE on x86-64, no randomisation).
constexpr u64 DYN_BASE = 0x0000555555554000ull;

// Maps one PT_LOAD segment as Linux's ELF loader does: the file part as a
// private mapping of the file (pages are read on first touch and shared
// with the file's cache until written), the rest as anonymous zero pages.
// The tail of the last file page past p_filesz is zeroed (it is .bss, not
// the bytes that follow in the file).
klib::Result<void> load_segment(const mm::AddressSpace& space,
                                const klib::Arc<mm::PageCache>& file, const exec::Segment& seg,
                                u64 bias) {
    const u64 start = bias + seg.vaddr;
    const u64 file_end = start + seg.file_size;
    const u64 end = start + seg.memsz;
    if (end < start || end > keel::VmSpace::USER_END || page_down(start) == 0 ||
        (start & (PAGE - 1)) != (seg.file_offset & (PAGE - 1))) {
        return klib::Err(klib::Error::InvalidArgument);
    }
    u32 prot = mm::PROT_READ;
    prot |= seg.writable() ? mm::PROT_WRITE : 0;
    prot |= seg.executable() ? mm::PROT_EXEC : 0;
    const u64 map_start = page_down(start);
    const u64 file_map_end = page_up(file_end);
    if (seg.file_size > 0) {
        mm::MapRequest req;
        req.addr = map_start;
        req.len = file_map_end - map_start;
        req.prot = prot;
        req.placement = mm::Placement::Fixed;
        req.backing = file.clone();
        req.offset = page_down(seg.file_offset);
        (void)TRY(space.map(klib::move(req)));
        if (seg.memsz > seg.file_size && (file_end & (PAGE - 1)) != 0 && seg.writable()) {
            // The rest of the last file page is .bss: zero it (in small
            // pieces: a page-sized buffer would exceed the frame limit).
            const klib::Array<u8, 256> zeros{};
            for (u64 at = file_end; at < file_map_end;) {
                const usize n = usize(klib::min<u64>(file_map_end - at, zeros.size()));
                TRY(space.write_bytes(at, zeros.span().first(n)));
                at += n;
            }
        }
    }
    const u64 anon_start = seg.file_size > 0 ? file_map_end : map_start;
    const u64 anon_end = page_up(end);
    if (anon_end > anon_start) {
        mm::MapRequest req;
        req.addr = anon_start;
        req.len = anon_end - anon_start;
        req.prot = prot;
        req.placement = mm::Placement::Fixed;
        (void)TRY(space.map(klib::move(req)));
    }
    return {};
}

// AT_PHDR: PT_PHDR if present, else the loaded copy of the header table.
u64 phdr_address(const exec::Image& img, u64 bias) {
    if (img.phdr_vaddr.has_value()) {
        return bias + img.phdr_vaddr.value();
    }
    for (const exec::Segment& s : img.segments) {
        if (img.phoff >= s.file_offset && img.phoff < s.file_offset + s.file_size) {
            return bias + s.vaddr + (img.phoff - s.file_offset);
        }
    }
    return 0;
}

} // namespace

klib::Result<Loaded> load(klib::Span<const u8> file,
                          const klib::Vec<klib::String>& argv,
                          const klib::Vec<klib::String>& envp) {
    exec::Image img = TRY(exec::parse(file));
    if (img.interp.has_value()) {
        return klib::Err(klib::Error::Unsupported); // dynamic linking comes later
    }
    const u64 bias = img.type == exec::kEtDyn ? DYN_BASE : 0;
    mm::AddressSpace space = TRY(mm::AddressSpace::create());
    klib::Arc<mm::PageCache> cache = TRY(mm::PageCache::from_bytes(file));
    for (const exec::Segment& seg : img.segments) {
        TRY(load_segment(space, cache, seg, bias));
    }
    TRY(map_stack(space));
    static_assert(vdso::VVAR >= MMAP_TOP && vdso::END <= STACK_TOP - STACK_SIZE);
    const u64 vdso_image = TRY(vdso::map_into(space));
    const ImageInfo info{bias + img.entry, phdr_address(img, bias), img.phnum, 0, vdso_image};
    const u64 sp = TRY(build_stack(space, argv, envp, info));

    const u64 image_end = (bias + img.highest_end + PAGE - 1) & ~(PAGE - 1);
    return Loaded{TRY(klib::Arc<mm::AddressSpace>::make(klib::move(space))), info.entry, sp,
                  image_end};
}

} // namespace services::process
