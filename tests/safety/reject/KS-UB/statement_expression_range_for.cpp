// expect: KS-UB
// Finding 12: range-for over a statement expression's view of a dead local.
#include <klib/string.h>
namespace svc {
int attack() {
    int sum = 0;
    for (char c : ({
             klib::String s = klib::String::from("another heap string").value();
             s.view();
         }))
        sum += c;
    return sum;
}
} // namespace svc
