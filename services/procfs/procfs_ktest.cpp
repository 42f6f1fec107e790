// ktests of procfs without processes (a kernel task has no /proc/self):
// the type registers with mount(2), the system files read as Linux's do.
#include "procfs.h"

#include "../fs/filesystems.h"
#include <keel/ktest.h>

namespace services::procfs {

namespace {

klib::String read_all(const fs::Inode& node) {
    klib::String out;
    MUST(node.read_at(0, 65536, [&](klib::Span<const u8> part) -> klib::Result<void, Errno> {
        for (u8 b : part) {
            MUST(out.try_append(char(b)));
        }
        return {};
    }));
    return out;
}

bool starts(klib::StringView s, klib::StringView p) {
    return s.size() >= p.size() && s.substr(0, p.size()) == p;
}

} // namespace

KTEST(procfs_mounts_and_reads_system_files) {
    MUST(register_procfs());
    MUST(register_procfs()); // idempotent
    klib::Arc<fs::FileSystem> proc = MUST(fs::make_filesystem("proc"));
    KEXPECT_EQ(proc->statfs().type, PROC_SUPER_MAGIC);
    klib::Arc<fs::Inode> root = proc->root();
    KEXPECT(root->stat().is_dir());
    const klib::String mem = read_all(*MUST(root->lookup("meminfo")));
    KEXPECT(starts(mem.view(), "MemTotal:"));
    const klib::String fss = read_all(*MUST(root->lookup("filesystems")));
    bool tmpfs = false;
    bool procline = false;
    usize start = 0;
    for (usize i = 0; i <= fss.size(); ++i) {
        if (i == fss.size() || fss[i] == '\n') {
            const klib::StringView line = fss.view().substr(start, i - start);
            tmpfs = tmpfs || line == "nodev\ttmpfs";
            procline = procline || line == "nodev\tproc";
            start = i + 1;
        }
    }
    KEXPECT(tmpfs);
    KEXPECT(procline);
    klib::Arc<fs::Inode> kernel = MUST(MUST(root->lookup("sys"))->lookup("kernel"));
    KEXPECT(read_all(*MUST(kernel->lookup("ostype"))) == "Linux\n");
    KEXPECT(MUST(root->lookup("mounts"))->read_link().value() == "self/mounts");
    // Partial reads return the right slice.
    klib::String two;
    MUST(MUST(kernel->lookup("ostype"))->read_at(2, 2, [&](klib::Span<const u8> part) -> klib::Result<void, Errno> {
        for (u8 b : part) {
            MUST(two.try_append(char(b)));
        }
        return {};
    }));
    KEXPECT(two == "nu");
    KEXPECT(root->lookup("nosuch").is_err());
    KEXPECT(root->lookup("0042").is_err()); // not a pid spelling
}

} // namespace services::procfs
