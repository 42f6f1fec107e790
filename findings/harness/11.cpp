#include <cstdio>
#include <cstdlib>
#include "findings/11-mutation-inside-argument.cpp"
using namespace services::redteam;
int main(int argc, char** argv) {
    int which = argc > 1 ? std::atoi(argv[1]) : 0;
    klib::Vec<E> v;
    (void)v.try_push(E{}); // size 1, capacity 4
    (void)v.try_push(E{});
    (void)v.try_push(E{});
    (void)v.try_push(E{}); // full: the next push reallocates
    if (which == 0) return attack_helper(v);
    if (which == 1) return attack_push(v);
    klib::Vec<int> w;
    (void)w.try_push(5);
    return attack_free(w);
}
