#!/usr/bin/env bash
# Bar chart of Keel/Linux ratios from bench-linux JSON files (one bar group
# per path, one bar per JSON, e.g. before and after a change), log scale, a
# line at 1.0x (Linux). Paths Keel cannot run are left out.
# Usage: bench-chart.sh OUT.svg LABEL=FILE.json [LABEL=FILE.json ...]
set -euo pipefail
out=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$tmp/data" "$@" <<'PY'
import json, sys
out, specs = sys.argv[1], sys.argv[2:]
runs = []
for spec in specs:
    label, path = spec.split("=", 1)
    with open(path) as fh:
        runs.append((label, json.load(fh)))
names = []
for _, j in runs:
    for n, r in j["paths"].items():
        if n not in names and n not in ("control", "control_end") and r.get("ratio"):
            names.append(n)
with open(out, "w") as fh:
    fh.write("path " + " ".join(f'"{l}"' for l, _ in runs) + "\n")
    for n in names:
        vals = []
        for _, j in runs:
            r = j["paths"].get(n, {}).get("ratio")
            vals.append(f"{r:.4f}" if r else "NaN")
        fh.write(n.replace("_", "\\\\_") + " " + " ".join(vals) + "\n")
PY
ncols=$#
gnuplot <<GP
set terminal svg size 900,480 dynamic font "sans,11" background "white"
set output "$out"
set title "Keel / Linux, same QEMU (TCG), median of boots; below 1 = Keel faster"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set yrange [0.01:*]
set ylabel "time ratio Keel/Linux (log)"
set xtics rotate by -40 scale 0 font ",10"
set grid ytics
set key top left
set arrow from graph 0, first 1 to graph 1, first 1 nohead lw 2 lc rgb "black"
plot for [i=2:$((ncols + 1))] "$tmp/data" using i:xtic(1) title columnheader(i)
GP
echo "wrote $out"
