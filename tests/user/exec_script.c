// #! scripts: the interpreter (this program, /init) gets argv
// [interp, optional-arg, script, args...]; spaces around the interpreter
// and its argument; a script interpreting a script; missing interpreter
// (ENOENT), a script that is its own interpreter (ELOOP), an interpreter
// name longer than the 256-byte buffer (ENOEXEC), no x bit (EACCES).
#include "ptest.h"

static int image(int argc, char** argv, const char* mode) {
    // Each mode names the argv it expects, joined by '|'.
    char joined[512] = "";
    for (int i = 0; i < argc; i++) {
        strcat(joined, i ? "|" : "");
        strcat(joined, argv[i]);
    }
    return strcmp(joined, mode) == 0 ? 0 : 1;
}

static int run(const char* path, char* arg, const char* want) {
    char env[512];
    snprintf(env, sizeof env, "WANT=%s", want);
    pid_t pid = fork();
    if (pid == 0) {
        char* argv[] = {(char*)path, arg, NULL};
        char* envp[] = {env, NULL};
        execve(path, argv, envp);
        _exit(errno == ENOENT ? 50 : errno == ELOOP ? 51 : errno == ENOEXEC ? 52 : errno == EACCES ? 53 : 54);
    }
    int st;
    waitpid(pid, &st, 0);
    return exit_code(st);
}

static void script(const char* name, const char* text) {
    put_file(name, text);
    chmod(name, 0755);
}

int main(int argc, char** argv) {
    const char* want = getenv("WANT");
    if (want != NULL) {
        return image(argc, argv, want);
    }
    check_start("/tmp/script");
    script("s1", "#!/init scriptarg\necho not run\n");
    check_eq("interp_with_arg", run("/tmp/script/s1", "a1", "/init|scriptarg|/tmp/script/s1|a1"), 0);
    script("s2", "#!/init\n");
    check_eq("interp_no_arg", run("/tmp/script/s2", "a1", "/init|/tmp/script/s2|a1"), 0);
    script("s3", "#!  /init   two words  \n");
    check_eq("interp_spaces_one_arg", run("/tmp/script/s3", "a1", "/init|two words|/tmp/script/s3|a1"), 0);
    script("s4", "#!/tmp/script/s2\n");
    check_eq("nested_script", run("/tmp/script/s4", "a1", "/init|/tmp/script/s2|/tmp/script/s4|a1"), 0);
    check_eq("relative_path_script", run("./s2", "z", "/init|./s2|z"), 0);
    script("s5", "#!/init\tt\n");
    check_eq("interp_tab_separator", run("/tmp/script/s5", "a", "/init|t|/tmp/script/s5|a"), 0);
    script("missing", "#!/no/such/interp\n");
    check_eq("missing_interp_enoent", run("/tmp/script/missing", "a", ""), 50);
    script("self", "#!/tmp/script/self\n");
    check_eq("self_interp_eloop", run("/tmp/script/self", "a", ""), 51);
    char longline[400] = "#!/";
    memset(longline + 3, 'x', 300);
    strcat(longline, "\n");
    script("long", longline);
    check_eq("long_interp_enoexec", run("/tmp/script/long", "a", ""), 52);
    put_file("nox", "#!/init\n");
    check_eq("script_no_x_eacces", run("/tmp/script/nox", "a", ""), 53);
    script("empty", "#!\n");
    check_eq("empty_interp_enoexec", run("/tmp/script/empty", "a", ""), 52);
    return check_end("exec_script");
}
