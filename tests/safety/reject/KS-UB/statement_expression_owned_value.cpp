// expect: KS-UB
// Issue 11: statement expressions are refused in checked code whatever
// they yield (an owned int here): only the trusted TRY/TRY_SYS/MUST macros
// expand to one, in a fixed shape.
namespace svc {
int f(int a) {
    int x = ({
        int y = a * 2;
        y + 1;
    });
    return x;
}
} // namespace svc
