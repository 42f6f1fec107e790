// expect: KS-STACK
namespace svc {
bool f(unsigned long n) { return __builtin_alloca(n) != nullptr; }
}
