// expect: KS-HW
namespace svc {
void halt() { asm volatile("hlt"); }
}
