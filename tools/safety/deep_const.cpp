// KS-CONST: const is deep in checked code.
//
// Arc<T> hands out only `const T&`; every trusted type gives only const
// access through const (Box, lists, Function<Sig const>...), and the only
// interior mutability is in trusted sync types (SpinLock, Atomic,
// WaitQueue, borrow counters), whose every access is synchronised. A
// `mutable` data member in a checked class would be unsynchronised interior
// mutability: a const method of one Arc clone could free what another clone
// borrows (use-after-free), or two CPUs could write it at once (data race).
// So checked code may not declare `mutable` members at all; shared state
// that changes goes into a SpinLock or an Atomic member.
//
// Kept in its own traversal (one rule, one file) so it stays independent of
// the other AST rules in ast.cpp.
#include "checker.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/RecursiveASTVisitor.h"

using namespace clang;

namespace keel_safety {
namespace {

class DeepConstVisitor : public RecursiveASTVisitor<DeepConstVisitor> {
public:
    explicit DeepConstVisitor(Checker& c) : c_(c) {}

    // Declarations in template patterns are reported once, on the pattern.
    bool shouldVisitTemplateInstantiations() const { return false; }
    bool shouldVisitImplicitCode() const { return false; }

    bool VisitFieldDecl(FieldDecl* d) {
        if (d->isImplicit() || !d->isMutable() || !c_.checked(d->getLocation()))
            return true;
        c_.report(d->getLocation(), "KS-CONST",
                  "'mutable' member '" + d->getName() +
                      "': const is deep in checked code (a const method of one Arc clone "
                      "could change what another clone borrows); put shared mutable state "
                      "in a SpinLock or an Atomic member");
        return true;
    }

private:
    Checker& c_;
};

} // namespace

void check_deep_const(Checker& c, ASTContext& ctx) {
    DeepConstVisitor v(c);
    v.TraverseDecl(ctx.getTranslationUnitDecl());
}

} // namespace keel_safety
