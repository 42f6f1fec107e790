// expect: KS-FLAGS
// checked-extra: -Wno-frame-larger-than
namespace svc {
int f() { return 0; }
}
