// Trap dispatch: exceptions print the registers and a symbolized backtrace
// and panic (kernel faults are bugs); UBSan traps in service code are decoded
// into the name of the failed check; device interrupts go to their handlers.
#include "arch/x86_64/trap.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/interrupts.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/percpu.h"
#include "debug/panic_state.h"
#include "mm/phys.h"
#include <keel/log.h>
#include <keel/panic.h>

namespace keel::arch {

namespace {

constexpr klib::StringView EXCEPTION_NAMES[32] = {"divide error",
                                                  "debug",
                                                  "NMI",
                                                  "breakpoint",
                                                  "overflow",
                                                  "bound range exceeded",
                                                  "invalid opcode",
                                                  "device not available",
                                                  "double fault",
                                                  "coprocessor segment overrun",
                                                  "invalid TSS",
                                                  "segment not present",
                                                  "stack-segment fault",
                                                  "general protection fault",
                                                  "page fault",
                                                  "reserved",
                                                  "x87 floating-point error",
                                                  "alignment check",
                                                  "machine check",
                                                  "SIMD floating-point error",
                                                  "virtualization exception",
                                                  "control protection exception",
                                                  "reserved",
                                                  "reserved",
                                                  "reserved",
                                                  "reserved",
                                                  "reserved",
                                                  "reserved",
                                                  "hypervisor injection",
                                                  "VMM communication",
                                                  "security exception",
                                                  "reserved"};

// clang's -fsanitize-trap encodes the check kind (SanitizerHandler) in
// `ud1l KIND(%eax), %eax`: bytes 67 0f b9 40 KIND, or 67 0f b9 00 for kind 0
// (no displacement byte).
klib::StringView ubsan_check_name(u8 kind) {
    switch (kind) {
    case 0:
        return "signed integer overflow in addition";
    case 1:
        return "reached __builtin_unreachable";
    case 2:
        return "control-flow integrity check";
    case 3:
        return "integer division overflow or division by zero";
    case 5:
        return "float cast overflow";
    case 6:
        return "function type mismatch";
    case 7:
        return "implicit conversion";
    case 8:
        return "invalid builtin use";
    case 10:
        return "load of invalid value (bool or enum)";
    case 11:
        return "missing return value";
    case 12:
        return "signed integer overflow in multiplication";
    case 13:
        return "signed integer overflow in negation";
    case 16:
        return "null passed as nonnull argument";
    case 17:
        return "null returned from nonnull function";
    case 18:
        return "array index out of bounds";
    case 19:
        return "pointer overflow";
    case 20:
        return "shift out of bounds";
    case 21:
        return "signed integer overflow in subtraction";
    case 22:
        return "misaligned or null pointer use, or object too small";
    case 23:
        return "alignment assumption violated";
    case 24:
        return "variable-length array bound not positive";
    default:
        return "undefined behaviour check";
    }
}

bool kernel_text(u64 rip) {
    using mm::__text_end;
    using mm::__text_start;
    return rip >= u64(__text_start) && rip + 5 <= u64(__text_end);
}

[[noreturn]] void fatal(const TrapFrame& f, klib::StringView what) {
    dump_registers(f);
    debug::print_backtrace(f.rip, f.rbp);
    debug::trap_backtrace_printed();
    if (f.vector == 14) {
        u64 cr2 = read_cr2();
        klib::StringView access = (f.error & 0x10)  ? klib::StringView("instruction fetch")
                                  : (f.error & 0x2) ? klib::StringView("write")
                                                    : klib::StringView("read");
        panic("page fault: {} at {:#x} ({}, {}) rip={:#x}", access, cr2,
              (f.error & 1) ? klib::StringView("protection violation")
                            : klib::StringView("not present"),
              (f.error & 4) ? klib::StringView("user") : klib::StringView("kernel"), f.rip);
    }
    panic("{} (vector {}, error {:#x}) at rip={:#x}", what, f.vector, f.error, f.rip);
}

// True if `va` is in a kernel stack's guard page: the area of guarded
// kernel stacks (task, test and IST stacks; addresses are never reused, so
// any unmapped address there is a guard or a freed stack) or the boot
// stack's guard. Lock-free: runs in the double-fault handler.
bool stack_guard_address(u64 va) {
    return (va >= KSTACK_AREA_BASE && va < MMIO_AREA_BASE) ||
           (va >= u64(mm::boot_stack_guard) && va < u64(mm::boot_stack_bottom));
}

void handle_exception(TrapFrame& f) {
    // A stack overflow touches a guard page; the CPU cannot push the page
    // fault's frame there either, so it raises a double fault (on its own
    // IST stack) with CR2 in the guard. Report it as what it is.
    if (f.vector == 8 && stack_guard_address(read_cr2())) {
        u64 cr2 = read_cr2();
        dump_registers(f);
        debug::print_backtrace(f.rip, f.rbp);
        debug::trap_backtrace_printed();
        panic("kernel stack overflow: {:#x} is in the guard page of a kernel stack (double "
              "fault) rip={:#x} rsp={:#x}",
              cr2, f.rip, f.rsp);
    }
    if (f.vector == 6 && kernel_text(f.rip)) {
        // SAFETY: rip is inside kernel .text (checked), readable for 5 bytes.
        const u8* ins = reinterpret_cast<const u8*>(f.rip);
        if (ins[0] == 0x67 && ins[1] == 0x0f && ins[2] == 0xb9 &&
            (ins[3] == 0x40 || ins[3] == 0x00)) {
            u8 kind = ins[3] == 0x40 ? ins[4] : 0;
            dump_registers(f);
            debug::print_backtrace(f.rip, f.rbp);
            debug::trap_backtrace_printed();
            panic("undefined behaviour trapped: {} at rip={:#x}", ubsan_check_name(kind), f.rip);
        }
        if (ins[0] == 0x0f && ins[1] == 0x0b) {
            dump_registers(f);
            debug::print_backtrace(f.rip, f.rbp);
            debug::trap_backtrace_printed();
            panic("trap instruction (ud2: bounds check or __builtin_trap) at rip={:#x}", f.rip);
        }
    }
    fatal(f, f.vector < 32 ? EXCEPTION_NAMES[f.vector] : klib::StringView("unknown exception"));
}

} // namespace

void dump_registers(const TrapFrame& f) {
    log_error("trap {} error {:#x} at {:#018x} cs={:#x} rflags={:#x}", f.vector, f.error, f.rip,
              f.cs, f.rflags);
    log_error("  rax={:#018x} rbx={:#018x} rcx={:#018x} rdx={:#018x}", f.rax, f.rbx, f.rcx, f.rdx);
    log_error("  rsi={:#018x} rdi={:#018x} rbp={:#018x} rsp={:#018x}", f.rsi, f.rdi, f.rbp, f.rsp);
    log_error("  r8 ={:#018x} r9 ={:#018x} r10={:#018x} r11={:#018x}", f.r8, f.r9, f.r10, f.r11);
    log_error("  r12={:#018x} r13={:#018x} r14={:#018x} r15={:#018x}", f.r12, f.r13, f.r14, f.r15);
    log_error("  cr2={:#018x} cr3={:#018x} ss={:#x}", read_cr2(), read_cr3(), f.ss);
}

} // namespace keel::arch

extern "C" void keel_trap_dispatch(keel::arch::TrapFrame* frame) {
    using namespace keel::arch;
    TrapFrame& f = *frame;
    if (f.vector >= 0x100) { // INJECTED (traps.S): not a CPU exception
        ack_injected_vector(u8(f.vector), (f.cs & 3) == 3);
        return;
    }
    // Exceptions raised by user code go back to the service that runs it.
    // NMI, double fault and machine check are never the thread's doing.
    if ((f.cs & 3) == 3 && f.vector < 32 && f.vector != 2 && f.vector != 8 && f.vector != 18) {
        user_exit_from_trap(f, 2); // keel::UserExit::Exception
    }
    if (f.vector < 32) {
        handle_exception(f);
        return;
    }
    handle_interrupt(f);
}
