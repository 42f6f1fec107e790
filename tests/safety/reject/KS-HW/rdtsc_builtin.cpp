// expect: KS-HW
namespace svc {
unsigned long long now() { return __builtin_ia32_rdtsc(); }
}
