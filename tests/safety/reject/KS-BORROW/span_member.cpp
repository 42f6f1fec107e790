// expect: KS-BORROW
// A view stored in a struct outlives what it borrows.
#include <klib/span.h>
namespace svc {
struct Parser {
    klib::Span<unsigned char> input;
};
unsigned long len(const Parser& p) { return p.input.size(); }
}
