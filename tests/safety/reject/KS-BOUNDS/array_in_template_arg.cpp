// expect: KS-BOUNDS
namespace svc {
template <typename T>
struct Holder {
    unsigned long n = 0;
};
unsigned long rows(Holder<int[4]>& h) { return h.n; }
}
