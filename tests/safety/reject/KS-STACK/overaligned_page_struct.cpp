// expect: KS-STACK
// Finding R4-05: a page-aligned struct (as a driver might write for a
// descriptor page) used as a by-value parameter: the callee's frame is
// realigned without probing.
namespace svc {
struct alignas(4096) Page {
    unsigned char first = 0;
};
inline int first(Page p) { return p.first; }
} // namespace svc
