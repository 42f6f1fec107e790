#!/usr/bin/env python3
"""Reads the logs of tests/run-bench-linux.sh (keel-N.log, linux-N.log: lines
"bench NAME NS|missing WHY|FAIL WHY"), prints the table of Keel/Linux ratios
(medians over boots) and writes JSON.

Drift: "control" is a pure user-space loop; its time measures the host. The
suite runs it before every benchmark ("NAME.ctl"), in batches as long as the
benchmark's. Each sample is normalised by it (value / ctl * the run's
fastest ctl: the time on the host at full speed, in the same clock), which
cancels a uniformly slowed host and a boot's mis-calibrated clock; a sample
whose control loop ran more than DRIFT_LIMIT slower than the fastest of its
boot is unusable and left out (shown per boot). Keel/Linux is the ratio of the medians of
the normalised samples; "raw ratio" uses the unnormalised usable samples.
--check: the short mode of make test: every boot must end with "bench done
ok" and Linux must run every path; prints "bench-linux: N passed, N failed"."""
import argparse
import datetime
import glob
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys

DRIFT_LIMIT = 1.0
LINE = re.compile(r"bench (\S+) (.*)$")
# Paths not in the geometric mean: the control loop and boot time.
NOT_KERNEL_PATHS = {"control", "control_end", "boot_ms"}
UNITS = {"boot_ms": "ms"}


def parse(path):
    res, done = {}, None
    with open(path, errors="replace") as fh:
        for raw in fh:
            m = LINE.search(raw.strip())
            if not m:
                continue
            name, rest = m.group(1), m.group(2).strip()
            if name in ("start",):
                continue
            if name == "done":
                done = rest
                continue
            try:
                res[name] = float(rest)
            except ValueError:
                res[name] = rest  # "missing ..." or "FAIL ..."
    return res, done


def host_info():
    model = "?"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        qv = subprocess.run(["qemu-system-x86_64", "--version"], capture_output=True,
                            text=True).stdout.splitlines()[0]
    except (OSError, IndexError):
        qv = "?"
    return {"cpu": model, "cores": os.cpu_count(), "kernel": platform.release(), "qemu": qv}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("logdir")
    ap.add_argument("--json")
    ap.add_argument("--name", default="bench-linux")
    ap.add_argument("--cpu", default="")
    ap.add_argument("--qemu", default="")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--keel-prefix", default="keel", help="log prefix of the Keel variant")
    a = ap.parse_args()

    runs = {"keel": [], "linux": []}
    order = []
    passed = failed = 0
    for kernel in runs:
        prefix = a.keel_prefix if kernel == "keel" else "linux"
        for path in sorted(glob.glob(os.path.join(a.logdir, prefix + "-*.log")),
                           key=lambda p: int(re.findall(r"(\d+)\.log$", p)[0])):
            res, done = parse(path)
            for k in res:
                if k not in order and not k.endswith(".ctl"):
                    order.append(k)
            ok = done == "ok"
            fails = [k for k, v in res.items() if isinstance(v, str) and v.startswith("FAIL")]
            if kernel == "linux":
                fails += [k for k, v in res.items() if isinstance(v, str)]
            if not ok or fails:
                print(f"bench-linux: {path}: {'did not finish' if done is None else 'done ' + done}"
                      f"{'; bad: ' + ', '.join(fails) if fails else ''}")
                failed += 1
            else:
                passed += 1
            runs[kernel].append({"log": path, "results": res, "ok": ok})

    # Drift: every control sample against the fastest one of the run (the
    # host at full speed). Each sample is normalised by the control loop
    # measured just before it, under the same host load: value / ctl * best
    # ctl is the time at full host speed. Samples whose control loop ran
    # more than DRIFT_LIMIT slower are unusable (too slowed to correct).
    def ctl_of(res, name):
        v = res.get(name if name in ("control", "control_end") else name + ".ctl")
        return v if isinstance(v, float) else None
    all_ctl = [v for k in runs for r in runs[k] for n, v in r["results"].items()
               if n.endswith(".ctl") and isinstance(v, float)]
    best_ctl = min(all_ctl) if all_ctl else None

    # The reference is the fastest control loop of the same boot: each boot
    # calibrates its own clock (a TSC rate measured on a busy host can be
    # off), and normalising by a control loop timed with the same clock
    # cancels that scale as well as a uniformly slowed host.
    for k in runs:
        for r in runs[k]:
            cs = [v for n, v in r["results"].items() if n.endswith(".ctl") and isinstance(v, float)]
            r["best_ctl"] = min(cs) if cs else None

    def drift_of(r, name):
        c = ctl_of(r["results"], name)
        return c / r["best_ctl"] - 1 if c is not None and r["best_ctl"] else None

    def usable(r, name):
        if not r["ok"]:
            return False
        if name == "boot_ms":
            return True  # measured before any control loop, not normalised
        d = drift_of(r, name)
        return d is not None and d <= DRIFT_LIMIT

    def normalised(r, name):
        v = r["results"].get(name)
        if name in ("boot_ms", "control", "control_end"):
            return v
        return v / ctl_of(r["results"], name) * best_ctl  # in ns at the run's fastest control
    for k in runs:
        for r in runs[k]:
            drifts = [drift_of(r, n) for n in order if drift_of(r, n) is not None]
            r["drift"] = statistics.median(drifts) if drifts else None
            r["dropped"] = [n for n in order if isinstance(r["results"].get(n), float)
                            and not usable(r, n)]

    table = {}
    for name in order:
        row = {}
        for k in runs:
            vals = [normalised(r, name) if isinstance(r["results"].get(name), float)
                    else r["results"].get(name) for r in runs[k]
                    if usable(r, name) or isinstance(r["results"].get(name), str)]
            raw = [r["results"].get(name) for r in runs[k] if usable(r, name)]
            nums = [v for v in vals if isinstance(v, float)]
            row[k] = nums
            row[k + "_raw"] = [v for v in raw if isinstance(v, float)]
            row[k + "_median"] = statistics.median(nums) if nums else None
            row[k + "_noise"] = ((max(nums) - min(nums)) / statistics.median(nums)
                                 if len(nums) > 1 and statistics.median(nums) > 0 else 0.0)
            missing = [v for v in vals if isinstance(v, str)]
            dropped = any(name in r["dropped"] for r in runs[k])
            row[k + "_status"] = ("ok" if nums else missing[0] if missing
                                  else "unusable (slowed host)" if dropped else "no data")
        if row["keel_median"] and row["linux_median"]:
            row["ratio"] = row["keel_median"] / row["linux_median"]
            row["ratio_raw"] = (statistics.median(row["keel_raw"]) /
                                statistics.median(row["linux_raw"]))
        else:
            row["ratio"] = row["ratio_raw"] = None
        table[name] = row

    ratios = [r["ratio"] for n, r in table.items() if r["ratio"] and n not in NOT_KERNEL_PATHS]
    geo = math.exp(sum(math.log(x) for x in ratios) / len(ratios)) if ratios else None

    print(f"QEMU: {a.qemu}")
    h = host_info()
    print(f"host: {h['cpu']}, {h['cores']} cores, Linux {h['kernel']}, {h['qemu']}")
    print(f"control loop: fastest {best_ctl or 0:.3f} ns/iteration; every sample is normalised by the"
          f" control loop run before it; a sample whose control loop ran more than {DRIFT_LIMIT:.0%}"
          f" slower than its boot's fastest is dropped")
    for k in runs:
        for r in runs[k]:
            d = r["drift"]
            dropped = f", dropped: {' '.join(r['dropped'])}" if r["dropped"] else ""
            print(f"  {os.path.basename(r['log'])}: median control drift "
                  f"{'n/a' if d is None else f'{d:.1%}'}{'' if r['ok'] else ', DID NOT FINISH'}{dropped}")
    print()
    print(f"| {'path':<18} | {'Keel':>10} | {'Linux':>10} | {'Keel/Linux':>10} | {'raw ratio':>9} | noise K/L |")
    print(f"|{'-' * 20}|{'-' * 12}|{'-' * 12}|{'-' * 12}|{'-' * 11}|-----------|")

    def fmt(v, unit):
        return (f"{v:,.1f}" if v >= 10 else f"{v:.3f}") + ("" if unit == "ns" else " " + unit)
    for name, r in table.items():
        unit = UNITS.get(name, "ns")
        kv = fmt(r["keel_median"], unit) if r["keel_median"] else r["keel_status"].split()[0]
        lv = fmt(r["linux_median"], unit) if r["linux_median"] else r["linux_status"].split()[0]
        ratio = f"{r['ratio']:.2f}x" if r["ratio"] else "-"
        noise = f"{r['keel_noise']:.0%}/{r['linux_noise']:.0%}"
        rr = f"{r['ratio_raw']:.2f}x" if r.get("ratio_raw") else "-"
        print(f"| {name:<18} | {kv:>10} | {lv:>10} | {ratio:>10} | {rr:>9} | {noise:>9} |")
    print()
    if geo:
        print(f"geometric mean of {len(ratios)} kernel paths Keel runs: {geo:.2f}x")
    miss = [n for n, r in table.items() if r["keel_status"] != "ok"]
    if miss:
        print("not measured on Keel: " + ", ".join(f"{n} ({table[n]['keel_status']})" for n in miss))

    if a.json:
        os.makedirs(os.path.dirname(a.json) or ".", exist_ok=True)
        with open(a.json, "w") as fh:
            json.dump({"name": a.name,
                       "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                       "qemu_flags": a.qemu, "host": h, "drift_limit": DRIFT_LIMIT,
                       "control_best": best_ctl,
                       "boots": {k: [{"log": r["log"], "drift": r["drift"], "finished": r["ok"],
                                      "dropped": r["dropped"]}
                                     for r in runs[k]] for k in runs},
                       "geomean": geo, "paths": table}, fh, indent=1)
        print(f"wrote {a.json}")
    if a.check:
        if not runs["keel"]:
            failed += 1
        print(f"bench-linux: {passed} passed, {failed} failed")
        return 1 if failed else 0
    return 0


sys.exit(main())
