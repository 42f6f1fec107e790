#include "ktest/runner.h"

#include "console/console.h"
#include "debug/panic_state.h"
#include "mm/kernel_space.h"
#include <keel/ktest.h>
#include <keel/panic.h>
#include <keel/power.h>
#include <keel/time.h>

extern "C" const keel::ktest::Entry __ktests_start[], __ktests_end[];

namespace keel::ktest {

namespace {

struct JumpBuf {
    u64 rbx, rbp, r12, r13, r14, r15, rsp, rip, rflags;
};

extern "C" int keel_context_save(JumpBuf* buf) __attribute__((returns_twice));
extern "C" [[noreturn]] void keel_context_resume(const JumpBuf* buf);
extern "C" void keel_run_on_stack(void (*fn)(), u64 stack_top);

// Tests run on their own guarded kernel stack. When a test panics, the
// runner resumes its own context and abandons that stack for good (a fresh
// one is allocated for the next test): the frames left on it, with whatever
// they owned, are never returned to, so no destructor of theirs is skipped
// and then "resumed" — they simply leak, which is all a panic promises.
constexpr usize TEST_STACK_PAGES = 8;
u64 g_test_stack = 0;

void ensure_test_stack() {
    if (g_test_stack != 0) {
        return;
    }
    auto top = mm::alloc_kernel_stack(TEST_STACK_PAGES);
    if (top.is_err()) {
        panic("ktest: no memory for a test stack");
    }
    g_test_stack = top.value();
}

enum class Outcome { Running, Panicked };

struct Current {
    const Entry* entry = nullptr;
    JumpBuf jump;
    usize failures = 0;
    Outcome outcome = Outcome::Running;
};

Current g_cur;

bool glob_match(klib::StringView pat, klib::StringView s) {
    // Iterative '*' / '?' matcher with single backtrack point.
    usize p = 0, i = 0, star = klib::StringView::npos, mark = 0;
    while (i < s.size()) {
        if (p < pat.size() && (pat[p] == '?' || pat[p] == s[i])) {
            ++p;
            ++i;
        } else if (p < pat.size() && pat[p] == '*') {
            star = p++;
            mark = i;
        } else if (star != klib::StringView::npos) {
            p = star + 1;
            i = ++mark;
        } else {
            return false;
        }
    }
    while (p < pat.size() && pat[p] == '*') {
        ++p;
    }
    return p == pat.size();
}

klib::StringView cstr(const char* s) {
    // SAFETY: entries are built by the KTEST macros from string literals.
    return klib::StringView::from_cstr(s);
}

// Runs one test; returns true if it passed.
bool run_one(const Entry& e) {
    g_cur.entry = &e;
    g_cur.failures = 0;
    g_cur.outcome = Outcome::Running;
    bool expect_panic = e.expect_panic != nullptr;
    if (expect_panic) {
        console::capture_start();
    }
    u64 start = monotonic_ns();
    ensure_test_stack();
    // SAFETY: the context is resumed only from on_panic() while this frame
    // is live; the test runs on a separate stack, which is then abandoned.
    if (keel_context_save(&g_cur.jump) == 0) {
        keel_run_on_stack(e.fn, g_test_stack);
    } else {
        g_test_stack = 0;
    }
    u64 took_us = (monotonic_ns() - start) / 1000;
    if (expect_panic) {
        console::capture_stop();
    }
    g_cur.entry = nullptr;
    bool ok = false;
    if (expect_panic) {
        if (g_cur.outcome != Outcome::Panicked) {
            log_error("    expected a panic containing \"{}\", but the test returned",
                      cstr(e.expect_panic));
        } else if (!console::captured().contains(cstr(e.expect_panic))) {
            log_error("    panicked, but the output lacks \"{}\"", cstr(e.expect_panic));
        } else {
            ok = true;
        }
    } else {
        ok = g_cur.outcome == Outcome::Running && g_cur.failures == 0;
        if (g_cur.outcome == Outcome::Panicked) {
            log_error("    unexpected panic");
        }
    }
    log_info("ktest {} ... {} ({} us)", cstr(e.name),
             ok ? klib::StringView("ok") : klib::StringView("FAILED"), took_us);
    return ok;
}

} // namespace

void record_failure(klib::StringView what, klib::StringView file, int line) {
    log_error("    check failed: {} at {}:{}", what, file, line);
    ++g_cur.failures;
}

void bench_report(klib::StringView label, klib::Span<u64> samples) {
    // Insertion sort: a handful of samples.
    for (usize i = 1; i < samples.size(); ++i) {
        for (usize j = i; j > 0 && samples[j] < samples[j - 1]; --j) {
            u64 t = samples[j];
            samples[j] = samples[j - 1];
            samples[j - 1] = t;
        }
    }
    log_info("bench {}: median {} ns (min {}, max {}) over {} rounds", label,
             samples[samples.size() / 2], samples[0], samples[samples.size() - 1], samples.size());
}

void run_benches(klib::StringView filter) {
    usize ran = 0;
    for (const Entry* e = __ktests_start; e != __ktests_end; ++e) {
        if (e->kind != KIND_BENCH || (!filter.empty() && !glob_match(filter, cstr(e->name)))) {
            continue;
        }
        ensure_test_stack();
        keel_run_on_stack(e->fn, g_test_stack);
        ++ran;
    }
    log_info("bench: {} benchmarks run", ran);
    exit_qemu(ran > 0 ? ExitCode::Success : ExitCode::Failure);
}

[[gnu::noinline]] u64 opaque(u64 v) {
    asm volatile("" : "+r"(v));
    return v;
}

void on_panic() {
    if (g_cur.entry == nullptr) {
        return;
    }
    g_cur.outcome = Outcome::Panicked;
    debug::panic_recovered();
    keel_context_resume(&g_cur.jump);
}

void run_all(klib::StringView filter) {
    usize passed = 0, failed = 0;
    const usize total = usize(__ktests_end - __ktests_start);
    log_info("ktest: {} tests registered, filter \"{}\"", total, filter);
    if (total == 0) {
        log_error("ktest: this is the product image, without tests: boot keel-test.elf");
    }
    for (const Entry* e = __ktests_start; e != __ktests_end; ++e) {
        if (e->kind == KIND_BENCH) {
            continue;
        }
        if (e->kind == KIND_MANUAL ? !(filter == cstr(e->name))
                                   : (!filter.empty() && !glob_match(filter, cstr(e->name)))) {
            continue;
        }
        if (run_one(*e)) {
            ++passed;
        } else {
            ++failed;
        }
    }
    log_info("ktest: {} passed, {} failed", passed, failed);
    exit_qemu(failed == 0 && passed > 0 ? ExitCode::Success : ExitCode::Failure);
}

} // namespace keel::ktest
