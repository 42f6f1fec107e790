// expect: KS-FLAGS
// checked-extra: -fno-sanitize-trap=all
namespace svc {
int f() { return 0; }
}
