// expect: KS-FLAGS
// checked-extra: -w
namespace svc {
int f() { return 0; }
}
