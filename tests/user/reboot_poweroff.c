// reboot(2): Linux's magic checks (EINVAL), Ctrl-Alt-Del on/off, then
// LINUX_REBOOT_CMD_POWER_OFF, which prints "reboot: Power down" and turns
// the machine off (QEMU exits; init never returns).
#include "check.h"
#include <sys/reboot.h>

// <linux/reboot.h> (musl has no kernel headers)
#define LINUX_REBOOT_MAGIC1 0xfee1dead
#define LINUX_REBOOT_MAGIC2 672274793
#define LINUX_REBOOT_MAGIC2A 85072278
#define LINUX_REBOOT_MAGIC2B 369367448
#define LINUX_REBOOT_MAGIC2C 537993216
#define LINUX_REBOOT_CMD_CAD_ON 0x89ABCDEF
#define LINUX_REBOOT_CMD_CAD_OFF 0x00000000

static long rb(unsigned long m1, unsigned long m2, unsigned long cmd, void* arg) {
    return syscall(SYS_reboot, m1, m2, cmd, arg);
}

int main(void) {
    check_err("bad magic1", rb(0xfee1deae, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_CAD_OFF, NULL), EINVAL);
    check_err("bad magic2", rb(LINUX_REBOOT_MAGIC1, 12345, LINUX_REBOOT_CMD_CAD_OFF, NULL), EINVAL);
    check_err("bad magic before bad cmd", rb(0, 0, 0x12345678, NULL), EINVAL);
    check_err("unknown command", rb(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, 0x12345678, NULL), EINVAL);
    check_ok("CAD_OFF", rb(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_CAD_OFF, NULL));
    check_ok("CAD_ON magic2A", rb(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2A, LINUX_REBOOT_CMD_CAD_ON, NULL));
    check_ok("CAD_OFF magic2B", rb(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2B, LINUX_REBOOT_CMD_CAD_OFF, NULL));
    check_ok("CAD_OFF magic2C", rb(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2C, LINUX_REBOOT_CMD_CAD_OFF, NULL));
    printf("%d checks, %d failed; powering off\n", check_count, check_failures);
    fflush(stdout);
    reboot(RB_POWER_OFF);
    printf("FAIL still running after POWER_OFF: errno %s\n", errname(errno));
    return 1;
}
