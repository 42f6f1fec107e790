// expect: KS-BOUNDS
namespace svc {
struct Buffer { unsigned char bytes[64]; };
unsigned char first(const Buffer& b) { return b.bytes[0]; }
}
