// expect: KS-UNION
namespace svc {
union Pun { unsigned int u; float f; };
unsigned int bits(float f) { Pun p{}; p.f = f; return p.u; }
}
