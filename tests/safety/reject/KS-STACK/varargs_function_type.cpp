// expect: KS-STACK
namespace svc {
template <typename Sig>
struct Callback {
    int id = 0;
};
int use(Callback<int(int, ...)>& c) { return c.id; }
}
