#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check lib/ against the layer table at the top of lib/meson.build.

usage: check-layout.py SRCDIR LIBRARY.a

Fails (exit 1, one line per violation) when a file in lib/ includes a
header of a folder its layer may not use, includes a lib/ header without
its folder, links against a symbol defined in such a folder, when two
or more files of lib/ call each other in a cycle, or when a file of lib/
is longer than MAX_FILE_LINES or a function longer than MAX_FUNC_LINES.
"""
import collections
import os
import re
import subprocess
import sys


MAX_FILE_LINES = 700
MAX_FUNC_LINES = 80


def sources(lib, allowed):
    """(folder, "folder/name", lines) of every .c and .h in the layers."""
    for folder in allowed:
        for name in sorted(os.listdir(os.path.join(lib, folder))):
            if name.endswith(('.c', '.h')):
                path = os.path.join(folder, name)
                with open(os.path.join(lib, path)) as f:
                    yield folder, path, f.read().split('\n')


def size_errors(lib, allowed):
    """Kernel style: a function body opens with '{' and closes with '}'
    alone at the start of a line."""
    errors = []
    for _, path, lines in sources(lib, allowed):
        if len(lines) - 1 > MAX_FILE_LINES:
            errors.append('%s: %d lines (at most %d)'
                          % (path, len(lines) - 1, MAX_FILE_LINES))
        start = None
        for n, line in enumerate(lines):
            if line == '{':
                start = n
            elif line == '}' and start is not None:
                if n - start - 1 > MAX_FUNC_LINES:
                    errors.append('%s:%d: a function of %d lines (at most '
                                  '%d)' % (path, start, n - start - 1,
                                           MAX_FUNC_LINES))
                start = None
    return errors


def layers(meson_build):
    allowed = collections.OrderedDict()
    with open(meson_build) as f:
        for line in f:
            m = re.match(r'^# layer: (\S+)\s*->(.*)$', line)
            if m:
                allowed[m.group(1)] = set(m.group(2).split())
    return allowed


def include_errors(lib, allowed):
    errors = []
    for folder, path, lines in sources(lib, allowed):
        for n, line in enumerate(lines, 1):
            m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
            if not m:
                continue
            inc = m.group(1)
            top = inc.split('/')[0] if '/' in inc else None
            if top is None:
                errors.append('%s:%d: "%s" names no folder'
                              % (path, n, inc))
            elif top not in allowed:
                errors.append('%s:%d: "%s": no such layer'
                              % (path, n, inc))
            elif top != folder and top not in allowed[folder]:
                errors.append('%s:%d: %s may not include %s'
                              % (path, n, folder, inc))
    return errors


def symbols(archive):
    """{object: (defined set, undefined set)} from nm."""
    out = subprocess.run(['nm', '-A', archive], check=True,
                         capture_output=True, text=True).stdout
    objs = collections.defaultdict(lambda: (set(), set()))
    for line in out.splitlines():
        m = re.match(r'^.*?([^/:]+\.c\.o):\s*([0-9a-f]*)\s+(\S)\s+(\S+)$',
                     line)
        if not m:
            continue
        obj, kind, sym = m.group(1), m.group(3), m.group(4)
        if kind == 'U':
            objs[obj][1].add(sym)
        elif kind in 'TDBR':
            objs[obj][0].add(sym)
    return objs


def link_graph(archive, allowed):
    objs = symbols(archive)
    owner = {}
    for obj, (defs, _) in objs.items():
        for s in defs:
            owner[s] = obj
    graph = collections.defaultdict(set)
    for obj, (_, undefs) in objs.items():
        for s in undefs:
            if s in owner and owner[s] != obj:
                graph[obj].add(owner[s])

    def folder(obj):
        return obj.split('_', 1)[0]

    errors = []
    for a in sorted(graph):
        for b in sorted(graph[a]):
            fa, fb = folder(a), folder(b)
            if fa != fb and fb not in allowed.get(fa, ()):
                syms = sorted(objs[a][1] & objs[b][0])
                errors.append('%s calls %s (%s): %s may not use %s'
                              % (a, b, syms[0], fa, fb))
    return graph, errors


def cycles(graph):
    """Strongly connected components of more than one file (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def main():
    src, archive = sys.argv[1], sys.argv[2]
    lib = os.path.join(src, 'lib')
    allowed = layers(os.path.join(lib, 'meson.build'))
    if not allowed:
        print('no "# layer:" lines in lib/meson.build')
        return 1
    stray = [n for n in os.listdir(lib)
             if n.endswith(('.c', '.h'))]
    errors = ['lib/%s: not in a layer folder' % n for n in sorted(stray)]
    errors += include_errors(lib, allowed)
    errors += size_errors(lib, allowed)
    graph, link_errors = link_graph(archive, allowed)
    errors += link_errors
    for comp in cycles(graph):
        errors.append('call cycle: ' + ' <-> '.join(comp))
    for e in errors:
        print(e)
    print('%d layers, %d objects, %d violations'
          % (len(allowed), len(symbols(archive)), len(errors)))
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
