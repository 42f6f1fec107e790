// expect: KS-CAST
// C-style casts can do anything: refused, even between integers.
namespace svc {
unsigned char low(unsigned int x) { return (unsigned char)x; }
}
