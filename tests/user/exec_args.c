// execve of this same program (/init) in a child: argv and envp arrive
// whole and in order, the auxiliary vector (AT_PAGESZ, ids, AT_RANDOM,
// AT_EXECFN, AT_ENTRY, AT_PHDR), close-on-exec descriptors are closed and
// others kept, handled signals reset to SIG_DFL while ignored ones and the
// mask survive, the pid stays, and a NULL argv gives argc 1 with "" (6.1).
// The exec'd image reports through exit codes (one per check).
#include "ptest.h"
#include <elf.h>
#include <sys/auxv.h>

extern char _start[];

static void on_usr1(int s) { (void)s; }

static int image_main(int argc, char** argv, char** envp, const char* mode) {
    if (strcmp(mode, "args") == 0) {
        if (argc != 4 || strcmp(argv[0], "zero") != 0 || strcmp(argv[1], "one") != 0 || strcmp(argv[2], "") != 0 ||
            strcmp(argv[3], "three four") != 0 || argv[4] != NULL) {
            return 1;
        }
        if (envp != argv + argc + 1 || strcmp(envp[0], "EXECMODE=args") != 0 || strcmp(envp[1], "B=2") != 0 ||
            envp[2] != NULL) {
            return 2;
        }
        return 0;
    }
    if (strcmp(mode, "auxv") == 0) {
        if (getauxval(AT_PAGESZ) != 4096) {
            return 1;
        }
        if (getauxval(AT_UID) != 0 || getauxval(AT_EUID) != 0 || getauxval(AT_GID) != 0 || getauxval(AT_EGID) != 0 ||
            getauxval(AT_SECURE) != 0) {
            return 2;
        }
        if (getauxval(AT_RANDOM) == 0) {
            return 3;
        }
        const char* fn = (const char*)getauxval(AT_EXECFN);
        if (fn == NULL || strcmp(fn, "/init") != 0) {
            return 4;
        }
        if (getauxval(AT_ENTRY) != (unsigned long)_start) {
            return 5;
        }
        const Elf64_Phdr* ph = (const Elf64_Phdr*)getauxval(AT_PHDR);
        if (ph == NULL || getauxval(AT_PHENT) != sizeof(Elf64_Phdr) || getauxval(AT_PHNUM) == 0) {
            return 6;
        }
        if (getauxval(AT_CLKTCK) != 100) {
            return 7;
        }
        return 0;
    }
    if (strcmp(mode, "fds") == 0) {
        // fd 5 was close-on-exec, fd 6 not.
        if (fcntl(5, F_GETFD) != -1 || errno != EBADF) {
            return 1;
        }
        if (fcntl(6, F_GETFD) != 0) {
            return 2;
        }
        return write(6, "kept", 4) == 4 ? 0 : 3;
    }
    if (strcmp(mode, "signals") == 0) {
        struct sigaction sa;
        sigaction(SIGUSR1, NULL, &sa);
        if (sa.sa_handler != SIG_DFL) {
            return 1;
        }
        sigaction(SIGUSR2, NULL, &sa);
        if (sa.sa_handler != SIG_IGN) {
            return 2;
        }
        sigset_t m;
        sigprocmask(SIG_BLOCK, NULL, &m);
        if (!sigismember(&m, SIGINT) || sigismember(&m, SIGTERM)) {
            return 3;
        }
        return 0;
    }
    if (strcmp(mode, "pid") == 0) {
        return argc == 2 && atol(argv[1]) == getpid() ? 0 : 1;
    }
    if (strcmp(mode, "nullargv") == 0) {
        return argc == 1 && argv[0] != NULL && argv[0][0] == 0 && argv[1] == NULL ? 0 : 1;
    }
    return 99;
}

// Runs /init with the given argv and environment in a child; its exit code.
static int run_image(char** argv, char** envp) {
    pid_t pid = fork();
    if (pid == 0) {
        execve("/init", argv, envp);
        _exit(98);
    }
    int st;
    waitpid(pid, &st, 0);
    return exit_code(st);
}

int main(int argc, char** argv, char** envp) {
    const char* mode = getenv("EXECMODE");
    if (mode != NULL) {
        return image_main(argc, argv, envp, mode);
    }
    check_start(NULL);
    char* args[] = {"zero", "one", "", "three four", NULL};
    char* env_args[] = {"EXECMODE=args", "B=2", NULL};
    check_eq("argv_envp", run_image(args, env_args), 0);
    char* one[] = {"/init", NULL};
    char* env_auxv[] = {"EXECMODE=auxv", NULL};
    check_eq("auxv", run_image(one, env_auxv), 0);

    int p[2];
    check_require("pipe", pipe(p) == 0);
    int fd5 = dup2(p[1], 5);
    int fd6 = dup2(p[1], 6);
    fcntl(fd5, F_SETFD, FD_CLOEXEC);
    char* env_fds[] = {"EXECMODE=fds", NULL};
    check_eq("cloexec_closed_other_kept", run_image(one, env_fds), 0);
    char buf[8] = {0};
    close(fd5);
    close(fd6);
    close(p[1]);
    check_eq("kept_fd_wrote", read(p[0], buf, sizeof buf), 4);
    check_eq("o_cloexec_flag", fcntl(open("/init", O_RDONLY | O_CLOEXEC), F_GETFD), FD_CLOEXEC);

    pid_t pid = fork();
    if (pid == 0) {
        on_signal(SIGUSR1, on_usr1, 0);
        signal(SIGUSR2, SIG_IGN);
        mask_one(SIG_BLOCK, SIGINT);
        char* env_sig[] = {"EXECMODE=signals", NULL};
        execve("/init", one, env_sig);
        _exit(98);
    }
    int st;
    waitpid(pid, &st, 0);
    check_eq("signal_dispositions", exit_code(st), 0);

    pid = fork();
    if (pid == 0) {
        char num[16];
        snprintf(num, sizeof num, "%d", getpid());
        char* a[] = {"/init", num, NULL};
        char* env_pid[] = {"EXECMODE=pid", NULL};
        execve("/init", a, env_pid);
        _exit(98);
    }
    waitpid(pid, &st, 0);
    check_eq("pid_kept", exit_code(st), 0);
    char* env_null[] = {"EXECMODE=nullargv", NULL};
    check_eq("null_argv", run_image(NULL, env_null), 0);
    // execveat with AT_EMPTY_PATH on an open descriptor of the program.
    pid = fork();
    if (pid == 0) {
        int fd = open("/init", O_RDONLY);
        syscall(SYS_execveat, fd, "", args, env_args, AT_EMPTY_PATH);
        _exit(98);
    }
    waitpid(pid, &st, 0);
    check_eq("execveat_empty_path", exit_code(st), 0);
    return check_end("exec_args");
}
