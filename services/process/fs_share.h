// The file-system context (root, cwd, umask, credentials) shared by the
// threads that use it (CLONE_FS). Readers take a copy (three Arc clones)
// and resolve paths with it, so no lock is held while a lookup sleeps;
// chdir and umask replace fields under the lock.
#pragma once

#include "../fs/vfs.h"
#include <keel/sync/spinlock.h>
#include <klib/arc.h>
#include <klib/optional.h>

namespace services::process {

// A copy of `c` (the same namespace and directories).
fs::FsContext copy_context(const fs::FsContext& c);

class FsShared {
public:
    explicit FsShared(klib::Optional<fs::FsContext> c) : ctx_(klib::move(c)) {}

    // Whether the process has a file system at all.
    bool has_value() const {
        return ctx_.with([](klib::Optional<fs::FsContext>& c) { return c.has_value(); });
    }
    // The context now (ENOENT: no file system).
    klib::Result<fs::FsContext, fs::Errno> get() const;
    void set_cwd(klib::Arc<fs::PathNode> cwd) const;
    // Sets the umask and returns the old one (0 without a file system).
    u32 swap_umask(u32 mask) const;
    // An unshared copy (fork without CLONE_FS). NoMemory.
    klib::Result<klib::Arc<FsShared>> copy() const;

private:
    keel::SpinLock<klib::Optional<fs::FsContext>> ctx_;
};

} // namespace services::process
