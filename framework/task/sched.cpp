// Tasks and the round-robin scheduler. One CPU: mutual exclusion is
// interrupts-off (a multi-CPU version needs a run-queue lock here).
#include "task/sched.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "mm/kernel_space.h"
#include "mm/phys.h"
#include <keel/panic.h>
#include <keel/task.h>
#include <keel/time.h>
#include <klib/box.h>
#include <klib/list.h>

extern "C" void keel_switch(u64* save_rsp, u64 next_rsp);
extern "C" void keel_task_trampoline();

namespace keel::sched {

namespace {

constexpr usize STACK_PAGES = 8; // 32 KiB, like the boot stack

enum class State : u8 { Ready, Running, Blocked, Sleeping, Exited };

struct Task : klib::ListLink<Task> {
    TaskId id = 0;
    State state = State::Ready;
    u64 rsp = 0;        // saved stack pointer while not running
    u64 stack_top = 0;  // 0 for the boot task (its stack is in the image)
    u64 wait_key = 0;   // WaitQueue it blocks on
    u64 wake_at_ns = 0; // for Sleeping
    u64 ran_since = 0;  // monotonic_ns() when it last started running
    u64 cpu_ns = 0;     // time it ran before ran_since (kernel and user mode)
    u64 user_ns = 0;    // of which in user mode (execute_user)
    klib::Function<void()> body;
};

struct Sched {
    klib::IntrusiveList<Task> ready;
    klib::IntrusiveList<Task> waiting; // Blocked and Sleeping
    Task* current = nullptr;
    Task* zombie = nullptr; // exited; freed once we are off its stack
    TaskId next_id = 1;
    u64 count = 0;
};

Sched g;
Task g_boot_task;

// Interrupts off for the duration: the scheduler's lock on one CPU.
struct IrqGuard {
    bool was_on;
    IrqGuard() : was_on((arch::read_rflags() & arch::RFLAGS_IF) != 0) { arch::cli(); }
    ~IrqGuard() {
        if (was_on) {
            arch::sti();
        }
    }
};

void reap_zombie() {
    if (g.zombie == nullptr) {
        return;
    }
    Task* t = g.zombie;
    g.zombie = nullptr;
    mm::free_kernel_stack(t->stack_top, STACK_PAGES);
    // SAFETY: t came from Box::leak in spawn_task and is on no list.
    klib::Box<Task>::from_raw(t);
}

// Moves every waiting task for which match(task) holds to the ready queue
// (one pass, rotating the list); returns how many. Interrupts must be off.
template <typename F>
u64 wake_matching(F&& match) {
    u64 woken = 0;
    for (usize n = g.waiting.size(); n > 0; --n) {
        Task& t = g.waiting.pop_front();
        if (match(t)) {
            t.state = State::Ready;
            g.ready.push_back(t);
            ++woken;
        } else {
            g.waiting.push_back(t);
        }
    }
    return woken;
}

// Picks the next ready task and switches to it; returns when the caller is
// scheduled again. Interrupts must be off. If nothing is ready, idles with
// interrupts on until an interrupt makes something ready.
void schedule() {
    Task* prev = g.current;
    // CPU time: prev has run until now (idling below is nobody's).
    const u64 now = monotonic_ns();
    prev->cpu_ns += now - prev->ran_since;
    prev->ran_since = now;
    while (g.ready.empty()) {
        if (prev->state == State::Running) {
            return; // nothing else to do: keep running (ran_since is now)
        }
        // SAFETY: sti;hlt is the idle loop; the tick handler may make a
        // sleeper ready, which ends it.
        asm volatile("sti; hlt; cli" ::: "memory");
    }
    Task& next = g.ready.pop_front();
    if (prev->state == State::Running) {
        prev->state = State::Ready;
        g.ready.push_back(*prev);
    }
    next.state = State::Running;
    g.current = &next;
    if (&next != prev) {
        // SAFETY: next.rsp is a stack saved by keel_switch or built by
        // spawn_task; prev's stack stays valid (a zombie is freed only by
        // the next task, after this switch).
        arch::fpu_release(); // a user FPU state never stays live across tasks
        keel_switch(&prev->rsp, next.rsp);
    }
    // Running again (g.current is this task): its CPU time counts from here.
    g.current->ran_since = monotonic_ns();
    reap_zombie();
}

} // namespace

void init() {
    g_boot_task.id = g.next_id++;
    g_boot_task.state = State::Running;
    g.current = &g_boot_task;
    g.count = 1;
}

void charge_user(u64 ns) {
    if (g.current != nullptr) {
        g.current->user_ns += ns;
    }
}

bool others_ready() {
    return !g.ready.empty();
}

void on_tick() {
    const u64 now = monotonic_ns();
    // Runs in the timer interrupt: interrupts are already off.
    // Sleepers, and waiters with a deadline (wait_until_for), whose time
    // has come.
    wake_matching([now](const Task& t) {
        return (t.state == State::Sleeping || t.state == State::Blocked) && t.wake_at_ns != 0 &&
               t.wake_at_ns <= now;
    });
}

} // namespace keel::sched

extern "C" [[noreturn]] void keel_task_main(keel::sched::Task* t) {
    using namespace keel::sched;
    t->ran_since = keel::monotonic_ns();
    reap_zombie();
    keel::arch::sti();
    t->body();
    keel::arch::cli();
    t->state = State::Exited;
    --g.count;
    g.zombie = t;
    schedule();
    keel::panic("sched: an exited task was scheduled again");
}

namespace keel {

using namespace sched;

klib::Result<TaskId> spawn_task(klib::Function<void()> body) {
    klib::Box<Task> t = TRY(klib::Box<Task>::make());
    const u64 top = TRY(mm::alloc_kernel_stack(STACK_PAGES));
    (*t).stack_top = top;
    (*t).body = klib::move(body);
    // The initial frame keel_switch pops: r15 r14 r13 r12 rbx rbp rflags,
    // then returns into the trampoline, which calls keel_task_main(task).
    // sp is 16-byte aligned, so after the 7 pops and the ret the
    // trampoline's `call` runs with rsp 16-byte aligned, as the ABI wants
    // (objects with alignas(16) on the task's stack, e.g. the FPU image of
    // a keel::UserContext, depend on it).
    // SAFETY: the stack was just mapped; 10 words fit in its top page.
    u64* sp = reinterpret_cast<u64*>(top) - 10;
    Task* raw = t.leak();
    sp[0] = 0;                          // r15
    sp[1] = 0;                          // r14
    sp[2] = 0;                          // r13
    sp[3] = u64(raw);                   // r12: the task
    sp[4] = 0;                          // rbx
    sp[5] = 0;                          // rbp
    sp[6] = 0x2;                        // rflags: interrupts off
    sp[7] = u64(&keel_task_trampoline); // return address
    sp[8] = 0;                          // padding: rsp is 16-aligned at the call
    sp[9] = 0;
    raw->rsp = u64(sp);
    IrqGuard irq;
    raw->id = g.next_id++;
    raw->state = State::Ready;
    g.ready.push_back(*raw);
    ++g.count;
    return raw->id;
}

void yield_now() {
    IrqGuard irq;
    schedule();
}

TaskId current_task() {
    return g.current == nullptr ? 1 : g.current->id;
}

TaskTimes task_times() {
    IrqGuard irq;
    const Task& t = *g.current;
    return TaskTimes{t.user_ns, t.cpu_ns + (monotonic_ns() - t.ran_since)};
}

klib::Optional<TaskTimes> task_times(TaskId id) {
    IrqGuard irq;
    if (g.current != nullptr && g.current->id == id) {
        const Task& t = *g.current;
        return TaskTimes{t.user_ns, t.cpu_ns + (monotonic_ns() - t.ran_since)};
    }
    klib::Optional<TaskTimes> found;
    auto look = [&](const klib::IntrusiveList<Task>& list) {
        for (const Task& t : list) {
            if (t.id == id) {
                found = TaskTimes{t.user_ns, t.cpu_ns};
            }
        }
    };
    look(g.ready);
    look(g.waiting);
    return found;
}

u64 task_count() {
    IrqGuard irq;
    return g.count;
}

void sleep_ns(u64 ns) {
    IrqGuard irq;
    Task* t = g.current;
    t->state = State::Sleeping;
    t->wake_at_ns = monotonic_ns() + ns;
    g.waiting.push_back(*t);
    schedule();
    t->wake_at_ns = 0;
}

WaitQueue::~WaitQueue() {
    KLIB_CHECK(waiters_ == 0, "WaitQueue destroyed while tasks wait on it");
}

u64 WaitQueue::key() const {
    return u64(this);
}

bool WaitQueue::block_unless(klib::FunctionRef<bool()> cond, u64 deadline_ns) const {
    IrqGuard irq;
    if (cond()) {
        return true;
    }
    Task* t = g.current;
    t->state = State::Blocked;
    t->wait_key = key();
    t->wake_at_ns = deadline_ns;
    ++waiters_;
    g.waiting.push_back(*t);
    schedule();
    // Running again: woken by wake_all() or by the deadline.
    --waiters_;
    t->wait_key = 0;
    t->wake_at_ns = 0;
    return false;
}

bool WaitQueue::wait_until_for(klib::FunctionRef<bool()> cond, u64 timeout_ns) const {
    const u64 deadline = monotonic_ns() + (timeout_ns == 0 ? 1 : timeout_ns);
    while (monotonic_ns() < deadline) {
        if (block_unless(cond, deadline)) {
            return true;
        }
    }
    IrqGuard irq;
    return cond();
}

void WaitQueue::wake_all() const {
    IrqGuard irq;
    const u64 k = key();
    // (Each woken task counts itself out of waiters_ when it runs again.)
    wake_matching([k](const Task& t) { return t.state == State::Blocked && t.wait_key == k; });
}

} // namespace keel
