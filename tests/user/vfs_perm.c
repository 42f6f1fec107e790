// Permission checks: what root may do regardless of mode bits, then, with
// the effective ids switched to 1000:1000 (real and saved uid stay 0),
// the owner/group/other classes, search permission on directories, the
// sticky bit, setgid directories, chmod/chown/utimensat by non-owners, and
// access() using the real uid while faccessat2(AT_EACCESS) uses the
// effective one.
#include "check.h"
#include <grp.h>
#include <time.h>

int main(void) {
    check_start("/tmp/perm");
    chmod("/tmp/perm", 0777);
    struct stat st;
    char buf[64];

    // Root: reads and writes a mode-0 file, lists a mode-0 directory.
    put_file("root0", "secret");
    chmod("root0", 0);
    int fd = open("root0", O_RDWR);
    check_ok("root_opens_mode0", fd);
    close(fd);
    mkdir("rootdir", 0);
    put_file("rootdir/inside", "x");
    check_ok("root_searches_mode0_dir", access("rootdir/inside", F_OK));
    check_err("root_exec_needs_some_x", access("root0", X_OK), EACCES);

    // setgid directory: new entries take its group; subdirectories keep the
    // bit.
    mkdir("sgid", 0755);
    chown("sgid", 0, 1234);
    chmod("sgid", 02775);
    put_file("sgid/f", "");
    mkdir("sgid/sub", 0755);
    check_true("sgid_file_group", stat("sgid/f", &st) == 0 && st.st_gid == 1234, "gid %d", st.st_gid);
    check_true("sgid_subdir_inherits", stat("sgid/sub", &st) == 0 && st.st_gid == 1234 && (st.st_mode & 02000),
               "gid %d mode %o", st.st_gid, st.st_mode);

    // Files for the unprivileged part.
    put_file("r600", "root only");
    chmod("r600", 0600);
    put_file("r644", "readable");
    chmod("r644", 0644);
    put_file("g640", "group");
    chown("g640", 0, 1000);
    chmod("g640", 0640);
    put_file("own077", "owner denied");
    chown("own077", 1000, 1000);
    chmod("own077", 0077);
    put_file("own400", "ro");
    chown("own400", 1000, 1000);
    chmod("own400", 0400);
    mkdir("closed", 0700);
    put_file("closed/f", "x");
    mkdir("noread", 0311);
    put_file("noread/f", "x");
    mkdir("ro", 0755);
    put_file("ro/f", "x");
    mkdir("sticky", 0755);
    chmod("sticky", 01777);
    put_file("sticky/rootfile", "x");
    put_file("utime", "x");
    chmod("utime", 0666);

    // Drop the effective ids (real and saved uid stay 0).
    setgroups(0, NULL);
    check_ok("setegid", setresgid(-1, 1000, -1));
    check_ok("seteuid", setresuid(-1, 1000, -1));
    check_eq("geteuid", geteuid(), 1000);

    check_err("user_read_0600", open("r600", O_RDONLY), EACCES);
    fd = open("r644", O_RDONLY);
    check_ok("user_read_0644", fd);
    close(fd);
    check_err("user_write_0644", open("r644", O_WRONLY), EACCES);
    check_err("user_trunc_0644", truncate("r644", 0), EACCES);
    fd = open("g640", O_RDONLY);
    check_ok("user_group_read", fd);
    close(fd);
    check_err("user_group_write", open("g640", O_RDWR), EACCES);
    check_err("owner_class_only", open("own077", O_RDONLY), EACCES);
    check_err("owner_write_0400", open("own400", O_WRONLY), EACCES);
    check_ok("owner_chmod", chmod("own400", 0600));
    fd = open("own400", O_WRONLY);
    check_ok("owner_write_after_chmod", fd);
    close(fd);
    check_err("user_chmod_not_owner", chmod("r644", 0666), EPERM);
    check_err("user_chown", chown("own400", 0, 0), EPERM);
    check_err("user_chown_other_group", chown("own400", -1, 0), EPERM);
    check_ok("user_chown_noop", chown("own400", 1000, 1000));
    check_err("user_search_closed", stat("closed/f", &st), EACCES);
    check_err("user_open_in_closed", open("closed/f", O_RDONLY), EACCES);
    check_err("user_list_noread", open("noread", O_RDONLY), EACCES);
    check_ok("user_search_noread", access("noread/f", F_OK));
    check_err("user_create_in_ro", open("ro/new", O_RDWR | O_CREAT, 0644), EACCES);
    check_err("user_unlink_in_ro", unlink("ro/f"), EACCES);
    check_err("user_mkdir_in_ro", mkdir("ro/d", 0755), EACCES);
    check_err("user_rename_from_ro", rename("ro/f", "moved"), EACCES);
    check_ok("user_create_in_sticky", put_file("sticky/mine", "m"));
    check_true("user_file_owner", stat("sticky/mine", &st) == 0 && st.st_uid == 1000 && st.st_gid == 1000,
               "uid %d gid %d", st.st_uid, st.st_gid);
    check_err("sticky_unlink_others", unlink("sticky/rootfile"), EPERM);
    check_err("sticky_rename_others", rename("sticky/rootfile", "sticky/x"), EPERM);
    check_ok("sticky_unlink_own", unlink("sticky/mine"));
    check_ok("utime_now_writable", utimensat(AT_FDCWD, "utime", NULL, 0));
    struct timespec ts[2] = {{1, 0}, {1, 0}};
    check_err("utime_explicit_not_owner", utimensat(AT_FDCWD, "utime", ts, 0), EPERM);
    check_err("utime_now_readonly", utimensat(AT_FDCWD, "r644", NULL, 0), EACCES);
    // access() checks with the real uid (0), AT_EACCESS with the effective.
    check_ok("access_real_uid", access("r600", R_OK));
    check_err("faccessat2_effective", syscall(SYS_faccessat2, AT_FDCWD, "r600", R_OK, AT_EACCESS), EACCES);
    check_err("user_mknod_dev", mknod("dev", S_IFCHR | 0600, 0x0103), EPERM);
    // Debian's kernel sets fs.protected_hardlinks=1: no hard link to a file
    // one neither owns nor may write; to one's own file, the directory's
    // write permission decides.
    check_err("user_link_protected", link("r644", "mylink"), EPERM);
    check_err("user_link_own_into_ro", link("own400", "ro/l"), EACCES);
    check_ok("user_link_own", link("own400", "mylink"));

    // Back to root: everything is allowed again.
    check_ok("seteuid_back", setresuid(-1, 0, -1));
    setresgid(-1, 0, -1);
    fd = open("r600", O_RDWR);
    check_true("root_again", fd >= 0 && read(fd, buf, sizeof buf) == 9, "fd %d", fd);
    close(fd);

    return check_end("vfs_perm");
}
