#include "findings/03-arrow-receiver-borrowing-lambda.cpp"
int main() {
    services::redteam::Holder h;
    return services::redteam::attack(h) == 42 ? 0 : 1;
}
