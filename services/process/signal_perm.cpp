#include "signal_perm.h"

#include "proc_view.h"
#include "table.h"

namespace services::process {

klib::Result<void, syscall::Errno> may_signal(const Thread& t, i32 target, i32 sig) {
    constexpr i32 SIGCONT = 18;
    if (target == t.pid()) {
        return {};
    }
    auto mine = t.vfs->get();
    if (mine.is_err()) {
        return {}; // no file system: a kernel test, root
    }
    klib::Optional<fs::Cred> theirs = credentials_of(target);
    if (!theirs.has_value() || mine.value().cred.may_signal(theirs.value())) {
        return {};
    }
    if (sig == SIGCONT) {
        const i32 sid = getsid(target);
        if (sid == 0 || sid == getsid(t.pid())) {
            return {};
        }
    }
    return syscall::Errno::EPERM;
}

} // namespace services::process
