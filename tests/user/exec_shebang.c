// #! scripts: /init writes a script whose interpreter line has an
// argument with inner spaces, and a second script that names the first as
// its interpreter; execve of the second runs /bin/exec_child with
// [interpreter, argument, script, argv[1]...] at each level. AT_EXECFN and
// the task name are the script's.
#include "check.h"

int main(void) {
    check_start(NULL);
    check_ok("write s1", put_file("/s1", "#!/bin/exec_child   -opt  two  words \t \nignored\n"));
    check_ok("chmod s1", chmod("/s1", 0755));
    check_ok("write s2", put_file("/s2", "#! /s1\n"));
    check_ok("chmod s2", chmod("/s2", 0755));
    char* argv[] = {"ignored-argv0", "x", "y", NULL};
    char* envp[] = {"FOO=script", NULL};
    printf("init: exec /s2\n");
    execve("/s2", argv, envp);
    printf("FAIL execve: %s\n", errname(errno));
    return 1;
}
