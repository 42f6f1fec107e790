// mmap, munmap, mprotect. Mappings are eager (every page gets a frame at
// mmap time); private file mappings are copies of the file. Reserved
// pages without a frame are PROT_NONE (see process/vm_areas.h).
#include "syscall.h"
#include "user_mem.h"
#include "../process/stack.h"
#include <klib/array.h>

namespace services::syscall {

namespace {

constexpr u64 PAGE = keel::VmSpace::PAGE;
constexpr u64 PROT_READ = 1;
constexpr u64 PROT_WRITE = 2;
constexpr u64 PROT_EXEC = 4;
constexpr u64 PROT_GROWSDOWN = 0x01000000;
constexpr u64 PROT_GROWSUP = 0x02000000;
constexpr u64 MAP_SHARED = 0x01;
constexpr u64 MAP_PRIVATE = 0x02;
constexpr u64 MAP_SHARED_VALIDATE = 0x03;
constexpr u64 MAP_TYPE = 0x0f;
constexpr u64 MAP_FIXED = 0x10;
constexpr u64 MAP_ANONYMOUS = 0x20;
constexpr u64 MAP_FIXED_NOREPLACE = 0x100000;
// Lowest address mmap may use (Debian's vm.mmap_min_addr) and the top of
// the mmap area: 128 MiB below the stack top, as Linux's mmap_base.
constexpr u64 MMAP_MIN_ADDR = 0x10000;
constexpr u64 MMAP_TOP = process::MMAP_TOP;
// Bound on one mapping, as the mappings are eager.
constexpr u64 MAX_MAP = 1ull << 30;

u64 page_up(u64 v) {
    return (v + PAGE - 1) & ~(PAGE - 1);
}

keel::VmPerms perms_of(u64 prot) {
    return keel::VmPerms{(prot & PROT_WRITE) != 0, (prot & PROT_EXEC) != 0};
}

// Unmaps the frames of [start, end) that are reserved and mapped, and
// releases the reservation.
klib::Result<void, Errno> unmap_range(process::Process& p, u64 start, u64 end) {
    klib::Vec<process::Area> parts = TRY_SYS(p.areas.intersect(start, end));
    for (const process::Area& a : parts) {
        for (u64 va = a.start; va < a.end; va += PAGE) {
            (void)p.space.unmap(va); // NotFound: a PROT_NONE page
        }
    }
    TRY_SYS(p.areas.remove(start, end));
    return {};
}

// Maps fresh frames over [start, end), filled from the file when `file`
// is set (bytes past its end stay zero).
klib::Result<void, Errno> populate(process::Process& p, u64 start, u64 end, u64 prot,
                                   const klib::Optional<klib::Arc<fs::Inode>>& file, u64 offset) {
    for (u64 va = start; va < end; va += PAGE) {
        auto frame = keel::Frame::alloc();
        if (frame.is_err()) {
            return Errno::ENOMEM;
        }
        keel::Frame f = frame.release_value();
        if (file.has_value()) {
            u64 at = 0;
            TRY(file.value()->read_at(offset + (va - start), PAGE,
                                      [&](klib::Span<const u8> part) -> klib::Result<void, Errno> {
                                          if (f.write_bytes(at, part).is_err()) {
                                              return Errno::EFAULT;
                                          }
                                          at += part.size();
                                          return {};
                                      }));
        }
        if (p.space.map(va, klib::move(f), perms_of(prot)).is_err()) {
            return Errno::ENOMEM;
        }
    }
    return {};
}

} // namespace

SysResult sys_mmap(process::Process& p, const Args& args) {
    const u64 addr = args.a[0];
    const u64 len = args.a[1];
    const u64 prot = args.a[2];
    const u64 flags = args.a[3];
    const u64 fd = u32(args.a[4]);
    const u64 offset = args.a[5];
    const u64 type = flags & MAP_TYPE;
    if (len == 0 || (offset & (PAGE - 1)) != 0) {
        return Errno::EINVAL;
    }
    if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE) {
        return Errno::EINVAL;
    }
    if (len > keel::VmSpace::USER_END) {
        return Errno::ENOMEM;
    }
    const u64 size = page_up(len);
    if (size > MAX_MAP) {
        return Errno::ENOMEM;
    }
    if (offset + size < offset) {
        return Errno::EOVERFLOW;
    }

    // The file behind a file mapping: a readable regular file (copied:
    // no shared page cache yet).
    klib::Optional<klib::Arc<fs::Inode>> source;
    if ((flags & MAP_ANONYMOUS) == 0) {
        klib::Arc<fs::File> f = TRY(p.files.get(fd));
        if (f->is_path_only()) {
            return Errno::EBADF;
        }
        auto inode = f->inode();
        if (!inode.has_value() || inode.value()->stat().type() != fs::S_IFREG) {
            return Errno::ENODEV;
        }
        if (!f->readable() || (type != MAP_PRIVATE && (prot & PROT_WRITE) != 0 && !f->writable())) {
            return Errno::EACCES;
        }
        source = klib::move(inode.value());
    }

    u64 start = 0;
    if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) != 0) {
        if ((addr & (PAGE - 1)) != 0) {
            return Errno::EINVAL;
        }
        if (addr < MMAP_MIN_ADDR) {
            return Errno::EPERM;
        }
        if (addr > keel::VmSpace::USER_END - size) {
            return Errno::ENOMEM;
        }
        if ((flags & MAP_FIXED) == 0 && p.areas.overlaps(addr, addr + size)) {
            return Errno::EEXIST;
        }
        TRY(unmap_range(p, addr, addr + size));
        start = addr;
    } else {
        const u64 hint = page_up(addr);
        if (hint >= MMAP_MIN_ADDR && hint <= keel::VmSpace::USER_END - size &&
            !p.areas.overlaps(hint, hint + size)) {
            start = hint;
        } else {
            const u64 low = p.brk_start + process::BRK_LIMIT;
            klib::Optional<u64> found = p.areas.find_free(size, low, MMAP_TOP);
            if (!found.has_value()) {
                return Errno::ENOMEM;
            }
            start = found.value();
        }
    }

    TRY_SYS(p.areas.insert(start, start + size));
    if ((prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) != 0) {
        auto r = populate(p, start, start + size, prot, source, offset);
        if (r.is_err()) {
            (void)unmap_range(p, start, start + size);
            return r.error();
        }
    }
    return start;
}

SysResult sys_munmap(process::Process& p, const Args& args) {
    const u64 addr = args.a[0];
    const u64 len = args.a[1];
    if ((addr & (PAGE - 1)) != 0 || len == 0 || len > keel::VmSpace::USER_END ||
        addr > keel::VmSpace::USER_END - page_up(len)) {
        return Errno::EINVAL;
    }
    TRY(unmap_range(p, addr, addr + page_up(len)));
    return u64(0);
}

SysResult sys_mprotect(process::Process& p, const Args& args) {
    const u64 addr = args.a[0];
    const u64 len = args.a[1];
    const u64 prot = args.a[2];
    if ((addr & (PAGE - 1)) != 0 ||
        (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP)) != 0) {
        return Errno::EINVAL;
    }
    if (len == 0) {
        return u64(0);
    }
    const u64 size = page_up(len);
    if (size < len || addr > keel::VmSpace::USER_END - size) {
        return Errno::ENOMEM;
    }
    const u64 end = addr + size;
    if (!p.areas.covers(addr, end)) {
        return Errno::ENOMEM;
    }
    const bool none = (prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) == 0;
    for (u64 va = addr; va < end; va += PAGE) {
        const bool mapped = p.space.query(va).has_value();
        if (none) {
            // No access: drop the page (its contents are lost; see the note
            // in process/vm_areas.h).
            if (mapped) {
                (void)p.space.unmap(va);
            }
        } else if (mapped) {
            TRY_SYS(p.space.protect(va, perms_of(prot)));
        } else {
            TRY(populate(p, va, va + PAGE, prot, klib::none, 0));
        }
    }
    return u64(0);
}

} // namespace services::syscall
