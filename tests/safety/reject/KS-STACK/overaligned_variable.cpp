// expect: KS-STACK
// Finding R4-05: the same with alignas on the variable itself.
namespace svc {
void sink(unsigned long& x);
int f(int v) {
    alignas(8192) unsigned long x = static_cast<unsigned long>(v);
    sink(x);
    return static_cast<int>(x);
}
} // namespace svc
