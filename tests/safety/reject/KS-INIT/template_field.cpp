// expect: KS-INIT
// A field whose type is a template parameter may be scalar.
namespace svc {
template <typename T>
class Cell {
public:
    Cell() {}
    T get() const { return value_; }

private:
    T value_;
};
int f() { return Cell<int>().get(); }
} // namespace svc
