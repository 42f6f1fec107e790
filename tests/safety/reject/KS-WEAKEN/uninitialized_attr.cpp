// expect: KS-WEAKEN
namespace svc {
int f() {
    [[clang::uninitialized]] int x;
    x = 1;
    return x;
}
}
