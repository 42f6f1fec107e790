// Accept: views returned by the framework inside Optional (keel::boot_param)
// used as locals and parameters, and a view copied out of a temporary
// Optional<StringView> (it points to the command line, not the temporary).
#include <keel/boot.h>
#include <keel/log.h>
#include <klib/optional.h>
#include <klib/string_view.h>

namespace svc {

void show(klib::Optional<klib::StringView> v) {
    if (v) {
        keel::log_info("value {}", *v);
    }
}

klib::StringView default_root() {
    return "/";
}

void read_params() {
    if (auto p = keel::boot_param("root")) {
        keel::log_info("root={}", *p);
        show(p);
    }
    klib::Optional<klib::StringView> init = keel::boot_param("init");
    show(init);
    klib::StringView root = keel::boot_param("root").value_or(default_root());
    keel::log_info("root (or default) = {}", root);
}

} // namespace svc
