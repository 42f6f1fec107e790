// expect: KS-CAST
// Exploits: the enum-range rule let any enum source through, so a value of
// a wide enum could be cast to an enum without a fixed underlying type.
namespace svc {
enum class Big : unsigned char { A = 0 };
enum Small { S0, S1 };
int f() {
    Big b = static_cast<Big>(200);
    Small s = static_cast<Small>(b); // 200 is outside Small's range: UB
    return s == S0 ? 1 : 2;
}
} // namespace svc
