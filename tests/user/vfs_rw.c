// Reading and writing regular files on the root tmpfs: read/write/pread64/
// pwrite64/readv/writev/preadv/pwritev, lseek (SEEK_DATA/SEEK_HOLE too),
// 1 MiB written and read back, sparse files, truncate/ftruncate, fallocate,
// the sync family, unlink while open, sendfile and copy_file_range.
#include "check.h"
#include <sys/sendfile.h>
#include <sys/uio.h>

static unsigned char pattern(long i) {
    return (unsigned char)(i * 7 + (i >> 11) * 13);
}

int main(void) {
    check_start("/tmp/rw");
    char buf[256];
    struct stat st;

    // 1 MiB in one write, read back in odd-sized chunks.
    long big = 1 << 20;
    unsigned char* data = malloc(big);
    unsigned char* back = malloc(big + 4096);
    for (long i = 0; i < big; i++) {
        data[i] = pattern(i);
    }
    int fd = open("big", O_RDWR | O_CREAT, 0644);
    check_eq("write_1mib", write(fd, data, big), big);
    check_eq("write_1mib_offset", lseek(fd, 0, SEEK_CUR), big);
    check_true("write_1mib_size", fstat(fd, &st) == 0 && st.st_size == big, "size %ld", (long)st.st_size);
    lseek(fd, 0, SEEK_SET);
    long got = 0;
    for (;;) {
        long r = read(fd, back + got, 4093);
        if (r <= 0) {
            break;
        }
        got += r;
    }
    check_eq("read_1mib_total", got, big);
    check_mem("read_1mib_data", back, data, big);
    check_eq("read_1mib_eof", read(fd, back, 10), 0);
    check_eq("pread_1mib_whole", pread(fd, back, big + 4096, 0), big);
    check_mem("pread_1mib_data", back, data, big);
    check_eq("pread_middle", pread(fd, back, 100, 500000), 100);
    check_mem("pread_middle_data", back, data + 500000, 100);
    close(fd);
    fd = open("big", O_RDONLY);
    got = read(fd, back, big);
    check_true("reopen_read_1mib", got == big && memcmp(back, data, big) == 0, "got %ld", got);
    close(fd);

    // pwrite does not move the offset; writing past the end zero-fills.
    fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(fd, "abcdef", 6);
    check_eq("pwrite", pwrite(fd, "XY", 2, 2), 2);
    check_eq("pwrite_keeps_offset", lseek(fd, 0, SEEK_CUR), 6);
    check_eq("pwrite_past_end", pwrite(fd, "Z", 1, 10), 1);
    check_eq("pread_gap", pread(fd, buf, 20, 0), 11);
    check_mem("pread_gap_data", buf, "abXYef\0\0\0\0Z", 11);
    check_err("pwrite_negative", pwrite(fd, "Z", 1, -1), EINVAL);
    check_err("pread_negative", pread(fd, buf, 1, -5), EINVAL);
    check_eq("read_zero_len", read(fd, buf, 0), 0);
    check_eq("write_zero_len", write(fd, buf, 0), 0);
    check_err("read_efault", read(fd, (void*)16, 4), EFAULT);
    lseek(fd, 0, SEEK_SET);
    check_err("write_efault", write(fd, (void*)16, 4), EFAULT);

    // readv/writev/preadv/pwritev.
    struct iovec iov[3] = {{"one", 3}, {"", 0}, {"three", 5}};
    lseek(fd, 0, SEEK_SET);
    ftruncate(fd, 0);
    check_eq("writev", writev(fd, iov, 3), 8);
    char a[4] = {0}, b[10] = {0};
    struct iovec riov[2] = {{a, 2}, {b, 10}};
    lseek(fd, 0, SEEK_SET);
    check_eq("readv", readv(fd, riov, 2), 8);
    check_true("readv_data", memcmp(a, "on", 2) == 0 && memcmp(b, "ethree", 6) == 0, "%.2s|%.6s", a, b);
    struct iovec piov[1] = {{"PW", 2}};
    check_eq("pwritev", pwritev(fd, piov, 1, 1), 2);
    memset(b, 0, sizeof b);
    struct iovec pr[1] = {{b, 4}};
    check_eq("preadv", preadv(fd, pr, 1, 0), 4);
    check_mem("preadv_data", b, "oPWt", 4);
    check_err("readv_negative_count", readv(fd, riov, -1), EINVAL);
    struct iovec huge[1] = {{b, (size_t)-1}};
    check_err("readv_huge_len", readv(fd, huge, 1), EINVAL);
    check_eq("writev_zero_count", writev(fd, iov, 0), 0);

    // lseek.
    check_eq("lseek_end", lseek(fd, 0, SEEK_END), 8);
    check_eq("lseek_beyond", lseek(fd, 1000, SEEK_END), 1008);
    check_err("lseek_negative", lseek(fd, -9, SEEK_END), EINVAL);
    check_err("lseek_whence", lseek(fd, 0, 7), EINVAL);
    check_eq("lseek_data", lseek(fd, 0, SEEK_DATA), 0);
    check_eq("lseek_hole", lseek(fd, 0, SEEK_HOLE), 8);
    check_err("lseek_data_eof", lseek(fd, 8, SEEK_DATA), ENXIO);
    close(fd);

    // Sparse: a byte at 10 MiB; the hole reads as zeros and takes no blocks.
    fd = open("sparse", O_RDWR | O_CREAT, 0644);
    check_eq("sparse_pwrite", pwrite(fd, "E", 1, 10 << 20), 1);
    fstat(fd, &st);
    check_eq("sparse_size", st.st_size, (10 << 20) + 1);
    check_true("sparse_blocks", st.st_blocks > 0 && st.st_blocks <= 16, "blocks %ld", (long)st.st_blocks);
    memset(buf, 1, sizeof buf);
    pread(fd, buf, 256, 5 << 20);
    int zero = 1;
    for (int i = 0; i < 256; i++) {
        zero &= buf[i] == 0;
    }
    check_true("sparse_hole_zero", zero, "non-zero byte in hole");
    check_eq("sparse_tail", pread(fd, buf, 10, 10 << 20), 1);
    check_eq("sparse_seek_data", lseek(fd, 0, SEEK_DATA), 10 << 20);
    check_eq("sparse_seek_hole", lseek(fd, 0, SEEK_HOLE), 0);

    // ftruncate/truncate grow (zeros) and shrink (data gone past the end).
    check_ok("ftruncate_shrink", ftruncate(fd, 3));
    fstat(fd, &st);
    check_eq("ftruncate_shrink_size", st.st_size, 3);
    check_ok("ftruncate_grow", ftruncate(fd, 8192));
    check_eq("ftruncate_grow_read", pread(fd, buf, 10, 4000), 10);
    check_true("ftruncate_grow_zero", buf[0] == 0 && buf[9] == 0, "not zero");
    check_err("ftruncate_negative", ftruncate(fd, -1), EINVAL);
    close(fd);
    put_file("t", "0123456789");
    check_ok("truncate_path", truncate("t", 4));
    get_file("t", buf, sizeof buf);
    check_str("truncate_path_data", buf, "0123");
    check_ok("truncate_grow_path", truncate("t", 6));
    check_eq("truncate_grow_len", get_file("t", buf, sizeof buf), 6);
    check_true("truncate_grow_zero", buf[4] == 0 && buf[5] == 0, "not zero");
    check_err("truncate_missing", truncate("nope", 1), ENOENT);
    mkdir("dir", 0755);
    check_err("truncate_dir", truncate("dir", 0), EISDIR);
    fd = open("t", O_RDONLY);
    check_err("ftruncate_rdonly", ftruncate(fd, 0), EINVAL);
    close(fd);
    fd = open("dir", O_RDONLY);
    check_err("ftruncate_dir", ftruncate(fd, 0), EINVAL);
    close(fd);
    check_err("ftruncate_badfd", ftruncate(999, 0), EBADF);

    // fallocate mode 0 extends the size and reads as zeros.
    fd = open("fa", O_RDWR | O_CREAT, 0644);
    check_ok("fallocate", fallocate(fd, 0, 0, 10000));
    fstat(fd, &st);
    check_eq("fallocate_size", st.st_size, 10000);
    check_ok("fallocate_inside_keeps_size", fallocate(fd, 0, 0, 100));
    fstat(fd, &st);
    check_eq("fallocate_inside_size", st.st_size, 10000);
    check_err("fallocate_zero_len", fallocate(fd, 0, 0, 0), EINVAL);
    check_err("fallocate_negative", fallocate(fd, 0, -1, 10), EINVAL);
    int rfd = open("fa", O_RDONLY);
    check_err("fallocate_rdonly", fallocate(rfd, 0, 0, 10), EBADF);
    close(rfd);

    // The sync family on a tmpfs file.
    check_ok("fsync", fsync(fd));
    check_ok("fdatasync", fdatasync(fd));
    check_ok("syncfs", syncfs(fd));
    sync();
    check_err("fsync_badfd", fsync(999), EBADF);
    close(fd);

    // Unlink while open: the data stays reachable through the fd.
    fd = open("gone", O_RDWR | O_CREAT, 0644);
    write(fd, "still here", 10);
    check_ok("unlink_open", unlink("gone"));
    check_err("unlinked_name_gone", access("gone", F_OK), ENOENT);
    fstat(fd, &st);
    check_eq("unlinked_nlink", st.st_nlink, 0);
    check_eq("unlinked_pread", pread(fd, buf, 20, 0), 10);
    check_eq("unlinked_write", write(fd, "!", 1), 1);
    check_eq("unlinked_size", (fstat(fd, &st), st.st_size), 11);
    int again = open("gone", O_RDWR | O_CREAT, 0644);
    fstat(again, &st);
    check_eq("recreated_is_new", st.st_size, 0);
    close(again);
    close(fd);

    // sendfile and copy_file_range between files.
    put_file("src", "sendfile-data");
    int in = open("src", O_RDONLY);
    int out = open("dst", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    off_t off = 4;
    check_eq("sendfile_offset", sendfile(out, in, &off, 100), 9);
    check_eq("sendfile_offset_updated", off, 13);
    check_eq("sendfile_keeps_fpos", lseek(in, 0, SEEK_CUR), 0);
    check_eq("sendfile_fpos", sendfile(out, in, NULL, 4), 4);
    check_eq("sendfile_fpos_moved", lseek(in, 0, SEEK_CUR), 4);
    close(out);
    get_file("dst", buf, sizeof buf);
    check_str("sendfile_data", buf, "file-datasend");
    check_err("sendfile_badfd", sendfile(999, in, NULL, 1), EBADF);
    int rd = open("dst", O_RDONLY);
    check_err("sendfile_out_rdonly", sendfile(rd, in, NULL, 1), EBADF);
    close(rd);
    out = open("cfr", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    loff_t ioff = 0, ooff = 0;
    check_eq("copy_file_range", syscall(SYS_copy_file_range, in, &ioff, out, &ooff, 8, 0), 8);
    check_true("copy_file_range_offsets", ioff == 8 && ooff == 8, "%ld %ld", (long)ioff, (long)ooff);
    check_err("copy_file_range_flags", syscall(SYS_copy_file_range, in, &ioff, out, &ooff, 8, 1), EINVAL);
    close(out);
    get_file("cfr", buf, sizeof buf);
    check_str("copy_file_range_data", buf, "sendfile");
    close(in);

    // Bad descriptors.
    check_err("read_badfd", read(-1, buf, 1), EBADF);
    check_err("write_badfd", write(1000, buf, 1), EBADF);
    check_err("lseek_badfd", lseek(77, 0, SEEK_SET), EBADF);
    fd = open("t", O_RDONLY);
    check_err("write_rdonly", write(fd, "x", 1), EBADF);
    close(fd);
    fd = open("t", O_WRONLY);
    check_err("read_wronly", read(fd, buf, 1), EBADF);
    close(fd);

    return check_end("vfs_rw");
}
