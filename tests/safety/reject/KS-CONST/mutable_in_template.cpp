// expect: KS-CONST
// A memoising wrapper: the template pattern is refused, whatever T is.
#include <klib/optional.h>
namespace svc {
template <typename T>
struct Memo {
    mutable klib::Optional<T> cached;
    T get(T fresh) const {
        if (!cached.has_value()) {
            cached = fresh;
        }
        return cached.value();
    }
};
int use() {
    Memo<int> m;
    return m.get(3);
}
}
