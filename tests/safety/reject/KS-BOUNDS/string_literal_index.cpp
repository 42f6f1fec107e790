// expect: KS-BOUNDS
// Built-in subscript of a literal with an index known only at run time.
namespace svc {
char hex(unsigned int d) { return "0123456789abcdef"[d]; }
}
