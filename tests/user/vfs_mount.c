// The mount table: mount a tmpfs (with a size limit: ENOSPC, nothing
// already written lost), a read-only one (EROFS), stacked mounts, files
// hidden under a mount point, ".." across a mount, EXDEV for rename and
// link between file systems, EBUSY, umount2 and its flags, sysfs mountable.
#include "check.h"
#include <sys/mount.h>
#include <sys/statfs.h>

int main(void) {
    check_start(NULL);
    struct stat st, st2;
    struct statfs sf;
    char buf[256];

    mkdir("/mnt", 0755);
    put_file("/mnt/under", "hidden");
    check_ok("mount_tmpfs", mount("none", "/mnt", "tmpfs", 0, "size=64k,mode=0700"));
    check_err("mount_hides_files", access("/mnt/under", F_OK), ENOENT);
    check_true("mount_root_mode", stat("/mnt", &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0700,
               "mode %o", st.st_mode);
    stat("/", &st2);
    check_true("mount_new_dev", st.st_dev != st2.st_dev, "same st_dev");
    check_ok("statfs_mnt", statfs("/mnt", &sf));
    check_true("statfs_mnt_tmpfs", sf.f_type == 0x01021994 && sf.f_blocks == 16 && sf.f_bfree == 16,
               "type %lx blocks %ld free %ld", (long)sf.f_type, (long)sf.f_blocks, (long)sf.f_bfree);
    stat("/mnt/..", &st);
    check_true("dotdot_crosses_mount", st.st_ino == st2.st_ino && st.st_dev == st2.st_dev, "not /");
    chdir("/mnt");
    check_ok("chdir_dotdot_from_mount", chdir(".."));
    check_str("getcwd_after", getcwd(buf, sizeof buf), "/");

    // The size limit: a short write, then ENOSPC; data written stays.
    int fd = open("/mnt/big", O_RDWR | O_CREAT, 0644);
    static char data[100000];
    for (int i = 0; i < (int)sizeof data; i++) {
        data[i] = (char)(i % 251);
    }
    check_eq("size_limit_short_write", write(fd, data, sizeof data), 65536);
    check_err("size_limit_enospc", write(fd, data, 10), ENOSPC);
    static char back[65536];
    check_eq("size_limit_data_kept", pread(fd, back, sizeof back, 0), 65536);
    check_mem("size_limit_data_same", back, data, 65536);
    statfs("/mnt", &sf);
    check_eq("size_limit_full", sf.f_bfree, 0);
    check_ok("size_limit_sparse_ftruncate", ftruncate(fd, 1 << 20));
    check_eq("size_limit_truncate_frees", (ftruncate(fd, 0), statfs("/mnt", &sf), sf.f_bfree), 16);
    close(fd);

    // Between file systems: EXDEV.
    put_file("/mnt/x", "x");
    check_err("rename_exdev", rename("/mnt/x", "/tmp/x"), EXDEV);
    check_err("link_exdev", link("/mnt/x", "/tmp/x"), EXDEV);
    check_err("renameat2_exdev", syscall(SYS_renameat2, AT_FDCWD, "/tmp", AT_FDCWD, "/mnt/tmp", 0), EXDEV);
    check_err("rename_mountpoint", rename("/mnt", "/mnt2"), EBUSY);
    check_err("rmdir_mountpoint", rmdir("/mnt"), EBUSY);
    check_err("unlink_mountpoint_dir", unlink("/mnt"), EISDIR);

    // Stacked mounts: the last one is visible; umount pops it.
    check_ok("mount_stacked", mount("none", "/mnt", "tmpfs", 0, NULL));
    check_err("stacked_hides", access("/mnt/x", F_OK), ENOENT);
    check_ok("umount_stacked", umount("/mnt"));
    check_ok("unstacked_visible", access("/mnt/x", F_OK));

    // EBUSY while in use; MNT_DETACH anyway; the old files come back.
    fd = open("/mnt/x", O_RDONLY);
    check_err("umount_busy", umount2("/mnt", 0), EBUSY);
    check_ok("umount_detach", umount2("/mnt", MNT_DETACH));
    check_ok("detached_fd_readable", read(fd, buf, 1) == 1 ? 0 : -1);
    close(fd);
    check_eq("umount_uncovers", get_file("/mnt/under", buf, sizeof buf), 6);
    check_err("umount_not_mountpoint", umount("/mnt"), EINVAL);
    check_err("umount_missing", umount("/nope"), ENOENT);
    check_err("umount2_bad_flags", umount2("/mnt", 0x100), EINVAL);

    // mount errors.
    check_err("mount_unknown_type", mount("none", "/mnt", "nosuchfs", 0, NULL), ENODEV);
    check_err("mount_missing_dir", mount("none", "/nope", "tmpfs", 0, NULL), ENOENT);
    check_err("mount_on_file", mount("none", "/mnt/under", "tmpfs", 0, NULL), ENOTDIR);
    check_err("mount_efault", mount("none", (const char*)16, "tmpfs", 0, NULL), EFAULT);
    check_err("mount_bad_option", mount("none", "/mnt", "tmpfs", 0, "bogus=1"), EINVAL);

    // Read-only mount.
    check_ok("mount_ro", mount("none", "/mnt", "tmpfs", MS_RDONLY, NULL));
    check_err("ro_create", open("/mnt/f", O_RDWR | O_CREAT, 0644), EROFS);
    check_err("ro_mkdir", mkdir("/mnt/d", 0755), EROFS);
    check_err("ro_existing_dir", mkdir("/mnt", 0755), EEXIST);
    check_ok("ro_statfs", statfs("/mnt", &sf));
    check_true("ro_statfs_flag", (sf.f_flags & ST_RDONLY) != 0, "flags %lx", (long)sf.f_flags);
    check_ok("umount_ro", umount("/mnt"));

    // sysfs can be mounted (it may be empty).
    mkdir("/sys", 0755);
    check_ok("mount_sysfs", mount("sysfs", "/sys", "sysfs", 0, NULL));
    check_true("sysfs_magic", statfs("/sys", &sf) == 0 && sf.f_type == 0x62656572, "type %lx", (long)sf.f_type);
    check_ok("umount_sysfs", umount("/sys"));

    return check_end("vfs_mount");
}
