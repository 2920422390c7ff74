#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Count meson test results for scripts/test.sh.

count-results.py LABEL testlog.json  -> "LABEL PASSED FAILED SKIPPED"
count-results.py --total FILE        -> "N passed, N failed, N skipped"
"""
import json
import sys


def count(label, path):
    ok = bad = skip = 0
    try:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                res = json.loads(line).get("result", "")
                if res in ("OK", "EXPECTEDFAIL"):
                    ok += 1
                elif res == "SKIP":
                    skip += 1
                else:
                    bad += 1
    except OSError:
        pass
    print(f"{label} {ok} {bad} {skip}")


def total(path):
    ok = bad = skip = 0
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) != 4:
                continue
            ok += int(parts[1])
            bad += int(parts[2])
            skip += int(parts[3])
            print(f"  {parts[0]}: {parts[1]} passed, {parts[2]} failed, "
                  f"{parts[3]} skipped")
    print(f"{ok} passed, {bad} failed, {skip} skipped")


if __name__ == "__main__":
    if sys.argv[1] == "--total":
        total(sys.argv[2])
    else:
        count(sys.argv[1], sys.argv[2])
