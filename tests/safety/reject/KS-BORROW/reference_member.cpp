// expect: KS-BORROW
namespace svc {
struct Holder {
    int& target;
};
int get(Holder h) { return h.target; }
}
