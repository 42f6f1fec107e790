// expect: KS-WEAKEN
#pragma clang diagnostic ignored "-Wunsafe-buffer-usage"
namespace svc {
int f() { return 0; }
}
