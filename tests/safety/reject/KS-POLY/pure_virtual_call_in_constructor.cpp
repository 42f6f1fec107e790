// expect: KS-POLY
// Calling a pure virtual function (through a non-virtual helper in the
// class) in a constructor reaches __cxa_pure_virtual; the direct virtual
// call is what is refused.
namespace svc {
class Base {
public:
    Base() { init(); }
    virtual ~Base() = default;
    virtual void setup() = 0;
    void init() { setup(); }
};
class Bad : public Base {
public:
    Bad() { setup(); }
    void setup() override {}
};
}
