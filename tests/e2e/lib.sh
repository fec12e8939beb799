# lib.sh: what the e2e scripts share (sourced, not run). Expects SECTAG and
# ROOT to be set (the script's two arguments). Sets HERE, EXP, SCHEMA, a
# scratch folder TMP (removed on exit) and the paths of the shipped
# codebooks and periods, and changes to ROOT. Counts TAP checks in $n and
# failures in $failed; collects TEI files to validate in TEI_FILES.
case $SECTAG in /*) ;; *) SECTAG=$PWD/$SECTAG ;; esac
HERE="$ROOT/tests/e2e"
EXP="$HERE/expected"
SCHEMA="$ROOT/../shared/schemas/tei_all.rng"
TMP=$(mktemp -d)
trap 'chmod -R u+rwx "$TMP" 2>/dev/null; rm -rf "$TMP"' EXIT
cd "$ROOT" || exit 1
# Why a test that runs valgrind itself must skip it (empty: it may run).
# TIME_SCALE stretches the few hang guards ("gives up in under 2 s") for
# sanitizer and valgrind runs, which are 10 to 50 times slower.
NO_VALGRIND=
TIME_SCALE=1
if ldd "$SECTAG" 2>/dev/null | grep -q 'libasan\|libubsan'; then TIME_SCALE=30; fi
[ -n "${SECTAG_VALGRIND:-}" ] && TIME_SCALE=50
if ! command -v valgrind >/dev/null; then NO_VALGRIND="valgrind is not installed"
elif [ "$TIME_SCALE" = 30 ]; then NO_VALGRIND="sectag is built with sanitizers"
elif [ -n "${SECTAG_VALGRIND:-}" ]; then NO_VALGRIND="every sectag call runs under valgrind already"
fi
# SECTAG_VALGRIND=DIR runs every sectag call under valgrind memcheck (the
# third pass of .ci/run): a wrapper takes SECTAG's place, each process logs
# to DIR/PID.log, and a log that is not empty is a memory error or a leak
# (.ci/run counts those). JIT is off, as valgrind cannot follow JIT code.
if [ -n "${SECTAG_VALGRIND:-}" ]; then
  mkdir -p "$SECTAG_VALGRIND"
  printf '#!/bin/sh\nSECTAG_NO_JIT=1 exec valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect --log-file="%s/%%p.log" "%s" "$@"\n' \
    "$SECTAG_VALGRIND" "$SECTAG" >"$TMP/sectag-valgrind"
  chmod +x "$TMP/sectag-valgrind"
  SECTAG=$TMP/sectag-valgrind
fi
ES=codebooks/securitization-es.yaml
EN=codebooks/securitization-en.yaml
MX=corpora/periods/mexico-presidents.tsv
US=corpora/periods/us-presidents.tsv
n=0
failed=0
TEI_FILES=()
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check() { # check NAME COMMAND...: ok if the command succeeds
  local name=$1; shift
  if "$@" >"$TMP/check.out" 2>&1; then ok "$name"; else not_ok "$name"; sed 's/^/#   /' "$TMP/check.out" | head -20; fi
}
eq() { # eq NAME GOT EXPECTED
  if [ "$2" == "$3" ]; then ok "$1"; else
    not_ok "$1"
    diff <(printf '%s\n' "$3") <(printf '%s\n' "$2") | sed 's/^/#   /' | head -20
  fi
}
# Runs sectag; stdout+stderr to $TMP/stderr, status to $status.
run() { "$SECTAG" "$@" >"$TMP/stdout" 2>"$TMP/stderr"; status=$?; }
collect_tei() { while IFS= read -r -d '' f; do TEI_FILES+=("$f"); done < <(find "$1" -name '*.xml' -print0 | sort -z); }
no_temp_files() { ! find "$1" -name '.*.??????' | grep -q .; }

# Compares an output folder with an expected one, file by file.
compare_dir() { # compare_dir LABEL GOT EXPECTED
  local label=$1 got=$2 exp=$3
  if [ "${SECTAG_UPDATE_EXPECTED:-0}" = 1 ]; then
    rm -rf "$exp"; mkdir -p "$exp"; cp -r "$got"/. "$exp"/
  fi
  local f
  while IFS= read -r -d '' f; do
    local rel=${f#"$exp"/}
    if cmp -s "$f" "$got/$rel"; then ok "$label: $rel matches expected"; else
      not_ok "$label: $rel matches expected"
      diff -u "$f" "$got/$rel" 2>&1 | head -30 | sed 's/^/#   /'
    fi
  done < <(find "$exp" -type f -print0 | sort -z)
  # and nothing more than expected
  local extra
  extra=$(cd "$got" && find . -type f | sed 's|^\./||' | while read -r r; do [ -e "$exp/$r" ] || echo "$r"; done)
  eq "$label: no unexpected output files" "$extra" ""
}

# Validates every collected TEI file against tei_all.rng (one xmllint run).
validate_tei() {
  if [ ! -f "$SCHEMA" ]; then
    not_ok "TEI schema found at $SCHEMA"
  elif [ ${#TEI_FILES[@]} -eq 0 ]; then
    not_ok "TEI files were produced"
  else
    xmllint --noout --relaxng "$SCHEMA" "${TEI_FILES[@]}" >"$TMP/valid.log" 2>&1
    local f
    for f in "${TEI_FILES[@]}"; do
      if grep -qxF "$f validates" "$TMP/valid.log"; then ok "valid TEI: ${f#"$TMP"/}"; else
        not_ok "valid TEI: ${f#"$TMP"/}"
        grep -F "$f" "$TMP/valid.log" | head -10 | sed 's/^/#   /'
      fi
    done
  fi
}

# Runs a Python checker that prints TAP lines numbered from $n.
tap_py() {
  TAP_START=$n python3 "$@" >"$TMP/py.tap"
  cat "$TMP/py.tap"
  n=$((n + $(grep -c '^ok\|^not ok' "$TMP/py.tap")))
  failed=$((failed + $(grep -c '^not ok' "$TMP/py.tap")))
}
