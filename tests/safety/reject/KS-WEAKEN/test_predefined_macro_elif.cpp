// expect: KS-WEAKEN
// Build gate: compiler predefines (sanitizer/optimisation state) may not
// select checked code either.
namespace svc {
#if 0
#elif defined(__OPTIMIZE__)
int f() { return 1; }
#endif
} // namespace svc
