// keel::task_times is safe to call from services: it only reads.
#include <keel/task.h>
namespace svc {
unsigned long long user_part() {
    const keel::TaskTimes t = keel::task_times();
    const klib::Optional<keel::TaskTimes> other = keel::task_times(keel::current_task());
    return t.user_ns + (other.has_value() ? other.value().total_ns : 0);
}
}
