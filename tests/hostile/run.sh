#!/usr/bin/env bash
# Hostile inputs and failure handling (TAP). Usage: run.sh SECTAG ROOT
#
# Every case runs sectag on a bad input next to a good document and checks
# the exact message, the exit status, that no temporary or partial output
# is left, and that the good document was still coded. Big inputs are made
# at test time, never committed. See docs/reliability.md.
set -u
SECTAG=$1
ROOT=$2
source "$ROOT/tests/e2e/lib.sh"
H=tests/hostile
GOOD_ROW="good,,,,sec.war,guerra"

# the messages, with the scratch folder and the timing masked
msgs() { sed -E "s|$TMP|TMP|g; s/[0-9.]+ s \([0-9.]+ MB\/s\)/T s (R MB\/s)/" "$TMP/stderr"; }
ms() { echo $(($(date +%s%N) / 1000000)); }
# a folder with the good document and the files given as NAME=printf-format
good_dir() { # good_dir DIR
  mkdir -p "$1"
  printf 'La guerra contra el narco no termina.\n' >"$1/good.txt"
}
# the good document's match, and no temporary file in OUTDIR
good_coded() { # good_coded LABEL OUTDIR [CODE]
  eq "$1: the good document is coded" \
    "$(grep -c "^good,.*,${3:-sec\.war},.*guerra" "$2/matches.csv" 2>/dev/null)" 1
  check "$1: no temporary file left" no_temp_files "$2"
}

# ------------------------------------------------- signals
python3 - "$TMP/many" <<'PY'
import os, sys
d = sys.argv[1]; os.makedirs(d)
for i in range(10000):
    with open(f"{d}/d{i:05d}.txt", "w") as f:
        f.write("La guerra contra el narco. Paz y diálogo.\n")
PY
for sig in INT TERM; do
  want=130; [ $sig = TERM ] && want=143
  out="$TMP/sig-$sig"
  "$SECTAG" code -q -c $ES -o "$out" "$TMP/many" >"$TMP/stdout" 2>"$TMP/stderr" &
  pid=$!
  # wait for the first TEI file, so that some are written when the signal
  # comes (a folder alone may be all there is for a moment)
  for _ in $(seq 1000); do compgen -G "$out/tei/*.xml" >/dev/null && break; sleep 0.01; done
  kill -$sig $pid
  wait $pid
  status=$?
  eq "SIG$sig during a run: exit $want and the message" "$status:$(msgs)" \
    "$want:sectag: SIG$sig: interrupted; no tables were written and no temporary file is left; TEI files of documents coded before are complete"
  check "SIG$sig during a run: no temporary file left" no_temp_files "$out"
  eq "SIG$sig during a run: no table written" "$(ls "$out" | tr '\n' ' ')" "tei "
  check "SIG$sig during a run: every TEI file left is complete" \
    bash -c "for f in '$out'/tei/*.xml; do [ -e \"\$f\" ] || continue; tail -c 7 \"\$f\" | grep -q '</TEI>' || exit 1; done"
done
rm -rf "$TMP/sig-INT" "$TMP/sig-TERM"

# ------------------------------------------------- bad input files
# one_file LABEL FILE STATUS MESSAGE [in|out]: FILE next to good.txt; the
# bad document is in documents.csv (in) or not (out, the default)
one_file() {
  local label=$1 file=$2 want=$3 msg=$4 where=${5:-out}
  local d="$TMP/c$n" base; base=$(basename "$file"); base=${base%.*}
  good_dir "$d/in"; mv "$file" "$d/in/"
  run code -q -c $ES -o "$d/out" "$d/in"
  eq "$label: exit $want and the message" "$status:$(msgs)" "$want:$msg"
  good_coded "$label" "$d/out"
  local inside; inside=$(cut -d, -f1 "$d/out/documents.csv" | grep -cx "$base")
  if [ "$where" = in ]; then eq "$label: the document is coded" "$inside" 1
  else eq "$label: the document is in no output" "$inside:$(test -e "$d/out/tei/$base.xml" && echo tei)" 0:; fi
}
U8="if the text is in another encoding, name it with --encoding (e.g. --encoding cp1252)"
printf 'abc \xc0\xaf def\n' >"$TMP/overlong.txt"
one_file "invalid UTF-8, overlong" "$TMP/overlong.txt" 1 \
  "TMP/c$n/in/overlong.txt:1:5: invalid UTF-8 at byte offset 4 (byte 0xC0: an overlong encoding); $U8"
printf 'abc \xed\xa0\x80 def\n' >"$TMP/surrogate.txt"
one_file "invalid UTF-8, surrogate" "$TMP/surrogate.txt" 1 \
  "TMP/c$n/in/surrogate.txt:1:5: invalid UTF-8 at byte offset 4 (byte 0xED: a UTF-16 surrogate); $U8"
printf 'abc def \xc3' >"$TMP/truncated.txt"
one_file "invalid UTF-8, truncated at the end" "$TMP/truncated.txt" 1 \
  "TMP/c$n/in/truncated.txt:1:9: invalid UTF-8 at byte offset 8 (byte 0xC3: a truncated multi-byte sequence); $U8"
printf 'abc \x80 def\n' >"$TMP/stray.txt"
one_file "invalid UTF-8, stray continuation byte" "$TMP/stray.txt" 1 \
  "TMP/c$n/in/stray.txt:1:5: invalid UTF-8 at byte offset 4 (byte 0x80: a continuation byte without a lead byte); $U8"
printf 'abc \xff def\n' >"$TMP/ff.txt"
one_file "invalid UTF-8, byte 0xFF" "$TMP/ff.txt" 1 \
  "TMP/c$n/in/ff.txt:1:5: invalid UTF-8 at byte offset 4 (byte 0xFF: a byte that never occurs in UTF-8); $U8"
printf 'abc\0def\n' >"$TMP/nul.txt"
one_file "NUL byte" "$TMP/nul.txt" 1 \
  "TMP/c$n/in/nul.txt:1:4: NUL byte at byte offset 3: this is not a UTF-8 text file; if it is UTF-16, run again with --encoding utf-16"
printf 'La guerra \xe9 ma\xf1ana\n' >"$TMP/latin1.txt"
one_file "Latin-1 without --encoding" "$TMP/latin1.txt" 1 \
  "TMP/c$n/in/latin1.txt:1:11: invalid UTF-8 at byte offset 10 (byte 0xE9: a truncated multi-byte sequence); $U8"
: >"$TMP/empty.txt"
one_file "an empty file" "$TMP/empty.txt" 0 \
  "TMP/c$n/in/empty.txt: warning: no words in this document (it is empty or holds only punctuation); it is kept in the outputs with 0 tokens" in
printf 'La guerra\x01\x08 contra\x1b el narco\n' >"$TMP/ctrl.txt"
one_file "XML-forbidden control characters" "$TMP/ctrl.txt" 0 \
  "TMP/c$n/in/ctrl.txt:1:10: warning: 3 characters that XML 1.0 forbids (the first is U+0001) replaced by U+FFFD in the TEI output" in
check "XML-forbidden control characters: the TEI is well-formed" xmllint --noout "$TMP/c$((n - 4))/out/tei/ctrl.xml"
printf 'La paz\xef\xbb\xbf y el diálogo\n' >"$TMP/bom.txt"
one_file "a BOM in the middle of a file (kept as U+FEFF, no message)" "$TMP/bom.txt" 0 "" in
printf '<html><body><script>var s = "PRESIDENTE: la guerra total";</script><p>Paz y diálogo.</p></body></html>\n' >"$TMP/page.html"
one_file "HTML with speech-like text in <script>" "$TMP/page.html" 0 "" in
eq "HTML <script>: its text is not coded" "$(grep '^page,' "$TMP/c$((n - 4))/out/matches.csv" | grep -c guerra)" 0
printf '<?xml version="1.0"?>\n<!DOCTYPE TEI SYSTEM "http://127.0.0.1:9/x.dtd">\n<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>La paz.</p></body></text></TEI>\n' >"$TMP/dtd.xml"
one_file "XML with an external DTD (not fetched)" "$TMP/dtd.xml" 0 "" in
cp tests/e2e/intake/hostile/xxe.xml "$TMP/xxe.xml"
one_file "XML with an external entity" "$TMP/xxe.xml" 1 \
  "TMP/c$n/in/xxe.xml:2:17: the XML declares entities in a DTD (<!ENTITY secret ...>); sectag never expands or fetches entities: remove the DOCTYPE and write the characters themselves"
cp tests/e2e/intake/hostile/laughs.xml "$TMP/laughs.xml"
one_file "XML billion laughs" "$TMP/laughs.xml" 1 \
  "TMP/c$n/in/laughs.xml:3:2: the XML declares entities in a DTD (<!ENTITY lol ...>); sectag never expands or fetches entities: remove the DOCTYPE and write the characters themselves"

# a directory symlink loop
good_dir "$TMP/loop/in"; mkdir "$TMP/loop/in/sub"; ln -s .. "$TMP/loop/in/sub/up"
run code -q -c $ES -o "$TMP/loop/out" "$TMP/loop/in"
eq "a directory symlink loop: exit 0 and a warning" "$status:$(msgs)" \
  "0:TMP/loop/in/sub/up: warning: directory loop (a symbolic link back to a parent); skipped"
good_coded "a directory symlink loop" "$TMP/loop/out"

# a file that is gone: listed in a manifest, absent on disk
good_dir "$TMP/gone/in"; printf 'path\ngood.txt\ngone.txt\n' >"$TMP/gone/in/manifest.csv"
run code -q -c $ES -o "$TMP/gone/out" --manifest "$TMP/gone/in/manifest.csv"
eq "a listed file that does not exist: exit 1" "$status:$(msgs)" \
  "1:TMP/gone/in/manifest.csv:3:1: 'gone.txt' does not exist; fix the path (relative to the manifest's folder)"
good_coded "a listed file that does not exist" "$TMP/gone/out"

# ------------------------------------------------- big inputs
TIME=/usr/bin/time; [ -x $TIME ] || TIME=
good_dir "$TMP/big/in"
{ head -c 200000000 /dev/zero | tr '\0' a; echo; } >"$TMP/big/in/line.txt"
t0=$(ms)
${TIME:+$TIME -f %M -o "$TMP/rss"} "$SECTAG" code -q -c $ES -o "$TMP/big/out" "$TMP/big/in" >"$TMP/stdout" 2>"$TMP/stderr"
status=$?; t1=$(ms)
eq "a 200 MB line: coded, exit 0" "$status:$(msgs):$(cut -d, -f1,8 "$TMP/big/out/documents.csv" | grep '^line,' | tr -d '\r')" "0::line,1"
good_coded "a 200 MB line" "$TMP/big/out"
echo "# 200 MB line: $((t1 - t0)) ms, peak RSS $(cat "$TMP/rss" 2>/dev/null) KB"
check "a 200 MB line: under 90 s" test $((t1 - t0)) -lt $((90000 * TIME_SCALE))
[ -n "$TIME" ] && check "a 200 MB line: peak memory under 4 GB" test "$(tail -1 "$TMP/rss")" -lt 4000000
rm -rf "$TMP/big"

good_dir "$TMP/tiny"
python3 - "$TMP/tiny" <<'PY'
import sys
d = sys.argv[1]
for i in range(100000):
    with open(f"{d}/t{i:06d}.txt", "w") as f:
        f.write("Paz.\n")
PY
t0=$(ms)
run code -q -c $ES -o "$TMP/tiny-out" "$TMP/tiny"
t1=$(ms)
eq "100,000 tiny files and a good one: exit 0, 100,001 rows" "$status:$(msgs):$(($(wc -l <"$TMP/tiny-out/documents.csv") - 1))" "0::100001"
good_coded "100,000 tiny files" "$TMP/tiny-out"
echo "# 100,001 files: $((t1 - t0)) ms"
check "100,000 tiny files: under 60 s" test $((t1 - t0)) -lt $((60000 * TIME_SCALE))
rm -rf "$TMP/tiny" "$TMP/tiny-out"

# ------------------------------------------------- hostile codebooks
good_dir "$TMP/g"
cb() { # cb NAME EXTRA: a codebook with sec/guerra and EXTRA appended
  printf 'sectag: 1\nname: t\n%scodes:\n  sec:\n    label: War\n    polarity: securitizing\n    patterns:\n      - guerra\n%s' "${3:-}" "$2" >"$TMP/$1.yaml"
}
bad_cb() { # bad_cb LABEL NAME MESSAGE: exit 3, the message, nothing written
  run code -c "$TMP/$2.yaml" -o "$TMP/o-$2" "$TMP/g"
  eq "$1: exit 3, the message, nothing written" "$status:$(msgs):$(test -e "$TMP/o-$2" && echo written)" "3:$3:"
}
{ head -c 100000 /dev/zero | tr '\0' a; echo; } >"$TMP/g/aaa.txt"
cb cat "      - {id: nested-repeat, pattern: '(a+)+\$'}
"
t0=$(ms); run code -q -c "$TMP/cat.yaml" -o "$TMP/o-cat" "$TMP/g"; t1=$(ms)
eq "catastrophic rule (a+)+\$ on 100 KB of a: exit 1, the rule named" "$status:$(msgs)" \
  "1:TMP/g/aaa.txt:1:1: rule 'nested-repeat' (code sec) gave up: match limit exceeded (it backtracks too much, e.g. nested repeats like (a+)+); simplify the pattern in TMP/cat.yaml line 9"
echo "# catastrophic rule: $((t1 - t0)) ms"
check "catastrophic rule: under 2 s" test $((t1 - t0)) -lt $((2000 * TIME_SCALE))
good_coded "catastrophic rule" "$TMP/o-cat" sec
rm "$TMP/g/aaa.txt"

cb zero "      - {id: empty, pattern: 'x*'}
"
bad_cb "a zero-width pattern" zero \
  "TMP/zero.yaml:9:30: rule 'empty' (code sec): the pattern can match empty text; make it match at least one character (for example 'guerras?' rather than '(guerras)?')"
cb every "  all:
    label: All
    polarity: neutral
    patterns:
      - {id: word, pattern: '\\w+'}
" "overlap: all
"
run code -q -c "$TMP/every.yaml" -o "$TMP/o-every" "$TMP/g"
eq "a rule matching every word (overlap: all): exit 0, every word and the code" \
  "$status:$(msgs):$(cut -d, -f5,10 "$TMP/o-every/matches.csv" | tr -d '\r' | tr '\n' ' ')" \
  "0::code,text all,La sec,guerra all,guerra all,contra all,el all,narco all,no all,termina "
python3 - "$TMP/10k.yaml" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("sectag: 1\nname: t\ncodes:\n  sec:\n    label: War\n    polarity: securitizing\n    patterns:\n      - guerra\n")
    for i in range(10000):
        f.write(f"      - {{id: r{i}, pattern: 'palabra{i}x'}}\n")
PY
t0=$(ms); run code -q -c "$TMP/10k.yaml" -o "$TMP/o-10k" "$TMP/g"; t1=$(ms)
eq "10,000 rules: exit 0" "$status:$(msgs)" "0:"
good_coded "10,000 rules" "$TMP/o-10k" sec
echo "# 10,000 rules: $((t1 - t0)) ms"
python3 -c "print('sectag: 1\nname: t\ncodes:\n  sec:\n    label: War\n    polarity: securitizing\n    patterns: [guerra]\n  x: ' + '[' * 5000 + ']' * 5000)" >"$TMP/deep.yaml"
bad_cb "deeply nested YAML (5,000 levels)" deep \
  "TMP/deep.yaml:8:6: code 'x' must be a mapping with keys such as label, polarity and patterns"
python3 - "$TMP/bomb.yaml" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("sectag: 1\nname: t\ncodes:\n  sec:\n    label: War\n    polarity: securitizing\n")
    f.write("    definition: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n    patterns: [guerra]\n")
    for i in range(1, 10):
        f.write(f"  c{i}:\n    label: L\n    polarity: neutral\n    definition: &a{i} [" + ", ".join([f"*a{i-1}"] * 9) + "]\n    patterns: [paz]\n")
PY
bad_cb "a YAML anchor bomb" bomb "TMP/bomb.yaml:7:17: anchors and aliases (&name, *name) are not supported in codebooks"
cb dup "  sec:
    label: Again
    polarity: securitizing
    patterns: [paz]
"
bad_cb "a duplicate code id" dup "TMP/dup.yaml:9:3: duplicate code id 'sec' (first defined at line 4)"
printf 'sectag: 1\nname: t\ncodes:\n  sec:\n    label: War\n    polarity: scary\n    patterns: [guerra]\n' >"$TMP/pol.yaml"
bad_cb "an unknown polarity" pol "TMP/pol.yaml:6:15: unknown polarity 'scary' in code 'sec'; use securitizing, desecuritizing or neutral"

# ------------------------------------------------- outputs
touch "$TMP/afile"
run code -c $ES -o "$TMP/afile/out" "$TMP/g"
eq "a file in the way of OUTDIR: exit 4, nothing written" "$status:$(msgs):$(test -s "$TMP/afile" && echo written)" \
  "4:TMP/afile: cannot create output directory: a file of that name is in the way; choose another OUTDIR with -o
sectag: no tables were written and no TEI file:"
run code -q -c $ES -o "$TMP/new/a/b" "$TMP/g"
eq "an OUTDIR below folders that do not exist: created (mkdir -p), exit 0" "$status:$(msgs)" "0:"
good_coded "OUTDIR below new folders" "$TMP/new/a/b"

good_dir "$TMP/fs/in"; mv "$TMP/fs/in/good.txt" "$TMP/fs/in/a-good.txt"
python3 -c "print('La paz llega. ' * 20000)" >"$TMP/fs/in/b-big.txt"
bash -c 'trap "" XFSZ; ulimit -f 100; exec "$0" "$@"' "$SECTAG" code -c $ES -o "$TMP/fs/out" "$TMP/fs/in" >"$TMP/stdout" 2>"$TMP/stderr"
status=$?
eq "a full disk (ulimit -f 100): exit 4, the file named" "$status:$(msgs)" \
  "4:TMP/fs/out/tei/b-big.xml: cannot write output file: File too large; nothing was left half-written (free space or choose another OUTDIR)
sectag: no tables were written; the TEI files of the 1 document coded before the error are complete"
eq "a full disk: only complete files are left" "$(cd "$TMP/fs/out" && find . -type f | sort | tr '\n' ' ')" "./tei/a-good.xml "
check "a full disk: the TEI left is complete" xmllint --noout "$TMP/fs/out/tei/a-good.xml"

# ------------------------------------------------- failure injection
# The LD_PRELOAD shim tests/hostile/failwrite.c makes the Nth write(2) fail
# with ENOSPC, or the Nth rename(2) with EIO. For every N up to the last call
# of a run: exit 4, the first message names the file that could not be
# written, no temporary file is left, and every file in OUTDIR is complete:
# byte-identical to the same file of a run without failures.
FW=${3:-}
if [ -z "$FW" ] || [ ! -f "$FW" ]; then
  not_ok "the failure-injection shim was built (third argument: failwrite.so)"
else
  preload() { ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 LD_PRELOAD=$FW "$@"; }
  F=$TMP/fw
  mkdir -p "$F/in"
  cp corpora/sample/es/*.txt "$F/in/"
  "$SECTAG" code -q -c $ES -o "$F/ref" "$F/in" >/dev/null 2>&1
  FAILWRITE_COUNT=$F/count preload "$SECTAG" code -q -c $ES -o "$F/counted" "$F/in" >/dev/null 2>&1
  check "the shim changes nothing when no failure is asked for" diff -r "$F/ref" "$F/counted"
  read -r nwrites nrenames <"$F/count"
  eq "writes and renames of a run: one per TEI file and one per table" "$nwrites $nrenames" "9 9"
  # the files in the order they are written: TEI files, then the tables
  files=()
  for f in "$F"/in/*.txt; do b=${f##*/}; files+=("tei/${b%.txt}.xml"); done
  files+=(codes.csv terms.csv matches.csv documents.csv speakers.csv)
  for kind in WRITE RENAME; do
    why="No space left on device"; [ $kind = RENAME ] && why="Input/output error"
    for ((k = 1; k <= 9; k++)); do
      out=$F/$kind-$k
      env FAILWRITE_$kind=$k ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
        LD_PRELOAD="$FW" "$SECTAG" code -q -c $ES -o "$out" "$F/in" >"$TMP/stdout" 2>"$TMP/stderr"
      status=$?
      name=${files[$((k - 1))]}
      if [ $k -le 4 ]; then
        last="sectag: no tables were written; the TEI files of the $((k - 1)) documents coded before the error are complete"
        [ $k = 1 ] && last="sectag: no tables were written and no TEI file"
        [ $k = 2 ] && last="sectag: no tables were written; the TEI files of the 1 document coded before the error are complete"
      elif [ $kind = WRITE ] || [ $k = 5 ]; then
        last="sectag: no tables were written; the TEI files of the 4 documents coded before the error are complete"
      else
        last="sectag: only $((k - 5)) of the 5 tables were put into place (a rename failed), so the others are missing or left from an earlier run; run again"
      fi
      eq "${kind,,} $k of 9 fails: exit 4, $name named" "$status:$(sed "s|$out/|OUT/|" "$TMP/stderr")" \
        "4:OUT/$name: cannot write output file: $why; nothing was left half-written (free space or choose another OUTDIR)
$last"
      # what is left: no temporary file, not the named file, and all else complete
      left=$(cd "$out" && find . -name '.*' -type f; find . -type f ! -name '.*' | sed 's|^\./||' | while read -r r; do
        cmp -s "$r" "$F/ref/$r" || echo "incomplete: $r"; [ "$r" = "$name" ] && echo "named but there: $r"; done)
      eq "${kind,,} $k of 9 fails: only complete files are left" "$left" ""
    done
  done
  eq "write 9 of 9 fails: no table is left" "$(ls "$F/WRITE-9")" "tei"
  eq "rename 7 of 9 fails: the first two tables are in place" "$(cd "$F/RENAME-7" && ls *.csv | tr '\n' ' ')" \
    "codes.csv terms.csv "

  # a write that fails in the middle of a file: 512 bytes at a time, the
  # 5th write fails, inside the first TEI file (about 7 KB)
  FAILWRITE_SHORT=512 FAILWRITE_WRITE=5 preload "$SECTAG" code -q -c $ES -o "$F/mid" "$F/in" \
    >"$TMP/stdout" 2>"$TMP/stderr"
  status=$?
  eq "a write failing in the middle of a file: exit 4, the file named" \
    "$status:$(sed "s|$F/mid/|OUT/|" "$TMP/stderr" | head -1)" \
    "4:OUT/${files[0]}: cannot write output file: No space left on device; nothing was left half-written (free space or choose another OUTDIR)"
  eq "a write failing in the middle of a file: nothing is left, not even part of it" \
    "$(cd "$F/mid" && find . -type f | sort | tr '\n' ' ')" ""

  # short writes: the writer must retry until every byte is out
  FAILWRITE_SHORT=7 preload "$SECTAG" code -q -c $ES -o "$F/short" "$F/in" >/dev/null 2>&1
  check "write(2) writing 7 bytes at a time: the outputs are byte-identical" diff -r "$F/ref" "$F/short"

  # a file that vanishes mid-run: listed, then deleted just before it is opened
  cp -r "$F/in" "$F/vanish"
  FAILWRITE_VANISH=/entrevista-2022-06-10.txt preload "$SECTAG" code -q -c $ES -o "$F/vout" "$F/vanish" \
    >"$TMP/stdout" 2>"$TMP/stderr"
  status=$?
  eq "a file that vanishes mid-run: exit 1, the file named, the others coded" \
    "$status:$(sed "s|$F/vanish/|IN/|" "$TMP/stderr")" \
    "1:IN/entrevista-2022-06-10.txt: cannot open: No such file or directory; it was deleted or moved after the run began (check the path, or run again when nothing is changing it)"
  eq "a file that vanishes mid-run: the three others are in documents.csv" \
    "$(cut -d, -f1 "$F/vout/documents.csv" | tail -n +2 | tr '\n' ' ')" \
    "conferencia-2008-01-22 mananera-2019-03-12 mensaje-2014-09-02 "
  same_tei() { for f in conferencia-2008-01-22 mananera-2019-03-12 mensaje-2014-09-02; do
    cmp <(grep -v '<idno type="path">' "$F/ref/tei/$f.xml") <(grep -v '<idno type="path">' "$F/vout/tei/$f.xml") || return 1
  done; }
  check "a file that vanishes mid-run: the other TEI files equal a run without failures (but the path)" same_tei
  check "a file that vanishes mid-run: no temporary file left" no_temp_files "$F/vout"
fi

# a real full disk: a 1 MB tmpfs, where mounting one is allowed (root)
if mkdir -p "$TMP/tmpfs" && mount -t tmpfs -o size=1m tmpfs "$TMP/tmpfs" 2>/dev/null; then
  python3 -c "print('La guerra y la paz. ' * 60000)" >"$TMP/fsin.txt"
  cp corpora/sample/es/conferencia-2008-01-22.txt "$TMP/a-small.txt"
  run code -q -c $ES -o "$TMP/tmpfs/out" "$TMP/a-small.txt" "$TMP/fsin.txt"
  eq "a full tmpfs (ENOSPC): exit 4, the file named" "$status:$(msgs | head -1)" \
    "4:TMP/tmpfs/out/tei/fsin.xml: cannot write output file: No space left on device; nothing was left half-written (free space or choose another OUTDIR)"
  eq "a full tmpfs: only the complete TEI file is left" "$(cd "$TMP/tmpfs/out" && find . -type f | sort | tr '\n' ' ')" \
    "./tei/a-small.xml "
  umount "$TMP/tmpfs"
else
  echo "ok $((n += 1)) - # SKIP a full tmpfs: mounting one needs root"
fi

# ------------------------------------------------- determinism
# det_run DIR ENV...: the samples and the intake fixtures coded into DIR,
# with the environment assignments ENV (through env)
det_run() {
  d=$1
  shift
  env "$@" "$SECTAG" code -q -c $ES -o "$d/es" corpora/sample/es >/dev/null 2>&1
  env "$@" "$SECTAG" code -q -c $EN -o "$d/en" corpora/sample/en >/dev/null 2>&1
  env "$@" "$SECTAG" code -q -c $ES -o "$d/intake" --speakers tests/e2e/intake/speakers.tsv \
    --periods $MX tests/e2e/intake/md tests/e2e/intake/html tests/e2e/intake/tei tests/e2e/intake/hostile >/dev/null 2>&1
}
for i in 1 2 3; do det_run "$TMP/det$i"; done
check "determinism: run 1 and run 2 are byte-identical" diff -r "$TMP/det1" "$TMP/det2"
check "determinism: run 1 and run 3 are byte-identical" diff -r "$TMP/det1" "$TMP/det3"
# the prefilter (docs/performance.md) and the expansions
# (docs/architecture.md) must not change a byte
det_run "$TMP/det-nopf" SECTAG_NO_PREFILTER=1
check "the prefilter changes nothing: SECTAG_NO_PREFILTER=1 gives byte-identical outputs" \
  diff -r "$TMP/det1" "$TMP/det-nopf"
det_run "$TMP/det-noex" SECTAG_NO_EXPAND=1
check "the expansions change nothing: SECTAG_NO_EXPAND=1 gives byte-identical outputs" \
  diff -r "$TMP/det1" "$TMP/det-noex"

echo "1..$n"
[ "$failed" -eq 0 ]
