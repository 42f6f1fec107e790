// expect: KS-POLY
// A container holding a polymorphic type by value slices on insertion, in
// trusted code the plugin does not see: only Box and Arc may hold one.
#include <klib/optional.h>
namespace svc {
class Inode {
public:
    virtual ~Inode() = default;
    virtual int size() const { return 0; }
};
class Tmp : public Inode {
public:
    int size() const override { return 3; }
};
int held(const Tmp& t) {
    klib::Optional<Inode> o(t);
    return o.has_value() ? 1 : 0;
}
}
