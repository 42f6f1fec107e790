// expect: KS-WEAKEN
namespace svc {
__attribute__((no_thread_safety_analysis)) int f() { return 0; }
}
