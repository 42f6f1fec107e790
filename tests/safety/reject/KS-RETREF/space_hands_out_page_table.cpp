// expect: KS-RETREF
// An address space that handed out its page tables by reference would let
// a caller keep (and run user code in) them after the space is gone;
// services/mm/address_space.h enters user mode through a method instead.
#include <keel/mm/vm_space.h>
namespace svc {
class Space {
public:
    const keel::VmSpace& page_table() const { return pt_; }

private:
    keel::VmSpace pt_;
};
} // namespace svc
