// expect: KS-PTR
// A pointer inside a function type given to klib::Function.
#include <klib/function.h>
namespace svc {
int run(klib::Function<int(int*)>& f) { return f(nullptr); }
}
