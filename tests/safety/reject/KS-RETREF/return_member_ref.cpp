// expect: KS-RETREF
namespace svc {
struct Table {
    int v = 0;
    int& value() { return v; }
};
}
