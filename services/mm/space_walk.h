// Reaching every live address space from mm (truncation unmaps the pages
// past a file's new end in all of them, as Linux's unmap_mapping_range).
// mm does not know processes: the process subsystem installs a walker at
// boot. Until one is installed (early boot, tests), no space is visited.
//
// Lock order for truncation: the page cache's lock is released first; the
// walker may take its registry's lock only to collect the spaces (Arc
// copies) and must release it before unmap_object_from takes each space's
// lock (then the VmSpace's).
#pragma once

#include "address_space.h"
#include <klib/arc.h>
#include <klib/function.h>

namespace services::mm {

class SpaceWalker {
public:
    virtual ~SpaceWalker() = default;
    // Calls `f` with each live address space (a space may come twice).
    // Called with no mm lock held; `f` takes the space's lock.
    virtual void for_each_space(klib::FunctionRef<void(const AddressSpace&)> f) const = 0;
};

// Installs the walker (once, at boot; a later call replaces it).
void set_space_walker(klib::Arc<SpaceWalker> walker);

// Unmaps the pages of object `object_id` at or past `size` (rounded up to
// a page) from every space the walker visits.
void unmap_truncated(u64 object_id, u64 size);

} // namespace services::mm
