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
} // namespace detail

template <typename R, typename... Args>
class Function<R(Args...)> {
    // The heap block: the callable plus the number of calls running on it,
    // so that destroying the callable from inside its own call (through an
    // Arc alias of the Function) is a check failure, not a use after free.
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
        explicit CallScope(u32& c) : c_(c) { ++c_; }
        CallScope(const CallScope&) = delete;
        CallScope& operator=(const CallScope&) = delete;
        ~CallScope() { --c_; }

    private:
        u32& c_;
    };

    template <typename F>
    static constexpr Ops ops_for = {
        [](void* obj, Args&&... args) -> R {
            // SAFETY: obj was created by make<F> as a live Holder<F>.
            auto* h = static_cast<Holder<F>*>(obj);
            CallScope scope(h->calls);
            return h->fn(klib::forward<Args>(args)...);
        },
        [](void* obj) noexcept {
            auto* h = static_cast<Holder<F>*>(obj);
            KLIB_CHECK(h->calls == 0, "Function: destroyed while being called");
            h->~Holder<F>();
        },
        sizeof(Holder<F>),
        alignof(Holder<F>),
    };

public:
    constexpr Function() noexcept = default;

    // Moves/copies `f` to the heap; NoMemory on failure.
    template <typename F>
        requires(!is_same_v<remove_cvref_t<F>, Function> &&
                 requires(remove_cvref_t<F>& f, Args&&... a) {
                     { f(klib::forward<Args>(a)...) } -> detail::CallResultFor<R>;
                 })
    static Result<Function> make(F&& f) {
        using H = Holder<remove_cvref_t<F>>;
        void* mem = raw_alloc(sizeof(H), alignof(H));
        if (mem == nullptr) {
            return Error::NoMemory;
        }
        Function out;
        // SAFETY: mem is a fresh allocation sized and aligned for H.
        out.obj_ = ::new (mem) H(klib::forward<F>(f));
        out.ops_ = &ops_for<remove_cvref_t<F>>;
        return out;
    }

    Function(Function&& o) noexcept
        : obj_(exchange(o.obj_, nullptr)), ops_(exchange(o.ops_, nullptr)) {}
    // `o` may be owned by our own callable (a capture): take it first,
    // destroy the old callable afterwards.
    Function& operator=(Function&& o) noexcept {
        if (this != &o) {
            void* old_obj = exchange(obj_, exchange(o.obj_, nullptr));
            const Ops* old_ops = exchange(ops_, exchange(o.ops_, nullptr));
            destroy(old_obj, old_ops);
        }
        return *this;
    }
    Function(const Function&) = delete;
    Function& operator=(const Function&) = delete;
    ~Function() { destroy(exchange(obj_, nullptr), exchange(ops_, nullptr)); }

    explicit operator bool() const noexcept { return obj_ != nullptr; }

    R operator()(Args... args) const {
        KLIB_CHECK(obj_ != nullptr, "Function: call of empty Function");
        return ops_->invoke(obj_, klib::forward<Args>(args)...);
    }

private:
    // Destroys a callable already detached from its Function.
    static void destroy(void* obj, const Ops* ops) noexcept {
        if (obj != nullptr) {
            // SAFETY: obj/ops were set together by make(); ops knows F.
            ops->destroy(obj);
            raw_free(obj, ops->size, ops->align);
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
