// Precision (issue 11): a lambda capturing by reference may be kept in a
// local when every use of that local is a direct call in its scope (it
// cannot be copied, moved, passed or returned, so it dies before what it
// captures). Calling it counts as the writes its body makes.
namespace svc {
int twice(int x) {
    auto add = [&](int y) { return x + y; };
    return add(x);
}
} // namespace svc
