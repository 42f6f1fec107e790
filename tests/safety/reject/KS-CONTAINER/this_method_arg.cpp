// expect: KS-CONTAINER
// Class 4: a mutating method of *this called with a reference into *this.
#include <klib/vec.h>
namespace svc {
class Table {
public:
    void add_copy(const int& x) { (void)items_.try_push(x); }
    void dup_first() { add_copy(items_[0]); }

private:
    klib::Vec<int> items_;
};
} // namespace svc
