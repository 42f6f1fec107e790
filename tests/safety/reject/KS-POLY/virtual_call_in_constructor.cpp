// expect: KS-POLY
// A virtual call in a constructor dispatches to the class under
// construction, never to the derived override.
namespace svc {
class Fs {
public:
    Fs() { magic_ = magic(); }
    virtual ~Fs() = default;
    virtual int magic() const { return 0; }
    int stored() const { return magic_; }

private:
    int magic_ = 0;
};
class Tmpfs : public Fs {
public:
    int magic() const override { return 0x01021994; }
};
int m() { Tmpfs t; return t.stored(); }
}
