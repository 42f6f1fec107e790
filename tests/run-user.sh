#!/usr/bin/env bash
# User-space tests: boots an initramfs whose /init is a test program, on Keel
# and (when Debian's kernel can be fetched) on Linux, and checks that both
# print the expected lines and report the same exit code. A test passes only
# if it passes on every kernel it ran on: that is what proves the expected
# behaviour is Linux's.
# Usage: run-user.sh [--no-linux]
set -uo pipefail
cd "$(dirname "$0")/.."
outdir=build/user-tests
mkdir -p "$outdir"
linux=""
if [ "${1:-}" != "--no-linux" ]; then
    linux=$(bash tools/get-linux.sh build/linux 2>/dev/null) || linux=""
fi
pass=0
fail=0

qemu() {
    timeout --foreground 120 qemu-system-x86_64 -machine q35 -accel tcg -m 512M -nographic \
        -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 "$@" </dev/null 2>&1 | tr -d '\r'
}

# check NAME LOG EXPECTFILE EXITCODE_SEEN
check() {
    local name=$1 log=$2 expect=$3 seen=$4 ok=1
    while IFS= read -r line; do
        case "$line" in
        output:*)
            want=${line#output: }
            grep -aqF -- "$want" "$log" || { echo "    missing line: $want"; ok=0; }
            ;;
        exit:*)
            want=${line#exit: }
            [ "$seen" = "$want" ] || { echo "    exit code $seen, want $want"; ok=0; }
            ;;
        esac
    done <"$expect"
    if [ $ok -eq 1 ]; then
        echo "user $name ... ok"
        pass=$((pass + 1))
    else
        echo "user $name ... FAILED (log: $log)"
        fail=$((fail + 1))
    fi
}

make -s all initramfs >/dev/null || { echo "user: 0 passed, 1 failed"; exit 1; }
for expect in tests/user/*.expect; do
    prog=$(basename "$expect" .expect)
    # The initramfs of this test: /init is the program.
    img=$outdir/$prog.cpio.gz
    rm -rf "$outdir/$prog.root" && mkdir -p "$outdir/$prog.root"
    cp "build/user/$prog" "$outdir/$prog.root/init"
    (cd "$outdir/$prog.root" && find . | sort | cpio -o -H newc --quiet | gzip -9) >"$img"

    log=$outdir/$prog.keel.log
    qemu -kernel build/keel.elf -initrd "$img" -append "console=ttyS0" >"$log"
    code=$(sed -nE 's/^init: \/init exited with code ([0-9]+)$/\1/p' "$log" | tail -n 1)
    check "$prog/keel" "$log" "$expect" "${code:-none}"

    if [ -n "$linux" ]; then
        log=$outdir/$prog.linux.log
        qemu -kernel "$linux" -initrd "$img" -append "console=ttyS0 quiet panic=-1" >"$log"
        hex=$(sed -nE 's/.*Attempted to kill init! exitcode=0x([0-9a-f]+).*/\1/p' "$log" | tail -n 1)
        code=none
        [ -n "$hex" ] && code=$(((16#$hex >> 8) & 255))
        check "$prog/linux" "$log" "$expect" "$code"
    fi
done
[ -z "$linux" ] && echo "user: Linux kernel unavailable; ran on Keel only"
echo "user: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
