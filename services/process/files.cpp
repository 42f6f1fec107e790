#include "files.h"
#include "fs_share.h"

namespace services::process {

klib::Result<klib::Arc<Files>> Files::copy() const {
    fs::FdTable t = TRY(table_.with([](fs::FdTable& mine) { return mine.clone(); }));
    return klib::Arc<Files>::make(klib::move(t));
}

klib::Result<klib::Arc<Files>> make_files() {
    return klib::Arc<Files>::make(fs::FdTable());
}

fs::FsContext copy_context(const fs::FsContext& c) {
    fs::FsContext out(c.ns.clone(), c.root.clone(), c.cwd.clone());
    out.umask = c.umask;
    out.cred = c.cred;
    return out;
}

klib::Result<fs::FsContext, fs::Errno> FsShared::get() const {
    return ctx_.with([](klib::Optional<fs::FsContext>& c) -> klib::Result<fs::FsContext, fs::Errno> {
        if (!c.has_value()) {
            return fs::Errno::ENOENT;
        }
        return copy_context(c.value());
    });
}

void FsShared::set_cwd(klib::Arc<fs::PathNode> cwd) const {
    ctx_.with([&](klib::Optional<fs::FsContext>& c) {
        if (c.has_value()) {
            c.value().cwd = klib::move(cwd);
        }
    });
}

u32 FsShared::swap_umask(u32 mask) const {
    return ctx_.with([&](klib::Optional<fs::FsContext>& c) -> u32 {
        if (!c.has_value()) {
            return 0;
        }
        const u32 old = c.value().umask;
        c.value().umask = mask;
        return old;
    });
}

klib::Result<klib::Arc<FsShared>> FsShared::copy() const {
    klib::Optional<fs::FsContext> mine = ctx_.with(
        [](klib::Optional<fs::FsContext>& c) -> klib::Optional<fs::FsContext> {
            if (!c.has_value()) {
                return klib::none;
            }
            return copy_context(c.value());
        });
    return klib::Arc<FsShared>::make(klib::move(mine));
}

} // namespace services::process
