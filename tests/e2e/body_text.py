#!/usr/bin/env python3
"""Checks the TEI invariant: the text content of <body> equals the original
text, apart from white space (and characters XML forbids, shown as U+FFFD).
Usage: body_text.py TEI_FILE... ; each file's <idno type="path"> in
sourceDesc names its source. Prints one TAP line per file (numbered from
$TAP_START) and exits 1 if any differ."""
import os, re, sys
import xml.etree.ElementTree as ET

NS = {"tei": "http://www.tei-c.org/ns/1.0"}
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

def squash(s):
    return re.sub(r"\s+", "", s)

n = int(os.environ.get("TAP_START", "0"))
bad = 0
for f in sys.argv[1:]:
    n += 1
    root = ET.parse(f).getroot()
    path = root.find("tei:teiHeader/tei:fileDesc/tei:sourceDesc/tei:bibl/tei:idno[@type='path']", NS).text
    body = "".join(root.find("tei:text/tei:body", NS).itertext())
    with open(path, encoding="utf-8") as fh:
        orig = fh.read().lstrip("\ufeff")
    orig = FORBIDDEN.sub("\ufffd", orig)
    # Python's str.split white space includes the separators sectag treats
    # as white space; \u200b and \ufeff are format characters, kept in both
    if squash(body) == squash(orig):
        print(f"ok {n} - body text equals the source: {os.path.basename(f)}")
    else:
        bad += 1
        print(f"not ok {n} - body text equals the source: {os.path.basename(f)}")
        a, b = squash(body), squash(orig)
        i = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
        print(f"#   first difference at {i}: TEI {a[i:i+40]!r} vs source {b[i:i+40]!r}")
sys.exit(1 if bad else 0)
