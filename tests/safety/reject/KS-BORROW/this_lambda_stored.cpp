// expect: KS-BORROW
// [this] lambda stored for later: the object may be gone.
#include <klib/function.h>
#include <klib/result.h>
namespace svc {
struct Device {
    int irq = 0;
    klib::Result<klib::Function<int()>> handler() {
        return klib::Function<int()>::make([this] { return irq; });
    }
};
}
