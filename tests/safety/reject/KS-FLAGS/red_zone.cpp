// expect: KS-FLAGS
// checked-extra: -mred-zone
// With a red zone, leaf functions keep locals below %rsp, where an
// interrupt taken in the kernel pushes its frame.
namespace svc {
int leaf(int a, int b) { return a * b + 1; }
}
