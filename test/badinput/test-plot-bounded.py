#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""compare --plot on crafted documents stays small, quick and well-formed.

usage: test-plot-bounded.py PROGRAM VALID.json

Samples near 2^53 ms once made the tick loop spin forever (a step below
half an ulp never advances x); driver names with control characters made
the SVG ill-formed XML. Prints TAP.
"""
import json
import os
import subprocess
import sys
import tempfile
import xml.dom.minidom

prog, valid = sys.argv[1], sys.argv[2]
failed = 0
n = 0


def check(ok, what):
    global failed, n
    n += 1
    print('%s %d - %s' % ('ok' if ok else 'not ok', n, what))
    if not ok:
        failed += 1


def doc_with(values, path):
    d = json.load(open(valid))
    cfg = d['configurations'][0]
    samples = cfg['samples']
    for i, s in enumerate(samples):
        s['memmap_ms'] = values[i % len(values)]
    with open(path, 'w') as f:
        json.dump(d, f)


with tempfile.TemporaryDirectory() as t:
    base, new = os.path.join(t, 'base.json'), os.path.join(t, 'new.json')
    svg = os.path.join(t, 'plot.svg')
    big = 2 ** 53
    doc_with([big, big + 2, big + 4], base)
    doc_with([big + 1, big + 3, big + 5], new)
    try:
        r = subprocess.run([prog, 'compare', '--plot', svg, base, new],
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=10)
        check(r.returncode in (0, 3), 'compare --plot near 2^53 finishes '
              '(exit %d)' % r.returncode)
    except subprocess.TimeoutExpired:
        check(False, 'compare --plot near 2^53 finishes within 10 s')
    size = os.path.getsize(svg) if os.path.exists(svg) else -1
    check(0 < size < 1 << 20, 'the plot is small (%d bytes)' % size)
    try:
        xml.dom.minidom.parse(svg)
        check(True, 'the plot is well-formed XML')
    except Exception as e:
        check(False, 'the plot is well-formed XML: %s' % e)

    # A first bind of 0 ms (below the kernel line's resolution) has no
    # ratio: every format says so instead of printing nan.
    log = os.path.join(t, 'zero.log')
    with open(log, 'w') as f:
        for i, ms in enumerate([0, 4, 4, 8]):
            f.write('[ %4d.000000] memmap_init_zone_device initialised '
                    '257536 pages in %dms\n' % (i + 1, ms))
    doc = os.path.join(t, 'zero.json')
    r = subprocess.run([prog, 'import', '--hz', '250', '-o', doc, log],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    check(r.returncode == 0, 'import of a capture whose cold bind is 0 ms')
    for fmt in ('human', 'markdown', 'commit', 'json'):
        r = subprocess.run([prog, 'compare', '--format', fmt, doc, doc],
                           capture_output=True, text=True)
        check(r.returncode == 0 and 'nan' not in r.stdout.lower(),
              'compare --format %s of a 0 ms cold bind prints no nan' % fmt)

print('1..%d' % n)
sys.exit(1 if failed else 0)
