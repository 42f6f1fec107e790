// expect: KS-STACK
namespace svc {
bool deep() { return __builtin_frame_address(0) != nullptr; }
}
