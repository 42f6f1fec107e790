#include "dcache.h"

#include <keel/sync/spinlock.h>
#include <klib/array.h>

namespace services::fs::dcache {

namespace {

constexpr usize SLOTS = 128;
constexpr usize MAX_NAME = 40; // longer names are looked up every time

struct Slot {
    klib::Optional<klib::Arc<PathNode>> dir;  // none: empty slot
    klib::Optional<klib::Arc<PathNode>> node; // none: negative entry
    klib::Array<char, MAX_NAME> name{};
    usize len = 0;
};

struct Table {
    u64 generation = 0;
    klib::Array<Slot, SLOTS> slots{};
};

keel::SpinLock<Table> g_table;

// FNV-1a of the name and the directory's own name (entries of /a/x and
// /b/x then rarely share a slot).
usize slot_of(const PathNode& dir, klib::StringView name) {
    u64 h = 0xcbf29ce484222325ull;
    for (char c : name) {
        h = (h ^ u8(c)) * 0x100000001b3ull;
    }
    h = (h ^ 0x2f) * 0x100000001b3ull;
    for (char c : dir.name.view()) {
        h = (h ^ u8(c)) * 0x100000001b3ull;
    }
    return usize((h ^ (h >> 29)) % SLOTS);
}

bool same_name(const Slot& s, klib::StringView name) {
    if (s.len != name.size()) {
        return false;
    }
    for (usize i = 0; i < s.len; ++i) {
        if (s.name[i] != name[i]) {
            return false;
        }
    }
    return true;
}

void clear(Table& t) {
    for (Slot& s : t.slots) {
        s.dir = klib::none;
        s.node = klib::none;
        s.len = 0;
    }
}

} // namespace

Probe find(const klib::Arc<PathNode>& dir, klib::StringView name) {
    const usize i = slot_of(*dir, name);
    return g_table.with([&](Table& t) -> Probe {
        Probe p;
        p.generation = t.generation;
        const Slot& s = t.slots[i];
        if (!s.dir.has_value() || !s.dir.value().ptr_eq(dir) || !same_name(s, name)) {
            return p;
        }
        p.hit = true;
        if (s.node.has_value()) {
            p.node = s.node.value().clone();
        }
        return p;
    });
}

void remember(u64 generation, const klib::Arc<PathNode>& dir, klib::StringView name,
              klib::Optional<klib::Arc<PathNode>> node) {
    if (name.size() > MAX_NAME || !dir->mount->cache_names) {
        return;
    }
    const usize i = slot_of(*dir, name);
    // The entry this one replaces is released after the lock (dropping a
    // PathNode may drop its inode and mount).
    Slot old;
    g_table.with([&](Table& t) {
        if (t.generation != generation) {
            return; // a name changed while the caller looked it up
        }
        Slot& s = t.slots[i];
        old.dir = klib::move(s.dir);
        old.node = klib::move(s.node);
        s.dir = dir.clone();
        s.node = klib::move(node);
        for (usize k = 0; k < name.size(); ++k) {
            s.name[k] = name[k];
        }
        s.len = name.size();
    });
}

void names_changed() {
    g_table.with([](Table& t) {
        ++t.generation;
        clear(t);
    });
}

usize size() {
    return g_table.with([](Table& t) {
        usize n = 0;
        for (const Slot& s : t.slots) {
            n += s.dir.has_value() ? 1 : 0;
        }
        return n;
    });
}

} // namespace services::fs::dcache
