// expect: KS-HW
#include <klib/box.h>
namespace svc {
bool have(klib::Box<volatile int>& b) { return b ? true : false; }
}
