// exit, exit_group, getpid, set_tid_address, arch_prctl, brk.
#include "syscall.h"
#include "../process/accounting.h"
#include "../process/stack.h"
#include <keel/mm/vm_space.h>

namespace services::syscall {

namespace {
constexpr u64 ARCH_SET_GS = 0x1001;
constexpr u64 ARCH_SET_FS = 0x1002;
constexpr u64 ARCH_GET_FS = 0x1003;
constexpr u64 ARCH_GET_GS = 0x1004;
constexpr u64 BRK_LIMIT = process::BRK_LIMIT;
constexpr u64 PAGE = keel::VmSpace::PAGE;

u64 page_up(u64 v) {
    return (v + PAGE - 1) & ~(PAGE - 1);
}
} // namespace

SysResult sys_exit(process::Thread& t, const Args& args) {
    process::exit_thread(t, i32((args.a[0] & 0xff) << 8), false);
    return u64(0);
}

SysResult sys_exit_group(process::Thread& t, const Args& args) {
    process::exit_thread(t, i32((args.a[0] & 0xff) << 8), true);
    return u64(0);
}

SysResult sys_getpid(process::Thread& t, const Args&) {
    return u64(t.pid());
}

SysResult sys_set_tid_address(process::Thread& t, const Args& args) {
    t.clear_child_tid = args.a[0];
    return u64(t.tid);
}

SysResult sys_arch_prctl(process::Thread& t, const Args& args) {
    const u64 code = args.a[0];
    const u64 addr = args.a[1];
    keel::UserRegs& r = t.ctx.regs;
    switch (code) {
    case ARCH_SET_FS:
    case ARCH_SET_GS:
        if (addr >= keel::VmSpace::USER_END) {
            return Errno::EPERM;
        }
        (code == ARCH_SET_FS ? r.fs_base : r.gs_base) = addr;
        return u64(0);
    case ARCH_GET_FS:
    case ARCH_GET_GS: {
        const klib::Array<u64, 1> v = {code == ARCH_GET_FS ? r.fs_base : r.gs_base};
        klib::Array<u8, 8> bytes{};
        for (usize i = 0; i < 8; ++i) {
            bytes[i] = u8(v[0] >> (8 * i));
        }
        TRY_SYS(t.space->write_bytes(addr, bytes.span()));
        return u64(0);
    }
    default:
        return Errno::EINVAL;
    }
}

SysResult sys_brk(process::Thread& t, const Args& args) {
    const u64 want = args.a[0];
    const mm::AddressSpace& space = *t.space;
    // RLIMIT_AS: growing past it leaves the break where it is.
    const u64 now = t.proc->state.with([](process::ProcState& s) { return s.brk_current; });
    if (page_up(want) > page_up(now) && !process::may_expand_vm(t, page_up(want) - page_up(now))) {
        return now;
    }
    return t.proc->state.with([&](process::ProcState& s) -> u64 {
        // Linux returns the current break for anything it cannot do.
        if (want < s.brk_start || want > s.brk_start + BRK_LIMIT) {
            return s.brk_current;
        }
        const u64 old_end = page_up(s.brk_current);
        const u64 new_end = page_up(want);
        if (new_end > old_end) {
            // The heap is anonymous memory made on touch; it may not come
            // within a page of the next mapping (Linux's check).
            if (space.overlaps(old_end, new_end + PAGE)) {
                return s.brk_current;
            }
            mm::MapRequest req;
            req.addr = old_end;
            req.len = new_end - old_end;
            req.prot = mm::PROT_READ | mm::PROT_WRITE;
            req.placement = mm::Placement::FixedNoReplace;
            if (space.map(klib::move(req)).is_err()) {
                return s.brk_current;
            }
        } else if (new_end < old_end && space.unmap(new_end, old_end).is_err()) {
            return s.brk_current;
        }
        s.brk_current = want;
        return want;
    });
}

} // namespace services::syscall
