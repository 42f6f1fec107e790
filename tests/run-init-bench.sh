#!/usr/bin/env bash
# Boots one benchmark program from tests/user/ (mm_bench, vfs_bench) as
# /init on Keel and on Debian's Linux in the same QEMU (TCG, q35, 512 MiB),
# alternately, and prints each result with its Keel/Linux ratio. The
# program prints lines "PROG NAME: N ns/op ...".
# Usage: tests/run-init-bench.sh PROG [RUNS]
set -uo pipefail
cd "$(dirname "$0")/.."
prog=${1:?usage: run-init-bench.sh PROG [RUNS]}
runs=${2:-1}
make -s all "build/user/$prog" >/dev/null || exit 1
linux=$(bash tools/get-linux.sh build/linux 2>/dev/null) || { echo "no Linux kernel"; exit 1; }
out=build/$prog
rm -rf "$out" && mkdir -p "$out/root"
cp "build/user/$prog" "$out/root/init"
(cd "$out/root" && find . | sort | cpio -o -H newc --quiet | gzip -9) >"$out/initrd.gz"
boot() {
    timeout --foreground 300 qemu-system-x86_64 -machine q35 -accel tcg -m 512M -nographic \
        -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel "$1" \
        -initrd "$out/initrd.gz" -append "console=ttyS0 quiet panic=-1" </dev/null 2>&1 | tr -d '\r'
}
for r in $(seq 1 "$runs"); do
    boot build/keel.elf >"$out/keel.$r.log"
    boot "$linux" >"$out/linux.$r.log"
    names=$(sed -nE "s/.*$prog ([a-z0-9_]+): [0-9]+ ns.*/\1/p" "$out/linux.$r.log")
    for name in $names; do
        k=$(sed -nE "s/.*$prog $name: ([0-9]+) ns.*/\1/p" "$out/keel.$r.log")
        l=$(sed -nE "s/.*$prog $name: ([0-9]+) ns.*/\1/p" "$out/linux.$r.log")
        ratio=$(awk -v k="${k:-0}" -v l="${l:-0}" 'BEGIN { if (l > 0 && k > 0) printf "%.2f", k / l; else print "?" }')
        echo "run $r $name: keel ${k:-?} ns, linux ${l:-?} ns, keel/linux $ratio"
    done
done
