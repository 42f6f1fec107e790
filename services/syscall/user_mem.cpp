#include "user_mem.h"

#include <klib/array.h>

namespace services::syscall {

klib::Result<klib::String, Errno> read_path(const process::Process& p, u64 addr) {
    constexpr u64 PAGE = keel::VmSpace::PAGE;
    klib::String out;
    klib::Array<u8, 256> chunk{};
    u64 done = 0;
    while (done < fs::PATH_MAX) {
        // Never cross a page in one copy: the next page may be unmapped
        // while the string ends before it.
        const u64 at = addr + done;
        if (at < addr) {
            return Errno::EFAULT;
        }
        u64 n = PAGE - (at & (PAGE - 1));
        n = n < chunk.size() ? n : chunk.size();
        n = n < fs::PATH_MAX - done ? n : fs::PATH_MAX - done;
        auto part = chunk.span().first(usize(n));
        if (p.space.read_bytes(at, part).is_err()) {
            return Errno::EFAULT;
        }
        for (u8 b : part) {
            if (b == 0) {
                return out;
            }
            if (out.try_append(char(b)).is_err()) {
                return Errno::ENOMEM;
            }
        }
        done += n;
    }
    return Errno::ENAMETOOLONG;
}

klib::Result<klib::Arc<fs::RamFs>, Errno> root_fs(const process::Process& p) {
    if (!p.root.has_value()) {
        return Errno::ENOENT;
    }
    return p.root.value().clone();
}

klib::Result<fs::Ino, Errno> start_dir(const process::Process& p, u64 dirfd,
                                       klib::StringView path) {
    if (path.starts_with('/')) {
        return fs::ROOT_INO;
    }
    if (i32(u32(dirfd)) == AT_FDCWD) {
        return p.cwd;
    }
    klib::Arc<fs::OpenFile> f = TRY(p.files.get(u64(u32(dirfd))));
    if (f->kind() != fs::FileKind::Inode) {
        return Errno::ENOTDIR;
    }
    klib::Arc<fs::RamFs> root = TRY(root_fs(p));
    if (!root->is_dir(f->ino())) {
        return Errno::ENOTDIR;
    }
    return f->ino();
}

klib::Result<void, Errno> OutBuffer::copy_out(const process::Process& p, u64 addr) const {
    TRY_SYS(p.space.write_bytes(addr, bytes_.span().span()));
    return {};
}

} // namespace services::syscall
