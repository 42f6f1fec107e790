// expect: KS-ADDR
namespace svc {
bool is_same(int& a) {
    int b = 0;
    return &a == &b;
}
}
