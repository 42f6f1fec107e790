// expect: KS-GLOBAL
namespace svc {
int counter = 0;
int next() { return ++counter; }
}
