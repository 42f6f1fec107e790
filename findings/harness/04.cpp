#include "findings/04-arrow-method-call-not-a-mutation.cpp"
int main() {
    auto b = klib::Box<services::redteam::Node>::make().value();
    (void)b->v.try_push(1);
    return services::redteam::attack(b) == 42 ? 0 : 1;
}
