// expect: KS-MEM
// Calling the allocation function directly.
#include <klib/new.h>
namespace svc {
bool grab() { return ::operator new(8ul, nullptr) != nullptr; }
}
