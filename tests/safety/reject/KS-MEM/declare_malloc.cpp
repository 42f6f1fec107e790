// expect: KS-MEM
// Reaching for malloc under a C++ declaration.
namespace svc {
int malloc(unsigned long n);
int get() { return malloc(16); }
}
