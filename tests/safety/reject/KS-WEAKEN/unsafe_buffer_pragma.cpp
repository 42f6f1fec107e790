// expect: KS-WEAKEN
#pragma clang unsafe_buffer_usage begin
namespace svc {
int f() { return 0; }
}
#pragma clang unsafe_buffer_usage end
