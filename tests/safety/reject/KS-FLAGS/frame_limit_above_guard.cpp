// expect: KS-FLAGS
// checked-extra: -Wframe-larger-than=65536
// A frame limit above the 4 KiB guard page lets a frame skip it.
#include <klib/array.h>
namespace svc {
unsigned long big() {
    klib::Array<unsigned long, 2048> a{};
    a[5] = 1;
    return a[5];
}
}
