// Finding 10 (medium-low): clang vector extension types are accepted
// (`ext_vector_type`, element access by swizzle `.x`, which is not a
// subscript), and UBSan's shift-exponent check (KS-UB/KS-FLAGS: "shifts ...
// trap") does not instrument vector shifts. `a << n` with n >= 32 is UB
// (LLVM poison): the service code compiles to a bare `shl`, no trap, and the
// optimiser may assume it never happens. The scalar twin `v << n` traps.
namespace services::redteam {

using V4 = int __attribute__((ext_vector_type(4)));

int vector_shift(int v, int n) {
    V4 a = {v, v, v, v};
    V4 s = a << n; // no shift-exponent check: poison for n >= 32
    return s.x;
}

int scalar_shift(int v, int n) {
    return v << n; // checked: traps for n >= 32
}

} // namespace services::redteam
