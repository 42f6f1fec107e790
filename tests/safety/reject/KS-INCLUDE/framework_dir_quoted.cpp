// expect: KS-INCLUDE
#include <keel/../../mm/heap.h>
namespace svc {
int f() { return 0; }
}
