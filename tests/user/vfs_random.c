// A randomised file-system test: a fixed seed drives a long sequence of
// operations (create, write at an offset, truncate, rename, link, unlink,
// mkdir, rmdir, stat, read back, list) on paths of depth 1 to 3 under
// /tmp/rnd, against the real file system and an in-program model of it.
// After every step the result and errno must be the model's (which follows
// Linux's order of checks), and every 100 steps the whole tree is compared
// (types, sizes, link counts, inode identity, contents, directory listings).
#include "check.h"

#define NNAMES 3
#define MAXSZ 20000
#define NOPS 3000

struct node {
    int isdir, nlink, size;
    unsigned char* data; // files
    ino_t ino;
    struct node* kids[NNAMES]; // dirs: child per name, NULL if absent
};

static const char* names[NNAMES] = {"a", "b", "c"};
static struct node root_node;
static unsigned long long rng = 0x9e3779b97f4a7c15ULL;
static int op_no;
static int stopped;

static unsigned rnd(unsigned n) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)((rng >> 11) % n);
}

// A random path: 1 to 3 components, as indices into names.
struct path {
    int depth;
    int comp[3];
    char text[64];
};

static void make_text(struct path* p) {
    strcpy(p->text, "/tmp/rnd");
    for (int i = 0; i < p->depth; i++) {
        strcat(p->text, "/");
        strcat(p->text, names[p->comp[i]]);
    }
}

static struct path random_path(void) {
    struct path p;
    unsigned r = rnd(10);
    p.depth = r < 4 ? 1 : r < 8 ? 2 : 3;
    for (int i = 0; i < p.depth; i++) {
        p.comp[i] = rnd(NNAMES);
    }
    make_text(&p);
    return p;
}

// Resolves the parent of p: 0 and *dir, or the errno of the walk.
static int parent_of(const struct path* p, struct node** dir) {
    struct node* n = &root_node;
    for (int i = 0; i < p->depth - 1; i++) {
        struct node* k = n->kids[p->comp[i]];
        if (k == NULL) {
            return ENOENT;
        }
        if (!k->isdir) {
            return ENOTDIR;
        }
        n = k;
    }
    *dir = n;
    return 0;
}

static struct node* new_node(int isdir) {
    struct node* n = calloc(1, sizeof *n);
    n->isdir = isdir;
    n->nlink = isdir ? 2 : 1;
    if (!isdir) {
        n->data = calloc(1, MAXSZ);
    }
    return n;
}

static void drop_link(struct node* n) {
    if (--n->nlink == 0 && !n->isdir) {
        free(n->data);
        free(n);
    }
}

static int nkids(const struct node* d) {
    int c = 0;
    for (int i = 0; i < NNAMES; i++) {
        c += d->kids[i] != NULL;
    }
    return c;
}

static int nsubdirs(const struct node* d) {
    int c = 0;
    for (int i = 0; i < NNAMES; i++) {
        c += d->kids[i] != NULL && d->kids[i]->isdir;
    }
    return c;
}

// Whether path a is a proper prefix (ancestor) of path b.
static int ancestor(const struct path* a, const struct path* b) {
    if (a->depth >= b->depth) {
        return 0;
    }
    for (int i = 0; i < a->depth; i++) {
        if (a->comp[i] != b->comp[i]) {
            return 0;
        }
    }
    return 1;
}

static void fail(const char* what, const char* path, long got, int got_errno, int want_errno) {
    if (stopped) {
        return;
    }
    stopped = 1;
    check_true("random step", 0, "op %d %s %s: got %ld errno %s, model says %s", op_no, what, path, got,
               got == -1 ? errname(got_errno) : "-", want_errno ? errname(want_errno) : "success");
}

// Compares a call's outcome with the model's expected errno (0 = success).
static int same(const char* what, const char* path, long r, int want) {
    int e = errno;
    int ok = want == 0 ? r >= 0 : (r == -1 && e == want);
    if (!ok) {
        fail(what, path, r, e, want);
    }
    return ok;
}

static void do_create(void) {
    struct path p = random_path();
    struct node* dir;
    int want = parent_of(&p, &dir);
    if (want == 0 && dir->kids[p.comp[p.depth - 1]] != NULL) {
        want = EEXIST;
    }
    int fd = open(p.text, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (same("create", p.text, fd, want) && want == 0) {
        struct node* n = new_node(0);
        struct stat st;
        fstat(fd, &st);
        n->ino = st.st_ino;
        dir->kids[p.comp[p.depth - 1]] = n;
    }
    if (fd >= 0) {
        close(fd);
    }
}

// Opens an existing path for writing: the model's errno, or 0 and *node.
static int want_file(const struct path* p, struct node** node) {
    struct node* dir;
    int want = parent_of(p, &dir);
    if (want != 0) {
        return want;
    }
    struct node* n = dir->kids[p->comp[p->depth - 1]];
    if (n == NULL) {
        return ENOENT;
    }
    if (n->isdir) {
        return EISDIR;
    }
    *node = n;
    return 0;
}

static void do_write(void) {
    struct path p = random_path();
    struct node* n = NULL;
    int want = want_file(&p, &n);
    int fd = open(p.text, O_WRONLY);
    if (!same("open-write", p.text, fd, want) || fd < 0) {
        return;
    }
    int off = rnd(15000), len = 1 + rnd(4000);
    unsigned char buf[4000];
    unsigned char seed = (unsigned char)rnd(256);
    for (int i = 0; i < len; i++) {
        buf[i] = (unsigned char)(seed + i * 3);
    }
    long w = pwrite(fd, buf, len, off);
    if (same("pwrite", p.text, w == len ? 0 : -1, 0)) {
        memcpy(n->data + off, buf, len);
        if (off + len > n->size) {
            n->size = off + len;
        }
    }
    close(fd);
}

static void do_truncate(void) {
    struct path p = random_path();
    struct node* n = NULL;
    int want = want_file(&p, &n);
    int len = rnd(MAXSZ);
    if (same("truncate", p.text, truncate(p.text, len), want) && want == 0) {
        if (len < n->size) {
            memset(n->data + len, 0, n->size - len);
        }
        n->size = len;
    }
}

static void do_mkdir(void) {
    struct path p = random_path();
    struct node* dir;
    int want = parent_of(&p, &dir);
    if (want == 0 && dir->kids[p.comp[p.depth - 1]] != NULL) {
        want = EEXIST;
    }
    if (same("mkdir", p.text, mkdir(p.text, 0755), want) && want == 0) {
        struct node* n = new_node(1);
        struct stat st;
        stat(p.text, &st);
        n->ino = st.st_ino;
        dir->kids[p.comp[p.depth - 1]] = n;
        dir->nlink++;
    }
}

static void do_unlink(void) {
    struct path p = random_path();
    struct node* dir;
    int want = parent_of(&p, &dir);
    struct node* n = NULL;
    if (want == 0) {
        n = dir->kids[p.comp[p.depth - 1]];
        want = n == NULL ? ENOENT : n->isdir ? EISDIR : 0;
    }
    if (same("unlink", p.text, unlink(p.text), want) && want == 0) {
        dir->kids[p.comp[p.depth - 1]] = NULL;
        drop_link(n);
    }
}

static void do_rmdir(void) {
    struct path p = random_path();
    struct node* dir;
    int want = parent_of(&p, &dir);
    struct node* n = NULL;
    if (want == 0) {
        n = dir->kids[p.comp[p.depth - 1]];
        want = n == NULL ? ENOENT : !n->isdir ? ENOTDIR : nkids(n) > 0 ? ENOTEMPTY : 0;
    }
    if (same("rmdir", p.text, rmdir(p.text), want) && want == 0) {
        dir->kids[p.comp[p.depth - 1]] = NULL;
        dir->nlink--;
        free(n);
    }
}

static void do_link(void) {
    struct path a = random_path(), b = random_path();
    struct node *da, *db;
    struct node* n = NULL;
    int want = parent_of(&a, &da);
    if (want == 0) {
        n = da->kids[a.comp[a.depth - 1]];
        want = n == NULL ? ENOENT : 0;
    }
    if (want == 0) {
        want = parent_of(&b, &db);
    }
    if (want == 0 && db->kids[b.comp[b.depth - 1]] != NULL) {
        want = EEXIST;
    }
    if (want == 0 && n->isdir) {
        want = EPERM;
    }
    char what[80];
    snprintf(what, sizeof what, "link -> %s", b.text);
    if (same(what, a.text, link(a.text, b.text), want) && want == 0) {
        db->kids[b.comp[b.depth - 1]] = n;
        n->nlink++;
    }
}

static void do_rename(void) {
    struct path a = random_path(), b = random_path();
    struct node *da, *db;
    struct node *src = NULL, *dst = NULL;
    int want = parent_of(&a, &da);
    if (want == 0) {
        want = parent_of(&b, &db);
    }
    if (want == 0) {
        src = da->kids[a.comp[a.depth - 1]];
        dst = db->kids[b.comp[b.depth - 1]];
        if (src == NULL) {
            want = ENOENT;
        } else if (ancestor(&a, &b)) {
            want = EINVAL; // into its own subtree
        } else if (ancestor(&b, &a)) {
            want = ENOTEMPTY; // onto one of its ancestors
        } else if (src == dst) {
            want = 0; // same inode: nothing to do
        } else if (dst != NULL && src->isdir && !dst->isdir) {
            want = ENOTDIR;
        } else if (dst != NULL && !src->isdir && dst->isdir) {
            want = EISDIR;
        } else if (dst != NULL && dst->isdir && nkids(dst) > 0) {
            want = ENOTEMPTY;
        }
    }
    char what[80];
    snprintf(what, sizeof what, "rename -> %s", b.text);
    if (same(what, a.text, rename(a.text, b.text), want) && want == 0 && src != dst) {
        if (dst != NULL) {
            if (dst->isdir) {
                db->nlink--;
                free(dst);
            } else {
                drop_link(dst);
            }
        }
        da->kids[a.comp[a.depth - 1]] = NULL;
        db->kids[b.comp[b.depth - 1]] = src;
        if (src->isdir) {
            da->nlink--;
            db->nlink++;
        }
    }
}

// Compares one path's stat (and a file's contents) with the model.
static void check_path(const struct path* p) {
    struct node* dir;
    int want = parent_of(p, &dir);
    struct node* n = NULL;
    if (want == 0) {
        n = dir->kids[p->comp[p->depth - 1]];
        if (n == NULL) {
            want = ENOENT;
        }
    }
    struct stat st;
    if (!same("stat", p->text, stat(p->text, &st), want) || want != 0) {
        return;
    }
    long size = n->isdir ? 40 + 20 * nkids(n) : n->size;
    if (S_ISDIR(st.st_mode) != n->isdir || st.st_size != size || (long)st.st_nlink != n->nlink || st.st_ino != n->ino) {
        char what[160];
        snprintf(what, sizeof what, "stat fields (dir %d/%d size %ld/%ld nlink %ld/%d ino %s)", S_ISDIR(st.st_mode),
                 n->isdir, (long)st.st_size, size, (long)st.st_nlink, n->nlink,
                 st.st_ino == n->ino ? "same" : "differs");
        fail(what, p->text, 0, 0, 0);
        return;
    }
    if (n->isdir) {
        return;
    }
    static unsigned char buf[MAXSZ + 10];
    int fd = open(p->text, O_RDONLY);
    long r = read(fd, buf, sizeof buf);
    close(fd);
    if (r != n->size || memcmp(buf, n->data, n->size) != 0) {
        fail("contents", p->text, r, 0, 0);
    }
}

struct dent {
    unsigned long long ino;
    long long off;
    unsigned short reclen;
    unsigned char type;
    char name[];
};

// Compares a directory's listing with the model's children.
static void check_listing(const char* text, const struct node* d) {
    int fd = open(text, O_RDONLY | O_DIRECTORY);
    char buf[1024] __attribute__((aligned(8)));
    int seen[NNAMES] = {0}, others = 0;
    long r;
    while ((r = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
        for (long off = 0; off < r;) {
            struct dent* e = (struct dent*)(buf + off);
            int k = -1;
            for (int i = 0; i < NNAMES; i++) {
                if (strcmp(e->name, names[i]) == 0) {
                    k = i;
                }
            }
            if (k >= 0) {
                seen[k]++;
                int want_type = d->kids[k] == NULL ? -1 : d->kids[k]->isdir ? DT_DIR : DT_REG;
                if (e->type != want_type || e->ino != d->kids[k]->ino) {
                    fail("listing type/ino", text, 0, 0, 0);
                }
            } else if (strcmp(e->name, ".") != 0 && strcmp(e->name, "..") != 0) {
                others++;
            }
            off += e->reclen;
        }
    }
    close(fd);
    for (int i = 0; i < NNAMES; i++) {
        if (seen[i] != (d->kids[i] != NULL)) {
            fail("listing names", text, seen[i], 0, 0);
        }
    }
    if (others != 0) {
        fail("listing extra names", text, others, 0, 0);
    }
}

static void walk(struct path* p, const struct node* d) {
    check_listing(p->text, d);
    for (int i = 0; i < NNAMES && p->depth < 3; i++) {
        struct path c = *p;
        c.comp[c.depth++] = i;
        make_text(&c);
        check_path(&c);
        if (d->kids[i] != NULL && d->kids[i]->isdir) {
            walk(&c, d->kids[i]);
        }
    }
}

static void check_all(void) {
    struct path p = {.depth = 0};
    make_text(&p);
    struct stat st;
    stat(p.text, &st);
    if ((long)st.st_nlink != 2 + nsubdirs(&root_node) || st.st_size != 40 + 20 * nkids(&root_node)) {
        fail("root stat", p.text, st.st_nlink, 0, 0);
    }
    walk(&p, &root_node);
}

int main(void) {
    check_start(NULL);
    mkdir("/tmp/rnd", 0755);
    root_node.isdir = 1;
    root_node.nlink = 2;
    int counts[10] = {0};
    for (op_no = 1; op_no <= NOPS && !stopped; op_no++) {
        unsigned k = rnd(100);
        int kind;
        if (k < 15) {
            kind = 0, do_create();
        } else if (k < 35) {
            kind = 1, do_write();
        } else if (k < 42) {
            kind = 2, do_truncate();
        } else if (k < 54) {
            kind = 3, do_mkdir();
        } else if (k < 62) {
            kind = 4, do_unlink();
        } else if (k < 68) {
            kind = 5, do_rmdir();
        } else if (k < 76) {
            kind = 6, do_link();
        } else if (k < 90) {
            kind = 7, do_rename();
        } else {
            kind = 8;
            struct path p = random_path();
            check_path(&p);
        }
        counts[kind]++;
        if (op_no % 100 == 0) {
            check_all();
        }
    }
    check_all();
    printf("random: create %d write %d truncate %d mkdir %d unlink %d rmdir %d link %d rename %d stat %d\n",
           counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], counts[6], counts[7], counts[8]);
    char name[32];
    snprintf(name, sizeof name, "random %d ops", NOPS);
    check_true(name, !stopped, "stopped at op %d", op_no);
    return check_end("vfs_random");
}
