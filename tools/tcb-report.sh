#!/usr/bin/env bash
# tools/tcb-report.sh - size of the trusted computing base (make tcb).
#
# Counts lines of code (no blank lines, no comment-only lines) in C/C++
# sources, headers and assembly of the trusted base (framework/,
# libs/trusted/) and of the checked part (services/, libs/safe/).
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2

# Test code (ktests, benchmarks, selftests) is counted separately: it is
# built into the image but is not part of what the kernel does.
is_test='(_ktest\.cpp$|/bench/|/selftest/|/testdata\.h$)'

count() { # [--tests|--no-tests] dir... -> lines of code
    local files mode=all
    case "${1:-}" in --tests) mode=tests; shift ;; --no-tests) mode=code; shift ;; esac
    files=$(find "$@" -type f \( -name '*.cpp' -o -name '*.h' -o -name '*.hpp' -o -name '*.c' \
        -o -name '*.S' -o -name '*.s' -o -name '*.inc' -o -name '*.ld' \) 2>/dev/null)
    case $mode in
    tests) files=$(grep -E "$is_test" <<<"$files") ;;
    code) files=$(grep -vE "$is_test" <<<"$files") ;;
    esac
    [ -z "$files" ] && { echo 0; return; }
    # shellcheck disable=SC2086
    awk '
        FNR == 1 { in_block = 0 }
        {
            line = $0
            gsub(/^[ \t]+|[ \t]+$/, "", line)
            if (in_block) {
                if (index(line, "*/")) { in_block = 0; rest = substr(line, index(line, "*/") + 2)
                    gsub(/^[ \t]+/, "", rest); if (rest != "" && rest !~ /^\/\//) n++ }
                next
            }
            if (line == "") next
            if (line ~ /^\/\//) next
            if (line ~ /^#[ \t]*(\/\/|$)/ && FILENAME ~ /\.[sS]$/) next
            if (line ~ /^\/\*/) {
                if (!index(substr(line, 3), "*/")) { in_block = 1; next }
                rest = substr(line, index(substr(line, 3), "*/") + 4)
                gsub(/^[ \t]+/, "", rest)
                if (rest == "" || rest ~ /^\/\//) next
            }
            n++
        }
        END { print n + 0 }' $files
}

fw=$(count framework)
lt=$(count libs/trusted)
sv=$(count services)
ls=$(count libs/safe)
tcb=$((fw + lt))
safe=$((sv + ls))
total=$((tcb + safe))
pct() { if [ "$2" -eq 0 ]; then echo "-"; else awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f%%", 100 * a / b }'; fi; }

printf '%-28s %10s %8s\n' "part" "LoC" "share"
printf '%-28s %10s %8s\n' "----" "---" "-----"
printf '%-28s %10d %8s\n' "framework/ (trusted)" "$fw" "$(pct "$fw" "$total")"
printf '%-28s %10d %8s\n' "libs/trusted/ (trusted)" "$lt" "$(pct "$lt" "$total")"
printf '%-28s %10d %8s\n' "services/ (checked)" "$sv" "$(pct "$sv" "$total")"
printf '%-28s %10d %8s\n' "libs/safe/ (checked)" "$ls" "$(pct "$ls" "$total")"
printf '%-28s %10s %8s\n' "" "" ""
printf '%-28s %10d %8s\n' "trusted base (TCB)" "$tcb" "$(pct "$tcb" "$total")"
printf '%-28s %10d %8s\n' "safe (checked) part" "$safe" "$(pct "$safe" "$total")"
printf '%-28s %10d %8s\n' "kernel total" "$total" "100.0%"
printf 'framework share of the kernel: %s\n' "$(pct "$fw" "$total")"

# Without test code (ktests, benchmarks, selftests) on either side.
fwc=$(count --no-tests framework)
svc=$(count --no-tests services)
totc=$((fwc + lt + svc + ls))
printf '\n%-28s %10s %8s\n' "without test code" "LoC" "share"
printf '%-28s %10d %8s\n' "framework/ (trusted)" "$fwc" "$(pct "$fwc" "$totc")"
printf '%-28s %10d %8s\n' "  its tests (not counted)" "$(count --tests framework)" ""
printf '%-28s %10d %8s\n' "services/ (checked)" "$svc" "$(pct "$svc" "$totc")"
printf '%-28s %10d %8s\n' "  its tests (not counted)" "$(count --tests services)" ""
printf 'framework share of the kernel without tests: %s\n' "$(pct "$fwc" "$totc")"
