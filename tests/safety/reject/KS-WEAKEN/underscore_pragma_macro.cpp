// expect: KS-WEAKEN
// _Pragma hidden in a local macro.
#define QUIET _Pragma("clang diagnostic ignored \"-Wunsafe-buffer-usage\"")
QUIET
namespace svc {
int f() { return 0; }
}
