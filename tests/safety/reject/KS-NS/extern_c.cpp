// expect: KS-NS
extern "C" void keel_panic_raw();
namespace svc {
void die() { keel_panic_raw(); }
}
