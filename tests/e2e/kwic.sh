#!/usr/bin/env bash
# End-to-end tests of sectag kwic (TAP). Usage: kwic.sh SECTAG ROOT
#
# Codes the Spanish and English samples and the Markdown transcript of
# tests/e2e/intake/md, then checks:
#  - concordances against tests/e2e/expected/kwic-*/ (byte for byte): --code
#    (csv and text), a code with its sub-codes, --pattern with and without
#    accents and across a line break, each --sort, --window, --limit;
#  - that every --code line is a row of matches.csv (same document, speaker,
#    code, offsets, text and, at --window 8, context), that every row is a
#    line, that dates are documents.csv's, and that each keyword is the
#    source's bytes at [start, end);
#  - that each rebuilt text is its source file byte for byte (txt and md,
#    through SECTAG_KWIC_TEXT_DIR), BOM, CRLF and clashing speaker ids too;
#  - every error message with its exit status.
# SECTAG_UPDATE_EXPECTED=1 rewrites the expected files (then review the diff!).
set -u
SECTAG=$1
ROOT=$2
source "$(dirname "$0")/lib.sh"

errors() { sed -E "s|$TMP|TMP|g" "$TMP/stderr"; }

# ------------------------------------------------- OUTDIRs to read
run code -q -c $ES -o "$TMP/es" --speakers corpora/speakers/es-conferencias.tsv --periods $MX corpora/sample/es
eq "sectag code on the Spanish sample" "$status:$(errors)" "0:"
run code -q -c $EN -o "$TMP/en" --speakers corpora/speakers/en-briefings.tsv --periods $US corpora/sample/en
eq "sectag code on the English sample" "$status:$(errors)" "0:"
run code -q -c $ES -o "$TMP/md" --speakers tests/e2e/intake/speakers.tsv --periods $MX tests/e2e/intake/md
eq "sectag code on the Markdown transcript" "$status:$(errors)" "0:"

# kw DIR NAME ARGS...: sectag kwic ARGS > DIR/NAME; exit 0, nothing on stderr
kw() {
  local dir=$1 name=$2; shift 2
  mkdir -p "$dir"
  "$SECTAG" kwic "$@" >"$dir/$name" 2>"$TMP/stderr"; status=$?
  eq "kwic $* : exit 0, no messages" "$status:$(errors)" "0:"
}

# ------------------------------------------------- the Spanish sample
G="$TMP/got-es"
kw "$G" sec.war.csv "$TMP/es" --code sec.war --format csv
kw "$G" sec.war.txt "$TMP/es" --code sec.war --format text
kw "$G" sec.csv "$TMP/es" --code sec --format csv
kw "$G" sec-left.txt "$TMP/es" --code sec --sort left --format text
kw "$G" sec-right.txt "$TMP/es" --code sec --sort right --format text
kw "$G" sec-doc.txt "$TMP/es" --code sec --sort doc --format text
kw "$G" sec-window3.csv "$TMP/es" --code sec --window 3 --format csv
kw "$G" desec-limit.txt "$TMP/es" --code desec --sort left --limit 5 --format text
kw "$G" ejercito.csv "$TMP/es" --pattern 'ejercito' --format csv
kw "$G" ejercito-sensitive.csv "$TMP/es" --pattern 'ejército' --accents sensitive --format csv
kw "$G" guerra-right.txt "$TMP/es" --pattern 'guerra|paz' --sort right -w 4 --format text
compare_dir "kwic es" "$G" "$EXP/kwic-es"

eq "the default format off a terminal is csv, the default sort doc" \
  "$("$SECTAG" kwic "$TMP/es" --code sec)" "$(cat "$G/sec.csv")"
# csv fields may hold line breaks: count and cut with python
csvcut() { python3 -c 'import csv, sys
for r in list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))[1:]:
    print(",".join(r[int(i)] for i in sys.argv[2].split(",")).replace("\n", "\\n"))' "$@"; }
eq "a code takes its sub-codes: --code sec has the codes of every sec.* row of matches.csv" \
  "$(csvcut "$G/sec.csv" 3 | sort | uniq -c)" "$(csvcut "$TMP/es/matches.csv" 4 | grep '^sec\.' | sort | uniq -c)"
eq "--limit 5 prints the first 5 lines of the sorted concordance (columns as wide as these 5 need)" \
  "$(tr -s ' ' <"$G/desec-limit.txt")" "$("$SECTAG" kwic "$TMP/es" --code desec --sort left --format text | head -5 | tr -s ' ')"
eq "every line carries doc_id, speaker and date" \
  "$(csvcut "$G/sec.csv" 0,1,2 | sort -u | tr '\n' ' ')" \
  "conferencia-2008-01-22,president,2008-01-22 conferencia-2008-01-22,press,2008-01-22 entrevista-2022-06-10,dra-cisneros,2022-06-10 entrevista-2022-06-10,host,2022-06-10 mananera-2019-03-12,president,2019-03-12 mananera-2019-03-12,press,2019-03-12 mensaje-2014-09-02,,2014-09-02 "
"$SECTAG" kwic "$TMP/es" --pattern 'ejercito' --accents sensitive >"$TMP/stdout" 2>"$TMP/stderr"
eq "--accents sensitive: 'ejercito' does not find 'Ejército': a header and a note" \
  "$?:$(cat "$TMP/stdout" | tr -d '\r'):$(errors)" \
  "0:doc_id,speaker,date,code,start,end,left,keyword,right:sectag kwic: no lines: the pattern 'ejercito' has no match in the 4 documents read"
"$SECTAG" kwic "$TMP/es" --code sec --format text >"$TMP/t1" 2>&1
"$SECTAG" kwic "$TMP/es" --code sec --format text >"$TMP/t2" 2>&1
check "same input, same output" cmp "$TMP/t1" "$TMP/t2"

# The keyword column: every keyword starts at the same screen column.
python3 - "$G/sec.war.txt" "$G/sec.war.csv" >"$TMP/align.out" 2>&1 <<'EOF'
import csv, sys, unicodedata
def width(s):
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
text = open(sys.argv[1], encoding="utf-8").read().splitlines()
rows = list(csv.DictReader(open(sys.argv[2], encoding="utf-8", newline="")))
assert len(text) == len(rows), (len(text), len(rows))
cols = set()
for line, r in zip(text, rows):
    kw = " ".join(r["keyword"].split())
    i = line.rindex("  " + kw + "  ") if r["right"] else len(line) - len(kw) - 2
    cols.add(width(line[: i + 2]))
assert len(cols) == 1, cols
print("ok")
EOF
eq "text output: every keyword starts at the same screen column" "$?:$(cat "$TMP/align.out")" "0:ok"

# ------------------------------------------------- the English sample
G="$TMP/got-en"
kw "$G" sec.war.csv "$TMP/en" --code sec.war --format csv
kw "$G" desec.txt "$TMP/en" --code desec --format text
kw "$G" securit.csv "$TMP/en" --pattern 'secur\w*' --window 5 --format csv
kw "$G" apostrophe.txt "$TMP/en" --pattern "\\w+'s" --sort left --format text
compare_dir "kwic en" "$G" "$EXP/kwic-en"

# ------------------------------------------------- the Markdown transcript
G="$TMP/got-md"
kw "$G" sec.csv "$TMP/md" --code sec --format csv
kw "$G" all.txt "$TMP/md" --code desec --format text
kw "$G" no-hay-guerra.csv "$TMP/md" --pattern 'no hay guerra' --format csv
kw "$G" guardia.txt "$TMP/md" --pattern 'guardia nacional' --window 3 --format text
compare_dir "kwic md" "$G" "$EXP/kwic-md"
check "a phrase across a line break: the keyword keeps the line break in csv" \
  grep -qF '"no
hay guerra"' "$G/no-hay-guerra.csv"
check "a link's markup is hidden text: not in the keyword or the context" \
  bash -c "! grep -q '](http\|\[Guardia' '$G/guardia.txt'"
eq "a label, a title and an image are never matched" \
  "$("$SECTAG" kwic "$TMP/md" --pattern 'presidente andres|version estenografica|imagenes' 2>/dev/null | tail -n +2)" ""

# ------------------------------------------------- BOM, CRLF, clashing speaker ids
mkdir -p "$TMP/bom"
printf '\xEF\xBB\xBFS1: La guerra contra el narco.\r\n\r\nSEC: No hay guerra, hay paz.\r\nS1: \xC2\xBFGuerra?\r\n' >"$TMP/bom/t.txt"
run code -q -c $ES -o "$TMP/bom-out" "$TMP/bom"
eq "BOM, CRLF and the speakers s1 and sec: coded" "$status:$(errors)" "0:"
check "the speaker ids s1 and sec clash with xml:ids, so the TEI writes speaker-s1 and speaker-sec" \
  grep -qF '<u who="#speaker-sec">' "$TMP/bom-out/tei/t.xml"
kw "$TMP/got-bom" war.csv "$TMP/bom-out" --code sec.war --format csv
eq "BOM restored from the source: offsets, speakers and text as in matches.csv" \
  "$(tail -n +2 "$TMP/got-bom/war.csv" | cut -d, -f1,2,5,6,8 | tr -d '\r' | tr '\n' ' ')" \
  "$(tail -n +2 "$TMP/bom-out/matches.csv" | grep ',sec.war,' | cut -d, -f1,4,7,8,10 | tr -d '\r' | tr '\n' ' ')"
mv "$TMP/bom" "$TMP/bom-moved"
"$SECTAG" kwic "$TMP/bom-out" --code sec.war >"$TMP/stdout" 2>"$TMP/stderr"
eq "the source moved: the BOM is not known, offsets are 3 bytes lower" \
  "$?:$(tail -n +2 "$TMP/stdout" | head -1 | cut -d, -f5,6)" "0:7,13"
mv "$TMP/bom-moved" "$TMP/bom"

# A character XML forbids is U+FFFD in the TEI; the source puts it back
mkdir -p "$TMP/ctl"
printf 'Una\x01 guerra.\n' >"$TMP/ctl/c.txt"
run code -q -c $ES -o "$TMP/ctl-out" "$TMP/ctl"
"$SECTAG" kwic "$TMP/ctl-out" --code sec.war >"$TMP/stdout" 2>"$TMP/stderr"
eq "a character XML forbids: taken back from the source, offsets as in matches.csv" \
  "$?:$(tail -n +2 "$TMP/stdout" | cut -d, -f5-8 | tr -d '\r' | cat -v):$(tail -n +2 "$TMP/ctl-out/matches.csv" | cut -d, -f7,8)" \
  "0:5,11,Una^A,guerra:5,11"
mv "$TMP/ctl" "$TMP/ctl-moved"
"$SECTAG" kwic "$TMP/ctl-out" --code sec.war >"$TMP/stdout" 2>"$TMP/stderr"
eq "the source moved: U+FFFD from the TEI, offsets after it 2 bytes higher" \
  "$?:$(tail -n +2 "$TMP/stdout" | cut -d, -f5-8 | tr -d '\r')" "0:7,13,Una�,guerra"
mv "$TMP/ctl-moved" "$TMP/ctl"

# ------------------------------------------------- the lines against matches.csv and the sources
cat >"$TMP/kwic_check.py" <<'EOF'
"""kwic_check.py OUTDIR KWIC.csv CODE WINDOW: TAP lines (numbered from
$TAP_START) saying that every line is a row of matches.csv and every row of
CODE (and its sub-codes) a line; that dates are documents.csv's; that each
keyword is the source's bytes at [start, end) (txt and md sources)."""
import csv, os, sys
out, kwic, code, window = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
n = int(os.environ.get("TAP_START", "0"))
name = f"{os.path.basename(out)} --code {code} --window {window}"
def rd(p): return list(csv.DictReader(open(p, encoding="utf-8", newline="")))
docs = {r["doc_id"]: r for r in rd(os.path.join(out, "documents.csv"))}
rows = [r for r in rd(os.path.join(out, "matches.csv"))
        if r["code"] == code or r["code"].startswith(code + ".")]
lines = rd(kwic)
def key(d, kw):
    k = (d["doc_id"], d["speaker"], d["code"], d["start"], d["end"], d[kw])
    return k + ((d["left"], d["right"]) if window == 8 else ())
def tap(ok, what, why=()):
    global n
    n += 1
    print(f"{'ok' if ok else 'not ok'} {n} - {what} ({name})")
    for w in list(why)[:5]: print(f"#   {w}")
a = sorted(key(r, "text") for r in rows)
b = sorted(key(l, "keyword") for l in lines)
tap(a == b and len(a) > 0, f"the {len(b)} lines are the {len(a)} rows of matches.csv",
    [f"only in matches.csv: {x}" for x in a if x not in b] + [f"only in kwic: {x}" for x in b if x not in a])
bad = [l for l in lines if l["date"] != docs[l["doc_id"]]["date"]]
tap(not bad, "each line's date is its document's", [str(l) for l in bad])
bad, seen = [], 0
for l in lines:
    d = docs[l["doc_id"]]
    if d["format"] not in ("txt", "md"): continue
    src = open(d["path"], "rb").read()
    seen += 1
    if src[int(l["start"]):int(l["end"])].decode("utf-8") != l["keyword"]: bad.append(l)
tap(not bad, f"each keyword is the source's bytes at [start, end) ({seen} lines)", [str(l) for l in bad])
EOF
for spec in "es sec 8" "es desec 8" "es sec 3" "en sec 8" "en desec 8" "md sec 8" "md desec 8" "bom-out sec 8" "ctl-out sec 8"; do
  set -- $spec
  "$SECTAG" kwic "$TMP/$1" --code "$2" --window "$3" --format csv >"$TMP/check.csv" 2>/dev/null
  tap_py "$TMP/kwic_check.py" "$TMP/$1" "$TMP/check.csv" "$2" "$3"
done

# other formats and runs: HTML, TEI and JSONL sources, a speaker filter
IN=tests/e2e/intake
run code -q -c $ES -o "$TMP/html" --periods $MX $IN/html
run code -q -c $ES -o "$TMP/tei" --periods $MX $IN/tei
run code -q -c $EN -o "$TMP/jsonl" --group-field name $IN/records/sotu.jsonl
run code -q -c $ES -o "$TMP/role" --speakers $IN/speakers.tsv --role president --periods $MX $IN/md
run code -q -c $ES -o "$TMP/manifest" --periods $MX --manifest $IN/manifest/manifest.csv
for spec in "html sec" "tei sec" "jsonl sec" "role sec" "role desec" "manifest sec" "manifest desec"; do
  set -- $spec
  "$SECTAG" kwic "$TMP/$1" --code "$2" --format csv >"$TMP/check.csv" 2>/dev/null
  tap_py "$TMP/kwic_check.py" "$TMP/$1" "$TMP/check.csv" "$2" 8
done

# the rebuilt texts are the sources, byte for byte (BOM and control characters too)
mkdir -p "$TMP/texts"
for d in es en md bom-out ctl-out; do
  SECTAG_KWIC_TEXT_DIR="$TMP/texts" "$SECTAG" kwic "$TMP/$d" --pattern 'a' >/dev/null 2>&1
done
python3 - "$TMP/texts" "$TMP/es" "$TMP/en" "$TMP/md" "$TMP/bom-out" "$TMP/ctl-out" >"$TMP/texts.out" 2>&1 <<'EOF'
import csv, os, sys
bad, n = [], 0
for out in sys.argv[2:]:
    for r in csv.DictReader(open(os.path.join(out, "documents.csv"), encoding="utf-8", newline="")):
        n += 1
        got = open(os.path.join(sys.argv[1], r["doc_id"] + ".txt"), "rb").read()
        if got != open(r["path"], "rb").read(): bad.append(r["doc_id"])
print(n, "texts;", "different:", bad)
sys.exit(1 if bad or n < 10 else 0)
EOF
eq "every rebuilt text is its txt or md source, byte for byte: $(cat "$TMP/texts.out")" "$?" 0

# ------------------------------------------------- -o FILE
"$SECTAG" kwic "$TMP/es" --code sec.war -o "$TMP/war.csv" >"$TMP/stdout" 2>"$TMP/stderr"
eq "-o FILE: exit 0, nothing on standard output" "$?:$(cat "$TMP/stdout")" "0:"
check "-o FILE: csv by default, the same lines" cmp "$TMP/war.csv" "$TMP/got-es/sec.war.csv"
check "-o FILE: no temporary file left" no_temp_files "$TMP"
"$SECTAG" kwic "$TMP/es" --code sec.war --format text -o "$TMP/war.txt" 2>/dev/null
check "-o FILE --format text" cmp "$TMP/war.txt" "$TMP/got-es/sec.war.txt"
run kwic "$TMP/es" --code sec.war -o "$TMP/no/such/dir/war.csv"
eq "-o into a missing folder: exit 4" "$status" 4

# ------------------------------------------------- errors
err() { # err NAME STATUS MESSAGE ARGS...
  local name=$1 st=$2 msg=$3; shift 3
  run kwic "$@"
  eq "$name: exit $st and message" "$status:$(errors)" "$st:$msg"
}
TRY="Try 'sectag kwic --help'."
err "no OUTDIR" 2 "sectag kwic: missing OUTDIR, the folder sectag code wrote (-o OUTDIR)
$TRY" --code sec
err "OUTDIR missing" 2 "sectag kwic: TMP/nowhere is not an OUTDIR of sectag code: the folder does not exist; run sectag code first" \
  "$TMP/nowhere" --code sec
mkdir -p "$TMP/empty"
err "OUTDIR without documents.csv" 2 "sectag kwic: TMP/empty is not an OUTDIR of sectag code: documents.csv is missing; run sectag code first" \
  "$TMP/empty" --code sec
cp "$TMP/es/documents.csv" "$TMP/empty/"
err "OUTDIR without tei/" 2 "sectag kwic: TMP/empty is not an OUTDIR of sectag code: the tei folder is missing; run sectag code first" \
  "$TMP/empty" --code sec
err "OUTDIR is a file" 2 "sectag kwic: TMP/es/codes.csv is not an OUTDIR of sectag code: it is not a folder; run sectag code first" \
  "$TMP/es/codes.csv" --code sec
err "two OUTDIRs" 2 "sectag kwic: one OUTDIR only; 'TMP/en' is one too many
$TRY" "$TMP/es" "$TMP/en" --code sec
err "neither --code nor --pattern" 2 "sectag kwic: missing --code CODE or --pattern REGEX (for example --code sec.war)
$TRY" "$TMP/es"
err "both --code and --pattern" 2 "sectag kwic: give --code or --pattern, not both
$TRY" "$TMP/es" --code sec --pattern guerra
err "--code twice" 2 "sectag kwic: give --code once (--code sec takes its sub-codes too)
$TRY" "$TMP/es" --code sec --code desec
err "--pattern twice" 2 "sectag kwic: give --pattern once; join alternatives with |
$TRY" "$TMP/es" --pattern a --pattern b
err "unknown code, similar ones" 2 "sectag kwic: unknown code 'sec.wars': it is not in the codebook of TMP/es; similar codes: sec.war" \
  "$TMP/es" --code sec.wars
err "unknown code in capitals" 2 "sectag kwic: unknown code 'SEC.MILITARY': it is not in the codebook of TMP/es; similar codes: sec.military, sec.military.guard" \
  "$TMP/es" --code SEC.MILITARY
err "unknown code, nothing like it" 2 "sectag kwic: unknown code 'war': it is not in the codebook of TMP/es; the top-level codes are: sec, desec" \
  "$TMP/es" --code war
err "invalid regex" 2 "sectag kwic: --pattern: invalid regex: missing closing parenthesis at pattern offset 14
    guerra (contra
                  ^" "$TMP/es" --pattern 'guerra (contra'
err "a regex that matches empty text" 2 "sectag kwic: --pattern: the pattern can match empty text; make it match at least one character (for example 'guerras?' rather than '(guerras)?')" \
  "$TMP/es" --pattern 'x*'
err "a regex with a line break" 2 "sectag kwic: --pattern: the pattern holds a control character (U+000A); write it as \\x{A} or, for a line break, as a space (the text's white space is one space)" \
  "$TMP/es" --pattern 'no
hay'
err "an upper-case regex: a warning, no lines" 0 "sectag kwic: warning: --pattern: the upper-case 'G' can never match, because texts are matched in lower case; write patterns in lower case
    Guerra
    ^
sectag kwic: no lines: the pattern 'Guerra' has no match in the 4 documents read" "$TMP/es" --pattern Guerra
err "a regex that backtracks too much: each document gives up (3 named), exit 1" 1 "sectag kwic: conferencia-2008-01-22: --pattern gave up on this document: match limit exceeded (it backtracks too much, e.g. nested repeats like (a+)+); simplify the pattern
sectag kwic: entrevista-2022-06-10: --pattern gave up on this document: match limit exceeded (it backtracks too much, e.g. nested repeats like (a+)+); simplify the pattern
sectag kwic: mananera-2019-03-12: --pattern gave up on this document: match limit exceeded (it backtracks too much, e.g. nested repeats like (a+)+); simplify the pattern
sectag kwic: --pattern gave up on 1 more document
sectag kwic: no lines: the pattern '(\w+\s?)+x' has no match in the 4 documents read" "$TMP/es" --pattern '(\w+\s?)+x'
err "--window 0" 2 "sectag kwic: --window must be a whole number of tokens from 1 to 100, not '0'
$TRY" "$TMP/es" --code sec --window 0
err "--window 101" 2 "sectag kwic: --window must be a whole number of tokens from 1 to 100, not '101'
$TRY" "$TMP/es" --code sec -w 101
err "--window x" 2 "sectag kwic: --window must be a whole number of tokens from 1 to 100, not '8x'
$TRY" "$TMP/es" --code sec -w 8x
err "--sort" 2 "sectag kwic: --sort must be left, right or doc, not 'keyword'
$TRY" "$TMP/es" --code sec --sort keyword
err "--format" 2 "sectag kwic: --format must be text or csv, not 'tsv'
$TRY" "$TMP/es" --code sec --format tsv
err "--limit" 2 "sectag kwic: --limit must be a whole number of lines, 1 or more, not '0'
$TRY" "$TMP/es" --code sec --limit 0
err "--accents" 2 "sectag kwic: --accents must be sensitive or insensitive, not 'yes'
$TRY" "$TMP/es" --pattern guerra --accents yes
err "--accents with --code" 2 "sectag kwic: --accents goes with --pattern; the matches of --code are those of sectag code
$TRY" "$TMP/es" --code sec --accents sensitive
err "unknown option" 2 "sectag kwic: unrecognized option '--speaker'
$TRY" "$TMP/es" --code sec --speaker x

# a TEI file missing, one broken, one with a DOCTYPE: reported, skipped, exit 1
cp -r "$TMP/es" "$TMP/broken"
rm "$TMP/broken/tei/conferencia-2008-01-22.xml"
printf '<TEI><text><body>' >"$TMP/broken/tei/entrevista-2022-06-10.xml"
sed -i 's|<?xml version="1.0" encoding="UTF-8"?>|&<!DOCTYPE TEI [<!ENTITY x "y">]>|' "$TMP/broken/tei/mananera-2019-03-12.xml"
run kwic "$TMP/broken" --code sec --format csv
eq "missing and broken TEI files: exit 1, each reported" "$status:$(errors)" \
  "1:TMP/broken/tei/conferencia-2008-01-22.xml: cannot open: No such file or directory
TMP/broken/tei/entrevista-2022-06-10.xml:1:18: not well-formed XML: Premature end of data in tag body line 1; run sectag code again to rewrite it
TMP/broken/tei/mananera-2019-03-12.xml: has a DOCTYPE, which sectag code never writes; this is not a TEI file of sectag code: run sectag code again"
eq "missing and broken TEI files: the other documents' lines are printed" \
  "$(cut -d, -f1 "$TMP/stdout" | sort -u | tr -d '\r' | tr '\n' ' ')" "doc_id mensaje-2014-09-02 "
cp "$TMP/en/tei/address-2008-01-28.xml" "$TMP/broken/tei/mensaje-2014-09-02.xml"
run kwic "$TMP/broken" --code sec --format csv
eq "a TEI file from another run: a warning that the word counts differ" "$status:$(errors | tail -1)" \
  "1:TMP/broken/tei/mensaje-2014-09-02.xml: warning: the text rebuilt from this file has 189 words, documents.csv says 203; the file may be from another run, and lines may be off"

# memcheck: no invalid access, no leak (the interpreter: valgrind cannot follow JIT code)
if [ -n "$NO_VALGRIND" ]; then
  ok "valgrind # SKIP $NO_VALGRIND"
else
  for args in "$TMP/es --code sec --sort left" "$TMP/md --pattern guerra|paz --sort right --format text" \
    "$TMP/broken --code sec" "$TMP/es --code sec.wars" "$TMP/es --pattern (\w+\s?)+x" "$TMP/es --pattern (x" "$TMP/es --pattern Guerra" \
    "$TMP/en --code desec --limit 3 --format text -o $TMP/vg.txt"; do
    # shellcheck disable=SC2086
    SECTAG_NO_JIT=1 valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible \
      --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
      "$SECTAG" kwic $args >/dev/null 2>"$TMP/vg.err"
    eq "valgrind: kwic ${args//$TMP/TMP}: no memory errors or leaks" "$?" "$(case $args in *sec.wars|*'(x') echo 2 ;; *broken*|*+x) echo 1 ;; *) echo 0 ;; esac)"
  done
fi

# help
run kwic --help
check "--help: every option and the example" bash -c "for o in --code --pattern --accents --window --sort --limit --format --output --help 'sectag kwic out/sample-es --code sec.war --sort left'; do grep -qF -- \"\$o\" '$TMP/stdout' || exit 1; done"
eq "sectag help kwic is --help" "$("$SECTAG" help kwic)" "$(cat "$TMP/stdout")"

echo "1..$n"
[ "$failed" -eq 0 ]
