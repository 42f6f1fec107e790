// expect: KS-WEAKEN
// Redefining a keyword to open up framework classes.
#define private public
#include <klib/vec.h>
namespace svc {
unsigned long cap(klib::Vec<int>& v) { return v.size(); }
}
