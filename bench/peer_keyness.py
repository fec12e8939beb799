#!/usr/bin/env python3
"""The peer of `sectag compare --target`: what a researcher writes without
sectag to get a keyness table from raw texts (as quanteda's dfm plus
textstat_keyness would): lower-case word counts per group with a regex
tokenizer, then the 4-term G2 of each word, sorted by signed G2.

Usage: peer_keyness.py CORPUS_DIR TARGET_PARTY > keyness.csv
File names are YEAR_PRESIDENT_PARTY.txt (the State of the Union cache)."""
import collections, math, os, re, sys

corpus, target = sys.argv[1], sys.argv[2]
word = re.compile(r"\w+(?:['’-]\w+)*")
counts = {True: collections.Counter(), False: collections.Counter()}
for name in sorted(os.listdir(corpus)):
    if not name.endswith(".txt"):
        continue
    party = name[:-4].rsplit("_", 1)[1]
    with open(os.path.join(corpus, name), encoding="utf-8") as f:
        counts[party == target].update(w.lower() for w in word.findall(f.read()))
nt, nr = sum(counts[True].values()), sum(counts[False].values())
n = nt + nr
rows = []
for w in set(counts[True]) | set(counts[False]):
    a, b = counts[True][w], counts[False][w]
    c, d = nt - a, nr - b
    g2 = 0.0
    for o, e in ((a, nt * (a + b) / n), (b, nr * (a + b) / n), (c, nt * (c + d) / n), (d, nr * (c + d) / n)):
        if o > 0:
            g2 += o * math.log(o / e)
    g2 *= 2
    if a / nt < b / nr:
        g2 = -g2
    rows.append((-g2, w, a, b))
rows.sort()
out = sys.stdout
out.write("feature,f_target,f_reference,G2\n")
for g, w, a, b in rows:
    out.write(f"{w},{a},{b},{-g:.4f}\n")
