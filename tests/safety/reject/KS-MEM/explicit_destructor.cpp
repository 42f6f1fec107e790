// expect: KS-MEM
// Destroying an object twice.
#include <klib/string.h>
namespace svc {
void kill(klib::String& s) { s.~String(); }
}
