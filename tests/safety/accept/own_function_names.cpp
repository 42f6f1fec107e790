// Accept: a service's own functions may have names that start like C
// library functions (str..., mem..., free...).
#include <klib/result.h>
#include <klib/string.h>

namespace svc {

klib::Result<klib::String> string_of(klib::StringView v) { return klib::String::from(v); }
u64 memory_usage(u64 pages) { return pages * 4096; }
bool free_slot(u64 bitmap) { return bitmap != ~u64(0); }

u64 use() {
    auto s = string_of("x");
    return (s.is_ok() ? 1 : 0) + memory_usage(2) + (free_slot(0) ? 1 : 0);
}

} // namespace svc
