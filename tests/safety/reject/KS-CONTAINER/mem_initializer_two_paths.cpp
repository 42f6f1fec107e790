// expect: KS-CONTAINER
// Class 4 in a constructor's mem-initialiser list.
#include <klib/vec.h>
namespace svc {
int grow_then_read(klib::Vec<int>& v, const int& x) {
    (void)v.try_push(1);
    return x;
}
class Holder {
public:
    explicit Holder(klib::Vec<int>& v) : first_(grow_then_read(v, v[0])) {}
    int first() const { return first_; }

private:
    int first_ = 0;
};
} // namespace svc
