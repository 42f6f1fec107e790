// reboot(2) LINUX_REBOOT_CMD_RESTART: "reboot: Restarting system", then the
// machine resets (QEMU runs with -no-reboot, so it exits).
#include "check.h"
#include <sys/reboot.h>

int main(void) {
    printf("restarting\n");
    fflush(stdout);
    reboot(RB_AUTOBOOT);
    printf("FAIL still running after RESTART: errno %s\n", errname(errno));
    return 1;
}
