#include "fd_table.h"

namespace services::fs {

klib::Result<u64, Errno> FdTable::install(klib::Arc<File> file, bool cloexec, u64 min_fd) {
    if (min_fd >= limit_) {
        return Errno::EINVAL;
    }
    u64 fd = min_fd;
    while (fd < slots_.size() && slots_[usize(fd)].has_value()) {
        ++fd;
    }
    if (fd >= limit_) {
        return Errno::EMFILE;
    }
    TRY(install_at(fd, klib::move(file), cloexec));
    return fd;
}

klib::Result<void, Errno> FdTable::install_at(u64 fd, klib::Arc<File> file, bool cloexec) {
    if (fd >= limit_) {
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

klib::Result<klib::Arc<File>, Errno> FdTable::get(u64 fd) const {
    if (fd >= slots_.size() || !slots_[usize(fd)].has_value()) {
        return Errno::EBADF;
    }
    return slots_[usize(fd)].value().file.clone();
}

klib::Result<FdTable> FdTable::clone() const {
    FdTable out;
    out.limit_ = limit_;
    out.hard_ = hard_;
    TRY(out.slots_.try_reserve(slots_.size()));
    for (const klib::Optional<Slot>& s : slots_) {
        if (s.has_value()) {
            TRY(out.slots_.try_push(Slot{s.value().file.clone(), s.value().cloexec}));
        } else {
            TRY(out.slots_.try_push(klib::none));
        }
    }
    return out;
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
