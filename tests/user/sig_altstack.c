// sigaltstack: set and read back, SA_ONSTACK handlers run on the
// alternate stack and see SS_ONSTACK, no change while on it (EPERM), too
// small (ENOMEM), bad flags (EINVAL), SS_DISABLE; a stack overflow caught
// by a SIGSEGV handler on the alternate stack (in a child).
#include "ptest.h"

static char alt[65536] __attribute__((aligned(16)));
static volatile int on_alt, flags_seen, eperm_seen;

static void where(int s) {
    (void)s;
    char local;
    on_alt = &local >= alt && &local < alt + sizeof alt;
    stack_t cur;
    sigaltstack(NULL, &cur);
    flags_seen = cur.ss_flags;
    stack_t other = {.ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0};
    eperm_seen = sigaltstack(&other, NULL) == -1 && errno == EPERM;
}

static volatile int depth_reached;
static int recurse(int n) {
    volatile char pad[1024];
    pad[0] = (char)n;
    depth_reached = n;
    if (n < 0) { // never: keeps the compiler from calling this infinite
        return 0;
    }
    return recurse(n + 1) + pad[0];
}

static void segv_on_alt(int s) {
    (void)s;
    char local;
    _exit(&local >= alt && &local < alt + sizeof alt ? 40 : 41);
}

static int overflow_child(void* arg) {
    (void)arg;
    stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0};
    sigaltstack(&ss, NULL);
    on_signal(SIGSEGV, segv_on_alt, SA_ONSTACK);
    struct rlimit rl = {1 << 20, 1 << 20};
    setrlimit(RLIMIT_STACK, &rl);
    return recurse(0);
}

int main(void) {
    check_start(NULL);
    stack_t old;
    memset(&old, 0xff, sizeof old);
    check_eq("query_initial", sigaltstack(NULL, &old), 0);
    check_eq("initial_disabled", old.ss_flags, SS_DISABLE);
    stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0};
    check_eq("set", sigaltstack(&ss, NULL), 0);
    check_true("read_back", sigaltstack(NULL, &old) == 0 && old.ss_sp == alt && old.ss_size == sizeof alt &&
                                old.ss_flags == 0,
               "flags %d", old.ss_flags);
    stack_t small = {.ss_sp = alt, .ss_size = 1024, .ss_flags = 0};
    check_err("too_small_enomem", sigaltstack(&small, NULL), ENOMEM);
    stack_t badf = {.ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0x10};
    check_err("bad_flags_einval", sigaltstack(&badf, NULL), EINVAL);
    check_err("bad_pointer_efault", syscall(SYS_sigaltstack, 8, 0), EFAULT);

    on_signal(SIGUSR1, where, SA_ONSTACK);
    raise(SIGUSR1);
    check_eq("handler_on_altstack", on_alt, 1);
    check_eq("ss_onstack_in_handler", flags_seen, SS_ONSTACK);
    check_eq("change_on_stack_eperm", eperm_seen, 1);
    on_signal(SIGUSR1, where, 0);
    raise(SIGUSR1);
    check_eq("no_sa_onstack_normal_stack", on_alt, 0);

    check_eq("overflow_caught_on_altstack", exit_code(run_child(overflow_child, NULL)), 40);

    stack_t dis = {.ss_sp = NULL, .ss_size = 0, .ss_flags = SS_DISABLE};
    check_eq("disable", sigaltstack(&dis, NULL), 0);
    sigaltstack(NULL, &old);
    check_eq("disabled_after", old.ss_flags, SS_DISABLE);
    on_signal(SIGUSR1, where, SA_ONSTACK);
    raise(SIGUSR1);
    check_eq("onstack_when_disabled_normal_stack", on_alt, 0);
    return check_end("sig_altstack");
}
