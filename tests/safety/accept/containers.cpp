// Accept: containers, Result/TRY, range-for, Optional, value members.
#include <klib/optional.h>
#include <klib/result.h>
#include <klib/vec.h>

namespace svc {

struct Extent {
    unsigned long start = 0;
    unsigned long len = 0;
};

class ExtentMap {
public:
    klib::Result<void> add(Extent e) {
        TRY(extents_.try_push(e));
        return {};
    }

    unsigned long total() const {
        unsigned long sum = 0;
        for (const Extent& e : extents_) {
            sum += e.len;
        }
        return sum;
    }

    klib::Optional<Extent> find(unsigned long block) const {
        for (const Extent& e : extents_) {
            if (block >= e.start && block - e.start < e.len) {
                return e;
            }
        }
        return {};
    }

private:
    klib::Vec<Extent> extents_;
};

klib::Result<unsigned long> build_and_sum() {
    ExtentMap m;
    TRY(m.add(Extent{0, 8}));
    TRY(m.add(Extent{16, 4}));
    klib::Optional<Extent> hit = m.find(17);
    if (!hit.has_value()) {
        return klib::Err(klib::Error::NotFound);
    }
    return m.total() + hit.value().len;
}

} // namespace svc
