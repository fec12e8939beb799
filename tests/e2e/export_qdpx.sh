#!/usr/bin/env bash
# End-to-end tests of sectag export qdpx and sectag export qdc (TAP).
# Usage: export_qdpx.sh SECTAG ROOT
#
# Codes the Spanish and English samples and the fixture corpus of
# tests/e2e/qdpx/corpus (a BOM, CRLF and CR-only line ends, accents, emoji
# and other non-BMP characters before and inside matches, speaker turns,
# a match across a line break, manifest metadata), exports each, then:
#  - validates project.qde and the .qdc files against the REFI-QDA XSDs;
#  - reads each .qdpx back (tests/e2e/qdpx/check_qdpx.py, stdlib only): the
#    archive's layout, texts without BOM or CR, internal:// paths, derived
#    GUIDs, colours, and the round trip: every selection's text, cut from
#    its source by code point, is its matches.csv row's text, in order, as
#    many selections as rows; cases, sets and variables against the tables;
#  - the fixture's project.qde, texts and .qdc against
#    tests/e2e/qdpx/expected/ (byte for byte);
#  - that output is the same bytes twice and in any time zone;
#  - that the .qdc has the project's GUIDs, names and colours;
#  - every error path with its exit status and message, and that no
#    partial file and no temporary file is left.
# SECTAG_UPDATE_EXPECTED=1 rewrites the expected files (then review the diff!).
set -u
SECTAG=$1
ROOT=$2
FAILWRITE=$(dirname "$1")/tests/failwrite.so
source "$(dirname "$0")/lib.sh"

Q="$HERE/qdpx"
XSD_P="$ROOT/../shared/schemas/refi-qda-project-1.0.xsd"
XSD_C="$ROOT/../shared/schemas/refi-qda-codebook-1.0.xsd"
errors() { sed -E "s|$TMP|TMP|g" "$TMP/stderr"; }
# member QDPX NAME: an entry of the archive to standard output
member() { python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' "$1" "$2"; }
# valid XSD FILE LABEL
valid() {
  if xmllint --noout --schema "$1" "$2" >"$TMP/xsd.log" 2>&1; then ok "$3 is valid against $(basename "$1")"; else
    not_ok "$3 is valid against $(basename "$1")"; head -10 "$TMP/xsd.log" | sed 's/^/#   /'
  fi
}

# ------------------------------------------------- OUTDIRs to export
run code -q -c $ES -o "$TMP/es" --speakers corpora/speakers/es-conferencias.tsv --periods $MX corpora/sample/es
eq "sectag code on the Spanish sample" "$status:$(errors)" "0:"
run code -q -c $EN -o "$TMP/en" --speakers corpora/speakers/en-briefings.tsv --periods $US corpora/sample/en
eq "sectag code on the English sample" "$status:$(errors)" "0:"
run code -q -c tests/e2e/qdpx/codebook.yaml -o "$TMP/fx" --speakers tests/e2e/qdpx/speakers.tsv \
  --group-field administration --manifest tests/e2e/qdpx/corpus/manifest.csv
eq "sectag code on the fixture corpus" "$status:$(errors)" "0:"

# ------------------------------------------------- export, validate, read back
for c in es en fx; do
  run export qdpx "$TMP/$c" -o "$TMP/qdpx/$c.qdpx"
  ndocs=$(($(python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], encoding="utf-8", newline=""))))' "$TMP/$c/documents.csv") - 1))
  eq "export qdpx $c: exit 0, a summary (folder of -o created)" \
    "$status:$(errors | sed -E 's/, [0-9]+ coded selections.*//')" \
    "0:sectag export qdpx: wrote TMP/qdpx/$c.qdpx: $ndocs documents (0 left out)"
  member "$TMP/qdpx/$c.qdpx" project.qde >"$TMP/qdpx/$c.qde"
  valid "$XSD_P" "$TMP/qdpx/$c.qde" "$c: project.qde"
  tap_py "$Q/check_qdpx.py" "$TMP/qdpx/$c.qdpx" "$TMP/$c" "$c"
done
check "no temporary file left next to the projects" no_temp_files "$TMP/qdpx"
eq "the fixture has what the round trip needs: a BOM, CRLF, a lone CR, emoji in a match, a match across a line break" \
  "$(head -c 3 tests/e2e/qdpx/corpus/crlf-bom.txt | od -An -tx1 | tr -d ' '):$(grep -c $'\r$' tests/e2e/qdpx/corpus/crlf-bom.txt):$(tr -cd '\r' <tests/e2e/qdpx/corpus/cr-only.txt | wc -c):$(python3 -c 'import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")))
print("%d:%d" % (sum(any(ord(c) > 0xFFFF for c in r["text"]) for r in rows), sum("\r\n" in r["text"] for r in rows)))' "$TMP/fx/matches.csv")" \
  "efbbbf:8:4:2:1"

# The checker is not blind: a selection moved by one code point fails it.
python3 - "$TMP/qdpx/fx.qdpx" "$TMP/moved.qdpx" <<'EOF'
import re, sys, zipfile
src, dst = zipfile.ZipFile(sys.argv[1]), zipfile.ZipFile(sys.argv[2], "w")
for i in src.infolist():
    data = src.read(i.filename)
    if i.filename == "project.qde":
        data = re.sub(rb'startPosition="(\d+)"', lambda m: b'startPosition="%d"' % (int(m.group(1)) + 1), data, count=3)
    dst.writestr(i, data)
dst.close()
EOF
eq "the round-trip check fails on a selection moved by one code point" \
  "$(python3 "$Q/check_qdpx.py" "$TMP/moved.qdpx" "$TMP/fx" moved | grep -c '^not ok.*round trip')" "1"

# ------------------------------------------------- expected output (fixture)
G="$TMP/got-fx"
mkdir -p "$G/sources"
cp "$TMP/qdpx/fx.qde" "$G/project.qde"
python3 - "$TMP/qdpx/fx.qdpx" "$G/sources" <<'EOF'
import os, sys, xml.etree.ElementTree as ET, zipfile
z = zipfile.ZipFile(sys.argv[1])
q = "{urn:QDA-XML:project:1.0}"
for s in ET.fromstring(z.read("project.qde")).iter(q + "TextSource"):
    entry = "sources/" + s.get("plainTextPath")[len("internal://"):]
    with open(os.path.join(sys.argv[2], s.get("name") + ".txt"), "wb") as f:
        f.write(z.read(entry))
EOF
run export qdc tests/e2e/qdpx/codebook.yaml -o "$G/codebook.qdc"
eq "export qdc of the fixture codebook: exit 0, a summary" "$status:$(errors)" \
  "0:sectag export qdc: wrote TMP/got-fx/codebook.qdc: 7 codes"
compare_dir "fixture" "$G" "$Q/expected/fixture"
eq "the crlf-bom text: the BOM dropped, CRLF as LF, nothing else changed" \
  "$(cmp "$G/sources/crlf-bom.txt" <(tail -c +4 tests/e2e/qdpx/corpus/crlf-bom.txt | sed 's/\r$//') && echo same)" "same"
eq "the cr-only text: CR as LF, nothing else changed" \
  "$(cmp "$G/sources/cr-only.txt" <(tr '\r' '\n' <tests/e2e/qdpx/corpus/cr-only.txt) && echo same)" "same"

# ------------------------------------------------- the same bytes
run export qdpx "$TMP/es" -o "$TMP/again/es.qdpx" -q
eq "export qdpx -q: exit 0, nothing printed" "$status:$(errors)" "0:"
check "the same OUTDIR exported twice: byte-identical .qdpx" cmp "$TMP/qdpx/es.qdpx" "$TMP/again/es.qdpx"
TZ=UTC0 "$SECTAG" export qdpx "$TMP/fx" -o "$TMP/tz/utc.qdpx" -q
TZ=KIR-14 "$SECTAG" export qdpx "$TMP/fx" -o "$TMP/tz/kiri.qdpx" -q
TZ=CST6CDT,M4.1.0,M10.5.0 "$SECTAG" export qdpx "$TMP/fx" -o "$TMP/tz/mx.qdpx" -q
check "the same bytes in any time zone (POSIX TZ: UTC, UTC+14, UTC-6 with summer time)" \
  bash -c "cmp '$TMP/tz/utc.qdpx' '$TMP/tz/kiri.qdpx' && cmp '$TMP/tz/utc.qdpx' '$TMP/tz/mx.qdpx' && cmp '$TMP/tz/utc.qdpx' '$TMP/qdpx/fx.qdpx'"
eq "ZIP entries: fixed time 2000-01-01 12:00, no extra fields" \
  "$(python3 -c 'import sys, zipfile
print(sorted(set((i.date_time, i.extra) for i in zipfile.ZipFile(sys.argv[1]).infolist())))' "$TMP/qdpx/es.qdpx")" \
  "[((2000, 1, 1, 12, 0, 0), b'')]"
run export qdpx "$TMP/es" -o "$TMP/named.qdpx" --name 'Mañaneras & co'
eq "--name names the project" "$status:$(member "$TMP/named.qdpx" project.qde | grep -o '<Project [^>]*name="[^"]*"' | grep -o 'name=.*')" \
  '0:name="Mañaneras &amp; co"'

# ------------------------------------------------- the codebook (.qdc)
for c in es en; do
  cb=$ES; [ $c = en ] && cb=$EN
  run export qdc "$cb" -o "$TMP/qdc/$c.qdc" -q
  eq "export qdc $c: exit 0" "$status:$(errors)" "0:"
  valid "$XSD_C" "$TMP/qdc/$c.qdc" "$c: the .qdc"
  eq "$c: the .qdc's codes are the project's: same GUIDs, names, colours, descriptions and nesting" \
    "$(python3 - "$TMP/qdc/$c.qdc" "$TMP/qdpx/$c.qde" <<'EOF'
import sys, xml.etree.ElementTree as ET
def tree(path, ns):
    out = []
    def walk(el, depth):
        for c in el.findall(ns + "Code"):
            out.append((depth, c.get("guid"), c.get("name"), c.get("color"), c.get("isCodable"), c.findtext(ns + "Description")))
            walk(c, depth + 1)
    walk(ET.parse(path).getroot().find(".//" + ns + "Codes"), 0)
    return out
a = tree(sys.argv[1], "{urn:QDA-XML:codebook:1.0}")
b = tree(sys.argv[2], "{urn:QDA-XML:project:1.0}")
print("same" if a == b and a else "differ:\n%s\n%s" % (a[:3], b[:3]))
EOF
)" "same"
done
check "the .qdc starts with <?xml, no BOM" bash -c "head -c 5 '$TMP/qdc/es.qdc' | grep -qx '<?xml'"

# two codes with one label: QualCoder keeps one code per name (and drops
# the other's codings), so a shared label is named "LABEL (ID)"
mkdir -p "$TMP/dup/in"
printf '%s\n' 'sectag: 1' 'name: dup' 'codes:' '  sec:' '    label: Securitizing' \
  '    polarity: securitizing' '  sec.other:' '    label: Other' "    patterns: ['guerra']" \
  '  desec:' '    label: Desecuritizing' '    polarity: desecuritizing' '  desec.other:' \
  '    label: Other' "    patterns: ['paz']" >"$TMP/dup/codebook.yaml"
printf 'La guerra y la paz.\n' >"$TMP/dup/in/a.txt"
run code -q -c "$TMP/dup/codebook.yaml" -o "$TMP/dup/out" "$TMP/dup/in"
eq "shared labels: coded" "$status:$(errors)" "0:"
run export qdpx "$TMP/dup/out" -o "$TMP/dup/p.qdpx" -q
eq "shared labels: exit 0" "$status:$(errors)" "0:"
member "$TMP/dup/p.qdpx" project.qde >"$TMP/dup/p.qde"
eq "shared labels: both codes named LABEL (ID), the others by their label" \
  "$(grep -o '<Code [^>]*name="[^"]*"' "$TMP/dup/p.qde" | grep -o 'name=.*' | tr '\n' ' ')" \
  'name="Securitizing" name="Other (sec.other)" name="Desecuritizing" name="Other (desec.other)" '
valid "$XSD_P" "$TMP/dup/p.qde" "shared labels: the project"
tap_py "$Q/check_qdpx.py" "$TMP/dup/p.qdpx" "$TMP/dup/out" "shared labels"
run export qdc "$TMP/dup/codebook.yaml" -o "$TMP/dup/c.qdc" -q
eq "shared labels: the .qdc names them the same way" \
  "$(grep -o '<Code [^>]*name="[^"]*"' "$TMP/dup/c.qdc" | grep -o 'name=.*' | tr '\n' ' ')" \
  'name="Securitizing" name="Other (sec.other)" name="Desecuritizing" name="Other (desec.other)" '

# ------------------------------------------------- help and usage errors
run export qdpx --help
eq "export qdpx --help: exit 0, usage, examples, exit status" \
  "$status:$(grep -c '^Usage: sectag export qdpx\|^Examples:\|^Exit status:' "$TMP/stdout")" "0:3"
run export qdc -h
eq "export qdc -h: exit 0, usage, examples, exit status" \
  "$status:$(grep -c '^Usage: sectag export qdc\|^Examples:\|^Exit status:' "$TMP/stdout")" "0:3"
run export qdpx -o "$TMP/x.qdpx"
eq "no OUTDIR: exit 2" "$status:$(errors)" \
  "2:sectag export qdpx: missing OUTDIR, the folder sectag code wrote (-o OUTDIR)
Try 'sectag export qdpx --help'."
run export qdpx "$TMP/es"
eq "no -o: exit 2" "$status:$(errors | head -1)" \
  "2:sectag export qdpx: missing -o FILE, the project to write (e.g. -o project.qdpx)"
run export qdpx "$TMP/es" "$TMP/en" -o "$TMP/x.qdpx"
eq "two OUTDIRs: exit 2" "$status:$(errors | head -1)" \
  "2:sectag export qdpx: one OUTDIR only; 'TMP/en' is one too many"
run export qdpx --bogus "$TMP/es" -o "$TMP/x.qdpx"
eq "unknown option: exit 2" "$status:$(errors)" \
  "2:sectag export qdpx: unrecognized option '--bogus'
Try 'sectag export qdpx --help'."
run export qdc --name x "$ES" -o "$TMP/x.qdc"
eq "export qdc --name: exit 2" "$status:$(errors | head -1)" \
  "2:sectag export qdc: --name goes with sectag export qdpx"
run export qdc -o "$TMP/x.qdc"
eq "export qdc without CODEBOOK: exit 2" "$status:$(errors | head -1)" \
  "2:sectag export qdc: missing CODEBOOK, a codebook file (YAML)"
check "usage errors write nothing" bash -c "! ls '$TMP'/x.* 2>/dev/null | grep -q ."

# ------------------------------------------------- not an OUTDIR
run export qdpx "$TMP/nowhere" -o "$TMP/x.qdpx"
eq "missing OUTDIR: exit 2" "$status:$(errors)" \
  "2:sectag export qdpx: TMP/nowhere is not an OUTDIR of sectag code: the folder does not exist; run sectag code first"
"$SECTAG" code -q --no-tei -c $ES -o "$TMP/notei" corpora/sample/es
run export qdpx "$TMP/notei" -o "$TMP/x.qdpx"
eq "OUTDIR without tei/ (sectag code --no-tei): exit 2" "$status:$(errors)" \
  "2:sectag export qdpx: TMP/notei is not an OUTDIR of sectag code: the tei folder is missing (coded with --no-tei or --counts-only?); run sectag code first"
mkdir -p "$TMP/nodocs/tei"
run export qdpx "$TMP/nodocs" -o "$TMP/x.qdpx"
eq "OUTDIR without documents.csv: exit 2" "$status:$(errors)" \
  "2:sectag export qdpx: TMP/nodocs is not an OUTDIR of sectag code: documents.csv is missing; run sectag code first"
run export qdpx "$ES" -o "$TMP/x.qdpx"
eq "a file as OUTDIR: exit 2" "$status:$(errors)" \
  "2:sectag export qdpx: $ES is not an OUTDIR of sectag code: it is not a folder; run sectag code first"
check "nothing written for a bad OUTDIR" bash -c "! ls '$TMP'/x.* 2>/dev/null | grep -q ."

# ------------------------------------------------- a corrupt TEI file
cp -r "$TMP/es" "$TMP/broken"
head -c 2000 "$TMP/es/tei/entrevista-2022-06-10.xml" >"$TMP/broken/tei/entrevista-2022-06-10.xml"
run export qdpx "$TMP/broken" -o "$TMP/broken.qdpx"
eq "a corrupt TEI file: exit 1, the file and line named, the document left out, the others written" \
  "$status:$(errors | sed -E 's/, [0-9]+ coded selections.*//; s/not well-formed XML: .*; run/not well-formed XML: ...; run/; s/\.xml:[0-9]+:[0-9]+:/.xml:LINE:COL:/')" \
  "1:TMP/broken/tei/entrevista-2022-06-10.xml:LINE:COL: not well-formed XML: ...; run sectag code again to rewrite it; the document entrevista-2022-06-10 is left out of the project
sectag export qdpx: wrote TMP/broken.qdpx: 3 documents (1 left out)"
member "$TMP/broken.qdpx" project.qde >"$TMP/broken.qde"
valid "$XSD_P" "$TMP/broken.qde" "the project without the corrupt document"
eq "the project without the corrupt document holds the other three" \
  "$(grep -o '<TextSource [^>]*name="[^"]*"' "$TMP/broken.qde" | grep -o 'name=.*' | tr '\n' ' ')" \
  'name="conferencia-2008-01-22" name="mananera-2019-03-12" name="mensaje-2014-09-02" '
eq "... and their selections unchanged (same bytes as in the full project)" \
  "$(grep -c '<PlainTextSelection' "$TMP/broken.qde")" \
  "$(python3 -c 'import csv,sys; print(sum(1 for r in csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")) if r["doc_id"] != "entrevista-2022-06-10"))' "$TMP/es/matches.csv")"
printf '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader/></TEI>\n' >"$TMP/broken/tei/mensaje-2014-09-02.xml"
run export qdpx "$TMP/broken" -o "$TMP/broken2.qdpx" -q
eq "a TEI file without a body: exit 1, named" "$status:$(errors | grep -c 'mensaje-2014-09-02.xml: not a TEI file of sectag code')" "1:1"
for f in "$TMP"/broken/tei/*.xml; do printf 'garbage' >"$f"; done
cp "$TMP/qdpx/es.qdpx" "$TMP/keep.qdpx"
run export qdpx "$TMP/broken" -o "$TMP/keep.qdpx" -q
eq "no TEI file readable: exit 1, nothing written" "$status:$(errors | tail -1)" \
  "1:sectag export qdpx: no document of TMP/broken could be read, so no project was written; run sectag code again"
check "... and the existing project is left as it was" cmp "$TMP/keep.qdpx" "$TMP/qdpx/es.qdpx"
check "... and no temporary file is left" no_temp_files "$TMP"

# ------------------------------------------------- unwritable -o
run export qdpx "$TMP/es" -o "$TMP/qdpx"
eq "-o is a folder: exit 4" "$status:$(errors)" \
  "4:TMP/qdpx: is a folder; give -o a file name, such as TMP/qdpx/project.qdpx"
run export qdpx "$TMP/es" -o "$ES/x.qdpx"
eq "-o under a file: exit 4" "$status:$(errors)" \
  "4:$ES: cannot create output directory: a file of that name is in the way; choose another OUTDIR with -o"
run export qdc "$ES" -o "$TMP/qdc"
eq "export qdc, -o is a folder: exit 4" "$status:$(errors)" \
  "4:TMP/qdc: is a folder; give -o a file name, such as TMP/qdc/project.qdpx"
if [ "$(id -u)" != 0 ]; then
  mkdir -p "$TMP/ro" && chmod a-w "$TMP/ro"
  run export qdpx "$TMP/es" -o "$TMP/ro/p.qdpx"
  eq "-o in a read-only folder: exit 4, said why" "$status:$(errors | grep -c 'Permission denied')" "4:1"
  run export qdc "$ES" -o "$TMP/ro/c.qdc"
  eq "export qdc -o in a read-only folder: exit 4" "$status:$(errors | grep -c 'Permission denied')" "4:1"
  chmod u+w "$TMP/ro"
  check "... nothing left in the read-only folder" bash -c "[ -z \"\$(ls -A '$TMP/ro')\" ]"
else
  ok "# SKIP -o in a read-only folder: running as root"
  ok "# SKIP export qdc -o in a read-only folder: running as root"
  ok "# SKIP nothing left in the read-only folder: running as root"
fi
# A disk that fills up while the project is written (write(2) fails with
# ENOSPC): no partial project, no temporary file.
if [ -f "$FAILWRITE" ] && [ -z "${SECTAG_VALGRIND:-}" ] && [ "$TIME_SCALE" = 1 ]; then
  mkdir -p "$TMP/full"
  FAILWRITE_WRITE=1 LD_PRELOAD="$FAILWRITE" "$SECTAG" export qdpx "$TMP/es" -o "$TMP/full/p.qdpx" \
    >"$TMP/stdout" 2>"$TMP/stderr"; status=$?
  eq "a full disk: exit 4, said why" "$status:$(errors | grep -c 'No space left on device')" "4:1"
  check "... no partial project and no temporary file" bash -c "[ -z \"\$(ls -A '$TMP/full')\" ]"
  FAILWRITE_RENAME=1 LD_PRELOAD="$FAILWRITE" "$SECTAG" export qdc "$ES" -o "$TMP/full/c.qdc" \
    >"$TMP/stdout" 2>"$TMP/stderr"; status=$?
  eq "export qdc, rename fails: exit 4" "$status" "4"
  check "... no codebook and no temporary file" bash -c "[ -z \"\$(ls -A '$TMP/full')\" ]"
else
  for t in "a full disk" "no partial project" "export qdc, rename fails" "no codebook"; do
    ok "# SKIP $t: the failwrite shim is not built, or sectag runs under valgrind or sanitizers"
  done
fi

# ------------------------------------------------- codebook errors (qdc)
run export qdc "$TMP/none.yaml" -o "$TMP/x.qdc"
eq "export qdc, missing codebook: exit 3, named" "$status:$(errors | grep -c 'none.yaml')" "3:1"
printf 'sectag: 1\nname: bad\ncodes:\n  a:\n    label: A\n    patterns: ["(unclosed"]\n    bogus: 1\n' >"$TMP/bad.yaml"
run export qdc "$TMP/bad.yaml" -o "$TMP/x.qdc"
eq "export qdc, a codebook that does not load: exit 3, file:line:col" \
  "$status:$(errors | head -1 | grep -oE '^TMP/bad.yaml:[0-9]+:[0-9]+:')" "3:TMP/bad.yaml:7:5:"
check "nothing written for a bad codebook" bash -c "! ls '$TMP'/x.* 2>/dev/null | grep -q ."

echo "1..$n"
[ "$failed" -eq 0 ]
