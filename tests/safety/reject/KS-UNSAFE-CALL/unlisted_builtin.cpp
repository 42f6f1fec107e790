// expect: KS-UNSAFE-CALL
// Builtins not on the allow-list are refused.
namespace svc {
unsigned long size(int& x) { return __builtin_object_size(__builtin_addressof(x), 0) + 0 * __builtin_classify_type(x); }
}
