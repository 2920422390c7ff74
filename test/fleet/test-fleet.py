#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The fleet report on a generated tree of 50 hosts (make-fleet-tree.py):
every flag on exactly the designed hosts, the spread across hosts, the
majorities, each host's verdict against its baseline, the three formats,
--fail-on-regression, and one-line errors on bad trees.

usage: test-fleet.py PROGRAM MAKE_FLEET_TREE VALIDATE_SCHEMA"""
import json
import os
import subprocess
import sys
import tempfile

prog, make_tree, validate = sys.argv[1:4]
failed = 0


def check(what, ok, detail=""):
    global failed
    print("%s - %s%s" % ("ok" if ok else "not ok", what,
                         "" if ok or not detail else " (%s)" % detail))
    if not ok:
        failed += 1


def run(*args):
    p = subprocess.run([prog, "fleet"] + list(args), capture_output=True,
                       text=True)
    return p.returncode, p.stdout, p.stderr


tmp = tempfile.mkdtemp()
subprocess.run([make_tree, tmp], check=True)
cur, base = os.path.join(tmp, "current"), os.path.join(tmp, "baseline")
with open(os.path.join(tmp, "expected.json")) as f:
    exp = json.load(f)

# The generated documents are results documents.
docs = [os.path.join(d, f) for t in (cur, base) for d, _, fs in os.walk(t)
        for f in fs if f.endswith(".json")]
check("generated documents: 50 hosts x 2 + 49 baselines", len(docs) == 149,
      len(docs))
v = subprocess.run([sys.executable, validate] + docs, capture_output=True)
check("every generated document matches the schema", v.returncode == 0,
      v.stdout[-300:])

rc, out, err = run("--baseline", base, cur)
check("fleet --baseline exits 0", rc == 0 and not err, err)
rep = json.loads(out)
check("schema tag", rep["schema"] == "rebind-bench-fleet" and
      rep["schema_version"] == 1)
names = [h["host"] for h in rep["hosts"]]
check("every host listed, in order", names == exp["hosts"], names)
errs = {h["host"]: h.get("error") for h in rep["hosts"] if h.get("error")}
check("only the failed host has an error", list(errs) == ["host-50"], errs)
check("the failed host's message is kept",
      "namespace1.0 not found" in errs.get("host-50", ""), errs)
files = {h["host"]: h.get("file", "") for h in rep["hosts"]}
check("the newest document of each host is used",
      all(files[n].endswith("/20261201T100000Z-%s.json" %
                            ("7.2.0-rc2" if n == "host-40" else "7.2.0-rc1"))
          for n in names if n != "host-50"))

cfgs = {c["mode"]: c for c in rep["configurations"]}
check("two configurations", sorted(cfgs) == ["devdax", "fsdax"], list(cfgs))
for mode in ("fsdax", "devdax"):
    c, e = cfgs[mode], exp["configurations"][mode]
    rows = {r["host"]: r for r in c["hosts"]}
    check("%s: one row per host with a document" % mode,
          sorted(rows) == sorted(e["flags"]) and len(c["hosts"]) == 50)
    wrong = {n: (r["flags"], e["flags"][n]) for n, r in rows.items()
             if sorted(r["flags"]) != sorted(e["flags"][n])}
    check("%s: every flag on exactly the designed hosts" % mode, not wrong,
          wrong)
    check("%s: the probe source, by ms/GiB" % mode,
          c["source"] == "memmap_ns" and c["value"] == "ms_per_gib")
    d = c["distribution"]
    check("%s: spread over the 49 hosts with the source" % mode,
          d["n"] == e["hosts_with_stats"] == 49, d["n"])
    check("%s: median across hosts" % mode,
          abs(d["median"] - e["median"]) < 1e-9 * e["median"],
          (d["median"], e["median"]))
    check("%s: fences around the IQR" % mode,
          d["fence_low"] < d["percentiles"]["p25"] < d["median"] <
          d["percentiles"]["p75"] < d["fence_high"] and
          abs(d["spread_iqr"] - (d["percentiles"]["p75"] -
                                 d["percentiles"]["p25"])) < 1e-9)
    m = c["majority"]
    check("%s: majority geometry 16 GiB of 2 distinct" % mode,
          m["size"] == 16 << 30 and m["geometry_distinct"] == 2, m)
    check("%s: majority kernel of 2 distinct" % mode,
          m["kernel"] == "7.2.0-rc1" and m["kernel_distinct"] == 2, m)
    flagged = [n for n, r in rows.items() if r["flags"]]
    check("%s: flagged hosts are kept with their figures" % mode,
          all("stats" in rows[n] for n in flagged if n != "host-44") and
          "stats" not in rows["host-44"])
    check("%s: ms/GiB normalises the 8 GiB host" % mode,
          abs(rows["host-30"]["ms_per_gib"] / rows["host-29"]["ms_per_gib"]
              - 1) < 0.02)

fs = {r["host"]: r for r in cfgs["fsdax"]["hosts"]}
verdicts = {n: r["baseline"]["verdict"] for n, r in fs.items()
            if n not in exp["no_baseline"]}
wrong = {n: (v, exp["baseline_fsdax"][n]) for n, v in verdicts.items()
         if v != exp["baseline_fsdax"][n]}
check("fsdax: each host's verdict against its own baseline", not wrong, wrong)
check("fsdax: the regression's size",
      abs(fs["host-05"]["baseline"]["change_mean"] - 0.3) < 0.01,
      fs["host-05"]["baseline"])
nb = fs["host-49"]["baseline"]
check("a host without baseline says so",
      nb["verdict"] == "not_compared" and "no baseline" in nb["reason"], nb)
dd = [r["baseline"]["verdict"] for r in cfgs["devdax"]["hosts"]
      if r["host"] not in exp["no_baseline"]]
check("devdax: no change on any of 49 hosts",
      dd.count("no_change") == 49, dd)
check("any_regressed and flagged rows",
      rep["any_regressed"] is True and rep["flagged_rows"] == 7 + 4,
      rep["flagged_rows"])

rc, out, err = run("--baseline", base, "--fail-on-regression", cur)
check("--fail-on-regression exits 3 on host-05", rc == 3 and out, rc)
rc, out, _ = run(cur)
rep2 = json.loads(out)
check("without a baseline: no verdicts, no regression exit",
      rc == 0 and not rep2["any_regressed"] and
      all("baseline" not in r for c in rep2["configurations"]
          for r in c["hosts"]))
for fmt in ("human", "markdown"):
    rc, out, err = run("--format", fmt, "--baseline", base, cur)
    missing = [n for n in exp["hosts"] if n not in out]
    check("--format %s lists every host" % fmt, rc == 0 and not missing,
          missing)
    words = ["outlier-high-severe", "outlier-high", "outlier-low",
             "geometry-differs", "kernel-differs", "source-missing",
             "incomplete", "regressed", "improved", "no baseline",
             "namespace1.0 not found"]
    check("--format %s names every flag and verdict" % fmt,
          all(w in out for w in words),
          [w for w in words if w not in out])
rc, out, _ = run("--format", "markdown", cur)
check("markdown rows: 50 per configuration",
      sum(1 for l in out.splitlines() if l.startswith("| host-")) == 100)
out_file = os.path.join(tmp, "fleet.json")
rc, out, _ = run("-o", out_file, cur)
with open(out_file) as f:
    check("-o writes the report, stdout empty",
          rc == 0 and not out and json.load(f)["hosts"])

for args, what in (([os.path.join(tmp, "nope")], "a missing tree"),
                   ([os.path.join(tmp, "expected.json")], "a file"),
                   ([cur, cur], "two trees"),
                   (["--format", "commit", cur], "the commit format"),
                   (["--alpha", "2", cur], "a bad alpha"),
                   (["--baseline", os.path.join(tmp, "nope"), cur],
                    "a missing baseline")):
    rc, out, err = run(*args)
    check("%s: exit 2, one line, no stdout" % what,
          rc == 2 and not out and err.count("\n") == 1, (rc, err))
empty = os.path.join(tmp, "empty")
os.mkdir(empty)
rc, out, err = run(empty)
check("a tree without host folders: exit 2",
      rc == 2 and "no host folders" in err, err)

subprocess.run(["rm", "-rf", tmp])
print("%d failed" % failed)
sys.exit(1 if failed else 0)
