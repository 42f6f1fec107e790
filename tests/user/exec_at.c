// execveat: with "dir" (the command line's argument) /bin/exec_child
// relative to a directory fd; with "empty", the file behind an O_PATH fd
// (AT_EMPTY_PATH). The new program's AT_EXECFN and task name are Linux's
// /dev/fd/N names; the fd stays open (not close-on-exec).
#include "check.h"

int main(int argc, char** argv) {
    check_start(NULL);
    char* mode = argc > 1 ? argv[1] : (char*)"";
    char* args[] = {"exec_child", mode, NULL};
    char* env[] = {"FOO=at", NULL};
    long r = -1;
    if (strcmp(mode, "dir") == 0) {
        int dir = open("/bin", O_RDONLY | O_DIRECTORY);
        printf("init: execveat dir fd %d\n", dir);
        r = syscall(SYS_execveat, dir, "exec_child", args, env, 0);
    } else if (strcmp(mode, "empty") == 0) {
        int fd = open("/bin/exec_child", O_PATH);
        printf("init: execveat empty path fd %d\n", fd);
        r = syscall(SYS_execveat, fd, "", args, env, AT_EMPTY_PATH);
    }
    printf("FAIL execveat %s: %ld %s\n", mode, r, errname(errno));
    return 1;
}
