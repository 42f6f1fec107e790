#!/usr/bin/env bash
# Boots tests/user/mm_bench.c as /init on Keel and on Debian's Linux in the
# same QEMU (TCG, q35, 512 MiB) and prints each result and the Keel/Linux
# ratio. Usage: tests/run-mm-bench.sh [RUNS]
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-1}
make -s all build/user/mm_bench >/dev/null || exit 1
linux=$(bash tools/get-linux.sh build/linux 2>/dev/null) || { echo "no Linux kernel"; exit 1; }
out=build/mm-bench
rm -rf "$out" && mkdir -p "$out/root"
cp build/user/mm_bench "$out/root/init"
(cd "$out/root" && find . | sort | cpio -o -H newc --quiet | gzip -9) >"$out/initrd.gz"
boot() {
    timeout --foreground 300 qemu-system-x86_64 -machine q35 -accel tcg -m 512M -nographic \
        -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel "$1" \
        -initrd "$out/initrd.gz" -append "console=ttyS0 quiet panic=-1" </dev/null 2>&1 | tr -d '\r'
}
for r in $(seq 1 "$runs"); do
    boot build/keel.elf >"$out/keel.$r.log"
    boot "$linux" >"$out/linux.$r.log"
    for name in mmap_munmap_4m_untouched page_fault_1m_256 mmap_touch_munmap_4k; do
        k=$(sed -nE "s/.*mm_bench $name: ([0-9]+) ns.*/\1/p" "$out/keel.$r.log")
        l=$(sed -nE "s/.*mm_bench $name: ([0-9]+) ns.*/\1/p" "$out/linux.$r.log")
        ratio=$(awk -v k="${k:-0}" -v l="${l:-0}" 'BEGIN { if (l > 0) printf "%.2f", k / l; else print "?" }')
        echo "run $r $name: keel ${k:-?} ns, linux ${l:-?} ns, keel/linux $ratio"
    done
done
