// expect: KS-WEAKEN
// Build gate: code that behaves differently in a framework TU.
namespace svc {
#if defined(KEEL_FRAMEWORK)
constexpr int MODE = 1;
#else
constexpr int MODE = 0;
#endif
int f() { return MODE; }
} // namespace svc
