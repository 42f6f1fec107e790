// A launcher for exec tests of programs that are not /init themselves:
// execs argv[1] with argv[1...] and the environment (the command line's
// "rdinit=/bin/exec_launch -- PROG ARGS").
#include <stdio.h>
#include <string.h>
#include <unistd.h>

extern char** environ;

int main(int argc, char** argv) {
    if (argc < 2) {
        printf("exec_launch: no program\n");
        return 1;
    }
    execve(argv[1], argv + 1, environ);
    perror("exec_launch: execve");
    return 1;
}
