// Type rules: what a (canonical) type may contain in checked code.
#pragma once

#include "checker.h"

#include "clang/AST/Type.h"

namespace keel_safety {

// Properties found while walking a type, each mapped to one rule.
enum TypeFlag : unsigned {
    TF_Pointer = 1u << 0,   // KS-PTR: object, function, member or block pointer
    TF_Volatile = 1u << 1,  // KS-HW
    TF_AddrSpace = 1u << 2, // KS-HW: __seg_gs, address_space(N)
    TF_Union = 1u << 3,     // KS-UNION
    TF_Array = 1u << 4,     // KS-BOUNDS: C array
    TF_VLA = 1u << 5,       // KS-STACK
    TF_Varargs = 1u << 6,   // KS-STACK: C variadic function type, va_list
    TF_ViewArg = 1u << 7,   // KS-BORROW: reference or view as a template argument
    TF_Unsafe = 1u << 8,    // KS-UNSAFE-CALL: type annotated keel_unsafe
    TF_NullPtr = 1u << 9,   // KS-PTR: std::nullptr_t in a declaration (a null pointer value
                            // that converts to any T* inside trusted templates)
    TF_Vector = 1u << 10,   // KS-UB: vector extension type (vector_size, ext_vector_type):
                            // its shifts and arithmetic escape -fsanitize (finding 10)
};

class TypeRules {
public:
    explicit TypeRules(Checker& c) : c_(c) {}

    // Flags of `t`, looking through pointees, elements, function signatures
    // and (non-defaulted) template arguments when `deep`; only the top level
    // (plus written template arguments being references/views) otherwise.
    unsigned walk(clang::QualType t, bool deep = true);

    // Reports every flag in `flags` at `loc`, describing `t`.
    void report(clang::SourceLocation loc, unsigned flags, clang::QualType t,
                const llvm::Twine& where);

    // A view borrows memory it does not own: Span, StringView, FunctionRef,
    // iterators, guards, closures capturing by reference, and any trusted
    // class annotated [[clang::annotate("keel_view")]] or holding a
    // reference or a view. Template specializations with a view or
    // reference argument are views too.
    bool is_view(clang::QualType t);
    // Reference or view.
    bool is_borrow(clang::QualType t) { return t->isReferenceType() || is_view(t); }

    // Interior-mutable synchronisation type (SpinLock, Mutex, Atomic, Once...)
    // that may be a non-const global: annotated keel_sync or named so in
    // the trusted code.
    bool is_sync(clang::QualType t);

    static bool has_annotation(const clang::Decl* d, llvm::StringRef what);

private:
    unsigned walk_arg(const clang::TemplateArgument& a, bool deep);
    bool record_is_view(const clang::CXXRecordDecl* rd);

    Checker& c_;
    llvm::DenseMap<std::pair<void*, int>, unsigned> memo_;
    llvm::DenseMap<const clang::CXXRecordDecl*, int> view_memo_; // 0 no, 1 yes, 2 in progress
};

} // namespace keel_safety
