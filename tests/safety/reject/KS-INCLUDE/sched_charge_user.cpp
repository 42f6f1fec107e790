// expect: KS-INCLUDE
// CPU time is charged by the framework alone (execute_user, the task
// switch); services read it through keel::task_times and cannot forge it
// through the scheduler's private header.
#include "../../../../framework/task/sched.h"
namespace svc {
void forge() { keel::sched::charge_user(1000000000); }
}
