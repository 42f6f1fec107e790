// ktests of the reserved-range bookkeeping behind mmap/munmap/mprotect.
#include "vm_areas.h"

#include <keel/ktest.h>

namespace services::process {

KTEST(process_vm_areas_insert_remove_split) {
    VmAreas a;
    MUST(a.insert(0x10000, 0x20000));
    MUST(a.insert(0x30000, 0x40000));
    KEXPECT(a.overlaps(0x1f000, 0x21000));
    KEXPECT(!a.overlaps(0x20000, 0x30000));
    KEXPECT(a.covers(0x10000, 0x20000));
    KEXPECT(!a.covers(0x10000, 0x31000));
    MUST(a.insert(0x20000, 0x30000)); // fills the hole: covered end to end
    KEXPECT(a.covers(0x10000, 0x40000));
    MUST(a.remove(0x18000, 0x19000)); // splits the first area
    KEXPECT_EQ(a.count(), 4u);
    KEXPECT(!a.overlaps(0x18000, 0x19000));
    KEXPECT(a.covers(0x10000, 0x18000));
    KEXPECT(a.covers(0x19000, 0x40000));
    auto parts = MUST(a.intersect(0x17000, 0x1a000));
    KASSERT(parts.size() == 2);
    KEXPECT_EQ(parts[0].start, 0x17000u);
    KEXPECT_EQ(parts[0].end, 0x18000u);
    KEXPECT_EQ(parts[1].start, 0x19000u);
    KEXPECT_EQ(parts[1].end, 0x1a000u);
    KEXPECT(a.insert(0x5000, 0x5000).is_err());
}

KTEST(process_vm_areas_find_free_top_down) {
    VmAreas a;
    auto empty = a.find_free(0x2000, 0x10000, 0x20000);
    KASSERT(empty.has_value());
    KEXPECT_EQ(empty.value(), 0x1e000u);
    MUST(a.insert(0x1e000, 0x20000));
    MUST(a.insert(0x18000, 0x1d000));
    auto below = a.find_free(0x2000, 0x10000, 0x20000);
    KASSERT(below.has_value());
    KEXPECT_EQ(below.value(), 0x16000u); // the 0x1000 gap above is too small
    auto one = a.find_free(0x1000, 0x10000, 0x20000);
    KASSERT(one.has_value());
    KEXPECT_EQ(one.value(), 0x1d000u);
    KEXPECT(!a.find_free(0x9000, 0x10000, 0x20000).has_value());
    KEXPECT(!a.find_free(0, 0x10000, 0x20000).has_value());
}

} // namespace services::process
