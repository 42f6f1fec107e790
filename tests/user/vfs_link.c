// Hard links (link/linkat, AT_SYMLINK_FOLLOW, AT_EMPTY_PATH) and symbolic
// links (symlink/symlinkat, readlink/readlinkat, resolution relative to the
// link, ELOOP after 40 links, limits on the target's length).
#include "check.h"

int main(void) {
    check_start("/tmp/lnk");
    char buf[5000];
    struct stat st, st2;

    // Hard links share the inode; nlink counts names.
    put_file("f", "data");
    check_ok("link", link("f", "g"));
    stat("f", &st);
    stat("g", &st2);
    check_true("link_same_inode", st.st_ino == st2.st_ino && st.st_dev == st2.st_dev, "inodes differ");
    check_eq("link_nlink", st.st_nlink, 2);
    put_file("g", "changed");
    get_file("f", buf, sizeof buf);
    check_str("link_shared_data", buf, "changed");
    check_ok("unlink_one_name", unlink("f"));
    stat("g", &st);
    check_eq("link_nlink_after_unlink", st.st_nlink, 1);
    check_err("link_missing", link("nope", "h"), ENOENT);
    check_err("link_exists", link("g", "g"), EEXIST);
    mkdir("d", 0755);
    check_err("link_dir", link("d", "d2"), EPERM);
    check_err("link_exists_dir", link("g", "d"), EEXIST);
    check_err("link_new_slash", link("g", "h/"), ENOENT);
    check_err("link_old_slash", link("g/", "h"), ENOTDIR);
    check_err("link_into_missing_dir", link("g", "none/h"), ENOENT);
    check_err("link_empty", link("", "h"), ENOENT);

    // link() does not follow a symlink; AT_SYMLINK_FOLLOW does.
    symlink("g", "sl");
    check_ok("link_symlink_itself", link("sl", "sl_hard"));
    check_true("link_symlink_is_link", lstat("sl_hard", &st) == 0 && S_ISLNK(st.st_mode), "mode %o", st.st_mode);
    check_ok("linkat_follow", linkat(AT_FDCWD, "sl", AT_FDCWD, "g_hard", AT_SYMLINK_FOLLOW));
    check_true("linkat_follow_is_file", lstat("g_hard", &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 2,
               "mode %o nlink %ld", st.st_mode, (long)st.st_nlink);
    check_err("linkat_bad_flags", linkat(AT_FDCWD, "g", AT_FDCWD, "x", 0x2), EINVAL);
    int dfd = open("d", O_RDONLY | O_DIRECTORY);
    check_ok("linkat_dirfd", linkat(AT_FDCWD, "g", dfd, "in_d", 0));
    check_ok("linkat_dirfd_made", access("d/in_d", F_OK));
    check_err("linkat_badfd", linkat(999, "g", dfd, "x", 0), EBADF);
    // AT_EMPTY_PATH links the file an fd refers to (root may).
    int fd = open("g", O_RDONLY);
    check_ok("linkat_empty_path", linkat(fd, "", AT_FDCWD, "from_fd", AT_EMPTY_PATH));
    check_err("linkat_empty_without_flag", linkat(fd, "", AT_FDCWD, "x", 0), ENOENT);
    close(fd);
    put_file("tmp", "t");
    fd = open("tmp", O_RDONLY);
    unlink("tmp");
    check_err("linkat_unlinked_file", linkat(fd, "", AT_FDCWD, "revive", AT_EMPTY_PATH), ENOENT);
    close(fd);
    stat("g", &st);
    check_eq("link_count_total", st.st_nlink, 4);

    // symlink/symlinkat and readlink.
    check_ok("symlink", symlink("target/path", "s1"));
    check_eq("readlink", readlink("s1", buf, sizeof buf), 11);
    check_mem("readlink_data", buf, "target/path", 11);
    check_eq("readlink_truncates", readlink("s1", buf, 3), 3);
    check_err("readlink_size0", syscall(SYS_readlink, "s1", buf, 0), EINVAL);
    check_err("readlink_not_link", readlink("g", buf, sizeof buf), EINVAL);
    check_err("readlink_missing", readlink("nope", buf, sizeof buf), ENOENT);
    check_true("symlink_lstat", lstat("s1", &st) == 0 && S_ISLNK(st.st_mode) && st.st_size == 11 &&
                                    (st.st_mode & 0777) == 0777,
               "mode %o size %ld", st.st_mode, (long)st.st_size);
    check_err("symlink_exists", symlink("x", "s1"), EEXIST);
    check_err("symlink_empty_target", symlink("", "s2"), ENOENT);
    check_err("symlink_new_slash", symlink("x", "s2/"), ENOENT);
    check_err("symlink_missing_dir", symlink("x", "none/s2"), ENOENT);
    check_ok("symlinkat", symlinkat("../g", dfd, "up"));
    check_eq("readlinkat", readlinkat(dfd, "up", buf, sizeof buf), 4);
    // Relative targets resolve from the link's directory.
    check_eq("symlink_relative_resolves", get_file("d/up", buf, sizeof buf), 7);
    symlink("/tmp/lnk/d", "abs");
    check_ok("symlink_abs_middle", access("abs/in_d", F_OK));
    symlink("d/../d/./in_d", "dots");
    check_ok("symlink_dots", access("dots", F_OK));
    check_true("stat_follows", stat("abs", &st) == 0 && S_ISDIR(st.st_mode), "mode %o", st.st_mode);
    check_true("lstat_slash_follows", lstat("abs/", &st) == 0 && S_ISDIR(st.st_mode), "mode %o", st.st_mode);
    check_err("readlink_slash_follows", readlink("abs/", buf, sizeof buf), EINVAL);
    check_err("readlinkat_badfd", readlinkat(999, "up", buf, sizeof buf), EBADF);
    check_err("readlinkat_empty_file", readlinkat(dfd, "", buf, sizeof buf), ENOENT);

    // Loops and the limit of 40 links in one lookup.
    symlink("loop", "loop");
    check_err("open_self_loop", open("loop", O_RDONLY), ELOOP);
    check_err("stat_self_loop", stat("loop", &st), ELOOP);
    check_ok("lstat_self_loop", lstat("loop", &st));
    check_err("loop_middle", access("loop/x", F_OK), ELOOP);
    symlink("pong", "ping");
    symlink("ping", "pong");
    check_err("loop_pair", open("ping", O_RDONLY), ELOOP);
    // c40 -> c39 -> ... -> c1 -> g: 40 links to follow, the limit.
    symlink("g", "c1");
    for (int i = 2; i <= 41; i++) {
        char from[16], to[16];
        snprintf(from, sizeof from, "c%d", i - 1);
        snprintf(to, sizeof to, "c%d", i);
        symlink(from, to);
    }
    fd = open("c40", O_RDONLY);
    check_ok("follow_40_links", fd);
    close(fd);
    check_err("follow_41_links", open("c41", O_RDONLY), ELOOP);
    check_ok("lstat_41_links", lstat("c41", &st));

    // Target lengths: up to 4095 bytes; 4096 is ENAMETOOLONG.
    memset(buf, 'x', 4095);
    buf[4095] = 0;
    check_ok("symlink_target_4095", symlink(buf, "long"));
    check_true("symlink_target_4095_size", lstat("long", &st) == 0 && st.st_size == 4095, "size %ld",
               (long)st.st_size);
    check_eq("readlink_4095", readlink("long", buf + 4096, 800), 800);
    buf[4095] = 'x';
    buf[4096] = 0;
    check_err("symlink_target_4096", symlink(buf, "long2"), ENAMETOOLONG);
    check_err("follow_long_component", open("long", O_RDONLY), ENAMETOOLONG);
    close(dfd);

    return check_end("vfs_link");
}
