// expect: KS-POLY
// Virtual functions and no destructor declared at all: the implicit one is
// not virtual.
namespace svc {
class Device {
public:
    virtual int major() const { return 1; }
};
int use(const Device& d) { return d.major(); }
}
