#!/bin/sh
# tests/fuzz/run.sh [SECONDS]: builds the libFuzzer targets (build-fuzz, clang,
# ASan + UBSan), makes a seed corpus per target from the repository's own
# files (in a temporary folder; nothing is written into the tree but
# build-fuzz), runs every target for SECONDS (default 60) and prints, per
# target, the runs, the coverage (cov: and ft: of libFuzzer's last status
# line) and OK or CRASH. Crash inputs are kept in $FUZZ_OUT (default: the
# temporary folder, printed at the end). Exit status 1 if any target crashed.
#
# Environment: FUZZ_TARGETS="fuzz_date fuzz_codebook" runs only those;
# FUZZ_JOBS=N runs N targets at once (default 1); FUZZ_OUT=DIR keeps the
# corpora and logs there.
set -u
secs=${1:-60}
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$root/build-fuzz
cd "$root" || exit 2

if [ ! -f "$build/build.ninja" ]; then
  CC=clang meson setup "$build" -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
    >/dev/null || { echo "run.sh: meson setup failed (is clang installed?)" >&2; exit 2; }
fi
ninja -C "$build" >/dev/null || { echo "run.sh: build failed" >&2; exit 2; }

out=${FUZZ_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/sectag-fuzz.XXXXXX")}
mkdir -p "$out"

# seed DIR PREFIX FILE...: copies each file into DIR, its name a counter; a
# PREFIX byte (octal, e.g. '\000') is put in front when the target takes a
# selector byte first.
seed() {
  dir=$out/seeds/$1; pre=$2; shift 2
  mkdir -p "$dir"
  n=$(ls "$dir" | wc -l)
  for f in "$@"; do
    [ -f "$f" ] || continue
    [ "$(wc -c < "$f")" -le 65536 ] || continue
    n=$((n + 1))
    if [ -n "$pre" ]; then { printf "$pre"; cat "$f"; } > "$dir/$n"; else cp "$f" "$dir/$n"; fi
  done
}
files() { find "$@" -type f 2>/dev/null | sort; }

txt=$(files corpora/sample tests/e2e/corpus tests/e2e/intake tests/corpus-in -name '*.txt')
md=$(files tests/e2e/intake tests/e2e/corpus corpora/sample -name '*.md')
html=$(files tests/readers tests/e2e/intake -name '*.htm*')
xml=$(files tests/readers tests/e2e/intake -name '*.xml')
yaml=$(files codebooks tests/codebook tests/check tests/e2e -name '*.y*ml')
# shellcheck disable=SC2086
{
  seed fuzz_tokenize '' $txt $md
  seed fuzz_codebook '' $yaml
  seed fuzz_reader_txt '' $txt
  seed fuzz_reader_md '' $md $txt
  seed fuzz_reader_html '' $html
  seed fuzz_reader_tei '' $xml
  seed fuzz_records '\000' $(files tests/corpus-in tests/e2e/intake -name '*.jsonl')
  seed fuzz_records '\001' $(files tests/corpus-in tests/e2e/intake tests/e2e/corpus -name '*.csv')
  seed fuzz_pipeline '\000' $(echo "$txt" | head -20)
  seed fuzz_pipeline '\001' $md
  seed fuzz_pipeline '\002' $html
  seed fuzz_pipeline '\003' $xml
  seed fuzz_import '\000' tests/import/*.dic
  seed fuzz_import '\001' tests/import/*.yml
  seed fuzz_import '\002' tests/import/*.ykd
  seed fuzz_import '\003' tests/import/*.lc3
  seed fuzz_import '\004' tests/import/*.cat
  seed fuzz_tei_doc '\000' $(files tests/e2e/expected -name '*.xml' | head -40)
}
# prefilter: every pattern of the shipped codebooks and of the prefilter
# test, each with a line of a sample transcript
mkdir -p "$out/seeds/fuzz_prefilter"
i=0
{
  grep -ho "^ *- *'[^']*'" codebooks/*.yaml | sed "s/^ *- *'//; s/'\$//"
  grep -ho 'S_case("[^"]*"' tests/test_prefilter.c | sed 's/^S_case("//; s/"$//; s/\\\\/\\/g'
} 2>/dev/null | sort -u | while IFS= read -r pat; do
  i=$((i + 1))
  { printf '%s\n' "$pat"; sed -n "$((i % 40 + 1))p" corpora/sample/es/*.txt | head -c 600; } \
    >"$out/seeds/fuzz_prefilter/$i"
done
# dates: the ones the test suite and the period tables use, one per file
mkdir -p "$out/seeds/fuzz_date"
i=0
{
  cut -f1,2 tests/periods/*.tsv corpora/periods/*.tsv | tr '\t' '\n'
  grep -ho '"[^"]*20[0-9][0-9][^"]*"' tests/test_date.c | tr -d '"'
} 2>/dev/null | grep -v '^#' | sort -u | while IFS= read -r line; do
  i=$((i + 1)); printf '%s' "$line" > "$out/seeds/fuzz_date/$i"
done

targets=${FUZZ_TARGETS:-"fuzz_tokenize fuzz_codebook fuzz_reader_txt fuzz_reader_md fuzz_reader_html fuzz_reader_tei fuzz_records fuzz_pipeline fuzz_date fuzz_import fuzz_prefilter fuzz_tei_doc"}
jobs=${FUZZ_JOBS:-1}

run_one() {
  t=$1
  mkdir -p "$out/corpus/$t" "$out/seeds/$t" "$out/crashes/$t"
  "$build/tests/fuzz/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$out/crashes/$t/" -print_final_stats=1 \
    "$out/corpus/$t" "$out/seeds/$t" > "$out/$t.log" 2>&1
  echo $? > "$out/$t.rc"
}

running=0
for t in $targets; do
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then wait; running=0; fi
done
wait

status=0
printf '%-18s %10s %8s %8s %9s  %s\n' target runs cov ft seconds result
for t in $targets; do
  log=$out/$t.log
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  runs=$(grep -E 'stat::number_of_executed_units' "$log" | awk '{print $2}')
  cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
  ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
  took=$(grep -E 'Done [0-9]+ runs in' "$log" | sed -n 's/.* in \([0-9]*\) second.*/\1/p')
  if [ "$(cat "$out/$t.rc")" = 0 ]; then res=OK; else res="CRASH ($(ls "$out/crashes/$t" | head -1))"; status=1; fi
  printf '%-18s %10s %8s %8s %9s  %s\n' "$t" "${runs:-?}" "${cov:-?}" "${ft:-?}" "${took:-$secs}" "$res"
done
echo "logs, corpora and crash inputs: $out"
exit $status
