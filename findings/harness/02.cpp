#include "findings/02-arrow-receiver-element-ref.cpp"
int main() {
    auto b = klib::Box<services::redteam::Node>::make().value();
    (void)b->v.try_push(1);
    return services::redteam::attack(b) == 42 ? 0 : 1;
}
