#include "user_mem.h"

#include <klib/array.h>

namespace services::syscall {

klib::Result<klib::String, Errno> read_path(const process::Thread& t, u64 addr) {
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
        if (t.space->read_bytes(at, part).is_err()) {
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

klib::Result<klib::Arc<fs::PathNode>, Errno> start_dir(const process::Thread& t, u64 dirfd,
                                                      klib::StringView path) {
    const fs::FsContext vfs = TRY(t.vfs->get());
    if (path.starts_with('/')) {
        return vfs.root.clone();
    }
    if (i32(u32(dirfd)) == AT_FDCWD) {
        return vfs.cwd.clone();
    }
    klib::Arc<fs::File> f = TRY(t.files->get(u64(u32(dirfd))));
    auto node = f->path();
    if (!node.has_value()) {
        return Errno::ENOTDIR;
    }
    if (!node.value()->inode->stat().is_dir()) {
        return Errno::ENOTDIR;
    }
    return klib::move(node.value());
}

klib::Result<void, Errno> copy_stat(const process::Thread& t, const fs::Stat& st, u64 addr) {
    const klib::Array<u64, 18> w = {
        st.dev,
        st.ino,
        u64(st.nlink),
        u64(st.mode) | (u64(st.uid) << 32),
        u64(st.gid),
        st.rdev,
        st.size,
        st.blksize,
        st.blocks,
        u64(st.atime.sec),
        u64(st.atime.nsec),
        u64(st.mtime.sec),
        u64(st.mtime.nsec),
        u64(st.ctime.sec),
        u64(st.ctime.nsec),
        0,
        0,
        0,
    };
    TRY_SYS(t.space->write_val(addr, w));
    return {};
}

klib::Result<void, Errno> OutBuffer::copy_out(const process::Thread& t, u64 addr) const {
    TRY_SYS(t.space->write_bytes(addr, bytes_.span().span()));
    return {};
}

} // namespace services::syscall
