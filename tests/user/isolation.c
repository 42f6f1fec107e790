// Isolation attacks from user space, each in a forked child that must be
// stopped by a signal (the one Linux gives: SIGSEGV for page faults and
// for #GP from privileged instructions): kernel reads/writes, non-canonical
// addresses, executing the stack, heap, an RW mapping (NX), writing text
// and read-only data, hlt/cli/in/out/lgdt/mov cr3/wrmsr/rdmsr/int 0x10,
// jumps to kernel and non-canonical addresses; iopl/ioperm refused to a
// non-root user; kernel pointers given to system calls give EFAULT; and
// controls that must not be stopped (an RX mapping executes, sig=0).
// Each line: "ok NAME sig=N".
#include "ptest.h"
#include <sys/io.h>

#define KTEXT 0xffffffff81000000UL
#define KDATA 0xffff888000100000UL
#define NONCANON 0x0000800000000000UL

static volatile unsigned long target;
static const char rodata[64] = "read-only";

static int k_read(void* a) {
    return *(volatile char*)target + (int)(long)a;
}
static int k_write(void* a) {
    *(volatile char*)target = (char)(long)a;
    return 0;
}
static int k_jump(void* a) {
    (void)a;
    ((void (*)(void))target)();
    return 0;
}

static const unsigned char ret_insn[] = {0xb8, 0x2a, 0, 0, 0, 0xc3}; // mov $42,%eax; ret

static int exec_buf(unsigned char* p) {
    memcpy(p, ret_insn, sizeof ret_insn);
    return ((int (*)(void))(void*)p)();
}
static int exec_stack(void* a) {
    (void)a;
    unsigned char buf[64];
    return exec_buf(buf);
}
static int exec_heap(void* a) {
    (void)a;
    return exec_buf(malloc(64));
}
static int exec_rw_map(void* a) {
    (void)a;
    return exec_buf(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
}
static int exec_rx_map(void* a) { // control: must run (exit 42, sig 0)
    (void)a;
    unsigned char* p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memcpy(p, ret_insn, sizeof ret_insn);
    mprotect(p, 4096, PROT_READ | PROT_EXEC);
    return ((int (*)(void))(void*)p)() == 42 ? 0 : 1;
}
static int exec_after_mprotect_rw(void* a) { // RX made RW: no longer runs
    (void)a;
    unsigned char* p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memcpy(p, ret_insn, sizeof ret_insn);
    ((int (*)(void))(void*)p)();
    mprotect(p, 4096, PROT_READ | PROT_WRITE);
    return ((int (*)(void))(void*)p)();
}
static int write_text(void* a) {
    (void)a;
    *(volatile unsigned char*)(void*)k_read = 0xc3;
    return 0;
}
static int write_rodata(void* a) {
    (void)a;
    *(volatile char*)rodata = 'x';
    return 0;
}
static int write_ro_map(void* a) {
    (void)a;
    char* p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    p[0] = 1;
    return 0;
}

static int insn(void* a) {
    switch ((long)a) {
    case 0: __asm__ volatile("hlt"); break;
    case 1: __asm__ volatile("cli"); break;
    case 2: __asm__ volatile("sti"); break;
    case 3: __asm__ volatile("inb $0x80, %%al" : : : "rax"); break;
    case 4: __asm__ volatile("outb %%al, $0x80" : : "a"(0)); break;
    case 5: {
        struct __attribute__((packed)) {
            unsigned short lim;
            unsigned long base;
        } d = {0, 0};
        __asm__ volatile("lgdt %0" : : "m"(d));
        break;
    }
    case 6: __asm__ volatile("mov %0, %%cr3" : : "r"(0UL)); break;
    case 7: __asm__ volatile("mov %%cr0, %%rax" : : : "rax"); break;
    case 8: __asm__ volatile("wrmsr" : : "c"(0x10), "a"(0), "d"(0)); break;
    case 9: __asm__ volatile("rdmsr" : : "c"(0x10) : "rax", "rdx"); break;
    case 10: __asm__ volatile("int $0x10"); break;
    case 11: __asm__ volatile("invlpg (%0)" : : "r"(0UL) : "memory"); break;
    case 12: __asm__ volatile("mov %0, %%dr7" : : "r"(0UL)); break;
    case 13: __asm__ volatile("lidt %0" : : "m"(*(char(*)[10])rodata)); break;
    case 14: __asm__ volatile("wbinvd"); break;
    case 15: __asm__ volatile("mov %0, %%ss" : : "r"(0x10)); break;
    }
    return 0;
}
static const char* insn_names[] = {"hlt", "cli", "sti", "in_port", "out_port", "lgdt", "mov_cr3", "mov_from_cr0",
                                   "wrmsr", "rdmsr", "int_0x10", "invlpg", "mov_dr7", "lidt", "wbinvd", "mov_ss_kernel"};

static int unpriv_io(void* a) {
    setuid(1000);
    if ((long)a == 0) {
        return iopl(3) == -1 && errno == EPERM ? 0 : 1;
    }
    return ioperm(0x80, 1, 1) == -1 && errno == EPERM ? 0 : 1;
}

// The result line is "ok NAME sig=N" with the signal that stopped it.
static void attack_sig(const char* name, int (*fn)(void*), void* arg) {
    int st = run_child(fn, arg);
    check_count++;
    if (st != -1 && WIFSIGNALED(st)) {
        printf("ok %s sig=%d\n", name, WTERMSIG(st));
    } else {
        check_failures++;
        printf("FAIL %s: not stopped (exit %d)\n", name, exit_code(st));
    }
}

int main(void) {
    check_start(NULL);
    target = KTEXT;
    attack_sig("read_kernel_text", k_read, NULL);
    attack_sig("write_kernel_text", k_write, NULL);
    attack_sig("jump_kernel_text", k_jump, NULL);
    target = KDATA;
    attack_sig("read_kernel_direct_map", k_read, NULL);
    attack_sig("write_kernel_direct_map", k_write, NULL);
    target = 0xfffffffffffff000UL;
    attack_sig("read_top_page", k_read, NULL);
    target = NONCANON;
    attack_sig("read_noncanonical", k_read, NULL);
    attack_sig("write_noncanonical", k_write, NULL);
    attack_sig("jump_noncanonical", k_jump, NULL);
    target = 0;
    attack_sig("jump_null", k_jump, NULL);
    attack_sig("exec_stack_nx", exec_stack, NULL);
    attack_sig("exec_heap_nx", exec_heap, NULL);
    attack_sig("exec_rw_mapping_nx", exec_rw_map, NULL);
    attack_sig("exec_after_mprotect_rw", exec_after_mprotect_rw, NULL);
    attack_sig("write_text", write_text, NULL);
    attack_sig("write_rodata", write_rodata, NULL);
    attack_sig("write_readonly_mapping", write_ro_map, NULL);
    for (long i = 0; i < 16; i++) {
        attack_sig(insn_names[i], insn, (void*)i);
    }
    check_eq("exec_rx_mapping_runs", exit_code(run_child(exec_rx_map, NULL)), 0);
    check_eq("iopl_unprivileged_eperm", exit_code(run_child(unpriv_io, (void*)0)), 0);
    check_eq("ioperm_unprivileged_eperm", exit_code(run_child(unpriv_io, (void*)1)), 0);
    int p[2];
    check_require("pipe", pipe(p) == 0);
    check_err("write_from_kernel_efault", write(p[1], (void*)KTEXT, 16), EFAULT);
    write(p[1], "0123456789abcdef", 16);
    check_err("read_into_kernel_efault", read(p[0], (void*)KDATA, 16), EFAULT);
    check_err("read_into_noncanonical_efault", read(p[0], (void*)NONCANON, 16), EFAULT);
    check_err("open_kernel_path_efault", open((const char*)KTEXT, O_RDONLY), EFAULT);
    check_err("clock_gettime_kernel_efault", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, KDATA), EFAULT);
    check_true("parent_alive", getpid() == 1, "pid %d", getpid());
    return check_end("isolation");
}
