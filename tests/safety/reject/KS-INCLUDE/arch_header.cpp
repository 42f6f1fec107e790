// expect: KS-INCLUDE
// Architecture headers are framework-private, even through -Iframework/include/..
#include <../arch/x86_64/layout.h>
namespace svc {
int f() { return 0; }
}
