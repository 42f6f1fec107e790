#!/usr/bin/env bash
# Boots with `bench[=GLOB]` and prints each workload's median time under the
# three builds side by side, with ratios to the raw-pointer baseline (or to
# the framework-flags build when there is no raw version).
# Usage: run-bench.sh KERNEL [GLOB] [extra qemu args...]
set -uo pipefail
kernel=$1
glob=${2:-}
shift 2 || shift $#
log=build/bench.log
param=bench
[ -n "$glob" ] && param="bench=$glob"
timeout --foreground 600 qemu-system-x86_64 -machine q35 -accel tcg -m 512M -nographic -no-reboot \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -kernel "$kernel" -append "console=ttyS0 $param" "$@" </dev/null >"$log" 2>&1
status=$?
grep -a '^bench ' "$log" | tr -d '\r'
echo
echo "QEMU $(qemu-system-x86_64 --version | head -n1 | awk '{print $4}'), TCG, $(nproc) host cores; medians of 7 rounds (ns)"
grep -a '^bench ' "$log" | tr -d '\r' | sed -E 's/^bench ([^/]+)\/([^:]+): median ([0-9]+) ns.*/\1 \2 \3/' |
    awk '{ t[$1" "$2] = $3; w[$1] = 1 }
         END {
             printf "%-10s %12s %16s %12s %10s\n", "workload", "service", "framework-flags", "raw", "svc/base";
             for (k in w) {
                 s = t[k" service"]; f = t[k" framework-flags"]; r = t[k" raw"];
                 base = (r != "") ? r : f;
                 printf "%-10s %12s %16s %12s %9.2fx\n", k, s, f, (r != "" ? r : "-"), (base > 0 ? s / base : 0);
             }
         }'
[ "$status" -eq 33 ]
