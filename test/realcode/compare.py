#!/usr/bin/env python3
"""test/realcode/compare.py PLAIN-LOG PLUGIN-LOG - the "no diagnostics, no
crash" check of a real project's two builds.

Each log directory holds cc-wrapper.sh's records, one per compiler
invocation, named <key>.<random>. Same key, same compile: the plugin build
must have made exactly the invocations of the plain build, each with the same
exit status and the same stderr, and no compiler crash. Prints the
differences, if any, then one summary line (`compiles: N invocations, M with
C sources, K with stderr, identical`), and exits 1 on any difference.
"""
import collections
import os
import re
import sys

# Clang's temporary files (-o of a compile-and-link: /tmp/conftest-1a2b3c.o)
# differ from run to run; the linker names them in configure's failed links.
TEMP = re.compile(r"(/[\w./+-]*?-)[A-Za-z0-9]{6}(\.\w+)")
CRASH = re.compile(r"PLEASE submit a bug report|Stack dump:|"
                   r"clang frontend command failed|unable to execute command")
SHOWN = 5


def records(log):
    """key -> sorted list of normalized record texts."""
    out = collections.defaultdict(list)
    for name in os.listdir(log):
        if name.startswith("."):
            continue
        with open(os.path.join(log, name), errors="replace") as f:
            out[name.split(".")[0]].append(TEMP.sub(r"\1XXXXXX\2", f.read()))
    return {k: sorted(v) for k, v in out.items()}


def main():
    plain, plugin = records(sys.argv[1]), records(sys.argv[2])
    texts = [t for v in plugin.values() for t in v]
    compiles = sum(bool(re.search(r"\S\.c( |$)", t.splitlines()[0]))
                   for t in texts)
    noisy = sum(bool(t.split("\n", 2)[2].strip()) for t in texts)
    crashes = [t for t in texts if CRASH.search(t)]
    differ = sorted(k for k in plain.keys() | plugin.keys()
                    if plain.get(k) != plugin.get(k))
    for t in crashes[:SHOWN]:
        print("CRASH with the plugin:\n" + t)
    for k in differ[:SHOWN]:
        print("DIFFERENT (plain build first, then plugin build):")
        for side in (plain, plugin):
            shown = side.get(k, ["(not run)\n"])
            print("  " + "  --\n  ".join(shown).replace("\n", "\n  "))
    if len(differ) > SHOWN:
        print(f"... and {len(differ) - SHOWN} more differences")
    verdict = "identical" if not differ and not crashes else \
        f"{len(differ)} differ, {len(crashes)} crashed"
    print(f"compiles: {len(texts)} invocations, {compiles} with C sources, "
          f"{noisy} with stderr, {verdict}")
    if not texts:
        print("no compiler invocation was recorded: CC was not the wrapper")
        return 1
    return 0 if verdict == "identical" else 1


if __name__ == "__main__":
    sys.exit(main())
