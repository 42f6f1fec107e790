#!/usr/bin/env bash
# Safety corpus runner (make check-safety).
#
#   tests/safety/reject/<RULE>/*.cpp  each must be accepted by plain clang
#       (kernel flags, no plugin, no service -Werror flags) and refused by the
#       checker with its `// expect: KS-...` rule ID;
#       (`// checked-extra: FLAGS` appends FLAGS to the checked compile,
#       `// checked-drop: FLAGS` removes those exact arguments from it:
#       used by the KS-FLAGS cases, which weaken the command line);
#   tests/safety/accept/*.cpp         each must be accepted by the checker;
#   services/**.{cpp,h}, libs/safe/**.{cpp,h}
#                                     each must be accepted (headers through a
#                                     generated translation unit).
# One line per case; the last line is exactly `safety: N passed, N failed`.
# Environment: KEEL_PLUGIN (plugin path, default build/tools/keel-safety.so),
# BUILD, JOBS (default 2).
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root" || exit 2
build=${BUILD:-build}
plugin=${KEEL_PLUGIN:-$root/$build/tools/keel-safety.so}
mkfile() { printf 'BUILD := %s\ninclude mk/toolchain.mk\ninclude mk/safety.mk\n' "$build"; }

if [ "${1:-}" = "--one" ]; then
    kind=$2
    file=$3
    rel=${file#"$root"/}
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    read -r -a service <<<"$SAFETY_SERVICE_FLAGS"
    read -r -a plain <<<"$SAFETY_PLAIN_FLAGS"
    checked() { # file -> stderr in $tmp/err, status
        "$SAFETY_CXX" "${service[@]}" -fsyntax-only "$1" 2>"$tmp/err"
    }
    case "$kind" in
    reject)
        expect=$(grep -o 'expect: KS-[A-Z-]*' "$file" | head -1 | sed 's/expect: //')
        if [ -z "$expect" ]; then
            echo "FAIL reject $rel (no '// expect: KS-...' line)"
            exit 1
        fi
        extra=$(grep -o 'plain-extra: .*' "$file" | head -1 | sed 's/plain-extra: //')
        # shellcheck disable=SC2086
        if ! "$SAFETY_CXX" "${plain[@]}" $extra -fsyntax-only "$file" 2>"$tmp/plain"; then
            echo "FAIL reject $rel (plain clang refuses it, so the case proves nothing):"
            sed 's/^/    /' "$tmp/plain" | head -5
            exit 1
        fi
        cextra=$(grep -o 'checked-extra: .*' "$file" | head -1 | sed 's/checked-extra: //')
        cdrop=$(grep -o 'checked-drop: .*' "$file" | head -1 | sed 's/checked-drop: //')
        if [ -n "$cdrop" ]; then
            kept=()
            for a in "${service[@]}"; do
                keep=1
                for d in $cdrop; do
                    [ "$a" = "$d" ] && keep=0
                done
                [ "$keep" = 1 ] && kept+=("$a")
            done
            service=("${kept[@]}")
        fi
        # shellcheck disable=SC2086
        if "$SAFETY_CXX" "${service[@]}" $cextra -fsyntax-only "$file" 2>"$tmp/err"; then
            echo "FAIL reject $rel (accepted; expected $expect)"
            exit 1
        fi
        if ! grep -q "\[$expect\]" "$tmp/err"; then
            echo "FAIL reject $rel (refused, but not with $expect):"
            grep -o '\[KS-[A-Z-]*\].*' "$tmp/err" | head -3 | sed 's/^/    /'
            grep -v '\[KS-' "$tmp/err" | grep 'error:' | head -3 | sed 's/^/    /'
            exit 1
        fi
        echo "PASS reject $rel ($expect)"
        ;;
    accept)
        if checked "$file"; then
            echo "PASS accept $rel"
        else
            echo "FAIL accept $rel:"
            grep 'error:' "$tmp/err" | head -8 | sed 's/^/    /'
            exit 1
        fi
        ;;
    header)
        printf '#include "%s"\n' "$file" >"$tmp/tu.cpp"
        if checked "$tmp/tu.cpp"; then
            echo "PASS header $rel"
        else
            echo "FAIL header $rel:"
            grep 'error:' "$tmp/err" | head -8 | sed 's/^/    /'
            exit 1
        fi
        ;;
    esac
    exit 0
fi

if [ ! -f "$plugin" ]; then
    echo "run-corpus: plugin $plugin not built (make safety-plugin)" >&2
    echo "safety: 0 passed, 1 failed"
    exit 1
fi

service_text=$(mkfile | make -s --no-print-directory -f - print-service-flags) || exit 2
kernel_text=$(mkfile | make -s --no-print-directory -f - print-kernel-flags) || exit 2
SAFETY_CXX=$(mkfile | make -s --no-print-directory -f - -E 'print-cxx: ; @echo $(CXX)' print-cxx)
sflags=()
for f in $service_text; do
    case "$f" in
    -fplugin=*) sflags+=("-fplugin=$plugin") ;;
    -MMD | -MP) ;;
    *) sflags+=("$f") ;;
    esac
done
pflags=()
for f in $kernel_text; do
    case "$f" in
    -MMD | -MP) ;;
    *) pflags+=("$f") ;;
    esac
done
export SAFETY_CXX
export SAFETY_SERVICE_FLAGS="${sflags[*]}"
export SAFETY_PLAIN_FLAGS="${pflags[*]}"

list=$(mktemp)
out=$(mktemp)
trap 'rm -f "$list" "$out"' EXIT
{
    find tests/safety/reject -name '*.cpp' 2>/dev/null | sort | sed "s|^|reject $root/|"
    find tests/safety/accept -name '*.cpp' 2>/dev/null | sort | sed "s|^|accept $root/|"
    find services libs/safe -name '*.cpp' 2>/dev/null | sort | sed "s|^|accept $root/|"
    find services libs/safe -name '*.h' 2>/dev/null | sort | sed "s|^|header $root/|"
} >"$list"

xargs -P "${JOBS:-2}" -L 1 "$here/run-corpus.sh" --one <"$list" | tee "$out"
passed=$(grep -c '^PASS' "$out")
failed=$(grep -c '^FAIL' "$out")
expected=$(wc -l <"$list")
missing=$((expected - passed - failed))
[ "$missing" -gt 0 ] && failed=$((failed + missing))
echo "safety: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
