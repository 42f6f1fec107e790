// expect: KS-POLY
// Passing a derived object to a by-value base parameter copies the base
// part only.
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
int size_of(Inode i) { return i.size(); }
int call(const Tmp& t) { return size_of(t); }
}
