#include "mm/init.h"

#include "arch/x86_64/descriptors.h"
#include "mm/frame_allocator.h"
#include "mm/kernel_space.h"
#include <keel/panic.h>

namespace keel::mm {

void init() {
    frames_init();
    kernel_space_init();
    frames_init_high();
    // Move the IST stacks (double fault, NMI, machine check) onto guarded
    // stacks now that the kernel-stack area exists.
    for (u8 ist = 1; ist <= 3; ++ist) {
        auto top = alloc_kernel_stack(4);
        if (top.is_err()) {
            panic("mm: no memory for IST stacks");
        }
        arch::set_ist_stack(ist, top.value());
    }
}

} // namespace keel::mm
