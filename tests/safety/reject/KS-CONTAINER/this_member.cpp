// expect: KS-CONTAINER
// Class 2: a borrow of a member through the implicit 'this'.
#include <klib/vec.h>
namespace svc {
class Table {
public:
    int first_then_grow() {
        while (items_.size() < 4 || items_.size() < items_.capacity())
            (void)items_.try_push(0);
        int& r = items_[0];
        (void)items_.try_push(1);
        return r;
    }

private:
    klib::Vec<int> items_;
};
} // namespace svc
