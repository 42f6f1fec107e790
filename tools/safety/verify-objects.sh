#!/usr/bin/env bash
# tools/safety/verify-objects.sh [--check-undefined] OBJ...
#
# Run by the kernel link on every services object. Fails if an object lacks
# the .keel.checked section that keel/service_prelude.h emits only when the
# safety plugin was active (a services file compiled with the wrong flags).
#
# --check-undefined also refuses undefined symbols that are neither defined
# by one of the given services objects, nor in namespace keel/klib (the
# public API), nor on a short list of compiler-runtime symbols: a service
# cannot reach a framework-internal symbol by declaring it itself.
set -u
READELF=${READELF:-/usr/lib/llvm-19/bin/llvm-readelf}
NM=${NM:-/usr/lib/llvm-19/bin/llvm-nm}
check_undef=0
if [ "${1:-}" = "--check-undefined" ]; then
    check_undef=1
    shift
fi
status=0
for o in "$@"; do
    if ! "$READELF" -S --wide "$o" 2>/dev/null | grep -q '\.keel\.checked'; then
        echo "verify-objects: $o: no .keel.checked section (not compiled with the safety plugin)" >&2
        status=1
    fi
done
if [ "$check_undef" = 1 ] && [ $# -gt 0 ]; then
    defined=$(mktemp)
    trap 'rm -f "$defined"' EXIT
    "$NM" --defined-only --format=just-symbols "$@" 2>/dev/null | sort -u >"$defined"
    for o in "$@"; do
        "$NM" --undefined-only --format=just-symbols "$o" 2>/dev/null | while read -r sym; do
            grep -qxF "$sym" "$defined" && continue
            case "$sym" in
            _ZN4keel* | _ZNK4keel* | _ZN4klib* | _ZNK4klib* | _ZTVN4keel* | _ZTVN4klib* | \
                _ZZN4keel* | _ZZN4klib* | _ZGVZN4klib* | _ZN8services* | _ZNK8services*) ;;
            __stack_chk_guard | __stack_chk_fail | memcpy | memset | memmove | memcmp | \
                __cxa_pure_virtual | __dso_handle | __cxa_atexit) ;;
            _ZdlPv | _ZdlPvm) ;; # deleting destructors of polymorphic classes (the framework's panic)
            *)
                echo "verify-objects: $o: references non-public symbol '$sym'" >&2
                echo x
                ;;
            esac
        done | grep -q x && status=1
    done
fi
exit $status
