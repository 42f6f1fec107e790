// expect: KS-POLY
// Copying a derived object into a base object: the derived fields are cut
// off (slicing).
namespace svc {
class Inode {
public:
    virtual ~Inode() = default;
    virtual int size() const { return 0; }
};
class Tmp : public Inode {
public:
    int size() const override { return n; }
    int n = 7;
};
int sliced(const Tmp& t) {
    Inode copy = t;
    return copy.size();
}
}
