#!/usr/bin/env bash
# End-to-end tests of corpus intake (TAP). Usage: intake.sh SECTAG ROOT
#
# Runs sectag on the formats researchers have (Markdown and plain-text
# transcripts with speaker labels, HTML pages, TEI, JSON Lines and CSV
# corpora, Latin-1 files, a manifest), with speakers, filters and periods,
# then checks:
#  - every output file against tests/e2e/expected/intake-*/ (byte for byte);
#  - exact messages and exit statuses for bad input, including hostile XML;
#  - that every TEI file is valid against tei_all.rng, and that the TEI body
#    of a text or Markdown source holds the source's text.
# SECTAG_UPDATE_EXPECTED=1 rewrites the expected files (then review the diff!).
set -u
SECTAG=$1
ROOT=$2
IN=tests/e2e/intake
source "$(dirname "$0")/lib.sh"

BODY_FILES=() # TEI files whose source is the text itself (txt, md)
# the summary line without its timing
summary() { sed -E "s|$TMP|TMP|g; s/[0-9.]+ s \([0-9.]+ MB\/s\)/T s (R MB\/s)/" "$TMP/stderr"; }
collect_body() { while IFS= read -r -d '' f; do BODY_FILES+=("$f"); done < <(find "$1" -name '*.xml' -print0 | sort -z); }

# ------------------------------------------------- a Markdown transcript
run code -c $ES -o "$TMP/md" --speakers $IN/speakers.tsv --periods $MX $IN/md
eq "md transcript: exit 0 and summary" "$status:$(summary)" \
  "0:sectag: coded 1 document (0 failed; 1 with speaker turns): 132 words in 16 sentences; 5 securitizing, 6 desecuritizing and 0 neutral matches; T s (R MB/s). Outputs are in TMP/md/."
compare_dir "md transcript" "$TMP/md" "$EXP/intake-md"
collect_tei "$TMP/md"
collect_body "$TMP/md"
run code -q -c $ES -o "$TMP/md-again" --speakers $IN/speakers.tsv --periods $MX $IN/md
check "md transcript: a second run gives byte-identical outputs" diff -r "$TMP/md" "$TMP/md-again"
check "md transcript: the title line went to the TEI header" \
  grep -qF '<title>Versión estenográfica de la conferencia de prensa matutina del presidente Andrés Manuel López Obrador</title>' "$TMP/md/tei/mananera-2020-06-15.xml"
check "md transcript: the administration is a catRef" \
  grep -qF '<catRef scheme="#sectag-groups" target="#group.lopez-obrador"/>' "$TMP/md/tei/mananera-2020-06-15.xml"

# ------------------------------------------------- speaker filters
run code -q -c $ES -o "$TMP/role" --speakers $IN/speakers.tsv --role president --periods $MX $IN/md
eq "--role president: exit 0" "$status:$(cat "$TMP/stderr")" "0:"
compare_dir "--role president" "$TMP/role" "$EXP/intake-role"
collect_tei "$TMP/role"
eq "--role president: only the president's codes are counted" \
  "$(cut -d, -f4 "$TMP/role/codes.csv" | sort -u | tr -d '\r' | tr '\n' ' ')" "lopez-obrador speaker "
check "--role president: the reporter's turn stays in the TEI, uncoded" \
  grep -qF '<u who="#reporter"><seg type="p"><s xml:id="s9">Buenos días, presidente.</s> <s xml:id="s10">¿No es eso una estrategia
militar?</s>' "$TMP/role/tei/mananera-2020-06-15.xml"
run code -q -c $ES -o "$TMP/speaker" --speakers $IN/speakers.tsv --speaker reporter --speaker rodriguez-bucio $IN/md
eq "--speaker twice: the two speakers' matches" \
  "$(cut -d, -f4,5 "$TMP/speaker/matches.csv" | tr -d '\r' | tr '\n' ' ')" \
  "speaker,code rodriguez-bucio,sec.military.guard rodriguez-bucio,sec.military reporter,sec.military reporter,sec.war "
run code -q -c $ES -o "$TMP/nobody" --speaker amlo --role presidente $IN/md
eq "--speaker and --role that match no one: warnings, nothing coded" "$status:$(summary):$(wc -l <"$TMP/nobody/matches.csv")" \
  "0:sectag: warning: --speaker 'amlo' is the id of no speaker in these documents; see the speaker column of speakers.csv for the ids there are
sectag: warning: --role 'presidente' is the role of no speaker in these documents; roles come from the third column of the --speakers table:1"
run code -q -c $ES -o "$TMP/nosp" --no-speakers $IN/md
eq "--no-speakers: no speaker column values, no speakers.csv rows" \
  "$(cut -d, -f4 "$TMP/nosp/codes.csv" | sort -u | tr -d '\r' | tr '\n' ' ')|$(wc -l <"$TMP/nosp/speakers.csv")" " speaker |1"
collect_tei "$TMP/nosp"

for lang in es en; do
  tab=corpora/speakers/es-conferencias.tsv; [ $lang = en ] && tab=corpora/speakers/en-briefings.tsv
  run code -q -c codebooks/securitization-$lang.yaml --speakers $tab -o "$TMP/shipped-$lang" corpora/sample/$lang
  eq "shipped speaker table ($lang) loads, and gives roles to the sample's speakers" "$status:$(cat "$TMP/stderr")" "0:"
done
eq "shipped speaker tables: the presidents' and the press's turns" \
  "$(cut -d, -f1,4,5 "$TMP/shipped-es/speakers.csv" | grep -c ',president,president\|,press,press')" 4

# ------------------------------------------------- other formats
run code -c $EN -o "$TMP/en" --periods $US $IN/en
eq "English briefing (txt): exit 0" "$status" 0
compare_dir "English briefing" "$TMP/en" "$EXP/intake-en"
collect_tei "$TMP/en"
collect_body "$TMP/en"

run code -q -c $ES -o "$TMP/html" --periods $MX $IN/html
eq "HTML page: exit 0" "$status:$(cat "$TMP/stderr")" "0:"
compare_dir "HTML page" "$TMP/html" "$EXP/intake-html"
collect_tei "$TMP/html"
check "HTML page: navigation, script, footer and form are not coded" \
  test "$(grep -c 'guerra\|Amenaza\|Buscar' "$TMP/html/terms.csv")" = 1

run code -q -c $ES -o "$TMP/tei" --periods $MX $IN/tei
eq "TEI input: exit 0" "$status:$(cat "$TMP/stderr")" "0:"
compare_dir "TEI input" "$TMP/tei" "$EXP/intake-tei"
collect_tei "$TMP/tei"

run code -q -c $EN -o "$TMP/jsonl" --group-field name $IN/records/sotu.jsonl
eq "JSONL corpus: exit 0" "$status:$(cat "$TMP/stderr")" "0:"
compare_dir "JSONL corpus" "$TMP/jsonl" "$EXP/intake-jsonl"
collect_tei "$TMP/jsonl"

run code -q -c $ES -o "$TMP/csv" --periods $MX $IN/records/statements.csv
eq "CSV corpus: exit 0" "$status:$(cat "$TMP/stderr")" "0:"
compare_dir "CSV corpus" "$TMP/csv" "$EXP/intake-csv"
collect_tei "$TMP/csv"

run code -q -c $ES -o "$TMP/latin1" --encoding latin1 $IN/latin1
eq "Latin-1 with --encoding latin1: exit 0" "$status:$(cat "$TMP/stderr")" "0:"
compare_dir "Latin-1" "$TMP/latin1" "$EXP/intake-latin1"
collect_tei "$TMP/latin1"
run code -q -c $ES -o "$TMP/latin1-bad" $IN/latin1
eq "Latin-1 without --encoding: exit 1, the message names --encoding" "$status:$(summary)" \
  "1:tests/e2e/intake/latin1/discurso-2011-05-10.txt:1:15: invalid UTF-8 at byte offset 14 (byte 0xF3: a truncated multi-byte sequence); the text looks like Latin-1 or Windows-1252: run again with --encoding cp1252"

# ------------------------------------------------- a manifest
run code -c $ES -o "$TMP/manifest" --periods $MX --manifest $IN/manifest/manifest.csv
eq "manifest: exit 1 (a row names a missing file)" "$status" 1
eq "manifest: messages" "$(summary)" \
"tests/e2e/intake/manifest/manifest.csv:4:1: 'speeches/missing.txt' does not exist; fix the path (relative to the manifest's folder)
tests/e2e/intake/manifest/manifest.csv:5:1: 'speeches/2009-02-19.txt' is listed twice (lines 2 and 5); line 5 was ignored
tests/e2e/intake/manifest/speeches/sin-fecha.txt: warning: date 'el año pasado' does not parse, so it is ignored (write dates as YYYY-MM-DD, or as '15 de junio de 2020' / 'June 15, 2020')
sectag: coded 3 documents (2 failed): 51 words in 5 sentences; 4 securitizing, 1 desecuritizing and 0 neutral matches; T s (R MB/s). Outputs are in TMP/manifest/."
compare_dir "manifest" "$TMP/manifest" "$EXP/intake-manifest"
collect_tei "$TMP/manifest"
collect_body "$TMP/manifest"

run code -q -c $ES -o "$TMP/names" --meta-from-name '{date}' --periods $MX $IN/manifest/speeches
eq "--meta-from-name: dates and groups from file names" \
  "$(cut -d, -f1-3 "$TMP/names/documents.csv" | tr -d '\r' | tr '\n' ' ')" \
  "doc_id,date,group 2009-02-19,2009-02-19,Calderón 2015-03-01,2015-03-01,Peña Nieto sin-fecha,, "
eq "--meta-from-name: a name that is not a date is a warning" "$status:$(summary)" \
  "0:tests/e2e/intake/manifest/speeches/sin-fecha.txt: warning: date 'sin-fecha' does not parse, so it is ignored (write dates as YYYY-MM-DD, or as '15 de junio de 2020' / 'June 15, 2020')"

mkdir -p "$TMP/sotu"
printf 'We are at war with drugs.\n' >"$TMP/sotu/1990_george_h_w_bush_r.txt"
printf 'GENTLEMEN OF THE CONGRESS: The war is over.\n' >"$TMP/sotu/1919_woodrow_wilson_d.txt"
run code -q -c $EN -o "$TMP/sotu-out" --meta-from-name '{date}_{president}_{party}' --group-field president "$TMP/sotu"
eq "--meta-from-name: the first field is lazy, the others greedy; a lone salutation is no speaker" \
  "$status:$(cut -d, -f1-5 "$TMP/sotu-out/documents.csv" | tr -d '\r' | tr '\n' ' ')" \
  "0:doc_id,date,group,speaker,party 1919_woodrow_wilson_d,1919,woodrow_wilson,,d 1990_george_h_w_bush_r,1990,george_h_w_bush,,r "

mkdir -p "$TMP/dates"
printf 'Palacio Nacional, 12 de marzo de 2019\n\nLa paz.\n' >"$TMP/dates/descarga-2020-01-01.txt"
printf 'La paz.\n' >"$TMP/dates/mensaje-2014-09-02.txt"
run code -q -c $ES -o "$TMP/dates-out" "$TMP/dates"
eq "dates: a date line beats the file name, which dates a document with no other date" \
  "$status:$(cut -d, -f1,2 "$TMP/dates-out/documents.csv" | tr -d '\r' | tr '\n' ' ')" \
  "0:doc_id,date descarga-2020-01-01,2019-03-12 mensaje-2014-09-02,2014-09-02 "

mkdir -p "$TMP/unk"
printf 'Intro.\n\nUNKNOWN: hola.\nPRESIDENTE: la guerra.\n' >"$TMP/unk/a.txt"
run code -q -c $ES -o "$TMP/unk-out" "$TMP/unk"
eq "a label UNKNOWN: is not the text before the first label" \
  "$status:$(cut -d, -f4 "$TMP/unk-out/speakers.csv" | tr -d '\r' | tr '\n' ' ')" "0:speaker unknown speaker-unknown presidente "
collect_tei "$TMP/unk-out"

run code -q -c $ES -o "$TMP/filter-all" --speakers corpora/speakers/es-conferencias.tsv --role president corpora/sample/es
eq "--role: a document without turns is not coded either" \
  "$(grep mensaje "$TMP/filter-all/documents.csv" | cut -d, -f8,9,13,14 | tr -d '\r')" "0,203,0,0"

printf 'id,grupo,group,text\nr1,A,B,La guerra.\n' >"$TMP/groups.csv"
run code -q -c $ES -o "$TMP/groups-out" --group-field grupo "$TMP/groups.csv"
eq "--group-field: a column named group is kept, as meta_group" \
  "$(head -2 "$TMP/groups-out/documents.csv" | cut -d, -f1-5 | tr -d '\r' | tr '\n' ' ')" "doc_id,date,group,speaker,meta_group r1,,A,,B "

mkdir -p "$TMP/mdate"
printf 'Palacio Nacional, 12 de marzo de 2019\n\nLa paz.\n' >"$TMP/mdate/m.txt"
printf 'path,date\nm.txt,ayer\n' >"$TMP/mdate/manifest.csv"
run code -q -c $ES -o "$TMP/mdate-out" --periods $MX --manifest "$TMP/mdate/manifest.csv"
eq "a manifest date that does not parse is ignored; the text's date stays" \
  "$status:$(summary):$(cut -d, -f2,3 "$TMP/mdate-out/documents.csv" | tail -1 | tr -d '\r')" \
  "0:TMP/mdate/m.txt: warning: date 'ayer' does not parse, so it is ignored (write dates as YYYY-MM-DD, or as '15 de junio de 2020' / 'June 15, 2020'):2019-03-12,López Obrador"

# ------------------------------------------------- hostile input
t0=$(date +%s%N)
run code -c $ES -o "$TMP/hostile" $IN/hostile
t1=$(date +%s%N)
eq "hostile inputs: exit 1" "$status" 1
eq "hostile inputs: messages" "$(summary)" \
"tests/e2e/intake/hostile/records.jsonl:2:33: record does not parse as JSON: premature end of input near '\"sin cerrar}'; fix the line or remove it
tests/e2e/intake/hostile/records.jsonl:3: field 'text' is a number, not a string; choose the text field with --text-field
tests/e2e/intake/hostile/laughs.xml:3:2: the XML declares entities in a DTD (<!ENTITY lol ...>); sectag never expands or fetches entities: remove the DOCTYPE and write the characters themselves
tests/e2e/intake/hostile/logo.txt: warning: this looks like a binary file (not text); skipped. Convert PDF or Word files to text first (e.g. pdftotext)
tests/e2e/intake/hostile/nul.txt:1:10: NUL byte at byte offset 9: this is not a UTF-8 text file; if it is UTF-16, run again with --encoding utf-16
tests/e2e/intake/hostile/xxe.xml:2:17: the XML declares entities in a DTD (<!ENTITY secret ...>); sectag never expands or fetches entities: remove the DOCTYPE and write the characters themselves
sectag: 1 binary file skipped
sectag: coded 3 documents (5 failed; 1 with speaker turns): 50 words in 10 sentences; 5 securitizing, 5 desecuritizing and 0 neutral matches; T s (R MB/s). Outputs are in TMP/hostile/."
check "hostile inputs: the billion laughs fail fast (whole run under 5 s)" test $(((t1 - t0) / 1000000)) -lt $((5000 * TIME_SCALE))
eq "hostile inputs: the good documents are coded" \
  "$(cut -d, -f1 "$TMP/hostile/documents.csv" | tr -d '\r' | tr '\n' ' ')" "doc_id good ok-1 ok-4 "
check "hostile inputs: no byte of /etc/passwd in any output" \
  bash -c "! grep -rqF 'root:' '$TMP/hostile'"
check "hostile inputs: no temporary files left" no_temp_files "$TMP/hostile"
collect_tei "$TMP/hostile"

run code -q -c $ES -o "$TMP/rows" --text-field body --id-field num $IN/hostile/rows.csv
eq "CSV corpus with bad rows: exit 1, line (and column) of each" "$status:$(summary)" \
  "1:tests/e2e/intake/hostile/rows.csv:3: row has 4 fields, the header has 3; a field that holds a comma must be in double quotes
tests/e2e/intake/hostile/rows.csv:5:4: this quoted field is never closed (a '\"' is missing), so the rest of the file would be one field; close the quote; the rest of the file was not read"
eq "CSV corpus with bad rows: --id-field and --text-field, the good rows coded" \
  "$(cut -d, -f1,5,9 "$TMP/rows/documents.csv" | tr -d '\r' | tr '\n' ' ')" "doc_id,lugar,tokens 7,Tijuana,5 9,Oaxaca,3 "
collect_tei "$TMP/rows"

mkfifo "$TMP/pipe.txt"
run code -q -c $ES -o "$TMP/pipe-out" "$TMP/pipe.txt" $IN/hostile/good.txt
eq "a named pipe: refused at once, not waited on" "$status:$(summary)" \
  "1:TMP/pipe.txt: not a regular file (a folder, a pipe or a device); name text files only"
if [ "$(id -u)" != 0 ]; then
  cp $IN/hostile/good.txt "$TMP/secret.txt"
  chmod 000 "$TMP/secret.txt"
  run code -q -c $ES -o "$TMP/perm-out" "$TMP/secret.txt"
  eq "an unreadable file: exit 1 and what to do" "$status:$(summary)" \
    "1:TMP/secret.txt: cannot open: Permission denied; check the file's permissions (chmod +r)"
fi

# ------------------------------------------------- bad options
printf '2006-12-01\t2012-12-01\tCalderón\n2012-12-01\t2018-11-30\tPeña Nieto\n' >"$TMP/overlap.tsv"
run code -c $ES -o "$TMP/bad" --periods "$TMP/overlap.tsv" $IN/md
eq "overlapping periods: exit 2, both lines named, nothing written" "$status:$(summary):$(test -e "$TMP/bad" && echo written)" \
  "2:TMP/overlap.tsv:2:1: period 'Peña Nieto' (2012-12-01 to 2018-11-30) overlaps period 'Calderón' on line 1 (2006-12-01 to 2012-12-01); periods must not share a day:"
printf 'PRESIDENTE\tlópez obrador\tpresident\n' >"$TMP/speakers.tsv"
run code -c $ES -o "$TMP/bad" --speakers "$TMP/speakers.tsv" $IN/md
eq "a speaker id that is no XML name: exit 2" "$status:$(summary)" \
  "2:TMP/speakers.tsv:1:12: speaker id 'lópez obrador' cannot be used as a TEI identifier; use ASCII letters, digits, '-', '_' and '.', starting with a letter or '_' (e.g. lopez-obrador)"
run code -c $ES -o "$TMP/bad" --speaker-pattern '(' $IN/md
eq "an invalid --speaker-pattern: exit 2" "$status:$(summary)" \
  "2:sectag: --speaker-pattern: invalid regex: missing closing parenthesis at offset 1"
run code -c $ES -o "$TMP/bad" --group-field party $IN/md
eq "--group-field naming no column: exit 2" "$status:$(summary)" \
  "2:sectag: --group-field 'party' is not a metadata column of this corpus; the columns come from --manifest, --meta-from-name and JSONL/CSV record fields"
run code -c $ES -o "$TMP/bad" --encoding klingon $IN/md
eq "an unknown --encoding: exit 2" "$status:$(summary)" \
  "2:sectag: unknown encoding 'klingon'; \`iconv -l\` lists the names this system knows (e.g. latin1, cp1252, utf-16)"
check "bad options: nothing written" test ! -e "$TMP/bad"

# ------------------------------------------------- a custom label pattern
printf 'Moderadora - Buenas tardes.\nPresidente - La guerra terminó.\n' >"$TMP/dash.txt"
run code -q -c $ES -o "$TMP/dash" --speaker-pattern '(?<label>\p{Lu}\p{Ll}+) - ' "$TMP/dash.txt"
eq "--speaker-pattern: labels of another shape" \
  "$(cut -d, -f4,5,10 "$TMP/dash/matches.csv" | tr -d '\r' | tr '\n' ' ')" "speaker,code,text presidente,sec.war,guerra "
collect_tei "$TMP/dash"

{ head -c 100000 /dev/zero | tr '\0' a; echo '!'; } >"$TMP/aaa.txt"
t0=$(date +%s%N)
run code -q -c $ES -o "$TMP/aaa-out" --speaker-pattern '(?<label>(a+)+$)' "$TMP/aaa.txt"
t1=$(date +%s%N)
eq "a --speaker-pattern that backtracks forever: a warning, the document coded without turns" \
  "$status:$(summary)" \
  "0:TMP/aaa.txt:1:1: warning: the speaker label pattern gave up on this line (it backtracks too much; simplify --speaker-pattern); this document is not split into speaker turns"
check "a --speaker-pattern that backtracks forever: gives up fast (under 5 s)" test $(((t1 - t0) / 1000000)) -lt $((5000 * TIME_SCALE))

validate_tei
tap_py "$HERE/body_text.py" "${BODY_FILES[@]}"
tap_py "$HERE/match_text.py" "$TMP/md" "$TMP/en" "$TMP/manifest"

echo "1..$n"
[ "$failed" -eq 0 ]
