// expect: KS-FLAGS
// checked-extra: -ftrivial-auto-var-init=uninitialized
namespace svc {
int f() { return 0; }
}
