#!/usr/bin/env bash
# `make bench-linux`: the lmbench-style suite (tests/bench/lmbench.c) as
# /init of ONE initramfs, booted alternately on Keel and on Debian's Linux in
# the same QEMU, several boots each; prints the table of Keel/Linux ratios
# (medians over boots) and writes build/bench/NAME.json
# (tools/bench-report.py).
# Usage: run-bench-linux.sh [--short] [--boots N] [--name NAME]
#   --short   few iterations, one boot each: checks the suite works (make
#             test); prints "bench-linux: N passed, N failed"
set -uo pipefail
cd "$(dirname "$0")/.."
short=0
boots=3
name=bench-linux
while [ $# -gt 0 ]; do
    case "$1" in
    --short) short=1; boots=1; name=bench-linux-short ;;
    --boots) boots=$2; shift ;;
    --name) name=$2; shift ;;
    *) echo "usage: $0 [--short] [--boots N] [--name NAME]" >&2; exit 2 ;;
    esac
    shift
done
out=build/bench
logs=$out/logs-$name
mkdir -p "$logs"
rm -f "$logs"/*.log

# The machine both kernels run on. -pku: Keel does not enable PKRU-based
# protection keys; without ERMS/FSRM both kernels copy with the same
# instructions family (TCG runs `rep movsb` a byte at a time).
QEMU_CPU=${QEMU_CPU:-max,-pku,-erms,-fsrm}
QEMU_FLAGS=(-machine q35 -accel tcg -cpu "$QEMU_CPU" -smp 1 -m 512M -nographic -no-reboot
    -device isa-debug-exit,iobase=0xf4,iosize=0x04)

# NO_BUILD=1: use the images and build/bench/lmbench as they are.
if [ -z "${NO_BUILD:-}" ]; then
    make -s all build/bench/lmbench >/dev/null || { echo "bench-linux: 0 passed, 1 failed (build)"; exit 1; }
fi
linux=$(bash tools/get-linux.sh build/linux 2>/dev/null) || linux=""

# One initramfs for both kernels: /init, a 64 KiB data file, /tmp, and the
# /dev/zero and /dev/null nodes (Linux's built-in initramfs has /dev/console).
root=$out/root
rm -rf "$root" && mkdir -p "$root/bench" "$root/tmp"
cp build/bench/lmbench "$root/init"
python3 -c 'import sys; sys.stdout.buffer.write(bytes((i * 131 + (i >> 9)) & 255 for i in range(65536)))' \
    >"$root/bench/data64k"
img=$out/bench.cpio.gz
python3 tools/mkcpio.py "$img" "$root" dev/null:c:1:3 dev/zero:c:1:5

# KEELS="LABEL=ELF ..." boots several Keel images in each round (e.g. saved
# builds before and after a change), each against the same Linux boots;
# the report and JSON are per image ($name-LABEL.json). Default: the
# current product image, labelled keel ($name.json).
keels=${KEELS:-keel=build/keel.elf}
args=""
limit=300
[ $short -eq 1 ] && { args="-- short"; limit=60; }
run() { # KERNEL LOG APPEND
    local start end
    start=$(date +%s%N)
    timeout --foreground $limit qemu-system-x86_64 "${QEMU_FLAGS[@]}" -kernel "$1" -initrd "$img" \
        -append "$3" </dev/null 2>&1 | tr -d '\r' >"$2"
    end=$(date +%s%N)
    echo "host wall_ms $(((end - start) / 1000000))" >>"$2"
}
for i in $(seq 1 "$boots"); do
    for kv in $keels; do
        echo "bench-linux: boot $i/$boots: ${kv%%=*}"
        run "${kv#*=}" "$logs/${kv%%=*}-$i.log" "console=ttyS0 $args"
    done
    if [ -n "$linux" ]; then
        echo "bench-linux: boot $i/$boots: linux"
        run "$linux" "$logs/linux-$i.log" "console=ttyS0 quiet panic=-1 $args"
    fi
done
status=0
for kv in $keels; do
    label=${kv%%=*}
    json=$out/$name.json
    [ "$label" != keel ] && json=$out/$name-$label.json
    echo
    echo "== Keel image: $label (${kv#*=})"
    python3 tools/bench-report.py --name "$name" --keel-prefix "$label" --qemu "${QEMU_FLAGS[*]}" \
        --json "$json" $([ $short -eq 1 ] && echo --check) "$logs" || status=1
done
exit $status
