#!/usr/bin/env bash
# End-to-end tests of sectag export teicorpus (TAP). Usage: export_teicorpus.sh SECTAG ROOT
#
# Codes the Spanish sample (speakers, periods), the English sample and the
# small corpus of tests/e2e/teicorpus/corpus, exports each as a teiCorpus
# with and without --words, then checks:
#  - the small corpus's outputs (corpus, --words, --split, metadata.csv)
#    against tests/e2e/teicorpus/expected/ byte for byte;
#  - every XML written is valid against tei_all.rng;
#  - tests/e2e/teicorpus/check.py: the taxonomy once, one TEI per document
#    in order, unique xml:ids, every pointer resolved, each body's text
#    unchanged, metadata.csv (id first, one row per TEI), and with --words
#    one <w> per word token, each one token with a norm, coded words with
#    their seg's codes;
#  - known words' norm (accents, case), --accents sensitive, a match
#    across sentences (anchors) on its words, a partial rule's token left
#    unwrapped;
#  - two runs give identical bytes;
#  - every error: message, exit status, nothing written, no temporary file.
# SECTAG_UPDATE_EXPECTED=1 rewrites the expected files (then review the diff!).
set -u
SECTAG=$1
ROOT=$2
source "$(dirname "$0")/lib.sh"
TC="$HERE/teicorpus"

errors() { sed -E "s|$TMP|TMP|g" "$TMP/stderr"; }
check_py() { tap_py "$TC/check.py" "$@"; }

# ------------------------------------------------- OUTDIRs to export
run code -q -c $ES -o "$TMP/es" --speakers corpora/speakers/es-conferencias.tsv --periods $MX corpora/sample/es
eq "sectag code on the Spanish sample" "$status:$(errors)" "0:"
run code -q -c $EN -o "$TMP/en" --speakers corpora/speakers/en-briefings.tsv --periods $US corpora/sample/en
eq "sectag code on the English sample" "$status:$(errors)" "0:"
run code -q -c tests/e2e/codebook.yaml -o "$TMP/small" tests/e2e/teicorpus/corpus
eq "sectag code on the small corpus" "$status:$(errors)" "0:"

# ------------------------------------------------- the small corpus, byte for byte
G="$TMP/got-small"
mkdir -p "$G"
run export teicorpus "$TMP/small" -o "$G/corpus.xml"
eq "small corpus: exit 0, no messages" "$status:$(errors)" "0:"
run export teicorpus "$TMP/small" -o "$G/words.xml" --words --metadata "$G/words-metadata.csv" --split "$G/split"
eq "small corpus --words --split: exit 0, a note on the partial rule's token" "$status:$(errors)" \
  "0:sectag export teicorpus: note: 1 word token left without <w>: it is inside a coded passage that begins or ends within the word (a partial rule)"
run export teicorpus "$TMP/small" -o "$G/accents.xml" --words --accents sensitive --metadata "$G/accents-metadata.csv"
eq "small corpus --words --accents sensitive: exit 0" "$status" "0"
compare_dir "teicorpus small" "$G" "$TC/expected"
eq "metadata.csv is the same wherever it goes" "$(cat "$G/metadata.csv")" "$(cat "$G/words-metadata.csv")"
check "--split DIR has the same metadata.csv" cmp "$G/metadata.csv" "$G/split/metadata.csv"
eq "text ids: a leading digit gets doc-, a space a '-', accents are stripped" \
  "$(grep -o '<TEI [^>]*>' "$G/corpus.xml" | grep -o 'xml:id="[^"]*"' | tr '\n' ' ')" \
  'xml:id="doc-2020-informe" xml:id="discurso-publico" '
eq "split: one file per text, named by its text id" "$(cd "$G/split" && ls | tr '\n' ' ')" \
  "discurso-publico.xml doc-2020-informe.xml metadata.csv "
check "norm: lower case, accents stripped (EJÉRCITO, acabó, más)" \
  grep -qF -e '<w norm="ejercito" ana="#sec.military">EJÉRCITO</w>' "$G/words.xml"
check "norm of acabó is acabo" grep -qF '<w norm="acabo" ana="#desec.endwar">acabó</w>' "$G/words.xml"
check "norm of más is mas, and & < > stay escaped text" grep -qF '&amp; <w norm="mas">más</w> &lt;' "$G/words.xml"
check "--accents sensitive keeps the accents, not the case" \
  grep -qF '<w norm="ejército" ana="#sec.military">EJÉRCITO</w>' "$G/accents.xml"
check "a match across two sentences (anchors): its words carry its code" \
  grep -qF '<anchor xml:id="discurso-publico.m5.start"/><w norm="explicara" ana="#other">explicará</w>.</s> <s xml:id="discurso-publico.s3"><w norm="no" ana="#other">No</w><anchor xml:id="discurso-publico.m5.end"/>' "$G/words.xml"
check "a partial rule's match inside a word: the word stays text, the seg stays" \
  grep -qF '<seg xml:id="discurso-publico.m2" type="neutral" ana="#other">narco</seg>tráfico.' "$G/words.xml"
check "speakers: who points to the prefixed person" \
  grep -qF '<u who="#discurso-publico.presidente">' "$G/corpus.xml"
check "split files keep the taxonomy (each stands alone)" grep -qF '<category xml:id="sec.war"' "$G/split/discurso-publico.xml"
check_py "$G/corpus.xml" "$TMP/small" "$G/metadata.csv"
check_py "$G/words.xml" "$TMP/small" "$G/words-metadata.csv" --words --unwrapped discurso-público=1
collect_tei "$G"

# ------------------------------------------------- the samples
for lang in es en; do
  G="$TMP/got-$lang"
  mkdir -p "$G/words"
  run export teicorpus "$TMP/$lang" -o "$G/corpus.xml"
  eq "$lang sample: exit 0, no messages" "$status:$(errors)" "0:"
  run export teicorpus "$TMP/$lang" -o "$G/words/corpus.xml" --words
  eq "$lang sample --words: exit 0, no messages" "$status:$(errors)" "0:"
  check_py "$G/corpus.xml" "$TMP/$lang" "$G/metadata.csv"
  check_py "$G/words/corpus.xml" "$TMP/$lang" "$G/words/metadata.csv" --words
  collect_tei "$G"
done
G="$TMP/got-es"
eq "es: one group taxonomy with each administration once" \
  "$(sed -n '/<taxonomy xml:id="sectag-groups">/,/<\/taxonomy>/p' "$G/corpus.xml" | grep -o 'xml:id="group[^"]*"' | tr '\n' ' ')" \
  'xml:id="group.calderon" xml:id="group.lopez-obrador" xml:id="group.pena-nieto" '
check "es --words: Guardia Nacional is two words of sec.military.guard (a sub-code of a nested seg)" \
  grep -qF '<w norm="guardia" ana="#sec.military.guard">Guardia</w>' "$G/words/corpus.xml"
run export teicorpus "$TMP/es" -o "$G/again.xml" --words --metadata "$G/again.csv"
check "same input, same output (--words)" cmp "$G/words/corpus.xml" "$G/again.xml"
rm -f "$G/again.xml" "$G/again.csv"

# ------------------------------------------------- the codebook's accents: setting
# The TEI files record it (<bibl><note type="accents">); --words follows it
# unless --accents says otherwise; files without the note count as insensitive.
A="$TMP/accents"
mkdir -p "$A/got"
sed 's/^name: e2e-test$/name: e2e-test\naccents: sensitive/' tests/e2e/codebook.yaml >"$A/codebook.yaml"
run code -q -c "$A/codebook.yaml" -o "$A/out" tests/e2e/teicorpus/corpus
eq "sectag code with an accent-sensitive codebook" "$status:$(errors)" "0:"
check "its TEI files record accents: sensitive" \
  grep -qF '<note type="accents">sensitive</note>' "$A/out/tei/discurso-público.xml"
check "an accent-insensitive codebook's record insensitive" \
  grep -qF '<note type="accents">insensitive</note>' "$TMP/small/tei/discurso-público.xml"
run export teicorpus "$A/out" -o "$A/got/sensitive.xml" --words
eq "--words, no --accents, sensitive codebook: exit 0" "$status" "0"
check "norm keeps the accents, as the codebook's rules saw the word" \
  grep -qF '<w norm="ejército"' "$A/got/sensitive.xml"
check "the header says accents are kept" grep -qF 'NFC, case-folded, accents kept' "$A/got/sensitive.xml"
run export teicorpus "$A/out" -o "$A/got/overridden.xml" --words --accents insensitive
check "--accents insensitive overrides the codebook's setting" \
  grep -qF '<w norm="ejercito"' "$A/got/overridden.xml"
# a run of a sectag that did not write the note (insensitive, as codebooks)
cp -r "$A/out" "$A/old"
for f in "$A/old/tei/"*.xml; do sed -i '/<note type="accents">/d' "$f"; done
run export teicorpus "$A/old" -o "$A/got/old.xml" --words
eq "files without the note: exit 0" "$status" "0"
check "files without the note: norm strips the accents" grep -qF '<w norm="ejercito"' "$A/got/old.xml"
# files that disagree on the setting alone: the taxonomies differ, the export refuses
cp "$A/out/tei/2020 informe.xml" "$A/old/tei/2020 informe.xml"
run export teicorpus "$A/old" -o "$A/got/mixed.xml" --words
eq "TEI files of two accents: settings: exit 1, nothing written" "$status:$([ -e "$A/got/mixed.xml" ] && echo written)" "1:"
check "... and the error names the codebook taxonomy" grep -qF 'its codebook taxonomy differs' "$TMP/stderr"
collect_tei "$A/got"
collect_tei "$A/out/tei"

validate_tei

# ------------------------------------------------- errors
E="$TMP/err"
mkdir -p "$E"
run export teicorpus "$TMP/nope" -o "$E/c.xml"
eq "missing OUTDIR: exit 2" "$status:$(errors)" \
  "2:sectag export teicorpus: TMP/nope is not an OUTDIR of sectag code: the folder does not exist; run sectag code first"
cp -r "$TMP/small" "$TMP/nodocs" && rm "$TMP/nodocs/documents.csv"
run export teicorpus "$TMP/nodocs" -o "$E/c.xml"
eq "no documents.csv: exit 2" "$status:$(errors)" \
  "2:sectag export teicorpus: TMP/nodocs is not an OUTDIR of sectag code: documents.csv is missing; run sectag code first"
cp -r "$TMP/small" "$TMP/empty" && head -1 "$TMP/small/documents.csv" >"$TMP/empty/documents.csv"
run export teicorpus "$TMP/empty" -o "$E/c.xml"
eq "documents.csv without documents: exit 2" "$status:$(errors)" \
  "2:TMP/empty/documents.csv: no documents: a teiCorpus needs at least one TEI; run sectag code on some texts first"

# a corrupt TEI file: named with line and column, nothing written, an
# earlier corpus left as it was
cp -r "$TMP/small" "$TMP/bad"
sed '/<\/titleStmt>/d' "$TMP/small/tei/discurso-público.xml" >"$TMP/bad/tei/discurso-público.xml"
echo "an earlier corpus" >"$E/c.xml"
run export teicorpus "$TMP/bad" -o "$E/c.xml" --words --split "$E/split"
eq "a TEI file that is not well-formed: FILE:LINE:COL, exit 1" "$status:$(errors)" \
  "1:TMP/bad/tei/discurso-público.xml:23:16: not well-formed XML: Opening and ending tag mismatch: titleStmt line 5 and fileDesc; run sectag code again to rewrite it
sectag export teicorpus: 1 of 2 documents could not be read; nothing was written (a corpus without them would be silently incomplete)"
eq "... the earlier corpus is untouched, no metadata.csv, no split file" \
  "$(cat "$E/c.xml"):$(ls "$E" | tr '\n' ' '):$(ls "$E/split" | wc -l)" "an earlier corpus:c.xml split :0"
check "... and no temporary file is left" no_temp_files "$E"
rm "$TMP/bad/tei/discurso-público.xml"
run export teicorpus "$TMP/bad" -o "$E/c.xml"
eq "a missing TEI file: named, exit 1" "$status:$(errors)" \
  "1:TMP/bad/tei/discurso-público.xml: cannot open: No such file or directory
sectag export teicorpus: 1 of 2 documents could not be read; nothing was written (a corpus without them would be silently incomplete)"
check "... nothing written, no temporary file" bash -c "[ \"\$(cat '$E/c.xml')\" = 'an earlier corpus' ] && ! find '$E' -name '.*.??????' | grep -q ."
# a TEI file of another codebook
run code -q -c $ES -o "$TMP/other" tests/e2e/teicorpus/corpus
cp "$TMP/other/tei/discurso-público.xml" "$TMP/bad/tei/"
run export teicorpus "$TMP/bad" -o "$E/c.xml"
eq "a TEI file coded with another codebook: exit 1" "$status:$(errors)" \
  "1:TMP/bad/tei/discurso-público.xml: its codebook taxonomy differs from that of TMP/bad/tei/2020 informe.xml: the documents were not coded with one codebook; code them again in one run
sectag export teicorpus: 1 of 2 documents could not be read; nothing was written (a corpus without them would be silently incomplete)"
run export teicorpus "$TMP/small" -o "$TMP/no/such/dir/c.xml"
eq "an output folder that does not exist: exit 4" "$status:$(errors)" \
  "4:TMP/no/such/dir/c.xml: cannot create output file: No such file or directory; check that its folder exists and is writable"
if [ "$(id -u)" != 0 ]; then
  mkdir -p "$TMP/ro" && chmod a-w "$TMP/ro"
  run export teicorpus "$TMP/small" -o "$TMP/ro/c.xml"
  eq "a read-only output folder: exit 4, nothing there" "$status:$(ls -A "$TMP/ro" | wc -l)" "4:0"
else
  ok "# SKIP a read-only output folder (running as root)"
fi
run export teicorpus "$TMP/small" -o "$E/c2.xml" --metadata "$TMP/no/such/m.csv"
eq "an unwritable --metadata: exit 4, and no corpus either" "$status:$(ls "$E" | tr '\n' ' ')" "4:c.xml split "
check "... no temporary file is left" no_temp_files "$E"

# usage
run export teicorpus "$TMP/small"
eq "no -o: exit 2" "$status:$(errors)" "2:sectag export teicorpus: missing -o CORPUS.xml, the file to write
Try 'sectag export teicorpus --help'."
run export teicorpus -o "$E/c.xml"
eq "no OUTDIR: exit 2" "$status:$(errors | head -1)" "2:sectag export teicorpus: missing OUTDIR, the folder sectag code wrote (-o OUTDIR)"
run export teicorpus "$TMP/small" "$TMP/es" -o "$E/c.xml"
eq "two OUTDIRs: exit 2" "$status:$(errors | head -1 | sed 's/.*one too/one too/')" "2:one too many"
run export teicorpus "$TMP/small" -o "$E/c.xml" --accents sensitive
eq "--accents without --words: exit 2" "$status:$(errors | head -1)" \
  "2:sectag export teicorpus: --accents goes with --words (it sets the norm of each <w>)"
run export teicorpus "$TMP/small" -o "$E/c.xml" --words --accents maybe
eq "--accents maybe: exit 2" "$status:$(errors | head -1)" \
  "2:sectag export teicorpus: --accents must be sensitive or insensitive, not 'maybe'"
run export teicorpus --bogus
eq "an unknown option: exit 2" "$status" "2"
run export teicorpus --help
eq "--help: exit 0, usage, options and examples on stdout" \
  "$status:$(head -1 "$TMP/stdout"):$(grep -c -e '--words' -e '--split' -e '--metadata' -e '--accents' -e 'Examples:' -e 'Exit status' "$TMP/stdout" | awk '{print ($1 >= 6)}')" \
  "0:Usage: sectag export teicorpus [OPTIONS] OUTDIR -o CORPUS.xml:1"

echo "1..$n"
[ "$failed" -eq 0 ]
