#!/usr/bin/env bash
# The ktest runner must report a failing test as a failure: run the
# deliberately broken manual test and expect QEMU's failure status.
set -uo pipefail
cd "$(dirname "$0")/.."
KTEST_LOG=build/ktest-selftest.log bash tests/run-ktests.sh build/keel-test.elf ktest_selftest_must_fail >/dev/null 2>&1
status=$?
if [ "$status" -ne 0 ] && grep -aq '^ktest: 0 passed, 1 failed' build/ktest-selftest.log; then
    echo "ktest-selftest: a broken test fails the run (exit $status) ... ok"
    echo "ktest-selftest: 1 passed, 0 failed"
else
    echo "ktest-selftest: the broken test did not fail the run (exit $status)"
    echo "ktest-selftest: 0 passed, 1 failed"
    exit 1
fi
