// expect: KS-NS
namespace svc {
extern const int kernel_end;
int end() { return kernel_end; }
}
