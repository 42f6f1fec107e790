#!/usr/bin/env bash
# User-space tests: boots an initramfs whose /init is a test program, on Keel
# and (when Debian's kernel can be fetched) on Linux, and checks that both
# print the expected lines and report the same exit code. A test passes only
# if it passes on every kernel it ran on: that is what proves the expected
# behaviour is Linux's.
#
# Per test NAME (tests/user/NAME.expect):
#   tests/user/NAME.c       built by mk/user.mk, becomes /init (optional)
#   tests/user/NAME.files/  copied into the image root (optional)
# and lines of NAME.expect:
#   output: TEXT      TEXT must be a whole line of the console output
#   exit: N           init's exit code
#   cmdline: ARGS     appended to both kernels' command line, e.g.
#                     "rdinit=/bin/echo -- hello" (Linux passes the words
#                     after "--" to init as argv[1..])
#   files: DIR...     also copy tests/user/DIR.files/ into the root
#   busybox: APPLET...  add /bin/busybox (Debian's busybox-static) and a
#                     /bin/APPLET -> busybox symlink for each applet
#   progs: NAME...    also copy build/user/NAME (tests/user/NAME.c, static
#                     musl) to /bin/NAME, for tests that exec programs
#   host: PROG...     copy build/user-host/PROG (tests/user/host/, built
#                     against Debian's glibc or musl, see mk/user.mk) to
#                     /bin/PROG (an absolute PROG: that Debian program, at
#                     its path) with its ELF interpreter (PT_INTERP) and the
#                     shared libraries ldd finds, at the host's paths
#   link: OLD NEW     make NEW a hard link to OLD in the image (paths in
#                     the root; cpio -H newc stores the data once, with the
#                     last name)
#   damage: KIND      damage the image as a bad boot input would:
#                     "junk-after" appends text after the gzip member,
#                     "no-trailer" drops the archive's TRAILER!!! entry
#                     (inside the gzip member), "truncated" cuts the archive
#                     inside that entry's header, "junk-inside" puts text
#                     after the trailer inside the gzip member
#   keel: pending     Keel cannot run this test yet: it runs on Linux only
#                     (which must still pass: that proves the expectations)
#                     and Keel's run is reported and counted as skipped.
#                     With --pending, pending tests run on Keel too and count
#                     as passed/failed (to see which ones Keel now passes).
# Usage: run-user.sh [--no-linux] [--pending] [NAME...]
# Last line: "user: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
outdir=build/user-tests
mkdir -p "$outdir"
linux=""
use_linux=1
run_pending=0
while [ $# -gt 0 ]; do
    case "$1" in
    --no-linux) use_linux=0 ;;
    --pending) run_pending=1 ;;
    *) break ;;
    esac
    shift
done
if [ $use_linux -eq 1 ]; then
    linux=$(bash tools/get-linux.sh build/linux 2>/dev/null) || linux=""
fi
only=("$@")
pass=0
fail=0
skip=0

qemu() {
    timeout --foreground 120 qemu-system-x86_64 -machine q35 -accel tcg -m 512M -nographic \
        -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 "$@" </dev/null 2>&1 | tr -d '\r' |
        sed -E 's/\x1b(c|\[[0-9;?]*[a-zA-Z])//g' # terminal resets dropped
}

# has_line LOG TEXT: TEXT is a whole line of LOG, or follows the firmware's
# last message, which ends without a newline ("Booting from ROM.." and, on
# some boots, one more ".").
has_line() {
    grep -aqxF -- "$2" "$1" || grep -aqxF -- "Booting from ROM..$2" "$1" ||
        grep -aqxF -- "Booting from ROM...$2" "$1"
}

# check NAME LOG EXPECTFILE EXITCODE_SEEN: every "output:" line must be a
# whole line of the log.
check() {
    local name=$1 log=$2 expect=$3 seen=$4 ok=1
    while IFS= read -r line; do
        case "$line" in
        output:*)
            want=${line#output: }
            has_line "$log" "$want" || { echo "    missing line: $want"; ok=0; }
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

# init_exit_code LOG: the exit code in both kernels' "Kernel panic - not
# syncing: Attempted to kill init! exitcode=0x..." line (a wait status:
# code << 8), or "none".
init_exit_code() {
    local hex
    hex=$(sed -nE 's/.*Attempted to kill init! exitcode=0x([0-9a-f]+).*/\1/p' "$1" | tail -n 1)
    if [ -n "$hex" ]; then echo $(((16#$hex >> 8) & 255)); else echo none; fi
}

make -s all initramfs >/dev/null || { echo "user: 0 passed, 1 failed, 0 skipped"; exit 1; }
for expect in tests/user/*.expect; do
    prog=$(basename "$expect" .expect)
    if [ ${#only[@]} -gt 0 ] && [[ " ${only[*]} " != *" $prog "* ]]; then
        continue
    fi
    # The initramfs of this test: /init is the program (if it has one), plus
    # its files and busybox.
    img=$outdir/$prog.cpio.gz
    root=$outdir/$prog.root
    rm -rf "$root" && mkdir -p "$root"
    if [ -f "tests/user/$prog.c" ]; then
        cp "build/user/$prog" "$root/init"
    fi
    for dir in $prog $(sed -n 's/^files: //p' "$expect"); do
        if [ -d "tests/user/$dir.files" ]; then
            cp -a "tests/user/$dir.files/." "$root/"
        fi
    done
    for p in $(sed -n 's/^progs: //p' "$expect"); do
        mkdir -p "$root/bin" && cp "build/user/$p" "$root/bin/$p"
    done
    for p in $(sed -n 's/^host: //p' "$expect"); do
        case "$p" in
        /*) bin=$p dest=$p ;; # a Debian program, at its own path
        *) bin=build/user-host/$p dest=/bin/$p ;;
        esac
        mkdir -p "$root$(dirname "$dest")" && cp -L "$bin" "$root$dest"
        interp=$(readelf -lW "$bin" | sed -n 's/.*Requesting program interpreter: \(.*\)]$/\1/p')
        for lib in $interp $(ldd "$bin" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p'); do
            mkdir -p "$root$(dirname "$lib")" && cp -L "$lib" "$root$lib"
        done
    done
    while read -r old new; do
        ln -f "$root/$old" "$root/$new"
    done < <(sed -n 's/^link: //p' "$expect")
    applets=$(sed -n 's/^busybox: //p' "$expect")
    if [ -n "$applets" ]; then
        if [ ! -x /bin/busybox ]; then
            echo "user $prog ... FAILED (no /bin/busybox: install busybox-static)"
            fail=$((fail + 1))
            continue
        fi
        mkdir -p "$root/bin"
        cp /bin/busybox "$root/bin/busybox"
        for applet in $applets; do
            ln -sf busybox "$root/bin/$applet"
        done
    fi
    # Deterministic images: every entry owned by root and dated 2000-01-01
    # (so `ls -l` prints the same date on every run and on both kernels).
    find "$root" -exec touch -h -d @946684800 {} +
    damage=$(sed -n 's/^damage: //p' "$expect" | tail -n 1)
    (cd "$root" && find . | sort | cpio -o -H newc -R 0:0 --quiet) >"$img.cpio"
    case "$damage" in
    no-trailer)
        python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); i=d.rfind(b"070701"); open(sys.argv[1],"wb").write(d[:i])' "$img.cpio" ;;
    truncated)
        python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); i=d.rfind(b"070701"); open(sys.argv[1],"wb").write(d[:i+50])' "$img.cpio" ;;
    junk-inside) printf 'junk\n' >>"$img.cpio" ;;
    esac
    gzip -9 <"$img.cpio" >"$img"
    rm -f "$img.cpio"
    [ "$damage" = junk-after ] && printf 'junk\n' >>"$img"
    extra=$(sed -n 's/^cmdline: //p' "$expect" | tail -n 1)

    log=$outdir/$prog.keel.log
    if grep -qx 'keel: pending' "$expect" && [ $run_pending -eq 0 ]; then
        echo "user $prog/keel ... skipped (pending)"
        skip=$((skip + 1))
    else
        qemu -kernel build/keel.elf -initrd "$img" -append "console=ttyS0 $extra" >"$log"
        check "$prog/keel" "$log" "$expect" "$(init_exit_code "$log")"
    fi

    if [ -n "$linux" ]; then
        log=$outdir/$prog.linux.log
        qemu -kernel "$linux" -initrd "$img" -append "console=ttyS0 quiet panic=-1 no_timer_check $extra" >"$log"
        check "$prog/linux" "$log" "$expect" "$(init_exit_code "$log")"
    fi
done
[ -z "$linux" ] && echo "user: Linux kernel unavailable; ran on Keel only"
echo "user: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
