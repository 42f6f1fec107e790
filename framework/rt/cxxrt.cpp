// The freestanding C/C++ runtime the compiler expects: mem* functions (it
// emits calls to them for struct copies), the stack protector, and C++ ABI
// hooks. Kept minimal and obviously correct.
#include <keel/panic.h>
#include <klib/types.h>

extern "C" {

// SAFETY (mem*): the compiler emits these with valid, non-overlapping (or,
// for memmove, possibly overlapping) ranges of the given length.
// Large copies move 64 bytes per loop iteration through four registers,
// then eight bytes per `rep movsq` step, then the tail bytes. Without ERMS
// (and always under QEMU TCG, which runs a string instruction one element
// per step) `rep movsb` alone was 8x slower, and `rep movsq` alone 2x
// slower than the unrolled loop on page-sized copies (make bench-linux).
// Forward copying: memmove relies on it when dst < src.
void* memcpy(void* dst, const void* src, usize n) {
    void* d = dst;
    asm volatile("1: cmp $64, %2\n"
                 "jb 2f\n"
                 "mov 0(%1), %%r8\n"
                 "mov 8(%1), %%r9\n"
                 "mov 16(%1), %%r10\n"
                 "mov 24(%1), %%r11\n"
                 "mov %%r8, 0(%0)\n"
                 "mov %%r9, 8(%0)\n"
                 "mov %%r10, 16(%0)\n"
                 "mov %%r11, 24(%0)\n"
                 "mov 32(%1), %%r8\n"
                 "mov 40(%1), %%r9\n"
                 "mov 48(%1), %%r10\n"
                 "mov 56(%1), %%r11\n"
                 "mov %%r8, 32(%0)\n"
                 "mov %%r9, 40(%0)\n"
                 "mov %%r10, 48(%0)\n"
                 "mov %%r11, 56(%0)\n"
                 "add $64, %0\n"
                 "add $64, %1\n"
                 "sub $64, %2\n"
                 "jmp 1b\n"
                 "2:"
                 : "+r"(d), "+r"(src), "+r"(n)
                 :
                 : "r8", "r9", "r10", "r11", "memory", "cc");
    usize q = n / 8;
    usize t = n % 8;
    asm volatile("rep movsq\n"
                 "mov %3, %%rcx\n"
                 "rep movsb"
                 : "+D"(d), "+S"(src), "+c"(q)
                 : "r"(t)
                 : "memory");
    return dst;
}

void* memset(void* dst, int c, usize n) {
    void* d = dst;
    const u64 pattern = u64(u8(c)) * 0x0101010101010101ull;
    asm volatile("1: cmp $64, %1\n"
                 "jb 2f\n"
                 "mov %2, 0(%0)\n"
                 "mov %2, 8(%0)\n"
                 "mov %2, 16(%0)\n"
                 "mov %2, 24(%0)\n"
                 "mov %2, 32(%0)\n"
                 "mov %2, 40(%0)\n"
                 "mov %2, 48(%0)\n"
                 "mov %2, 56(%0)\n"
                 "add $64, %0\n"
                 "sub $64, %1\n"
                 "jmp 1b\n"
                 "2:"
                 : "+r"(d), "+r"(n)
                 : "r"(pattern)
                 : "memory", "cc");
    usize q = n / 8;
    usize t = n % 8;
    asm volatile("rep stosq\n"
                 "mov %3, %%rcx\n"
                 "rep stosb"
                 : "+D"(d), "+c"(q)
                 : "a"(pattern), "r"(t)
                 : "memory");
    return dst;
}

void* memmove(void* dst, const void* src, usize n) {
    auto* d = static_cast<u8*>(dst);
    const auto* s = static_cast<const u8*>(src);
    if (d < s || d >= s + n) {
        return memcpy(dst, src, n);
    }
    while (n > 0) {
        --n;
        d[n] = s[n];
    }
    return dst;
}

int memcmp(const void* a, const void* b, usize n) {
    const auto* x = static_cast<const u8*>(a);
    const auto* y = static_cast<const u8*>(b);
    for (usize i = 0; i < n; ++i) {
        if (x[i] != y[i]) {
            return x[i] < y[i] ? -1 : 1;
        }
    }
    return 0;
}

// -mstack-protector-guard=global: one canary for the kernel, set at boot
// from the TSC before any protected frame that must survive is live.
uptr __stack_chk_guard = 0x5c0ffee5deadbeefull;

[[noreturn]] void __stack_chk_fail() {
    keel::panic("stack protector: stack smashing detected");
}

[[noreturn]] void __cxa_pure_virtual() {
    keel::panic("pure virtual function called");
}

// Static destructors never run in the kernel.
int __cxa_atexit(void (*)(void*), void*, void*) {
    return 0;
}
void* __dso_handle = nullptr;
}

// Deleting destructors of polymorphic classes reference operator delete even
// when no object is ever deleted through them. Kernel heap objects are freed
// through klib::raw_free by their owners, so reaching these is a bug.
void operator delete(void*) noexcept {
    keel::panic("operator delete called");
}
void operator delete(void*, usize) noexcept {
    keel::panic("operator delete called");
}
