// klib/downcast.h - checked downcasts of polymorphic objects by type tag.
//
// A class opts in with KLIB_DYN_BASE(Name) in its root interface and
// KLIB_DYN_TYPE(Name) in each concrete class: every object then reports the
// tag of its most-derived class. `downcast<D>(arc)` returns a new Arc<D>
// only when the object is exactly a D (no RTTI, no pointer casts in
// services); `downcast_ref<D>(obj, f)` calls f with the object as a const D&
// under the same check. Anything else is `none`.
#pragma once

#include <klib/annotations.h>
#include <klib/arc.h>
#include <klib/optional.h>
#include <klib/utility.h>

KLIB_TRUSTED_BEGIN

namespace klib {

// Identity of a class: the address of one object per type.
class TypeId {
public:
    constexpr bool operator==(const TypeId& o) const noexcept { return p_ == o.p_; }

    template <typename T>
    friend constexpr TypeId type_id() noexcept;

private:
    constexpr explicit TypeId(const char* p) noexcept : p_(p) {}
    const char* p_;
};

namespace detail {
template <typename T>
struct TypeTagOf {
    static constexpr char tag = 0;
};
} // namespace detail

template <typename T>
constexpr TypeId type_id() noexcept {
    return TypeId(&detail::TypeTagOf<remove_cv_t<T>>::tag);
}

// True when `obj`'s most-derived class is D.
template <typename D, typename B>
bool is_exactly(const B& obj) noexcept {
    return obj.klib_dyn_type() == type_id<D>();
}

template <typename D, typename B>
    requires(__is_base_of(B, D) && __has_virtual_destructor(B))
Optional<Arc<D>> downcast(const Arc<B>& a) {
    if (!a.has_value() || !is_exactly<D>(*a)) {
        return none;
    }
    return a.template unchecked_downcast_clone<D>();
}

template <typename D, typename B, typename F>
    requires(__is_base_of(B, D) && __has_virtual_destructor(B))
auto downcast_ref(const B& obj, F&& f) -> Optional<decltype(f(declval<const D&>()))> {
    if (!is_exactly<D>(obj)) {
        return none;
    }
    // SAFETY: the object's most-derived type is D.
    return f(static_cast<const D&>(obj));
}

} // namespace klib

// In the root interface: the virtual tag query.
#define KLIB_DYN_BASE(Name)                                                                        \
public:                                                                                            \
    virtual ::klib::TypeId klib_dyn_type() const noexcept { return ::klib::type_id<Name>(); }

// In each class derived from it that downcasts may name.
#define KLIB_DYN_TYPE(Name)                                                                        \
public:                                                                                            \
    ::klib::TypeId klib_dyn_type() const noexcept override { return ::klib::type_id<Name>(); }

KLIB_TRUSTED_END
