// expect: KS-MEM
// Placement new into an alignas byte buffer.
#include <klib/new.h>
#include <klib/array.h>
namespace svc {
struct Obj { long v = 7; };
struct Storage { alignas(Obj) klib::Array<unsigned char, sizeof(Obj)> raw; };
void build(Storage& s) { new (s.raw.unsafe_data()) Obj(); }
}
