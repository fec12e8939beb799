#!/usr/bin/env bash
# End-to-end tests of the sectag export dispatcher (TAP). Usage: export.sh
# SECTAG ROOT. The formats have their own scripts (export_qdpx.sh,
# export_teicorpus.sh); this one checks what is common: the usage, the
# exit status of a missing or unknown format, and `sectag help export`.
set -u
SECTAG=$1
ROOT=$2
source "$(dirname "$0")/lib.sh"

run export
eq "no format: exit 2 and the usage on stderr" "$status:$(head -1 "$TMP/stderr")" \
  "2:Usage: sectag export qdpx [OPTIONS] OUTDIR -o PROJECT.qdpx"
run export pdf out
eq "an unknown format: exit 2, and the formats there are" "$status:$(head -1 "$TMP/stderr")" \
  "2:sectag export: unknown format 'pdf'; the formats are qdpx, qdc and teicorpus"
run export --help
eq "--help: exit 0, the usage on stdout" "$status:$(grep -c '^Usage:\|^       sectag export' "$TMP/stdout")" "0:3"
check "--help names every format" bash -c "for f in qdpx qdc teicorpus docs/exports.md; do grep -qF -- \"\$f\" '$TMP/stdout' || exit 1; done"
eq "sectag help export is --help" "$("$SECTAG" help export)" "$(cat "$TMP/stdout")"
run --help
check "sectag --help lists export" grep -q "^  export " "$TMP/stdout"

echo "1..$n"
[ "$failed" -eq 0 ]
