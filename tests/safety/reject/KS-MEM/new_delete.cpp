// expect: KS-MEM
namespace svc {
struct Node { int v = 0; };
int make() {
    Node n{};
    return n.v;
}
void leak() { delete new Node; }
}
