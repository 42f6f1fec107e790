// expect: KS-WEAKEN
// Exploits: a GNU attribute after the lambda's parameter list applies to the
// call operator and switched off the overflow trap.
namespace svc {
int f(int x) {
    auto l = [](int y) __attribute__((no_sanitize("signed-integer-overflow"))) { return y + 1; };
    return l(x);
}
} // namespace svc
