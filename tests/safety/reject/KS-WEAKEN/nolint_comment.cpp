// expect: KS-WEAKEN
namespace svc {
int f() { return 0; } // NOLINT
}
