// expect: KS-CAST
// Newcomer: reinterpret a Pod byte buffer as a struct holding a pointer.
#include <klib/array.h>
namespace svc {
struct Header { unsigned long next; unsigned int len; };
unsigned int len_of(klib::Array<unsigned char, 16>& buf) {
    return reinterpret_cast<Header&>(buf).len;
}
}
