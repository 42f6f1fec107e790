#include "findings/06-member-used-before-init.cpp"
int main() { return services::redteam::attack(); }
