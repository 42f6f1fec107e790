// One page cache per file: a MAP_SHARED mapping, read/pread/write of the
// file and other MAP_SHARED mappings of it (in this process, in a forked
// child, in an unrelated process that opened and mapped the file itself)
// all see the same bytes; a MAP_PRIVATE mapping sees later write()s in the
// pages it has not written and keeps its own copy of those it has.
#include "ptest.h"

#define PG 4096
#define PATH "/tmp/mmfile/f"

// The peer: a separate program image (this one re-executed) that maps the
// file on its own, checks what the parent stored and stores its own mark.
static int peer(void) {
    int fd = open(PATH, O_RDWR);
    if (fd < 0) {
        return 10;
    }
    char* m = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED) {
        return 11;
    }
    if (m[10] != 'X') {
        return 12; // the parent's store through its mapping
    }
    memcpy(m + 300, "peer", 4);
    char b[4];
    if (pread(fd, b, 4, 300) != 4 || memcmp(b, "peer", 4) != 0) {
        return 13;
    }
    return 0;
}

static char* shared;

static int child_store(void* arg) {
    (void)arg;
    shared[200] = 'C';
    shared[PG + 200] = 'D';
    return 0;
}

int main(int argc, char** argv) {
    if (argc > 1 && strcmp(argv[1], "peer") == 0) {
        return peer();
    }
    check_start("/tmp/mmfile");
    int fd = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0644);
    check_require("create", fd >= 0);
    char page[PG];
    memset(page, 'a', PG);
    check_require("fill", write(fd, page, PG) == PG && write(fd, page, PG) == PG);

    char* p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char* q = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    check_require("mmap shared", p != MAP_FAILED && q != MAP_FAILED);
    shared = p;
    check_true("shared_reads_file", p[0] == 'a' && p[PG + 5] == 'a', "got %c %c", p[0], p[PG + 5]);

    // Mapping -> file.
    p[10] = 'X';
    char b[8] = {0};
    check_eq("pread_sees_store", pread(fd, b, 1, 10), 1);
    check_true("pread_sees_store_byte", b[0] == 'X', "got %c", b[0]);
    // File -> mapping.
    check_eq("pwrite", pwrite(fd, "hello", 5, PG + 100), 5);
    check_mem("mapping_sees_pwrite", p + PG + 100, "hello", 5);
    check_require("lseek", lseek(fd, 50, SEEK_SET) == 50);
    check_eq("write", write(fd, "wr", 2), 2);
    check_mem("mapping_sees_write", p + 50, "wr", 2);
    // Two mappings, one page.
    check_true("second_mapping_same_page", q[10] == 'X' && memcmp(q + PG + 100, "hello", 5) == 0,
               "q[10]=%c", q[10]);
    q[11] = 'Y';
    check_true("first_sees_second", p[11] == 'Y', "got %c", p[11]);

    // A forked child's stores through the inherited mapping.
    int st = run_child(child_store, NULL);
    check_eq("child_exit", exit_code(st), 0);
    check_true("fork_child_store_in_mapping", p[200] == 'C' && q[PG + 200] == 'D', "got %c %c", p[200],
               q[PG + 200]);
    check_eq("pread_child_store", pread(fd, b, 1, PG + 200), 1);
    check_true("file_has_child_store", b[0] == 'D', "got %c", b[0]);

    // An unrelated image mapping the file itself.
    pid_t pid = fork();
    if (pid == 0) {
        char* args[] = {argv[0], "peer", NULL};
        execv(argv[0], args);
        _exit(99);
    }
    check_require("fork", pid > 0);
    check_require("wait", waitpid(pid, &st, 0) == pid);
    check_eq("peer_exit", exit_code(st), 0);
    check_mem("peer_store_in_mapping", p + 300, "peer", 4);

    // The whole file read back equals the mapping.
    char all[2 * PG];
    check_eq("read_all", pread(fd, all, sizeof all, 0), 2 * PG);
    check_mem("file_equals_mapping", all, p, 2 * PG);

    // MAP_PRIVATE: page 0 read (mapped from the cache), page 1 untouched.
    char* r = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    check_require("mmap private", r != MAP_FAILED);
    check_true("private_reads_file", r[10] == 'X', "got %c", r[10]);
    check_eq("pwrite_w", pwrite(fd, "W", 1, 0), 1);
    check_eq("pwrite_w2", pwrite(fd, "W", 1, PG), 1);
    check_true("private_read_page_sees_write", r[0] == 'W', "got %c", r[0]);
    check_true("private_untouched_sees_write", r[PG] == 'W', "got %c", r[PG]);
    r[1] = 'P'; // copy-on-write: page 0 is private from now on
    check_eq("pwrite_z", pwrite(fd, "Z", 1, 0), 1);
    check_true("private_written_page_keeps_copy", r[0] == 'W' && r[1] == 'P', "got %c %c", r[0], r[1]);
    check_eq("pread_1", pread(fd, b, 1, 1), 1);
    check_true("private_store_not_in_file", b[0] != 'P', "file has it");
    check_true("shared_sees_pwrite_not_private", p[0] == 'Z' && p[1] != 'P', "got %c %c", p[0], p[1]);
    check_eq("pwrite_v", pwrite(fd, "V", 1, PG + 1), 1);
    check_true("private_other_page_still_shared", r[PG + 1] == 'V', "got %c", r[PG + 1]);

    // Writing a shared mapping of a file opened read-only is refused.
    int ro = open(PATH, O_RDONLY);
    check_require("open ro", ro >= 0);
    check_err("shared_write_ro_fd", (long)mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0),
              EACCES);
    char* ro_map = mmap(NULL, PG, PROT_READ, MAP_SHARED, ro, 0);
    check_true("shared_read_ro_fd", ro_map != MAP_FAILED && ro_map[0] == 'Z', "mmap failed");
    // A directory does not map.
    int dir = open("/tmp/mmfile", O_RDONLY | O_DIRECTORY);
    check_err("mmap_directory", (long)mmap(NULL, PG, PROT_READ, MAP_PRIVATE, dir, 0), ENODEV);

    // The mapping survives close and unlink: the pages live on.
    close(fd);
    check_ok("unlink", unlink(PATH));
    p[400] = 'U';
    check_true("mapping_after_unlink", q[400] == 'U' && p[10] == 'X', "got %c", q[400]);
    check_ok("munmap", munmap(p, 2 * PG));
    check_ok("munmap_q", munmap(q, 2 * PG));
    return check_end("mm_filemap");
}
