// expect: KS-FLAGS
// checked-extra: -fno-sanitize=signed-integer-overflow
namespace svc {
int add(int a, int b) { return a + b; }
}
