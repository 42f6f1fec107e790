// expect: KS-BORROW
// Optional<int&> stores a reference.
namespace svc {
template <typename T>
struct Holder {
    T value;
};
int get(Holder<int&> h) { return h.value; }
}
