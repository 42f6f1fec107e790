#include "loader.h"

#include "../exec/elf.h"
#include "stack.h"
#include "../vdso/vdso.h"

namespace services::process {

namespace {

constexpr u64 PAGE = keel::VmSpace::PAGE;
// Where Linux puts a static-pie (ELF_ET_DYN_BASE on x86-64, no randomisation).
constexpr u64 DYN_BASE = 0x0000555555554000ull;

u64 page_down(u64 v) {
    return v & ~(PAGE - 1);
}

// Maps the pages of one PT_LOAD segment and copies its file bytes. A page
// shared with the previous segment is reused, with the union of permissions.
klib::Result<void> load_segment(keel::VmSpace& space, klib::Span<const u8> file,
                                const exec::Segment& seg, u64 bias) {
    const u64 start = bias + seg.vaddr;
    const u64 file_end = start + seg.file_size;
    const u64 end = start + seg.memsz;
    if (end < start || end > keel::VmSpace::USER_END || page_down(start) == 0) {
        return klib::Err(klib::Error::InvalidArgument);
    }
    const keel::VmPerms perms{seg.writable(), seg.executable()};
    for (u64 page = page_down(start); page < end; page += PAGE) {
        auto existing = space.query(page);
        keel::Frame frame =
            existing.has_value() ? existing.value().frame.clone() : TRY(keel::Frame::alloc());
        // The part of this page backed by the file.
        const u64 lo = page > start ? page : start;
        const u64 hi = page + PAGE < file_end ? page + PAGE : file_end;
        if (lo < hi) {
            const u64 off = seg.file_offset + (lo - start);
            TRY(frame.write_bytes(lo - page, file.subspan(off, hi - lo)));
        }
        if (existing.has_value()) {
            const keel::VmPerms old = existing.value().perms;
            TRY(space.protect(page,
                              keel::VmPerms{old.write || perms.write, old.exec || perms.exec}));
        } else {
            TRY(space.map(page, klib::move(frame), perms));
        }
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

klib::Result<klib::Box<Process>> load(klib::Span<const u8> file,
                                      const klib::Vec<klib::String>& argv,
                                      const klib::Vec<klib::String>& envp) {
    exec::Image img = TRY(exec::parse(file));
    if (img.interp.has_value()) {
        return klib::Err(klib::Error::Unsupported); // dynamic linking comes later
    }
    const u64 bias = img.type == exec::kEtDyn ? DYN_BASE : 0;
    keel::VmSpace space = TRY(keel::VmSpace::create());
    VmAreas areas;
    for (const exec::Segment& seg : img.segments) {
        TRY(load_segment(space, file, seg, bias));
        const u64 start = page_down(bias + seg.vaddr);
        const u64 end = page_down(bias + seg.vaddr + seg.memsz + PAGE - 1);
        if (end > start) {
            TRY(areas.insert(start, end));
        }
    }
    TRY(map_stack(space));
    TRY(areas.insert(STACK_TOP - STACK_PAGES * PAGE, STACK_TOP));
    static_assert(vdso::VVAR >= MMAP_TOP && vdso::END <= STACK_TOP - STACK_PAGES * PAGE);
    const u64 vdso_image = TRY(vdso::map_into(space));
    TRY(areas.insert(vdso::VVAR, vdso::END));
    const ImageInfo info{bias + img.entry, phdr_address(img, bias), img.phnum, 0, vdso_image};
    const u64 sp = TRY(build_stack(space, argv, envp, info));

    klib::Box<Process> p = TRY(klib::Box<Process>::make(klib::move(space)));
    (*p).ctx.regs.rip = info.entry;
    (*p).ctx.regs.rsp = sp;
    const u64 image_end = (bias + img.highest_end + PAGE - 1) & ~(PAGE - 1);
    (*p).brk_start = image_end;
    (*p).brk_current = image_end;
    (*p).areas = klib::move(areas);
    return p;
}

} // namespace services::process
