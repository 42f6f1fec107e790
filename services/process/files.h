// A file-descriptor table shared by the threads that use it (the threads
// of a process, and CLONE_FILES children): fs::FdTable behind a lock, with
// the same operations. Each call takes the lock for the table operation
// only; nothing that can sleep runs under it.
#pragma once

#include "../fs/fd_table.h"
#include <keel/sync/spinlock.h>
#include <klib/arc.h>

namespace services::process {

class Files {
public:
    explicit Files(fs::FdTable t) : table_(klib::move(t)) {}

    klib::Result<u64, fs::Errno> install(klib::Arc<fs::File> file, bool cloexec,
                                         u64 min_fd = 0) const {
        return table_.with(
            [&](fs::FdTable& t) { return t.install(klib::move(file), cloexec, min_fd); });
    }
    klib::Result<void, fs::Errno> install_at(u64 fd, klib::Arc<fs::File> file, bool cloexec) const {
        return table_.with(
            [&](fs::FdTable& t) { return t.install_at(fd, klib::move(file), cloexec); });
    }
    klib::Result<klib::Arc<fs::File>, fs::Errno> get(u64 fd) const {
        return table_.with([&](fs::FdTable& t) { return t.get(fd); });
    }
    klib::Result<void, fs::Errno> close(u64 fd) const {
        return table_.with([&](fs::FdTable& t) { return t.close(fd); });
    }
    klib::Result<bool, fs::Errno> cloexec(u64 fd) const {
        return table_.with([&](fs::FdTable& t) { return t.cloexec(fd); });
    }
    klib::Result<void, fs::Errno> set_cloexec(u64 fd, bool on) const {
        return table_.with([&](fs::FdTable& t) { return t.set_cloexec(fd, on); });
    }
    u64 limit() const {
        return table_.with([](fs::FdTable& t) { return t.limit(); });
    }
    u64 hard_limit() const {
        return table_.with([](fs::FdTable& t) { return t.hard_limit(); });
    }
    void set_limit(u64 soft, u64 hard) const {
        table_.with([&](fs::FdTable& t) { t.set_limit(soft, hard); });
    }

    // A new table with the same descriptors (fork without CLONE_FILES).
    klib::Result<klib::Arc<Files>> copy() const;

private:
    keel::SpinLock<fs::FdTable> table_;
};

// An empty table (NoMemory).
klib::Result<klib::Arc<Files>> make_files();

} // namespace services::process
