// execve from a thread that is not the group leader (Linux's de_thread):
// the other threads die without running user code again, the exec'ing
// thread takes over the leader's pid (gettid() == getpid() afterwards),
// the parent still waits for the same pid, and the new image has one
// thread. Also exec from the leader while another thread spins.
#include "ptest.h"
#include <pthread.h>
#include <sys/mount.h>

static char self_path[] = "/init";
static char pid_arg[16];
static volatile int leader_woke;

static int count_tasks(void) {
    // /proc/self/status "Threads:" when procfs is there; else -1.
    char buf[2048];
    int fd = open("/proc/self/status", O_RDONLY);
    if (fd < 0) {
        return -1;
    }
    long n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) {
        return -1;
    }
    buf[n] = 0;
    char* p = strstr(buf, "Threads:");
    return p ? atoi(p + 8) : -1;
}

// The new image: 42 when it is the leader of the same process.
static int after_exec(const char* old_pid) {
    pid_t pid = getpid();
    pid_t tid = (pid_t)syscall(SYS_gettid);
    if (pid != atoi(old_pid)) {
        return 1;
    }
    if (tid != pid) {
        return 2;
    }
    return 42;
}

static void* exec_thread(void* a) {
    (void)a;
    char* argv[] = {self_path, "after", pid_arg, NULL};
    char* envp[] = {NULL};
    execve(self_path, argv, envp);
    return (void*)1; // failed
}

// The leader waits in pthread_join (a futex wait) while its thread execs;
// it must never come back to user mode.
static int exec_from_thread(void* a) {
    (void)a;
    mkdir("/proc", 0755);
    mount("proc", "/proc", "proc", 0, NULL);
    snprintf(pid_arg, sizeof pid_arg, "%d", getpid());
    pthread_t t;
    pthread_create(&t, NULL, exec_thread, NULL);
    pthread_join(t, NULL);
    leader_woke = 1;
    write(1, "FAIL leader returned from join\n", 31);
    return 3;
}

static volatile int spin_go = 1;
static void* spinner(void* a) {
    (void)a;
    while (spin_go) {
        sched_yield();
    }
    write(1, "FAIL spinner stopped\n", 21);
    return NULL;
}

// The leader execs while another thread spins in sched_yield.
static int exec_from_leader(void* a) {
    (void)a;
    snprintf(pid_arg, sizeof pid_arg, "%d", getpid());
    pthread_t t;
    pthread_create(&t, NULL, spinner, NULL);
    sched_yield();
    char* argv[] = {self_path, "after", pid_arg, NULL};
    char* envp[] = {NULL};
    execve(self_path, argv, envp);
    return 4;
}

// Several threads sleeping and spinning, the exec from the last one.
static void* sleeper(void* a) {
    (void)a;
    for (;;) {
        sleep_ms(1000);
        write(1, "FAIL sleeper woke\n", 18);
    }
    return NULL;
}
static int exec_among_many(void* a) {
    (void)a;
    snprintf(pid_arg, sizeof pid_arg, "%d", getpid());
    pthread_t t;
    for (int i = 0; i < 3; i++) {
        pthread_create(&t, NULL, sleeper, NULL);
    }
    pthread_create(&t, NULL, spinner, NULL);
    pthread_create(&t, NULL, exec_thread, NULL);
    for (;;) {
        pause();
    }
    return 5;
}

int main(int argc, char** argv) {
    if (argc == 3 && strcmp(argv[1], "after") == 0) {
        int threads = count_tasks();
        if (threads != -1 && threads != 1) {
            return 6;
        }
        return after_exec(argv[2]);
    }
    check_start(NULL);
    check_eq("exec_from_thread", exit_code(run_child(exec_from_thread, NULL)), 42);
    check_eq("exec_from_leader", exit_code(run_child(exec_from_leader, NULL)), 42);
    check_eq("exec_among_many", exit_code(run_child(exec_among_many, NULL)), 42);
    return check_end("thread_exec");
}
