// expect: KS-GLOBAL
namespace svc {
thread_local int depth = 0;
int enter() { return ++depth; }
}
