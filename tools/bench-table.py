#!/usr/bin/env python3
"""Markdown table of Keel/Linux ratios from several bench-linux JSON files
(e.g. one per Keel image of one run: KEELS=...), for docs/performance.md:
    bench-table.py LABEL=FILE.json [LABEL=FILE.json ...]
The Keel and Linux times shown are those of the last file."""
import json
import math
import sys

runs = []
for spec in sys.argv[1:]:
    label, path = spec.split("=", 1)
    with open(path) as fh:
        runs.append((label, json.load(fh)))
last = runs[-1][1]
names = list(last["paths"])
print("| path | Linux | Keel (" + runs[-1][0] + ") | " +
      " | ".join(f"{l}" for l, _ in runs) + " |")
print("|---|---:|---:|" + "---:|" * len(runs))


def t(v, name):
    if v is None:
        return "–"
    unit = " ms" if name == "boot_ms" else " ns"
    return (f"{v:,.0f}" if v >= 100 else f"{v:.1f}" if v >= 10 else f"{v:.2f}") + unit


for n in names:
    if n in ("control_end",):
        continue
    cells = []
    for _, j in runs:
        r = j["paths"].get(n, {})
        if r.get("ratio"):
            cells.append(f"{r['ratio']:.2f}x")
        else:
            st = r.get("keel_status", "–")
            cells.append("missing" if st.startswith("missing") else st.split()[0])
    lr = last["paths"][n]
    label = n.replace("_", "\\_") if False else n
    print(f"| `{label}` | {t(lr.get('linux_median'), n)} | {t(lr.get('keel_median'), n)} | " +
          " | ".join(cells) + " |")
geo = []
for _, j in runs:
    g = j.get("geomean")
    geo.append(f"**{g:.2f}x**" if g else "–")
print("| geometric mean (kernel paths Keel runs) | | | " + " | ".join(geo) + " |")
