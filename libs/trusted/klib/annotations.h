// klib/annotations.h - attribute macros shared by klib, the framework and
// services. Everything expands to nothing on compilers that do not know the
// attribute, so host builds with g++ stay warning-free.
#pragma once

#if defined(__clang__)
// Marks a function that services may not call (checked by the safety plugin).
#define KLIB_UNSAFE [[clang::annotate("keel_unsafe")]]
// The returned reference/view lives no longer than the annotated object.
#define KL_LIFETIMEBOUND [[clang::lifetimebound]]
#define KL_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define KLIB_UNSAFE
#define KL_LIFETIMEBOUND
#define KL_THREAD_ANNOTATION(x)
#endif

#define KL_NODISCARD [[nodiscard]]

// Clang thread-safety analysis (-Wthread-safety), see
// https://clang.llvm.org/docs/ThreadSafetyAnalysis.html
#define KL_CAPABILITY(x) KL_THREAD_ANNOTATION(capability(x))
#define KL_SCOPED_CAPABILITY KL_THREAD_ANNOTATION(scoped_lockable)
#define KL_GUARDED_BY(x) KL_THREAD_ANNOTATION(guarded_by(x))
#define KL_PT_GUARDED_BY(x) KL_THREAD_ANNOTATION(pt_guarded_by(x))
#define KL_ACQUIRED_BEFORE(...) KL_THREAD_ANNOTATION(acquired_before(__VA_ARGS__))
#define KL_ACQUIRED_AFTER(...) KL_THREAD_ANNOTATION(acquired_after(__VA_ARGS__))
#define KL_ACQUIRE(...) KL_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define KL_ACQUIRE_SHARED(...) KL_THREAD_ANNOTATION(acquire_shared_capability(__VA_ARGS__))
#define KL_RELEASE(...) KL_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define KL_RELEASE_SHARED(...) KL_THREAD_ANNOTATION(release_shared_capability(__VA_ARGS__))
#define KL_RELEASE_GENERIC(...) KL_THREAD_ANNOTATION(release_generic_capability(__VA_ARGS__))
#define KL_TRY_ACQUIRE(...) KL_THREAD_ANNOTATION(try_acquire_capability(__VA_ARGS__))
#define KL_REQUIRES(...) KL_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define KL_REQUIRES_SHARED(...) KL_THREAD_ANNOTATION(requires_shared_capability(__VA_ARGS__))
#define KL_EXCLUDES(...) KL_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#define KL_ASSERT_CAPABILITY(x) KL_THREAD_ANNOTATION(assert_capability(x))
#define KL_RETURN_CAPABILITY(x) KL_THREAD_ANNOTATION(lock_returned(x))
#define KL_NO_THREAD_SAFETY_ANALYSIS KL_THREAD_ANNOTATION(no_thread_safety_analysis)

// Trusted headers wrap their contents in KLIB_TRUSTED_BEGIN/END. Trusted code
// is inlined into service translation units, which are built with UBSan in
// trap mode; the framework itself is not. These markers make trusted inline
// functions compile the same way in both (no UBSan instrumentation): they
// belong to the TCB, are reviewed and tested as framework code, and a
// benchmark (make bench) showed the checks doubling the cost of indexed
// loops. Service code, including lambdas it passes to trusted templates, is
// spelled outside these regions and stays instrumented.
#if defined(__clang__)
// clang-format off
#define KLIB_TRUSTED_BEGIN _Pragma("clang attribute push(__attribute__((no_sanitize(\"undefined\"))), apply_to = function)")
// clang-format on
#define KLIB_TRUSTED_END _Pragma("clang attribute pop")
#else
#define KLIB_TRUSTED_BEGIN
#define KLIB_TRUSTED_END
#endif
