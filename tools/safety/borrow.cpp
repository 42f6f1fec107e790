// KS-CONTAINER: the static borrow scan. See borrow.h and
// docs/safety-profile.md (KS-CONTAINER) for the rules.
#include "borrow.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"

using namespace clang;

namespace keel_safety {

namespace {

char kThis; // root of places reached through `this`

bool name_in(StringRef n, std::initializer_list<const char*> list) {
    for (const char* s : list)
        if (n == s)
            return true;
    return false;
}

bool prefix_in(StringRef n, std::initializer_list<const char*> list) {
    for (const char* s : list)
        if (n.starts_with(s))
            return true;
    return false;
}

bool identity_function(const FunctionDecl* fd) {
    return fd && fd->getIdentifier() &&
           name_in(fd->getName(),
                   {"move", "forward", "as_const", "forward_like", "move_if_noexcept"});
}

// Trusted accessors that return a reference to storage *inside* the object
// (an element, the pointee, the contained value), never the object itself.
bool inner_accessor(const FunctionDecl* fd) {
    if (const auto* md = dyn_cast<CXXMethodDecl>(fd)) {
        switch (md->getOverloadedOperator()) {
        case OO_Subscript:
        case OO_Star:
        case OO_Arrow:
            return true;
        default:
            break;
        }
    }
    return fd->getIdentifier() && name_in(fd->getName(), {"front", "back", "value", "get", "at",
                                                          "first", "last", "span", "borrow",
                                                          "view", "as_span", "begin", "end"});
}

bool mutator_name(StringRef n) {
    return prefix_in(n, {"push",      "pop",      "insert",  "erase",  "remove", "clear",
                         "resize",    "reserve",  "emplace", "append", "extend", "truncate",
                         "shrink",    "swap",     "assign",  "take",   "reset",  "release",
                         "replace",   "retain",   "drain",   "try_",   "set",    "steal",
                         "split_off", "operator="}) ||
           n == "operator+=";
}

// `x.operator->()` (the object expression of `x->m(...)`).
bool is_arrow_call(const Expr* e) {
    const auto* oc = dyn_cast<CXXOperatorCallExpr>(e->IgnoreParenImpCasts());
    return oc && oc->getOperator() == OO_Arrow;
}

const LambdaExpr* strip_to_lambda(const Expr* e) {
    return dyn_cast_or_null<LambdaExpr>(peel_wrappers(e, 0));
}

} // namespace

const Expr* peel_wrappers(const Expr* e, unsigned flags) {
    for (int depth = 0; e && depth < 16; ++depth) {
        e = e->IgnoreParens();
        if (const auto* m = dyn_cast<MaterializeTemporaryExpr>(e))
            e = m->getSubExpr();
        else if (const auto* b = dyn_cast<CXXBindTemporaryExpr>(e))
            e = b->getSubExpr();
        else if (const auto* c = dyn_cast<CastExpr>(e);
                 c && ((flags & PEEL_ALL_CASTS) || isa<ImplicitCastExpr>(c) ||
                       ((flags & PEEL_FUNCTIONAL_CAST) && isa<CXXFunctionalCastExpr>(c))))
            e = c->getSubExpr();
        else if (const auto* f = dyn_cast<FullExpr>(e);
                 f && (!(flags & PEEL_CLEANUPS_ONLY) || isa<ExprWithCleanups>(f)))
            e = f->getSubExpr();
        else if (const auto* ce = dyn_cast<CXXConstructExpr>(e); ce && ce->getNumArgs() == 1)
            e = ce->getArg(0);
        else
            return e;
    }
    return nullptr;
}

bool BorrowScan::literal_view(const Expr* e) {
    return isa_and_nonnull<StringLiteral>(peel_wrappers(e, PEEL_ALL_CASTS));
}

// Neither owns storage nor borrows any: an integer, an enum, a trivially
// destructible struct that is not a view.
bool BorrowScan::owns_nothing(QualType t) {
    t = t.getNonReferenceType();
    if (t->isPointerType()) // `this` as the object of a call
        t = t->getPointeeType();
    if (t->isArithmeticType() || t->isEnumeralType())
        return true;
    if (types_.is_view(t))
        return false;
    const CXXRecordDecl* rd = t->getAsCXXRecordDecl();
    return rd && rd->hasDefinition() && rd->hasTrivialDestructor() && !rd->isLambda();
}

bool BorrowScan::plain_view(QualType t) {
    t = t.getNonReferenceType();
    if (t->isPointerType())
        t = t->getPointeeType();
    if (!types_.is_view(t))
        return false;
    const CXXRecordDecl* rd = t->getAsCXXRecordDecl();
    return !rd || !rd->hasDefinition() || rd->hasTrivialDestructor();
}

namespace {
bool is_function_ref(const CXXRecordDecl* rd) {
    return rd && rd->getIdentifier() && rd->getName() == "FunctionRef";
}
} // namespace

// A callable whose call may change its own state: a non-const operator()
// (a `mutable` lambda, klib::Function<R(A...)>, a checked functor), also
// inherited; unknown types count as mutable. Called through a const object
// only const call operators run.
bool BorrowScan::mutable_callable(QualType t) {
    t = t.getNonReferenceType();
    if (t.isConstQualified())
        return false;
    const CXXRecordDecl* rd = t->getAsCXXRecordDecl();
    if (!rd || !rd->hasDefinition())
        return true;
    bool any = false;
    llvm::SmallVector<const CXXRecordDecl*, 4> work{rd};
    while (!work.empty()) {
        const CXXRecordDecl* r = work.pop_back_val();
        if (!r || !r->hasDefinition())
            return true;
        for (const Decl* d : r->decls()) {
            if (const auto* ft = dyn_cast<FunctionTemplateDecl>(d))
                d = ft->getTemplatedDecl();
            const auto* md = dyn_cast<CXXMethodDecl>(d);
            if (md && md->getOverloadedOperator() == OO_Call) {
                any = true;
                if (!md->isConst())
                    return true;
            }
        }
        for (const CXXBaseSpecifier& b : r->bases())
            work.push_back(b.getType()->getAsCXXRecordDecl());
    }
    return !any;
}

// A view type that lends mutable access to owning storage through const:
// a const member function returning a non-const reference or pointer to
// something that owns storage (Span<Box<T>>::operator[], a lock Guard's
// operator*, Borrowed<String>), or another such view (Borrowed's
// `operator Span<T>`). Views of integers or of const elements are not.
bool BorrowScan::mutable_view_type(const CXXRecordDecl* rd) {
    if (!rd || !rd->hasDefinition())
        return false;
    auto [it, fresh] = mutable_memo_.try_emplace(rd, 2);
    if (!fresh)
        return it->second == 1;
    bool yes = false;
    for (const Decl* d : rd->decls()) {
        const auto* md = dyn_cast<CXXMethodDecl>(d);
        if (!md || !md->isConst() || md->isStatic() || isa<CXXConstructorDecl>(md))
            continue;
        QualType r = md->getReturnType();
        if (r->isUndeducedType()) {
            yes = true;
            break;
        }
        if (r->isLValueReferenceType() || r->isRValueReferenceType() || r->isPointerType()) {
            QualType u = r->getPointeeType();
            // A (even const) reference to a view that lends mutable access
            // (`Optional<Span<Box<T>>>::value() const`).
            if (const CXXRecordDecl* ur = u->getAsCXXRecordDecl();
                ur && ur != rd && types_.is_view(u.getUnqualifiedType()) && mutable_view_type(ur)) {
                yes = true;
                break;
            }
            if (!u.isConstQualified() && !u->isFunctionType() && !owns_nothing(u) &&
                !(u->getAsCXXRecordDecl() == rd)) {
                yes = true;
                break;
            }
        } else if (const CXXRecordDecl* vr = r->getAsCXXRecordDecl();
                   vr && vr != rd && types_.is_view(r) && mutable_view_type(vr)) {
            yes = true;
            break;
        }
    }
    mutable_memo_[rd] = yes ? 1 : 0;
    return yes;
}

bool BorrowScan::mutable_view(const Expr* e, int depth) {
    if (!e)
        return false;
    if (depth > 8)
        return true;
    QualType t = e->getType().getNonReferenceType();
    const CXXRecordDecl* rd = t->getAsCXXRecordDecl();
    if (!rd || !types_.is_view(t))
        return false;
    if (!is_function_ref(rd))
        return mutable_view_type(rd);
    // A FunctionRef: mutable if its target is. Find what it was made from.
    const Expr* x = e;
    for (int k = 0; k < 16 && x; ++k) {
        x = x->IgnoreParenImpCasts();
        if (const auto* m = dyn_cast<MaterializeTemporaryExpr>(x))
            x = m->getSubExpr();
        else if (const auto* b = dyn_cast<CXXBindTemporaryExpr>(x))
            x = b->getSubExpr();
        else if (const auto* f = dyn_cast<FullExpr>(x))
            x = f->getSubExpr();
        else if (const auto* c = dyn_cast<CXXFunctionalCastExpr>(x))
            x = c->getSubExpr();
        else
            break;
    }
    if (!x)
        return true;
    if (const auto* ce = dyn_cast<CXXConstructExpr>(x); ce && ce->getNumArgs() == 1) {
        const Expr* src = ce->getArg(0);
        if (strip_to_lambda(src) && src->isPRValue())
            return false; // a closure made for this call: nobody else reaches its state
        if (types_.is_view(src->getType()))
            return mutable_view(src, depth + 1);
        return mutable_callable(src->getType());
    }
    if (const auto* dr = dyn_cast<DeclRefExpr>(x)) {
        const auto* vd = dyn_cast<VarDecl>(dr->getDecl());
        if (vd && !isa<ParmVarDecl>(vd) && vd->isLocalVarDecl() && !vd->isStaticLocal() &&
            !vd->getType()->isReferenceType() && vd->hasInit() && !vd->isCXXForRangeDecl())
            return mutable_view(vd->getInit(), depth + 1);
    }
    return true; // a parameter or anything else: its target is unknown
}

// A trusted constructor of a view type (Span from Borrowed, FunctionRef
// from FunctionRef): the result is the same borrow, tracked where it goes.
bool BorrowScan::view_conversion(const FunctionDecl* fd) {
    const auto* cd = dyn_cast_or_null<CXXConstructorDecl>(fd);
    return cd && !c_.checked(cd->getLocation()) &&
           types_.is_view(QualType(cd->getParent()->getTypeForDecl(), 0));
}

// An argument that hands the callee a view lending mutable access. Not:
// the trusted conversions between views, trusted comparisons (iterator
// `!=` in a range-for), the hidden iterators of a range-for.
bool BorrowScan::mutable_view_arg(const FunctionDecl* fd, const Expr* a) {
    if (!types_.is_view(a->getType()) || view_conversion(fd))
        return false;
    if (fd && !c_.checked(fd->getLocation()))
        switch (fd->getOverloadedOperator()) {
        case OO_EqualEqual:
        case OO_ExclaimEqual:
        case OO_Less:
        case OO_Greater:
        case OO_LessEqual:
        case OO_GreaterEqual:
        case OO_Spaceship:
            return false;
        default:
            break;
        }
    if (const auto* dr = dyn_cast<DeclRefExpr>(a->IgnoreParenImpCasts()))
        if (dr->getDecl()->isImplicit())
            return false;
    return mutable_view(a);
}

bool BorrowScan::before(SourceLocation a, SourceLocation b) {
    SourceManager& sm = c_.sm();
    return sm.isBeforeInTranslationUnit(sm.getExpansionLoc(a), sm.getExpansionLoc(b));
}

// ---- resolution -----------------------------------------------------------

bool BorrowScan::resolve_args(const FunctionDecl* fd, llvm::ArrayRef<const Expr*> args,
                              unsigned offset, Places& out, bool deep, int depth) {
    for (unsigned i = offset; i < args.size(); ++i) {
        const Expr* a = args[i];
        if (!a || isa<CXXDefaultArgExpr>(a))
            continue;
        QualType at = a->getType();
        bool view = types_.is_view(at);
        if (a->isPRValue() && !view)
            continue; // a value: copied in, nothing borrowed
        Places ps;
        if (!resolve(a, ps, deep, depth + 1))
            return false;
        for (Place& p : ps) {
            // The result may borrow the argument's storage (lifetime elision).
            if (deep && !plain_view(at))
                p.steps.push_back(Step{});
            out.push_back(std::move(p));
        }
    }
    return true;
}

// The pointer `x.operator->()` designates what `*x` designates: the object
// `x` owns or points to, one indirection below `x`. Returns -1 when `e` is
// not such a call, 0 when `x` cannot be resolved, 1 when resolved. Without this, `x->m(...)` would
// be an rvalue pointer that "borrows nothing" and every check would skip it.
int BorrowScan::resolve_arrow(const Expr* e, Places& out, bool deep, int depth) {
    const auto* oc = dyn_cast<CXXOperatorCallExpr>(e->IgnoreParenImpCasts());
    if (!oc || oc->getOperator() != OO_Arrow || oc->getNumArgs() < 1)
        return -1;
    Places base;
    if (!resolve(oc->getArg(0), base, deep, depth + 1))
        return 0;
    bool ind = !plain_view(oc->getArg(0)->getType());
    for (Place& p : base) {
        if (ind)
            p.steps.push_back(Step{});
        out.push_back(std::move(p));
    }
    return 1;
}

bool BorrowScan::resolve(const Expr* e, Places& out, bool deep, int depth) {
    if (!e)
        return true;
    if (depth > 48)
        return false;
    e = e->IgnoreParens();
    if (isa<CXXThisExpr>(e->IgnoreParenImpCasts())) {
        out.push_back(Place{&kThis, {}});
        return true;
    }
    if (const auto* me = dyn_cast<MemberExpr>(e)) {
        const ValueDecl* member = me->getMemberDecl();
        if (const auto* vd = dyn_cast<VarDecl>(member)) { // static data member
            out.push_back(Place{vd, {}});
            return true;
        }
        const auto* fd = dyn_cast<FieldDecl>(member);
        if (!fd)
            return false;
        Places base;
        if (me->isArrow()) {
            const Expr* b = me->getBase()->IgnoreParenImpCasts();
            if (isa<CXXThisExpr>(b)) {
                base.push_back(Place{&kThis, {}});
            } else if (const auto* oc = dyn_cast<CXXOperatorCallExpr>(b);
                       oc && oc->getOperator() == OO_Arrow && oc->getNumArgs() >= 1) {
                if (!resolve(oc->getArg(0), base, deep, depth + 1))
                    return false;
                if (!plain_view(oc->getArg(0)->getType()))
                    for (Place& p : base)
                        p.steps.push_back(Step{});
            } else {
                return false;
            }
        } else if (!resolve(me->getBase(), base, deep, depth + 1)) {
            return false;
        }
        for (Place& p : base) {
            p.steps.push_back(Step{fd});
            out.push_back(std::move(p));
        }
        return true;
    }
    // `x->m` through a trusted `operator->`: exactly `(*x).m` (root cause A).
    if (int r = resolve_arrow(e, out, deep, depth); r >= 0)
        return r == 1;
    QualType t = e->getType();
    if (e->isPRValue() && !t.isNull() && !types_.is_view(t))
        return true; // an owned value (a copy, a number, a temporary)
    if (const auto* ice = dyn_cast<ImplicitCastExpr>(e)) {
        if (ice->getCastKind() == CK_ArrayToPointerDecay)
            return isa<StringLiteral, PredefinedExpr>(ice->getSubExpr()->IgnoreParens());
        return resolve(ice->getSubExpr(), out, deep, depth + 1);
    }
    if (const auto* ce = dyn_cast<ExplicitCastExpr>(e)) // static_cast<T&>, <T&&>, T(x)
        return resolve(ce->getSubExpr(), out, deep, depth + 1);
    if (const auto* fe = dyn_cast<FullExpr>(e))
        return resolve(fe->getSubExpr(), out, deep, depth + 1);
    if (const auto* m = dyn_cast<MaterializeTemporaryExpr>(e))
        return resolve(m->getSubExpr(), out, deep, depth + 1);
    if (const auto* b = dyn_cast<CXXBindTemporaryExpr>(e))
        return resolve(b->getSubExpr(), out, deep, depth + 1);
    if (const auto* o = dyn_cast<OpaqueValueExpr>(e))
        return o->getSourceExpr() && resolve(o->getSourceExpr(), out, deep, depth + 1);
    if (const auto* d = dyn_cast<CXXDefaultArgExpr>(e))
        return resolve(d->getExpr(), out, deep, depth + 1);
    if (const auto* d = dyn_cast<CXXDefaultInitExpr>(e))
        return resolve(d->getExpr(), out, deep, depth + 1);
    if (isa<StringLiteral, PredefinedExpr>(e))
        return true; // static storage
    if (const auto* u = dyn_cast<UnaryOperator>(e)) {
        switch (u->getOpcode()) {
        case UO_Deref:
        case UO_PreInc:
        case UO_PreDec:
        case UO_Extension:
            return resolve(u->getSubExpr(), out, deep, depth + 1);
        default:
            return false;
        }
    }
    if (const auto* bo = dyn_cast<BinaryOperator>(e)) {
        if (bo->getOpcode() == BO_Comma)
            return resolve(bo->getRHS(), out, deep, depth + 1);
        if (bo->isAssignmentOp())
            return resolve(bo->getLHS(), out, deep, depth + 1);
        return false;
    }
    if (const auto* co = dyn_cast<ConditionalOperator>(e))
        return resolve(co->getTrueExpr(), out, deep, depth + 1) &&
               resolve(co->getFalseExpr(), out, deep, depth + 1);
    if (const auto* bco = dyn_cast<BinaryConditionalOperator>(e))
        return resolve(bco->getCommon(), out, deep, depth + 1) &&
               resolve(bco->getFalseExpr(), out, deep, depth + 1);
    if (const auto* dr = dyn_cast<DeclRefExpr>(e)) {
        const ValueDecl* d = dr->getDecl();
        if (const auto* vd = dyn_cast<VarDecl>(d)) {
            out.push_back(Place{vd, {}});
            return true;
        }
        if (const auto* bd = dyn_cast<BindingDecl>(d)) {
            if (const Expr* be = bd->getBinding())
                return resolve(be, out, deep, depth + 1);
            if (const VarDecl* dd = bd->getHoldingVar()) {
                out.push_back(Place{dd, {Step{}}});
                return true;
            }
            return false;
        }
        return true; // functions, enumerators, template parameter objects
    }
    if (const auto* mc = dyn_cast<CXXMemberCallExpr>(e)) {
        const CXXMethodDecl* md = mc->getMethodDecl();
        const Expr* obj = mc->getImplicitObjectArgument();
        if (!md || !obj)
            return false;
        llvm::ArrayRef<const Expr*> args(mc->getArgs(), mc->getNumArgs());
        if (md->isStatic())
            return resolve_args(md, args, 0, out, deep, depth);
        Places ps;
        if (!resolve(obj, ps, deep, depth + 1))
            return false;
        bool ind = !plain_view(obj->getType()) && (deep || (!c_.checked(md->getLocation()) &&
                                                    inner_accessor(md)));
        for (Place& p : ps) {
            if (ind)
                p.steps.push_back(Step{});
            out.push_back(std::move(p));
        }
        return resolve_args(md, args, 0, out, deep, depth);
    }
    if (const auto* oc = dyn_cast<CXXOperatorCallExpr>(e)) {
        const FunctionDecl* fd = oc->getDirectCallee();
        if (!fd)
            return false;
        llvm::ArrayRef<const Expr*> args(oc->getArgs(), oc->getNumArgs());
        if (const auto* md = dyn_cast<CXXMethodDecl>(fd); md && oc->getNumArgs() >= 1) {
            const Expr* obj = oc->getArg(0);
            Places ps;
            if (!resolve(obj, ps, deep, depth + 1))
                return false;
            bool ind = !plain_view(obj->getType()) &&
                       (deep || (!c_.checked(md->getLocation()) && inner_accessor(md)));
            for (Place& p : ps) {
                if (ind)
                    p.steps.push_back(Step{});
                out.push_back(std::move(p));
            }
            return resolve_args(fd, args, 1, out, deep, depth);
        }
        return resolve_args(fd, args, 0, out, deep, depth);
    }
    if (const auto* call = dyn_cast<CallExpr>(e)) {
        const FunctionDecl* fd = call->getDirectCallee();
        if (!fd)
            return false;
        if (identity_function(fd) && call->getNumArgs() >= 1)
            return resolve(call->getArg(0), out, deep, depth + 1);
        return resolve_args(fd, llvm::ArrayRef<const Expr*>(call->getArgs(), call->getNumArgs()),
                            0, out, deep, depth);
    }
    if (const auto* ce = dyn_cast<CXXConstructExpr>(e)) {
        for (const Expr* a : ce->arguments()) {
            if (!a || isa<CXXDefaultArgExpr>(a))
                continue;
            bool view = types_.is_view(a->getType());
            if (a->isPRValue() && !view)
                continue;
            Places ps;
            if (!resolve(a, ps, deep, depth + 1))
                return false;
            for (Place& p : ps) {
                // A view made from a container borrows its contents.
                if (deep && !plain_view(a->getType()))
                    p.steps.push_back(Step{});
                out.push_back(std::move(p));
            }
        }
        return true;
    }
    if (const auto* il = dyn_cast<InitListExpr>(e)) {
        for (const Expr* a : il->inits()) {
            bool view = a && types_.is_view(a->getType());
            if (!a || (a->isPRValue() && !view))
                continue;
            Places ps;
            if (!resolve(a, ps, deep, depth + 1))
                return false;
            for (Place& p : ps) {
                if (deep && !plain_view(a->getType()))
                    p.steps.push_back(Step{});
                out.push_back(std::move(p));
            }
        }
        return true;
    }
    if (const auto* le = dyn_cast<LambdaExpr>(e)) {
        // A closure borrows what the views it copies borrow. Variables
        // captured by reference only need to outlive it (they do: they are
        // declared in an enclosing scope); mutating them through the
        // closure is a write at each call (see writes_of).
        for (const Expr* init : le->capture_inits())
            if (init && types_.is_view(init->getType()) &&
                !init->getType()->isReferenceType() && !init->isLValue())
                if (!resolve(init, out, deep, depth + 1))
                    return false;
        return true;
    }
    return false;
}

void BorrowScan::expand(Places& ps, bool deep) {
    for (size_t i = 0; i < ps.size() && ps.size() < 48; ++i) {
        const auto* x = static_cast<const Decl*>(ps[i].root);
        if (ps[i].root == &kThis)
            continue;
        const auto* vd = dyn_cast<VarDecl>(x);
        if (!vd || isa<ParmVarDecl>(vd) || !vd->isLocalVarDecl() || vd->isStaticLocal() ||
            !types_.is_borrow(vd->getType()))
            continue;
        Places q;
        bool ok = false;
        if (vd->isCXXForRangeDecl()) {
            if (auto it = range_inits_.find(vd); it != range_inits_.end()) {
                ok = resolve(it->second, q, deep);
                if (ok && !plain_view(it->second->getType()))
                    for (Place& p : q)
                        p.steps.push_back(Step{});
            }
        } else if (vd->hasInit()) {
            ok = resolve(vd->getInit(), q, deep);
        }
        if (!ok)
            continue;
        for (Place& p : q) {
            p.steps.append(ps[i].steps.begin(), ps[i].steps.end());
            p.via = ps[i].via;
            p.via.push_back(vd);
            bool dup = false;
            for (const Place& o : ps)
                if (o.root == p.root && o.steps == p.steps)
                    dup = true;
            if (!dup)
                ps.push_back(std::move(p));
        }
    }
}

void BorrowScan::write_places(const Expr* target, Places& out) {
    Places ps;
    if (!resolve(target, ps, false))
        return;
    expand(ps, false);
    for (Place& p : ps) {
        // Cut after the first indirection: a write there may reach any
        // element (or the object itself through an unknown accessor).
        for (size_t i = 0; i < p.steps.size(); ++i)
            if (!p.steps[i].field) {
                p.steps.resize(i + 1);
                break;
            }
        out.push_back(std::move(p));
    }
}

bool BorrowScan::overlaps(const Place& a, const Place& b) {
    if (a.root != b.root)
        return false;
    size_t n = std::min(a.steps.size(), b.steps.size());
    for (size_t i = 0; i < n; ++i)
        if (a.steps[i].field && b.steps[i].field && a.steps[i].field != b.steps[i].field)
            return false; // disjoint sibling fields
    return true;
}

// A write to `w` can free storage that borrow `b` points into: `b` goes
// through an indirection below `w`. (`int& r = s.x; s = S{};` leaves `r`
// valid; `int& r = s.v[0]; s = S{};` does not.)
bool BorrowScan::write_frees(const Place& w, const Place& b) {
    if (!overlaps(w, b))
        return false;
    for (size_t i = w.steps.size(); i < b.steps.size(); ++i)
        if (!b.steps[i].field)
            return true;
    return false;
}

std::string BorrowScan::describe(const Place& p) {
    std::string s = p.root == &kThis ? "*this"
                                     : cast<NamedDecl>(static_cast<const Decl*>(p.root))
                                           ->getNameAsString();
    for (const Step& st : p.steps) {
        if (st.field)
            s += "." + st.field->getNameAsString();
        else
            s += "[..]";
    }
    return s;
}

// ---- writes ---------------------------------------------------------------

bool BorrowScan::mutating_method(const CXXMethodDecl* md) {
    if (!md || md->isStatic() || md->isConst() || isa<CXXConstructorDecl, CXXDestructorDecl>(md))
        return false;
    if (mutator_name(md->getNameAsString()))
        return true;
    if (c_.checked(md->getLocation()))
        return true; // like `&mut self`: it may mutate whatever the object owns
    // Trusted: a non-const method returning a reference, pointer or view
    // is an accessor (operator[], begin, span, value...); anything else
    // (pop, take, reset, write...) may change what the object owns.
    QualType r = md->getReturnType();
    return !(r->isReferenceType() || r->isPointerType() || types_.is_view(r));
}

const LambdaExpr* BorrowScan::stored_lambda(const VarDecl* v) {
    if (!v || !v->isLocalVarDecl() || v->isStaticLocal() || v->getType()->isReferenceType() ||
        !v->hasInit())
        return nullptr;
    const LambdaExpr* le = strip_to_lambda(v->getInit());
    if (!le || v->getType()->getAsCXXRecordDecl() != le->getLambdaClass())
        return nullptr;
    return le;
}

void BorrowScan::writes_of(const Stmt* s, llvm::SmallVectorImpl<Write>& out) {
    const auto* e = dyn_cast<Expr>(s);
    if (!e || e->isInstantiationDependent())
        return;
    auto add = [&](const Expr* at, const Expr* target) {
        Write w{at, {}};
        write_places(target, w.places);
        if (!w.places.empty())
            out.push_back(std::move(w));
    };
    // A move (static_cast<T&&>, klib::move, forward) of an object.
    if (e->isXValue() && !isa<MaterializeTemporaryExpr>(e) && !e->getType()->isScalarType() &&
        !isa<ImplicitCastExpr>(e))
        add(e, e);
    const FunctionDecl* fd = nullptr;
    llvm::ArrayRef<const Expr*> args;
    unsigned offset = 0;
    if (const auto* mc = dyn_cast<CXXMemberCallExpr>(e)) {
        fd = mc->getMethodDecl();
        if (mutating_method(mc->getMethodDecl()) && mc->getImplicitObjectArgument())
            add(mc, mc->getImplicitObjectArgument());
        args = llvm::ArrayRef<const Expr*>(mc->getArgs(), mc->getNumArgs());
    } else if (const auto* oc = dyn_cast<CXXOperatorCallExpr>(e)) {
        fd = oc->getDirectCallee();
        args = llvm::ArrayRef<const Expr*>(oc->getArgs(), oc->getNumArgs());
        if (const auto* md = dyn_cast_or_null<CXXMethodDecl>(fd); md && oc->getNumArgs() >= 1) {
            offset = 1;
            if (mutating_method(md))
                add(oc, oc->getArg(0));
            // Calling a FunctionRef runs its target: a write of it when the
            // target may change its own state.
            if (oc->getOperator() == OO_Call && is_function_ref(md->getParent()) &&
                mutable_view(oc->getArg(0)))
                add(oc, oc->getArg(0));
            // Calling a stored borrowing closure makes the writes its body
            // makes to what it captured by reference.
            if (oc->getOperator() == OO_Call)
                if (const auto* dr = dyn_cast<DeclRefExpr>(oc->getArg(0)->IgnoreParenImpCasts()))
                    if (const LambdaExpr* le = stored_lambda(dyn_cast<VarDecl>(dr->getDecl()))) {
                        Write w{oc, {}};
                        closure_writes(le, w.places);
                        if (!w.places.empty())
                            out.push_back(std::move(w));
                    }
        }
    } else if (const auto* call = dyn_cast<CallExpr>(e)) {
        fd = call->getDirectCallee();
        args = llvm::ArrayRef<const Expr*>(call->getArgs(), call->getNumArgs());
    } else if (const auto* ce = dyn_cast<CXXConstructExpr>(e)) {
        fd = ce->getConstructor();
        args = llvm::ArrayRef<const Expr*>(ce->getArgs(), ce->getNumArgs());
    }
    if (!fd || identity_function(fd))
        return;
    // Arguments bound to non-const references: the callee may mutate them.
    for (unsigned i = offset; i < args.size(); ++i) {
        unsigned pi = i - offset;
        if (pi >= fd->getNumParams())
            break;
        QualType pt = fd->getParamDecl(pi)->getType();
        const Expr* a = args[i];
        if (!a || (a->isPRValue() && !types_.is_view(a->getType())))
            continue;
        // A FunctionRef made from a const-callable object takes it as `F&`
        // but only ever runs its const operator(): a shared use (Rust's Fn).
        if (view_conversion(fd) && is_function_ref(cast<CXXMethodDecl>(fd)->getParent()) &&
            !types_.is_view(a->getType()) && !mutable_callable(a->getType()))
            continue;
        if ((pt->isLValueReferenceType() && !pt->getPointeeType().isConstQualified()) ||
            pt->isRValueReferenceType())
            add(a, a);
        // A view lending mutable access (`Span<Box<T>>`, a FunctionRef to a
        // `mutable` lambda): the callee may replace what it designates.
        // Not for the trusted conversions between views themselves.
        else if (mutable_view_arg(fd, a))
            add(a, a);
    }
}

void BorrowScan::closure_writes(const LambdaExpr* le, Places& out) {
    llvm::SmallVector<Write, 8> ws;
    collect_writes(le->getBody(), ws);
    for (Write& w : ws)
        for (Place& p : w.places) {
            // Written through a variable captured by reference (directly or
            // through a local reference/view bound to it) or `this`.
            bool captured = false;
            for (const LambdaCapture& cap : le->captures())
                if (cap.capturesThis() && p.root == &kThis)
                    captured = true;
                else if (cap.capturesVariable() && cap.getCaptureKind() == LCK_ByRef &&
                         (cap.getCapturedVar() == p.root ||
                          llvm::is_contained(p.via, cap.getCapturedVar())))
                    captured = true;
            if (captured)
                out.push_back(p);
        }
}

void BorrowScan::collect_writes(const Stmt* s, llvm::SmallVectorImpl<Write>& out) {
    llvm::SmallVector<const Stmt*, 64> work{s};
    while (!work.empty()) {
        const Stmt* cur = work.pop_back_val();
        if (!cur)
            continue;
        writes_of(cur, out);
        for (const Stmt* ch : cur->children())
            work.push_back(ch);
    }
}

// ---- scopes and liveness --------------------------------------------------

const Stmt* BorrowScan::scope_of(const DeclStmt* ds, const VarDecl* v) {
    const Stmt* child = ds;
    const Stmt* p = pm_->getParent(const_cast<DeclStmt*>(ds));
    while (p && isa<CaseStmt, DefaultStmt, AttributedStmt, LabelStmt>(p)) {
        child = p;
        p = pm_->getParent(const_cast<Stmt*>(p));
    }
    if (!p)
        return nullptr;
    if (isa<CompoundStmt>(p))
        return p;
    if (const auto* s = dyn_cast<IfStmt>(p))
        return child == s->getInit() || child == s->getConditionVariableDeclStmt() ? p : nullptr;
    if (const auto* s = dyn_cast<SwitchStmt>(p))
        return child == s->getInit() || child == s->getConditionVariableDeclStmt() ? p : nullptr;
    if (const auto* s = dyn_cast<WhileStmt>(p))
        return child == s->getConditionVariableDeclStmt() ? p : nullptr;
    if (const auto* s = dyn_cast<ForStmt>(p))
        return child == s->getInit() || child == s->getConditionVariableDeclStmt() ? p : nullptr;
    if (const auto* s = dyn_cast<CXXForRangeStmt>(p))
        return child == s->getInit() || child == s->getLoopVarStmt() ? p : nullptr;
    return nullptr;
}

// End of the region where `v` is live: its last use (extended over any loop
// containing that use that starts after `from`), when `v` is trivially
// destructible, no lambda captures it and its scope is not itself a loop
// (non-lexical lifetimes); the end of its scope otherwise.
SourceLocation BorrowScan::live_end(const VarDecl* v, const Stmt* scope, SourceLocation from) {
    SourceLocation full = scope->getEndLoc();
    QualType t = v->getType();
    if (!t->isReferenceType()) {
        const CXXRecordDecl* rd = t->getAsCXXRecordDecl();
        if (rd && (!rd->hasDefinition() || !rd->hasTrivialDestructor()))
            return full;
    } else if (v->hasInit()) {
        // A reference that extends a temporary with a destructor (`const
        // auto& g = lock.lock();`): the temporary lives, and runs its
        // destructor, at the end of the scope.
        llvm::SmallVector<const Stmt*, 16> work{v->getInit()};
        while (!work.empty()) {
            const Stmt* s = work.pop_back_val();
            if (!s || isa<LambdaExpr>(s))
                continue;
            if (const auto* m = dyn_cast<MaterializeTemporaryExpr>(s);
                m && m->getExtendingDecl() == v) {
                const CXXRecordDecl* rd = m->getType()->getAsCXXRecordDecl();
                if (rd && (!rd->hasDefinition() || !rd->hasTrivialDestructor()))
                    return full;
            }
            for (const Stmt* ch : s->children())
                work.push_back(ch);
        }
    }
    // Loops re-run their body; structured bindings are used through their
    // names, not the variable: no NLL for those.
    if (isa<ForStmt, WhileStmt, CXXForRangeStmt, DoStmt>(scope) || isa<DecompositionDecl>(v))
        return full;
    SourceLocation end = from;
    bool captured = false;
    struct Item {
        const Stmt* s;
        const Stmt* loop;
        bool in_lambda;
    };
    llvm::SmallVector<Item, 64> work{{scope, nullptr, false}};
    while (!work.empty() && !captured) {
        Item it = work.pop_back_val();
        if (!it.s)
            continue;
        const Stmt* loop = it.loop;
        if (!loop && isa<ForStmt, WhileStmt, DoStmt, CXXForRangeStmt>(it.s) &&
            before(from, it.s->getBeginLoc()))
            loop = it.s;
        if (const auto* dr = dyn_cast<DeclRefExpr>(it.s); dr && dr->getDecl() == v) {
            // Any mention inside a lambda (body, capture or init-capture):
            // the closure may use the borrow whenever it is called.
            if (it.in_lambda)
                captured = true;
            SourceLocation u = loop ? loop->getEndLoc() : dr->getEndLoc();
            if (before(end, u))
                end = u;
        }
        bool in_lambda = it.in_lambda || isa<LambdaExpr>(it.s);
        if (const auto* le = dyn_cast<LambdaExpr>(it.s))
            for (const LambdaCapture& cap : le->captures())
                if (cap.capturesVariable() && cap.getCapturedVar() == v)
                    captured = true;
        for (const Stmt* ch : it.s->children())
            work.push_back({ch, loop, in_lambda});
    }
    return captured ? full : end;
}

// Every use of the closure variable `v` in its scope is a direct call.
bool BorrowScan::only_called(const VarDecl* v, const Stmt* scope) {
    if (!scope)
        return false;
    llvm::SmallVector<const Stmt*, 64> work{scope};
    bool any = false;
    while (!work.empty()) {
        const Stmt* s = work.pop_back_val();
        if (!s)
            continue;
        if (const auto* dr = dyn_cast<DeclRefExpr>(s); dr && dr->getDecl() == v) {
            const Stmt* p = pm_->getParentIgnoreParenImpCasts(const_cast<DeclRefExpr*>(dr));
            const auto* oc = dyn_cast_or_null<CXXOperatorCallExpr>(p);
            if (!oc || oc->getOperator() != OO_Call || oc->getNumArgs() < 1 ||
                oc->getArg(0)->IgnoreParenImpCasts() != dr)
                return false;
            any = true;
        }
        if (const auto* le = dyn_cast<LambdaExpr>(s))
            for (const LambdaCapture& cap : le->captures())
                if (cap.capturesVariable() && cap.getCapturedVar() == v)
                    return false;
        for (const Stmt* ch : s->children())
            work.push_back(ch);
    }
    return any;
}

// ---- the checks -----------------------------------------------------------

void BorrowScan::check_borrow_var(const VarDecl* v, const DeclStmt* ds) {
    Places ps;
    bool ok;
    const Expr* init = v->getInit();
    const auto* range = dyn_cast_or_null<CXXForRangeStmt>(pm_->getParent(const_cast<DeclStmt*>(ds)));
    if (v->isCXXForRangeDecl()) {
        if (!range || range->getLoopVarStmt() != ds)
            return;
        init = range->getRangeInit();
        ok = resolve(init, ps, true);
        if (ok && init && !types_.is_view(init->getType()))
            for (Place& p : ps)
                p.steps.push_back(Step{});
    } else {
        if (!init)
            return;
        ok = resolve(init, ps, true);
    }
    if (!init || init->isInstantiationDependent())
        return;
    if (!ok) {
        c_.report(init->getExprLoc(), "KS-CONTAINER",
                  "cannot determine what '" + v->getName() +
                      "' borrows from: bind references and views to a named variable, its "
                      "fields or elements (default-deny)");
        return;
    }
    expand(ps, true);
    llvm::erase_if(ps, [&](const Place& p) { return p.root == v; });
    if (ps.empty())
        return;
    const Stmt* scope = scope_of(ds, v);
    if (!scope)
        return;
    SourceLocation from = v->isCXXForRangeDecl() ? init->getEndLoc() : ds->getEndLoc();
    check_region(v, v->getName().empty() ? "structured binding" : v->getName(), v->getLocation(),
                 ps, scope, from, live_end(v, scope, from));
}

void BorrowScan::check_region(const VarDecl* v, StringRef name, SourceLocation decl,
                              const Places& ps, const Stmt* scope, SourceLocation from,
                              SourceLocation end) {
    llvm::SmallVector<Write, 16> writes;
    collect_writes(scope, writes);
    for (const Write& w : writes) {
        SourceLocation at = w.at->getBeginLoc();
        if (!before(from, at) || before(end, at))
            continue;
        for (const Place& wp : w.places) {
            if (v && (wp.root == v || llvm::is_contained(wp.via, v)))
                continue; // a write through the borrow itself
            for (const Place& bp : ps)
                if (write_frees(wp, bp)) {
                    c_.report(w.at->getExprLoc(), "KS-CONTAINER",
                              "'" + describe(wp) + "' is mutated while '" + name +
                                  "' (declared at " + decl.printToString(c_.sm()) +
                                  ") still borrows from it ('" + describe(bp) + "')");
                    return;
                }
        }
    }
}

// Two paths to one place in one call, one of which may mutate it:
// `f(v, v[0])`, `append(s, s)` (String& and StringView), `v.try_push(v[0])`.
// A closure in a call (as an argument, or as the object called): it writes
// what its body writes through its captures, and borrows everything it
// captures by reference (its body may hold references into them while the
// callee mutates another argument) and what its captured views borrow.
void BorrowScan::closure_roles(const LambdaExpr* le, const Expr* at,
                               llvm::SmallVectorImpl<Arg>& roles) {
    Arg w{at, {}, true};
    closure_writes(le, w.places);
    // A view lending mutable access captured by copy (`[b = v.borrow()]`):
    // the closure may write through it (finding R4-04).
    for (const Expr* init : le->capture_inits())
        if (init && !init->getType()->isReferenceType() && mutable_view(init)) {
            Places ps;
            if (resolve(init, ps, true)) {
                expand(ps, true);
                w.places.append(ps.begin(), ps.end());
            }
        }
    if (!w.places.empty())
        roles.push_back(std::move(w));
    Arg r{at, {}, false};
    for (const LambdaCapture& cap : le->captures()) {
        if (cap.capturesThis())
            r.places.push_back(Place{&kThis, {}, {}});
        else if (cap.capturesVariable() && cap.getCaptureKind() == LCK_ByRef)
            r.places.push_back(Place{cap.getCapturedVar(), {}, {}});
    }
    if (resolve(le, r.places, true)) {
        expand(r.places, true);
        if (!r.places.empty())
            roles.push_back(std::move(r));
    }
}

// The object of a method call: written by a mutating method; otherwise
// borrowed for the duration of the call (a const method may hold a
// reference into it while a closure argument mutates it).
void BorrowScan::object_role(const CXXMethodDecl* md, const Expr* obj,
                             llvm::SmallVectorImpl<Arg>& roles) {
    if (!md || md->isStatic() || isa<CXXConstructorDecl>(md))
        return;
    if (md->getParent()->isLambda()) {
        const LambdaExpr* le = strip_to_lambda(obj);
        if (!le)
            if (const auto* dr = dyn_cast<DeclRefExpr>(obj->IgnoreParenImpCasts()))
                le = stored_lambda(dyn_cast<VarDecl>(dr->getDecl()));
        if (le)
            closure_roles(le, obj, roles);
        return;
    }
    if (md->getOverloadedOperator() == OO_Call && is_function_ref(md->getParent()) &&
        mutable_view(obj)) {
        Arg a{obj, {}, true};
        if (resolve(obj, a.places, true)) {
            expand(a.places, true);
            if (!a.places.empty())
                roles.push_back(std::move(a));
        }
        return;
    }
    if (mutating_method(md)) {
        Arg a{obj, {}, true};
        write_places(obj, a.places);
        if (!a.places.empty())
            roles.push_back(std::move(a));
        return;
    }
    if (obj->isPRValue() && !types_.is_view(obj->getType()) && !is_arrow_call(obj))
        return;
    Arg r{obj, {}, false};
    if (resolve(obj, r.places, true)) {
        expand(r.places, true);
        if (!r.places.empty())
            roles.push_back(std::move(r));
    }
}

void BorrowScan::check_call(const Expr* e) {
    if (e->isInstantiationDependent())
        return;
    llvm::SmallVector<Arg, 6> roles;
    const FunctionDecl* fd = nullptr;
    llvm::ArrayRef<const Expr*> args;
    unsigned offset = 0;
    if (const auto* mc = dyn_cast<CXXMemberCallExpr>(e)) {
        fd = mc->getMethodDecl();
        args = llvm::ArrayRef<const Expr*>(mc->getArgs(), mc->getNumArgs());
        if (const Expr* obj = mc->getImplicitObjectArgument(); obj && fd && !fd->isStatic())
            object_role(cast<CXXMethodDecl>(fd), obj, roles);
    } else if (const auto* oc = dyn_cast<CXXOperatorCallExpr>(e)) {
        fd = oc->getDirectCallee();
        args = llvm::ArrayRef<const Expr*>(oc->getArgs(), oc->getNumArgs());
        if (const auto* md = dyn_cast_or_null<CXXMethodDecl>(fd); md && oc->getNumArgs() >= 1) {
            offset = 1;
            object_role(md, oc->getArg(0), roles);
        }
    } else if (const auto* call = dyn_cast<CallExpr>(e)) {
        fd = call->getDirectCallee();
        args = llvm::ArrayRef<const Expr*>(call->getArgs(), call->getNumArgs());
    } else if (const auto* ce = dyn_cast<CXXConstructExpr>(e)) {
        fd = ce->getConstructor();
        args = llvm::ArrayRef<const Expr*>(ce->getArgs(), ce->getNumArgs());
    }
    if (!fd || identity_function(fd))
        return;
    for (unsigned i = offset; i < args.size(); ++i) {
        unsigned pi = i - offset;
        if (pi >= fd->getNumParams())
            break;
        const Expr* a = args[i];
        if (!a || isa<CXXDefaultArgExpr>(a))
            continue;
        // Writes made while evaluating the argument (unsequenced with the
        // other arguments: `use(v[0], v.try_push(1))`).
        if (!strip_to_lambda(a)) {
            llvm::SmallVector<Write, 4> ws;
            collect_writes(a, ws);
            Arg w{a, {}, true, true};
            for (Write& x : ws)
                w.places.append(x.places.begin(), x.places.end());
            if (!w.places.empty())
                roles.push_back(std::move(w));
            // What computing the argument holds while the other arguments
            // run (`f(v[0].get(), drop_all(v))`): only against nested writes.
            Arg h{a, {}, false, false, true};
            held_in(a, h.places);
            if (!h.places.empty())
                roles.push_back(std::move(h));
        }
        QualType pt = fd->getParamDecl(pi)->getType();
        // A closure: may mutate what it captures by reference, and borrows
        // what its captured views borrow.
        if (const LambdaExpr* le = strip_to_lambda(a)) {
            closure_roles(le, a, roles);
            continue;
        }
        bool view = types_.is_view(a->getType());
        if (a->isPRValue() && !view) {
            // A by-value parameter initialised by a move: the callee owns
            // what the other arguments may borrow (`f(move(v), v[0])`).
            const Expr* x = a;
            for (int k = 0; k < 8 && x; ++k) {
                x = x->IgnoreParenImpCasts();
                if (const auto* fe = dyn_cast<FullExpr>(x))
                    x = fe->getSubExpr();
                else if (const auto* bt = dyn_cast<CXXBindTemporaryExpr>(x))
                    x = bt->getSubExpr();
                else
                    break;
            }
            if (const auto* ce = dyn_cast_or_null<CXXConstructExpr>(x);
                ce && ce->getNumArgs() == 1 && ce->getArg(0)->isXValue()) {
                Arg w{a, {}, true};
                write_places(ce->getArg(0), w.places);
                if (!w.places.empty())
                    roles.push_back(std::move(w));
            }
            continue;
        }
        if ((pt->isLValueReferenceType() && !pt->getPointeeType().isConstQualified()) ||
            pt->isRValueReferenceType()) {
            Arg w{a, {}, true};
            write_places(a, w.places);
            if (!w.places.empty())
                roles.push_back(std::move(w));
        } else if (pt->isReferenceType() || types_.is_view(pt)) {
            // A view lending mutable access is `&mut`: it conflicts with
            // any other path to what it designates.
            Arg r{a, {}, mutable_view_arg(fd, a)};
            if (resolve(a, r.places, true)) {
                expand(r.places, true);
                if (!r.places.empty())
                    roles.push_back(std::move(r));
            }
        }
    }
    for (size_t i = 0; i < roles.size(); ++i)
        for (size_t j = i + 1; j < roles.size(); ++j) {
            if (!roles[i].write && !roles[j].write)
                continue;
            if ((roles[i].held_only && !roles[j].nested) ||
                (roles[j].held_only && !roles[i].nested))
                continue; // a computed value conflicts only with nested writes
            if (roles[i].at == roles[j].at)
                continue; // one closure: its writes and its borrows
            // Two paths to objects that own nothing (trivially destructible:
            // `swap(s[i], s[j])` on integers) cannot free anything.
            if (!roles[i].nested && !roles[j].nested && owns_nothing(roles[i].at->getType()) &&
                owns_nothing(roles[j].at->getType()))
                continue;
            for (const Place& p : roles[i].places)
                for (const Place& q : roles[j].places)
                    // A write made while evaluating an argument is over
                    // before the call: it conflicts only with what the
                    // other path holds *inside* the written object.
                    if (roles[i].nested || roles[j].nested
                            ? (roles[i].nested && write_frees(p, q)) ||
                                  (roles[j].nested && write_frees(q, p))
                            : overlaps(p, q)) {
                        c_.report(roles[j].at->getExprLoc(), "KS-CONTAINER",
                                  "two paths to '" + describe(p.steps.size() <= q.steps.size()
                                                                  ? p
                                                                  : q) +
                                      "' in one call to '" + fd->getNameAsString() +
                                      "', and one of them may mutate it ('" + describe(p) +
                                      "' and '" + describe(q) +
                                      "'): pass one path, or copy the value first");
                        return;
                    }
        }
}

// Storage an operand or argument may still use after a sibling operand
// has run (evaluation interleaves: in `v[0].get() + (v.clear(), 1)` the
// element reference can be computed before the clear and used after it):
// the places of every glvalue subexpression (and `x.operator->()`) in `e`,
// outside closure bodies. Unresolvable ones are skipped: what they borrow
// is checked where they are declared.
void BorrowScan::held_in(const Expr* e, Places& out) {
    llvm::SmallVector<const Stmt*, 32> work{e};
    while (!work.empty() && out.size() < 64) {
        const Stmt* s = work.pop_back_val();
        if (!s || isa<LambdaExpr>(s))
            continue;
        if (const auto* x = dyn_cast<Expr>(s); x && !x->isInstantiationDependent() &&
                                               (x->isGLValue() || is_arrow_call(x)) &&
                                               !isa<DeclRefExpr>(x)) {
            Places ps;
            if (resolve(x, ps, true)) {
                expand(ps, true);
                out.append(ps.begin(), ps.end());
            }
        }
        for (const Stmt* ch : s->children())
            work.push_back(ch);
    }
}

// Operands of a built-in operator are unsequenced (except `,`, `&&`, `||`,
// assignments and shifts): a write in one operand may free what a
// reference computed by the other points into (`v[0] + grow(v)`).
void BorrowScan::check_unsequenced(const BinaryOperator* bo) {
    if (bo->isCommaOp() || bo->isLogicalOp() || bo->isAssignmentOp() || bo->isShiftOp())
        return;
    const Expr* side[2] = {bo->getLHS(), bo->getRHS()};
    for (int k = 0; k < 2; ++k) {
        llvm::SmallVector<Write, 4> ws;
        collect_writes(side[k], ws);
        if (ws.empty())
            continue;
        Places held;
        const Expr* other = side[1 - k]->IgnoreImpCasts();
        if (!(other->isPRValue() && !types_.is_view(other->getType())) &&
            resolve(other, held, true))
            expand(held, true);
        held_in(other, held); // what its subexpressions hold meanwhile
        for (const Write& w : ws)
            for (const Place& p : w.places)
                for (const Place& q : held)
                    if (write_frees(p, q)) {
                        c_.report(w.at->getExprLoc(), "KS-CONTAINER",
                                  "'" + describe(p) +
                                      "' is mutated in one operand while the other operand "
                                      "refers into it ('" + describe(q) +
                                      "'): operands are unsequenced; use a local first");
                        return;
                    }
    }
}

void BorrowScan::scan_body(const Stmt* body) {
    if (!body)
        return;
    pm_ = std::make_unique<ParentMap>(const_cast<Stmt*>(body));
    range_inits_.clear();
    llvm::SmallVector<const Stmt*, 128> work{body};
    llvm::SmallVector<std::pair<const VarDecl*, const DeclStmt*>, 16> vars;
    llvm::SmallVector<const CXXForRangeStmt*, 4> ranges;
    while (!work.empty()) {
        const Stmt* s = work.pop_back_val();
        if (!s)
            continue;
        if (const auto* rs = dyn_cast<CXXForRangeStmt>(s)) {
            if (const VarDecl* lv = rs->getLoopVariable())
                range_inits_[lv] = rs->getRangeInit();
            ranges.push_back(rs);
        }
        if (const auto* ds = dyn_cast<DeclStmt>(s))
            for (const Decl* d : ds->decls())
                if (const auto* v = dyn_cast<VarDecl>(d);
                    v && !v->isImplicit() && v->isLocalVarDecl() && !v->isStaticLocal() &&
                    !v->getType()->isDependentType())
                    vars.push_back({v, ds});
        if (isa<CallExpr, CXXConstructExpr>(s) && c_.checked(s->getBeginLoc()))
            check_call(cast<Expr>(s));
        if (const auto* bo = dyn_cast<BinaryOperator>(s);
            bo && c_.checked(bo->getBeginLoc()) && !bo->isInstantiationDependent())
            check_unsequenced(bo);
        for (const Stmt* ch : s->children())
            work.push_back(ch);
    }
    for (auto [v, ds] : vars) {
        if (const LambdaExpr* le = stored_lambda(v))
            if (only_called(v, scope_of(ds, v)))
                lambdas_ok_.insert(le);
        if (types_.is_borrow(v->getType()) && c_.checked(v->getLocation()))
            check_borrow_var(v, ds);
    }
    // A range-for loop borrows its range (through its hidden iterators)
    // for the whole body, whatever the loop variable's type.
    for (const CXXForRangeStmt* rs : ranges) {
        const Expr* init = rs->getRangeInit();
        if (!init || init->isInstantiationDependent() || !c_.checked(rs->getBeginLoc()))
            continue;
        Places ps;
        if (!resolve(init, ps, true))
            continue; // the range's own borrows are checked where they are declared
        if (!plain_view(init->getType()))
            for (Place& p : ps)
                p.steps.push_back(Step{});
        expand(ps, true);
        if (!ps.empty())
            check_region(nullptr, "the range of this for loop", rs->getBeginLoc(), ps, rs,
                         init->getEndLoc(), rs->getEndLoc());
    }
    pm_.reset();
}

bool BorrowScan::returns_subview_of_params(const FunctionDecl* fd) {
    if (!fd->hasBody() || fd->getReturnType()->isReferenceType() ||
        !types_.is_view(fd->getReturnType()) || isa<CXXMethodDecl>(fd))
        return false;
    bool any = false;
    llvm::SmallVector<const Stmt*, 32> work{fd->getBody()};
    while (!work.empty()) {
        const Stmt* s = work.pop_back_val();
        if (!s || isa<LambdaExpr>(s))
            continue;
        if (const auto* ret = dyn_cast<ReturnStmt>(s)) {
            Places ps;
            if (!ret->getRetValue() || !resolve(ret->getRetValue(), ps, true))
                return false;
            expand(ps, true);
            for (const Place& p : ps) {
                if (p.root == &kThis)
                    return false;
                const auto* vd = dyn_cast<VarDecl>(static_cast<const Decl*>(p.root));
                if (!vd)
                    return false;
                if (const auto* pv = dyn_cast<ParmVarDecl>(vd)) {
                    if (pv->getDeclContext() != fd || pv->getType()->isReferenceType() ||
                        !types_.is_view(pv->getType()))
                        return false;
                } else if (!(vd->isLocalVarDecl() && !vd->isStaticLocal() &&
                             types_.is_borrow(vd->getType()) && vd->hasInit() &&
                             !vd->isCXXForRangeDecl())) {
                    return false; // locals: only views bound to the parameters (expanded)
                }
            }
            any = true;
        }
        for (const Stmt* ch : s->children())
            work.push_back(ch);
    }
    return any;
}

} // namespace keel_safety
