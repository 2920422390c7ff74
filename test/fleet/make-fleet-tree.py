#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write a results tree of 50 hosts (and a baseline tree) for the fleet
report's test, deterministically, and the flags each host must get.

usage: make-fleet-tree.py OUT_DIR

OUT_DIR/current/host-NN/<timestamp>-<kernel>.json, OUT_DIR/baseline/...,
and OUT_DIR/expected.json. Two configurations per host (fsdax map=dev,
devdax align=2M), 16 GiB each, 20 measured rebinds. Designed hosts:
  host-07 far above the others (fsdax)    host-13 mildly above (fsdax)
  host-21 mildly below (fsdax)            host-30 8 GiB: geometry differs
  host-40 another kernel                  host-44 no probe source
  host-45 interrupted (complete: false)   host-50 failed: an .error file
  baseline: host-05 regressed by 30%, host-06 improved by 30% (fsdax),
  host-49 has no baseline.
The fences are checked here too, independently of the tool: a design
that would not land in its band fails the generator."""
import json
import os
import sys

GIB = 1 << 30
HOSTS = 50
RUNS = 20
KERNEL = "7.2.0-rc1"
# Multipliers of the fsdax level; the mild ones are checked below.
FSDAX_SHIFT = {7: 1.5, 13: 1.04, 21: 0.97}


def nr_pages(size):
    pages = size // 4096
    return pages - pages * 64 // 4096  # map=dev: the memmap's own pages


def level(host, base):
    """ms/GiB of a host: a spread of +-1% around base."""
    return base * (1 + 0.01 * (((host * 7) % 11) - 5) / 5)


def samples(ms_per_gib, size, phase, probe):
    gib = nr_pages(size) * 4096 / GIB
    out = []
    for k in range(RUNS):
        ms = ms_per_gib * gib * (1 + 0.002 * (((k + phase) * 3) % 7 - 3))
        s = {"iter": k + 1, "nr_pages": nr_pages(size), "nr_ranges": 1,
             "memmap_ms": round(ms), "bind_ns": round(ms * 1.1e6),
             "unbind_ns": 15000000}
        if probe:
            s["memmap_ns"] = round(ms * 1e6)
        out.append(s)
    return out


def config(mode, size, ms_per_gib, phase, probe, complete):
    t = {"dev": "namespace0.0" if mode == "fsdax" else "namespace1.0",
         "mode": mode, "size": size, "numa_node": 0, "region": "region0",
         "expected_nr_pages": nr_pages(size)}
    if mode == "fsdax":
        t.update(map="dev", align=2097152, driver="nd_pmem")
    else:
        t.update(align=2097152, driver="dax_pmem")
    smp = samples(ms_per_gib, size, phase, probe)
    timing = ["memmap_ms", "unbind_ns", "bind_ns"]
    missing = []
    if probe:
        timing.insert(1, "memmap_ns")
    else:
        missing = [{"source": "memmap_ns",
                    "reason": "kprobe events are not available"}]
    cold = dict(smp[0], iter=0)
    for k in ("memmap_ms", "memmap_ns", "bind_ns"):
        if k in cold:
            cold[k] *= 6
    return {"target": t,
            "settings": {"runs": RUNS, "warmup": 0, "method": "driver",
                         "timing": timing},
            "cold": cold, "warmup": [], "samples": smp,
            "missing_sources": missing, "warnings": [],
            "complete": complete}


def document(host, kernel, stamp, fs_level, dd_level, phase):
    size = 8 * GIB if host == 30 else 16 * GIB
    probe = host != 44
    complete = host != 45
    return {
        "schema": "rebind-bench-results", "schema_version": 1,
        "tool": {"name": "ndctl-rebind-bench", "version": "0.1.0"},
        "timestamp": stamp, "origin": "live", "complete": complete,
        "fingerprint": {"hostname": "host-%02d" % host,
                        "kernel_release": kernel,
                        "kernel_version": "#1 SMP PREEMPT_DYNAMIC",
                        "cmdline": "root=/dev/sda1", "hz": 250,
                        "config": {"CONFIG_HZ": "250"},
                        "cpu_model": "Fleet CPU", "nr_cpus": 64,
                        "hypervisor": False, "governor": "performance",
                        "page_size": 4096},
        "warnings": [],
        "configurations": [
            config("fsdax", size, fs_level, phase, probe, complete),
            config("devdax", size, dd_level, phase, probe, complete)]}


def quantile(s, q):
    """Type 7, as results/stats.c."""
    h = (len(s) - 1) * q
    lo = int(h)
    return s[lo] + (h - lo) * (s[min(lo + 1, len(s) - 1)] - s[lo])


def measured(doc, i, source):
    cfg = doc["configurations"][i]
    v = [s[source] for s in cfg["samples"] if source in s]
    if not v:
        return None
    mean = sum(v) / len(v)
    if source == "memmap_ns":
        mean /= 1e6
    return mean / (cfg["samples"][0]["nr_pages"] * 4096 / GIB)


def fence_flags(values):
    s = sorted(values.values())
    q1, q3 = quantile(s, 0.25), quantile(s, 0.75)
    iqr = q3 - q1
    flags = {}
    for h, v in values.items():
        if v < q1 - 3 * iqr:
            flags[h] = "outlier-low-severe"
        elif v < q1 - 1.5 * iqr:
            flags[h] = "outlier-low"
        elif v > q3 + 3 * iqr:
            flags[h] = "outlier-high-severe"
        elif v > q3 + 1.5 * iqr:
            flags[h] = "outlier-high"
    return flags, quantile(s, 0.5)


def write(path, doc):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)


def main():
    out = sys.argv[1]
    cur, base = {}, {}
    for h in range(HOSTS):
        name = "host-%02d" % h
        kernel = "7.2.0-rc2" if h == 40 else KERNEL
        fs = level(h, 15.0) * FSDAX_SHIFT.get(h, 1)
        dd = level(h, 14.0)
        cur[name] = document(h, kernel, "2026-12-01T10:00:00Z", fs, dd, 0)
        # An older document that the newer one must hide.
        write("%s/current/%s/20261130T100000Z-%s.json" % (out, name, kernel),
              document(h, kernel, "2026-11-30T10:00:00Z", 99, 99, 0))
        write("%s/current/%s/20261201T100000Z-%s.json" % (out, name, kernel),
              cur[name])
        if h == 49:
            continue
        bfs = fs / {5: 1.3, 6: 1 / 1.3}.get(h, 1)
        base[name] = document(h, KERNEL, "2026-11-01T10:00:00Z", bfs, dd, 1)
        write("%s/baseline/%s/20261101T100000Z-%s.json" % (out, name, KERNEL),
              base[name])
    os.makedirs("%s/current/host-50" % out, exist_ok=True)
    with open("%s/current/host-50/20261201T100000Z-unknown.error" % out,
              "w") as f:
        f.write("namespace1.0 not found (ndctl list has: namespace0.0)\n")

    expected = {"hosts": sorted(list(cur) + ["host-50"]),
                "configurations": {}}
    for i, label in enumerate(["fsdax", "devdax"]):
        vals = {n: measured(d, i, "memmap_ns") for n, d in cur.items()}
        vals = {n: v for n, v in vals.items() if v is not None}
        fences, median = fence_flags(vals)
        flags = {n: [] for n in cur}
        for n, f in fences.items():
            flags[n].append(f)
        for n in ("host-30",):
            flags[n].append("geometry-differs")
        flags["host-40"].append("kernel-differs")
        flags["host-44"].append("source-missing")
        flags["host-45"].append("incomplete")
        expected["configurations"][label] = {"flags": flags,
                                             "median": median,
                                             "hosts_with_stats": len(vals)}
    # The design must hold: the tool's answer is checked against it.
    want = {"host-07": ["outlier-high-severe"], "host-13": ["outlier-high"],
            "host-21": ["outlier-low"]}
    got = {n: f for n, f in fence_flags({
        n: measured(d, 0, "memmap_ns") for n, d in cur.items()
        if n != "host-44"})[0].items()}
    if {n: [f] for n, f in got.items()} != want:
        sys.exit("make-fleet-tree: fsdax design missed its fences: %s" % got)
    if fence_flags({n: measured(d, 1, "memmap_ns") for n, d in cur.items()
                    if n != "host-44"})[0]:
        sys.exit("make-fleet-tree: devdax must have no outlier")
    verdicts = {n: "no_change" for n in base}
    verdicts.update({"host-05": "regressed", "host-06": "improved"})
    expected["baseline_fsdax"] = verdicts
    expected["no_baseline"] = ["host-49"]
    with open("%s/expected.json" % out, "w") as f:
        json.dump(expected, f, indent=1)


if __name__ == "__main__":
    main()
