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
good_coded() { # good_coded LABEL OUTDIR
  eq "$1: the good document is coded" \
    "$(grep -c '^good,.*,sec\.war,.*guerra' "$2/matches.csv" 2>/dev/null)" 1
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
  for _ in $(seq 1000); do [ -d "$out/tei" ] && break; sleep 0.01; done
  kill -$sig $pid
  wait $pid
  status=$?
  eq "SIG$sig during a run: exit $want and the message" "$status:$(msgs)" \
    "$want:sectag: SIG$sig: interrupted; no tables were written and no temporary file is left; TEI files of documents coded before are complete"
  check "SIG$sig during a run: no temporary file left" no_temp_files "$out"
  eq "SIG$sig during a run: no table written" "$(ls "$out" | tr '\n' ' ')" "tei "
  check "SIG$sig during a run: every TEI file left is complete" \
    bash -c "for f in '$out'/tei/*.xml; do tail -c 7 \"\$f\" | grep -q '</TEI>' || exit 1; done"
done
rm -rf "$TMP/sig-INT" "$TMP/sig-TERM"

echo "1..$n"
[ "$failed" -eq 0 ]
