// expect: KS-POLY
// An interface with virtual functions but a non-virtual destructor: an
// object destroyed through it would lose its derived part.
namespace svc {
class File {
public:
    virtual int read() const = 0;
    ~File() = default;
};
class Null : public File {
public:
    int read() const override { return 0; }
};
int use(const File& f) { return f.read(); }
}
