// expect: KS-FLAGS
// checked-extra: -fstrict-aliasing
namespace svc {
int f() { return 0; }
}
