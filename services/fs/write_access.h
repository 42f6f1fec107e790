// Linux's i_writecount: for each inode, the open files that may write it,
// or the running program images that forbid writing it; the two exclude
// each other (ETXTBSY both ways: exec of a file open for writing, opening
// a running program for writing). An inode is known by (device, inode
// number). Holds are RAII guards: dropping one gives the count back.
#pragma once

#include "types.h"
#include <klib/result.h>

namespace services::fs {

class WriteGuard {
public:
    WriteGuard(WriteGuard&& o) : dev_(o.dev_), ino_(o.ino_), deny_(o.deny_), live_(o.live_) {
        o.live_ = false;
    }
    WriteGuard& operator=(WriteGuard&& o);
    WriteGuard(const WriteGuard&) = delete;
    WriteGuard& operator=(const WriteGuard&) = delete;
    ~WriteGuard() { release(); }

    // A second hold of the same kind on the same inode (fork: the child's
    // image forbids writing too). Never fails: the inode's entry exists.
    WriteGuard again() const;

    // Internal: made by get_write_access/deny_write_access.
    WriteGuard(u64 dev, u64 ino, bool deny) : dev_(dev), ino_(ino), deny_(deny), live_(true) {}

private:
    void release();
    u64 dev_;
    u64 ino_;
    bool deny_;
    bool live_;
};

// An open file that may write `st`'s inode (open with O_WRONLY/O_RDWR):
// ETXTBSY while a running program image is that file; ENOMEM.
klib::Result<WriteGuard, Errno> get_write_access(const Stat& st);
// A program image of `st`'s inode (execve): ETXTBSY while the file is
// open for writing; ENOMEM.
klib::Result<WriteGuard, Errno> deny_write_access(const Stat& st);

} // namespace services::fs
