// expect: KS-UNSAFE-CALL
#include <klib/box.h>
namespace svc {
struct S { int v = 0; };
klib::Box<S> adopt() { return klib::Box<S>::from_raw(nullptr); }
}
