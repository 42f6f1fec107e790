// Metadata: stat/lstat/fstat/newfstatat/statx fields, chmod/fchmod/fchmodat,
// chown/fchown/fchownat/lchown (and the set-uid bits chown clears),
// utimensat and the times that writes update, access/faccessat/faccessat2
// as root, umask, statfs/fstatfs of the root tmpfs.
#include "check.h"
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <time.h>

struct statx_ts {
    long long tv_sec;
    unsigned tv_nsec;
    int reserved;
};
struct statx_ {
    unsigned stx_mask, stx_blksize;
    unsigned long long stx_attributes;
    unsigned stx_nlink, stx_uid, stx_gid;
    unsigned short stx_mode, spare0;
    unsigned long long stx_ino, stx_size, stx_blocks, stx_attributes_mask;
    struct statx_ts stx_atime, stx_btime, stx_ctime, stx_mtime;
    unsigned stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
    unsigned long long spare[14];
};
#define STATX_BASIC_STATS 0x7ffU

int main(void) {
    check_start("/tmp/st");
    struct stat st, st2;
    char buf[5000];

    // stat fields of a fresh file, directory and symlink.
    memset(buf, 'a', sizeof buf);
    int fd = open("f", O_RDWR | O_CREAT, 0640);
    write(fd, buf, 5000);
    check_ok("fstat", fstat(fd, &st));
    check_true("stat_fields", S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0640 && st.st_size == 5000 &&
                                  st.st_nlink == 1 && st.st_uid == 0 && st.st_gid == 0 && st.st_rdev == 0,
               "mode %o size %ld nlink %ld uid %d gid %d", st.st_mode, (long)st.st_size, (long)st.st_nlink,
               st.st_uid, st.st_gid);
    check_eq("stat_blksize", st.st_blksize, 4096);
    check_eq("stat_blocks", st.st_blocks, 16);
    check_ok("stat", stat("f", &st2));
    check_true("stat_eq_fstat", st.st_ino == st2.st_ino && st.st_dev == st2.st_dev && st.st_size == st2.st_size,
               "differ");
    stat("/", &st2);
    check_true("same_fs_dev", st.st_dev == st2.st_dev, "dev %lx vs / %lx", (long)st.st_dev, (long)st2.st_dev);
    mkdir("d", 0755);
    check_true("stat_empty_dir", stat("d", &st) == 0 && S_ISDIR(st.st_mode) && st.st_size == 40 && st.st_nlink == 2,
               "size %ld nlink %ld", (long)st.st_size, (long)st.st_nlink);
    put_file("d/x", "");
    put_file("d/y", "");
    mkdir("d/z", 0755);
    check_true("stat_dir_size_grows", stat("d", &st) == 0 && st.st_size == 100 && st.st_nlink == 3, "size %ld nlink %ld",
               (long)st.st_size, (long)st.st_nlink);
    unlink("d/x");
    check_true("stat_dir_size_shrinks", stat("d", &st) == 0 && st.st_size == 80, "size %ld", (long)st.st_size);
    symlink("f", "sl");
    check_true("lstat_symlink", lstat("sl", &st) == 0 && S_ISLNK(st.st_mode) && st.st_size == 1, "mode %o",
               st.st_mode);
    check_true("stat_symlink_follows", stat("sl", &st2) == 0 && S_ISREG(st2.st_mode) && st2.st_size == 5000,
               "mode %o", st2.st_mode);
    check_err("stat_missing", stat("nope", &st), ENOENT);
    check_err("stat_file_slash", stat("f/", &st), ENOTDIR);
    // (musl's stat/fstat/statfs copy through a buffer of their own or check
    // the fd first: these call the kernel directly.)
    check_err("stat_efault_buf", syscall(SYS_stat, "f", (struct stat*)16), EFAULT);
    check_err("stat_efault_path", stat((const char*)16, &st), EFAULT);
    check_err("fstat_badfd", syscall(SYS_fstat, -1, &st), EBADF);

    // newfstatat: dirfds, AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH, bad flags.
    int dfd = open(".", O_RDONLY | O_DIRECTORY);
    check_true("fstatat_nofollow", fstatat(dfd, "sl", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode), "mode %o",
               st.st_mode);
    check_true("fstatat_follow", fstatat(dfd, "sl", &st, 0) == 0 && S_ISREG(st.st_mode), "mode %o", st.st_mode);
    check_true("fstatat_empty_path", syscall(SYS_newfstatat, fd, "", &st, AT_EMPTY_PATH) == 0 && st.st_size == 5000,
               "size %ld", (long)st.st_size);
    check_err("fstatat_empty_no_flag", syscall(SYS_newfstatat, fd, "", &st, 0), ENOENT);
    check_err("fstatat_bad_flags", syscall(SYS_newfstatat, dfd, "f", &st, 0x4), EINVAL);
    check_err("fstatat_file_dirfd", syscall(SYS_newfstatat, fd, "x", &st, 0), ENOTDIR);
    check_err("fstatat_badfd", syscall(SYS_newfstatat, 999, "x", &st, 0), EBADF);

    // statx.
    struct statx_ sx;
    memset(&sx, 0xff, sizeof sx);
    check_ok("statx", syscall(SYS_statx, AT_FDCWD, "f", 0, STATX_BASIC_STATS, &sx));
    check_true("statx_mask", (sx.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS, "mask %x", sx.stx_mask);
    fstat(fd, &st);
    check_true("statx_matches_stat", sx.stx_size == 5000 && sx.stx_ino == st.st_ino && sx.stx_nlink == 1 &&
                                         (sx.stx_mode & 07777) == 0640 && S_ISREG(sx.stx_mode) &&
                                         sx.stx_blksize == 4096 && sx.stx_blocks == 16 &&
                                         makedev(sx.stx_dev_major, sx.stx_dev_minor) == st.st_dev &&
                                         sx.stx_mtime.tv_sec == st.st_mtim.tv_sec &&
                                         sx.stx_mtime.tv_nsec == (unsigned)st.st_mtim.tv_nsec,
               "size %llu nlink %u mode %o", sx.stx_size, sx.stx_nlink, sx.stx_mode);
    check_true("statx_nofollow", syscall(SYS_statx, dfd, "sl", AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx) == 0 &&
                                     S_ISLNK(sx.stx_mode),
               "mode %o", sx.stx_mode);
    check_true("statx_empty_path", syscall(SYS_statx, fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx) == 0 &&
                                       sx.stx_size == 5000,
               "size %llu", sx.stx_size);
    check_err("statx_reserved_mask", syscall(SYS_statx, AT_FDCWD, "f", 0, 0x80000000U, &sx), EINVAL);
    check_err("statx_bad_flags", syscall(SYS_statx, AT_FDCWD, "f", 0x1, STATX_BASIC_STATS, &sx), EINVAL);
    check_err("statx_missing", syscall(SYS_statx, AT_FDCWD, "nope", 0, STATX_BASIC_STATS, &sx), ENOENT);

    // chmod family: the permission bits and set-id bits change, the type
    // never; chmod through a symlink changes the target.
    check_ok("chmod", chmod("f", 04711));
    check_true("chmod_mode", stat("f", &st) == 0 && st.st_mode == (S_IFREG | 04711), "mode %o", st.st_mode);
    check_ok("fchmod", fchmod(fd, 0600));
    check_true("fchmod_mode", stat("f", &st) == 0 && st.st_mode == (S_IFREG | 0600), "mode %o", st.st_mode);
    check_ok("chmod_type_bits_ignored", chmod("f", S_IFDIR | 0644));
    check_true("chmod_type_kept", stat("f", &st) == 0 && st.st_mode == (S_IFREG | 0644), "mode %o", st.st_mode);
    check_ok("chmod_symlink_target", chmod("sl", 0604));
    check_true("chmod_symlink_mode", stat("f", &st) == 0 && (st.st_mode & 0777) == 0604 && lstat("sl", &st2) == 0 &&
                                         (st2.st_mode & 0777) == 0777,
               "target %o link %o", st.st_mode, st2.st_mode);
    check_ok("fchmodat", fchmodat(dfd, "f", 0644, 0));
    check_err("chmod_missing", chmod("nope", 0644), ENOENT);
    check_err("fchmod_badfd", fchmod(999, 0644), EBADF);

    // chown family, as root: any owner; -1 keeps; chown clears set-uid
    // (even as root, even with -1/-1) and set-gid when group-executable.
    check_ok("chown", chown("f", 1000, 2000));
    check_true("chown_ids", stat("f", &st) == 0 && st.st_uid == 1000 && st.st_gid == 2000, "uid %d gid %d", st.st_uid,
               st.st_gid);
    check_ok("chown_keep", chown("f", -1, 3000));
    check_true("chown_keep_ids", stat("f", &st) == 0 && st.st_uid == 1000 && st.st_gid == 3000, "uid %d gid %d",
               st.st_uid, st.st_gid);
    chmod("f", 06755);
    check_ok("chown_suid", chown("f", -1, -1));
    check_true("chown_clears_suid_sgid", stat("f", &st) == 0 && (st.st_mode & 07777) == 0755, "mode %o", st.st_mode);
    chmod("f", 02745);
    chown("f", 0, 0);
    check_true("chown_keeps_sgid_without_gx", stat("f", &st) == 0 && (st.st_mode & 07777) == 02745, "mode %o",
               st.st_mode);
    chmod("d", 06755);
    chown("d", 5, 5);
    check_true("chown_dir_keeps_bits", stat("d", &st) == 0 && (st.st_mode & 07777) == 06755, "mode %o", st.st_mode);
    check_ok("lchown", lchown("sl", 7, 8));
    check_true("lchown_link_only", lstat("sl", &st) == 0 && st.st_uid == 7 && st.st_gid == 8 && stat("f", &st2) == 0 &&
                                       st2.st_uid == 0,
               "link %d target %d", st.st_uid, st2.st_uid);
    check_ok("fchown", fchown(fd, 9, 9));
    check_true("fchown_ids", fstat(fd, &st) == 0 && st.st_uid == 9, "uid %d", st.st_uid);
    check_ok("fchownat_nofollow", fchownat(dfd, "sl", 11, 11, AT_SYMLINK_NOFOLLOW));
    check_err("fchownat_bad_flags", fchownat(dfd, "sl", 1, 1, 0x1), EINVAL);
    check_err("chown_missing", chown("nope", 1, 1), ENOENT);
    int pfd = open("f", O_PATH);
    check_err("fchown_opath", syscall(SYS_fchown, pfd, 1, 1), EBADF); // musl retries via /proc
    close(pfd);
    chown("f", 0, 0);

    // utimensat: explicit times, UTIME_OMIT, UTIME_NOW, the symlink itself.
    struct timespec ts[2] = {{1000, 500}, {2000, 0}};
    check_ok("utimensat", utimensat(AT_FDCWD, "f", ts, 0));
    stat("f", &st);
    check_true("utimensat_times", st.st_atim.tv_sec == 1000 && st.st_atim.tv_nsec == 500 &&
                                      st.st_mtim.tv_sec == 2000 && st.st_mtim.tv_nsec == 0,
               "atime %ld.%ld mtime %ld", (long)st.st_atim.tv_sec, st.st_atim.tv_nsec, (long)st.st_mtim.tv_sec);
    struct timespec omit[2] = {{0, UTIME_OMIT}, {3000, 0}};
    utimensat(AT_FDCWD, "f", omit, 0);
    stat("f", &st);
    check_true("utime_omit", st.st_atim.tv_sec == 1000 && st.st_mtim.tv_sec == 3000, "atime %ld mtime %ld",
               (long)st.st_atim.tv_sec, (long)st.st_mtim.tv_sec);
    struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
    check_err("utimensat_bad_nsec", utimensat(AT_FDCWD, "f", bad, 0), EINVAL);
    check_err("utimensat_bad_flags", utimensat(AT_FDCWD, "f", ts, 0x4), EINVAL);
    struct timespec now0;
    clock_gettime(CLOCK_REALTIME, &now0);
    struct timespec nowt[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};
    check_ok("utime_now", utimensat(AT_FDCWD, "f", nowt, 0));
    stat("f", &st);
    check_true("utime_now_is_now", st.st_mtim.tv_sec >= now0.tv_sec - 1 && st.st_mtim.tv_sec <= now0.tv_sec + 2,
               "mtime %ld now %ld", (long)st.st_mtim.tv_sec, (long)now0.tv_sec);
    check_ok("futimens", futimens(fd, ts));
    fstat(fd, &st);
    check_eq("futimens_mtime", st.st_mtim.tv_sec, 2000);
    struct timespec lts[2] = {{111, 0}, {222, 0}};
    check_ok("utimensat_nofollow", utimensat(AT_FDCWD, "sl", lts, AT_SYMLINK_NOFOLLOW));
    lstat("sl", &st);
    stat("f", &st2);
    check_true("utimensat_link_only", st.st_mtim.tv_sec == 222 && st2.st_mtim.tv_sec == 2000, "link %ld target %ld",
               (long)st.st_mtim.tv_sec, (long)st2.st_mtim.tv_sec);
    // A write moves mtime and ctime to now; a read leaves mtime alone.
    clock_gettime(CLOCK_REALTIME, &now0);
    write(fd, "x", 1);
    fstat(fd, &st);
    check_true("write_updates_mtime", st.st_mtim.tv_sec >= now0.tv_sec - 1 && st.st_mtim.tv_sec <= now0.tv_sec + 2,
               "mtime %ld now %ld", (long)st.st_mtim.tv_sec, (long)now0.tv_sec);
    check_true("write_updates_ctime", st.st_ctim.tv_sec >= now0.tv_sec - 1, "ctime %ld now %ld",
               (long)st.st_ctim.tv_sec, (long)now0.tv_sec);
    futimens(fd, ts);
    pread(fd, buf, 10, 0);
    fstat(fd, &st);
    check_eq("read_keeps_mtime", st.st_mtim.tv_sec, 2000);
    stat(".", &st);
    struct timespec dts[2] = {{5, 0}, {5, 0}};
    utimensat(AT_FDCWD, "d", dts, 0);
    put_file("d/new", "");
    stat("d", &st);
    check_true("create_updates_dir_mtime", st.st_mtim.tv_sec >= now0.tv_sec - 1, "dir mtime %ld",
               (long)st.st_mtim.tv_sec);

    // access and faccessat2 as root: r/w always, x only if some x bit.
    chmod("f", 0);
    check_ok("access_root_rw_mode0", access("f", R_OK | W_OK));
    check_err("access_root_x_mode0", access("f", X_OK), EACCES);
    chmod("f", 0001);
    check_ok("access_root_x_other", access("f", X_OK));
    chmod("d", 0);
    check_ok("access_root_dir_x", access("d", X_OK));
    chmod("d", 0755);
    check_err("access_bad_mode", access("f", 0x10), EINVAL);
    check_err("access_missing", access("nope", F_OK), ENOENT);
    check_ok("faccessat", syscall(SYS_faccessat, dfd, "f", R_OK));
    check_ok("faccessat2_eaccess", syscall(SYS_faccessat2, dfd, "f", R_OK, AT_EACCESS));
    check_err("faccessat2_bad_flags", syscall(SYS_faccessat2, dfd, "f", R_OK, 0x1), EINVAL);
    check_err("faccessat2_slash_file", syscall(SYS_faccessat2, dfd, "sl/", R_OK, AT_SYMLINK_NOFOLLOW), ENOTDIR);
    check_ok("faccessat2_empty_path", syscall(SYS_faccessat2, fd, "", R_OK, AT_EMPTY_PATH));
    chmod("f", 0644);

    // umask is per process and only masks.
    check_eq("umask_old", umask(0), 022);
    int fd2 = open("m", O_RDWR | O_CREAT, 0666);
    fstat(fd2, &st);
    check_eq("umask0_mode", st.st_mode & 0777, 0666);
    close(fd2);
    check_eq("umask_high_bits_ignored", (umask(0777 | 07000), umask(022)), 0777);

    // statfs of the root tmpfs: the type, name length and free space that
    // shrinks when data is written.
    struct statfs sf, sf2;
    check_ok("statfs", statfs("/", &sf));
    check_eq("statfs_type_tmpfs", sf.f_type, 0x01021994);
    check_eq("statfs_bsize", sf.f_bsize, 4096);
    check_eq("statfs_namelen", sf.f_namelen, 255);
    check_true("statfs_blocks", sf.f_blocks > 0 && sf.f_bfree <= sf.f_blocks && sf.f_bavail == sf.f_bfree,
               "blocks %ld free %ld avail %ld", (long)sf.f_blocks, (long)sf.f_bfree, (long)sf.f_bavail);
    int big = open("big", O_RDWR | O_CREAT, 0644);
    static char mb[1 << 20];
    memset(mb, 1, sizeof mb);
    write(big, mb, sizeof mb);
    check_ok("fstatfs", fstatfs(big, &sf2));
    check_true("statfs_free_shrinks", sf.f_bfree - sf2.f_bfree >= 256, "before %ld after %ld", (long)sf.f_bfree,
               (long)sf2.f_bfree);
    close(big);
    unlink("big");
    check_err("statfs_missing", statfs("nope", &sf), ENOENT);
    check_err("fstatfs_badfd", fstatfs(999, &sf), EBADF);
    check_err("statfs_efault", syscall(SYS_statfs, "/", (struct statfs*)16), EFAULT);

    close(dfd);
    close(fd);
    return check_end("vfs_stat");
}
