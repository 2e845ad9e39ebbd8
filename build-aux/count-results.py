#!/usr/bin/env python3
"""Counts test cases over meson test logs and prints "N passed, N failed".

A TAP test counts each of its "ok"/"not ok" lines; any other test counts
once by its result. A build whose log is missing or unreadable counts as
one failure, so a build that did not even compile can never look green.
A skipped test case counts as failed: the set-up script installs every
tool the tests use, so a skip means the machine is not what it should be."""
import json
import re
import sys

passed = failed = 0
for build in sys.argv[1:]:
    try:
        with open(f"{build}/meson-logs/testlog.json", encoding="utf-8") as f:
            entries = [json.loads(line) for line in f if line.strip()]
    except (OSError, ValueError):
        failed += 1
        continue
    for entry in entries:
        out = entry.get("stdout") or ""
        skipped = len(re.findall(r"^ok \d+.*# SKIP", out, re.M))
        oks = len(re.findall(r"^ok \d+", out, re.M)) - skipped
        bad = len(re.findall(r"^not ok \d+", out, re.M)) + skipped
        ok_result = entry.get("result") in ("OK", "EXPECTEDFAIL")
        if oks or bad:
            passed += oks
            failed += bad
            if bad == 0 and not ok_result:
                failed += 1  # crashed after its last test case
        elif ok_result:
            passed += 1
        else:
            failed += 1
print(f"{passed} passed, {failed} failed")
