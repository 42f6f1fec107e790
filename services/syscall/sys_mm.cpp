// mmap, munmap, mprotect, mremap, madvise, mincore, msync, mlock: argument
// checks and
// errno in Linux's order; the areas and demand paging are services/mm's.
// mmap maps nothing: pages are made when first touched.
#include "syscall.h"
#include "user_mem.h"
#include "../process/accounting.h"
#include "../process/exec.h"
#include "../process/stack.h"
#include <klib/array.h>

namespace services::syscall {

namespace {

// Where the heap may grow to starts the mmap search range.
u64 brk_start(const process::Thread& t) {
    return t.proc->state.with([](process::ProcState& s) { return s.brk_start; });
}

constexpr u64 PAGE = keel::VmSpace::PAGE;
constexpr u64 USER_END = keel::VmSpace::USER_END;
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
constexpr u64 MAP_LOCKED = 0x2000;
constexpr u64 MAP_POPULATE = 0x8000;
constexpr u64 MAP_FIXED_NOREPLACE = 0x100000;
constexpr u64 MREMAP_MAYMOVE = 1;
constexpr u64 MREMAP_FIXED = 2;
constexpr u64 MREMAP_DONTUNMAP = 4;
constexpr u64 MADV_NORMAL = 0;
constexpr u64 MADV_RANDOM = 1;
constexpr u64 MADV_SEQUENTIAL = 2;
constexpr u64 MADV_WILLNEED = 3;
constexpr u64 MADV_DONTNEED = 4;
constexpr u64 MADV_FREE = 8;
constexpr u64 MS_ASYNC = 1;
constexpr u64 MS_INVALIDATE = 2;
constexpr u64 MS_SYNC = 4;
constexpr u64 MCL_CURRENT = 1;
constexpr u64 MCL_FUTURE = 2;
constexpr u64 MCL_ONFAULT = 4;
// Lowest address mmap may use (Debian's vm.mmap_min_addr) and the top of
// the mmap area: 128 MiB below the stack top, as Linux's mmap_base.
constexpr u64 MMAP_MIN_ADDR = 0x10000;
constexpr u64 MMAP_TOP = process::MMAP_TOP;

u64 page_up(u64 v) {
    return (v + PAGE - 1) & ~(PAGE - 1);
}

u32 prot_bits(u64 prot) {
    return u32(prot & (PROT_READ | PROT_WRITE | PROT_EXEC));
}

} // namespace

SysResult sys_mmap(process::Thread& t, const Args& args) {
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
    if (len > USER_END) {
        return Errno::ENOMEM;
    }
    const u64 size = page_up(len);
    if (size > USER_END - MMAP_MIN_ADDR) {
        return Errno::ENOMEM;
    }
    if (offset + size < offset) {
        return Errno::EOVERFLOW;
    }

    // The file behind a file mapping: a readable regular file.
    mm::MapRequest req;
    if ((flags & MAP_ANONYMOUS) == 0) {
        klib::Arc<fs::File> f = TRY(t.files->get(fd));
        if (f->is_path_only()) {
            return Errno::EBADF;
        }
        // Linux's do_mmap: access checks, then whether the file maps.
        if (!f->readable() || (type != MAP_PRIVATE && (prot & PROT_WRITE) != 0 && !f->writable())) {
            return Errno::EACCES;
        }
        klib::Optional<klib::Arc<mm::PageCache>> pages = TRY(f->map_pages());
        if (pages.has_value()) {
            req.backing = klib::move(pages.value());
            req.offset = offset;
        }
    }

    req.addr = addr;
    req.len = size;
    req.prot = prot_bits(prot);
    req.shared = type != MAP_PRIVATE;
    req.low = brk_start(t) + process::BRK_LIMIT;
    req.high = MMAP_TOP;
    if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) != 0) {
        if ((addr & (PAGE - 1)) != 0) {
            return Errno::EINVAL;
        }
        if (addr < MMAP_MIN_ADDR) {
            return Errno::EPERM;
        }
        if (addr > USER_END - size) {
            return Errno::ENOMEM;
        }
        req.placement =
            (flags & MAP_FIXED) != 0 ? mm::Placement::Fixed : mm::Placement::FixedNoReplace;
    } else if (page_up(addr) < MMAP_MIN_ADDR) {
        req.addr = 0; // a hint below mmap_min_addr: search instead
    }
    if (!process::may_expand_vm(t, size)) {
        return Errno::ENOMEM; // RLIMIT_AS
    }
    const u64 start = TRY_SYS(t.space->map(klib::move(req)));
    if ((flags & (MAP_POPULATE | MAP_LOCKED)) != 0) {
        t.space->populate(start, start + size);
    }
    return start;
}

SysResult sys_munmap(process::Thread& t, const Args& args) {
    const u64 addr = args.a[0];
    const u64 len = args.a[1];
    if ((addr & (PAGE - 1)) != 0 || len == 0 || len > USER_END || addr > USER_END - page_up(len)) {
        return Errno::EINVAL;
    }
    if (addr < keel::VmSpace::USER_START) {
        // Nothing can be mapped down there; Linux succeeds.
        return u64(0);
    }
    TRY_SYS(t.space->unmap(addr, addr + page_up(len)));
    return u64(0);
}

SysResult sys_mprotect(process::Thread& t, const Args& args) {
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
    if (size < len || addr > USER_END - size) {
        return Errno::ENOMEM;
    }
    TRY_SYS(t.space->protect(addr, addr + size, prot_bits(prot)));
    return u64(0);
}

SysResult sys_mremap(process::Thread& t, const Args& args) {
    const u64 old = args.a[0];
    const u64 old_len_arg = args.a[1];
    const u64 new_len_arg = args.a[2];
    const u64 flags = args.a[3];
    const u64 new_addr = args.a[4];
    if ((flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)) != 0 ||
        (old & (PAGE - 1)) != 0) {
        return Errno::EINVAL;
    }
    if ((flags & MREMAP_FIXED) != 0 && (flags & MREMAP_MAYMOVE) == 0) {
        return Errno::EINVAL;
    }
    if ((flags & MREMAP_DONTUNMAP) != 0) {
        return Errno::EINVAL; // not supported yet (Linux needs MAYMOVE and same sizes)
    }
    const u64 old_len = page_up(old_len_arg);
    const u64 new_len = page_up(new_len_arg);
    if (new_len == 0 || (old_len_arg != 0 && old_len == 0)) {
        return Errno::EINVAL;
    }
    klib::Optional<u64> fixed;
    if ((flags & MREMAP_FIXED) != 0) {
        if ((new_addr & (PAGE - 1)) != 0 || new_len > USER_END || new_addr > USER_END - new_len) {
            return Errno::EINVAL;
        }
        if (new_addr < MMAP_MIN_ADDR) {
            return Errno::EPERM;
        }
        fixed = new_addr;
    }
    if (old > USER_END || old_len > USER_END - old) {
        return Errno::EFAULT;
    }
    return TRY_SYS(t.space->remap(old, old_len, new_len, (flags & MREMAP_MAYMOVE) != 0, fixed,
                                 brk_start(t) + process::BRK_LIMIT, MMAP_TOP));
}

SysResult sys_madvise(process::Thread& t, const Args& args) {
    const u64 addr = args.a[0];
    const u64 len_arg = args.a[1];
    const u64 advice = args.a[2];
    if ((addr & (PAGE - 1)) != 0) {
        return Errno::EINVAL;
    }
    switch (advice) {
    case MADV_NORMAL:
    case MADV_RANDOM:
    case MADV_SEQUENTIAL:
    case MADV_WILLNEED:
    case MADV_DONTNEED:
    case MADV_FREE:
        break;
    default:
        return Errno::EINVAL;
    }
    const u64 len = page_up(len_arg);
    if (len_arg != 0 && len == 0) {
        return Errno::EINVAL;
    }
    if (len == 0) {
        return u64(0);
    }
    if (addr > USER_END - len) {
        return Errno::EINVAL;
    }
    if (advice == MADV_DONTNEED || advice == MADV_FREE) {
        // MADV_FREE may drop the pages at any time: now is such a time.
        TRY_SYS(t.space->discard(addr, addr + len));
        return u64(0);
    }
    // Hints only; Linux still reports a range with holes.
    if (!t.space->covers(addr, addr + len)) {
        return Errno::ENOMEM;
    }
    return u64(0);
}

SysResult sys_mincore(process::Thread& t, const Args& args) {
    const u64 addr = args.a[0];
    const u64 len = args.a[1];
    const u64 vec = args.a[2];
    if ((addr & (PAGE - 1)) != 0) {
        return Errno::EINVAL;
    }
    if (len > USER_END || addr > USER_END - len) {
        return Errno::ENOMEM;
    }
    const u64 pages = page_up(len) / PAGE;
    // In chunks, so a large query needs no large buffer.
    klib::Array<u8, 256> chunk{};
    for (u64 done = 0; done < pages;) {
        const u64 n = pages - done < chunk.size() ? pages - done : chunk.size();
        auto part = chunk.span().first(usize(n));
        TRY_SYS(t.space->residency(addr + done * PAGE, part));
        TRY_SYS(t.space->write_bytes(vec + done, part));
        done += n;
    }
    return u64(0);
}

SysResult sys_msync(process::Thread& t, const Args& args) {
    const u64 addr = args.a[0];
    const u64 len = page_up(args.a[1]);
    const u64 flags = args.a[2];
    if ((addr & (PAGE - 1)) != 0 || (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) != 0 ||
        ((flags & MS_ASYNC) != 0 && (flags & MS_SYNC) != 0)) {
        return Errno::EINVAL;
    }
    // Linux: the end wrapping around, or anything past user space, is
    // unmapped (ENOMEM).
    if (len < args.a[1] || len > USER_END || addr > USER_END - len) {
        return Errno::ENOMEM;
    }
    // Nothing to write back: the file systems keep their data in the page
    // cache that shared mappings map (tmpfs), so the file already has every
    // store; a file system with a backing store will write back here.
    if (len != 0 && !t.space->covers(addr, addr + len)) {
        return Errno::ENOMEM;
    }
    return u64(0);
}

namespace {

// mlock: the pages are made resident (nothing is ever swapped out).
SysResult lock_range(process::Thread& t, u64 addr, u64 len_arg) {
    const u64 start = addr & ~(PAGE - 1);
    const u64 end = page_up(addr + len_arg);
    if (addr + len_arg < addr || end < addr + len_arg || end > USER_END) {
        return Errno::ENOMEM;
    }
    if (start == end) {
        return u64(0);
    }
    if (!t.space->covers(start, end)) {
        return Errno::ENOMEM;
    }
    t.space->populate(start, end);
    return u64(0);
}

} // namespace

SysResult sys_mlock(process::Thread& t, const Args& args) {
    return lock_range(t, args.a[0], args.a[1]);
}

SysResult sys_munlock(process::Thread& t, const Args& args) {
    const u64 addr = args.a[0];
    const u64 end = page_up(addr + args.a[1]);
    if (addr + args.a[1] < addr || end > USER_END) {
        return Errno::ENOMEM;
    }
    if (end > (addr & ~(PAGE - 1)) && !t.space->covers(addr & ~(PAGE - 1), end)) {
        return Errno::ENOMEM;
    }
    return u64(0);
}

SysResult sys_mlockall(process::Thread& t, const Args& args) {
    const u64 flags = args.a[0];
    if (flags == 0 || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) != 0 ||
        flags == MCL_ONFAULT) {
        return Errno::EINVAL;
    }
    (void)t;
    return u64(0);
}

SysResult sys_munlockall(process::Thread& t, const Args& args) {
    (void)t;
    (void)args;
    return u64(0);
}

} // namespace services::syscall
