// expect: KS-WEAKEN
// Exploits: attributes on a lambda's call operator were never checked.
namespace svc {
int f(int x) {
    auto l = [] [[clang::no_sanitize("undefined")]] (int y) { return y + 1; };
    return l(x);
}
} // namespace svc
