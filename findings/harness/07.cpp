#include "findings/07-arc-self-drop-during-method.cpp"
int main() {
    auto a = klib::Arc<services::redteam::Node>::make().value();
    return services::redteam::attack(a) == 7 ? 0 : 1;
}
