// expect: KS-UB
// Packed members make references misaligned.
namespace svc {
struct [[gnu::packed]] Wire { char tag; int value; };
int get(const Wire& w) { return w.value; }
}
