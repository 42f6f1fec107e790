// expect: KS-POLY
// A copy from a base reference slices whatever the object really is.
namespace svc {
class Inode {
public:
    virtual ~Inode() = default;
    virtual int size() const { return 0; }
};
int copy_of(const Inode& i) {
    Inode c(i);
    return c.size();
}
}
