#include <cstdio>
#include "findings/10-vector-shift-unchecked.cpp"
int main(int argc, char**) {
    int n = 31 + 9 * argc; // 40, not a constant
    std::printf("vector_shift(1, %d) = %d  (no UBSan report)\n", n, services::redteam::vector_shift(1, n));
    std::fflush(stdout);
    std::printf("scalar_shift(1, %d) = %d\n", n, services::redteam::scalar_shift(1, n));
    return 0;
}
