"""check.py CORPUS.xml OUTDIR METADATA.csv [--words] [--unwrapped ID=N ...]

TAP lines (numbered from $TAP_START) about a teiCorpus that `sectag export
teicorpus` wrote from OUTDIR:

 - one teiCorpus; the codebook taxonomy once, in the corpus header, equal
   to the one of OUTDIR/tei/*.xml; no document header repeats it;
 - one TEI per row of documents.csv, in its order;
 - xml:ids unique in the whole file; every pointer (ana, target, from, to,
   who, scheme, catRef/@target) names an xml:id of the file;
 - each document's body text equals the body text of its TEI file;
 - metadata.csv: first column `id`, one row per TEI, its id the TEI's
   xml:id, then documents.csv's columns and values;
 - with --words: <w> only holds text, one token (no white space), has a
   norm, never nests; inside a <seg ana> it carries the seg's codes; the
   number of <w> of a document is its word count (documents.csv
   tokens_all) less the tokens left unwrapped (--unwrapped ID=N).
"""
import csv
import os
import re
import sys
import xml.etree.ElementTree as ET

TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
POINTERS = ("ana", "target", "from", "to", "who", "scheme", "corresp")

n = int(os.environ.get("TAP_START", "0"))


def tap(ok, name, detail=""):
    global n
    n += 1
    print(("ok" if ok else "not ok") + f" {n} - {name}")
    if not ok and detail:
        for line in str(detail).splitlines()[:15]:
            print("#   " + line)


args = sys.argv[1:]
corpus_path, outdir, meta_path = args[0], args[1], args[2]
words = "--words" in args
unwrapped = {}
for i, a in enumerate(args):
    if a == "--unwrapped":
        k, v = args[i + 1].split("=")
        unwrapped[k] = int(v)
label = os.path.relpath(corpus_path, os.path.dirname(os.path.abspath(outdir)))

root = ET.parse(corpus_path).getroot()
tap(root.tag == TEI + "teiCorpus", f"{label}: the root is teiCorpus")
header = root.find(TEI + "teiHeader")
teis = root.findall(TEI + "TEI")

docs = list(csv.DictReader(open(os.path.join(outdir, "documents.csv"), encoding="utf-8", newline="")))
tap(len(teis) == len(docs), f"{label}: {len(teis)} TEI elements for {len(docs)} documents", f"{len(teis)} != {len(docs)}")


def codebook_taxonomies(h):
    cd = h.find(f"{TEI}encodingDesc/{TEI}classDecl") if h is not None else None
    return [t for t in (cd if cd is not None else []) if t.tag == TEI + "taxonomy" and t.get(XML_ID) != "sectag-groups"]


all_tax = [t for t in root.iter(TEI + "taxonomy") if t.get(XML_ID) != "sectag-groups"]
tap(len(all_tax) == 1 and len(codebook_taxonomies(header)) == 1,
    f"{label}: the codebook taxonomy appears exactly once, in the corpus header", len(all_tax))
src0 = ET.parse(os.path.join(outdir, "tei", docs[0]["doc_id"] + ".xml")).getroot()
want = codebook_taxonomies(src0.find(TEI + "teiHeader"))
tap(len(want) == 1 and all_tax and ET.tostring(all_tax[0]) == ET.tostring(want[0]),
    f"{label}: it is the taxonomy of the TEI files")
tap(all(t.find(f"{TEI}teiHeader/{TEI}encodingDesc") is None for t in teis),
    f"{label}: no document header repeats the taxonomy (no encodingDesc)")

ids = [e.get(XML_ID) for e in root.iter() if e.get(XML_ID) is not None]
dups = sorted({i for i in ids if ids.count(i) > 1}) if len(ids) != len(set(ids)) else []
tap(not dups, f"{label}: {len(ids)} xml:ids, all unique", dups[:10])
idset = set(ids)
bad = []
npointers = 0
for e in root.iter():
    for a in POINTERS:
        v = e.get(a)
        if v is None:
            continue
        for p in v.split():
            npointers += 1
            if not p.startswith("#") or p[1:] not in idset:
                bad.append(f"{e.tag.replace(TEI, '')}/@{a}={p}")
tap(not bad and npointers > 0, f"{label}: all {npointers} pointers resolve to an xml:id", bad[:10])


def body_text(t):
    b = t.find(f"{TEI}text/{TEI}body")
    return "".join(b.itertext()) if b is not None else None


diff = []
for t, d in zip(teis, docs):
    src = ET.parse(os.path.join(outdir, "tei", d["doc_id"] + ".xml")).getroot()
    if body_text(t) != body_text(src):
        diff.append(d["doc_id"])
tap(not diff, f"{label}: each body's text is its TEI file's body text", diff)

rows = list(csv.reader(open(meta_path, encoding="utf-8", newline="")))
tap(rows and rows[0][0] == "id", f"{label}: metadata.csv's first column is id", rows[0] if rows else "empty")
tap(len(rows) - 1 == len(teis) and [r[0] for r in rows[1:]] == [t.get(XML_ID) for t in teis],
    f"{label}: metadata.csv has one row per TEI, with its xml:id",
    [(r[0], t.get(XML_ID)) for r, t in zip(rows[1:], teis)])
cols = list(docs[0].keys())
tap(rows[0][1:] == cols and all(r[1:] == [d[c] for c in cols] for r, d in zip(rows[1:], docs)),
    f"{label}: then the columns and values of documents.csv")

if words:
    problems = []
    nested = 0
    total = 0
    for t, d in zip(teis, docs):
        count = 0
        for w in t.iter(TEI + "w"):
            count += 1
            txt = "".join(w.itertext())
            if len(list(w)) or not txt or re.search(r"\s", txt) or not w.get("norm"):
                problems.append(f"{d['doc_id']}: <w> {ET.tostring(w, encoding='unicode')[:80]}")
            if w.find(f".//{TEI}w") is not None:
                nested += 1
        total += count
        want_n = int(d["tokens_all"]) - unwrapped.get(d["doc_id"], 0)
        if count != want_n:
            problems.append(f"{d['doc_id']}: {count} <w>, {want_n} word tokens")
        # words inside a coded seg carry its codes
        parents = {c: p for p in t.iter() for c in p}
        for w in t.iter(TEI + "w"):
            codes = set((w.get("ana") or "").split())
            p = parents.get(w)
            while p is not None:
                if p.tag == TEI + "seg" and p.get("ana"):
                    if not set(p.get("ana").split()) <= codes:
                        problems.append(f"{d['doc_id']}: <w>{w.text}</w> lacks {p.get('ana')}")
                p = parents.get(p)
    tap(not problems and not nested,
        f"{label}: {total} <w>: one token each, with a norm, one per word token; coded words carry their seg's codes",
        problems[:10])
else:
    tap(next(root.iter(TEI + "w"), None) is None, f"{label}: no <w> without --words")
