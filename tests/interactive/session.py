#!/usr/bin/env python3
"""An interactive session through the serial console, as a user types it.

Boots the `make run` initramfs (tools/mkrootfs.sh: busybox init, a login
shell with job control on the console) in QEMU with the serial port on a
pipe, on Debian's Linux and on Keel, and drives it: the prompt, arithmetic,
a pipeline, ^C on `sleep 100` and on `cat`, a background job (`sleep 30 &`) and `jobs`,
^Z and `fg`, `exit` (the shell is respawned), then `poweroff`. Each step
is one test per kernel; Linux proves the expectations.

Usage: session.py [--no-linux] [--pending] (--pending is accepted and
changes nothing: Keel's session is no longer pending)
Last line: "interactive: N passed, N failed, N skipped".
"""
import os
import re
import select
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROMPT = re.compile(rb"root:[^\n]*# $")
ANSI = re.compile(rb"\x1b(\[[0-9;?]*[a-zA-Z]|c)")

class Console:
    def __init__(self, kernel, append, image, log):
        cmd = ["timeout", "--foreground", "600", "qemu-system-x86_64", "-machine", "q35", "-accel", "tcg",
               "-m", "512M", "-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot",
               "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
               "-kernel", kernel, "-initrd", image, "-append", append]
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, cwd=ROOT)
        self.buf = b""   # output not yet matched (\r removed)
        self.log = open(log, "wb")

    def _pump(self, timeout):
        r, _, _ = select.select([self.p.stdout], [], [], timeout)
        if not r:
            return True
        data = os.read(self.p.stdout.fileno(), 4096)
        if not data:
            return False
        self.log.write(data)
        self.log.flush()
        self.buf += data.replace(b"\r", b"")
        # Terminal control sequences (ash asks for the cursor position).
        self.buf = ANSI.sub(b"", self.buf)
        return True

    def expect(self, pattern, timeout):
        """Waits for `pattern` (bytes regex); consumes output up to its end."""
        rx = re.compile(pattern) if isinstance(pattern, bytes) else pattern
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(self.buf)
            if m:
                self.buf = self.buf[m.end():]
                return m
            left = deadline - time.monotonic()
            if left <= 0 or not self._pump(min(left, 0.5)):
                m = rx.search(self.buf)
                if m:
                    self.buf = self.buf[m.end():]
                return m

    def send(self, text, pause=0.0):
        # One byte at a time, as typed: a serial line has no type-ahead
        # guarantees while the shell switches terminal modes.
        for ch in text.encode():
            self.p.stdin.write(bytes([ch]))
            self.p.stdin.flush()
            time.sleep(0.01)
        if pause:
            time.sleep(pause)

    def finish(self, timeout):
        try:
            return self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            return None
        finally:
            self.log.close()


def session(kernel, append, image, log):
    """Yields (step name, ok, detail) for each step."""
    c = Console(kernel, append, image, log)
    ok = c.expect(PROMPT, 240) is not None
    yield "prompt", ok, "no prompt"
    if not ok:
        c.finish(1)
        return

    def step(name, typed, pattern, timeout=20, then_prompt=True):
        c.send(typed)
        m = c.expect(pattern, timeout)
        good = m is not None
        if good and then_prompt:
            good = c.expect(PROMPT, timeout) is not None
        return name, good, "did not see %r" % pattern

    yield step("arithmetic", "echo $((6*7))\r", rb"\n42\n")
    yield step("pipeline echo a | cat", "echo a | cat\r", rb"\na\n")
    yield step("pipeline ls / | wc -l", "ls / | wc -l\r", rb"\n *[1-9][0-9]*\n")
    # ^C interrupts a foreground job; the shell reports 128 + SIGINT.
    c.send("sleep 100\r", pause=1.0)
    yield step("^C interrupts sleep 100", "\x03", PROMPT, 10, then_prompt=False)
    yield step("  status 130", "echo status $?\r", rb"\nstatus 130\n")
    # cat echoes a line back, then ^C.
    c.send("cat\r", pause=0.5)
    yield step("cat copies a line", "hello tty\r", rb"hello tty\nhello tty\n", then_prompt=False)
    yield step("^C interrupts cat", "\x03", PROMPT, 10, then_prompt=False)
    # A background job.
    yield step("sleep 30 &", "sleep 30 &\r", PROMPT, then_prompt=False)
    yield step("jobs", "jobs\r", rb"\[1\]\+ +Running +sleep 30")
    # ^Z stops the foreground job; fg continues it; ^C ends it.
    c.send("sleep 100\r", pause=1.0)
    yield step("^Z stops sleep 100", "\x1a", rb"\[[0-9]+\]\+ +Stopped +sleep 100\n", 10)
    yield step("fg continues it", "fg\r", rb"\nsleep 100\n", 10, then_prompt=False)
    time.sleep(0.5)
    yield step("^C ends it", "\x03", PROMPT, 10, then_prompt=False)
    # Erase and kill in the shell's line editor: the command that runs is
    # what remains on the line.
    yield step("erase (^H) and kill (^U)", "echo junk\x15echo abx\x7fc\r", rb"\nabc\n")
    yield step("exit: a new shell", "exit\r", PROMPT, 30, then_prompt=False)
    c.send("poweroff\r")
    status = c.finish(120)
    yield "poweroff", status == 0, "QEMU exit status %r" % status


def main():
    args = sys.argv[1:]
    use_linux = "--no-linux" not in args
    os.chdir(ROOT)
    outdir = os.path.join(ROOT, "build", "interactive")
    os.makedirs(outdir, exist_ok=True)
    if subprocess.run(["make", "-s", "all", "build/initramfs.cpio.gz"]).returncode != 0:
        print("interactive: 0 passed, 1 failed, 0 skipped")
        return 1
    image = "build/initramfs.cpio.gz"
    kernels = []
    if use_linux:
        r = subprocess.run(["bash", "tools/get-linux.sh", "build/linux"], capture_output=True, text=True)
        if r.returncode == 0 and r.stdout.strip():
            kernels.append(("linux", r.stdout.strip(), "console=ttyS0 quiet panic=-1 printk.time=0"))
        else:
            print("interactive: Linux kernel unavailable; ran on Keel only")
    kernels.append(("keel", "build/keel.elf", "console=ttyS0"))
    passed = failed = skipped = 0
    for name, kernel, append in kernels:
        log = os.path.join(outdir, name + ".log")
        for step, ok, detail in session(kernel, append, image, log):
            if ok:
                print("interactive %s/%s ... ok" % (step, name))
                passed += 1
            else:
                print("interactive %s/%s ... FAILED (%s; log: %s)" % (step, name, detail, log))
                failed += 1
        sys.stdout.flush()
    print("interactive: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
