#!/usr/bin/env bash
# `make test`: every test level, then one summary line
# "N passed, N failed, N skipped".
# Each suite prints its own "<suite>: N passed, N failed[, N skipped]" line
# last; this script adds them up. A suite that prints no summary counts as one
# failure. Skipped tests (user tests Keel cannot run yet, "keel: pending")
# are neither passes nor failures.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p build/test-logs
jobs=$(nproc)
total_pass=0
total_fail=0
total_skip=0
run_suite() {
    local name=$1
    shift
    local log=build/test-logs/$name.log
    echo "=== $name: $*"
    "$@" 2>&1 | tee "$log"
    local status=${PIPESTATUS[0]}
    local line
    line=$(grep -aE '^[a-z-]+: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 | tr -d '\r')
    local p=0 f=1 s=0
    if [ -n "$line" ]; then
        p=$(sed -E 's/^[a-z-]+: ([0-9]+) passed.*/\1/' <<<"$line")
        f=$(sed -E 's/^[a-z-]+: [0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$line")
        if [[ "$line" =~ ,\ ([0-9]+)\ skipped ]]; then
            s=${BASH_REMATCH[1]}
        fi
        if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
            f=1
        fi
    fi
    echo "=== $name: $p passed, $f failed, $s skipped (exit $status)"
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
    total_skip=$((total_skip + s))
}
run_suite host make -s -j"$jobs" host-test
if grep -q '^check-safety:' mk/safety.mk 2>/dev/null; then
    run_suite safety make -s -j"$jobs" check-safety
fi
run_suite ktest make -s -j"$jobs" ktest
run_suite ktest-selftest bash tests/ktest-selftest.sh
run_suite user bash tests/run-user.sh
run_suite interactive python3 tests/interactive/session.py
run_suite bench-linux bash tests/run-bench-linux.sh --short
run_suite boot bash -c "make -s iso && bash tests/boot-matrix.sh"
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
