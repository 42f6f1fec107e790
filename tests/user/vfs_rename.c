// rename/renameat/renameat2: replacing files and empty directories, the
// corner cases (same file, hard links to one inode, a directory into its own
// subtree, "." and "..", trailing slashes, symlinks renamed not followed),
// RENAME_NOREPLACE and RENAME_EXCHANGE, and open files surviving a rename.
#include "check.h"

#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#define RENAME_WHITEOUT 4

static long renameat2_(int od, const char* o, int nd, const char* n, unsigned flags) {
    return syscall(SYS_renameat2, od, o, nd, n, flags);
}

int main(void) {
    check_start("/tmp/ren");
    char buf[64];
    struct stat st, st2;

    put_file("a", "AAA");
    check_ok("rename_file", rename("a", "b"));
    check_err("rename_old_gone", access("a", F_OK), ENOENT);
    check_eq("rename_new_data", get_file("b", buf, sizeof buf), 3);
    check_err("rename_missing", rename("a", "c"), ENOENT);
    put_file("c", "CCCCC");
    stat("c", &st);
    check_ok("rename_replace", rename("b", "c"));
    check_true("rename_replace_data", get_file("c", buf, sizeof buf) == 3 && strcmp(buf, "AAA") == 0, "%s", buf);
    // The same file: nothing happens, both names stay.
    check_ok("rename_same_name", rename("c", "c"));
    check_ok("rename_same_still_there", access("c", F_OK));
    link("c", "c2");
    check_ok("rename_hardlink_same_inode", rename("c", "c2"));
    check_true("rename_hardlink_both_stay", access("c", F_OK) == 0 && access("c2", F_OK) == 0, "one was removed");
    stat("c", &st);
    check_eq("rename_hardlink_nlink", st.st_nlink, 2);
    unlink("c2");

    // Directories: onto an empty directory, not onto a full one, never over
    // a file or a file over a directory.
    mkdir("d1", 0755);
    mkdir("d2", 0755);
    mkdir("full", 0755);
    put_file("full/x", "");
    check_err("rename_dir_over_full", rename("d1", "full"), ENOTEMPTY);
    check_err("rename_dir_over_file", rename("d1", "c"), ENOTDIR);
    check_err("rename_file_over_dir", rename("c", "d2"), EISDIR);
    check_ok("rename_dir_over_empty", rename("d1", "d2"));
    check_err("rename_dir_old_gone", access("d1", F_OK), ENOENT);
    check_err("rename_into_own_subdir", rename("full", "full/sub"), EINVAL);
    mkdir("full/inner", 0755);
    check_err("rename_into_own_deeper", rename("full", "full/inner/x"), EINVAL);
    check_err("rename_parent_over_child", rename("full", "full/inner"), EINVAL);
    check_err("rename_child_over_parent", rename("full/inner", "full"), ENOTEMPTY);
    check_err("rename_dot", rename("d2/.", "d3"), EBUSY);
    check_err("rename_dotdot", rename("d2/..", "d3"), EBUSY);
    check_err("rename_to_dot", rename("c", "d2/."), EBUSY);
    check_err("rename_root", rename("/", "/tmp/ren/r"), EBUSY);

    // Link counts move with directories.
    stat(".", &st);
    long before = st.st_nlink;
    check_ok("rename_dir_across", rename("d2", "full/d2"));
    stat(".", &st);
    stat("full", &st2);
    check_true("rename_dir_nlinks", (long)st.st_nlink == before - 1 && st2.st_nlink == 4, "%ld %ld", (long)st.st_nlink,
               (long)st2.st_nlink);

    // Trailing slashes are for directories only.
    check_ok("rename_dir_slash", rename("full/d2/", "d4/"));
    check_err("rename_file_slash_src", rename("c/", "e"), ENOTDIR);
    check_err("rename_file_slash_dst", rename("c", "e/"), ENOTDIR);
    check_err("rename_missing_dir_src", rename("none/x", "e"), ENOENT);
    check_err("rename_missing_dir_dst", rename("c", "none/x"), ENOENT);
    check_err("rename_through_file", rename("c", "c/x"), ENOTDIR);
    check_err("rename_empty", rename("", "e"), ENOENT);

    // A symlink is renamed itself, its target untouched.
    symlink("c", "sl");
    check_ok("rename_symlink", rename("sl", "sl2"));
    check_true("rename_symlink_is_link", lstat("sl2", &st) == 0 && S_ISLNK(st.st_mode), "mode %o", st.st_mode);
    check_ok("rename_symlink_target_kept", access("c", F_OK));
    symlink("d4", "dl");
    check_ok("rename_over_symlink", rename("c", "dl"));
    check_true("rename_over_symlink_replaced", lstat("dl", &st) == 0 && S_ISREG(st.st_mode), "mode %o", st.st_mode);
    check_ok("rename_over_symlink_dir_kept", access("d4", F_OK));

    // renameat with dirfds.
    int fa = open("full", O_RDONLY | O_DIRECTORY);
    int fb = open("d4", O_RDONLY | O_DIRECTORY);
    check_ok("renameat", renameat(fa, "x", fb, "y"));
    check_ok("renameat_moved", access("d4/y", F_OK));
    check_err("renameat_badfd", renameat(999, "x", fb, "z"), EBADF);
    int ff = open("dl", O_RDONLY);
    check_err("renameat_filefd", renameat(ff, "x", fb, "z"), ENOTDIR);
    close(ff);

    // renameat2 flags.
    put_file("p", "PPP");
    put_file("q", "QQ");
    check_err("noreplace_exists", renameat2_(AT_FDCWD, "p", AT_FDCWD, "q", RENAME_NOREPLACE), EEXIST);
    check_ok("noreplace_new", renameat2_(AT_FDCWD, "p", AT_FDCWD, "p2", RENAME_NOREPLACE));
    check_ok("exchange", renameat2_(AT_FDCWD, "p2", AT_FDCWD, "q", RENAME_EXCHANGE));
    get_file("q", buf, sizeof buf);
    check_str("exchange_q", buf, "PPP");
    get_file("p2", buf, sizeof buf);
    check_str("exchange_p2", buf, "QQ");
    check_ok("exchange_dir_and_file", renameat2_(AT_FDCWD, "q", AT_FDCWD, "d4", RENAME_EXCHANGE));
    check_true("exchange_dir_and_file_types", stat("q", &st) == 0 && S_ISDIR(st.st_mode) && stat("d4", &st2) == 0 &&
                                                  S_ISREG(st2.st_mode),
               "types %o %o", st.st_mode, st2.st_mode);
    check_err("exchange_missing", renameat2_(AT_FDCWD, "p2", AT_FDCWD, "nope", RENAME_EXCHANGE), ENOENT);
    check_err("exchange_and_noreplace",
              renameat2_(AT_FDCWD, "p2", AT_FDCWD, "q", RENAME_EXCHANGE | RENAME_NOREPLACE), EINVAL);
    check_err("renameat2_bad_flags", renameat2_(AT_FDCWD, "p2", AT_FDCWD, "q2", 0x100), EINVAL);
    check_ok("renameat2_zero_flags", renameat2_(AT_FDCWD, "p2", AT_FDCWD, "p3", 0));

    // An open file follows its inode through a rename and a replacement.
    int fd = open("p3", O_RDWR);
    put_file("victim", "V");
    int vfd = open("victim", O_RDONLY);
    check_ok("rename_open_over_open", rename("p3", "victim"));
    check_eq("renamed_open_write", write(fd, "X", 1), 1);
    get_file("victim", buf, sizeof buf);
    check_str("renamed_open_data", buf, "XQ");
    fstat(vfd, &st);
    check_true("replaced_open_alive", st.st_nlink == 0 && read(vfd, buf, 5) == 1 && buf[0] == 'V', "nlink %ld",
               (long)st.st_nlink);
    close(fd);
    close(vfd);
    close(fa);
    close(fb);

    // 256-byte target name.
    char name[300];
    memset(name, 'r', 256);
    name[256] = 0;
    check_err("rename_name256", rename("victim", name), ENAMETOOLONG);
    name[255] = 0;
    check_ok("rename_name255", rename("victim", name));

    return check_end("vfs_rename");
}
