// expect: KS-GLOBAL
// Exploits: constexpr globals were exempt, but a mutable member of a
// constexpr object is writable shared state (data race across CPUs).
namespace svc {
struct Counter {
    mutable int n = 0;
};
constexpr Counter g_counter{};
int bump() {
    return ++g_counter.n;
}
} // namespace svc
