// expect: KS-FLAGS
// checked-extra: -Wno-error=unsafe-buffer-usage
namespace svc {
int f() { return 0; }
}
