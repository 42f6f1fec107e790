// expect: KS-WEAKEN
// Build gate: hiding the test behind a macro of one's own.
#define SVC_CHECKED KEEL_SAFETY_PLUGIN_ACTIVE
namespace svc {
#if SVC_CHECKED
int f() { return 1; }
#endif
} // namespace svc
