// expect: KS-GLOBAL
// Exploits: same as constexpr_mutable_member, as a function-local static.
namespace svc {
struct Counter {
    mutable int n = 0;
};
int bump() {
    static constexpr Counter c{};
    return ++c.n;
}
} // namespace svc
