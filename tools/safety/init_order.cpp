// KS-INIT, initialisation order (finding 06).
//
// Members are constructed in declaration order, after the bases. While one
// member's initialiser runs (its default member initialiser, or its entry in
// a constructor's mem-initialiser list), every member declared at or after
// it is still raw storage: `Box<int> a = move(b);` with `b` declared later
// takes an uninitialised pointer, and ~S later frees it. Refused by default:
// inside a member or base initialiser, `this` may be used only to read a
// field declared strictly before the member being initialised (or a field
// of a base class). Calling a member function, passing `*this` or `this`
// anywhere, or capturing `this` in a closure could reach a later member,
// so they are refused too.
//
// Kept in its own traversal (one rule, one file) so it stays independent of
// the other AST rules in ast.cpp.
#include "checker.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace clang;

namespace keel_safety {
namespace {

class InitOrderVisitor : public RecursiveASTVisitor<InitOrderVisitor> {
public:
    explicit InitOrderVisitor(Checker& c) : c_(c) {}

    bool shouldVisitTemplateInstantiations() const { return false; }
    bool shouldVisitImplicitCode() const { return false; }

    bool VisitFieldDecl(FieldDecl* d) {
        if (d->isImplicit() || !d->hasInClassInitializer() || !c_.checked(d->getLocation()))
            return true;
        const auto* rd = dyn_cast<CXXRecordDecl>(d->getParent());
        if (rd && !rd->isLambda())
            check(d->getInClassInitializer(), rd, d, ("the initialiser of '" + d->getName() + "'").str());
        return true;
    }

    bool VisitCXXConstructorDecl(CXXConstructorDecl* ctor) {
        if (!c_.checked(ctor->getLocation()))
            return true;
        const CXXRecordDecl* rd = ctor->getParent();
        for (const CXXCtorInitializer* init : ctor->inits()) {
            if (!init->isWritten() || !init->getInit())
                continue;
            if (const FieldDecl* f = init->getAnyMember())
                check(init->getInit(), rd, f, ("the mem-initialiser of '" + f->getName() + "'").str());
            else if (init->isBaseInitializer())
                check(init->getInit(), rd, nullptr, "a base initialiser",
                      built_before(rd, init));
            // Delegating constructors: the target constructor runs first.
        }
        return true;
    }

private:
    // The classes whose members are constructed before the base that
    // `init` initialises: the direct non-virtual bases declared before it
    // and all of their own bases. (Virtual bases are built first, but
    // whether a member is reached through one is not worth the subtlety:
    // reading them from a base initialiser is refused too.)
    static llvm::SmallPtrSet<const CXXRecordDecl*, 8> built_before(const CXXRecordDecl* rd,
                                                                    const CXXCtorInitializer* init) {
        llvm::SmallPtrSet<const CXXRecordDecl*, 8> out;
        const Type* target = init->getBaseClass();
        if (init->isBaseVirtual() || !target)
            return out;
        const CXXRecordDecl* trd = target->getAsCXXRecordDecl();
        for (const CXXBaseSpecifier& b : rd->bases()) {
            const CXXRecordDecl* brd = b.getType()->getAsCXXRecordDecl();
            if (!brd || brd->getCanonicalDecl() == (trd ? trd->getCanonicalDecl() : nullptr))
                break; // this base and the ones after it are not built yet
            if (b.isVirtual())
                continue;
            llvm::SmallVector<const CXXRecordDecl*, 8> work{brd};
            while (!work.empty()) {
                const CXXRecordDecl* r = work.pop_back_val();
                if (!r || !r->hasDefinition() || !out.insert(r->getCanonicalDecl()).second)
                    continue;
                for (const CXXBaseSpecifier& bb : r->bases())
                    if (!bb.isVirtual())
                        work.push_back(bb.getType()->getAsCXXRecordDecl());
            }
        }
        return out;
    }

    // `field` == nullptr: a base initialiser; only members of the bases in
    // `built` (constructed before this base) may be read.
    void check(const Expr* e, const CXXRecordDecl* rd, const FieldDecl* field,
               const std::string& where,
               const llvm::SmallPtrSet<const CXXRecordDecl*, 8>& built = {}) {
        llvm::SmallVector<const Stmt*, 64> work{e};
        while (!work.empty()) {
            const Stmt* s = work.pop_back_val();
            if (!s)
                continue;
            if (const auto* me = dyn_cast<MemberExpr>(s);
                me && isa<CXXThisExpr>(me->getBase()->IgnoreParenImpCasts())) {
                const auto* f = dyn_cast<FieldDecl>(me->getMemberDecl());
                bool ok = false;
                if (f && f->getParent() != rd && field)
                    ok = true; // a base class's member: bases are built before members
                else if (f && !field && f->getParent() != rd &&
                         built.count(cast<CXXRecordDecl>(f->getParent())->getCanonicalDecl()))
                    ok = true; // a member of a base constructed before this one
                else if (f && field && f->getParent() == field->getParent() &&
                         f->getFieldIndex() < field->getFieldIndex())
                    ok = true;
                if (!ok) {
                    c_.report(me->getExprLoc(), "KS-INIT",
                              "'" + me->getMemberDecl()->getName() + "' used in " + where +
                                  (f && !field
                                       ? ": the base holding it is not constructed yet (bases "
                                         "are built in declaration order)"
                                   : f ? ": it is declared later, so it is not constructed yet"
                                       : ": a member function may read members that are not "
                                         "constructed yet") +
                                  " (members are initialised in declaration order)");
                    return;
                }
                continue; // the `this` base is fine
            }
            if (isa<CXXThisExpr>(s)) {
                c_.report(s->getBeginLoc(), "KS-INIT",
                          "'this' used in " + where +
                              " other than to read an earlier member: members declared later "
                              "are not constructed yet");
                return;
            }
            if (const auto* le = dyn_cast<LambdaExpr>(s)) {
                for (const LambdaCapture& cap : le->captures())
                    if (cap.capturesThis()) {
                        c_.report(cap.getLocation(), "KS-INIT",
                                  "closure capturing 'this' in " + where +
                                      ": members declared later are not constructed yet");
                        return;
                    }
                continue;
            }
            for (const Stmt* ch : s->children())
                work.push_back(ch);
        }
    }

    Checker& c_;
};

} // namespace

void check_init_order(Checker& c, ASTContext& ctx) {
    InitOrderVisitor v(c);
    v.TraverseDecl(ctx.getTranslationUnitDecl());
}

} // namespace keel_safety
