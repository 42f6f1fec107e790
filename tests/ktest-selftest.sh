#!/usr/bin/env bash
# The ktest runner must report a failing test as a failure: run the
# deliberately broken manual test and expect QEMU's failure status. And the
# product image must carry no tests: asked for ktests, it says so and fails.
set -uo pipefail
cd "$(dirname "$0")/.."
pass=0
fail=0
KTEST_LOG=build/ktest-selftest.log bash tests/run-ktests.sh build/keel-test.elf ktest_selftest_must_fail >/dev/null 2>&1
status=$?
if [ "$status" -ne 0 ] && grep -aq '^ktest: 0 passed, 1 failed' build/ktest-selftest.log; then
    echo "ktest-selftest: a broken test fails the run (exit $status) ... ok"
    pass=$((pass + 1))
else
    echo "ktest-selftest: the broken test did not fail the run (exit $status) ... FAILED"
    fail=$((fail + 1))
fi
KTEST_LOG=build/ktest-product.log bash tests/run-ktests.sh build/keel.elf >/dev/null 2>&1
status=$?
if [ "$status" -ne 0 ] && grep -aq 'ktest: 0 tests registered' build/ktest-product.log &&
    grep -aq 'this is the product image, without tests' build/ktest-product.log; then
    echo "ktest-selftest: the product image (build/keel.elf) has no tests ... ok"
    pass=$((pass + 1))
else
    echo "ktest-selftest: build/keel.elf has tests or did not say so (exit $status) ... FAILED"
    fail=$((fail + 1))
fi
echo "ktest-selftest: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
