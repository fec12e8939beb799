#!/usr/bin/env python3
"""Reads what measure.js wrote into the DOM that headless Chromium dumped
(--dump-dom) and checks it (TAP lines, numbered from $TAP_START): every
chart SVG has a non-zero rendered size, bars are drawn, each KWIC table has
min(limit, rows of matches.csv) rows, all visible, and the page loaded no
resource (no network fetch, no file).

usage: check_browser.py DOM.html OUTDIR --kwic-limit N"""
import argparse
import csv
import html
import os
import re
import sys

n = int(os.environ.get("TAP_START", "0"))
failed = 0


def tap(ok, name, detail=""):
    global n, failed
    n += 1
    print(("ok %d - %s" if ok else "not ok %d - %s") % (n, name))
    if not ok:
        failed += 1
        for line in str(detail).splitlines()[:20]:
            print("#   " + line)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dom")
    ap.add_argument("outdir")
    ap.add_argument("--kwic-limit", type=int, default=20)
    o = ap.parse_args()
    dom = open(o.dom, encoding="utf-8", errors="replace").read()
    m = re.search(r'<pre id="sectag-test-results">(.*?)</pre>', dom, re.S)
    tap(m is not None, "browser: the measuring script ran and wrote its results",
        dom[-500:] if dom else "(empty DOM: did Chromium start?)")
    if not m:
        return 1
    lines = [l.split() for l in html.unescape(m.group(1)).splitlines() if l.strip()]
    svgs = [l for l in lines if l[0] == "svg"]
    tap(len(svgs) >= 2, "browser: %d chart SVGs laid out" % len(svgs))
    zero = [" ".join(l) for l in svgs if int(l[3]) <= 0 or int(l[4]) <= 0 or int(l[5]) <= 0
            or int(l[6]) <= 0]
    tap(svgs and not zero, "browser: every SVG has a non-zero rendered size and drawn content",
        "\n".join(zero))
    bars = [l for l in lines if l[0] == "bar"]
    tap(bars and all(int(l[3]) > 0 and int(l[4]) > 0 for l in bars),
        "browser: %d bars drawn with a non-zero size" % len(bars), "\n".join(map(" ".join, bars)))
    counts = {}
    with open(os.path.join(o.outdir, "matches.csv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            counts[row["code"]] = counts.get(row["code"], 0) + 1
    got = {l[1]: (int(l[2]), int(l[3])) for l in lines if l[0] == "kwic"}
    want = {c: (k if o.kwic_limit == 0 else min(o.kwic_limit, k),) * 2 for c, k in counts.items()}
    tap(got == want, "browser: KWIC tables have min(%d, matches) rows, all visible (%d codes)"
        % (o.kwic_limit, len(want)),
        "\n".join("%s: got %s want %s" % (c, got.get(c), want.get(c))
                  for c in sorted(set(got) | set(want)) if got.get(c) != want.get(c)))
    res = [l for l in lines if l[0] == "resources"]
    tap(res and res[0][1] == "0", "browser: the page loaded no resource (self-contained)",
        res)
    marks = [l for l in lines if l[0] == "marks"]
    tap(marks and int(marks[0][1]) > 0, "browser: coded segments highlighted in the documents",
        marks)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
