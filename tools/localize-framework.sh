#!/usr/bin/env bash
# Makes the framework's internal symbols local in the partially linked
# framework object, so services can link only against the public API
# (namespace keel / keel::detail / keel::ktest and klib, plus the C runtime
# symbols the compiler itself calls). Internal = framework-private
# namespaces and keel_* assembly/C entry points.
# Usage: localize-framework.sh NM OBJCOPY IN.o OUT.o
set -euo pipefail
nm=$1 objcopy=$2 in=$3 out=$4
private='^keel::(arch|mm|boot|console|acpi|time|debug|irq|sched)::|^keel_'
list=$(mktemp)
trap 'rm -f "$list"' EXIT
# Pair each mangled global with its demangled form; localize private ones.
paste -d'\t' <("$nm" -p --defined-only -g "$in" | awk '{print $3}') \
             <("$nm" -p --defined-only -g -C "$in" | awk '{ $1=""; $2=""; sub(/^  /, ""); print }') |
    awk -F'\t' -v re="$private" '$2 ~ re { print $1 }' > "$list"
"$objcopy" --localize-symbols="$list" "$in" "$out"
echo "localize-framework: $(wc -l < "$list") internal symbols made local" >&2
