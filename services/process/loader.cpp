#include "loader.h"

#include "../exec/elf.h"
#include "../vdso/vdso.h"

namespace services::process {

namespace {

using fs::Errno;
using mm::page_down;
using mm::page_up;
using mm::PAGE;

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
    if (start < bias || end < start || end > keel::VmSpace::USER_END || page_down(start) == 0 ||
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
            // The rest of the last file page is .bss: zero it.
            TRY(space.zero_bytes(file_end, usize(file_map_end - file_end)));
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

klib::Result<void> load_segments(const mm::AddressSpace& space, const klib::Arc<mm::PageCache>& file,
                                 const exec::Image& img, u64 bias) {
    for (const exec::Segment& seg : img.segments) {
        TRY(load_segment(space, file, seg, bias));
    }
    return {};
}

// AT_PHDR: PT_PHDR if present, else the loaded copy of the header table.
u64 phdr_address(const exec::Image& img, u64 bias) {
    if (img.phdr_vaddr.has_value()) {
        return bias + img.phdr_vaddr.value();
    }
    for (const exec::Segment& s : img.segments) {
        if (img.phoff >= s.file_offset && img.phoff - s.file_offset < s.file_size) {
            return bias + s.vaddr + (img.phoff - s.file_offset);
        }
    }
    return 0;
}

// The largest power-of-two p_align of the PT_LOADs (at least a page).
u64 max_align(const exec::Image& img) {
    u64 a = PAGE;
    for (const exec::Segment& s : img.segments) {
        if (s.align > a && (s.align & (s.align - 1)) == 0) {
            a = s.align;
        }
    }
    return a;
}

klib::Result<exec::Image> parse_file(const klib::Arc<mm::PageCache>& file) {
    const mm::PageCache& f = *file;
    return exec::parse(f.size(), [&](u64 offset, klib::Span<u8> out) { return read_file(f, offset, out); });
}

// Errno of a failure to map the program: NoMemory is ENOMEM, the rest EINVAL.
Errno map_errno(klib::Error e) {
    return e == klib::Error::NoMemory ? Errno::ENOMEM : Errno::EINVAL;
}

// Places an ET_DYN interpreter top-down below MMAP_TOP (an ET_EXEC one at
// its own addresses); returns its load bias.
klib::Result<u64> place_interp(const mm::AddressSpace& space, const exec::Image& img) {
    if (img.type != exec::kEtDyn) {
        return u64(0);
    }
    const u64 first = page_down(img.lowest_vaddr);
    const u64 span = page_up(img.highest_end) - first;
    if (span == 0 || img.highest_end > MMAP_TOP) {
        return klib::Err(klib::Error::InvalidArgument);
    }
    mm::MapRequest req;
    req.len = span;
    req.high = MMAP_TOP;
    const u64 at = TRY(space.map(klib::move(req)));
    TRY(space.unmap(at, at + span)); // a reservation only: the segments go there
    return at - first;
}

} // namespace

klib::Result<void> read_file(const mm::PageCache& file, u64 offset, klib::Span<u8> out) {
    if (offset > file.size() || out.size() > file.size() - offset) {
        return klib::Err(klib::Error::OutOfRange);
    }
    usize done = 0;
    while (done < out.size()) {
        const u64 at = offset + done;
        const keel::Frame page = TRY(file.page(at / PAGE));
        const usize in_page = usize(at % PAGE);
        const usize n = klib::min<usize>(out.size() - done, usize(PAGE) - in_page);
        TRY(page.read_bytes(in_page, out.subspan(done, n)));
        done += n;
    }
    return {};
}

klib::Result<Loaded, Errno> load_elf(const klib::Arc<mm::PageCache>& file, OpenInterp open_interp,
                                     const klib::Vec<klib::String>& argv,
                                     const klib::Vec<klib::String>& envp, klib::StringView execfn,
                                     const fs::Cred& cred) {
    auto parsed = parse_file(file);
    if (parsed.is_err()) {
        return parsed.error() == klib::Error::NoMemory ? Errno::ENOMEM : Errno::ENOEXEC;
    }
    const exec::Image img = parsed.release_value();
    // The interpreter: opened (its open errors are execve's), then checked
    // (ELIBBAD); its own PT_INTERP is ignored, as Linux does.
    klib::Optional<klib::Arc<mm::PageCache>> interp_file;
    klib::Optional<exec::Image> interp;
    if (img.interp.has_value()) {
        interp_file = TRY(open_interp(img.interp.value().view()));
        if (interp_file.value()->size() < exec::kEhdrSize) {
            return Errno::EIO; // Linux: a short read of its ELF header
        }
        auto ip = parse_file(interp_file.value());
        if (ip.is_err()) {
            return ip.error() == klib::Error::NoMemory ? Errno::ENOMEM : Errno::ELIBBAD;
        }
        interp = ip.release_value();
    }

    auto created = mm::AddressSpace::create();
    if (created.is_err()) {
        return Errno::ENOMEM;
    }
    Loaded out(created.release_value());
    u64 bias = 0;
    if (img.type == exec::kEtDyn) {
        bias = page_down((DYN_BASE & ~(max_align(img) - 1)) - page_down(img.lowest_vaddr));
    }
    if (auto r = load_segments(out.space, file, img, bias); r.is_err()) {
        return map_errno(r.error());
    }
    out.brk = page_up(bias + img.highest_end);
    out.entry = bias + img.entry;
    if (interp.has_value()) {
        auto ib = place_interp(out.space, interp.value());
        if (ib.is_err()) {
            return map_errno(ib.error());
        }
        out.interp_base = ib.value();
        if (auto r = load_segments(out.space, interp_file.value(), interp.value(), ib.value()); r.is_err()) {
            return map_errno(r.error());
        }
        out.entry = ib.value() + interp.value().entry;
    }
    if (map_stack(out.space).is_err()) {
        return Errno::ENOMEM;
    }
    static_assert(vdso::VVAR >= MMAP_TOP && vdso::END <= STACK_TOP - STACK_SIZE);
    auto vdso_image = vdso::map_into(out.space);
    if (vdso_image.is_err()) {
        return Errno::ENOMEM;
    }
    ImageInfo info;
    info.entry = bias + img.entry;
    info.phdr = phdr_address(img, bias);
    info.phnum = img.phnum;
    info.base = out.interp_base;
    info.vdso = vdso_image.value();
    info.uid = cred.uid;
    info.gid = cred.gid;
    auto sp = build_stack(out.space, argv, envp, execfn, info);
    if (sp.is_err()) {
        return sp.error() == klib::Error::Overflow ? Errno::E2BIG : Errno::ENOMEM;
    }
    out.sp = sp.value();
    return out;
}

} // namespace services::process
