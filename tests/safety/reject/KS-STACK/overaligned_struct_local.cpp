// expect: KS-STACK
// Red-team pass 4, finding R4-05: an over-aligned local makes the function
// realign the stack (`and $-32768, %rsp; sub $65536, %rsp` in the emitted
// code, no probe), so its first store can land up to 96 KiB below the
// caller's frame, past the single 4 KiB guard page and into the stack
// allocated below it; -Wframe-larger-than does not count the realignment
// and -fstack-clash-protection does not probe it.
namespace svc {
struct alignas(32768) Big {
    unsigned long x = 0;
};
void sink(Big& b);
int f(int v) {
    Big b;
    b.x = static_cast<unsigned long>(v);
    sink(b);
    return static_cast<int>(b.x);
}
} // namespace svc
