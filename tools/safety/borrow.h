// KS-CONTAINER: the static borrow scan (docs/safety-profile.md).
//
// For every function body in checked code: each local reference or view
// (wherever it is declared: block, if/switch/for/while init or condition,
// range-for, case label) gets the set of *places* it borrows from, found
// by following its initialiser through fields, accessors, casts, ?:, the
// comma operator, move/forward and (lifetime elision) function arguments.
// A place is a root (local variable, parameter, global or `this`) plus a
// path of field steps and indirections into owned storage. A borrow whose
// places cannot be determined is refused (default-deny). While the borrow
// is live (to its last use for trivially destructible borrows that no
// lambda captures, NLL-style; to the end of its scope otherwise), a
// mutation that can free storage it points into is refused. In one call,
// two arguments that reach the same place where one may mutate it are
// refused too (`f(v, v[0])`).
#pragma once

#include "checker.h"
#include "types.h"

#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/StmtCXX.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallVector.h"

namespace keel_safety {

// What peel_wrappers looks through besides parentheses, temporaries
// (materialisation, binding) and one-argument constructions; the three
// callers differ, and a wider set would accept more programs.
enum PeelFlag : unsigned {
    PEEL_ALL_CASTS = 1u << 0,       // any cast (else implicit casts only)
    PEEL_FUNCTIONAL_CAST = 1u << 1, // T(x) spelled in the source
    PEEL_CLEANUPS_ONLY = 1u << 2,   // ExprWithCleanups (else any FullExpr)
};
// The expression inside those wrappers (at most 16 of them), or nullptr
// when there are more.
const clang::Expr* peel_wrappers(const clang::Expr* e, unsigned flags);

class BorrowScan {
public:
    BorrowScan(Checker& c, TypeRules& types, clang::ASTContext& ctx,
               llvm::DenseSet<const clang::LambdaExpr*>& lambdas_ok)
        : c_(c), types_(types), ctx_(ctx), lambdas_ok_(lambdas_ok) {}

    // Runs every KS-CONTAINER check on one function body (lambdas inside
    // it included). Also blesses borrowing lambdas stored in a local that
    // is only ever called in its scope (inserted into `lambdas_ok`).
    void scan_body(const clang::Stmt* body);

    // Precision (lifetime elision): a function returning a view whose every
    // return value borrows only from its by-value view parameters (or from
    // string literals). Callers track the result as borrowing from the
    // arguments.
    bool returns_subview_of_params(const clang::FunctionDecl* fd);

    // A view variable whose initialiser is a string literal: assigning
    // another string literal to it keeps it pointing to static storage.
    static bool literal_view(const clang::Expr* e);

private:
    // One step of a path: a field, or an indirection into storage the
    // object owns or designates (element, pointee, contents).
    struct Step {
        const clang::FieldDecl* field = nullptr; // nullptr: indirection
        bool operator==(const Step& o) const { return field == o.field; }
    };
    struct Place {
        const void* root = nullptr; // VarDecl/ParmVarDecl/BindingDecl, or &kThis
        llvm::SmallVector<Step, 4> steps;
        // Local borrow variables this place was reached through (expand):
        // a write through a borrow never invalidates that borrow itself.
        llvm::SmallVector<const void*, 2> via;
    };
    using Places = llvm::SmallVector<Place, 4>;

    // The places `e` designates or borrows from. `deep`: for a borrow
    // (unknown accessors add an indirection: more conflicts); otherwise for
    // a write target (unknown accessors may return the object itself: no
    // indirection, so the write covers more). False: cannot be determined.
    bool resolve(const clang::Expr* e, Places& out, bool deep, int depth = 0);
    int resolve_arrow(const clang::Expr* e, Places& out, bool deep, int depth);
    bool resolve_args(const clang::FunctionDecl* fd, llvm::ArrayRef<const clang::Expr*> args,
                      unsigned offset, Places& out, bool deep, int depth);
    // Expands places rooted at local references/views by what those are
    // bound to (transitively).
    void expand(Places& ps, bool deep);
    // A write target: expanded and cut after its first indirection.
    void write_places(const clang::Expr* target, Places& out);

    static bool overlaps(const Place& a, const Place& b);
    static bool write_frees(const Place& w, const Place& b);
    std::string describe(const Place& p);

    // Mutations inside `s` (whole subtree) as (expression, written places).
    struct Write {
        const clang::Expr* at;
        Places places;
    };
    void collect_writes(const clang::Stmt* s, llvm::SmallVectorImpl<Write>& out);
    void writes_of(const clang::Stmt* s, llvm::SmallVectorImpl<Write>& out);
    bool mutating_method(const clang::CXXMethodDecl* md);

    struct Arg {
        const clang::Expr* at;
        Places places;
        bool write;
        bool nested = false; // writes made while evaluating the argument
        bool held_only = false; // storage used while a by-value argument is computed
    };
    void held_in(const clang::Expr* e, Places& out);
    void closure_roles(const clang::LambdaExpr* le, const clang::Expr* at,
                       llvm::SmallVectorImpl<Arg>& roles);
    void object_role(const clang::CXXMethodDecl* md, const clang::Expr* obj,
                     llvm::SmallVectorImpl<Arg>& roles);
    void check_borrow_var(const clang::VarDecl* v, const clang::DeclStmt* ds);
    void check_region(const clang::VarDecl* v, llvm::StringRef name, clang::SourceLocation decl,
                      const Places& ps, const clang::Stmt* scope, clang::SourceLocation from,
                      clang::SourceLocation end);
    // Writes a closure's body makes to what it captures by reference.
    void closure_writes(const clang::LambdaExpr* le, Places& out);
    // A view that needs no runtime count: copying or indexing it stays at
    // the level of what it designates. Guards (views with a destructor,
    // e.g. Borrowed) are not plain: moving one releases the borrow.
    bool plain_view(clang::QualType t);
    bool owns_nothing(clang::QualType t);
    // A view through which the holder can free or replace owned storage:
    // a Span (or Borrowed, Slice...) of non-const elements that own
    // something, or a FunctionRef whose target may run a non-const call
    // operator (a `mutable` lambda, a Function, a functor with a
    // non-const operator(); unknown targets such as a FunctionRef
    // parameter count as mutable). Passing one is `&mut`, not `&`.
    bool mutable_view(const clang::Expr* e, int depth = 0);
    bool mutable_callable(clang::QualType t);
    bool view_conversion(const clang::FunctionDecl* fd);
    bool mutable_view_arg(const clang::FunctionDecl* fd, const clang::Expr* a);
    bool mutable_view_type(const clang::CXXRecordDecl* rd);
    llvm::DenseMap<const clang::CXXRecordDecl*, int> mutable_memo_; // 0 no, 1 yes, 2 in progress
    void check_call(const clang::Expr* call);
    void check_unsequenced(const clang::BinaryOperator* bo);
    const clang::Stmt* scope_of(const clang::DeclStmt* ds, const clang::VarDecl* v);
    clang::SourceLocation live_end(const clang::VarDecl* v, const clang::Stmt* scope,
                                   clang::SourceLocation from);
    const clang::LambdaExpr* stored_lambda(const clang::VarDecl* v);
    bool only_called(const clang::VarDecl* v, const clang::Stmt* scope);

    bool before(clang::SourceLocation a, clang::SourceLocation b);

    Checker& c_;
    TypeRules& types_;
    [[maybe_unused]] clang::ASTContext& ctx_;
    llvm::DenseSet<const clang::LambdaExpr*>& lambdas_ok_;
    std::unique_ptr<clang::ParentMap> pm_;
    llvm::DenseMap<const clang::VarDecl*, const clang::Expr*> range_inits_;
};

} // namespace keel_safety
