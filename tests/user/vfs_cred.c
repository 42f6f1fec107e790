// Credentials: the set*id rules (root may set anything; others only to
// their real/effective/saved ids, EPERM otherwise), the saved set-user-ID,
// setfsuid/setfsgid, getgroups/setgroups, and the set-user/group-ID bits
// a write, truncate, chown or chmod drops, as on Linux.
#include "check.h"
#include <grp.h>

static long res[3];

// getresuid/getresgid as one "r e s" triple check.
static int triple(const char* name, int nr, long r, long e, long s) {
    unsigned ids[3] = {99, 99, 99};
    long rc = syscall(nr, &ids[0], &ids[1], &ids[2]);
    res[0] = ids[0];
    res[1] = ids[1];
    res[2] = ids[2];
    return check_true(name, rc == 0 && ids[0] == r && ids[1] == e && ids[2] == s, "rc %ld ids %u %u %u", rc, ids[0],
                      ids[1], ids[2]);
}

static unsigned mode_of(const char* path) {
    struct stat st;
    return stat(path, &st) == 0 ? st.st_mode & 07777 : 0xffff;
}

int main(void) {
    check_start("/tmp/cred");
    chmod("/tmp/cred", 0777);
    gid_t list[8];

    // Groups.
    check_eq("getgroups_initial", syscall(SYS_getgroups, 0, NULL), 0);
    gid_t set[3] = {5, 3, 5};
    check_ok("setgroups_root", syscall(SYS_setgroups, 3, set));
    check_eq("getgroups_count", syscall(SYS_getgroups, 0, NULL), 3);
    long n = syscall(SYS_getgroups, 8, list);
    check_true("getgroups_sorted", n == 3 && list[0] == 3 && list[1] == 5 && list[2] == 5, "n %ld", n);
    check_err("getgroups_small", syscall(SYS_getgroups, 1, list), EINVAL);
    check_err("getgroups_negative", syscall(SYS_getgroups, -1, list), EINVAL);
    check_err("setgroups_too_many", syscall(SYS_setgroups, 65537, set), EINVAL);
    check_err("setgroups_efault", syscall(SYS_setgroups, 2, (void*)8), EFAULT);
    check_ok("setgroups_clear", syscall(SYS_setgroups, 0, NULL));

    // Root sets any gid; setgid sets all of them.
    triple("getresgid_root", SYS_getresgid, 0, 0, 0);
    check_ok("setresgid_root", syscall(SYS_setresgid, 10, 11, 12));
    triple("getresgid_set", SYS_getresgid, 10, 11, 12);
    check_eq("setfsgid_follows_egid", syscall(SYS_setfsgid, -1), 11);
    check_ok("setgid_root", syscall(SYS_setgid, 12));
    triple("setgid_root_all", SYS_getresgid, 12, 12, 12);
    check_ok("setregid_root", syscall(SYS_setregid, 20, 21));
    triple("setregid_saved", SYS_getresgid, 20, 21, 21);
    check_ok("setresgid_back", syscall(SYS_setresgid, 0, 0, 0));

    // The set-ID bits: root's writes keep them, chown drops them.
    put_file("suid", "#!");
    chmod("suid", 06777);
    int fd = open("suid", O_WRONLY);
    write(fd, "x", 1);
    close(fd);
    check_eq("root_write_keeps_suid", mode_of("suid"), 06777);
    put_file("chowned", "x");
    chmod("chowned", 06755);
    chown("chowned", -1, -1);
    check_eq("chown_drops_suid_sgid", mode_of("chowned"), 0755);
    put_file("lockgid", "x");
    chmod("lockgid", 02745);
    chown("lockgid", 0, 0);
    check_eq("chown_keeps_sgid_without_gx", mode_of("lockgid"), 02745);
    mkdir("sdir", 0755);
    chmod("sdir", 06755);
    chown("sdir", 0, 0);
    check_eq("chown_dir_keeps_bits", mode_of("sdir"), 06755);
    put_file("trunc", "xyz");
    chmod("trunc", 06777);
    put_file("lock", "xyz");
    chmod("lock", 02766);
    put_file("mine", "x");
    chown("mine", 1000, 77);

    // Not root any more (the real uid stays 0): writes drop the bits.
    check_ok("seteuid_user", syscall(SYS_setresuid, -1, 1000, -1));
    fd = open("suid", O_WRONLY);
    check_true("user_write_drops_suid", fd >= 0 && write(fd, "y", 1) == 1 && mode_of("suid") == 0777, "mode %o",
               mode_of("suid"));
    close(fd);
    check_true("user_truncate_drops_suid", truncate("trunc", 1) == 0 && mode_of("trunc") == 0777, "mode %o",
               mode_of("trunc"));
    fd = open("lock", O_WRONLY);
    check_true("write_keeps_sgid_without_gx", fd >= 0 && write(fd, "y", 1) == 1 && mode_of("lock") == 02766,
               "mode %o", mode_of("lock"));
    close(fd);
    check_true("chmod_nonmember_drops_sgid", chmod("mine", 02755) == 0 && mode_of("mine") == 0755, "mode %o",
               mode_of("mine"));
    check_err("chown_to_other_user", chown("mine", 1001, -1), EPERM);
    check_err("setuid_user_other", syscall(SYS_setuid, 5), EPERM);
    check_err("setgroups_user", syscall(SYS_setgroups, 0, NULL), EPERM);
    check_eq("setfsuid_query", syscall(SYS_setfsuid, -1), 1000);
    check_ok("seteuid_back", syscall(SYS_setresuid, -1, 0, -1));

    // The uid rules for an unprivileged process.
    check_err("setuid_invalid", syscall(SYS_setuid, -1), EINVAL);
    check_ok("setresuid_root", syscall(SYS_setresuid, 1, 2, 3));
    triple("getresuid_set", SYS_getresuid, 1, 2, 3);
    check_eq("geteuid", geteuid(), 2);
    check_eq("getuid", getuid(), 1);
    check_ok("setuid_to_saved", syscall(SYS_setuid, 3));
    triple("setuid_user_effective_only", SYS_getresuid, 1, 3, 3);
    check_err("setuid_user_eperm", syscall(SYS_setuid, 4), EPERM);
    check_ok("setreuid_e_to_real", syscall(SYS_setreuid, -1, 1));
    triple("setreuid_keeps_saved", SYS_getresuid, 1, 1, 3);
    check_err("setreuid_r_to_saved", syscall(SYS_setreuid, 3, -1), EPERM);
    check_ok("setreuid_e_to_saved", syscall(SYS_setreuid, -1, 3));
    triple("setreuid_updates_saved", SYS_getresuid, 1, 3, 3);
    check_ok("setreuid_swap", syscall(SYS_setreuid, 3, 1));
    triple("setreuid_swapped", SYS_getresuid, 3, 1, 1);
    check_err("setresuid_user_other", syscall(SYS_setresuid, -1, -1, 7), EPERM);
    check_eq("setfsuid_allowed", syscall(SYS_setfsuid, 3), 1);
    check_eq("setfsuid_denied", syscall(SYS_setfsuid, 99), 3);
    check_eq("setfsuid_unchanged", syscall(SYS_setfsuid, -1), 3);
    check_ok("setresuid_effective", syscall(SYS_setresuid, -1, 1, -1));
    check_eq("fsuid_follows_euid", syscall(SYS_setfsuid, -1), 1);
    check_err("root_gone", syscall(SYS_setresuid, 0, -1, -1), EPERM);
    check_err("setgid_user", syscall(SYS_setgid, 7), EPERM);
    check_ok("setgid_user_real", syscall(SYS_setgid, 0));
    check_err("user_open_root_file", open("/tmp/cred/chowned", O_WRONLY), EACCES);

    return check_end("vfs_cred");
}
