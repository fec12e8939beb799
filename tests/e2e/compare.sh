#!/usr/bin/env bash
# End-to-end tests of `sectag compare` (TAP). Usage: compare.sh SECTAG ROOT
#
# Codes the Spanish sample corpus and the fixtures in tests/e2e/compare/
# (invented Calderón-era and López-Obrador-era speeches), then checks:
#  - frequencies, balance and keyness (--target, --reference, --min-freq,
#    --stopwords), --by year with zero-filled years, --by month, --by
#    speaker and --by role against tests/e2e/expected/compare-*/ (byte for
#    byte);
#  - that comparing OUTDIRs coded apart gives the bytes of one run over
#    both corpora (frequencies, balance, keyness, years);
#  - every error message and exit status; -o (atomic); --format table
#    (aligned by characters, not bytes); byte-identical reruns;
#  - every ```sh block of docs/compare.md followed by a ```text block:
#    the command's output must be the text block.
# SECTAG_UPDATE_EXPECTED=1 rewrites the expected files and the text blocks
# of docs/compare.md (then review the diff!).
set -u
SECTAG=$1
ROOT=$2
IN=tests/e2e/compare
source "$(dirname "$0")/lib.sh"

SP=corpora/speakers/es-conferencias.tsv
LO="López Obrador"
err() { sed -E "s|$TMP|TMP|g" "$TMP/stderr"; }

# ------------------------------------------------- code the corpora
run code -q -c $ES --periods $MX --speakers $SP -o "$TMP/sample" corpora/sample/es
eq "code the Spanish sample" "$status:$(err)" "0:"
run code -q -c $ES --periods $MX --speakers $SP -o "$TMP/a" $IN/calderon
eq "code corpus A (Calderón era)" "$status:$(err)" "0:"
run code -q -c $ES --periods $MX --speakers $SP -o "$TMP/b" $IN/lopez-obrador
eq "code corpus B (López Obrador era)" "$status:$(err)" "0:"
run code -q -c $ES --periods $MX --speakers $SP -o "$TMP/ab" $IN/calderon $IN/lopez-obrador
eq "code A and B in one run" "$status:$(err)" "0:"
run code -q -c $ES --speakers $SP -o "$TMP/undated" $IN/undated
eq "code an undated note" "$status:$(err)" "0:"

# Runs compare and keeps stdout as $TMP/got/DIR/NAME; checks exit 0 and
# no messages.
mkdir -p "$TMP/got/compare-sample" "$TMP/got/compare-fixtures"
keep() { # keep DIR/NAME ARGS...
  local name=$1; shift
  run compare "$@"
  cp "$TMP/stdout" "$TMP/got/$name"
  eq "compare $* -> $name: exit 0, no messages" "$status:$(err)" "0:"
}

# ------------------------------------------------- the sample
S="$TMP/sample"
keep compare-sample/frequencies.csv "$S"
keep compare-sample/balance.csv "$S" --balance
keep compare-sample/keyness-lopez-obrador.csv "$S" --target "$LO"
keep compare-sample/keyness-reference.csv "$S" --target "$LO" --reference Calderón
keep compare-sample/keyness-stopwords.csv "$S" --target "$LO" --reference Calderón --stopwords es --min-freq 3
keep compare-sample/year-codes.csv "$S" --by year --kind code
keep compare-sample/speaker-codes.csv "$S" --by speaker --kind code
keep compare-sample/role-balance.csv "$S" --by role --balance
keep compare-sample/table-keyness.txt "$S" --target "$LO" --format table --top 5
compare_dir "sample" "$TMP/got/compare-sample" "$EXP/compare-sample"

# ------------------------------------------------- the fixtures
keep compare-fixtures/frequencies.csv "$TMP/ab"
keep compare-fixtures/balance.csv "$TMP/ab" --balance
keep compare-fixtures/keyness.csv "$TMP/ab" --target Calderón
keep compare-fixtures/keyness-terms.csv "$TMP/ab" --target "$LO" --kind term --stopwords es --min-freq 3
keep compare-fixtures/keyness-codes.csv "$TMP/ab" --target Calderón --reference "$LO" --kind code
keep compare-fixtures/year-codes.csv "$TMP/ab" --by year --kind code
keep compare-fixtures/year-balance.csv "$TMP/ab" --by year --balance
keep compare-fixtures/speaker.csv "$TMP/ab" --by speaker --kind code
keep compare-fixtures/role-balance.csv "$TMP/ab" --by role --balance
keep compare-fixtures/role-codes.csv "$TMP/ab" --by role --kind code
keep compare-fixtures/doc-balance.csv "$TMP/ab" --by doc_id --balance
keep compare-fixtures/table-balance.txt "$TMP/ab" --balance --format table
compare_dir "fixtures" "$TMP/got/compare-fixtures" "$EXP/compare-fixtures"

F="$TMP/got/compare-fixtures"
eq "CSV has CRLF line ends" "$(head -1 "$F/balance.csv" | od -c | grep -c '\\r  \\n')" 1
eq "balance: the groups' matches add up to documents.csv's" \
  "$(tr -d '\r' <"$F/balance.csv" | awk -F, 'NR>1 {s+=$3; d+=$4} END {print s, d}')" \
  "$(tr -d '\r' <"$TMP/ab/documents.csv" | awk -F, 'NR>1 {s+=$(NF-1); d+=$NF} END {print s, d}')"
eq "frequencies: a group's tokens are its documents' tokens" \
  "$(tr -d '\r' <"$F/frequencies.csv" | awk -F, 'NR>1 {t[$1]=$6} END {for (g in t) s+=t[g]; print s}')" \
  "$(tr -d '\r' <"$TMP/ab/documents.csv" | awk -F, 'NR>1 {s+=$(NF-6)} END {print s}')"
eq "--by year: every year from 2008 to 2021, 16 codes each" \
  "$(tr -d '\r' <"$F/year-codes.csv" | awk -F, 'NR>1 {print $1}' | uniq -c | awk '{print $2 ":" $1}' | tr '\n' ' ')" \
  "2008:16 2009:16 2010:16 2011:16 2012:16 2013:16 2014:16 2015:16 2016:16 2017:16 2018:16 2019:16 2020:16 2021:16 "
eq "--by year: an empty year has zero counts and NA rates" \
  "$(grep '^2009,sec,' "$F/year-codes.csv" | tr -d '\r')" "2009,sec,code,0,0,0,NA"
run compare "$TMP/ab" --by month --kind code
eq "--by month: every month from 2008-03 to 2021-02 (156), zero-filled" \
  "$status:$(tr -d '\r' <"$TMP/stdout" | awk -F, 'NR>1 {print $1}' | uniq | sed -n '1p;2p;$p' | tr '\n' ' ')$(tr -d '\r' <"$TMP/stdout" | awk -F, 'NR>1 {print $1}' | uniq | wc -l)" \
  "0:2008-03 2008-04 2021-02 156"
run compare "$TMP/ab" --by month --kind term
eq "--by month --kind term: terms are not zero-filled" \
  "$(tr -d '\r' <"$TMP/stdout" | awk -F, 'NR>1 && $4 == 0' | wc -l)" 0
eq "--stopwords es: function words are gone; content words and 'no' stay" \
  "$(cut -d, -f1 "$F/keyness-terms.csv" | grep -x 'la\|de\|el\|los\|se\|no\|becas' | tr '\n' ' ')" "becas no "
eq "--min-freq 3: every row has f_target + f_reference >= 3" \
  "$(tr -d '\r' <"$F/keyness-terms.csv" | awk -F, 'NR>1 && $3 + $4 < 3' | wc -l)" 0
eq "keyness: sorted by G2, descending" \
  "$(tr -d '\r' <"$F/keyness.csv" | awk -F, 'NR>1 {print $7}' | sort -g -r -c 2>&1 && echo sorted)" "sorted"
eq "--reference: n_reference is the reference group's tokens only" \
  "$(tr -d '\r' <"$F/keyness-codes.csv" | awk -F, 'NR==2 {print $5, $6}')" "298 214"
eq "--by role: a speaker without a role is '(no role)'" \
  "$(cut -d, -f1 "$F/role-balance.csv" | tr -d '\r' | tr '\n' ' ')" "group (no role) president press "

# An independent computation: Python re-reads the tables of sectag code and
# recomputes frequencies, balance and keyness (against all other groups).
for d in sample ab; do
  "$SECTAG" compare "$TMP/$d" >"$TMP/py-f.csv"
  "$SECTAG" compare "$TMP/$d" --balance >"$TMP/py-b.csv"
  "$SECTAG" compare "$TMP/$d" --target Calderón >"$TMP/py-k.csv"
  tap_py - "$TMP/$d" "$TMP/py-f.csv" "$TMP/py-b.csv" "$TMP/py-k.csv" <<'EOF'
import csv, math, os, sys
from collections import defaultdict
out, ff, fb, fk = sys.argv[1:5]
n = int(os.environ["TAP_START"])
def rows(name):
    with open(os.path.join(out, name), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))
def fmt(v, spec="%.4f"):
    if isinstance(v, float) and math.isnan(v): return "NA"
    if isinstance(v, float) and math.isinf(v): return "Inf" if v > 0 else "-Inf"
    s = spec % v
    return s[1:] if s.startswith("-") and set(s[1:]) <= set("0.") else s
grp = lambda r: r["group"] or "(no group)"
tokens = defaultdict(int); freq = defaultdict(int); docs = defaultdict(set)
for r in rows("terms.csv"):
    f = int(r["frequency"]); tokens[grp(r)] += f
    freq[(grp(r), "term", r["term"])] += f; docs[(grp(r), "term", r["term"])].add(r["doc_id"])
pol = {}
for r in rows("codes.csv"):
    pol[r["code"]] = r["polarity"]
    k = (grp(r), "code", r["code"]); freq[k] += int(r["matches"]); docs[k].add(r["doc_id"])
want = [["group", "feature", "kind", "frequency", "docfreq", "tokens", "per_10k"]]
for (g, kind, feat) in sorted(freq, key=lambda k: (k[0].encode(), k[1], -freq[k], k[2].encode())):
    t = tokens[g]
    want.append([g, feat, kind, str(freq[(g, kind, feat)]), str(len(docs[(g, kind, feat)])), str(t),
                 fmt(freq[(g, kind, feat)] * 10000 / t) if t else "NA"])
def check(name, path, want):
    global n
    n += 1
    with open(path, newline="", encoding="utf-8") as f:
        got = list(csv.reader(f))
    good = got == want
    print(("ok" if good else "not ok") + f" {n} - {os.path.basename(out)}: {name} as Python computes it")
    if not good:
        for a, b in zip(got, want):
            if a != b:
                print(f"#   got {a}\n#   expected {b}")
                break
        print(f"#   {len(got)} rows, expected {len(want)}")
check("frequencies", ff, want)
sec = defaultdict(int); desec = defaultdict(int)
for r in rows("matches.csv"):
    if pol[r["code"]] == "securitizing": sec[grp(r)] += 1
    elif pol[r["code"]] == "desecuritizing": desec[grp(r)] += 1
z = 1.959963984540054
want = [["group", "tokens", "securitizing", "desecuritizing", "sec_per_10k", "desec_per_10k", "sec_share", "share_low", "share_high"]]
for g in sorted(tokens, key=lambda g: g.encode()):
    s, d, t = sec[g], desec[g], tokens[g]; m = s + d
    if m:
        p = s / m; den = 1 + z * z / m; c = (p + z * z / (2 * m)) / den
        h = z / den * math.sqrt(p * (1 - p) / m + z * z / (4 * m * m))
        lo, hi = (0.0 if s == 0 else max(c - h, 0.0)), (1.0 if s == m else min(c + h, 1.0))
        share = [fmt(p), fmt(lo), fmt(hi)]
    else:
        share = ["NA"] * 3
    want.append([g, str(t), str(s), str(d), fmt(s * 1e4 / t), fmt(d * 1e4 / t)] + share)
check("balance", fb, want)
target = "Calderón"; nt = tokens[target]; nr = sum(v for g, v in tokens.items() if g != target)
ft = defaultdict(int); fr = defaultdict(int)
for (g, kind, feat), v in freq.items():
    (ft if g == target else fr)[(kind, feat)] += v
keys = []
for k in set(ft) | set(fr):
    a, b = ft[k], fr[k]
    if a + b < 1: continue
    c, d, N = nt - a, nr - b, nt + nr
    O = [a, b, c, d]; E = [(a + b) * nt / N, (a + b) * nr / N, (c + d) * nt / N, (c + d) * nr / N]
    if a * nr == b * nt: g2 = chi = 0.0
    else:
        g2 = 2 * sum(o * math.log(o / e) for o, e in zip(O, E) if o > 0)
        chi = sum((o - e) ** 2 / e for o, e in zip(O, E) if e > 0)
        g2 = g2 if a * nr > b * nt else -g2
    lr = math.log2(((a or 0.5) / nt) / ((b or 0.5) / nr))
    pd = (a / nt - b / nr) * 100 / (b / nr) if b else math.inf
    keys.append((k, a, b, g2, chi, lr, pd))
keys.sort(key=lambda x: (-x[3], x[0][0], x[0][1].encode()))
want = [["feature", "kind", "f_target", "f_reference", "n_target", "n_reference", "G2", "p", "chi2", "log_ratio", "pct_diff"]]
for (kind, feat), a, b, g2, chi, lr, pd in keys:
    want.append([feat, kind, str(a), str(b), str(nt), str(nr), fmt(g2), fmt(math.erfc(math.sqrt(abs(g2) / 2)), "%.6g"),
                 fmt(chi), fmt(lr), fmt(pd)])
check("keyness", fk, want)
EOF
done

printf '# my list\nBECAS\npaz # a comment\n\n  Jóvenes\n' >"$TMP/stop.txt"
run compare "$TMP/ab" --target "$LO" --kind term --stopwords "$TMP/stop.txt"
eq "--stopwords FILE: entries are case-folded and accent-stripped like terms" \
  "$status:$(cut -d, -f1 "$TMP/stdout" | grep -cx 'becas\|paz\|jovenes'):$(cut -d, -f1 "$TMP/stdout" | grep -cx 'la')" "0:0:1"
run compare "$TMP/ab" --stopwords en --kind term
eq "--stopwords en: the shipped English list loads" "$status:$(err)" "0:"

# ------------------------------------------------- merge = one run
merge_check() { # merge_check ARGS...: compare A B and compare AB give the same bytes
  "$SECTAG" compare "$TMP/a" "$TMP/b" "$@" >"$TMP/merged.csv" 2>"$TMP/merged.err"
  "$SECTAG" compare "$TMP/ab" "$@" >"$TMP/one.csv" 2>"$TMP/one.err"
  local name="compare A B = compare AB, byte for byte: ${*:-frequencies}"
  if cmp -s "$TMP/merged.csv" "$TMP/one.csv" && [ -s "$TMP/one.csv" ] && [ ! -s "$TMP/merged.err" ]; then
    ok "$name"
  else
    not_ok "$name"
    diff "$TMP/one.csv" "$TMP/merged.csv" | head -10 | sed 's/^/#   /'
  fi
}
merge_check
merge_check --balance
merge_check --target Calderón
merge_check --target "$LO" --reference Calderón --stopwords es --min-freq 2
merge_check --by year --kind code
merge_check --by year --balance
merge_check --by role
merge_check --by speaker --balance
"$SECTAG" compare "$TMP/b" "$TMP/a" --target Calderón >"$TMP/ba.csv"
check "the order of the OUTDIRs does not matter" cmp "$TMP/ba.csv" "$F/keyness.csv"

# a column only one OUTDIR has is empty in the other
mkdir -p "$TMP/manif"
printf 'path,medio\nnota-informativa.txt,radio\n' >"$TMP/manif/manifest.csv"
cp $IN/undated/nota-informativa.txt "$TMP/manif/"
run code -q -c $ES --periods $MX -o "$TMP/m" --manifest "$TMP/manif/manifest.csv"
run compare "$TMP/a" "$TMP/m" --by medio --balance
eq "a column missing in one OUTDIR is empty there" \
  "$status:$(cut -d, -f1,2 "$TMP/stdout" | tr -d '\r' | tr '\n' ' ')" "0:group,tokens (no medio),298 radio,28 "

# ------------------------------------------------- output
run compare "$TMP/ab" --balance -o "$TMP/out/balance.csv"
eq "-o FILE into a missing folder: exit 4" "$status:$(err)" \
  "4:TMP/out/balance.csv: cannot create output file: No such file or directory; check that its folder exists and is writable"
mkdir -p "$TMP/out"
run compare "$TMP/ab" --balance -o "$TMP/out/balance.csv"
eq "-o FILE: exit 0, nothing on stdout" "$status:$(cat "$TMP/stdout")$(err)" "0:"
check "-o FILE: the same bytes as stdout" cmp "$TMP/out/balance.csv" "$F/balance.csv"
check "-o FILE: no temporary files left" no_temp_files "$TMP/out"
run compare "$TMP/ab" --balance -o "$TMP/out/balance.txt" --format table
check "-o FILE --format table: the table" cmp "$TMP/out/balance.txt" "$F/table-balance.txt"
"$SECTAG" compare "$S" --format table --top 30 >"$TMP/table-sample.txt"
tap_py - "$TMP/table-sample.txt" "$F/table-balance.txt" <<'EOF'
import os, sys
n = int(os.environ["TAP_START"])
for path in sys.argv[1:]:
    lines = open(path, encoding="utf-8").read().split("\n")[:-1]
    rows = [l for l in lines if not l.startswith("(")]
    # right-aligned last column: every row ends at the same character column
    widths = {len(l) for l in rows}
    n += 1
    ok = len(widths) == 1 and any(len(l) != len(l.encode()) for l in rows)
    print(("ok" if ok else "not ok") + f" {n} - table {os.path.basename(path)}: aligned by characters, not bytes")
EOF
eq "table: says how many rows were left out" "$(tail -1 "$EXP/compare-sample/table-keyness.txt")" \
  "(5 of 371 rows shown; 366 left out: --top 0 shows all, -o FILE writes them as CSV)"
if command -v script >/dev/null; then
  script -qec "'$SECTAG' compare '$TMP/ab' --balance" /dev/null >"$TMP/tty.out" 2>&1
  eq "stdout a terminal: an aligned table, not CSV" "$(tr -d '\r' <"$TMP/tty.out")" "$(cat "$F/table-balance.txt")"
fi

# ------------------------------------------------- determinism
for args in "" "--balance" "--target Calderón" "--by year"; do
  "$SECTAG" compare "$TMP/ab" $args >"$TMP/r1" 2>&1
  "$SECTAG" compare "$TMP/ab" $args >"$TMP/r2" 2>&1
  check "a second run gives byte-identical output: ${args:-frequencies}" cmp "$TMP/r1" "$TMP/r2"
done

# ------------------------------------------------- warnings and errors
run compare "$TMP/ab" "$TMP/undated" --by year --balance
eq "--by year: undated documents are left out, with one warning" "$status:$(err)" \
  "0:sectag compare: warning: 1 of 6 documents has no date (or none with a year) and is left out of --by year"
check "--by year with an undated document: the same table" cmp "$TMP/stdout" "$F/year-balance.csv"
mkdir -p "$TMP/years"
printf 'La guerra.\n' >"$TMP/years/1990_bush.txt"
printf 'La paz.\n' >"$TMP/years/1994_clinton.txt"
run code -q -c $ES -o "$TMP/years-out" --meta-from-name '{date}_{name}' "$TMP/years"
run compare "$TMP/ab" "$TMP/years-out" --by month --balance
eq "--by month: documents dated only by a year are left out, with one warning" \
  "$status:$(err):$(tr -d '\r' <"$TMP/stdout" | sed -n 2p | cut -d, -f1)" \
  "0:sectag compare: warning: 2 of 7 documents have no date (or none with a month) and are left out of --by month:2008-03"
run compare "$TMP/ab" "$TMP/years-out" --by year --balance
eq "--by year: the same documents count" "$status:$(err):$(tr -d '\r' <"$TMP/stdout" | sed -n 2p | cut -d, -f1-4)" "0::1990,2,1,0"

mkdir -p "$TMP/empty"
run compare "$TMP/empty"
eq "not an OUTDIR" "$status:$(err)" \
  "2:sectag compare: TMP/empty is not an OUTDIR of sectag code: codes.csv is missing; run sectag code first"
mkdir -p "$TMP/half" && cp "$TMP/ab/codes.csv" "$TMP/half/"
run compare "$TMP/half"
eq "an OUTDIR without terms.csv" "$status:$(err)" \
  "2:sectag compare: TMP/half is not an OUTDIR of sectag code: terms.csv is missing; run sectag code first"
run compare "$TMP/nowhere"
eq "a folder that does not exist" "$status:$(err)" \
  "2:sectag compare: TMP/nowhere is not an OUTDIR of sectag code: no such folder; run sectag code first"
run compare "$TMP/ab" --by partido
eq "--by a column that does not exist: the columns are listed" "$status:$(err)" \
  "2:sectag compare: --by partido: the tables have no such column; group by one of: doc_id, date, group, speaker, year, month, role (the column sectag code took with --group-field is called group)"
run compare "$TMP/a"
eq "a single group" "$status:$(err)" \
  "2:sectag compare: compare needs at least two groups; --by group gives only one: Calderón"
run compare "$TMP/ab" --target Fox
eq "--target not among the groups" "$status:$(err)" \
  "2:sectag compare: --target 'Fox' is not a group of --by group; the groups are: Calderón, López Obrador"
run compare "$TMP/ab" --target Calderón --reference Zedillo
eq "--reference not among the groups" "$status:$(err)" \
  "2:sectag compare: --reference 'Zedillo' is not a group of --by group; the groups are: Calderón, López Obrador"
run compare "$TMP/ab" --by month --target 2019
eq "--target: at most 20 groups are listed" "$status:$(err)" \
  "2:sectag compare: --target '2019' is not a group of --by month; the groups are: 2008-03, 2008-04, 2008-05, 2008-06, 2008-07, 2008-08, 2008-09, 2008-10, 2008-11, 2008-12, 2009-01, 2009-02, 2009-03, 2009-04, 2009-05, 2009-06, 2009-07, 2009-08, 2009-09, 2009-10 and 136 more"
run compare "$TMP/ab" --target Calderón --reference Calderón
eq "--reference equal to --target" "$status:$(err)" \
  "2:sectag compare: --reference is the same group as --target ('Calderón'); give another group, or leave --reference out to compare with all other groups together"
run compare "$TMP/ab" --by year --target 2015
eq "--target an empty year: nothing to compare" "$status:$(err)" \
  "2:sectag compare: the target ('2015') has no tokens, so there is nothing to compare"
run compare "$TMP/ab" --target Calderón --stopwords fr
eq "an unknown --stopwords list" "$status:$(err)" \
  "2:sectag compare: unknown --stopwords list 'fr': give en or es, or a file with one word per line"
run compare "$TMP/ab" --target Calderón --stopwords "$TMP/no-such-list.txt"
eq "a --stopwords file that does not exist" "$status:$(err)" \
  "2:TMP/no-such-list.txt: cannot read the stopword list: No such file or directory; give es, en or a file with one word per line"
run compare "$TMP/a" "$TMP/ab"
eq "a doc_id in two OUTDIRs: exit 2, both named" "$status:$(err)" \
  "2:sectag compare: doc_id 'conferencia-2008-03-04' is in two OUTDIRs: TMP/a/documents.csv:2 and TMP/ab/documents.csv:2; a document may be counted only once, so leave one OUTDIR out or code the document once"
run compare "$TMP/a" "$TMP/a"
eq "an OUTDIR given twice" "$status:$(err)" \
  "2:sectag compare: OUTDIR TMP/a is given twice; its documents would be counted twice"
run compare "$TMP/undated" --by year
eq "--by year without dated documents" "$status:$(err)" \
  "2:sectag compare: --by year needs dated documents, and no document has a year in its date (the date column of documents.csv); give dates with --manifest, --meta-from-name or a date line, and run sectag code again"

cp -r "$TMP/ab" "$TMP/bad"
sed -i '3s/,[0-9]*\r$/,x\r/' "$TMP/bad/terms.csv"
run compare "$TMP/bad"
eq "a malformed table: FILE:LINE, exit 1" "$status:$(err)" \
  "1:TMP/bad/terms.csv:3: column 'frequency' holds 'x', not a count; the table is not as sectag code writes it: run sectag code again"
cp -r "$TMP/ab" "$TMP/bad2"
printf 'conferencia-2008-03-04,2008-03-04,Calderón,president,"guerra,1\r\n' >>"$TMP/bad2/terms.csv"
run compare "$TMP/bad2"
eq "a table that does not parse: FILE:LINE:COL, exit 1" "$status:$(err)" \
  "1:TMP/bad2/terms.csv:$(($(wc -l <"$TMP/ab/terms.csv") + 1)):55: this quoted field is never closed (a '\"' is missing), so the rest of the file would be one field; close the quote"
cp -r "$TMP/ab" "$TMP/bad3"
printf 'otro-doc,2008-03-04,Calderón,president,guerra,1\r\n' >>"$TMP/bad3/terms.csv"
run compare "$TMP/bad3"
eq "a row whose doc_id is not in documents.csv" "$status:$(err)" \
  "1:TMP/bad3/terms.csv:$(($(wc -l <"$TMP/ab/terms.csv") + 1)): doc_id 'otro-doc' is not in TMP/bad3/documents.csv; the tables of this OUTDIR do not belong together: run sectag code again"
cp -r "$TMP/ab" "$TMP/bad4"
sed -i '1s/,matches,/,n,/' "$TMP/bad4/codes.csv"
run compare "$TMP/bad4"
eq "a table without a column it needs" "$status:$(err)" \
  "1:TMP/bad4/codes.csv:1: the table has no column 'matches'; it is not as sectag code writes it: run sectag code again"

run compare
eq "no OUTDIR" "$status:$(err)" \
  "2:sectag compare: missing an OUTDIR (a folder written by sectag code -o OUTDIR)
Try 'sectag compare --help'."
run compare "$TMP/ab" --reference Calderón
eq "--reference without --target" "$status:$(err | head -1)" \
  "2:sectag compare: --reference needs --target (the group to compare with it)"
run compare "$TMP/ab" --balance --target Calderón
eq "--balance with --target" "$status:$(err | head -1)" \
  "2:sectag compare: --balance and --target are two reports; give one of them"
run compare "$TMP/ab" --min-freq 2
eq "--min-freq without --target" "$status:$(err | head -1)" \
  "2:sectag compare: --min-freq applies to keyness: give --target too"
run compare "$TMP/ab" --target Calderón --min-freq 0
eq "--min-freq 0" "$status:$(err | head -1)" \
  "2:sectag compare: --min-freq needs a whole number of 1 or more, not '0'"
run compare "$TMP/ab" --kind words
eq "--kind that does not exist" "$status:$(err | head -1)" \
  "2:sectag compare: --kind is code, term or all, not 'words'"
run compare "$TMP/ab" --format json
eq "--format that does not exist" "$status:$(err | head -1)" \
  "2:sectag compare: --format is csv or table, not 'json'"
run compare "$TMP/ab" --balance --kind code
eq "--kind with --balance" "$status:$(err | head -1)" \
  "2:sectag compare: --kind has no effect with --balance (it counts matches by polarity)"
run compare --help
eq "--help: exit 0, names every option" "$status:$(for o in --by --balance --target --reference --kind --min-freq --stopwords --output --format --top; do grep -c -- "$o" "$TMP/stdout" | sed "s/^0$/missing $o/;s/^[0-9]*$//"; done | tr -d '\n')" "0:"
run help compare
check "sectag help compare: the same text" cmp "$TMP/stdout" <("$SECTAG" compare --help)

# ------------------------------------------------- docs/compare.md
mkdir -p "$TMP/doc" "$TMP/bin"
ln -s "$ROOT/codebooks" "$TMP/doc/codebooks"
ln -s "$ROOT/corpora" "$TMP/doc/corpora"
ln -s "$SECTAG" "$TMP/bin/sectag"
tap_py "$HERE/doc_blocks.py" "$ROOT/docs/compare.md" "$TMP/doc" "$TMP/bin"

echo "1..$n"
[ "$failed" -eq 0 ]
