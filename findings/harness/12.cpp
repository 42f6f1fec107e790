#include <cstdlib>
#include "findings/12-statement-expression-view.cpp"
int main(int argc, char** argv) {
    if (argc > 1 && std::atoi(argv[1]) == 1) return services::redteam::attack_loop() & 1;
    return services::redteam::attack_call();
}
