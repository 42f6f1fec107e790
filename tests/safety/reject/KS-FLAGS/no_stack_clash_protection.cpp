// expect: KS-FLAGS
// checked-drop: -Xclang=-fstack-clash-protection
// Without probing, this 38 KiB frame (a temporary that
// -ftrivial-auto-var-init does not touch) writes its lowest word past the
// 4 KiB guard page, into the stack below (services/selftest/stack_clash_ktest.cpp).
#include <klib/array.h>
namespace svc {
struct Huge {
    explicit Huge(unsigned long v) : first(v) {}
    unsigned long first;
    klib::Array<unsigned long, 4864> rest;
};
unsigned long read_first(const Huge& h) { return h.first; }
unsigned long attack() { return read_first(Huge(1)); }
}
