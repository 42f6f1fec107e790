// expect: KS-WEAKEN
// Redefining a trusted check macro.
#include <klib/assert.h>
#undef KLIB_CHECK
#define KLIB_CHECK(...) ((void)0)
namespace svc {
int f() { return 0; }
}
