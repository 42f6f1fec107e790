// expect: KS-CONTAINER
// A KTEST body is checked code although its function name is pasted by the
// trusted KTEST macro: the borrow scan runs on it.
#include <keel/ktest.h>
#include <klib/vec.h>
namespace svc {
struct Bag {
    klib::Vec<i32> items;
    void add(i32 x) { (void)items.try_push(x); }
};
KTEST(bag_grows_while_iterated) {
    Bag bag;
    bag.add(1);
    for (i32 x : bag.items)
        bag.add(x);
}
} // namespace svc
