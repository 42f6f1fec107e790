// reboot(2): Linux's magic numbers and commands (kernel/reboot.c).
#include "syscall.h"
#include "user_mem.h"
#include <keel/console.h>
#include <keel/power.h>
#include <keel/sync/spinlock.h>
#include <klib/array.h>

namespace services::syscall {

namespace {

constexpr u32 MAGIC1 = 0xfee1dead;
constexpr u32 MAGIC2 = 672274793;
constexpr u32 MAGIC2A = 85072278;
constexpr u32 MAGIC2B = 369367448;
constexpr u32 MAGIC2C = 537993216;

constexpr u32 CMD_RESTART = 0x01234567;
constexpr u32 CMD_HALT = 0xcdef0123;
constexpr u32 CMD_CAD_ON = 0x89abcdef;
constexpr u32 CMD_CAD_OFF = 0x00000000;
constexpr u32 CMD_POWER_OFF = 0x4321fedc;
constexpr u32 CMD_RESTART2 = 0xa1b2c3d4;
constexpr u32 CMD_KEXEC = 0x45584543;

// Ctrl-Alt-Del: reboot at once (1) or signal init (0). Recorded; there is
// no keyboard to press it on.
keel::SpinLock<bool> g_cad;

void say(klib::StringView line) {
    klib::Array<u8, 64> buf{};
    usize n = 0;
    for (char c : line) {
        if (n < buf.size()) {
            buf[n++] = u8(c);
        }
    }
    keel::console_write(buf.span().first(n));
}

} // namespace

SysResult sys_reboot(process::Thread& t, const Args& args) {
    // CAP_SYS_BOOT: every process is root with all capabilities today.
    const u32 magic1 = u32(args.a[0]);
    const u32 magic2 = u32(args.a[1]);
    const u32 cmd = u32(args.a[2]);
    if (magic1 != MAGIC1 ||
        (magic2 != MAGIC2 && magic2 != MAGIC2A && magic2 != MAGIC2B && magic2 != MAGIC2C)) {
        return Errno::EINVAL;
    }
    switch (cmd) {
    case CMD_RESTART:
        say("reboot: Restarting system\n");
        keel::restart();
    case CMD_RESTART2: {
        // The command string is read (EFAULT) but the machine has one way
        // to restart.
        TRY_SYS(t.space->read_val<u8>(args.a[3]));
        say("reboot: Restarting system\n");
        keel::restart();
    }
    case CMD_CAD_ON:
    case CMD_CAD_OFF:
        g_cad.with([cmd](bool& c) { c = cmd == CMD_CAD_ON; });
        return u64(0);
    case CMD_HALT:
        say("reboot: System halted\n");
        keel::halt();
    case CMD_POWER_OFF:
        say("reboot: Power down\n");
        keel::poweroff();
    case CMD_KEXEC:
        return Errno::EINVAL; // no kexec image loaded
    default:
        return Errno::EINVAL;
    }
}

} // namespace services::syscall
