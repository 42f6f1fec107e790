// The system call table: number, name and handler, in one list (Linux x86-64
// numbers, arch/x86/entry/syscalls/syscall_64.tbl).
#pragma once

// X(number, name)
#define SERVICES_SYSCALLS(X)                                                                       \
    X(1, write)                                                                                    \
    X(12, brk)                                                                                     \
    X(16, ioctl)                                                                                   \
    X(20, writev)                                                                                  \
    X(39, getpid)                                                                                  \
    X(60, exit)                                                                                    \
    X(158, arch_prctl)                                                                             \
    X(218, set_tid_address)                                                                        \
    X(231, exit_group)
