#!/usr/bin/env python3
"""Spike helper (README "One parse instead of two"): from a whole-file
lowering (-fplugin-arg-coast-dump=DUMP), keep what the single-parse design
would append to the user's own parse: every async function's block (frame
types, descriptor, start and poll functions) and every other function the
lowering rewrote (one whose text names coast's internals), each behind a
#line to the user's source. Writes the text to OUT and prints the rewritten
functions' names, comma-separated, for -fplugin-arg-coast-incparse-redefine.

Usage: trim.py DUMP OUT
"""
import re
import sys

HEADER = re.compile(r'^/\* coast: lowered header (.*) \*/$')
LINE = re.compile(r'^#line (\d+) "(.*)"$')
FUNC = re.compile(r'^[A-Za-z_][\w\s\*]*?\b([A-Za-z_]\w*)\s*\([^;]*$')


def parts(lines):
    """(file, lines) for the main file and each lowered header."""
    name, cur = None, []
    for ln in lines:
        m = HEADER.match(ln)
        if m:
            yield name, cur
            name, cur = m.group(1), []
        else:
            cur.append(ln)
    yield name, cur


def trim(name, lines, blocks, funcs, names):
    if name is None:
        # The main file's lines keep their numbers; its name is the one
        # its first #line gives.
        name = next(LINE.match(ln).group(2) for ln in lines if LINE.match(ln))
    presumed, file, i = 1, name, 0
    while i < len(lines):
        ln = lines[i]
        m = LINE.match(ln)
        if m:
            presumed, file = int(m.group(1)), m.group(2)
            i += 1
            continue
        if ln == '#pragma pack(push)':
            j = i
            while not lines[j].startswith(
                    '__co->__h.state = 0xffffu; return COAST_READY;'):
                j += 1
            blocks.extend(lines[i:j + 1])
            presumed += j + 1 - i
            i = j + 1
            continue
        m = FUNC.match(ln)
        if m and file:
            j, depth, opened = i, 0, False
            while True:
                # Rough brace count: the user's functions the lowering
                # rewrote; braces in their strings would fool it.
                depth += lines[j].count('{') - lines[j].count('}')
                opened = opened or '{' in lines[j]
                if opened and depth == 0:
                    break
                j += 1
            body = lines[i:j + 1]
            if any('coast__' in b or '__coast_' in b for b in body):
                funcs.append('#line %d "%s"' % (presumed, file))
                funcs.extend(body)
                names.append(m.group(1))
            presumed += j + 1 - i
            i = j + 1
            continue
        presumed += 1
        i += 1


def main():
    dump, out = sys.argv[1:3]
    lines = open(dump).read().split('\n')
    blocks, funcs, names = [], [], []
    ps = list(parts(lines))
    # Headers first: the main file's functions use what they define.
    for name, part in ps[1:] + ps[:1]:
        trim(name, part, blocks, funcs, names)
    with open(out, 'w') as f:
        f.write('\n'.join(blocks + funcs) + '\n')
    print(','.join(names))


main()
