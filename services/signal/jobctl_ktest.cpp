// ktests of job control in the shared Inbox: a group stop completes when
// every live thread has parked, is reported to wait(2) once, SIGCONT
// ends it with a continue report and the parent's notice, stop and
// continue signals cancel each other, SIGKILL does not continue.
#include "signal.h"

#include <keel/ktest.h>

namespace services::signal {

KTEST(jobctl_group_stop_completes_when_every_thread_parks) {
    const Inbox in;
    KEXPECT(!in.stop_wanted(0));
    KEXPECT(in.begin_stop(SIGTSTP));
    KEXPECT(!in.begin_stop(SIGSTOP)); // one stop at a time
    KEXPECT(in.stop_wanted(0));
    const Inbox::Parked a = in.park(2);
    KEXPECT(!a.completed);
    KEXPECT(!in.stop_wanted(a.gen)); // this thread took part
    KEXPECT(!in.stopped());
    KEXPECT_EQ(in.stop_report(false), 0); // not stopped yet
    const Inbox::Parked b = in.park(2);
    KEXPECT(b.completed);
    KEXPECT(in.stopped());
    KEXPECT(in.holds(b.gen));
    const Inbox::Notice n = in.take_notice();
    KEXPECT_EQ(n.code, CLD_STOPPED);
    KEXPECT_EQ(n.status, SIGTSTP);
    KEXPECT_EQ(in.take_notice().code, 0); // sent once
    KEXPECT_EQ(in.stop_report(false), SIGTSTP); // WNOWAIT keeps it
    KEXPECT_EQ(in.stop_report(true), SIGTSTP);
    KEXPECT_EQ(in.stop_report(true), 0); // reported once
}

KTEST(jobctl_sigcont_resumes_and_reports_a_continue) {
    const Inbox in;
    KEXPECT(in.begin_stop(SIGSTOP));
    const Inbox::Parked p = in.park(1);
    KEXPECT(p.completed);
    (void)in.take_notice();
    in.post(SigInfo(SIGTTIN, SI_USER)); // a stop signal queued meanwhile
    send(in, SigInfo(SIGCONT, SI_USER));
    KEXPECT(!in.holds(p.gen));
    KEXPECT(!in.stopped());
    KEXPECT((in.pending() & bit(SIGTTIN)) == 0); // SIGCONT discards it
    KEXPECT((in.pending() & bit(SIGCONT)) != 0);
    const Inbox::Notice n = in.take_notice();
    KEXPECT_EQ(n.code, CLD_CONTINUED);
    KEXPECT_EQ(n.status, SIGCONT);
    KEXPECT_EQ(in.stop_report(true), 0);
    KEXPECT(in.continue_report(false));
    KEXPECT(in.continue_report(true));
    KEXPECT(!in.continue_report(true));
    // A stop signal discards a pending SIGCONT.
    send(in, SigInfo(SIGSTOP, SI_USER));
    KEXPECT((in.pending() & bit(SIGCONT)) == 0);
}

KTEST(jobctl_sigcont_while_stopping_and_sigkill_while_stopped) {
    const Inbox in;
    KEXPECT(in.begin_stop(SIGTSTP));
    (void)in.park(3); // one of three parked: still stopping
    send(in, SigInfo(SIGCONT, SI_USER));
    // Linux's SIGNAL_CLD_STOPPED: the parent hears of the stop that was
    // under way.
    const Inbox::Notice n = in.take_notice();
    KEXPECT_EQ(n.code, CLD_STOPPED);
    KEXPECT_EQ(n.status, SIGTSTP);
    KEXPECT(in.continue_report(true));
    // A new stop; one thread exits before parking: the other completes it.
    KEXPECT(in.begin_stop(SIGSTOP));
    (void)in.park(2);
    KEXPECT(in.recount(1));
    KEXPECT(in.stopped());
    // SIGKILL is posted but does not continue the group.
    send(in, SigInfo(SIGKILL, SI_USER));
    KEXPECT(in.stopped());
    KEXPECT((in.pending() & bit(SIGKILL)) != 0);
    KEXPECT(!in.continue_report(false));
}

} // namespace services::signal
