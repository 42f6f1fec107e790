// expect: KS-FLAGS
// checked-drop: -fno-finite-loops
// checked-extra: -std=c++23
// Finding 09: C++ mode alone makes loops mustprogress.
namespace svc {
int g(unsigned k) {
    while (k != 0)
        k += 2;
    return static_cast<int>(k);
}
} // namespace svc
