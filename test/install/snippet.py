#!/usr/bin/env python3
"""snippet.py DOC NAME: prints the fenced code block that follows the line
`<!-- snippet: NAME -->` in DOC (docs/ci.md), so the tests run what the page
shows. Exits 1 when there is no such snippet."""
import re
import sys

doc, name = sys.argv[1], sys.argv[2]
text = open(doc).read()
m = re.search(r"^<!-- snippet: %s -->\n```[^\n]*\n(.*?)^```$" % re.escape(name),
              text, re.S | re.M)
if not m:
    sys.exit("snippet.py: no snippet '%s' in %s" % (name, doc))
sys.stdout.write(m.group(1))
