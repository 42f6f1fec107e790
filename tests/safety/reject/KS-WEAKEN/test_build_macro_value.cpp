// expect: KS-WEAKEN
// Build gate: testing the value of a command-line macro in #if.
namespace svc {
#if KEEL_SERVICE
int f() { return 1; }
#endif
} // namespace svc
