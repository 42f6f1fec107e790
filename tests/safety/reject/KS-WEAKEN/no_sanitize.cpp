// expect: KS-WEAKEN
namespace svc {
[[clang::no_sanitize("signed-integer-overflow")]] int add(int a, int b) { return a + b; }
}
