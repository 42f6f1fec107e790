// expect: KS-NS
// Specializing a klib trait (e.g. claiming a type is Pod).
namespace klib {
template <typename T> struct Hash;
template <> struct Hash<int> { unsigned long v = 0; };
}
namespace svc {
unsigned long h() { return klib::Hash<int>{}.v; }
}
