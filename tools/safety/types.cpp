// Type rules: pointers, volatile, unions, arrays, varargs, views (see types.h).
#include "types.h"

#include "clang/AST/Attr.h"
#include "clang/AST/DeclTemplate.h"

using namespace clang;

namespace keel_safety {

bool TypeRules::has_annotation(const Decl* d, StringRef what) {
    if (!d)
        return false;
    for (const Decl* r : d->redecls())
        for (const auto* a : r->specific_attrs<AnnotateAttr>())
            if (a->getAnnotation() == what)
                return true;
    if (const auto* spec = dyn_cast<ClassTemplateSpecializationDecl>(d))
        return has_annotation(spec->getSpecializedTemplate()->getTemplatedDecl(), what);
    if (const auto* rd = dyn_cast<CXXRecordDecl>(d))
        if (const CXXRecordDecl* pat = rd->getTemplateInstantiationPattern(); pat && pat != rd)
            return has_annotation(pat, what);
    return false;
}

unsigned TypeRules::walk_arg(const TemplateArgument& a, bool deep) {
    if (a.getIsDefaulted())
        return 0; // chosen by the (trusted) template author, not written here
    switch (a.getKind()) {
    case TemplateArgument::Type: {
        QualType t = a.getAsType();
        unsigned f = deep ? walk(t, true) : 0;
        if (!t->isFunctionType() && is_borrow(t))
            f |= TF_ViewArg;
        return f;
    }
    case TemplateArgument::Declaration:
    case TemplateArgument::NullPtr:
        return a.getParamTypeForDecl().isNull() || a.getKind() == TemplateArgument::NullPtr ||
                       !a.getParamTypeForDecl()->isReferenceType()
                   ? TF_Pointer
                   : TF_ViewArg;
    case TemplateArgument::Pack: {
        unsigned f = 0;
        for (const TemplateArgument& p : a.pack_elements())
            f |= walk_arg(p, deep);
        return f;
    }
    default:
        return 0;
    }
}

unsigned TypeRules::walk(QualType q, bool deep) {
    if (q.isNull())
        return 0;
    q = q.getCanonicalType();
    auto key = std::make_pair(q.getAsOpaquePtr(), deep ? 1 : 0);
    if (auto it = memo_.find(key); it != memo_.end())
        return it->second;
    memo_[key] = 0; // cycle guard
    unsigned f = 0;
    if (q.isVolatileQualified())
        f |= TF_Volatile;
    if (q.hasAddressSpace())
        f |= TF_AddrSpace;
    const Type* t = q.getTypePtr();
    if (const auto* p = dyn_cast<PointerType>(t)) {
        f |= TF_Pointer | (deep ? walk(p->getPointeeType()) : 0);
    } else if (const auto* mp = dyn_cast<MemberPointerType>(t)) {
        f |= TF_Pointer | (deep ? walk(mp->getPointeeType()) : 0);
    } else if (isa<BlockPointerType, ObjCObjectPointerType>(t)) {
        f |= TF_Pointer;
    } else if (const auto* r = dyn_cast<ReferenceType>(t)) {
        f |= deep ? walk(r->getPointeeType()) : 0;
    } else if (const auto* at = dyn_cast<ArrayType>(t)) {
        f |= TF_Array;
        if (isa<VariableArrayType>(at))
            f |= TF_VLA;
        f |= deep ? walk(at->getElementType()) : 0;
    } else if (const auto* fp = dyn_cast<FunctionProtoType>(t)) {
        if (fp->isVariadic())
            f |= TF_Varargs;
        if (fp->getMethodQuals().hasVolatile())
            f |= TF_Volatile;
        if (deep) {
            f |= walk(fp->getReturnType());
            for (QualType p : fp->getParamTypes())
                f |= walk(p);
        }
    } else if (isa<FunctionNoProtoType>(t)) {
        f |= TF_Varargs;
    } else if (const auto* rt = dyn_cast<RecordType>(t)) {
        const RecordDecl* rd = rt->getDecl();
        if (rd->isUnion())
            f |= TF_Union;
        if (rd->getName() == "__va_list_tag")
            f |= TF_Varargs;
        if (has_annotation(rd, "keel_unsafe"))
            f |= TF_Unsafe;
        if (const auto* spec = dyn_cast<ClassTemplateSpecializationDecl>(rd))
            for (const TemplateArgument& a : spec->getTemplateArgs().asArray())
                f |= walk_arg(a, deep);
    } else if (t->isNullPtrType()) {
        f |= TF_NullPtr;
    } else if (const auto* at = dyn_cast<AtomicType>(t)) {
        f |= walk(at->getValueType(), deep);
    } else if (const auto* ct = dyn_cast<ComplexType>(t)) {
        f |= walk(ct->getElementType(), deep);
    } else if (const auto* vt = dyn_cast<VectorType>(t)) {
        f |= TF_Vector | walk(vt->getElementType(), deep);
    } else if (const auto* ts = dyn_cast<TemplateSpecializationType>(t)) {
        for (const TemplateArgument& a : ts->template_arguments())
            f |= walk_arg(a, deep);
    }
    memo_[key] = f;
    return f;
}

void TypeRules::report(SourceLocation loc, unsigned f, QualType t, const Twine& where) {
    std::string ty = t.getAsString();
    std::string w = where.str();
    auto say = [&](StringRef rule, StringRef what) {
        c_.report(loc, rule, what + " in " + w + " (type '" + ty + "')");
    };
    if (f & TF_Pointer)
        say("KS-PTR", "raw pointer type (object, function or member pointer)");
    if (f & TF_Volatile)
        say("KS-HW", "volatile");
    if (f & TF_AddrSpace)
        say("KS-HW", "address-space qualifier");
    if (f & TF_Union)
        say("KS-UNION", "union type");
    if (f & TF_VLA)
        say("KS-STACK", "variable-length array");
    else if (f & TF_Array)
        say("KS-BOUNDS", "C array type (use klib::Array/Vec/Span)");
    if (f & TF_Varargs)
        say("KS-STACK", "C variadic function type or va_list");
    if (f & TF_ViewArg)
        say("KS-BORROW", "reference or view as a template argument (a stored borrow)");
    if (f & TF_Unsafe)
        say("KS-UNSAFE-CALL", "type annotated keel_unsafe");
    if (f & TF_Vector)
        say("KS-UB", "vector extension type (its shifts and overflow are not checked by "
                     "-fsanitize: use scalars or klib::Array)");
    if (f & TF_NullPtr)
        say("KS-PTR", "nullptr_t (a null pointer in disguise: trusted templates convert it to T*)");
}

namespace {
bool view_name(StringRef n) {
    static const char* const exact[] = {"Span",  "StringView", "FunctionRef",
                                        "Slice", "ByteSpan",   "Borrowed"};
    for (const char* e : exact)
        if (n == e)
            return true;
    static const char* const suffix[] = {"View",  "Ref",    "Iterator", "iterator", "Iter",
                                         "Guard", "Cursor", "Reader",   "Writer"};
    for (const char* s : suffix)
        if (n.ends_with(s))
            return true;
    return false;
}
} // namespace

bool TypeRules::record_is_view(const CXXRecordDecl* rd) {
    if (!rd)
        return false;
    if (auto it = view_memo_.find(rd); it != view_memo_.end())
        return it->second == 1;
    view_memo_[rd] = 2;
    bool v = false;
    if (rd->isLambda()) {
        // A closure that captured by reference, `this`, or a view.
        for (const FieldDecl* fd : rd->fields()) {
            QualType ft = fd->getType();
            if (ft->isReferenceType() || ft->isPointerType() || is_view(ft))
                v = true;
        }
    } else if (has_annotation(rd, "keel_view")) {
        v = true;
    } else if (const auto* spec = dyn_cast<ClassTemplateSpecializationDecl>(rd); spec && [&] {
                   for (const TemplateArgument& a : spec->getTemplateArgs().asArray())
                       if (walk_arg(a, false) & TF_ViewArg)
                           return true;
                   return false;
               }()) {
        v = true;
    } else if (!c_.checked(rd->getLocation())) {
        // Trusted types: by naming convention, or by holding a borrow.
        v = view_name(rd->getName());
        if (!v && rd->hasDefinition())
            for (const FieldDecl* fd : rd->getDefinition()->fields())
                if (fd->getType()->isReferenceType() || is_view(fd->getType()))
                    v = true;
    }
    view_memo_[rd] = v ? 1 : 0;
    return v;
}

bool TypeRules::is_view(QualType t) {
    if (t.isNull())
        return false;
    t = t.getCanonicalType().getNonReferenceType();
    if (const auto* rt = t->getAs<RecordType>())
        return record_is_view(dyn_cast<CXXRecordDecl>(rt->getDecl()));
    return false;
}

bool TypeRules::is_sync(QualType t) {
    t = t.getCanonicalType();
    const auto* rt = t->getAs<RecordType>();
    if (!rt)
        return false;
    const RecordDecl* rd = rt->getDecl();
    if (c_.checked(rd->getLocation()))
        return false;
    if (has_annotation(rd, "keel_sync"))
        return true;
    StringRef n = rd->getName();
    // A fixed array of sync elements (klib::Array<Atomic<u64>, N>) is sync:
    // every element is, and Array adds no state of its own.
    if (n == "Array")
        if (const auto* sd = dyn_cast<ClassTemplateSpecializationDecl>(rd))
            if (sd->getTemplateArgs().size() >= 1 &&
                sd->getTemplateArgs()[0].getKind() == TemplateArgument::Type)
                return is_sync(sd->getTemplateArgs()[0].getAsType());
    static const char* const names[] = {"SpinLock", "Mutex",     "RwLock",   "Atomic",    "Once",
                                        "Lazy",     "WaitQueue", "CpuLocal", "RwSpinLock"};
    for (const char* s : names)
        if (n == s)
            return true;
    return false;
}

} // namespace keel_safety
