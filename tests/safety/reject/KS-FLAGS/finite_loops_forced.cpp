// expect: KS-FLAGS
// checked-extra: -ffinite-loops
// Finding 09: -ffinite-loops after the mandatory flags overrides it.
namespace svc {
void spin() {
    for (unsigned i = 1; i != 0; i += 2) {
    }
}
} // namespace svc
