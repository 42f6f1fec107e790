// expect: KS-STACK
namespace svc {
int count(int n, ...) { return n; }
}
