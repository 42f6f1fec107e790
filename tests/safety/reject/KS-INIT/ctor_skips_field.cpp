// expect: KS-INIT
// A user-written constructor that leaves a scalar field indeterminate.
namespace svc {
class Counter {
public:
    Counter() : hits_(0) {}
    int total() const { return hits_ + misses_; }

private:
    int hits_;
    int misses_;
};
int f() { return Counter().total(); }
} // namespace svc
