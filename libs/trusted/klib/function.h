// klib/function.h - type-erased callables.
//
// Function<R(Args...)>: owning, heap-allocated, move-only; creation is
// fallible (Function::make -> Result). Calling an empty Function is a check
// failure. Dispatch is one indirect call through a static per-type table.
//
// FunctionRef<R(Args...)>: non-owning, no allocation, for callbacks that do
// not escape the callee (e.g. `list.for_each(FunctionRef<void(T&)>)`). It
// must not be stored: it refers to a callable that lives only as long as
// the caller's expression.
#pragma once

#include <klib/alloc.h>
#include <klib/annotations.h>
#include <klib/assert.h>
#include <klib/new.h>
#include <klib/result.h>
#include <klib/types.h>
#include <klib/utility.h>

namespace klib {

template <typename Sig>
class Function;

template <typename R, typename... Args>
class Function<R(Args...)> {
    struct Ops {
        R (*invoke)(void*, Args&&...);
        void (*destroy)(void*) noexcept;
        usize size;
        usize align;
    };

    template <typename F>
    static constexpr Ops ops_for = {
        [](void* obj, Args&&... args) -> R {
            // SAFETY: obj was created by make<F> as a live F.
            return (*static_cast<F*>(obj))(klib::forward<Args>(args)...);
        },
        [](void* obj) noexcept { static_cast<F*>(obj)->~F(); },
        sizeof(F),
        alignof(F),
    };

public:
    constexpr Function() noexcept = default;

    // Moves/copies `f` to the heap; NoMemory on failure.
    template <typename F>
        requires(!is_same_v<remove_cvref_t<F>, Function> &&
                 requires(remove_cvref_t<F>& f, Args&&... a) {
                     { f(klib::forward<Args>(a)...) } -> ConvertibleTo<R>;
                 })
    static Result<Function> make(F&& f) {
        using Fn = remove_cvref_t<F>;
        void* mem = raw_alloc(sizeof(Fn), alignof(Fn));
        if (mem == nullptr) {
            return Error::NoMemory;
        }
        Function out;
        // SAFETY: mem is a fresh allocation sized and aligned for Fn.
        out.obj_ = ::new (mem) Fn(klib::forward<F>(f));
        out.ops_ = &ops_for<Fn>;
        return out;
    }

    Function(Function&& o) noexcept
        : obj_(exchange(o.obj_, nullptr)), ops_(exchange(o.ops_, nullptr)) {}
    Function& operator=(Function&& o) noexcept {
        if (this != &o) {
            destroy();
            obj_ = exchange(o.obj_, nullptr);
            ops_ = exchange(o.ops_, nullptr);
        }
        return *this;
    }
    Function(const Function&) = delete;
    Function& operator=(const Function&) = delete;
    ~Function() { destroy(); }

    explicit operator bool() const noexcept { return obj_ != nullptr; }

    R operator()(Args... args) const {
        KLIB_CHECK(obj_ != nullptr, "Function: call of empty Function");
        return ops_->invoke(obj_, klib::forward<Args>(args)...);
    }

private:
    void destroy() noexcept {
        if (obj_ != nullptr) {
            // SAFETY: obj_/ops_ were set together by make(); ops_ knows F.
            ops_->destroy(obj_);
            raw_free(obj_, ops_->size, ops_->align);
            obj_ = nullptr;
            ops_ = nullptr;
        }
    }

    void* obj_ = nullptr;
    const Ops* ops_ = nullptr;
};

template <typename Sig>
class FunctionRef;

template <typename R, typename... Args>
class FunctionRef<R(Args...)> {
public:
    // Refers to `f` (not copied). Only as a parameter: do not store.
    template <typename F>
        requires(!is_same_v<remove_cvref_t<F>, FunctionRef> &&
                 requires(remove_reference_t<F>& f, Args&&... a) {
                     { f(klib::forward<Args>(a)...) } -> ConvertibleTo<R>;
                 })
    constexpr FunctionRef(F&& f KL_LIFETIMEBOUND) noexcept
        // SAFETY: the const_cast only erases the type; thunk<F> casts back
        // to the exact (possibly const) type before calling.
        : obj_(const_cast<void*>(static_cast<const void*>(&f))),
          thunk_([](void* obj, Args&&... args) -> R {
              return (*static_cast<remove_reference_t<F>*>(obj))(klib::forward<Args>(args)...);
          }) {}

    R operator()(Args... args) const { return thunk_(obj_, klib::forward<Args>(args)...); }

private:
    void* obj_;
    R (*thunk_)(void*, Args&&...);
};

} // namespace klib
