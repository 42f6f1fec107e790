// expect: KS-WEAKEN
// Build gate: a block hidden from every checked compile (the plugin defines
// KEEL_SAFETY_PLUGIN_ACTIVE); any unchecked build would compile it.
namespace svc {
#ifndef KEEL_SAFETY_PLUGIN_ACTIVE
int hidden(int x) { return x + 1; }
#endif
int f(int x) { return x; }
} // namespace svc
