// The first user program: a static musl binary run as /init.
// Exercises the C runtime start-up (TLS via arch_prctl, set_tid_address),
// stdio (writev/ioctl) and the exit status.
#include <stdio.h>
#include <string.h>

int main(int argc, char** argv, char** envp) {
    printf("hello from user space: argc=%d argv[0]=%s\n", argc, argv[0]);
    int nenv = 0;
    while (envp[nenv] != NULL) {
        ++nenv;
    }
    printf("envc=%d first=%s\n", nenv, nenv > 0 ? envp[0] : "(none)");
    return strlen(argv[0]) == 5 ? 3 : 1; // "/init"
}
