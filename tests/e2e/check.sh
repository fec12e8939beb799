#!/usr/bin/env bash
# End-to-end tests of `sectag check` (TAP). Usage: check.sh SECTAG ROOT
#
# Runs check on the fixture codebooks in tests/check/ and on the shipped
# codebooks, and compares every report with tests/e2e/expected/check/ byte
# for byte (stdout; stderr must stay empty), with its exit status:
#  - all passing; a failing example; a failing counterexample; duplicate
#    patterns; parts of patterns that can never match (upper case, two
#    spaces, \n, an escaped accent); a polarity conflict; codes without
#    examples; BOM and CRLF line numbers; a rule that gives up on an
#    example (match limit); an invalid regex and a YAML error
#    (exit 3, with the message sectag code gives); several codebooks at
#    once; --strict; --format tap; --quiet;
#  - the shipped codebooks: shipped-es.txt and shipped-en.txt list today's
#    failures. When a codebook is fixed, rerun with SECTAG_UPDATE_EXPECTED=1
#    and review the diff: the expected exit status follows the file (0 when
#    it says "0 failed", else 1);
#  - that every LINE in a report is the line of the example's string;
#  - usage errors, --help and `sectag help check`;
#  - every ```sh block of docs/check.md followed by a ```text block.
# SECTAG_UPDATE_EXPECTED=1 rewrites the expected files and the text blocks
# of docs/check.md (then review the diff!).
set -u
SECTAG=$1
ROOT=$2
source "$(dirname "$0")/lib.sh"

C=tests/check
X=$EXP/check
update=${SECTAG_UPDATE_EXPECTED:-0}
[ "$update" = 1 ] && mkdir -p "$X"

# expect NAME STATUS ARGS...: `sectag check ARGS` exits STATUS, prints
# nothing on stderr, and its stdout is expected/check/NAME. STATUS "auto":
# 0 if the expected report says "0 failed", else 1.
expect() {
  local name=$1 want=$2
  shift 2
  run check "$@"
  [ "$update" = 1 ] && cp "$TMP/stdout" "$X/$name"
  if [ "$want" = auto ]; then
    if grep -q ': 0 failed, ' "$X/$name"; then want=0; else want=1; fi
  fi
  eq "check $*: exit $want, nothing on stderr" "$status:$(cat "$TMP/stderr")" "$want:"
  if cmp -s "$TMP/stdout" "$X/$name"; then
    ok "check $*: the report is expected/check/$name"
  else
    not_ok "check $*: the report is expected/check/$name"
    diff -u "$X/$name" "$TMP/stdout" 2>&1 | head -30 | sed 's/^/#   /'
  fi
  cat "$TMP/stdout" >>"$TMP/all-reports"
}
: >"$TMP/all-reports"

# ------------------------------------------------- fixtures, one phenomenon each
expect pass.txt 0 $C/pass.yaml
expect fail-example.txt 1 $C/fail-example.yaml
expect fail-counterexample.txt 1 $C/fail-counterexample.yaml
expect duplicate.txt 0 $C/duplicate.yaml
expect duplicate-all.txt 0 $C/duplicate-all.yaml
expect never.txt 0 $C/never.yaml
expect polarity.txt 0 $C/polarity.yaml
expect noexamples.txt 0 $C/noexamples.yaml
expect crlf.txt 1 $C/crlf.yaml
expect gave-up.txt 1 $C/gave-up.yaml
expect bad-regex.txt 3 $C/bad-regex.yaml
expect bad-yaml.txt 3 $C/bad-yaml.yaml

# a codebook that does not load: the message of sectag code
for f in bad-regex bad-yaml; do
  "$SECTAG" code -c $C/$f.yaml -o "$TMP/out-$f" tests/e2e/corpus >/dev/null 2>"$TMP/code.err"
  eq "$f: the message sectag code gives" "$(head -n -1 "$X/$f.txt")" "$(cat "$TMP/code.err")"
done
run check "$TMP/missing.yaml"
eq "a codebook that does not exist: exit 3, the path named" "$status:$(sed "s|$TMP|TMP|g" "$TMP/stdout")" \
  "3:TMP/missing.yaml: cannot read codebook: No such file or directory; check the path
sectag check: 1 codebook (1 did not load), 0 codes, 0 rules; 0 examples and 0 counterexamples checked: 0 failed, 0 warnings"

# ------------------------------------------------- several codebooks, options
expect several.txt 3 $C/pass.yaml $C/fail-counterexample.yaml $C/bad-regex.yaml $C/polarity.yaml
expect several-failed.txt 1 $C/pass.yaml $C/fail-example.yaml $C/noexamples.yaml
expect strict.txt 1 --strict $C/polarity.yaml $C/pass.yaml
expect strict-pass.txt 0 --strict $C/pass.yaml
expect tap.txt 1 --format tap $C/pass.yaml $C/fail-counterexample.yaml $C/noexamples.yaml
expect tap-strict.txt 3 --format tap --strict $C/polarity.yaml $C/bad-yaml.yaml
expect tap-quiet.txt 1 --format=tap -q $C/fail-example.yaml
expect quiet.txt 1 --quiet $C/fail-example.yaml $C/polarity.yaml $C/duplicate.yaml
expect quiet-pass.txt 0 -q $C/pass.yaml $C/polarity.yaml
expect quiet-strict.txt 1 -q --strict $C/pass.yaml $C/polarity.yaml
eq "--quiet: nothing when everything passes" "$(cat "$X/quiet-pass.txt")" ""
run check --format text $C/pass.yaml
check "--format text is the default" cmp "$TMP/stdout" "$X/pass.txt"

# TAP: the plan counts the test lines, numbered 1..N
for f in tap.txt tap-strict.txt tap-quiet.txt; do
  eq "$f: a valid TAP stream (version, plan = test lines, numbered in order)" \
    "$(awk 'NR == 1 && $0 != "TAP version 13" {print "no version"}
            /^(not )?ok / {t++; if ($1 == "ok" ? $2 != t : $3 != t) print "bad number " t}
            /^1\.\./ {plan = substr($0, 4)}
            !/^(not )?ok |^#|^1\.\.|^TAP version/ {print "stray: " $0}
            END {if (plan != t) print "plan " plan " for " t " tests"}' "$X/$f")" ""
done

# ------------------------------------------------- the shipped codebooks
# Today's failures (counterexamples that need context rules) are expected;
# the lead updates these files when the codebooks are fixed.
expect shipped-es.txt auto $ES
expect shipped-en.txt auto $EN

# ------------------------------------------------- every LINE is the example's
tap_py - "$TMP/all-reports" <<'EOF'
# In every report, "FILE:LINE: code X: example "TEXT"" must point at the
# line where the YAML string TEXT starts: that line holds TEXT's first words
# (for a block scalar, > or |, the line after it).
import os, re, sys
n = int(os.environ["TAP_START"])
seen = set()
for line in open(sys.argv[1], encoding="utf-8"):
    m = re.match(r'^(?:(?:not )?ok \d+ - )?(\S+?\.yaml):(\d+): (?:warning: )?(?:code \S+: )?(?:counter)?example "((?:[^"\\]|\\.)*)"', line)
    if not m or (m.group(1), m.group(2)) in seen:
        continue
    seen.add((m.group(1), m.group(2)))
    path, num, text = m.group(1), int(m.group(2)), m.group(3)
    text = re.sub(r'\\(.)', r'\1', text)
    src = open(path, encoding="utf-8-sig", newline="").read().replace("\r\n", "\n").split("\n")
    words = " ".join(text.split()[:2]).replace('"', "")
    at = src[num - 1]
    if re.search(r"[>|][-+0-9]*\s*$", at):  # a block scalar: its text starts below
        at = src[num]
    n += 1
    good = words in at.replace('\\"', "").replace('"', "")
    print(("ok" if good else "not ok") + f" {n} - {path}:{num} holds the start of {text[:40]!r}")
    if not good:
        print(f"#   line {num}: {src[num - 1]!r}")
EOF

# ------------------------------------------------- usage
run check
eq "no CODEBOOK: exit 2" "$status:$(cat "$TMP/stdout")$(cat "$TMP/stderr")" \
  "2:sectag check: missing a CODEBOOK (for example codebooks/securitization-es.yaml)
Try 'sectag check --help'."
run check --format json $C/pass.yaml
eq "--format json: exit 2" "$status:$(cat "$TMP/stdout")$(cat "$TMP/stderr")" \
  "2:sectag check: --format is text or tap, not 'json'
Try 'sectag check --help'."
run check --strcit $C/pass.yaml
eq "an unknown option: exit 2" "$status:$(cat "$TMP/stdout")$(sed 1d "$TMP/stderr")" \
  "2:Try 'sectag check --help'."
run check --help
eq "--help: exit 0, every option and exit status, the example" \
  "$status:$(for o in --strict --quiet --format tap --help 'sectag check codebooks/securitization-es.yaml' 'Exit status: 0' '1 an' '2 usage' '3 a codebook' '4 cannot'; do grep -c -- "$o" "$TMP/stdout" | sed "s|^0\$|missing $o|;s|^[0-9]*\$||"; done | tr -d '\n')" "0:"
run help check
check "sectag help check: the same text" cmp "$TMP/stdout" <("$SECTAG" check --help)
run --help
check "sectag --help lists check" grep -q '^  check ' "$TMP/stdout"

# ------------------------------------------------- docs/check.md
mkdir -p "$TMP/doc" "$TMP/bin"
ln -s "$SECTAG" "$TMP/bin/sectag"
tap_py "$HERE/doc_blocks.py" "$ROOT/docs/check.md" "$TMP/doc" "$TMP/bin"

echo "1..$n"
[ "$failed" -eq 0 ]
