// A program linked against Debian's C libraries (glibc dynamic, glibc
// static-pie, musl dynamic; mk/user.mk builds all three), run through
// execve: the C runtime's start-up (the dynamic loader maps libc, applies
// relocations, sets up TLS), stdio, malloc and the auxiliary vector.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

static __thread int tls_counter = 40;

int main(int argc, char** argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("libc: argc=%d", argc);
    for (int i = 1; i < argc; ++i) {
        printf(" [%s]", argv[i]);
    }
    printf("\n");
    char* buf = malloc(1 << 20);
    if (buf == NULL) {
        printf("libc: malloc failed\n");
        return 1;
    }
    memset(buf, 'k', 1 << 20);
    buf[(1 << 20) - 1] = 0;
    printf("libc: malloc 1 MiB ok, strlen %zu\n", strlen(buf));
    free(buf);
    tls_counter += 2;
    printf("libc: tls %d\n", tls_counter);
    const char* home = getenv("HOME");
    printf("libc: HOME=%s\n", home ? home : "(unset)");
    printf("libc: interpreter %s\n", getauxval(AT_BASE) != 0 ? "loaded" : "none");
    printf("libc: execfn %s\n", (const char*)getauxval(AT_EXECFN));
    return 0;
}
