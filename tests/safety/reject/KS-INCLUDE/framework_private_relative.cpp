// expect: KS-INCLUDE
// A relative include of a framework-private header.
#include "../../../../framework/mm/heap.h"
namespace svc {
int f() { return 0; }
}
