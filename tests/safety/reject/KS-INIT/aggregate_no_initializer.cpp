// expect: KS-INIT
// An implicit default constructor default-initialises scalar fields: a
// reused Vec slot or a temporary then holds whatever was there before.
namespace svc {
struct Entry {
    unsigned long key;
    bool used;
};
bool f() { return Entry().used; }
} // namespace svc
