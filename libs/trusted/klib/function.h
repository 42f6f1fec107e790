// klib/function.h - type-erased callables.
//
// Function<R(Args...)>: owning, heap-allocated, move-only; creation is
// fallible (Function::make -> Result). Calling an empty Function is a check
// failure. Dispatch is one indirect call through a static per-type table.
// Const is deep: Function<R(Args...)> may run a `mutable` callable, so its
// call operator is non-const (Rust's FnMut); Function<R(Args...) const>
// accepts only callables that are const-callable and can be called through
// const, so it can be shared (Rust's Fn).
//
// FunctionRef<R(Args...)>: non-owning, no allocation, for callbacks that do
// not escape the callee (e.g. `list.for_each(FunctionRef<void(T&)>)`). It
// must not be stored: it refers to a callable that lives only as long as
// the caller's expression. It is a view (like Span<T>): its const is the
// view's own, not the callable's (a view cannot be a member, so it is never
// reached through an Arc).
#pragma once

#include <klib/alloc.h>
#include <klib/annotations.h>
#include <klib/assert.h>
#include <klib/new.h>
#include <klib/result.h>
#include <klib/types.h>
#include <klib/utility.h>

KLIB_TRUSTED_BEGIN

namespace klib {

template <typename Sig>
class Function;

namespace detail {
// A callable F may stand behind a signature returning R: its result converts
// to R, and if R is a reference it binds directly (a reference to a
// temporary made inside the call would dangle at once).
template <typename Res, typename R>
concept CallResultFor =
    is_convertible_v<Res, R> &&
    (!is_reference_v<R> || (is_reference_v<Res> && !__reference_binds_to_temporary(R, Res)));

// The type-erased storage shared by Function<R(Args...)> and
// Function<R(Args...) const>. `Const` decides how the callable is invoked:
// as `const F&` (the const signature) or as `F&`.
template <bool Const, typename R, typename... Args>
class FunctionStorage {
protected:
    // The heap block: the callable plus the number of calls running on it,
    // so that destroying the callable from inside its own call (through an
    // Arc alias of the Function) is a check failure, not a use after free.
    // The count is atomic: a const Function may be called on several CPUs.
    template <typename F>
    struct Holder {
        template <typename G>
        explicit Holder(G&& g) : fn(klib::forward<G>(g)) {}
        u32 calls = 0;
        F fn;
    };

    struct Ops {
        R (*invoke)(void*, Args&&...);
        void (*destroy)(void*) noexcept;
        usize size;
        usize align;
    };

    class CallScope {
    public:
        explicit CallScope(u32& c) : c_(c) { __atomic_fetch_add(&c_, 1, __ATOMIC_RELAXED); }
        CallScope(const CallScope&) = delete;
        CallScope& operator=(const CallScope&) = delete;
        ~CallScope() { __atomic_fetch_sub(&c_, 1, __ATOMIC_RELAXED); }

    private:
        u32& c_;
    };

    template <typename F>
    static constexpr Ops ops_for = {
        [](void* obj, Args&&... args) -> R {
            // SAFETY: obj was created by init<F> as a live Holder<F>.
            auto* h = static_cast<Holder<F>*>(obj);
            CallScope scope(h->calls);
            if constexpr (Const) {
                return static_cast<const F&>(h->fn)(klib::forward<Args>(args)...);
            } else {
                return h->fn(klib::forward<Args>(args)...);
            }
        },
        [](void* obj) noexcept {
            auto* h = static_cast<Holder<F>*>(obj);
            KLIB_CHECK(__atomic_load_n(&h->calls, __ATOMIC_RELAXED) == 0,
                       "Function: destroyed while being called");
            h->~Holder<F>();
        },
        sizeof(Holder<F>),
        alignof(Holder<F>),
    };

    constexpr FunctionStorage() noexcept = default;
    FunctionStorage(FunctionStorage&& o) noexcept
        : obj_(exchange(o.obj_, nullptr)), ops_(exchange(o.ops_, nullptr)) {}
    // `o` may be owned by our own callable (a capture): take it first,
    // destroy the old callable afterwards.
    FunctionStorage& operator=(FunctionStorage&& o) noexcept {
        if (this != &o) {
            void* old_obj = exchange(obj_, exchange(o.obj_, nullptr));
            const Ops* old_ops = exchange(ops_, exchange(o.ops_, nullptr));
            destroy(old_obj, old_ops);
        }
        return *this;
    }
    FunctionStorage(const FunctionStorage&) = delete;
    FunctionStorage& operator=(const FunctionStorage&) = delete;
    ~FunctionStorage() { destroy(exchange(obj_, nullptr), exchange(ops_, nullptr)); }

    // Moves/copies `f` to the heap (only on an empty storage); false on
    // allocation failure.
    template <typename F>
    bool init(F&& f) {
        using H = Holder<remove_cvref_t<F>>;
        void* mem = raw_alloc(sizeof(H), alignof(H));
        if (mem == nullptr) {
            return false;
        }
        // SAFETY: mem is a fresh allocation sized and aligned for H.
        obj_ = ::new (mem) H(klib::forward<F>(f));
        ops_ = &ops_for<remove_cvref_t<F>>;
        return true;
    }

    R call(Args&&... args) const {
        KLIB_CHECK(obj_ != nullptr, "Function: call of empty Function");
        return ops_->invoke(obj_, klib::forward<Args>(args)...);
    }

    bool has_callable() const noexcept { return obj_ != nullptr; }

private:
    // Destroys a callable already detached from its Function.
    static void destroy(void* obj, const Ops* ops) noexcept {
        if (obj != nullptr) {
            // SAFETY: obj/ops were set together by init(); ops knows F.
            ops->destroy(obj);
            raw_free(obj, ops->size, ops->align);
        }
    }

    void* obj_ = nullptr;
    const Ops* ops_ = nullptr;
};
} // namespace detail

// Function<R(Args...)>: may hold a callable with state it changes (a
// `mutable` lambda), like Rust's Box<dyn FnMut>, so calling it needs
// non-const access: a Function reached through an Arc (const) cannot be
// called; put it in a SpinLock, or use the const signature below.
template <typename R, typename... Args>
class Function<R(Args...)> : private detail::FunctionStorage<false, R, Args...> {
    using Base = detail::FunctionStorage<false, R, Args...>;

public:
    constexpr Function() noexcept = default;

    // Moves/copies `f` to the heap; NoMemory on failure.
    template <typename F>
        requires(!is_same_v<remove_cvref_t<F>, Function> &&
                 requires(remove_cvref_t<F>& f, Args&&... a) {
                     { f(klib::forward<Args>(a)...) } -> detail::CallResultFor<R>;
                 })
    static Result<Function> make(F&& f) {
        Function out;
        if (!out.init(klib::forward<F>(f))) {
            return Error::NoMemory;
        }
        return out;
    }

    Function(Function&&) noexcept = default;
    Function& operator=(Function&&) noexcept = default;

    explicit operator bool() const noexcept { return this->has_callable(); }

    R operator()(Args... args) { return this->call(klib::forward<Args>(args)...); }
};

// Function<R(Args...) const>: holds only callables that can be called as
// const (no `mutable` lambda), like Rust's Box<dyn Fn>; calling it is const,
// so it may be shared (e.g. inside an Arc). Const is deep: the callable sees
// its captures as const, so it changes shared state only through a lock or
// an atomic it captured.
template <typename R, typename... Args>
class Function<R(Args...) const> : private detail::FunctionStorage<true, R, Args...> {
    using Base = detail::FunctionStorage<true, R, Args...>;

public:
    constexpr Function() noexcept = default;

    template <typename F>
        requires(!is_same_v<remove_cvref_t<F>, Function> &&
                 requires(const remove_cvref_t<F>& f, Args&&... a) {
                     { f(klib::forward<Args>(a)...) } -> detail::CallResultFor<R>;
                 })
    static Result<Function> make(F&& f) {
        Function out;
        if (!out.init(klib::forward<F>(f))) {
            return Error::NoMemory;
        }
        return out;
    }

    Function(Function&&) noexcept = default;
    Function& operator=(Function&&) noexcept = default;

    explicit operator bool() const noexcept { return this->has_callable(); }

    R operator()(Args... args) const { return this->call(klib::forward<Args>(args)...); }
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
                     { f(klib::forward<Args>(a)...) } -> detail::CallResultFor<R>;
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

KLIB_TRUSTED_END
