#include "findings/01-arrow-receiver-owner-arg.cpp"
int main() {
    services::redteam::Holder h;
    return services::redteam::attack(h) == 42 ? 0 : 1;
}
