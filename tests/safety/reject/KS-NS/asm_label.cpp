// expect: KS-NS
// Binding a declaration to an arbitrary framework symbol.
namespace svc {
int raw() asm("_ZN4keel6detail15preempt_disableEv");
int f() { return raw(); }
}
