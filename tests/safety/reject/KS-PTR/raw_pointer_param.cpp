// expect: KS-PTR
// The plain case: a raw pointer parameter.
namespace svc {
int read(const int* p) { return *p; }
}
