// expect: KS-NS
// Declaring a framework-internal function to call it.
namespace keel::mm {
int alloc_raw_frames(unsigned long n);
}
namespace svc {
int grab() { return keel::mm::alloc_raw_frames(1); }
}
