// What one small user copy costs, by part: the whole VmSpace::write_bytes
// and read_bytes of a few bytes, the space lock alone, and the page-table
// walk alone (make bench BENCH=bench_usercopy). The syscall paths that
// copy a struct (clock_gettime, rt_sigaction, stat) or a byte (read,
// write) pay one or two of these per call. Test code.
#include "mm/page_table.h"
#include "mm/table_mem.h"
#include <keel/ktest.h>
#include <keel/mm/vm_space.h>
#include <keel/sync/spinlock.h>

namespace keel::bench {

namespace {
constexpr u64 N = 1000;
constexpr u64 VA = 0x40000000;
} // namespace

KBENCH(bench_usercopy) {
    VmSpace space = MUST(VmSpace::create());
    MUST(space.map(VA, MUST(Frame::alloc()), VmPerms{true, false}));
    MUST(space.map(VA + VmSpace::PAGE, MUST(Frame::alloc()), VmPerms{true, false}));
    u64 sink = 0;
    klib::Array<u8, 16> buf{};
    ktest::bench("write_1_x1000/usercopy", [&] {
        for (u64 i = 0; i < N; ++i) {
            MUST(space.write_bytes(VA + 8, buf.span().first(1)));
        }
    });
    ktest::bench("read_16_x1000/usercopy", [&] {
        for (u64 i = 0; i < N; ++i) {
            MUST(space.read_bytes(VA + 8, buf.span()));
        }
    });
    ktest::bench("write_16_two_pages_x1000/usercopy", [&] {
        for (u64 i = 0; i < N; ++i) {
            MUST(space.write_bytes(VA + VmSpace::PAGE - 8, buf.span()));
        }
    });
    SpinLock<u64, IrqOff> irq_lock(0);
    ktest::bench("lock_irqoff_x1000/usercopy", [&] {
        for (u64 i = 0; i < N; ++i) {
            sink += irq_lock.with([](u64& v) { return ++v; });
        }
    });
    SpinLock<u64> lock(0);
    ktest::bench("lock_preemptoff_x1000/usercopy", [&] {
        for (u64 i = 0; i < N; ++i) {
            sink += lock.with([](u64& v) { return ++v; });
        }
    });
    sink += space.query(VA).has_value() ? 1 : 0;
    log_debug("bench sink {}", sink);
}

} // namespace keel::bench
