// The name cache (Linux's dcache, reduced): what looking up a name in a
// directory gave last time, so that a path walk repeats no file-system
// lookup, no mount-table search and no allocation for a name it has seen.
//
// Entries are keyed by the directory's PathNode (the walk's `cur`, compared
// by identity; the entry holds a reference to it, so the key cannot be
// reused while the entry lives) and the name. A positive entry holds the
// PathNode the step produced (after crossing mounts on it); a negative one
// records ENOENT. Only mounts whose file system allows it are cached
// (Mount::cache_names: the file system calls names_changed() on every
// change of a name).
//
// Invalidation is global and conservative: names_changed() (any create,
// link, symlink, unlink, rmdir or rename in a caching file system, any
// mount or umount) drops every entry and starts a new generation. A lookup
// that missed reads the generation before asking the file system and its
// result is remembered only if no change happened meanwhile, so a walk
// racing with a change on another CPU never caches what was true before it.
// Bounded: a fixed table, a new entry replaces the one in its slot.
#pragma once

#include "path.h"

namespace services::fs::dcache {

struct Probe {
    bool hit = false;
    klib::Optional<klib::Arc<PathNode>> node; // none on a negative hit (ENOENT)
    u64 generation = 0;                       // for remember() after a miss
};

// The cached result of looking `name` up in `dir`.
Probe find(const klib::Arc<PathNode>& dir, klib::StringView name);
// Records the result of a lookup that started at `generation` (dropped if
// names changed since, or if the name is too long to keep).
void remember(u64 generation, const klib::Arc<PathNode>& dir, klib::StringView name,
              klib::Optional<klib::Arc<PathNode>> node);
// A name changed somewhere: every entry goes.
void names_changed();
// Number of live entries (tests).
usize size();

} // namespace services::fs::dcache
