// expect: KS-PTR
// Pointer hidden in a trusted container of pointers, declared via auto.
#include <klib/vec.h>
namespace svc {
using Table = klib::Vec<const char*>;
unsigned long size(const Table& t) { return t.size(); }
}
