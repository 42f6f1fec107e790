// expect: KS-FLAGS
// checked-drop: -fno-finite-loops
// Finding 09: without -fno-finite-loops a side-effect-free infinite loop
// may be deleted (mustprogress) and execution falls through.
namespace svc {
void halt_forever() {
    unsigned i = 1;
    while (i != 0)
        i += 2;
}
} // namespace svc
