#!/usr/bin/env python3
"""Runs the shell examples of a document as tests (TAP, numbered from
$TAP_START). Usage: doc_blocks.py DOC WORKDIR BINDIR

A ```yaml block whose first line is "# FILE" is written to WORKDIR/FILE.
Every ```sh block runs in order, in WORKDIR, with BINDIR first on PATH;
when a ```text block follows (blank lines between are allowed), the
command's output (stdout and stderr) must be that block. With
SECTAG_UPDATE_EXPECTED=1 the text blocks are rewritten instead."""
import os, re, subprocess, sys
doc, work, bindir = sys.argv[1:4]
name = "docs/" + os.path.basename(doc)
n = int(os.environ["TAP_START"])
update = os.environ.get("SECTAG_UPDATE_EXPECTED") == "1"
lines = open(doc, encoding="utf-8").read().split("\n")
blocks = []  # (kind, first line index, last line index exclusive, text)
i = 0
while i < len(lines):
    m = re.match(r"^```(\w+)\s*$", lines[i])
    if m:
        j = i + 1
        while j < len(lines) and lines[j] != "```":
            j += 1
        blocks.append((m.group(1), i + 1, j, "\n".join(lines[i + 1:j])))
        i = j + 1
    else:
        i += 1
env = dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"])
edits = []
for k, (kind, a, b, text) in enumerate(blocks):
    if kind == "yaml":  # a block whose first line is "# FILE" is written to FILE
        m = re.match(r"^# (\S+)$", text.split("\n")[0])
        if m:
            open(os.path.join(work, m.group(1)), "w", encoding="utf-8").write(text + "\n")
        continue
    if kind != "sh":
        continue
    nxt = blocks[k + 1] if k + 1 < len(blocks) else None
    expect = None
    if nxt and nxt[0] == "text" and all(l.strip() == "" for l in lines[b + 1:nxt[1] - 1]):
        expect = nxt
    r = subprocess.run(["bash", "-c", text], cwd=work, env=env, capture_output=True)
    out = (r.stdout + r.stderr).decode("utf-8").rstrip("\n")
    first = text.split("\n")[0]
    n += 1
    if expect is None:
        good = r.returncode == 0
        print(("ok" if good else "not ok") + f" {n} - {name} line {a}: {first}")
        if not good:
            for l in out.split("\n")[:10]:
                print("#   " + l)
        continue
    if update:
        edits.append((expect[1], expect[2], out))
    good = out == expect[3]
    print(("ok" if good else "not ok") + f" {n} - {name} line {a}: output of {first}")
    if not good:
        import difflib
        for l in list(difflib.unified_diff(expect[3].split("\n"), out.split("\n"), lineterm=""))[:20]:
            print("#   " + l)
if update and edits:
    for a, b, out in reversed(edits):
        lines[a:b] = out.split("\n") if out else []
    open(doc, "w", encoding="utf-8").write("\n".join(lines))
