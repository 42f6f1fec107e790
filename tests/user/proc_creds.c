// Credentials: init runs as root; setuid/setgid/setresuid/setresgid and
// getres*id, setgroups/getgroups, dropping root is one-way (EPERM after),
// saved set-user-ID lets the effective id come back.
#include "ptest.h"
#include <grp.h>

static int drop_root(void* arg) {
    (void)arg;
    if (setgid(100) != 0 || setuid(1000) != 0) {
        return 1;
    }
    if (getuid() != 1000 || geteuid() != 1000 || getgid() != 100) {
        return 2;
    }
    if (setuid(0) != -1 || errno != EPERM) {
        return 3;
    }
    gid_t gs[1] = {0};
    if (setgroups(1, gs) != -1 || errno != EPERM) {
        return 4;
    }
    return 0;
}

static int saved_id(void* arg) {
    (void)arg;
    if (setresuid(1000, 1000, 0) != 0) {
        return 1;
    }
    uid_t r, e, s;
    getresuid(&r, &e, &s);
    if (r != 1000 || e != 1000 || s != 0) {
        return 2;
    }
    if (seteuid(0) != 0 || geteuid() != 0) { // back through the saved id
        return 3;
    }
    if (setresuid(-1, 2000, -1) != 0 || geteuid() != 2000) {
        return 4;
    }
    if (setresuid(3000, -1, -1) != -1 || errno != EPERM) { // 3000 is none of r/e/s
        return 5;
    }
    return 0;
}

int main(void) {
    check_start(NULL);
    check_eq("uid_root", getuid(), 0);
    check_eq("euid_root", geteuid(), 0);
    check_eq("gid_root", getgid(), 0);
    uid_t r = 9, e = 9, s = 9;
    check_true("getresuid", getresuid(&r, &e, &s) == 0 && r == 0 && e == 0 && s == 0, "%d %d %d", r, e, s);
    check_err("getresuid_efault", syscall(SYS_getresuid, 8, &e, &s), EFAULT);
    gid_t gs[4] = {10, 20, 30, 40};
    check_eq("setgroups", setgroups(4, gs), 0);
    gid_t got[8];
    check_eq("getgroups_count", getgroups(0, NULL), 4);
    check_true("getgroups_values", getgroups(8, got) == 4 && got[0] == 10 && got[3] == 40, "got %d", got[0]);
    check_err("getgroups_small", getgroups(2, got), EINVAL);
    check_err("setgroups_huge", setgroups(100000, gs), EINVAL);
    setgroups(0, NULL);
    check_eq("drop_root_child", exit_code(run_child(drop_root, NULL)), 0);
    check_eq("saved_uid_child", exit_code(run_child(saved_id, NULL)), 0);
    check_eq("parent_still_root", getuid() + geteuid(), 0);
    return check_end("proc_creds");
}
