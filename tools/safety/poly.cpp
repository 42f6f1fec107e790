// KS-POLY: sound polymorphism in checked code.
//
// klib lets a Box<Derived>/Arc<Derived> become a Box<Base>/Arc<Base> only
// when Base has a virtual destructor (a type-system check in trusted code).
// This file adds the rules the type system cannot express:
//   * a checked class with virtual functions has a virtual destructor (so
//     every base a polymorphic object can be reached through destroys it
//     whole);
//   * polymorphic objects are never copied or moved by value in checked
//     code (copy/move construction or assignment: slicing, and a half-copied
//     object whose vtable says one type and whose fields say another), nor
//     held by value in a trusted class template other than Box/Arc (whose
//     element constructors run in trusted code, out of the plugin's sight);
//   * no virtual call on the object under construction or destruction (it
//     dispatches to the class being built, not the final overrider; a pure
//     one reaches __cxa_pure_virtual).
// Kept apart from ast.cpp so the rule family stays in one place.
#include "checker.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"

using namespace clang;
using namespace llvm;

namespace keel_safety {

namespace {

// True when the record (complete) has a vtable.
bool polymorphic(const CXXRecordDecl* rd) {
    return rd && rd->hasDefinition() && rd->getDefinition()->isPolymorphic();
}

bool polymorphic_type(QualType t) {
    if (t.isNull() || t->isDependentType())
        return false;
    t = t.getCanonicalType();
    if (t->isReferenceType() || t->isPointerType())
        return false;
    return polymorphic(t->getAsCXXRecordDecl());
}

// True when the class's destructor is virtual (declared so, or implicitly
// because a base's is).
bool virtual_destructor(const CXXRecordDecl* rd) {
    rd = rd->getDefinition();
    if (!rd)
        return false;
    if (const CXXDestructorDecl* d = rd->getDestructor())
        if (d->isVirtual())
            return true;
    bool user_declared = false;
    for (const Decl* d : rd->decls())
        if (isa<CXXDestructorDecl>(d) && !d->isImplicit())
            user_declared = true;
    if (user_declared)
        return false;
    for (const CXXBaseSpecifier& b : rd->bases())
        if (const CXXRecordDecl* base = b.getType()->getAsCXXRecordDecl())
            if (virtual_destructor(base))
                return true;
    return false;
}

// Class templates that may hold a polymorphic type: they own it on the heap
// and never copy it.
bool owner_template(const TemplateDecl* td) {
    if (!td)
        return false;
    std::string n = td->getQualifiedNameAsString();
    return n == "klib::Box" || n == "klib::Arc";
}

// True when `e` (ignoring parentheses and implicit casts) is `this`.
bool is_this(const Expr* e) {
    return e && isa<CXXThisExpr>(e->IgnoreParenImpCasts());
}

class PolyVisitor : public RecursiveASTVisitor<PolyVisitor> {
public:
    PolyVisitor(Checker& c) : c_(c) {}

    bool shouldVisitTemplateInstantiations() const { return true; }
    bool shouldVisitImplicitCode() const { return false; }

    bool VisitCXXRecordDecl(CXXRecordDecl* rd) {
        if (!rd->isThisDeclarationADefinition() || rd->isImplicit() || rd->isLambda() ||
            rd->isDependentContext() || !c_.checked(rd->getLocation()))
            return true;
        if (rd->isPolymorphic() && !virtual_destructor(rd))
            c_.report(rd->getLocation(), "KS-POLY",
                      "class '" + rd->getName() +
                          "' has virtual functions but no virtual destructor (destroying it "
                          "through a base would skip the derived part)");
        return true;
    }

    bool VisitCXXConstructExpr(CXXConstructExpr* e) {
        if (!c_.checked(e->getBeginLoc()))
            return true;
        const CXXConstructorDecl* ctor = e->getConstructor();
        if (ctor && (ctor->isCopyOrMoveConstructor()) && polymorphic(ctor->getParent()))
            c_.report(e->getBeginLoc(), "KS-POLY",
                      "copy/move of polymorphic type '" + ctor->getParent()->getName() +
                          "' by value (slicing): keep it in a Box or Arc");
        return true;
    }

    bool VisitCXXOperatorCallExpr(CXXOperatorCallExpr* e) {
        if (!c_.checked(e->getBeginLoc()))
            return true;
        if (const auto* md = dyn_cast_or_null<CXXMethodDecl>(e->getDirectCallee()))
            if ((md->isCopyAssignmentOperator() || md->isMoveAssignmentOperator()) &&
                polymorphic(md->getParent()))
                c_.report(e->getExprLoc(), "KS-POLY",
                          "assignment of polymorphic type '" + md->getParent()->getName() +
                              "' by value (slicing): keep it in a Box or Arc");
        return true;
    }

    bool VisitTypeLoc(TypeLoc tl) {
        auto ts = tl.getAs<TemplateSpecializationTypeLoc>();
        if (!ts || !c_.checked(tl.getBeginLoc()))
            return true;
        const TemplateDecl* td = ts.getTypePtr()->getTemplateName().getAsTemplateDecl();
        // Checked templates are checked where they copy (their
        // instantiations are visited); trusted ones are not.
        if (owner_template(td) || !td || !isa<ClassTemplateDecl>(td) ||
            c_.checked(td->getLocation()))
            return true;
        for (unsigned i = 0; i < ts.getNumArgs(); ++i) {
            const TemplateArgument& a = ts.getArgLoc(i).getArgument();
            if (a.getKind() == TemplateArgument::Type && polymorphic_type(a.getAsType()))
                c_.report(ts.getArgLoc(i).getLocation(), "KS-POLY",
                          "polymorphic type '" + a.getAsType().getAsString() + "' held by value in '" +
                              td->getName() + "' (may slice): use Box or Arc");
        }
        return true;
    }

    bool TraverseCXXConstructorDecl(CXXConstructorDecl* d) {
        ++in_ctor_dtor_;
        bool r = RecursiveASTVisitor::TraverseCXXConstructorDecl(d);
        --in_ctor_dtor_;
        return r;
    }
    bool TraverseCXXDestructorDecl(CXXDestructorDecl* d) {
        ++in_ctor_dtor_;
        bool r = RecursiveASTVisitor::TraverseCXXDestructorDecl(d);
        --in_ctor_dtor_;
        return r;
    }
    // A lambda inside a constructor runs whenever it is called: its `this`
    // calls are still on a possibly unfinished object, so keep counting.

    bool VisitCXXMemberCallExpr(CXXMemberCallExpr* e) {
        if (in_ctor_dtor_ == 0 || !c_.checked(e->getBeginLoc()))
            return true;
        const CXXMethodDecl* md = e->getMethodDecl();
        if (md && md->isVirtual() && is_this(e->getImplicitObjectArgument()))
            c_.report(e->getExprLoc(), "KS-POLY",
                      "virtual call to '" + md->getNameAsString() +
                          "' on the object under construction or destruction (it does not "
                          "reach the final overrider)");
        return true;
    }

private:
    Checker& c_;
    unsigned in_ctor_dtor_ = 0;
};

} // namespace

void check_polymorphism(Checker& c, ASTContext& ctx) {
    PolyVisitor v(c);
    v.TraverseDecl(ctx.getTranslationUnitDecl());
}

} // namespace keel_safety
