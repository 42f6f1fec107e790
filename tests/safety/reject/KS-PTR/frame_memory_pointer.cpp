// expect: KS-PTR
// Newcomer: keep a raw pointer into a buffer's memory for later.
#include <klib/vec.h>
namespace svc {
struct Cache {
    unsigned char* bytes = nullptr;
};
void remember(Cache& c, klib::Vec<unsigned char>& frame) { c.bytes = frame.unsafe_data(); }
}
