#include "findings/08-const-receiver-not-a-path.cpp"
int main() {
    klib::Vec<services::redteam::E> v;
    (void)v.try_push(services::redteam::E{});
    return services::redteam::attack(v) == 7 ? 0 : 1;
}
