// expect: KS-POLY
// Assigning a derived object to a base object (slicing).
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
void assign(Inode& dst, const Tmp& src) {
    dst = src;
}
}
