#!/usr/bin/env python3
"""Checks invariants 1 and 2 on matches.csv: for every row, the bytes of the
source file at [start, end) are exactly the `text` column, and `line` is the
line on which `start` falls. Usage: match_text.py OUTDIR... (each with a
matches.csv and a documents.csv naming the sources). Prints one TAP line per
OUTDIR (numbered from $TAP_START) and exits 1 if any row differs."""
import csv, os, sys

n = int(os.environ.get("TAP_START", "0"))
bad = 0
for out in sys.argv[1:]:
    n += 1
    with open(os.path.join(out, "documents.csv"), encoding="utf-8", newline="") as f:
        paths = {r["doc_id"]: r["path"] for r in csv.DictReader(f)}
    cache, errors, rows = {}, [], 0
    with open(os.path.join(out, "matches.csv"), encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            rows += 1
            path = paths[r["doc_id"]]
            if path not in cache:
                cache[path] = open(path, "rb").read()
            b = cache[path]
            s, e = int(r["start"]), int(r["end"])
            got = b[s:e].decode("utf-8")
            line = b[:s].count(b"\n") + 1 + b[:s].replace(b"\r\n", b"").count(b"\r")
            if got != r["text"] or line != int(r["line"]):
                errors.append(f"{r['doc_id']} {s}-{e}: source {got!r} line {line}, "
                              f"matches.csv {r['text']!r} line {r['line']}")
    name = os.path.basename(out.rstrip("/"))
    if errors or rows == 0:
        bad += 1
        print(f"not ok {n} - matches.csv text and line are the source's ({name})")
        for e in errors[:5] or ["no rows"]:
            print(f"#   {e}")
    else:
        print(f"ok {n} - matches.csv text and line are the source's ({name}, {rows} rows)")
sys.exit(1 if bad else 0)
