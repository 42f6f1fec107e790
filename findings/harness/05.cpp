#include "findings/05-arrow-method-in-range-for.cpp"
int main() {
    auto b = klib::Box<services::redteam::Text>::make().value();
    (void)b->s.try_append("abcd");
    return services::redteam::attack(b) > 0 ? 0 : 1;
}
