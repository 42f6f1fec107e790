// expect: KS-FLAGS
// checked-extra: -Wno-error=frame-larger-than
// The frame limit only as a warning: a 16 KiB frame would still build.
#include <klib/array.h>
namespace svc {
unsigned long big() {
    klib::Array<unsigned long, 2048> a{};
    a[5] = 1;
    return a[5];
}
}
