// expect: KS-INIT
// A user-written copy constructor that forgets a field.
namespace svc {
struct Range {
    Range(unsigned long b, unsigned long e) : begin(b), end(e) {}
    Range(const Range& o) : begin(o.begin) {}
    unsigned long begin;
    unsigned long end;
};
unsigned long f(const Range& r) { return Range(r).end; }
} // namespace svc
