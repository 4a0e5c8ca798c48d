#!/usr/bin/env python3
"""gen-cxx.py ASYNC_C KIND: gen-async.py's program as C++20, to time what
clang's own coroutine lowering costs on the same functions.

KIND co:    each async function is an rt::Task<int> coroutine of the peers'
            executor (peers/cpp/rt.hpp): await(e) is co_await e, return is
            co_return, coast_yield() is rt::yield_now().
KIND plain: the same functions as plain int functions, await(e) is (e) and
            coast_yield() is 0: what the program is without async.
"""
import re
import sys


def strip_await(s, open_, close):
    """Replaces every await(e) in s (nested too) by open_ + e + close."""
    out, i = "", 0
    while True:
        j = s.find("await(", i)
        if j < 0:
            return out + s[i:]
        out += s[i:j]
        k, depth = j + 6, 1
        while depth:
            depth += {"(": 1, ")": -1}.get(s[k], 0)
            k += 1
        out += open_ + strip_await(s[j + 6:k - 1], open_, close) + close
        i = k


def main():
    src = open(sys.argv[1]).read()
    kind = sys.argv[2]
    body = src.split("static int trace;\n", 1)[1]
    fns = body[: body.index("int main(void)")]
    if kind == "co":
        fns = re.sub(r"async int (f\d+)\(int x\)", r"rt::Task<int> \1(int x)", fns)
        fns = re.sub(r"\breturn\b", "co_return", fns)
        fns = fns.replace("await(coast_yield())", "(co_await rt::yield_now(), 0)")
        fns = strip_await(fns, "(co_await ", ")")
        main_ = "int main() { auto t = f199(3); (void)t; std::printf(\"%d\\n\", trace); }\n"
    else:
        fns = re.sub(r"async int (f\d+)\(int x\)", r"int \1(int x)", fns)
        fns = fns.replace("await(coast_yield())", "0")
        fns = strip_await(fns, "(", ")")
        main_ = "int main() { std::printf(\"%d %d\\n\", f199(3), trace); }\n"
    sys.stdout.write('#include "rt.hpp"\n#include <cstdio>\n'
                     "int coast_bench_cold;\nstatic int trace;\n" + fns + main_)


main()
