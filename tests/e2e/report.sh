#!/usr/bin/env bash
# End-to-end tests of sectag report (TAP). Arguments: SECTAG ROOT.
#
# The Spanish sample corpus is coded, its report written and checked twice:
# without a browser (tests/e2e/report/check_html.py: it parses, fetches
# nothing, KWIC rows, the balance against sectag compare, every document's
# text and highlights) and in headless Chromium (a copy of the report with
# tests/e2e/report/measure.js appended measures the laid-out page and writes
# its findings into the DOM, which --dump-dom prints; check_browser.py
# reads them), plus a screenshot and the browser's console. Then the
# options, determinism and the error paths.
#
# SECTAG_UPDATE_SCREENSHOT=1 copies the screenshot to docs/report-sample.png.
SECTAG=$1
ROOT=$2
source "$(dirname "$0")/lib.sh"
R=$HERE/report

OUT=$TMP/sample-es
run code -q -c "$ES" -o "$OUT" --speakers corpora/speakers/es-conferencias.tsv --periods "$MX" \
  corpora/sample/es
eq "the sample corpus is coded" "$status" 0

# ---- help and usage
run report --help
eq "--help: exit 0" "$status" 0
check "--help: usage, options, an example and the exit status" \
  grep -q 'Usage: sectag report .*OUTDIR -o REPORT.html' "$TMP/stdout"
for w in --kwic-limit --docs --doc-bytes --top --stopwords --min-freq --title Examples: 'Exit status'; do
  check "--help mentions $w" grep -q -e "$w" "$TMP/stdout"
done

# ---- the sample report
run report "$OUT" -o "$TMP/report.html"
eq "report: exit 0" "$status" 0
eq "report: nothing on stderr" "$(cat "$TMP/stderr")" ""
check "report: written" test -s "$TMP/report.html"
check "report: no temporary file left" no_temp_files "$TMP"
run compare "$OUT" --balance --format csv -o "$TMP/balance.csv"
tap_py "$R/check_html.py" "$TMP/report.html" "$OUT" --kwic-limit 20 --docs 5 \
  --balance "$TMP/balance.csv" --label "sample report"

# key terms: each group's table is the top of sectag compare --target GROUP
# --kind term (the report reads the tables once for all groups)
for g in Calderón "López Obrador" "Peña Nieto"; do
  run compare "$OUT" --target "$g" --kind term --format csv -o "$TMP/key.csv"
  check "key terms of $g: the top 10 rows with G2 > 0 of sectag compare --target" python3 -c '
import csv, html, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r"<h3>" + re.escape(html.escape(sys.argv[2], quote=False)) +
              r"</h3>.*?<table class=\"keyterms\">.*?<tbody>(.*?)</tbody>", page, re.S)
assert m, "no key-term table for " + sys.argv[2]
got = [[html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
       for tr in re.findall(r"<tr>(.*?)</tr>", m.group(1), re.S)]
rows = [r for r in csv.DictReader(open(sys.argv[3], encoding="utf-8")) if float(r["G2"]) > 0]
want = [[r["feature"], r["f_target"], r["f_reference"], r["G2"], r["p"], r["log_ratio"]]
        for r in rows[:10]]
assert len(want) > 0 and got == want, (got[:2], want[:2])
' "$TMP/report.html" "$g" "$TMP/key.csv"
done

run report "$OUT" -o "$TMP/report2.html"
check "deterministic: a second run gives the same bytes" cmp "$TMP/report.html" "$TMP/report2.html"
cp -r "$OUT" "$TMP/copy"
run report "$TMP/copy" -o "$TMP/report3.html"
# only the OUTDIR as given differs
check "deterministic: a copy of the OUTDIR gives the same page but for its name" \
  cmp <(sed "s|$TMP/copy|OUTDIR|g" "$TMP/report3.html") <(sed "s|$OUT|OUTDIR|g" "$TMP/report.html")

# ---- options: the limits, and what the page says was left out
run report "$OUT" -o "$TMP/small.html" --kwic-limit 3 --docs 1 --doc-bytes 200 --top 2 \
  --stopwords es --min-freq 2 --title 'Muestra <es>'
eq "limits: exit 0" "$status" 0
check "limits: 3 KWIC rows for sec.military" python3 -c '
import re, sys
t = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r"<table class=\"kwic\" id=\"kwic-sec.military\".*?<tbody>(.*?)</tbody>", t, re.S)
assert m and m.group(1).count("<tr>") == 3, m and m.group(1).count("<tr>")
assert t.count("<article") == 1, t.count("<article")
' "$TMP/small.html"
check "limits: the KWIC note says what was left out" grep -q '3 of 14 matches shown; 11 left out' "$TMP/small.html"
check "limits: the document note says what was left out" \
  grep -q 'The first 1 of 4 documents (documents.csv order) are shown; 3 left out' "$TMP/small.html"
check "limits: a text cut is said" grep -q 'Text cut after 200 of ' "$TMP/small.html"
check "limits: --top is said" grep -q '2 of 10 codes shown (--top)' "$TMP/small.html"
check "limits: the title is escaped" grep -q '<title>Muestra &lt;es&gt;</title>' "$TMP/small.html"
check "limits: stopwords left out of the key terms" \
  bash -c '! grep -q "<td>la</td>" "$1"' _ "$TMP/small.html"
run report "$OUT" -o "$TMP/all.html" --kwic-limit 0 --docs 0 --doc-bytes 0 --top 0
eq "no limits: exit 0" "$status" 0
tap_py "$R/check_html.py" "$TMP/all.html" "$OUT" --kwic-limit 0 --docs 0 --label "no limits"

# a corpus with one group and no dates
run code -q -c "$ES" -o "$TMP/one" corpora/sample/es/mensaje-2014-09-02.txt
run report "$TMP/one" -o "$TMP/one.html"
eq "one group: exit 0" "$status" 0
tap_py "$R/check_html.py" "$TMP/one.html" "$TMP/one" --label "one group"
check "one group: key terms need two groups, and the page says so" \
  grep -q 'this corpus has one group' "$TMP/one.html"

# dates within 36 months: a time series by month, every month on the axis
run code -q -c "$ES" -o "$TMP/months" --periods "$MX" "$R/months"
run report "$TMP/months" -o "$TMP/months.html"
eq "months: exit 0" "$status" 0
tap_py "$R/check_html.py" "$TMP/months.html" "$TMP/months" --label "months"
check "months: by month, and the page says why" \
  grep -q 'By month because the dates span only 8 months. 6 of 8 months have no documents' "$TMP/months.html"
check "months: month tick labels" grep -q '>2019-03</text>' "$TMP/months.html"
check "sample: by year, and the page says why" \
  grep -q 'By year because the dates span 15 years' "$TMP/report.html"

# the e2e corpus under overlap: all (overlapping matches, a BOM, CRLF,
# Markdown), everything shown
run code -q -c tests/e2e/codebook-all.yaml -o "$TMP/all-e2e" tests/e2e/corpus
run report "$TMP/all-e2e" -o "$TMP/all-e2e.html" --docs 0 --doc-bytes 0 --kwic-limit 0
eq "overlap all: exit 0" "$status" 0
tap_py "$R/check_html.py" "$TMP/all-e2e.html" "$TMP/all-e2e" --kwic-limit 0 --docs 0 \
  --label "overlap all"
check "overlap all: overlapping matches marked as such" grep -q '<mark class="mix"' "$TMP/all-e2e.html"

# markup, quotes, ampersands and a control character in the text, the
# file name (doc_id) and the title: escaped, never markup
run code -q -c "$ES" -o "$TMP/hostile" --speakers corpora/speakers/es-conferencias.tsv \
  "$R/hostile"
run report "$TMP/hostile" -o "$TMP/hostile.html" --title '<b>T</b> & "q"'
eq "hostile text: exit 0" "$status" 0
tap_py "$R/check_html.py" "$TMP/hostile.html" "$TMP/hostile" --label "hostile text"
check "hostile text: the script is text" grep -q '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;' "$TMP/hostile.html"
check "hostile text: the doc_id is escaped" grep -q 'id="doc-a&amp;b &lt;x&gt;"' "$TMP/hostile.html"
check "hostile text: the title is escaped" grep -q '<h1>&lt;b&gt;T&lt;/b&gt; &amp; &quot;q&quot;</h1>' "$TMP/hostile.html"

# ---- in a browser
BROWSER=
for b in chromium chromium-browser; do command -v "$b" >/dev/null && { BROWSER=$b; break; }; done
# Chromium runs natively even under valgrind; only the sanitizer runs load
# the machine enough to need more than the base time.
BT=90
[ -z "${SECTAG_VALGRIND:-}" ] && BT=$((90 * TIME_SCALE))
browser() { # browser LOG ARGS...: headless Chromium with its own profile and home
  local log=$1; shift
  mkdir -p "$TMP/chrome-home"
  HOME=$TMP/chrome-home XDG_CONFIG_HOME=$TMP/chrome-home XDG_CACHE_HOME=$TMP/chrome-home \
    timeout -k 10 "$BT" "$BROWSER" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --no-first-run --disable-extensions --mute-audio --hide-scrollbars \
    --user-data-dir="$TMP/chrome-profile" --enable-logging=stderr --v=0 "$@" 2>"$log"
}
if [ -z "$BROWSER" ]; then
  not_ok "chromium is installed (the report is tested in a headless browser): run .ci/install-deps"
else
  # the report with the measuring script appended
  { cat "$TMP/report.html"; printf '<script>\n'; cat "$R/measure.js"; printf '</script>\n'; } \
    >"$TMP/harness.html"
  browser "$TMP/dom.log" --window-size=1200,900 --dump-dom "file://$TMP/harness.html" >"$TMP/dom.html"
  eq "browser: chromium exits 0 within ${BT}s (--dump-dom)" "$?" 0
  tap_py "$R/check_browser.py" "$TMP/dom.html" "$OUT" --kwic-limit 20
  # the screenshot of a report made from inside $TMP, so that the page
  # names the OUTDIR "sample-es" rather than a temporary path
  (cd "$TMP" && "$SECTAG" report sample-es -o shot.html 2>"$TMP/shot.err"; echo $? >"$TMP/shot.rc")
  eq "screenshot report: exit 0" "$(cat "$TMP/shot.rc")" 0
  browser "$TMP/shot.log" --window-size=1200,1500 --screenshot="$TMP/report.png" \
    "file://$TMP/shot.html" >/dev/null
  eq "browser: chromium exits 0 within ${BT}s (--screenshot)" "$?" 0
  check "browser: the screenshot is a PNG 1200 px wide, not empty" python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read()
assert d[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", d[16:24])
assert (w, h) == (1200, 1500), (w, h)
assert len(d) > 20000, "%d bytes: a blank page?" % len(d)
' "$TMP/report.png"
  # The report has no script, so any console line is a message from the
  # browser about the page (a refused or failed load, a parse problem).
  console=$(grep -h ':CONSOLE' "$TMP/shot.log" "$TMP/dom.log" | grep -v 'sectag-test' | head -5)
  eq "browser: no console messages while loading the report" "$console" ""
  if [ "${SECTAG_UPDATE_SCREENSHOT:-0}" = 1 ]; then cp "$TMP/report.png" docs/report-sample.png; fi
fi

# ---- errors
run report
eq "no OUTDIR: exit 2" "$status" 2
check "no OUTDIR: says so" grep -q 'missing OUTDIR' "$TMP/stderr"
run report "$OUT"
eq "no -o: exit 2" "$status" 2
check "no -o: says so" grep -q 'missing -o REPORT.html' "$TMP/stderr"
run report "$OUT" -o "$TMP/x.html" --kwic-limit many
eq "bad --kwic-limit: exit 2" "$status" 2
check "bad --kwic-limit: says so" grep -q -- "--kwic-limit must be a whole number" "$TMP/stderr"
run report "$OUT" -o "$TMP/x.html" --stopwords xx
eq "unknown --stopwords list: exit 2" "$status" 2
run report "$TMP/nowhere" -o "$TMP/x.html"
eq "missing OUTDIR: exit 2" "$status" 2
eq "missing OUTDIR: message" "$(cat "$TMP/stderr")" \
  "sectag report: $TMP/nowhere is not an OUTDIR of sectag code: the folder does not exist; run sectag code -o $TMP/nowhere first"
check "missing OUTDIR: nothing written" test ! -e "$TMP/x.html"
for t in terms.csv matches.csv tei; do
  rm -rf "$TMP/partial"; cp -r "$OUT" "$TMP/partial"; rm -rf "${TMP:?}/partial/$t"
  run report "$TMP/partial" -o "$TMP/x.html"
  eq "missing $t: exit 2" "$status" 2
  eq "missing $t: message" "$(cat "$TMP/stderr")" \
    "sectag report: $TMP/partial is not a complete OUTDIR of sectag code: $t is missing; run sectag code again"
  check "missing $t: nothing written" test ! -e "$TMP/x.html"
done
rm -rf "$TMP/partial"; cp -r "$OUT" "$TMP/partial"
{ head -n 3 "$OUT/matches.csv"; printf 'x,2008-01-22,Calder\303\263n,,sec.war,r,1,2,1,"unclosed\r\n'; } \
  >"$TMP/partial/matches.csv"
run report "$TMP/partial" -o "$TMP/x.html"
eq "malformed matches.csv: exit 1" "$status" 1
check "malformed matches.csv: FILE:LINE in the message" grep -q 'matches.csv:[0-9]' "$TMP/stderr"
check "malformed matches.csv: nothing written" test ! -e "$TMP/x.html"
rm -rf "$TMP/partial"; cp -r "$OUT" "$TMP/partial"
rm "$TMP/partial/tei/mananera-2019-03-12.xml"
run report "$TMP/partial" -o "$TMP/x.html"
eq "a TEI file missing: exit 1" "$status" 1
check "a TEI file missing: named on stderr" grep -q 'mananera-2019-03-12.xml' "$TMP/stderr"
check "a TEI file missing: the report is written and says so" \
  grep -q 'The text cannot be shown' "$TMP/x.html"
mkdir -p "$TMP/w/dir.html"
run report "$OUT" -o "$TMP/w/dir.html"
eq "output is a folder: exit 4" "$status" 4
check "output is a folder: no temporary file left" no_temp_files "$TMP/w"
run report "$OUT" -o "$TMP/w/no/such/dir/r.html"
eq "output folder missing: exit 4" "$status" 4
check "output folder missing: message names the file" grep -q "$TMP/w/no/such/dir" "$TMP/stderr"
if [ "$(id -u)" != 0 ]; then
  mkdir -p "$TMP/ro"; chmod a-w "$TMP/ro"
  run report "$OUT" -o "$TMP/ro/r.html"
  eq "read-only folder: exit 4" "$status" 4
  check "read-only folder: nothing left" bash -c '[ -z "$(ls -A "$1")" ]' _ "$TMP/ro"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
