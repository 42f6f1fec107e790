#include "space_walk.h"

#include <keel/sync/spinlock.h>
#include <klib/optional.h>

namespace services::mm {

namespace {

keel::SpinLock<klib::Optional<klib::Arc<SpaceWalker>>> g_walker;

} // namespace

void set_space_walker(klib::Arc<SpaceWalker> walker) {
    g_walker.with([&](klib::Optional<klib::Arc<SpaceWalker>>& w) { w = klib::move(walker); });
}

void unmap_truncated(u64 object_id, u64 size) {
    auto walker = g_walker.with([](klib::Optional<klib::Arc<SpaceWalker>>& w) -> klib::Optional<klib::Arc<SpaceWalker>> {
        if (!w.has_value()) {
            return klib::none;
        }
        return w.value().clone();
    });
    if (!walker.has_value()) {
        return;
    }
    walker.value()->for_each_space([&](const AddressSpace& space) { space.unmap_object_from(object_id, size); });
}

} // namespace services::mm
