#!/usr/bin/env bash
# End-to-end tests of `sectag import` (TAP). Usage: import.sh SECTAG ROOT
#
# Imports the small security dictionary of tests/import/ in each format
# (LIWC .dic, quanteda .yml, Yoshikoder .ykd, Lexicoder .lc3, WordStat
# .cat), then checks:
#  - the codebook against tests/e2e/expected/import/ (byte for byte) and the
#    warnings for what was skipped (a LIWC conditional entry, a WordStat
#    macro);
#  - that `sectag code` loads it and codes tests/import/discurso.txt the way
#    the dictionary means: amenaz* finds "amenazas" and "amenazante" but not
#    "desamenazar", a phrase only consecutive words, sicari? one character,
#    upper-case and accented entries any case, a parent counts its
#    sub-categories' words once (a LIWC word listed under a category and
#    its sub-category is not counted twice);
#  - --polarity, --accents, --format, --encoding, -o over an existing file
#    (atomic), byte-identical reruns, every error message and exit status;
#  - every ```sh block of docs/import.md followed by a ```text block: the
#    command's output must be the text block.
# SECTAG_UPDATE_EXPECTED=1 rewrites the expected files and the text blocks
# of docs/import.md (then review the diff!).
set -u
SECTAG=$1
ROOT=$2
IN=tests/import
source "$(dirname "$0")/lib.sh"
err() { sed -E "s|$TMP|TMP|g" "$TMP/stderr"; }

# ------------------------------------------------- each format -> a codebook
G="$TMP/got/import"
mkdir -p "$G"
run import -q $IN/security.dic -o "$G/liwc.yaml"
eq "LIWC: exit 0, the conditional entry is reported" "$status:$(err)" \
  "0:tests/import/security.dic:15: warning: skipped the conditional entry 'lucha' (3 (2)4): sectag does not import LIWC 2007 categories that depend on the neighbouring words; add the word to a code by hand"
run import -q $IN/security.yml -o "$G/quanteda.yaml"
eq "quanteda: exit 0, no messages" "$status:$(err)" "0:"
run import -q $IN/security.ykd -o "$G/yoshikoder.yaml"
eq "Yoshikoder: exit 0, no messages" "$status:$(err)" "0:"
run import -q $IN/security.lc3 -o "$G/lexicoder.yaml"
eq "Lexicoder: exit 0, no messages" "$status:$(err)" "0:"
run import -q $IN/security.cat -o "$G/wordstat.yaml"
eq "WordStat: exit 0, the macro is reported" "$status:$(err)" \
  "0:tests/import/security.cat:10: warning: skipped the macro '@ARMAS (1)': sectag does not expand WordStat macros; copy the words it stands for into the category"
run import -q $IN/security.yml -o "$G/quanteda-polarity.yaml" \
  --polarity security=securitizing -p peace=desecuritizing -p peace.root_causes=desecuritizing
eq "--polarity: exit 0" "$status:$(err)" "0:"
run import -q $IN/security.cat -o "$G/wordstat-sensitive.yaml" --accents sensitive \
  --polarity SEGURIDAD=securitizing --polarity paz=neutral
eq "--accents sensitive, --polarity by category name: exit 0" "$status:$(err | grep -v warning)" "0:"
run import -q $IN/security-latin1.cat --encoding cp1252 -o "$G/wordstat-cp1252.yaml"
eq "--encoding cp1252: exit 0, the macro is reported" "$status:$(err)" \
  "0:tests/import/security-latin1.cat:10: warning: skipped the macro '@ARMAS (1)': sectag does not expand WordStat macros; copy the words it stands for into the category"
run import -q $IN/security.txt --format lexicoder -o "$G/lexicoder-txt.yaml"
eq "--format lexicoder for a .txt file: exit 0" "$status:$(err)" "0:"
run import -q $IN/names.yml -o "$G/names.yaml"
eq "category names that are not code ids: exit 0" "$status:$(err)" "0:"
compare_dir "import" "$G" "$EXP/import"

eq "the summary line" "$("$SECTAG" import $IN/security.dic -o "$TMP/s.yaml" 2>&1 | tail -1 | sed "s|$TMP|TMP|")" \
  "sectag import: wrote TMP/s.yaml: 5 codes and 9 words from the LIWC dictionary tests/import/security.dic; 1 skipped (see the warnings above); 7 entries left out that a broader entry or a sub-category finds already"
eq "a cp1252 file gives the same codes as its UTF-8 twin" \
  "$(grep -v '^#\|^description\|^name' "$G/wordstat-cp1252.yaml")" "$(grep -v '^#\|^description\|^name' "$G/wordstat.yaml")"
eq "the Lexicoder colour (#AA0000) is not part of the name" \
  "$(grep -c "label: 'guerra'" "$G/lexicoder.yaml")" 1

# ------------------------------------------------- the codebooks code a text
# Prints "code text" for every row of matches.csv (line breaks as spaces),
# then "code=N" for every row of codes.csv.
summary() {
  python3 - "$1" <<'EOF'
import csv, os, sys
out = sys.argv[1]
with open(os.path.join(out, "matches.csv"), newline="", encoding="utf-8") as f:
    for r in csv.DictReader(f):
        print(r["code"], " ".join(r["text"].split()))
with open(os.path.join(out, "codes.csv"), newline="", encoding="utf-8") as f:
    print(" ".join(f"{r['code']}={r['matches']}" for r in csv.DictReader(f)))
EOF
}
want() { # want PARENT1 THREAT WAR PARENT2 CAUSES [SICARI]: the expected summary
  local s=$1 t=$2 w=$3 p=$4 c=$5 extra=${6:-}
  printf '%s\n' "$t amenazas" "$t amenazante" "$t peligro" "$t peligroso" "$w guerra" \
    "$w crimen organizado" "$w combates" "$w EJÉRCITO"
  [ -n "$extra" ] && printf '%s\n' "$t sicario" "$t sicaria"
  printf '%s\n' "$p paz" "$p abrazos" "$c atender las causas"
  if [ -n "$extra" ]; then
    echo "$s=10 $t=6 $w=4 $p=3 $c=1"
  elif [ "$s" = - ]; then
    echo "$t=4 $w=4 $p=2 $c=1"
  else
    echo "$s=8 $t=4 $w=4 $p=3 $c=1"
  fi
}
for f in liwc quanteda yoshikoder lexicoder wordstat; do
  run code -q -c "$G/$f.yaml" -o "$TMP/out-$f" $IN/discurso.txt
  eq "$f: sectag code loads the codebook (exit 0, no messages)" "$status:$(err)" "0:"
  case $f in
  liwc | yoshikoder | wordstat) exp=$(want seguridad seguridad.amenaza seguridad.guerra paz paz.causas_de_fondo) ;;
  quanteda) exp=$(want security security.threat security.war peace peace.root_causes x) ;;
  lexicoder) exp=$(want - amenaza guerra paz causas_de_fondo) ;;
  esac
  eq "$f: the words coded and each code's count" "$(summary "$TMP/out-$f")" "$exp"
done
Q=$(summary "$TMP/out-quanteda" | sed '$d' | cut -d' ' -f2-)
eq "amenaz* finds amenazas and amenazante, not desamenazar" \
  "$(grep 'amenaz' <<<"$Q" | tr '\n' ' ')" "amenazas amenazante "
eq "a phrase: only consecutive words (not 'crimen, organizado', not 'atender a las causas')" \
  "$(grep -c 'crimen\|atender' <<<"$Q")" 2
eq "sicari? is one character: sicario and sicaria, not sicarios" \
  "$(grep 'sicari' <<<"$Q" | tr '\n' ' ')" "sicario sicaria "
eq "LIWC: a word listed under seguridad and its sub-category counts once for seguridad" \
  "$(grep -c "^      - 'amenaz\*'" "$G/liwc.yaml"):$(grep '^discurso,,,,seguridad,' "$TMP/out-liwc/codes.csv" | cut -d, -f7)" "1:8"

run code -q -c "$G/quanteda-polarity.yaml" -o "$TMP/out-pol" $IN/discurso.txt
eq "--polarity: the parent's polarity is inherited, desecuritizing codes are desecuritizing" \
  "$status:$(cut -d, -f5,6 "$TMP/out-pol/codes.csv" | tr -d '\r' | tr '\n' ' ')" \
  "0:code,polarity security,securitizing security.threat,securitizing security.war,securitizing peace,desecuritizing peace.root_causes,desecuritizing "
run code -q -c "$G/wordstat-sensitive.yaml" -o "$TMP/out-sens" $IN/discurso.txt
eq "--accents sensitive: EJÉRCITO still matches ejército, case is still folded" \
  "$status:$(grep -c ',EJÉRCITO,' "$TMP/out-sens/matches.csv")" "0:1"
printf 'El ejercito sin acento.\n' >"$TMP/sin-acento.txt"
run code -q -c "$G/wordstat-sensitive.yaml" -o "$TMP/out-sens2" "$TMP/sin-acento.txt"
eq "--accents sensitive: ejército does not find ejercito" "$status:$(($(wc -l <"$TMP/out-sens2/matches.csv")))" "0:1"
run code -q -c "$G/wordstat.yaml" -o "$TMP/out-ins2" "$TMP/sin-acento.txt"
eq "--accents insensitive (default): ejército finds ejercito" "$status:$(($(wc -l <"$TMP/out-ins2/matches.csv")))" "0:2"
run code -q -c "$G/names.yaml" -o "$TMP/out-names" $IN/discurso.txt
eq "slugged ids: sectag code loads the codebook" "$status:$(err)" "0:"

printf 'security:\n  - amenaz*\n  - threat: [amenaza, peligro]\n' >"$TMP/doubled.yml"
run import -q "$TMP/doubled.yml" -o "$TMP/doubled.yaml"
eq "a sub-category's entry that a parent's broader entry finds too: a warning" "$status:$(err)" \
  "0:sectag import: warning: 'amenaza' in security.threat is also found by a broader entry of security, which counts its sub-categories' matches too, so such a word counts twice for security (1 entry like this); remove one of the two entries if that is not what the dictionary means"
printf 'Una amenaza.\n' >"$TMP/amenaza.txt"
run code -q -c "$TMP/doubled.yaml" -o "$TMP/out-doubled" "$TMP/amenaza.txt"
eq "... and indeed it counts twice for the parent" "$(summary "$TMP/out-doubled" | tail -1)" "security=2 security.threat=1"

# ------------------------------------------------- output file
printf 'old contents\n' >"$TMP/old.yaml"
run import -q $IN/security.lc3 -o "$TMP/old.yaml"
check "-o over an existing file: replaced by the codebook" cmp "$TMP/old.yaml" "$G/lexicoder.yaml"
check "-o over an existing file: no temporary file left" no_temp_files "$TMP"
run import -q $IN/security.dic -o "$TMP/again.yaml"
check "a second import gives the same bytes" cmp "$TMP/again.yaml" "$G/liwc.yaml"
run import -q $IN/security.dic -o "$TMP/no/such/folder/x.yaml"
eq "-o in a folder that does not exist: exit 4" "$status" 4
if [ "$(id -u)" != 0 ]; then
  mkdir "$TMP/ro" && chmod a-w "$TMP/ro"
  run import -q $IN/security.dic -o "$TMP/ro/x.yaml"
  eq "-o in a read-only folder: exit 4, nothing written" "$status:$(ls -A "$TMP/ro" | wc -l)" "4:0"
fi

# ------------------------------------------------- usage errors (exit 2)
usage() { # usage NAME EXPECTED-FIRST-LINE ARGS...
  local name=$1 msg=$2; shift 2
  run import "$@"
  eq "$name: exit 2 and message" "$status:$(err | head -1)" "2:$msg"
}
usage "no FILE" "sectag import: missing the dictionary FILE (a .dic, .yml, .ykd, .lc3 or .cat file)"
usage "no -o" "sectag import: missing the codebook to write: -o CODEBOOK.yaml" $IN/security.dic
usage "two files" "sectag import: one dictionary at a time; 'tests/import/security.yml' is one too many (import each into its own codebook)" \
  $IN/security.dic $IN/security.yml -o "$TMP/x.yaml"
usage "unknown extension" "sectag import: cannot tell the format of 'tests/import/security.txt' from its extension (.dic, .yml, .yaml, .ykd, .lc3, .cat); give --format liwc, quanteda, yoshikoder, lexicoder or wordstat" \
  $IN/security.txt -o "$TMP/x.yaml"
usage "unknown --format" "sectag import: --format is liwc, quanteda, yoshikoder, lexicoder or wordstat, not 'csv'" \
  --format csv $IN/security.dic -o "$TMP/x.yaml"
usage "a file that does not exist" "tests/import/nope.dic: cannot open: No such file or directory" \
  $IN/nope.dic -o "$TMP/x.yaml"
usage "a folder" "tests/import: not a regular file (a folder, a pipe or a device); name text files only" \
  --format liwc $IN -o "$TMP/x.yaml"
usage "-o is the dictionary" "sectag import: -o tests/import/security.yml is the dictionary itself; write the codebook to another file" \
  $IN/security.yml -o $IN/security.yml
usage "--polarity without =" "sectag import: --polarity takes KEY=POLARITY (threat=securitizing), not 'security'" \
  $IN/security.yml -o "$TMP/x.yaml" --polarity security
usage "--polarity, unknown category" "sectag import: --polarity guerra=securitizing: no category 'guerra' in tests/import/security.yml; give a code id (the top-level ones are: security, peace), or a sub-category as PARENT.CHILD" \
  $IN/security.yml -o "$TMP/x.yaml" --polarity guerra=securitizing
usage "--polarity, unknown value" "sectag import: --polarity security=securitising: the polarity is securitizing, desecuritizing or neutral" \
  $IN/security.yml -o "$TMP/x.yaml" --polarity security=securitising
usage "--polarity, a child against its parent" "sectag import: --polarity makes 'security.war' desecuritizing but its parent 'security' securitizing; a parent counts its sub-categories' matches, so give the polarity to the parent's other sub-categories one by one instead" \
  $IN/security.yml -o "$TMP/x.yaml" -p security=securitizing -p security.war=desecuritizing
usage "--accents, unknown value" "sectag import: --accents is insensitive or sensitive, not 'yes'" \
  $IN/security.yml -o "$TMP/x.yaml" --accents yes
usage "--encoding that iconv does not know" "sectag import: unknown encoding 'klingon'; \`iconv -l\` lists the names this system knows (e.g. latin1, cp1252, utf-16)" \
  $IN/security.lc3 -o "$TMP/x.yaml" --encoding klingon
usage "--encoding for a Yoshikoder file" "sectag import: --encoding does not apply to Yoshikoder files: their XML declaration names the encoding" \
  $IN/security.ykd -o "$TMP/x.yaml" --encoding latin1
usage "an unknown option" "import: unrecognized option '--nope'" $IN/security.dic -o "$TMP/x.yaml" --nope
check "nothing written after usage errors" test ! -e "$TMP/x.yaml"

# ------------------------------------------------- malformed dictionaries (exit 1)
B="$TMP/bad"
mkdir -p "$B"
bad() { # bad NAME FILE EXPECTED-MESSAGE CONTENT (printf %b)
  local name=$1 file=$2 msg=$3
  printf '%b' "$4" >"$B/$file"
  run import -q "$B/$file" -o "$TMP/x.yaml"
  eq "$name: exit 1 and message" "$status:$(err)" "1:$msg"
}
bad "LIWC without the % header" a.dic "TMP/bad/a.dic:1:1: a LIWC dictionary starts with a line holding only '%', then one 'NUMBER<TAB>name' line per category and another '%' line; found 'amenaz* 1' (is this a LIWC .dic file? if not, give --format)" \
  'amenaz*\t1\n'
bad "LIWC header never closed" b.dic "TMP/bad/b.dic:1:1: the category list opened by this '%' is never closed; add a line holding only '%' after the last category" \
  '%\n1\tamenaza\namenaz*\t1\n'
bad "LIWC category without a name" c.dic "TMP/bad/c.dic:2:1: the category line '1' has no name; write the category's number, a tab and its name (1<TAB>threat)" \
  '%\n1\n%\n'
bad "LIWC number declared twice" d.dic "TMP/bad/d.dic:3:1: category number 01 is declared twice (first at line 2); give each category its own number" \
  '%\n1\tamenaza\n01\tguerra\n%\n'
bad "LIWC undeclared category" e.dic "TMP/bad/e.dic:4:14: category 7 of 'guerra' is not declared between the '%' lines; declare it there or remove it from this line" \
  '%\n1\tamenaza\n%\nguerra\t1\t  1\t7\n'
bad "LIWC sub-category indented too deep" f.dic "TMP/bad/f.dic:3:1: the category 'guerra' is indented 2 tabs, more than one tab deeper than the category above it; indent a sub-category one tab more than its parent" \
  '%\n1\tseguridad\n\t\t2\tguerra\n%\n'
bad "LIWC: no categories" g.dic "TMP/bad/g.dic:3:1: no categories between the two '%' lines; list them as 'NUMBER<TAB>name' lines" \
  '%\n\n%\nguerra\t1\n'
bad "LIWC: empty file" h.dic "TMP/bad/h.dic: the file is empty; a LIWC dictionary lists its categories between two '%' lines, then its words" \
  ''
bad "Lexicoder: entry before the first category" a.lc3 "TMP/bad/a.lc3:1:1: the entry 'amenaz*' comes before the first category; a Lexicoder dictionary starts each category with a '+name' line (is this a .lc3 file? if not, give --format)" \
  'amenaz*\n+amenaza\n'
bad "Lexicoder: a '+' without a name" b.lc3 "TMP/bad/b.lc3:1:1: a '+' line without a category name; write the name after the '+' (+threat)" \
  '+\namenaz*\n'
bad "WordStat: entry outside a category" a.cat "TMP/bad/a.cat:1:1: the entry 'AMENAZA* (1)' is not inside a category; indent an entry one tab more than its category" \
  'AMENAZA* (1)\n'
bad "WordStat: indented with spaces" b.cat "TMP/bad/b.cat:2:1: the line is indented with spaces; WordStat dictionaries indent with one tab per level: replace the spaces with tabs" \
  'AMENAZA\n    AMENAZA* (1)\n'
bad "WordStat: sub-category too deep" c.cat "TMP/bad/c.cat:2:1: the category 'GUERRA' is indented more than one tab deeper than the category above it; indent a sub-category one tab more than its category" \
  'SEGURIDAD\n\t\tGUERRA\n'
bad "WordStat: entry too deep" d.cat "TMP/bad/d.cat:2:1: the entry 'GUERRA (1)' is indented more than one tab deeper than its category; indent an entry one tab more than its category" \
  'SEGURIDAD\n\t\tGUERRA (1)\n'
bad "Yoshikoder: not well-formed" a.ykd "TMP/bad/a.ykd:3:14: the file is not well-formed XML: Opening and ending tag mismatch: cnode line 2 and dictionary; fix it (xmllint --noout lists every error)" \
  '<dictionary>\n<cnode name="a">\n</dictionary>\n'
bad "Yoshikoder: another root element" b.ykd "TMP/bad/b.ykd:1: the root element is <TEI>, not <dictionary>; is this a Yoshikoder .ykd file? if not, give --format" \
  '<TEI/>\n'
bad "Yoshikoder: an entity declaration" c.ykd "TMP/bad/c.ykd:2:1: the XML declares entities in a DTD (<!ENTITY x ...>); sectag never expands or fetches entities: remove the DOCTYPE and write the characters themselves" \
  '<!DOCTYPE dictionary [\n<!ENTITY x SYSTEM "file:///etc/passwd">\n]>\n<dictionary><cnode name="a"><pnode name="&x;"/></cnode></dictionary>\n'
bad "Yoshikoder: a cnode without a name" d.ykd "TMP/bad/d.ykd:2: <cnode> has no name attribute; give it one (<cnode name=\"threat\">)" \
  '<dictionary>\n<cnode><pnode name="a"/></cnode>\n</dictionary>\n'
bad "Yoshikoder: no categories" e.ykd "TMP/bad/e.ykd: no categories; a Yoshikoder dictionary holds <cnode name=\"...\"> elements with <pnode name=\"...\"/> patterns inside" \
  '<dictionary name="x"></dictionary>\n'
bad "quanteda: YAML syntax error" a.yml "TMP/bad/a.yml:2:12: YAML syntax error: mapping values are not allowed in this context; check the indentation, and quote an entry that contains ': ' or starts with a character such as '*', '&', '[' or '{'" \
  'security:\n  threat: a: b\n'
bad "quanteda: a list at the top" b.yml "TMP/bad/b.yml:1:1: a quanteda dictionary is a mapping of category names to lists of entries (threat: [amenaz*, peligro]); this file holds a list or a string (if it is not a quanteda dictionary, give --format)" \
  '- amenaza\n- peligro\n'
bad "quanteda: an unquoted *entry is a YAML alias" c.yml "TMP/bad/c.yml:1:11: a YAML alias (*narco); quote an entry that starts with '*' ('*narco'), else YAML reads it as an alias" \
  'threat: [ *narco ]\n'
bad "quanteda: a sectag codebook" d.yml "TMP/bad/d.yml:1:1: this is a sectag codebook already (it has a 'sectag:' key); use it with sectag code -c" \
  'sectag: 1\nname: x\n'
bad "quanteda: a tab for indentation" e.yml "TMP/bad/e.yml:2:1: YAML syntax error: found character that cannot start any token (while scanning for the next token); YAML does not allow tabs for indentation: indent with spaces" \
  'security:\n\tthreat: [a]\n'
bad "invalid UTF-8 that looks like Latin-1" b.lc3 "TMP/bad/b.lc3:2:3: the file is not valid UTF-8 (byte 0xC9); it looks like Latin-1 or Windows-1252: give --encoding cp1252" \
  '+guerra\nEJ\xc9RCITO\n'
bad "a NUL byte" c.lc3 "TMP/bad/c.lc3:1:2: the file contains a NUL byte; if it is UTF-16, give --encoding utf-16" \
  '+\0g\n'
check "nothing written after malformed input" test ! -e "$TMP/x.yaml"

# ------------------------------------------------- help
run import --help
eq "--help: exit 0, names every option" "$status:$(for o in --output --format --polarity --accents --encoding --quiet; do grep -c -- "$o" "$TMP/stdout" | sed "s/^0$/missing $o/;s/^[0-9]*$//"; done | tr -d '\n')" "0:"
run help import
check "sectag help import: the same text" cmp "$TMP/stdout" <("$SECTAG" import --help)
check "sectag --help lists import" grep -q '^  import ' <("$SECTAG" --help)

# ------------------------------------------------- docs/import.md
mkdir -p "$TMP/doc" "$TMP/bin"
ln -s "$ROOT/tests" "$TMP/doc/tests"
ln -s "$SECTAG" "$TMP/bin/sectag"
tap_py "$HERE/doc_blocks.py" "$ROOT/docs/import.md" "$TMP/doc" "$TMP/bin"

echo "1..$n"
[ "$failed" -eq 0 ]
