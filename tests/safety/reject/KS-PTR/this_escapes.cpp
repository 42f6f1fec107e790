// expect: KS-PTR
// `this` used as a value, not for member access.
namespace svc {
struct Node {
    int v = 0;
    bool same(const Node& other) const { return this == &other; }
};
}
