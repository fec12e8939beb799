#!/usr/bin/env python3
"""Reads a .qdpx back (stdlib only) and checks it against the OUTDIR it was
exported from. Prints TAP lines numbered from $TAP_START + 1.

Usage: check_qdpx.py PROJECT.qdpx OUTDIR LABEL

Checks:
 - the archive: project.qde first, the texts as sources/GUID.txt (lowercase
   folder), nothing else; project.qde UTF-8 without a BOM, starting <?xml;
 - every TextSource: plainTextPath internal://GUID.txt naming an entry, no
   richTextPath anywhere; texts UTF-8, no BOM, no CR;
 - GUIDs: uuid5(sectag's namespace, "source:DOC_ID" / "code:ID" /
   "selection:DOC_ID:N" / "coding:DOC_ID:N"), all distinct;
 - round trip: the sources are documents.csv's documents in order; for each
   document, its selections are matches.csv's rows in order, as many, each
   one's text (cut from the source by code point, 0-based, end exclusive)
   equal to the row's text with CRLF and CR as LF, its code the row's code;
 - codes: colour by polarity (the TEI taxonomy), nesting by dotted id;
 - cases: each row's speaker is the case that holds its selection (or its
   whole document), and no other case holds it;
 - sets: a document is a member of its group's set only;
 - variables: each document's values are its documents.csv cells.
"""
import csv
import os
import sys
import uuid
import zipfile
import xml.etree.ElementTree as ET

NS = uuid.UUID("cd0863c0-ed33-5302-9c56-e17da1f12810")
Q = "{urn:QDA-XML:project:1.0}"
COLORS = {"securitizing": "#D55E00", "desecuritizing": "#0072B2", "neutral": "#999999"}

qdpx, outdir, label = sys.argv[1], sys.argv[2], sys.argv[3]
n = int(os.environ.get("TAP_START", "0"))


def tap(name, problems):
    global n
    n += 1
    if problems:
        print(f"not ok {n} - {label}: {name}")
        for p in problems[:15]:
            print(f"#   {p}")
    else:
        print(f"ok {n} - {label}: {name}")


def guid(name):
    return str(uuid.uuid5(NS, name))


def table(name):
    with open(os.path.join(outdir, name), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


docs = table("documents.csv")
matches = table("matches.csv")
# each code's polarity: the taxonomy of the first TEI file (<category
# xml:id="ID" n="POLARITY">)
TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
polarity = {}
for d in docs:
    try:
        tei = ET.parse(os.path.join(outdir, "tei", d["doc_id"] + ".xml"))
    except (OSError, ET.ParseError):
        continue
    for cat in tei.iter(TEI + "category"):
        if cat.get("n"):
            polarity[cat.get(XML_ID)] = cat.get("n")
    break

z = zipfile.ZipFile(qdpx)
names = z.namelist()
qde = z.read("project.qde")
root = ET.fromstring(qde)

# ---- the archive
p = []
if names[0] != "project.qde":
    p.append(f"first entry is {names[0]}")
for nm in names[1:]:
    if not (nm.startswith("sources/") and nm.endswith(".txt")):
        p.append(f"unexpected entry {nm}")
if qde.startswith(b"\xef\xbb\xbf") or not qde.startswith(b"<?xml"):
    p.append("project.qde does not start with <?xml (a BOM?)")
if len(set(names)) != len(names):
    p.append("duplicate entries")
tap("archive holds project.qde first, then sources/*.txt only; no BOM before <?xml", p)

# ---- what importers index without a default: QualCoder calls
# origin.upper() (no origin, no import), and keeps one code per name
p = []
if not root.get("origin"):
    p.append("the Project has no origin")
code_names = [c.get("name") for c in root.iter(f"{Q}Code")]
dups = sorted({n for n in code_names if code_names.count(n) > 1})
if dups:
    p.append(f"code names used twice: {dups}")
tap("the Project has an origin, and every code a name of its own", p)

sources = root.findall(f"{Q}Sources/{Q}TextSource")
texts = {}
p = []
if b"richTextPath" in qde:
    p.append("richTextPath is set")
for s in sources:
    path = s.get("plainTextPath", "")
    if path != f"internal://{s.get('guid')}.txt":
        p.append(f"{s.get('name')}: plainTextPath {path!r}")
        continue
    entry = "sources/" + path[len("internal://"):]
    if entry not in names:
        p.append(f"{entry} is not in the archive")
        continue
    raw = z.read(entry)
    if raw.startswith(b"\xef\xbb\xbf"):
        p.append(f"{entry} starts with a BOM")
    if b"\r" in raw:
        p.append(f"{entry} holds a CR")
    try:
        texts[s.get("guid")] = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        p.append(f"{entry}: {e}")
if len(names) != len(sources) + 1:
    p.append(f"{len(names) - 1} texts for {len(sources)} sources")
tap("every TextSource has internal://GUID.txt in sources/: UTF-8, no BOM, LF only; no richTextPath", p)

# ---- GUIDs
p = []
all_guids = [e.get("guid") for e in root.iter() if e.get("guid")]
if len(all_guids) != len(set(all_guids)):
    p.append("GUIDs are not distinct")
codes = {}  # guid -> (id, element, parent id)


def walk(el, parent):
    for c in el.findall(f"{Q}Code"):
        desc = c.findtext(f"{Q}Description") or ""
        cid = desc.rsplit("sectag code: ", 1)[-1].split(";")[0] if "sectag code: " in desc else None
        codes[c.get("guid")] = (cid, c, parent)
        walk(c, cid)


walk(root.find(f"{Q}CodeBook/{Q}Codes"), None)
for g, (cid, c, parent) in codes.items():
    if cid is None or g != guid("code:" + cid):
        p.append(f"code {c.get('name')}: guid {g} is not uuid5('code:{cid}')")
user = root.find(f"{Q}Users/{Q}User")
if user is None or user.get("guid") != guid("user:sectag"):
    p.append("the user's GUID")
tap("GUIDs are distinct and derived (uuid5) from the code ids and the user", p)

p = []
for g, (cid, c, parent) in codes.items():
    if cid not in polarity:
        p.append(f"{cid}: not in the TEI taxonomy")
    want = COLORS.get(polarity.get(cid))
    if c.get("color") != want:
        p.append(f"{cid}: colour {c.get('color')}, polarity {polarity.get(cid)} wants {want}")
    if c.get("isCodable") != "true":
        p.append(f"{cid}: not codable")
    exp_parent = cid.rsplit(".", 1)[0] if cid and "." in cid else None
    while exp_parent and guid("code:" + exp_parent) not in codes:
        exp_parent = exp_parent.rsplit(".", 1)[0] if "." in exp_parent else None
    if parent != exp_parent:
        p.append(f"{cid}: nested under {parent}, expected {exp_parent}")
missing = sorted(set(r["code"] for r in matches) - set(c[0] for c in codes.values()))
if missing:
    p.append(f"codes of matches.csv missing: {missing}")
tap("codes: nested by id, colour by polarity (the TEI taxonomy), every matched code present", p)

# ---- round trip
p = []
by_doc = {}
for r in matches:
    by_doc.setdefault(r["doc_id"], []).append(r)
src_names = [s.get("name") for s in sources]
if src_names != [d["doc_id"] for d in docs]:
    p.append(f"sources {src_names} != documents.csv {[d['doc_id'] for d in docs]}")
nsel = 0
sel_doc = {}  # selection guid -> (doc_id, row)
for s in sources:
    doc_id = s.get("name")
    if s.get("guid") != guid("source:" + doc_id):
        p.append(f"{doc_id}: source guid")
    text = texts.get(s.get("guid"), "")
    sels = s.findall(f"{Q}PlainTextSelection")
    rows = by_doc.get(doc_id, [])
    nsel += len(sels)
    if len(sels) != len(rows):
        p.append(f"{doc_id}: {len(sels)} selections, {len(rows)} rows of matches.csv")
    for k, (sel, r) in enumerate(zip(sels, rows)):
        a, b = int(sel.get("startPosition")), int(sel.get("endPosition"))
        got = text[a:b]
        want = r["text"].replace("\r\n", "\n").replace("\r", "\n")
        if got != want:
            p.append(f"{doc_id} #{k}: [{a},{b}) is {got!r}, matches.csv says {want!r}")
        if sel.get("guid") != guid(f"selection:{doc_id}:{k}"):
            p.append(f"{doc_id} #{k}: selection guid")
        codings = sel.findall(f"{Q}Coding")
        if len(codings) != 1:
            p.append(f"{doc_id} #{k}: {len(codings)} codings")
            continue
        if codings[0].get("guid") != guid(f"coding:{doc_id}:{k}"):
            p.append(f"{doc_id} #{k}: coding guid")
        ref = codings[0].find(f"{Q}CodeRef").get("targetGUID")
        if ref != guid("code:" + r["code"]):
            p.append(f"{doc_id} #{k}: coded {codes.get(ref, ('?',))[0]}, matches.csv says {r['code']}")
        if sel.findtext(f"{Q}Description") != "sectag rule: " + r["rule"]:
            p.append(f"{doc_id} #{k}: description {sel.findtext(f'{Q}Description')!r}")
        sel_doc[sel.get("guid")] = (doc_id, r)
if nsel != len(matches):
    p.append(f"{nsel} selections, {len(matches)} rows of matches.csv")
tap(f"round trip: {nsel} selections = {len(matches)} rows of matches.csv; each one's code-point "
    "range of its text is the row's text; same code, same order", p)

# ---- cases
p = []
src_of = {s.get("guid"): s.get("name") for s in sources}
holders = {}  # selection guid -> [case names]
whole = {}  # doc_id -> [case names]
for c in root.findall(f"{Q}Cases/{Q}Case"):
    if c.get("guid") != guid("case:" + c.get("name")):
        p.append(f"case {c.get('name')}: guid")
    for r in c.findall(f"{Q}SelectionRef"):
        holders.setdefault(r.get("targetGUID"), []).append(c.get("name"))
    for r in c.findall(f"{Q}SourceRef"):
        whole.setdefault(src_of.get(r.get("targetGUID")), []).append(c.get("name"))
for g, (doc_id, r) in sel_doc.items():
    got = holders.get(g, []) + whole.get(doc_id, [])
    want = [r["speaker"]] if r["speaker"] else []
    if got != want:
        p.append(f"{doc_id} {r['start']}-{r['end']}: held by cases {got}, matches.csv speaker {want}")
tap("cases: each coded selection belongs to its matches.csv speaker's case (or its document does), and only to it", p)

# ---- sets and variables
p = []
members = {}
for st in root.findall(f"{Q}Sets/{Q}Set"):
    if st.get("guid") != guid("set:" + st.get("name")):
        p.append(f"set {st.get('name')}: guid")
    for m in st.findall(f"{Q}MemberSource"):
        members.setdefault(src_of.get(m.get("targetGUID")), []).append(st.get("name"))
for d in docs:
    want = [d["group"]] if d.get("group") else []
    if members.get(d["doc_id"], []) != want:
        p.append(f"{d['doc_id']}: in sets {members.get(d['doc_id'], [])}, group {want}")
tap("sets: each document is a member of its group's set only", p)

p = []
variables = {v.get("guid"): v.get("name") for v in root.findall(f"{Q}Variables/{Q}Variable")}
cols = list(docs[0].keys()) if docs else []
meta = cols[cols.index("speaker") + 1:cols.index("path")] if "path" in cols else []
for name in ["date", "group", "speaker"] + meta:
    has = any(d.get(name) for d in docs)
    if has != (name in variables.values()):
        p.append(f"variable {name}: present {name in variables.values()}, documents.csv has values {has}")
for s, d in zip(sources, docs):
    got = {}
    for vv in s.findall(f"{Q}VariableValue"):
        name = variables.get(vv.find(f"{Q}VariableRef").get("targetGUID"))
        val = [e.text or "" for e in vv if e.tag != f"{Q}VariableRef"]
        got[name] = val[0] if val else None
    want = {k: d[k] for k in ["date", "group", "speaker"] + meta if d.get(k)}
    if got != want:
        p.append(f"{d['doc_id']}: variable values {got}, documents.csv {want}")
tap("variables: date, group, speaker and the metadata columns, each document's values its documents.csv cells", p)
