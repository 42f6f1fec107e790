// expect: KS-UNION
namespace svc {
struct Value {
    int tag = 0;
    union { int i; long l; };
};
int get(Value& v) { return v.i; }
}
