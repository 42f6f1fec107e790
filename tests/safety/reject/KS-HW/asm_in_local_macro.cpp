// expect: KS-HW
// asm hidden in a macro defined in the checked file.
#define CLI() __asm__ __volatile__("cli")
namespace svc {
void off() { CLI(); }
}
