// Name-cache correctness: every lookup is repeated so that a kernel which
// caches names (Keel's dcache) answers from its cache, then the name
// changes and the next lookup must see the change: rename over a cached
// name, unlink then stat (ENOENT), a cached ENOENT then create, rmdir then
// create, a mount over (and umount from under) a cached path, a renamed
// directory's children, symlinks retargeted, and relative lookups from a cwd.
#include "check.h"
#include <sys/mount.h>

static long ino_of(const char* path) {
    struct stat st;
    if (stat(path, &st) != 0) {
        return -errno;
    }
    return (long)st.st_ino;
}

// Looks `path` up a few times (fills any cache), returns stat's errno or 0.
static int warm(const char* path) {
    struct stat st;
    int r = 0;
    for (int i = 0; i < 3; i++) {
        r = stat(path, &st) == 0 ? 0 : errno;
    }
    return r;
}

int main(void) {
    check_start("/tmp/dcache");
    char buf[64];

    // unlink, then stat: ENOENT; create again: found, a new file.
    put_file("a", "first");
    check_eq("warm_a", warm("a"), 0);
    check_eq("warm_abs", warm("/tmp/dcache/a"), 0);
    check_ok("unlink_a", unlink("a"));
    check_err("stat_after_unlink", stat("a", &(struct stat){0}), ENOENT);
    check_err("stat_abs_after_unlink", stat("/tmp/dcache/a", &(struct stat){0}), ENOENT);
    check_err("open_after_unlink", open("a", O_RDONLY), ENOENT);

    // A cached ENOENT, then the name is created.
    check_eq("warm_missing", warm("b"), ENOENT);
    check_eq("warm_missing_abs", warm("/tmp/dcache/b"), ENOENT);
    put_file("b", "made");
    check_ok("stat_after_create", stat("b", &(struct stat){0}));
    check_true("read_after_create", get_file("/tmp/dcache/b", buf, sizeof buf) == 4 && memcmp(buf, "made", 4) == 0,
               "got %s", buf);
    check_eq("warm_missing_dir", warm("d"), ENOENT);
    check_ok("mkdir_after_miss", mkdir("d", 0755));
    check_ok("stat_dir_after_mkdir", stat("d", &(struct stat){0}));
    check_err("mkdir_again", mkdir("d", 0755), EEXIST);
    check_eq("warm_link_missing", warm("hl"), ENOENT);
    check_ok("link_after_miss", link("b", "hl"));
    check_eq("link_same_inode", ino_of("hl"), ino_of("b"));
    check_eq("warm_sym_missing", warm("sl"), ENOENT);
    check_ok("symlink_after_miss", symlink("b", "sl"));
    check_eq("symlink_follows", ino_of("sl"), ino_of("b"));

    // rename over a cached name: the new name is the moved file, the old
    // name is gone.
    put_file("c", "cee");
    const long ino_b = ino_of("b"), ino_c = ino_of("c");
    check_eq("warm_c", warm("c"), 0);
    check_ok("rename_over", rename("c", "b"));
    check_eq("rename_over_new_inode", ino_of("b"), ino_c);
    check_err("rename_over_old_gone", stat("c", &(struct stat){0}), ENOENT);
    check_true("rename_over_data", get_file("b", buf, sizeof buf) == 3 && memcmp(buf, "cee", 3) == 0,
               "got %s", buf);
    check_eq("rename_over_link_kept", ino_of("hl"), ino_b);
    check_eq("symlink_sees_new_target", ino_of("sl"), ino_c);

    // A renamed directory: its children are found under the new name only.
    check_ok("mkdir_p", mkdir("p", 0755));
    put_file("p/kid", "k");
    check_eq("warm_kid", warm("p/kid"), 0);
    check_ok("rename_dir", rename("p", "q"));
    check_err("old_dir_child_gone", stat("p/kid", &(struct stat){0}), ENOENT);
    check_ok("new_dir_child", stat("q/kid", &(struct stat){0}));
    check_ok("chdir_q", chdir("q"));
    check_str("getcwd_renamed", getcwd(buf, sizeof buf), "/tmp/dcache/q");
    check_ok("chdir_back", chdir(".."));

    // rmdir, then a file of the same name.
    check_eq("warm_d", warm("d"), 0);
    check_ok("rmdir_d", rmdir("d"));
    check_err("stat_after_rmdir", stat("d", &(struct stat){0}), ENOENT);
    check_err("stat_child_after_rmdir", stat("d/x", &(struct stat){0}), ENOENT);
    put_file("d", "file");
    struct stat st;
    check_true("file_after_rmdir", stat("d", &st) == 0 && S_ISREG(st.st_mode), "mode %o", st.st_mode);
    check_err("file_not_dir", stat("d/", &st), ENOTDIR);

    // A mount over a cached directory hides what the walk found before;
    // umount shows it again.
    check_ok("mkdir_m", mkdir("m", 0755));
    put_file("m/under", "u");
    check_eq("warm_under", warm("/tmp/dcache/m/under"), 0);
    const long ino_m = ino_of("m");
    check_ok("mount_over", mount("none", "/tmp/dcache/m", "tmpfs", 0, "size=64k"));
    check_err("under_hidden", stat("/tmp/dcache/m/under", &st), ENOENT);
    check_true("mount_root_seen", ino_of("m") != ino_m, "same inode as before the mount");
    put_file("m/top", "t");
    check_eq("warm_top", warm("m/top"), 0);
    check_ok("umount", umount("/tmp/dcache/m"));
    check_err("top_gone", stat("m/top", &st), ENOENT);
    check_ok("under_back", stat("/tmp/dcache/m/under", &st));
    check_eq("mountpoint_back", ino_of("m"), ino_m);
    // Busy only for real users: cached lookups are not references.
    check_ok("mount_again", mount("none", "/tmp/dcache/m", "tmpfs", 0, "size=64k"));
    put_file("m/f", "f");
    check_eq("warm_f", warm("/tmp/dcache/m/f"), 0);
    check_ok("umount_after_lookups", umount("/tmp/dcache/m"));

    return check_end("vfs_dcache");
}
