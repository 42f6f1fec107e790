// expect: KS-BOUNDS
namespace svc {
int sum() {
    int a[4] = {1, 2, 3, 4};
    int s = 0;
    for (int x : a) s += x;
    return s;
}
}
