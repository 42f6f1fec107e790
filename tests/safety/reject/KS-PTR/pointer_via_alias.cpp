// expect: KS-PTR
// A pointer hidden behind a type alias.
namespace svc {
using IntPtr = int*;
int read(IntPtr p) { return p == nullptr ? 0 : 1; }
}
