#!/usr/bin/env bash
# Build gate: a framework object may depend only on framework and trusted
# library files. Refuses (exit 1) if the dependency file of a framework
# translation unit lists any header whose real path lies under services/:
# service-authored code is only ever compiled as checked code (with the
# safety plugin and the mandatory runtime checks), never into the TCB by a
# framework compile. Symlinks and ../ are resolved. (libs/safe/ is reviewed
# library code that the framework may use; it cannot test build macros, so
# it means the same in a framework TU as in the checked TUs that verify it.)
#
# usage: tools/safety/framework-deps.sh ROOT DEPFILE OBJECT
set -u
root=$(realpath "$1")
dep=$2
obj=$3
[ -f "$dep" ] || { echo "framework-deps: no dependency file $dep" >&2; exit 1; }
bad=0
# Make syntax: "target: dep dep \" lines; escaped spaces are not used here.
for f in $(sed -e 's/\\$//' -e 's/^[^ ]*: *//' "$dep" | tr ' ' '\n' | grep -v ':$' | grep .); do
    r=$(realpath -m "$f" 2>/dev/null) || continue
    case "$r" in
    "$root"/services/*)
        echo "framework-deps: $obj includes $f ($r): framework code may not include" \
            "services/ headers (checked code is compiled only with the plugin)" >&2
        bad=1
        ;;
    esac
done
if [ "$bad" -ne 0 ]; then
    rm -f "$obj"
    exit 1
fi
exit 0
