// expect: KS-WEAKEN
// Pretending to be a framework file.
#line 1 "/work/main/framework/mm/heap.cpp"
namespace svc {
int f() { return 0; }
}
