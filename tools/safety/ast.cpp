// AST rules: every declaration, statement, expression and written type in
// checked code (see docs/safety-profile.md for the rule book).
#include "borrow.h"
#include "checker.h"
#include "types.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/Attr.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/Builtins.h"

using namespace clang;

namespace keel_safety {
namespace {

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

// Namespaces that belong to the framework, the libraries or the compiler.
// libs/safe/ is library code and may extend `klib` (its specializations of
// trusted templates and redeclarations are still refused separately).
bool reserved_namespace(const DeclContext* dc, bool safe_lib) {
    for (; dc; dc = dc->getParent())
        if (const auto* ns = dyn_cast<NamespaceDecl>(dc)) {
            StringRef n = ns->getName();
            if (n == "klib" && safe_lib && isa<TranslationUnitDecl>(ns->getParent()))
                continue;
            if (name_in(n, {"keel", "klib", "std", "__cxxabiv1", "__gnu_cxx"}) ||
                n.starts_with("__"))
                return true;
        }
    return false;
}

bool in_services_namespace(const Decl* d) {
    const DeclContext* dc = d->getDeclContext();
    const auto* ns = dyn_cast<NamespaceDecl>(dc);
    return ns && ns->getName() == "services" && isa<TranslationUnitDecl>(ns->getParent());
}

bool in_keel_or_klib(const Decl* d) {
    for (const DeclContext* dc = d->getDeclContext(); dc; dc = dc->getParent())
        if (const auto* ns = dyn_cast<NamespaceDecl>(dc))
            if (name_in(ns->getName(), {"keel", "klib"}))
                return true;
    return false;
}

// Builtins a service may call. Everything else starting with __builtin,
// __sync, __atomic... is refused.
bool builtin_allowed(StringRef n) {
    if (name_in(n, {"__builtin_expect", "__builtin_expect_with_probability", "__builtin_constant_p",
                    "__builtin_is_constant_evaluated", "__builtin_trap", "__builtin_add_overflow",
                    "__builtin_sub_overflow", "__builtin_mul_overflow", "move", "forward",
                    "move_if_noexcept", "as_const", "forward_like"}))
        return true;
    return prefix_in(n, {"__builtin_popcount", "__builtin_clz", "__builtin_ctz", "__builtin_ffs",
                         "__builtin_parity", "__builtin_clrsb", "__builtin_bswap",
                         "__builtin_bitreverse", "__builtin_rotateleft", "__builtin_rotateright",
                         "__builtin_sadd", "__builtin_ssub", "__builtin_smul", "__builtin_uadd",
                         "__builtin_usub", "__builtin_umul"});
}

// Rule refusing a call to a builtin or a well-known unsafe library name.
StringRef rule_for_callee_name(StringRef n, bool builtin) {
    StringRef b = n;
    b.consume_front("__builtin_");
    b.consume_front("__");
    if (b.contains("addressof"))
        return "KS-ADDR";
    if (name_in(b, {"launder", "bit_cast", "start_lifetime_as", "start_lifetime_as_array"}) ||
        b.starts_with("bit_cast"))
        return "KS-CAST";
    if (prefix_in(b, {"alloca", "frame_address", "return_address", "setjmp", "longjmp", "va_",
                      "stack_", "eh_", "unwind", "dwarf", "extract_return_addr", "sponentry",
                      "call_with_static_chain"}) ||
        name_in(b, {"_setjmp", "_longjmp", "sigsetjmp", "siglongjmp", "vfork"}))
        return "KS-STACK";
    if (prefix_in(b, {"unreachable", "assume"}))
        return "KS-UB";
    if (prefix_in(b, {"mem",
                      "str",
                      "wmem",
                      "wcs",
                      "bzero",
                      "bcopy",
                      "operator_",
                      "malloc",
                      "calloc",
                      "realloc",
                      "free",
                      "aligned_alloc",
                      "posix_memalign",
                      "valloc",
                      "pvalloc",
                      "object_size",
                      "dynamic_object_size",
                      "prefetch",
                      "nontemporal",
                      "clear_cache",
                      "sync_",
                      "atomic",
                      "c11_atomic",
                      "_memcpy",
                      "_memset",
                      "_memmove",
                      "construct_at",
                      "destroy_at",
                      "uninitialized_"}))
        return "KS-MEM";
    if (prefix_in(b, {"ia32", "x86", "readcyclecounter", "readsteadycounter", "cpu_", "rdtsc",
                      "arithmetic_fence", "readflm", "setflm", "outb", "inb"}))
        return "KS-HW";
    if (builtin && !builtin_allowed(n))
        return "KS-UNSAFE-CALL";
    return "";
}

// Attributes a checked declaration may carry. Anything else can weaken a
// check, change linkage or layout, or inject code: refused.
bool decl_attr_allowed(const Attr* a) {
    switch (a->getKind()) {
    case attr::WarnUnusedResult:
    case attr::Unused:
    case attr::Deprecated:
    case attr::CXX11NoReturn:
    case attr::NoReturn:
    case attr::NoUniqueAddress:
    case attr::Aligned:
    case attr::Final:
    case attr::Override:
    case attr::LifetimeBound:
    case attr::NoEscape:
    case attr::AlwaysInline:
    case attr::NoInline:
    case attr::Cold:
    case attr::Hot:
    case attr::Reinitializes:
    case attr::WarnUnused:
    case attr::ConstInit:
    case attr::Unavailable:
    case attr::DiagnoseIf:
    case attr::EnableIf:
    case attr::AbiTag:
    case attr::MinSize:
    case attr::PreferredName:
    case attr::Consumable:
    case attr::CallableWhen:
    case attr::ParamTypestate:
    case attr::ReturnTypestate:
    case attr::SetTypestate:
    case attr::TestTypestate:
    case attr::GuardedBy:
    case attr::PtGuardedBy:
    case attr::AcquiredAfter:
    case attr::AcquiredBefore:
    case attr::AcquireCapability:
    case attr::ReleaseCapability:
    case attr::RequiresCapability:
    case attr::TryAcquireCapability:
    case attr::AssertCapability:
    case attr::LocksExcluded:
    case attr::LockReturned:
    case attr::Capability:
    case attr::ScopedLockable:
    case attr::MaybeUndef: // only on parameters; makes checks stricter
        return a->getKind() != attr::MaybeUndef;
    default:
        return false;
    }
}

StringRef rule_for_refused_attr(const Attr* a) {
    switch (a->getKind()) {
    case attr::AsmLabel:
    case attr::Section:
    case attr::CodeSeg:
    case attr::Weak:
    case attr::WeakRef:
    case attr::WeakImport:
    case attr::Alias:
    case attr::IFunc:
    case attr::Used:
    case attr::Retain:
    case attr::Visibility:
        return "KS-NS";
    case attr::Packed:
    case attr::AssumeAligned:
    case attr::Const:
    case attr::Pure:
        return "KS-UB";
    case attr::Naked:
        return "KS-HW";
    case attr::Cleanup:
        return "KS-MEM";
    default:
        return "KS-WEAKEN";
    }
}

class Visitor : public RecursiveASTVisitor<Visitor> {
    using Base = RecursiveASTVisitor<Visitor>;

public:
    Visitor(Checker& c, ASTContext& ctx)
        : c_(c), ctx_(ctx), types_(c), borrow_(c, types_, ctx, lambdas_ok_) {}

    bool shouldVisitTemplateInstantiations() const { return true; }
    bool shouldVisitImplicitCode() const { return false; }

    // ---- traversal tweaks ----------------------------------------------
    // Range-for: check the written parts only; the compiler-made
    // __range/__begin/__end (iterators may be raw pointers inside trusted
    // containers) are not service code. C++23 extends temporaries in the
    // range initializer (P2718).
    bool TraverseCXXForRangeStmt(CXXForRangeStmt* s) {
        if (s->getInit() && !TraverseStmt(s->getInit()))
            return false;
        if (VarDecl* v = s->getLoopVariable()) {
            WalkUpFromVarDecl(v);
            if (TypeSourceInfo* tsi = v->getTypeSourceInfo())
                if (!TraverseTypeLoc(tsi->getTypeLoc()))
                    return false;
        }
        return TraverseStmt(s->getRangeInit()) && TraverseStmt(s->getBody());
    }

    bool TraverseLambdaExpr(LambdaExpr* e) {
        if (!Base::TraverseLambdaExpr(e))
            return false;
        // Instantiations of a generic lambda live in the implicit closure
        // class: check their bodies too (a trusted caller may have passed
        // a pointer to `auto`).
        if (FunctionTemplateDecl* ft = e->getDependentCallOperator())
            for (FunctionDecl* spec : ft->specializations()) {
                // The return type of a generic lambda is deduced per
                // instantiation (`[](auto& v) -> auto& { return v; }`).
                QualType r = spec->getReturnType();
                if (c_.checked(e->getBeginLoc()) && !r->isDependentType() &&
                    !r->isUndeducedType() && types_.is_borrow(r))
                    c_.report(e->getBeginLoc(), "KS-RETREF",
                              "generic lambda returns a reference or view ('" + r.getAsString() +
                                  "') when instantiated");
                if (spec->hasBody() && c_.checked(e->getBeginLoc()))
                    borrow_.scan_body(spec->getBody());
                if (spec->hasBody() && !TraverseStmt(spec->getBody()))
                    return false;
            }
        return true;
    }

    // ---- declarations ----------------------------------------------------
    void check_attrs(const Decl* d) {
        for (const Attr* a : d->attrs()) {
            if (a->isImplicit() || a->isInherited() || !c_.checked(a->getLocation()))
                continue;
            if (isa<AlignedAttr>(a) && isa<TypedefNameDecl>(d)) {
                c_.report(a->getLocation(), "KS-UB",
                          "alignment attribute on a typedef can under-align objects");
                continue;
            }
            // KS-STACK (finding R4-05): an over-aligned object on the stack
            // makes the function realign %rsp (`and $-N, %rsp`), an unprobed
            // drop of up to N-1 bytes that can jump the guard page; the
            // frame-size limit does not count it.
            if (const auto* al = dyn_cast<AlignedAttr>(a);
                al && !al->isAlignmentDependent() &&
                al->getAlignment(ctx_) > 16 * 8) {
                c_.report(a->getLocation(), "KS-STACK",
                          "alignment above 16 bytes: a stack object of this type would "
                          "realign the stack pointer without probing, past the guard page");
                continue;
            }
            if (!decl_attr_allowed(a))
                c_.report(a->getLocation(), rule_for_refused_attr(a),
                          Twine("attribute '") + a->getSpelling() +
                              "' is not allowed in checked code");
        }
    }

    bool VisitDecl(Decl* d) {
        if (d->isImplicit() || !c_.checked(d->getLocation()))
            return true;
        check_attrs(d);
        // Trusted templates recognise raw-access hooks by name (klib's
        // SpanSource concept calls `c.unsafe_data()` on any container): a
        // checked `unsafe_data()` returning nullptr_t with a huge size()
        // would make a Span over address 0.
        if (const auto* nd = dyn_cast<NamedDecl>(d);
            nd && nd->getIdentifier() && nd->getName().starts_with("unsafe_"))
            c_.report(d->getLocation(), "KS-UNSAFE-CALL",
                      "the 'unsafe_' name prefix is reserved to trusted code (trusted templates "
                      "treat 'unsafe_*' members as raw-access hooks)");
        if (isa<LinkageSpecDecl>(d))
            c_.report(d->getLocation(), "KS-NS", "extern \"C\"/linkage blocks are not allowed");
        if (isa<FileScopeAsmDecl>(d))
            c_.report(d->getLocation(), "KS-HW", "file-scope asm is not allowed");
        if (const auto* ns = dyn_cast<NamespaceDecl>(d)) {
            if (reserved_namespace(ns, c_.in_safe_lib(ns->getLocation())))
                c_.report(d->getLocation(), "KS-NS",
                          "checked code may not declare anything in namespace '" +
                              ns->getQualifiedNameAsString() +
                              "' (framework/library/compiler namespaces)");
        } else if (d->getDeclContext() != d->getLexicalDeclContext() &&
                   reserved_namespace(d->getDeclContext(), c_.in_safe_lib(d->getLocation()))) {
            c_.report(d->getLocation(), "KS-NS",
                      "out-of-line declaration into a framework/library namespace");
        }
        return true;
    }

    bool VisitTypedefNameDecl(TypedefNameDecl* d) {
        if (!c_.checked(d->getLocation()))
            return true;
        QualType t = d->getUnderlyingType();
        if (unsigned f = types_.walk(t))
            types_.report(d->getLocation(), f, t, "type alias '" + d->getName() + "'");
        return true;
    }

    bool VisitValueDecl(ValueDecl* d) {
        if (d->isImplicit() || !c_.checked(d->getLocation()) || isa<FunctionDecl>(d))
            return true;
        QualType t = d->getType();
        unsigned f = types_.walk(t);
        if (isa<ParmVarDecl>(d))
            f &= ~unsigned(TF_Array); // reported on the written type; decays anyway
        if ((f & TF_ViewArg) && local_view_wrapper(d)) {
            // `auto p = keel::boot_param("root")` (Optional<StringView>): a
            // local or parameter that is itself a view, so the view rules
            // (no assignment, no rebinding, no storing, no returning) apply.
            f &= ~unsigned(TF_ViewArg);
            if (const auto* dd = dyn_cast<DeclaratorDecl>(d))
                if (TypeSourceInfo* tsi = dd->getTypeSourceInfo())
                    wrapper_tls_.push_back({tsi->getTypeLoc().getSourceRange(), wrapper_key(t)});
        }
        if (f)
            types_.report(d->getLocation(), f, t, "declaration of '" + d->getName() + "'");
        return true;
    }

    bool VisitFieldDecl(FieldDecl* d) {
        if (d->isImplicit() || !c_.checked(d->getLocation()))
            return true;
        if (d->hasInClassInitializer() && d->getInClassInitializer())
            borrow_.scan_body(d->getInClassInitializer()); // calls in default member initialisers
        if (d->getType()->isReferenceType())
            c_.report(d->getLocation(), "KS-BORROW",
                      "reference member '" + d->getName() + "' (a stored borrow)");
        else if (types_.is_view(d->getType()))
            c_.report(d->getLocation(), "KS-BORROW",
                      "view member '" + d->getName() + "' of type '" + d->getType().getAsString() +
                          "' (a stored borrow)");
        return true;
    }

    bool VisitVarDecl(VarDecl* v) {
        if (v->isImplicit() || !c_.checked(v->getLocation()))
            return true;
        QualType t = v->getType();
        // KS-STACK (finding R4-05): over-aligned objects (also of trusted
        // types) on the stack realign %rsp without probing.
        if (v->hasLocalStorage() && !t->isDependentType() && !t->isIncompleteType() &&
            !t->isReferenceType() && ctx_.getTypeAlignInChars(t).getQuantity() > 16)
            c_.report(v->getLocation(), "KS-STACK",
                      "'" + v->getName() + "' is aligned to " +
                          Twine(ctx_.getTypeAlignInChars(t).getQuantity()) +
                          " bytes: the function would realign the stack pointer without "
                          "probing, past the guard page (keep it on the heap: Box)");
        if (isa<ParmVarDecl>(v))
            return true;
        if (v->getTLSKind() != VarDecl::TLS_None)
            c_.report(v->getLocation(), "KS-GLOBAL", "thread_local variables are not allowed");
        if (v->getStorageClass() == SC_Extern || v->isExternC())
            c_.report(v->getLocation(), "KS-NS",
                      "extern variable declarations are not allowed (link-time symbol forging)");
        if (v->isFirstDecl() == false) {
            for (const VarDecl* r : v->redecls())
                if (!c_.checked(r->getLocation())) {
                    c_.report(v->getLocation(), "KS-NS", "redeclares a trusted variable");
                    break;
                }
        }
        if (v->hasGlobalStorage()) {
            check_global(v);
        } else if (v->isLocalVarDecl() && !v->isCXXForRangeDecl() && types_.is_borrow(t) &&
                   v->hasInit()) {
            if (const Expr* tmp = dangling_temporary(v->getInit(), !t->isReferenceType()))
                c_.report(tmp->getExprLoc(), "KS-BORROW",
                          "reference/view '" + v->getName() +
                              "' would borrow a temporary that dies at the end of the "
                              "full-expression");
        }
        return true;
    }

    bool VisitFunctionDecl(FunctionDecl* fd) {
        if (fd->isImplicit())
            return true;
        if (!c_.checked(fd->getLocation())) {
            // A function whose name comes from a trusted macro (KTEST's
            // token-pasted ktest_fn_NAME) but whose body is written in
            // checked code: the body is checked code.
            if (fd->doesThisDeclarationHaveABody() && fd->getBody() &&
                c_.checked(fd->getBody()->getBeginLoc()))
                borrow_.scan_body(fd->getBody());
            return true;
        }
        if (fd->isVariadic())
            c_.report(fd->getLocation(), "KS-STACK",
                      "C variadic function '" + fd->getName() + "' (use a variadic template)");
        QualType ret = fd->getReturnType();
        if (unsigned f = types_.walk(ret))
            types_.report(fd->getLocation(), f, ret,
                          "return type of '" + fd->getNameAsString() + "'");
        // KS-CONTAINER (static part) on the body; also blesses borrowing
        // lambdas kept in a local that is only ever called.
        if (fd->doesThisDeclarationHaveABody())
            borrow_.scan_body(fd->getBody());
        if (const auto* ctor = dyn_cast<CXXConstructorDecl>(fd))
            for (const CXXCtorInitializer* ci : ctor->inits())
                if (ci->isWritten() && ci->getInit())
                    borrow_.scan_body(ci->getInit()); // calls in mem-initialisers
        if (!ret->isDependentType() && !ret->isUndeducedType() && types_.is_borrow(ret) &&
            !is_assignment_returning_this(fd) && !returns_only_literals(fd) &&
            !borrow_.returns_subview_of_params(fd))
            c_.report(fd->getLocation(), "KS-RETREF",
                      "'" + fd->getNameAsString() + "' returns a reference or view ('" +
                          ret.getAsString() + "'): return values, indices or use a callback");
        if (const auto* fpt = fd->getType()->getAs<FunctionProtoType>())
            if (fpt->getMethodQuals().hasVolatile())
                c_.report(fd->getLocation(), "KS-HW", "volatile member function");
        if (fd->isExternC())
            c_.report(fd->getLocation(), "KS-NS", "extern \"C\" functions are not allowed");
        // The framework declares service hooks in namespace `services`
        // (services::kernel_main): a service may *define* those. Any other
        // redeclaration of a trusted function, or of a friend of a trusted
        // class, is refused.
        bool hook = fd->isThisDeclarationADefinition() && in_services_namespace(fd);
        for (const FunctionDecl* r : fd->redecls())
            if (r != fd && !c_.checked(r->getLocation()) &&
                (!hook || r->getFriendObjectKind() != Decl::FOK_None)) {
                c_.report(fd->getLocation(), "KS-NS",
                          "'" + fd->getNameAsString() +
                              "' redeclares a function declared in trusted code (" +
                              r->getLocation().printToString(c_.sm()) + ")");
                break;
            }
        if (fd->getTemplateSpecializationKind() == TSK_ExplicitSpecialization)
            if (FunctionTemplateDecl* pt = fd->getPrimaryTemplate())
                if (!c_.checked(pt->getLocation()))
                    c_.report(fd->getLocation(), "KS-NS",
                              "explicit specialization of a trusted function template");
        switch (fd->getOverloadedOperator()) {
        case OO_New:
        case OO_Delete:
        case OO_Array_New:
        case OO_Array_Delete:
            c_.report(fd->getLocation(), "KS-MEM", "declaring operator new/delete");
            break;
        default:
            break;
        }
        if (fd->isThisDeclarationADefinition() && fd->getIdentifier() &&
            name_in(fd->getName(), {"main", "_start"}) && fd->getDeclContext()->isTranslationUnit())
            c_.report(fd->getLocation(), "KS-NS", "entry-point names are reserved");
        return true;
    }

    bool VisitRecordDecl(RecordDecl* rd) {
        if (rd->isImplicit() || !c_.checked(rd->getLocation()) || rd->isLambda())
            return true;
        if (rd->isUnion())
            c_.report(rd->getLocation(), "KS-UNION",
                      "unions are not allowed (use a checked Variant/Optional)");
        for (const TagDecl* r : rd->redecls())
            if (r != rd && !c_.checked(r->getLocation())) {
                c_.report(rd->getLocation(), "KS-NS",
                          "'" + rd->getName() + "' redeclares a class declared in trusted code");
                break;
            }
        if (const auto* spec = dyn_cast<ClassTemplateSpecializationDecl>(rd))
            if (spec->isExplicitSpecialization() &&
                !c_.checked(spec->getSpecializedTemplate()->getLocation()))
                c_.report(rd->getLocation(), "KS-NS",
                          "explicit specialization of a trusted class template");
        if (const auto* cxx = dyn_cast<CXXRecordDecl>(rd);
            cxx && cxx->hasDefinition() && cxx->isThisDeclarationADefinition()) {
            for (const CXXBaseSpecifier& b : cxx->bases())
                if (types_.is_view(b.getType()))
                    c_.report(b.getBeginLoc(), "KS-BORROW", "deriving from a view type");
            check_field_init(cxx);
        }
        return true;
    }

    // Written types anywhere: casts, template arguments, sizeof, aliases...
    bool VisitTypeLoc(TypeLoc tl) {
        SourceLocation loc = tl.getBeginLoc();
        if (loc.isInvalid() || !c_.checked(loc))
            return true;
        QualType t = tl.getType();
        bool sugar = false;
        switch (tl.getTypeLocClass()) {
        case TypeLoc::Typedef:
        case TypeLoc::Using:
        case TypeLoc::Decltype:
        case TypeLoc::TypeOfExpr:
        case TypeLoc::TypeOf:
        case TypeLoc::Auto:
        case TypeLoc::DeducedTemplateSpecialization:
        case TypeLoc::SubstTemplateTypeParm:
        case TypeLoc::UnaryTransform:
        case TypeLoc::PackIndexing:
            sugar = true;
            break;
        default:
            break;
        }
        unsigned f = types_.walk(t, sugar);
        if (f & TF_ViewArg)
            for (const auto& [range, key] : wrapper_tls_)
                if (key == wrapper_key(t) &&
                    !c_.sm().isBeforeInTranslationUnit(loc, range.getBegin()) &&
                    !c_.sm().isBeforeInTranslationUnit(range.getEnd(), loc)) {
                    f &= ~unsigned(TF_ViewArg);
                    break;
                }
        if (f)
            types_.report(loc, f, t, "written type");
        return true;
    }

    // ---- statements ------------------------------------------------------
    bool VisitStmt(Stmt* s) {
        SourceLocation loc = s->getBeginLoc();
        if (!c_.checked(loc))
            return true;
        if (isa<GCCAsmStmt, MSAsmStmt>(s))
            c_.report(loc, "KS-HW", "inline assembly is not allowed in checked code");
        else if (isa<GotoStmt, IndirectGotoStmt>(s))
            c_.report(loc, "KS-STACK", "goto is not allowed");
        else if (isa<LabelStmt>(s))
            c_.report(loc, "KS-STACK", "labels are not allowed");
        else if (isa<AddrLabelExpr>(s))
            c_.report(loc, "KS-STACK", "label addresses are not allowed");
        else if (isa<CoroutineBodyStmt, CoreturnStmt, CoawaitExpr, CoyieldExpr,
                     DependentCoawaitExpr>(s))
            c_.report(loc, "KS-STACK", "coroutines are not allowed");
        else if (isa<VAArgExpr>(s))
            c_.report(loc, "KS-STACK", "va_arg is not allowed");
        else if (isa<CXXNewExpr>(s))
            c_.report(loc, "KS-MEM",
                      "new-expressions (including placement new) are not allowed: "
                      "use klib::Box/Arc/Vec");
        else if (isa<CXXDeleteExpr>(s))
            c_.report(loc, "KS-MEM", "delete-expressions are not allowed");
        else if (isa<CXXPseudoDestructorExpr>(s))
            c_.report(loc, "KS-MEM", "explicit destructor calls are not allowed");
        else if (isa<ArraySubscriptExpr, MatrixSubscriptExpr>(s) &&
                 !cast<Expr>(s)->isTypeDependent() && !cast<Expr>(s)->isInstantiationDependent())
            c_.report(loc, "KS-BOUNDS", "built-in subscript (C array or pointer indexing)");
        else if (isa<BuiltinBitCastExpr, AsTypeExpr>(s))
            c_.report(loc, "KS-CAST", "__builtin_bit_cast is not allowed");
        else if (isa<CXXTryStmt, CXXThrowExpr, SEHTryStmt>(s))
            c_.report(loc, "KS-UB", "exceptions are not available in the kernel");
        if (const auto* as = dyn_cast<AttributedStmt>(s))
            for (const Attr* a : as->getAttrs()) {
                if (a->isImplicit())
                    continue;
                switch (a->getKind()) {
                case attr::FallThrough:
                case attr::Likely:
                case attr::Unlikely:
                case attr::NoMerge:
                case attr::NoInline:
                case attr::AlwaysInline:
                    break;
                case attr::CXXAssume:
                    c_.report(a->getLocation(), "KS-UB",
                              "[[assume]] turns a false assumption into undefined behaviour");
                    break;
                case attr::MustTail:
                    c_.report(a->getLocation(), "KS-STACK", "[[clang::musttail]]");
                    break;
                default:
                    c_.report(a->getLocation(), "KS-WEAKEN",
                              Twine("statement attribute '") + a->getSpelling() +
                                  "' is not allowed");
                }
            }
        return true;
    }

    // KS-UB: GNU statement expressions `({ ... })` (finding 12, issue 11).
    // Their locals die at the closing brace, no lifetime rule follows a
    // value out of a block expression, and a jump out of one (`return`,
    // `break`) leaves a half-evaluated full-expression whose cleanups are
    // the compiler's business. Checked code may not write one at all: the
    // only statement expressions it reaches are the expansions of the
    // trusted TRY / MUST / KLIB_TRY_MAP macros, whose shape is fixed (their
    // arguments are parenthesised, so no statement can be spliced in; each
    // statement directly inside must be spelled in the trusted macro) and
    // whose `return` runs the cleanups of the constructed temporaries
    // (host test KlibResult.TryLeavesHalfBuiltExpressionsClean, under
    // ASan). Refused: any `({` spelled in a checked file, and a trusted one
    // holding a statement spelled in checked code.
    bool VisitStmtExpr(StmtExpr* e) {
        if (c_.checked(e->getBeginLoc())) {
            c_.report(e->getBeginLoc(), "KS-UB",
                      "GNU statement expression: a value may refer to a local that dies at "
                      "its closing brace and a jump out of it leaves a half-evaluated "
                      "expression; use a function, or the trusted TRY/TRY_SYS/MUST macros");
            return true;
        }
        if (const CompoundStmt* cs = e->getSubStmt())
            for (const Stmt* st : cs->body())
                if (st && c_.checked(st->getBeginLoc())) {
                    c_.report(st->getBeginLoc(), "KS-UB",
                              "statement spliced into a trusted statement-expression macro "
                              "(TRY/MUST): only the macro's own statements may run there");
                    return true;
                }
        return true;
    }

    // ---- expressions -----------------------------------------------------
    bool VisitExpr(Expr* e) {
        if (!c_.checked(e->getExprLoc()) || exempt_.count(e))
            return true;
        if (isa<CXXDefaultArgExpr, CXXDefaultInitExpr, ImplicitValueInitExpr, OpaqueValueExpr,
                NoInitExpr>(e))
            return true;
        QualType t = e->getType();
        if (t.isNull() || t->isFunctionType() ||
            t->isSpecificPlaceholderType(BuiltinType::BoundMember) ||
            t->isSpecificPlaceholderType(BuiltinType::Overload) || t->isDependentType())
            return true;
        unsigned f = types_.walk(t) &
                     (TF_Pointer | TF_Volatile | TF_AddrSpace | TF_Union | TF_Varargs | TF_Unsafe |
                      TF_Vector);
        if (f) {
            StringRef what = isa<CXXThisExpr>(e->IgnoreParenImpCasts())
                                 ? "'this' used other than for member access"
                                 : "expression";
            types_.report(e->getExprLoc(), f, t, what);
        }
        return true;
    }

    bool VisitUnaryOperator(UnaryOperator* u) {
        if (!c_.checked(u->getOperatorLoc()))
            return true;
        if (u->getOpcode() == UO_AddrOf)
            c_.report(u->getOperatorLoc(), "KS-ADDR", "taking an address ('&') is not allowed");
        else if (u->getOpcode() == UO_Deref)
            exempt_this(u->getSubExpr());
        return true;
    }

    bool VisitMemberExpr(MemberExpr* m) {
        exempt_this(m->getBase());
        // `box->field`: the pointer from a trusted operator-> is used only
        // for this member access.
        if (m->isArrow()) {
            const Expr* b = m->getBase();
            llvm::SmallVector<const Expr*, 4> chain;
            while (const auto* ice = dyn_cast<ImplicitCastExpr>(b)) {
                chain.push_back(ice);
                b = ice->getSubExpr();
            }
            if (const auto* oc = dyn_cast<CXXOperatorCallExpr>(b);
                oc && oc->getOperator() == OO_Arrow && oc->getDirectCallee() &&
                c_.zone(oc->getDirectCallee()->getLocation()) == Zone::Trusted) {
                chain.push_back(oc);
                exempt_.insert(chain.begin(), chain.end());
            }
        }
        if (!c_.checked(m->getExprLoc()))
            return true;
        if (m->getBase()->getType()->getPointeeOrArrayElementType()->isUnionType() ||
            m->getBase()->getType()->isUnionType())
            c_.report(m->getExprLoc(), "KS-UNION", "access to a union member");
        check_unsafe_decl(m->getMemberDecl(), m->getExprLoc());
        return true;
    }

    bool VisitDeclRefExpr(DeclRefExpr* r) {
        if (c_.checked(r->getExprLoc()))
            check_unsafe_decl(r->getDecl(), r->getExprLoc());
        return true;
    }

    bool VisitCallExpr(CallExpr* call) {
        if (const auto* ice = dyn_cast<ImplicitCastExpr>(call->getCallee()))
            if (ice->getCastKind() == CK_FunctionToPointerDecay ||
                ice->getCastKind() == CK_BuiltinFnToFnPtr)
                exempt_.insert(ice);
        const FunctionDecl* fd = call->getDirectCallee();
        unsigned offset = 0;
        if (isa<CXXOperatorCallExpr>(call) && fd && isa<CXXMethodDecl>(fd))
            offset = 1;
        if (fd)
            bless_args(fd, llvm::ArrayRef<const Expr*>(call->getArgs(), call->getNumArgs()),
                       offset);
        SourceLocation loc = call->getExprLoc();
        if (!c_.checked(loc))
            return true;
        if (fd)
            check_view_args(fd, llvm::ArrayRef<const Expr*>(call->getArgs(), call->getNumArgs()),
                            offset, object_of(call));
        if (!fd) {
            if (!call->getType()->isDependentType() &&
                !isa<CXXPseudoDestructorExpr>(call->getCallee()) && !call->isTypeDependent() &&
                !call->isValueDependent())
                c_.report(loc, "KS-PTR", "indirect call through a function pointer");
            return true;
        }
        check_unsafe_decl(fd, loc);
        if (const auto* fpt = fd->getType()->getAs<FunctionProtoType>(); fpt && fpt->isVariadic())
            c_.report(loc, "KS-STACK",
                      "call to C variadic function '" + fd->getNameAsString() + "'");
        switch (fd->getOverloadedOperator()) {
        case OO_New:
        case OO_Delete:
        case OO_Array_New:
        case OO_Array_Delete:
            c_.report(loc, "KS-MEM", "calling operator new/delete");
            break;
        case OO_Amp:
            if (call->getNumArgs() == 1)
                c_.report(loc, "KS-ADDR", "unary operator& is not allowed");
            break;
        case OO_Equal:
            if (auto* oc = dyn_cast<CXXOperatorCallExpr>(call);
                oc && types_.is_view(oc->getArg(0)->getType()) && !literal_reassignment(oc))
                c_.report(loc, "KS-BORROW",
                          "assigning to a view: views are bound once, at their declaration");
            break;
        default:
            break;
        }
        if (isa<CXXDestructorDecl>(fd))
            c_.report(loc, "KS-MEM", "explicit destructor calls are not allowed");
        if (const auto* md = dyn_cast<CXXMethodDecl>(fd);
            md && (md->isCopyAssignmentOperator() || md->isMoveAssignmentOperator()) &&
            isa<CXXMemberCallExpr>(call) && types_.is_view(md->getThisType()->getPointeeType()))
            c_.report(loc, "KS-BORROW", "assigning to a view");
        bool builtin = fd->getBuiltinID() != 0;
        StringRef name = fd->getIdentifier() ? fd->getName() : "";
        // Library names (memcpy, strcpy, malloc, ...) are refused by name
        // unless the callee is the service's own function: one that happens
        // to be called `string_of` or `memory_usage` is ordinary checked code.
        // (Defined here, in checked code: a mere declaration could stand for
        // a library symbol.)
        const FunctionDecl* def = fd->getDefinition();
        const bool own_function =
            !builtin && def != nullptr && c_.checked(def->getLocation()) && !name.starts_with("__");
        if (!name.empty() && !own_function &&
            (builtin || name.starts_with("__builtin") || !in_keel_or_klib(fd))) {
            StringRef rule = rule_for_callee_name(name, builtin || name.starts_with("__"));
            if (!rule.empty())
                c_.report(loc, rule, "call to '" + name + "' is not allowed in checked code");
        }
        return true;
    }

    bool VisitCXXConstructExpr(CXXConstructExpr* e) {
        const CXXConstructorDecl* ctor = e->getConstructor();
        bless_args(ctor, llvm::ArrayRef<const Expr*>(e->getArgs(), e->getNumArgs()), 0);
        if (c_.checked(e->getExprLoc())) {
            check_unsafe_decl(ctor, e->getExprLoc());
            check_view_args(ctor, llvm::ArrayRef<const Expr*>(e->getArgs(), e->getNumArgs()), 0);
        }
        return true;
    }

    bool VisitLambdaExpr(LambdaExpr* e) {
        if (!c_.checked(e->getBeginLoc()))
            return true;
        const CXXRecordDecl* closure = e->getLambdaClass();
        bool borrows = false;
        for (const LambdaCapture& cap : e->captures()) {
            if (cap.getCaptureKind() == LCK_This || cap.getCaptureKind() == LCK_ByRef)
                borrows = true;
            if (cap.capturesVariable())
                if (const auto* vd = dyn_cast<VarDecl>(cap.getCapturedVar()))
                    if (types_.is_view(vd->getType()))
                        borrows = true;
        }
        if (closure && types_.is_view(QualType(closure->getTypeForDecl(), 0)))
            borrows = true;
        // The capture of `this` is itself a `this` expression; whether the
        // lambda may borrow it is decided here.
        for (const Expr* init : e->capture_inits())
            if (init && isa<CXXThisExpr>(init->IgnoreParenImpCasts()))
                exempt_this(init);
        if (const CXXMethodDecl* op = e->getCallOperator()) {
            // Attributes written on the lambda's call operator
            // (`[] [[clang::no_sanitize("undefined")]] (int y) {...}`).
            check_attrs(op);
            // A borrowing closure that can name itself (`this auto self`)
            // can copy itself out of the expression that blessed it.
            if (borrows && op->isExplicitObjectMemberFunction())
                c_.report(e->getBeginLoc(), "KS-BORROW",
                          "a lambda that captures by reference, 'this' or a view may not have an "
                          "explicit object parameter (it could copy itself and escape)");
        }
        if (borrows && !lambdas_ok_.count(e))
            c_.report(e->getBeginLoc(), "KS-BORROW",
                      "lambda capturing by reference, 'this' or a view may only be passed "
                      "directly to a trusted [[clang::noescape]] or FunctionRef parameter "
                      "(it could outlive what it borrows)");
        if (const CXXMethodDecl* op = e->getCallOperator()) {
            QualType r = op->getReturnType();
            if (!r->isDependentType() && !r->isUndeducedType() && types_.is_borrow(r))
                c_.report(e->getBeginLoc(), "KS-RETREF",
                          "lambda returns a reference or view ('" + r.getAsString() + "')");
        }
        return true;
    }

    // ---- casts -----------------------------------------------------------
    bool VisitCStyleCastExpr(CStyleCastExpr* e) {
        if (c_.checked(e->getBeginLoc()) && e->getCastKind() != CK_ToVoid)
            c_.report(e->getBeginLoc(), "KS-CAST",
                      "C-style casts are not allowed (use a functional or static_cast "
                      "between arithmetic types)");
        return true;
    }
    bool VisitCXXReinterpretCastExpr(CXXReinterpretCastExpr* e) {
        if (c_.checked(e->getBeginLoc()))
            c_.report(e->getBeginLoc(), "KS-CAST", "reinterpret_cast is not allowed");
        return true;
    }
    bool VisitCXXConstCastExpr(CXXConstCastExpr* e) {
        if (c_.checked(e->getBeginLoc()))
            c_.report(e->getBeginLoc(), "KS-CAST", "const_cast is not allowed");
        return true;
    }
    bool VisitCXXDynamicCastExpr(CXXDynamicCastExpr* e) {
        if (c_.checked(e->getBeginLoc()))
            c_.report(e->getBeginLoc(), "KS-CAST", "dynamic_cast is not allowed");
        return true;
    }
    bool VisitCXXAddrspaceCastExpr(CXXAddrspaceCastExpr* e) {
        if (c_.checked(e->getBeginLoc()))
            c_.report(e->getBeginLoc(), "KS-CAST", "addrspace_cast is not allowed");
        return true;
    }
    bool VisitCXXStaticCastExpr(CXXStaticCastExpr* e) {
        if (c_.checked(e->getBeginLoc()))
            check_named_cast(e, "static_cast");
        return true;
    }
    bool VisitCXXFunctionalCastExpr(CXXFunctionalCastExpr* e) {
        if (c_.checked(e->getBeginLoc()))
            check_named_cast(e, "functional cast");
        return true;
    }

private:
    // KS-INIT: every scalar field of a checked class (and every field whose
    // type is a template parameter) is initialised by a default member
    // initialiser, or by a mem-initialiser in every constructor that can
    // run. An implicit or defaulted default constructor, or a user-written
    // one that skips the field, leaves it indeterminate: stack objects are
    // zeroed by -ftrivial-auto-var-init, but temporaries, reused container
    // slots and members of heap objects are not, and clang folds reads of
    // undef into anything. Copy/move constructors that the compiler writes
    // copy the field from an initialised source.
    // Default-initialising an object of type `t` leaves no scalar inside it
    // indeterminate: a class whose default constructor is user-provided
    // (trusted code's own promise; a checked class's constructor is checked
    // here field by field), or whose implicit/defaulted one reaches only
    // fields with default member initialisers or of such types, and bases
    // of such types. Scalars and arrays of them are not.
    bool default_init_complete(QualType t, int depth = 0) {
        t = t.getCanonicalType();
        while (const auto* at = dyn_cast<ArrayType>(t.getTypePtr()))
            t = at->getElementType().getCanonicalType();
        if (t->isReferenceType() || t->isDependentType())
            return true;
        if (t->isScalarType())
            return false;
        const CXXRecordDecl* rd = t->getAsCXXRecordDecl();
        if (!rd || !rd->hasDefinition() || depth > 16)
            return true; // incomplete: not usable as a field anyway
        if (c_.checked(rd->getLocation()))
            return true; // a checked class: its own fields are checked where it is declared
        if (rd->isUnion())
            return rd->hasUserProvidedDefaultConstructor();
        if (rd->hasUserProvidedDefaultConstructor())
            return true;
        // No usable default constructor: never default-initialised (every
        // owner must construct it explicitly).
        bool has_default = rd->needsImplicitDefaultConstructor();
        for (const CXXConstructorDecl* ctor : rd->ctors())
            if (ctor->isDefaultConstructor()) {
                if (ctor->isUserProvided())
                    return true;
                if (!ctor->isDeleted())
                    has_default = true;
            }
        if (!has_default)
            return true;
        for (const CXXBaseSpecifier& b : rd->bases())
            if (!default_init_complete(b.getType(), depth + 1))
                return false;
        for (const FieldDecl* f : rd->fields()) {
            if (f->isUnnamedBitField() || f->hasInClassInitializer())
                continue;
            if (!default_init_complete(f->getType(), depth + 1))
                return false;
        }
        return true;
    }

    void check_field_init(const CXXRecordDecl* rd) {
        if (rd->isLambda() || rd->isUnion())
            return;
        if (const auto* spec = dyn_cast<ClassTemplateSpecializationDecl>(rd);
            spec && !spec->isExplicitSpecialization())
            return; // the pattern is checked
        // Bases: default-initialised unless a constructor names them.
        for (const CXXBaseSpecifier& b : rd->bases()) {
            if (b.getType()->isDependentType() || default_init_complete(b.getType()))
                continue;
            const CXXRecordDecl* brd = b.getType()->getAsCXXRecordDecl();
            bool bad = rd->needsImplicitDefaultConstructor();
            for (const CXXConstructorDecl* ctor : rd->ctors()) {
                if (ctor->isDeleted() || bad)
                    continue;
                if (!ctor->isUserProvided()) {
                    bad = ctor->isDefaultConstructor();
                    continue;
                }
                const CXXConstructorDecl* def = ctor;
                if (const FunctionDecl* d = ctor->getDefinition())
                    def = cast<CXXConstructorDecl>(d);
                bool init = false;
                for (const CXXCtorInitializer* ci : def->inits())
                    if (ci->isWritten() &&
                        (ci->isDelegatingInitializer() ||
                         (ci->getBaseClass() && brd &&
                          ci->getBaseClass()->getAsCXXRecordDecl() == brd)))
                        init = true;
                bad = !init;
            }
            if (bad)
                c_.report(b.getBeginLoc(), "KS-INIT",
                          "base '" + b.getType().getAsString() +
                              "' has scalars that a constructor leaves indeterminate (name it "
                              "in every constructor's mem-initialiser list, e.g. '" +
                              b.getType().getAsString() + "{}')");
        }
        for (const FieldDecl* f : rd->fields()) {
            if (f->isImplicit() || f->hasInClassInitializer() || f->isUnnamedBitField())
                continue;
            QualType t = f->getType();
            // A class-type field is fine when default-initialising it sets
            // every scalar inside (red-team finding R4-03: a trusted
            // aggregate such as keel::UserRegs has none of its own).
            if (!t->isScalarType() && !t->isDependentType() && default_init_complete(t))
                continue;
            // The implicit default constructor (if the class has one that
            // can be used) default-initialises the field.
            const CXXConstructorDecl* bad = nullptr;
            bool implicit_default = rd->needsImplicitDefaultConstructor();
            for (const CXXConstructorDecl* ctor : rd->ctors()) {
                if (ctor->isDeleted())
                    continue;
                if (!ctor->isUserProvided()) {
                    // `= default` on the first declaration, or implicit:
                    // copy/move copy the field; the default constructor
                    // leaves it indeterminate.
                    if (ctor->isDefaultConstructor())
                        bad = ctor;
                    continue;
                }
                bool init = false;
                for (const CXXCtorInitializer* ci : ctor->inits())
                    if (ci->isWritten() && (ci->getMember() == f || ci->isDelegatingInitializer()))
                        init = true;
                if (!init && ctor->isThisDeclarationADefinition())
                    bad = ctor;
                else if (!init && !ctor->hasBody())
                    if (const FunctionDecl* def = ctor->getDefinition(); def && def != ctor) {
                        const auto* dc = cast<CXXConstructorDecl>(def);
                        bool di = false;
                        for (const CXXCtorInitializer* ci : dc->inits())
                            if (ci->isWritten() &&
                                (ci->getMember() == f || ci->isDelegatingInitializer()))
                                di = true;
                        if (!di)
                            bad = dc;
                    }
                if (bad)
                    break;
            }
            if (bad && bad->isUserProvided())
                c_.report(f->getLocation(), "KS-INIT",
                          "field '" + f->getName() + "' of type '" + t.getAsString() +
                              "' is not initialised by the constructor at " +
                              bad->getLocation().printToString(c_.sm()) +
                              " (give it a default member initialiser, e.g. '" +
                              f->getName() + "{}', or a mem-initialiser)");
            else if (bad || implicit_default)
                c_.report(f->getLocation(), "KS-INIT",
                          "field '" + f->getName() + "' of type '" + t.getAsString() +
                              "' has no default member initialiser and the default "
                              "constructor leaves it indeterminate (write '" +
                              f->getName() + "{}' or '= value')");
        }
    }

    void check_named_cast(ExplicitCastExpr* e, StringRef what) {
        QualType to = e->getTypeAsWritten();
        QualType from = e->getSubExpr()->getType();
        switch (e->getCastKind()) {
        case CK_NoOp:
        case CK_IntegralCast:
        case CK_IntegralToBoolean:
        case CK_FloatingCast:
        case CK_IntegralToFloating:
        case CK_FloatingToIntegral:
        case CK_FloatingToBoolean:
        case CK_BooleanToSignedIntegral:
        case CK_ConstructorConversion:
        case CK_UserDefinedConversion:
        case CK_ToVoid:
        case CK_LValueToRValue:
        case CK_Dependent:
        case CK_DerivedToBase:
        case CK_UncheckedDerivedToBase:
            break;
        case CK_BaseToDerived:
            c_.report(e->getBeginLoc(), "KS-CAST",
                      what + " to a derived class (unchecked downcast)");
            return;
        default:
            c_.report(e->getBeginLoc(), "KS-CAST",
                      what + " of kind '" + e->getCastKindName() + "' is not allowed");
            return;
        }
        if (from->isVoidPointerType() || (from->isPointerType() && to->isPointerType()))
            c_.report(e->getBeginLoc(), "KS-CAST", what + " between pointer types");
        if (const auto* et = to.getCanonicalType()->getAs<EnumType>())
            if (!et->getDecl()->isFixed() && to.getCanonicalType().getUnqualifiedType() !=
                                                 from.getCanonicalType().getUnqualifiedType())
                c_.report(e->getBeginLoc(), "KS-CAST",
                          what + " to an enum without a fixed underlying type (out-of-range "
                                 "values are undefined)");
    }

    void check_unsafe_decl(const Decl* d, SourceLocation loc) {
        if (!d)
            return;
        const Decl* pattern = d;
        if (const auto* fd = dyn_cast<FunctionDecl>(d))
            if (const FunctionDecl* p = fd->getTemplateInstantiationPattern())
                pattern = p;
        bool unsafe = TypeRules::has_annotation(d, "keel_unsafe") ||
                      TypeRules::has_annotation(pattern, "keel_unsafe");
        for (const DeclContext* dc = d->getDeclContext(); !unsafe && dc; dc = dc->getParent())
            if (const auto* rd = dyn_cast<CXXRecordDecl>(dc))
                unsafe = TypeRules::has_annotation(rd, "keel_unsafe");
        if (unsafe) {
            const auto* nd = dyn_cast<NamedDecl>(d);
            c_.report(loc, "KS-UNSAFE-CALL",
                      "'" + (nd ? nd->getQualifiedNameAsString() : std::string("?")) +
                          "' is marked keel_unsafe (framework only)");
        }
    }

    // `this` may appear only as the object of a member access or `*this`.
    void exempt_this(const Expr* e) {
        llvm::SmallVector<const Expr*, 4> chain;
        while (e) {
            chain.push_back(e);
            if (isa<CXXThisExpr>(e)) {
                exempt_.insert(chain.begin(), chain.end());
                return;
            }
            if (const auto* ice = dyn_cast<ImplicitCastExpr>(e))
                e = ice->getSubExpr();
            else if (const auto* p = dyn_cast<ParenExpr>(e))
                e = p->getSubExpr();
            else
                return;
        }
    }

    // Arguments of a call to a trusted function: a string literal may decay
    // to `const char*`, and a borrowing lambda may be passed directly to a
    // [[clang::noescape]] parameter or a FunctionRef/view parameter.
    void bless_args(const FunctionDecl* fd, llvm::ArrayRef<const Expr*> args, unsigned offset) {
        if (!fd)
            return;
        if (c_.zone(fd->getLocation()) == Zone::Checked) {
            // A checked callee's view parameter (`klib::FunctionRef<void(int)> f`
            // written as such, not a deduced template parameter) follows the
            // view rules: it cannot be stored, returned, rebound or handed
            // to a trusted function that keeps it. So a borrowing lambda may
            // be passed to it, as to a trusted FunctionRef parameter.
            const FunctionDecl* pat = fd->getTemplateInstantiationPattern();
            for (unsigned i = offset; i < args.size(); ++i) {
                unsigned pi = i - offset;
                if (pi >= fd->getNumParams())
                    break;
                QualType pt = fd->getParamDecl(pi)->getType();
                const ParmVarDecl* pp = pattern_param(pat, pi);
                if (pt->isReferenceType() || !types_.is_view(pt) ||
                    (pp && pp->getType()->isDependentType()))
                    continue;
                if (const LambdaExpr* le = direct_lambda(args[i]))
                    lambdas_ok_.insert(le);
            }
            return;
        }
        if (c_.zone(fd->getLocation()) != Zone::Trusted)
            return;
        const FunctionDecl* pattern = fd->getTemplateInstantiationPattern();
        for (unsigned i = offset; i < args.size(); ++i) {
            // string literal decay
            const Expr* a = args[i];
            llvm::SmallVector<const Expr*, 4> chain;
            while (const auto* ice = dyn_cast<ImplicitCastExpr>(a)) {
                chain.push_back(ice);
                if (ice->getCastKind() == CK_ArrayToPointerDecay) {
                    const Expr* lit = ice->getSubExpr()->IgnoreParens();
                    if (isa<StringLiteral, PredefinedExpr>(lit))
                        exempt_.insert(chain.begin(), chain.end());
                    break;
                }
                if (ice->getCastKind() != CK_NoOp)
                    break;
                a = ice->getSubExpr();
            }
            // borrowing lambda
            unsigned pi = i - offset;
            const ParmVarDecl* p = pi < fd->getNumParams() ? fd->getParamDecl(pi) : nullptr;
            const ParmVarDecl* pp =
                pattern && pi < pattern->getNumParams() ? pattern->getParamDecl(pi) : nullptr;
            if (!p)
                continue;
            bool noescape = p->hasAttr<NoEscapeAttr>() || (pp && pp->hasAttr<NoEscapeAttr>()) ||
                            only_invoked(pp ? pp : p, pattern ? pattern : fd);
            bool view_param = !p->getType()->isReferenceType() && types_.is_view(p->getType());
            if (!noescape && !view_param)
                continue;
            if (const LambdaExpr* le = direct_lambda(args[i]))
                lambdas_ok_.insert(le);
        }
    }

    // Span, StringView, or klib::Optional/Result of only those and of
    // borrow-free types: copying one out of a temporary is a plain copy.
    bool plain_view_value(QualType t, int depth = 0) {
        const auto* rd = t.getCanonicalType()->getAsCXXRecordDecl();
        if (!rd || depth > 4 || c_.checked(rd->getLocation()) || !in_keel_or_klib(rd))
            return false;
        if (name_in(rd->getName(), {"Span", "StringView"}))
            return true;
        const auto* spec = dyn_cast<ClassTemplateSpecializationDecl>(rd);
        if (!spec || !name_in(rd->getName(), {"Optional", "Result"}))
            return false;
        for (const TemplateArgument& a : spec->getTemplateArgs().asArray()) {
            if (a.getKind() != TemplateArgument::Type)
                return false;
            QualType at = a.getAsType();
            if (at->isReferenceType() || types_.walk(at) != 0)
                return false;
            if (types_.is_view(at) && !plain_view_value(at, depth + 1))
                return false;
        }
        return true;
    }

    static const Type* wrapper_key(QualType t) {
        return t.getCanonicalType().getNonReferenceType().getUnqualifiedType().getTypePtr();
    }

    // A parameter or automatic local whose type is klib::Optional<V> or
    // klib::Result<V> of a view V: the way trusted APIs return views
    // (`keel::boot_param`). The wrapper is then a view itself.
    bool local_view_wrapper(const ValueDecl* d) {
        const auto* vd = dyn_cast<VarDecl>(d);
        if (!vd || (!isa<ParmVarDecl>(vd) && !(vd->isLocalVarDecl() && !vd->isStaticLocal())))
            return false;
        QualType t = vd->getType().getNonReferenceType();
        const auto* spec =
            dyn_cast_or_null<ClassTemplateSpecializationDecl>(t->getAsCXXRecordDecl());
        if (!spec || c_.checked(spec->getSpecializedTemplate()->getLocation()) ||
            !name_in(spec->getName(), {"Optional", "Result"}) || !in_keel_or_klib(spec))
            return false;
        for (const TemplateArgument& a : spec->getTemplateArgs().asArray()) {
            if (a.getKind() != TemplateArgument::Type)
                return false;
            QualType at = a.getAsType();
            if (at->isReferenceType() || (types_.walk(at) & ~unsigned(TF_ViewArg)))
                return false;
            // The view itself, not a container of views (Optional<Vec<Span>>).
            if (types_.walk(at) & TF_ViewArg)
                return false;
        }
        return true;
    }

    // The parameter of a template pattern that argument `pi` of an
    // instantiation binds to (an expanded pack maps to the pack parameter).
    static const ParmVarDecl* pattern_param(const FunctionDecl* pattern, unsigned pi) {
        if (!pattern)
            return nullptr;
        unsigned n = pattern->getNumParams();
        for (unsigned k = 0; k < n; ++k) {
            const ParmVarDecl* p = pattern->getParamDecl(k);
            if (p->isParameterPack())
                return k <= pi ? p : nullptr;
            if (k == pi)
                return p;
        }
        return nullptr;
    }

    // KS-BORROW: a view (or borrowing closure) handed to a trusted function
    // that could keep it or rebind it: a non-const lvalue reference
    // parameter (`klib::swap(outer, inner)`, `exchange`) or a parameter
    // whose type is a template parameter (`Function::make(F&&)` erases the
    // type and stores a FunctionRef on the heap; `Vec<T>::try_push(T)`).
    // Not refused: const references (`log_info(fmt, const Args&...)`),
    // identity utilities (move/forward), constructors of view types (the
    // result is a view and follows the view rules), and [[clang::noescape]]
    // or only-invoked callback parameters.
    static const Expr* object_of(const CallExpr* call) {
        if (const auto* mc = dyn_cast<CXXMemberCallExpr>(call))
            return mc->getImplicitObjectArgument();
        if (const auto* oc = dyn_cast<CXXOperatorCallExpr>(call);
            oc && isa_and_nonnull<CXXMethodDecl>(oc->getDirectCallee()) && oc->getNumArgs() > 0)
            return oc->getArg(0);
        return nullptr;
    }

    void check_view_args(const FunctionDecl* fd, llvm::ArrayRef<const Expr*> args, unsigned offset,
                         const Expr* object = nullptr) {
        if (!fd || c_.zone(fd->getLocation()) != Zone::Trusted)
            return;
        if (fd->getIdentifier() && name_in(fd->getName(), {"move", "forward", "as_const",
                                                           "forward_like", "move_if_noexcept"}))
            return;
        if (const auto* ctor = dyn_cast<CXXConstructorDecl>(fd))
            if (types_.is_view(ctx_.getRecordType(ctor->getParent())))
                return;
        // A member function can keep an argument only in its object: not
        // if it is const, nor if the object is a temporary.
        bool may_keep = true;
        if (const auto* md = dyn_cast<CXXMethodDecl>(fd); md && md->isInstance())
            may_keep = !md->isConst() &&
                       !(object && (object->isPRValue() ||
                                    isa<MaterializeTemporaryExpr>(object->IgnoreParens())));
        const FunctionDecl* pattern = fd->getTemplateInstantiationPattern();
        for (unsigned i = offset; i < args.size(); ++i) {
            unsigned pi = i - offset;
            if (pi >= fd->getNumParams())
                break;
            const Expr* a = args[i];
            if (!a || a->isTypeDependent() || !types_.is_view(a->getType()))
                continue;
            if (const LambdaExpr* le = direct_lambda(a); le && lambdas_ok_.count(le))
                continue;
            const ParmVarDecl* p = fd->getParamDecl(pi);
            const ParmVarDecl* pp = pattern_param(pattern, pi);
            if (p->hasAttr<NoEscapeAttr>() || (pp && pp->hasAttr<NoEscapeAttr>()) ||
                only_invoked(pp ? pp : p, pattern ? pattern : fd))
                continue;
            QualType pt = p->getType();
            bool rebind = pt->isLValueReferenceType() && !pt->getPointeeType().isConstQualified();
            bool keep = false;
            if (pp && may_keep) {
                QualType ppt = pp->getType();
                if (const auto* pe = ppt->getAs<PackExpansionType>())
                    ppt = pe->getPattern();
                QualType base = ppt.getNonReferenceType();
                keep = base->getAs<TemplateTypeParmType>() && !base.isConstQualified() &&
                       !(ppt->isLValueReferenceType() && base.isConstQualified());
            }
            if (rebind || keep)
                c_.report(a->getExprLoc(), "KS-BORROW",
                          "view of type '" + a->getType().getAsString() + "' passed to '" +
                              fd->getQualifiedNameAsString() + "', which " +
                              (rebind ? "may rebind it (non-const reference)"
                                      : "may store it (template-typed parameter)"));
        }
    }

    // Inferred no-escape: in the trusted callee's body the parameter is only
    // ever called (`f(args)`), never copied, moved, forwarded or bound:
    // e.g. SpinLock::with(F&& f) { Guard g(*this); return f(*g); }.
    bool only_invoked(const ParmVarDecl* p, const FunctionDecl* fd) {
        if (!p || !fd || !fd->hasBody() || !p->getType()->isReferenceType())
            return false;
        if (auto it = invoked_memo_.find(p); it != invoked_memo_.end())
            return it->second;
        llvm::DenseSet<const Expr*> called;
        llvm::SmallVector<const DeclRefExpr*, 4> uses;
        llvm::SmallVector<const Stmt*, 32> work{fd->getBody()};
        while (!work.empty()) {
            const Stmt* s = work.pop_back_val();
            if (!s)
                continue;
            if (const auto* oc = dyn_cast<CXXOperatorCallExpr>(s);
                oc && oc->getOperator() == OO_Call && oc->getNumArgs() >= 1)
                called.insert(oc->getArg(0)->IgnoreParenImpCasts());
            else if (const auto* call = dyn_cast<CallExpr>(s))
                called.insert(call->getCallee()->IgnoreParenImpCasts());
            if (const auto* dr = dyn_cast<DeclRefExpr>(s); dr && dr->getDecl() == p)
                uses.push_back(dr);
            if (const auto* le = dyn_cast<LambdaExpr>(s))
                for (const LambdaCapture& cap : le->captures())
                    if (cap.capturesVariable() && cap.getCapturedVar() == p)
                        uses.push_back(nullptr); // captured: may escape with the lambda
            for (const Stmt* ch : s->children())
                work.push_back(ch);
        }
        bool ok = !uses.empty();
        for (const DeclRefExpr* u : uses)
            if (!u || !called.count(u))
                ok = false;
        invoked_memo_[p] = ok;
        return ok;
    }

    // A lambda written in place, possibly converted (e.g. to FunctionRef).
    static const LambdaExpr* direct_lambda(const Expr* e) {
        return dyn_cast_or_null<LambdaExpr>(
            peel_wrappers(e, PEEL_FUNCTIONAL_CAST | PEEL_CLEANUPS_ONLY));
    }

    void check_global(const VarDecl* v) {
        QualType t = v->getType();
        bool dependent = v->getDeclContext()->isDependentContext() || t->isDependentType();
        if (t->isReferenceType()) {
            c_.report(v->getLocation(), "KS-BORROW", "global or static reference");
            return;
        }
        if (const CXXRecordDecl* rd = t->getAsCXXRecordDecl();
            rd && rd->hasDefinition() && rd->hasMutableFields() && !types_.is_sync(t)) {
            c_.report(v->getLocation(), "KS-GLOBAL",
                      "global or static of a type with 'mutable' members is shared mutable "
                      "state, even when const or constexpr");
            return;
        }
        if (v->isConstexpr())
            return; // constant, and constant expressions only point to static storage
        if (types_.is_view(t)) {
            c_.report(v->getLocation(), "KS-BORROW", "non-constexpr global or static view");
            return;
        }
        bool immutable = t.isConstQualified();
        if (immutable)
            if (const CXXRecordDecl* rd = t->getAsCXXRecordDecl())
                if (rd->hasDefinition() && rd->hasMutableFields())
                    immutable = false;
        const char* kind = v->isStaticLocal()        ? "function-local static"
                           : v->isStaticDataMember() ? "static data member"
                                                     : "global variable";
        if (!immutable && !types_.is_sync(t)) {
            c_.report(v->getLocation(), "KS-GLOBAL",
                      Twine("mutable ") + kind + " '" + v->getName() +
                          "': shared state must be const, constexpr, or a SpinLock/Mutex/"
                          "Atomic (keel_sync) type");
            return;
        }
        if (!dependent && v->hasInit() && !v->hasConstantInitialization())
            c_.report(v->getLocation(), "KS-GLOBAL",
                      Twine(kind) + " '" + v->getName() +
                          "' needs dynamic initialization (use constexpr/constinit)");
        if (v->getDeclContext()->getRedeclContext()->isTranslationUnit() &&
            v->isExternallyVisible() && !v->isStaticDataMember())
            c_.report(v->getLocation(), "KS-NS",
                      "global-namespace variable with external linkage (unmangled symbol)");
    }

    // A temporary materialised inside `init` that is not lifetime-extended.
    // `copy`: the variable is a view object (not a reference), so a temporary
    // that is itself a plain view value (Span, StringView, or an Optional/
    // Result of those, e.g. `boot_param("x").value_or("/")`) may die: the
    // copy does not point into it. Guards (Borrowed, SpinLock's Guard) and
    // owners (String, Vec, closures) still count.
    const Expr* dangling_temporary(const Expr* init, bool copy) {
        llvm::SmallVector<const Stmt*, 16> work{init};
        while (!work.empty()) {
            const Stmt* s = work.pop_back_val();
            if (!s || isa<LambdaExpr>(s))
                continue;
            if (const auto* m = dyn_cast<MaterializeTemporaryExpr>(s))
                if (!m->getExtendingDecl() && !(copy && plain_view_value(m->getType())))
                    return m;
            for (const Stmt* ch : s->children())
                work.push_back(ch);
        }
        return nullptr;
    }

    // A view function whose every return is a string literal borrows only
    // static storage (`constexpr StringView name(E e) { switch ... }`).
    bool returns_only_literals(const FunctionDecl* fd) {
        if (!fd->hasBody() || types_.walk(fd->getReturnType()) != 0 ||
            fd->getReturnType()->isReferenceType())
            return false;
        bool any = false;
        llvm::SmallVector<const Stmt*, 16> work{fd->getBody()};
        while (!work.empty()) {
            const Stmt* s = work.pop_back_val();
            if (!s || isa<LambdaExpr>(s))
                continue;
            if (const auto* ret = dyn_cast<ReturnStmt>(s)) {
                const Expr* e = ret->getRetValue();
                for (int i = 0; e && i < 8; ++i) {
                    e = e->IgnoreParenImpCasts();
                    if (const auto* ce = dyn_cast<CXXConstructExpr>(e); ce && ce->getNumArgs() == 1)
                        e = ce->getArg(0);
                    else if (const auto* ewc = dyn_cast<ExprWithCleanups>(e))
                        e = ewc->getSubExpr();
                    else if (const auto* m = dyn_cast<MaterializeTemporaryExpr>(e))
                        e = m->getSubExpr();
                    else if (const auto* b = dyn_cast<CXXBindTemporaryExpr>(e))
                        e = b->getSubExpr();
                    else
                        break;
                }
                if (!e || !isa<StringLiteral>(e))
                    return false;
                any = true;
            }
            for (const Stmt* ch : s->children())
                work.push_back(ch);
        }
        return any;
    }

    bool is_assignment_returning_this(const FunctionDecl* fd) {
        const auto* md = dyn_cast<CXXMethodDecl>(fd);
        if (!md)
            return false;
        switch (md->getOverloadedOperator()) {
        case OO_Equal:
        case OO_PlusEqual:
        case OO_MinusEqual:
        case OO_StarEqual:
        case OO_SlashEqual:
        case OO_PercentEqual:
        case OO_CaretEqual:
        case OO_AmpEqual:
        case OO_PipeEqual:
        case OO_LessLessEqual:
        case OO_GreaterGreaterEqual:
        case OO_PlusPlus:
        case OO_MinusMinus:
            break;
        default:
            return false;
        }
        QualType r = md->getReturnType();
        if (!r->isLValueReferenceType() ||
            r->getPointeeType().getCanonicalType().getUnqualifiedType() !=
                ctx_.getRecordType(md->getParent()).getCanonicalType())
            return false;
        if (!md->hasBody())
            return true; // declaration; the definition is checked separately
        llvm::SmallVector<const Stmt*, 16> work{md->getBody()};
        while (!work.empty()) {
            const Stmt* s = work.pop_back_val();
            if (!s || isa<LambdaExpr>(s))
                continue;
            if (const auto* ret = dyn_cast<ReturnStmt>(s)) {
                const auto* u = dyn_cast_or_null<UnaryOperator>(
                    ret->getRetValue() ? ret->getRetValue()->IgnoreParenImpCasts() : nullptr);
                if (!u || u->getOpcode() != UO_Deref ||
                    !isa<CXXThisExpr>(u->getSubExpr()->IgnoreParenImpCasts()))
                    return false;
            }
            for (const Stmt* ch : s->children())
                work.push_back(ch);
        }
        return true;
    }

    // Precision: a local view initialised from a string literal may be
    // reassigned from string literals (it always points to static storage).
    static bool literal_reassignment(const CXXOperatorCallExpr* oc) {
        if (oc->getNumArgs() != 2 || !BorrowScan::literal_view(oc->getArg(1)))
            return false;
        const auto* dr = dyn_cast<DeclRefExpr>(oc->getArg(0)->IgnoreParenImpCasts());
        const auto* v = dr ? dyn_cast<VarDecl>(dr->getDecl()) : nullptr;
        return v && v->isLocalVarDecl() && !v->isStaticLocal() &&
               !v->getType()->isReferenceType() && v->hasInit() &&
               BorrowScan::literal_view(v->getInit());
    }

    Checker& c_;
    ASTContext& ctx_;
    TypeRules types_;
    llvm::DenseSet<const Expr*> exempt_;
    llvm::DenseSet<const LambdaExpr*> lambdas_ok_;
    llvm::DenseMap<const ParmVarDecl*, bool> invoked_memo_;
    llvm::SmallVector<std::pair<SourceRange, const Type*>, 8> wrapper_tls_;
    BorrowScan borrow_;
};

class AstChecker : public ASTConsumer {
public:
    explicit AstChecker(Checker& c) : c_(c) {}
    void HandleTranslationUnit(ASTContext& ctx) override {
        Visitor v(c_, ctx);
        v.TraverseDecl(ctx.getTranslationUnitDecl());
    }

private:
    Checker& c_;
};

} // namespace

std::unique_ptr<ASTConsumer> make_ast_checker(Checker& c) {
    return std::make_unique<AstChecker>(c);
}

} // namespace keel_safety
