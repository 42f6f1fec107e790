// iopl(2) and ioperm(2) for root on a kernel locked down against port I/O
// (Linux booted with lockdown=integrity; Keel always behaves so, having no
// I/O bitmap): argument checks first (EINVAL), then any request for more
// access is EPERM even for root; dropping access one never had succeeds;
// iopl's level is an unsigned int and ioperm's turn_on an int (high bits
// ignored); a port instruction after a refused request is SIGSEGV.
#include "ptest.h"
#include <sys/syscall.h>

static int port_in(void* a) {
    (void)a;
    syscall(SYS_iopl, 3);
    __asm__ volatile("inb $0x80, %%al" : : : "rax");
    return 0;
}

static int port_out_after_ioperm(void* a) {
    (void)a;
    syscall(SYS_ioperm, 0x80, 1, 1);
    __asm__ volatile("outb %%al, $0x80" : : "a"(0));
    return 0;
}

int main(void) {
    check_start(NULL);
    check_eq("root", geteuid(), 0);
    check_err("iopl_4_einval", syscall(SYS_iopl, 4), EINVAL);
    check_err("iopl_minus1_einval", syscall(SYS_iopl, -1L), EINVAL);
    check_eq("iopl_0_ok", syscall(SYS_iopl, 0), 0);
    check_eq("iopl_high_bits_ignored", syscall(SYS_iopl, 0x100000000L), 0);
    check_err("iopl_3_root_eperm", syscall(SYS_iopl, 3), EPERM);
    check_err("iopl_1_root_eperm", syscall(SYS_iopl, 1), EPERM);
    check_err("ioperm_num_0_einval", syscall(SYS_ioperm, 0x80, 0, 1), EINVAL);
    check_err("ioperm_past_end_einval", syscall(SYS_ioperm, 65535, 2, 1), EINVAL);
    check_err("ioperm_wrap_einval", syscall(SYS_ioperm, -1L, 2, 0), EINVAL);
    check_eq("ioperm_last_port_off_ok", syscall(SYS_ioperm, 65535, 1, 0), 0);
    check_eq("ioperm_off_ok", syscall(SYS_ioperm, 0x80, 1, 0), 0);
    check_eq("ioperm_turn_on_int_high_bits_ignored", syscall(SYS_ioperm, 0x80, 1, 0x100000000L), 0);
    check_err("ioperm_on_root_eperm", syscall(SYS_ioperm, 0x80, 1, 1), EPERM);
    check_err("ioperm_all_root_eperm", syscall(SYS_ioperm, 0, 65536, 1), EPERM);
    check_eq("in_port_after_iopl_sigsegv", term_sig(run_child(port_in, NULL)), SIGSEGV);
    check_eq("out_port_after_ioperm_sigsegv", term_sig(run_child(port_out_after_ioperm, NULL)), SIGSEGV);
    return check_end("ioport");
}
