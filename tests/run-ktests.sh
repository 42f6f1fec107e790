#!/usr/bin/env bash
# Boots keel.elf in QEMU with `ktest[=GLOB]`, streams the serial output, and
# checks both the QEMU exit status (isa-debug-exit) and the summary line.
# Usage: run-ktests.sh KERNEL [GLOB] [extra qemu args...]
set -uo pipefail
kernel=$1
glob=${2:-}
shift 2 || shift $#
log=${KTEST_LOG:-build/ktest.log}
mkdir -p "$(dirname "$log")"
param=ktest
[ -n "$glob" ] && param="ktest=$glob"
# A 1 MiB scratch disk for the virtio-blk ktests: sector N begins with
# "KEEL-SECTOR-%06d".
disk=$(dirname "$log")/ktest-disk.img
python3 -c '
import sys
with open(sys.argv[1], "wb") as f:
    for n in range(2048):
        f.write(("KEEL-SECTOR-%06d" % n).encode().ljust(512, b"\0"))
' "$disk"
timeout --foreground "${KTEST_TIMEOUT:-240}" qemu-system-x86_64 -machine q35 -accel tcg -m 512M -nographic -no-reboot \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -drive "file=$disk,format=raw,if=none,id=ktestdisk" -device virtio-blk-pci,drive=ktestdisk \
    -kernel "$kernel" -append "console=ttyS0 $param" "$@" </dev/null | tee "$log"
status=${PIPESTATUS[0]}
summary=$(grep -aE '^ktest: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 | tr -d '\r')
if [ -z "$summary" ]; then
    echo "ktest: no summary line (QEMU status $status); the kernel crashed or hung" >&2
    echo "ktest: 0 passed, 1 failed"
    exit 1
fi
failed=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$summary")
if [ "$status" -ne 33 ] || [ "$failed" -ne 0 ]; then
    echo "ktest: QEMU exit status $status (33 = success)" >&2
    echo "$summary"
    exit 1
fi
echo "$summary"
