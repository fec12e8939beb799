#!/usr/bin/env bash
# Runs sectag under valgrind memcheck on the e2e corpus, a failing document
# and an invalid codebook (TAP). JIT is off: valgrind cannot follow JIT code.
# Usage: valgrind.sh SECTAG ROOT
set -u
SECTAG=$1; ROOT=$2
cd "$ROOT" || exit 1
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
if ! command -v valgrind >/dev/null; then echo "1..0 # SKIP valgrind not installed"; exit 0; fi
n=0; failed=0
vg() { # vg NAME EXPECTED_STATUS ARGS...
  local name=$1 want=$2; shift 2
  SECTAG_NO_JIT=1 valgrind -q --error-exitcode=99 --leak-check=full \
    --errors-for-leak-kinds=definite,indirect "$SECTAG" "$@" >"$TMP/out" 2>&1
  local st=$?
  n=$((n + 1))
  if [ "$st" -eq "$want" ]; then echo "ok $n - valgrind: $name"; else
    failed=$((failed + 1)); echo "not ok $n - valgrind: $name (status $st, expected $want)"
    grep '^==' "$TMP/out" | head -30 | sed 's/^/#   /'
  fi
}
mkdir -p "$TMP/in"
cp tests/e2e/corpus/es/*.txt "$TMP/in/"
printf 'caf\xe9\n' >"$TMP/in/bad.txt"
vg "the e2e corpus" 0 code -q -c tests/e2e/codebook.yaml -o "$TMP/a" tests/e2e/corpus
vg "overlap all" 0 code -q -c tests/e2e/codebook-all.yaml -o "$TMP/b" tests/e2e/corpus
vg "a document that fails" 1 code -q -c tests/e2e/codebook.yaml -o "$TMP/c" "$TMP/in"
vg "an invalid regex" 3 code -q -c tests/e2e/errors/bad-regex.yaml -o "$TMP/d" "$TMP/in"
vg "an unknown key" 3 code -q -c tests/e2e/errors/unknown-key.yaml -o "$TMP/d" "$TMP/in"
vg "catastrophic backtracking" 1 code -q -c tests/e2e/errors/catastrophic.yaml -o "$TMP/e" tests/e2e/corpus "$TMP/in"
vg "words: and context rules" 0 code -q -c tests/e2e/codebook-context.yaml -o "$TMP/ctx" tests/e2e/corpus
vg "check: a codebook with a failing counterexample" 1 check tests/check/fail-counterexample.yaml
I=tests/e2e/intake
vg "md transcript, speakers, role filter, periods" 0 code -q -c codebooks/securitization-es.yaml \
  -o "$TMP/f" --speakers $I/speakers.tsv --role president --periods corpora/periods/mexico-presidents.tsv $I/md
vg "HTML, TEI and JSONL/CSV records" 0 code -q -c codebooks/securitization-es.yaml -o "$TMP/g" \
  $I/html $I/tei $I/records/sotu.jsonl $I/records/statements.csv
vg "Latin-1 with --encoding" 0 code -q -c codebooks/securitization-es.yaml -o "$TMP/h" --encoding cp1252 $I/latin1
vg "a manifest with bad rows" 1 code -q -c codebooks/securitization-es.yaml -o "$TMP/i" \
  --meta-from-name '{date}' --manifest $I/manifest/manifest.csv
vg "hostile inputs (entities, binary, bad JSON)" 1 code -q -c codebooks/securitization-es.yaml -o "$TMP/j" $I/hostile
vg "overlapping periods" 2 code -q -c codebooks/securitization-es.yaml -o "$TMP/k" \
  --periods tests/periods/overlap.tsv $I/md
vg "compare: keyness with stopwords" 0 compare "$TMP/f" "$TMP/g" --by group --target "López Obrador" \
  --stopwords es --format csv -o "$TMP/key.csv"
vg "compare: balance and a time series" 0 compare "$TMP/g" --by year --balance --format csv -o "$TMP/bal.csv"
vg "compare: one group only (an error)" 2 compare "$TMP/f" --by group
echo "1..$n"
[ "$failed" -eq 0 ]
