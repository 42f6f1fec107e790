#include "write_access.h"

#include <keel/sync/spinlock.h>
#include <klib/vec.h>

namespace services::fs {

namespace {

// One inode with holds: writers > 0 or deniers > 0, never both.
struct Count {
    u64 dev = 0;
    u64 ino = 0;
    u64 writers = 0;
    u64 deniers = 0;
};

keel::SpinLock<klib::Vec<Count>> g_counts;

klib::Optional<usize> find(const klib::Vec<Count>& v, u64 dev, u64 ino) {
    for (usize i = 0; i < v.size(); ++i) {
        if (v[i].dev == dev && v[i].ino == ino) {
            return i;
        }
    }
    return klib::none;
}

klib::Result<WriteGuard, Errno> take(const Stat& st, bool deny) {
    return g_counts.with([&](klib::Vec<Count>& v) -> klib::Result<WriteGuard, Errno> {
        klib::Optional<usize> i = find(v, st.dev, st.ino);
        if (!i.has_value()) {
            if (v.try_push(Count{st.dev, st.ino, 0, 0}).is_err()) {
                return Errno::ENOMEM;
            }
            i = v.size() - 1;
        }
        const usize at = i.value();
        const bool busy = deny ? v[at].writers > 0 : v[at].deniers > 0;
        if (busy) {
            return Errno::ETXTBSY; // (the entry has holds: it stays)
        }
        if (deny) {
            v[at].deniers += 1;
        } else {
            v[at].writers += 1;
        }
        return WriteGuard(st.dev, st.ino, deny);
    });
}

} // namespace

klib::Result<WriteGuard, Errno> get_write_access(const Stat& st) {
    return take(st, false);
}

klib::Result<WriteGuard, Errno> deny_write_access(const Stat& st) {
    return take(st, true);
}

WriteGuard& WriteGuard::operator=(WriteGuard&& o) {
    release();
    dev_ = o.dev_;
    ino_ = o.ino_;
    deny_ = o.deny_;
    live_ = o.live_;
    o.live_ = false;
    return *this;
}

WriteGuard WriteGuard::again() const {
    if (live_) {
        g_counts.with([&](klib::Vec<Count>& v) {
            if (klib::Optional<usize> i = find(v, dev_, ino_); i.has_value()) {
                if (deny_) {
                    v[i.value()].deniers += 1;
                } else {
                    v[i.value()].writers += 1;
                }
            }
        });
    }
    WriteGuard g(dev_, ino_, deny_);
    g.live_ = live_;
    return g;
}

void WriteGuard::release() {
    if (!live_) {
        return;
    }
    live_ = false;
    g_counts.with([&](klib::Vec<Count>& v) {
        klib::Optional<usize> i = find(v, dev_, ino_);
        if (!i.has_value()) {
            return;
        }
        const usize at = i.value();
        if (deny_) {
            v[at].deniers -= v[at].deniers > 0 ? 1 : 0;
        } else {
            v[at].writers -= v[at].writers > 0 ? 1 : 0;
        }
        if (v[at].writers == 0 && v[at].deniers == 0) {
            (void)v.remove(at);
        }
    });
}

} // namespace services::fs
