"""Emulates the single parse on a lowered file written with
-fplugin-arg-coast-state-at-end: moves the block that state-at-end wrapped
(its first push_macro to its last pop_macro) to the end of the file,
after everything that changed state after the function. Prints the result.

Usage: append-block.py LOWERED
"""
import sys
lines = open(sys.argv[1]).read().split('\n')
first = next(i for i, l in enumerate(lines) if l.startswith('#pragma push_macro'))
last = max(i for i, l in enumerate(lines) if l.startswith('#pragma pop_macro'))
block = lines[first:last + 1]
rest = lines[:first] + lines[last + 1:]
sys.stdout.write('\n'.join(rest + block) + '\n')
