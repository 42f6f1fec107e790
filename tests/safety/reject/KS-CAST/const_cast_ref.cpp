// expect: KS-CAST
namespace svc {
void poke(const int& x) { const_cast<int&>(x) = 1; }
}
