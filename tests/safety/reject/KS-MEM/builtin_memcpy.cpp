// expect: KS-MEM
namespace svc {
struct S { long a; long b; };
void copy(S& d, const S& s) { __builtin_memcpy(__builtin_addressof(d), __builtin_addressof(s), sizeof(S)); }
}
