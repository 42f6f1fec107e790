// expect: KS-PTR
// Box<Inode*>: a raw pointer as a template argument.
#include <klib/box.h>
namespace svc {
struct Inode { int ino = 0; };
int count(klib::Box<Inode*>& b) { return b ? 1 : 0; }
}
