#include "fd_table.h"

namespace services::fs {

klib::Result<FdTable> FdTable::with_console(Ino console_ino) {
    FdTable t;
    auto console =
        TRY(klib::Arc<OpenFile>::make(FileKind::Console, console_ino, O_RDWR | O_LARGEFILE));
    for (u64 fd = 0; fd < 3; ++fd) {
        auto r = t.install(console.clone(), false);
        if (r.is_err()) {
            return klib::Err(klib::Error::NoMemory);
        }
    }
    return t;
}

klib::Result<u64, Errno> FdTable::install(klib::Arc<OpenFile> file, bool cloexec, u64 min_fd) {
    if (min_fd >= MAX_FDS) {
        return Errno::EINVAL;
    }
    u64 fd = min_fd;
    while (fd < slots_.size() && slots_[usize(fd)].has_value()) {
        ++fd;
    }
    if (fd >= MAX_FDS) {
        return Errno::EMFILE;
    }
    TRY(install_at(fd, klib::move(file), cloexec));
    return fd;
}

klib::Result<void, Errno> FdTable::install_at(u64 fd, klib::Arc<OpenFile> file, bool cloexec) {
    if (fd >= MAX_FDS) {
        return Errno::EBADF;
    }
    while (slots_.size() <= fd) {
        if (slots_.try_push(klib::none).is_err()) {
            return Errno::ENOMEM;
        }
    }
    slots_[usize(fd)] = Slot{klib::move(file), cloexec};
    return {};
}

klib::Result<klib::Arc<OpenFile>, Errno> FdTable::get(u64 fd) const {
    if (fd >= slots_.size() || !slots_[usize(fd)].has_value()) {
        return Errno::EBADF;
    }
    return slots_[usize(fd)].value().file.clone();
}

klib::Result<void, Errno> FdTable::close(u64 fd) {
    if (fd >= slots_.size() || !slots_[usize(fd)].has_value()) {
        return Errno::EBADF;
    }
    slots_[usize(fd)] = klib::none;
    return {};
}

klib::Result<bool, Errno> FdTable::cloexec(u64 fd) const {
    if (fd >= slots_.size() || !slots_[usize(fd)].has_value()) {
        return Errno::EBADF;
    }
    return slots_[usize(fd)].value().cloexec;
}

klib::Result<void, Errno> FdTable::set_cloexec(u64 fd, bool on) {
    if (fd >= slots_.size() || !slots_[usize(fd)].has_value()) {
        return Errno::EBADF;
    }
    slots_[usize(fd)].value().cloexec = on;
    return {};
}

} // namespace services::fs
