/* test_codebook.c: the YAML codebook reader (src/codebook.c).
 *
 * Runs from the tests/ folder (meson's workdir) or from the project root;
 * fixtures are in tests/codebook/. Every error is checked as the exact text
 * sectag_error_format() gives ("PATH:LINE:COL: MESSAGE"). */
#include <stdlib.h>
#include <string.h>

#include "codebook.h"
#include "harness.h"
#include "sectag.h"

/* The path of a fixture, from either working directory. */
static const char *fixture(const char *name) {
  static char path[2][256];
  static int which = 0;
  which ^= 1;
  snprintf(path[which], sizeof path[which], "codebook/%s", name);
  FILE *f = fopen(path[which], "rb");
  if (f) {
    fclose(f);
    return path[which];
  }
  snprintf(path[which], sizeof path[which], "tests/codebook/%s", name);
  return path[which];
}

static char *copy(const char *s) {
  size_t n = strlen(s) + 1;
  char *p = malloc(n);
  memcpy(p, s, n);
  return p;
}

/* Parses yaml (len bytes) as "cb.yaml"; returns the formatted error, or
 * "OK" when it parsed. Checks that failure means NULL + SECTAG_ERR_CODEBOOK. */
static char *parse_len(const char *yaml, size_t len) {
  sectag_error err = SECTAG_ERROR_INIT;
  sectag_codebook *cb = sectag_codebook_parse(yaml, len, "cb.yaml", &err);
  char *out;
  if (cb) {
    out = copy(err.code == SECTAG_OK ? "OK" : "OK but err was set");
  } else if (err.code != SECTAG_ERR_CODEBOOK) {
    out = copy("NULL without SECTAG_ERR_CODEBOOK");
  } else {
    out = sectag_error_format(&err);
  }
  sectag_codebook_free(cb);
  sectag_error_clear(&err);
  return out;
}

static void expect(const char *yaml, const char *want, const char *name) {
  char *got = parse_len(yaml, strlen(yaml));
  TEST_EQ_STR(got, want, name);
  free(got);
}

static void expect_len(const char *yaml, size_t len, const char *want, const char *name) {
  char *got = parse_len(yaml, len);
  TEST_EQ_STR(got, want, name);
  free(got);
}

/* A valid codebook around one code body (indented by 4). */
#define HEAD "sectag: 1\nname: t\ncodes:\n"

static sectag_codebook *parse_ok(const char *yaml) {
  sectag_error err = SECTAG_ERROR_INIT;
  sectag_codebook *cb = sectag_codebook_parse(yaml, strlen(yaml), "cb.yaml", &err);
  if (!cb) {
    char *s = sectag_error_format(&err);
    printf("# unexpected error: %s\n", s);
    free(s);
  }
  sectag_error_clear(&err);
  return cb;
}

/* ----------------------------------------------------------- valid files */

static void test_full_example(void) {
  sectag_error err = SECTAG_ERROR_INIT;
  const char *path = fixture("full.yaml");
  sectag_codebook *cb = sectag_codebook_load(path, &err);
  TEST_OK(cb != NULL, "full example loads");
  TEST_EQ_INT(err.code, SECTAG_OK, "full example leaves err at SECTAG_OK");
  sectag_error_clear(&err);
  if (!cb) return;

  TEST_EQ_STR(cb->path, path, "codebook keeps the path it was loaded from");
  TEST_EQ_INT(cb->version, 1, "format version is 1");
  TEST_EQ_STR(sectag_codebook_name(cb), "securitization-es", "name");
  TEST_EQ_STR(cb->language, "es", "language");
  TEST_EQ_STR(cb->description, "free text", "description");
  TEST_EQ_INT(cb->strip_accents, 0, "accents: sensitive clears strip_accents");
  TEST_EQ_INT(cb->overlap_all, 1, "overlap: all sets overlap_all");

  TEST_EQ_INT(sectag_codebook_code_count(cb), 6, "six codes");
  static const char *ids[] = {"sec", "sec.war", "sec.war.army", "des.health", "des", "other"};
  static const char *labels[] = {"Securitizing move", "War and combat framing", "sec.war.army",
                                 "Public health framing", "Desecuritizing move", "Other"};
  static const long parents[] = {-1, 0, 1, 4, -1, -1};
  static const int depths[] = {0, 1, 2, 1, 0, 0};
  static const sectag_polarity pols[] = {SECTAG_SECURITIZING, SECTAG_SECURITIZING,
                                         SECTAG_SECURITIZING, SECTAG_DESECURITIZING,
                                         SECTAG_DESECURITIZING, SECTAG_NEUTRAL};
  static const int pol_set[] = {1, 0, 0, 0, 1, 0};
  static const unsigned long lines[] = {9, 12, 25, 30, 33, 36};
  for (size_t i = 0; i < 6 && i < cb->ncodes; ++i) {
    char name[128];
    snprintf(name, sizeof name, "code %zu id is %s (file order)", i, ids[i]);
    TEST_EQ_STR(sectag_codebook_code_id(cb, i), ids[i], name);
    snprintf(name, sizeof name, "code %s label", ids[i]);
    TEST_EQ_STR(sectag_codebook_code_label(cb, i), labels[i], name);
    snprintf(name, sizeof name, "code %s parent index", ids[i]);
    TEST_EQ_INT(cb->codes[i].parent, parents[i], name);
    snprintf(name, sizeof name, "code %s depth", ids[i]);
    TEST_EQ_INT(cb->codes[i].depth, depths[i], name);
    snprintf(name, sizeof name, "code %s effective polarity", ids[i]);
    TEST_EQ_INT(sectag_codebook_code_polarity(cb, i), pols[i], name);
    snprintf(name, sizeof name, "code %s polarity_set", ids[i]);
    TEST_EQ_INT(cb->codes[i].polarity_set, pol_set[i], name);
    snprintf(name, sizeof name, "code %s position is its key (line %lu, col 3)", ids[i],
             lines[i]);
    TEST_OK(cb->codes[i].line == lines[i] && cb->codes[i].col == 3, name);
  }
  TEST_EQ_STR(sectag_polarity_name(sectag_codebook_code_polarity(cb, 2)), "securitizing",
              "grandchild inherits polarity through a parent without one");
  TEST_EQ_STR(sectag_polarity_name(sectag_codebook_code_polarity(cb, 3)), "desecuritizing",
              "child inherits polarity from a parent declared after it");

  const sectag_code *war = &cb->codes[1];
  TEST_EQ_STR(war->definition, "Drug policy or crime framed as war or combat.", "definition");
  TEST_EQ_STR(war->include, "optional free text", "include");
  TEST_EQ_STR(war->exclude, "optional free text", "exclude");
  TEST_EQ_STR(war->source, "optional free text (literature)", "source");
  TEST_EQ_INT(war->nexamples, 1, "one example");
  TEST_EQ_STR(war->nexamples ? war->examples[0] : NULL,
              "Le declaramos la guerra al narcotráfico.", "example text");
  TEST_EQ_INT(war->ncounterexamples, 1, "one counterexample");
  TEST_EQ_STR(war->ncounterexamples ? war->counterexamples[0] : NULL,
              "la guerra de independencia", "counterexample text");
  TEST_OK(cb->codes[0].definition == NULL && cb->codes[0].include == NULL &&
              cb->codes[0].exclude == NULL && cb->codes[0].source == NULL &&
              cb->codes[0].nexamples == 0 && cb->codes[0].ncounterexamples == 0,
          "absent optional fields are NULL / empty");

  TEST_EQ_INT(sectag_codebook_rule_count(cb), 7, "seven rules");
  static const char *rids[] = {"sec.war#1", "sec.war#2", "war-decl",     "sec.war#4",
                               "army",      "des.health#1", "des.health#2"};
  static const char *pats[] = {"guerras?",  "combat(e|es|ir|iendo)", "declar\\w* (la )?guerra",
                               "narco\\w*", "ejército",              "salud pública",
                               "adicción"};
  static const size_t rcodes[] = {1, 1, 1, 1, 2, 3, 3};
  static const int partial[] = {0, 0, 0, 1, 0, 0, 0};
  /* columns count bytes: 'adicción' follows 'salud pública' (ú is 2 bytes) */
  static const unsigned long rlines[] = {19, 20, 21, 22, 27, 32, 32};
  static const unsigned long rcols[] = {9, 9, 33, 19, 18, 16, 34};
  for (size_t i = 0; i < 7 && i < cb->nrules; ++i) {
    const sectag_rule *r = &cb->rules[i];
    char name[128];
    snprintf(name, sizeof name, "rule %zu id is %s", i, rids[i]);
    TEST_EQ_STR(r->id, rids[i], name);
    snprintf(name, sizeof name, "rule %s pattern as written", rids[i]);
    TEST_EQ_STR(r->pattern, pats[i], name);
    snprintf(name, sizeof name, "rule %s belongs to code %zu", rids[i], rcodes[i]);
    TEST_EQ_INT(r->code, rcodes[i], name);
    snprintf(name, sizeof name, "rule %s partial flag", rids[i]);
    TEST_EQ_INT(r->partial, partial[i], name);
    snprintf(name, sizeof name, "rule %s line", rids[i]);
    TEST_EQ_INT(r->line, rlines[i], name);
    snprintf(name, sizeof name, "rule %s byte column", rids[i]);
    TEST_EQ_INT(r->col, rcols[i], name);
  }
  sectag_codebook_free(cb);
  sectag_error_clear(&err);
}

static void test_defaults(void) {
  sectag_codebook *cb = parse_ok("sectag: 1\nname: minimal\ncodes:\n  crime: {}\n");
  TEST_OK(cb != NULL, "minimal codebook parses");
  if (!cb) return;
  TEST_EQ_INT(cb->strip_accents, 1, "accents default to insensitive (strip_accents)");
  TEST_EQ_INT(cb->overlap_all, 0, "overlap defaults to longest");
  TEST_OK(cb->language == NULL && cb->description == NULL, "language, description absent");
  TEST_EQ_STR(sectag_codebook_code_label(cb, 0), "crime", "label defaults to the id");
  TEST_EQ_INT(sectag_codebook_code_polarity(cb, 0), SECTAG_NEUTRAL,
              "no polarity anywhere means neutral");
  TEST_EQ_INT(cb->codes[0].parent, -1, "top-level code has parent -1");
  TEST_EQ_INT(sectag_codebook_rule_count(cb), 0, "a code may have no patterns");
  TEST_EQ_STR(sectag_codebook_code_id(cb, 1), NULL, "code id out of range is NULL");
  sectag_codebook_free(cb);

  cb = parse_ok("sectag: 1\nname: x\naccents: insensitive\noverlap: longest\n"
                "codes:\n  a:\n    polarity: neutral\n    patterns:\n    examples:\n");
  TEST_OK(cb && cb->strip_accents == 1 && cb->overlap_all == 0,
          "explicit accents: insensitive and overlap: longest");
  TEST_OK(cb && cb->codes[0].polarity_set == 1 && cb->codes[0].polarity == SECTAG_NEUTRAL,
          "explicit polarity: neutral is recorded as set");
  TEST_OK(cb && cb->nrules == 0 && cb->codes[0].nexamples == 0,
          "empty 'patterns:' and 'examples:' values mean none");
  sectag_codebook_free(cb);

  cb = parse_ok("sectag: '1'\nname: \"quoted\"\ncodes:\n  a:\n    patterns: [\"x\\\\b\"]\n");
  TEST_OK(cb && strcmp(cb->name, "quoted") == 0 && strcmp(cb->rules[0].pattern, "x\\b") == 0,
          "quoted scalars are plain strings (escapes decoded by YAML)");
  sectag_codebook_free(cb);

  cb = parse_ok("sectag: 1\nname: x\ncodes:\n  a:\n    patterns:\n"
                "      - {pattern: a, partial: yes}\n      - {pattern: b, partial: false}\n"
                "      - {pattern: c, partial: True}\n");
  TEST_OK(cb && cb->nrules == 3 && cb->rules[0].partial == 1 && cb->rules[1].partial == 0 &&
              cb->rules[2].partial == 1,
          "partial accepts yes/false/True");
  sectag_codebook_free(cb);

  cb = parse_ok("sectag: 1\nname: x\ncodes:\n  s1x: {}\n  sm1: {}\n  m: {}\n  sec: {}\n  sec.s1: {}\n");
  TEST_EQ_INT(sectag_codebook_code_count(cb), 5,
              "s1x, sm1, m and sec.s1 are not reserved ids");
  sectag_codebook_free(cb);
}

static void test_accessors(void) {
  TEST_EQ_STR(sectag_polarity_name(SECTAG_SECURITIZING), "securitizing", "polarity name");
  TEST_EQ_STR(sectag_polarity_name(SECTAG_DESECURITIZING), "desecuritizing",
              "polarity name desecuritizing");
  TEST_EQ_STR(sectag_polarity_name(SECTAG_NEUTRAL), "neutral", "polarity name neutral");
  sectag_codebook_free(NULL);
  TEST_OK(1, "sectag_codebook_free(NULL) is a no-op");
}

static void test_line_endings_and_bom(void) {
  sectag_codebook *cb =
      parse_ok("sectag: 1\r\nname: crlf\r\ncodes:\r\n  a:\r\n    patterns: [x, y]\r\n");
  TEST_OK(cb && cb->nrules == 2 && cb->rules[1].line == 5 && cb->rules[1].col == 19,
          "CRLF line endings: rule at line 5, col 19");
  sectag_codebook_free(cb);
  expect("\xEF\xBB\xBFsectag: 1\nnam: x\n",
         "cb.yaml:2:1: unknown key 'nam' at top level; expected one of: sectag, name, "
         "language, description, accents, overlap, codes (did you mean 'name'?)",
         "a UTF-8 BOM is skipped; positions count from after it");
  expect("\xEF\xBB\xBF" "bad: 1\n",
         "cb.yaml:1:1: unknown key 'bad' at top level; expected one of: sectag, name, "
         "language, description, accents, overlap, codes",
         "column 1 on the first line after a BOM");
  expect("sectag: 1\rname: x\rcodes:\r  a:\r    polarity: bad\r",
         "cb.yaml:5:15: unknown polarity 'bad' in code 'a'; use securitizing, "
         "desecuritizing or neutral",
         "old Mac CR line endings count as lines");
}

/* ------------------------------------------------------------- reading */

static void test_missing_file(void) {
  sectag_error err = SECTAG_ERROR_INIT;
  const char *path = fixture("no-such-codebook.yaml");
  sectag_codebook *cb = sectag_codebook_load(path, &err);
  TEST_OK(cb == NULL, "missing file returns NULL");
  TEST_EQ_INT(err.code, SECTAG_ERR_CODEBOOK, "missing file is SECTAG_ERR_CODEBOOK");
  TEST_EQ_INT(err.line, 0, "missing file has no line");
  TEST_EQ_STR(err.path, path, "missing file error names the path");
  TEST_EQ_STR(err.message,
              "cannot read codebook: No such file or directory; check the path given with -c",
              "missing file message says what to do");
  sectag_error_clear(&err);

  /* a directory opens but cannot be read */
  char dir[256];
  snprintf(dir, sizeof dir, "%s", fixture("full.yaml"));
  *strrchr(dir, '/') = '\0';
  cb = sectag_codebook_load(dir, &err);
  char want[400];
  snprintf(want, sizeof want,
           "%s: cannot read codebook: Is a directory; check the path given with -c", dir);
  char *got = sectag_error_format(&err);
  TEST_OK(cb == NULL, "a directory is not a codebook");
  TEST_EQ_STR(got, want, "a directory gives 'Is a directory'");
  free(got);
  sectag_error_clear(&err);
}

static void test_encoding_errors(void) {
  sectag_error err = SECTAG_ERROR_INIT;
  const char *path = fixture("invalid-utf8.yaml");
  sectag_codebook *cb = sectag_codebook_load(path, &err);
  char want[400];
  snprintf(want, sizeof want,
           "%s:5:23: invalid UTF-8 in codebook: invalid leading UTF-8 octet (0xFA); save "
           "the file as UTF-8",
           path);
  char *got = sectag_error_format(&err);
  TEST_OK(cb == NULL, "invalid UTF-8 file is rejected");
  TEST_EQ_STR(got, want, "invalid UTF-8 (Latin-1 ú) in a file: position of the byte");
  free(got);
  sectag_error_clear(&err);

  path = fixture("nul-byte.yaml");
  cb = sectag_codebook_load(path, &err);
  snprintf(want, sizeof want,
           "%s:5:13: the codebook contains a NUL byte; a codebook must be a UTF-8 text file",
           path);
  got = sectag_error_format(&err);
  TEST_OK(cb == NULL, "file with a NUL byte is rejected");
  TEST_EQ_STR(got, want, "NUL byte in a file: position of the byte");
  free(got);
  sectag_error_clear(&err);

  expect_len("sectag: 1\nname: a\0", 18,
             "cb.yaml:2:8: the codebook contains a NUL byte; a codebook must be a UTF-8 text "
             "file",
             "NUL byte in memory");
  expect_len("\0", 1,
             "cb.yaml:1:1: the codebook contains a NUL byte; a codebook must be a UTF-8 text "
             "file",
             "a lone NUL byte");
  expect("name: \x01\n",
         "cb.yaml:1:7: the codebook contains the control character 0x01; a codebook must be a "
         "UTF-8 text file",
         "control character");
  expect("name: caf\xC3\n",
         "cb.yaml:1:11: invalid UTF-8 in codebook: invalid trailing UTF-8 octet (0x0A); save "
         "the file as UTF-8",
         "truncated UTF-8 sequence before a newline (libyaml points at the bad byte)");
  expect("name: caf\xC3",
         "cb.yaml:1:10: invalid UTF-8 in codebook: incomplete UTF-8 octet sequence; save the "
         "file as UTF-8",
         "truncated UTF-8 sequence at the end of the file");
  expect("\xFF\xFE" "a\0:\0",
         "cb.yaml:1:1: invalid UTF-8 in codebook: invalid leading UTF-8 octet (0xFF); save "
         "the file as UTF-8",
         "UTF-16 is not accepted");
  expect(HEAD "  a:\n    label: \"x\\0y\"\n",
         "cb.yaml:5:12: a string in a codebook cannot contain a NUL character (\\0)",
         "escaped NUL in a double-quoted string");
}

static void test_yaml_structure(void) {
  expect("", "cb.yaml: codebook is empty; see docs/codebook-format.md", "empty file");
  expect("# only a comment\n\n",
         "cb.yaml: codebook is empty; see docs/codebook-format.md", "only comments");
  expect("---\n", "cb.yaml: codebook is empty; see docs/codebook-format.md",
         "empty document");
  expect("- sectag: 1\n",
         "cb.yaml:1:1: the top level of a codebook must be a mapping with keys such as "
         "sectag, name and codes; see docs/codebook-format.md",
         "top level is a list");
  expect("just text\n",
         "cb.yaml:1:1: the top level of a codebook must be a mapping with keys such as "
         "sectag, name and codes; see docs/codebook-format.md",
         "top level is a string");
  expect("sectag: 1\nname: x\n  label: y\n",
         "cb.yaml:3:8: YAML syntax error: mapping values are not allowed in this context; "
         "quote a value that contains \": \" (source: \"Buzan (1998): Security\") and line "
         "a key up with the keys beside it",
         "syntax error without a context, with a hint");
  expect("sectag: 1\nname: x\ncodes:\n  sec:\n    polarity: securitizing\n  sec.war:\n"
         "    polarity: desecuritizing\n",
         "cb.yaml:6:3: code 'sec.war' is desecuritizing but its parent 'sec' is securitizing; a "
         "parent counts its children's matches, so remove the child's polarity or move the code "
         "under another parent",
         "a child contradicts its parent's polarity");
  expect("sectag: 1\nname: x\ncodes:\n  sec:\n    label: War\n    source: Buzan: Security\n",
         "cb.yaml:6:18: YAML syntax error: mapping values are not allowed in this context; "
         "quote a value that contains \": \" (source: \"Buzan (1998): Security\") and line "
         "a key up with the keys beside it",
         "syntax error: an unquoted colon in a value");
  expect("sectag: 1\nname: x\ncodes:\n  sec:\n\tlabel: War\n",
         "cb.yaml:5:1: YAML syntax error: found character that cannot start any token (while "
         "scanning for the next token); YAML does not allow tabs for indentation: indent with "
         "spaces",
         "syntax error: a tab for indentation");
  expect("sectag: 1\nname: x\ncodes:\n  a:\n    label: x\n   bad: y\n",
         "cb.yaml:6:4: YAML syntax error: did not find expected key (while parsing a block "
         "mapping)",
         "syntax error: bad indentation");
  expect(HEAD "  a:\n    patterns: [a, b\n",
         "cb.yaml:6:1: YAML syntax error: did not find expected ',' or ']' (while parsing a "
         "flow sequence)",
         "syntax error: unclosed flow sequence");
  expect("sectag: 1\nname: 'abc\n",
         "cb.yaml:3:1: YAML syntax error: found unexpected end of stream (while scanning a "
         "quoted scalar)",
         "syntax error: unclosed quote");
  expect("sectag: 1\nname: x\ncodes:\n  a: {}\n---\nsectag: 1\n",
         "cb.yaml:5:1: a codebook file must hold a single YAML document; remove the second "
         "document (from this '---' on)",
         "two YAML documents");
  expect("sectag: 1\nname: x\ncodes:\n  a: {}\n...\n",
         "OK", "an explicit document end marker is fine");
  expect("%YAML 1.1\n---\n!!map\nsectag: !!int 1\nname: !custom x\ncodes:\n  a: {}\n",
         "OK", "tags and directives are ignored");
}

static void test_anchors_and_nesting(void) {
  expect(HEAD "  a:\n    label: &l Label\n  b:\n    label: *l\n",
         "cb.yaml:5:12: anchors and aliases (&name, *name) are not supported in codebooks",
         "anchor on a scalar");
  expect(HEAD "  a: &base\n    label: x\n",
         "cb.yaml:4:6: anchors and aliases (&name, *name) are not supported in codebooks",
         "anchor on a mapping");
  expect("sectag: 1\nname: x\nlist: &l [a]\n",
         "cb.yaml:3:1: unknown key 'list' at top level; expected one of: sectag, name, "
         "language, description, accents, overlap, codes",
         "unknown keys are reported before their (anchored) values");
  expect(HEAD "  a:\n    patterns: *p\n",
         "cb.yaml:5:15: anchors and aliases (&name, *name) are not supported in codebooks",
         "alias (undefined) is refused at the alias");
  expect("sectag: 1\nname: x\ncodes: &c [&d [&e [*e]]]\n",
         "cb.yaml:3:8: anchors and aliases (&name, *name) are not supported in codebooks",
         "anchor bomb is refused at the first anchor");

  /* 100000 nested flow sequences where a pattern goes: refused at the first
   * unexpected list, without recursing into the rest */
  size_t depth = 100000;
  const char *head = HEAD "  a:\n    patterns:\n      - ";
  size_t hl = strlen(head);
  char *deep = malloc(hl + 2 * depth + 2);
  memcpy(deep, head, hl);
  memset(deep + hl, '[', depth);
  memset(deep + hl + depth, ']', depth);
  memcpy(deep + hl + 2 * depth, "\n", 2);
  expect(deep,
         "cb.yaml:6:9: pattern 1 of code 'a' must be a string or a mapping with 'pattern' "
         "(and optionally 'id', 'partial', 'unless', 'near' and 'window')",
         "deeply nested lists in a pattern: clean error at the first nested list");
  free(deep);

  const char *head2 = "sectag: 1\nname: ";
  hl = strlen(head2);
  deep = malloc(hl + 4 * depth + 2);
  memcpy(deep, head2, hl);
  for (size_t i = 0; i < depth; ++i) memcpy(deep + hl + 3 * i, "{a:", 3);
  memset(deep + hl + 3 * depth, '}', depth);
  memcpy(deep + hl + 4 * depth, "\n", 2);
  expect(deep, "cb.yaml:2:7: 'name' at top level must be a string",
         "deeply nested mappings as the name: clean error");
  free(deep);
}

/* ------------------------------------------------------------ top level */

static void test_top_level_errors(void) {
  expect("name: x\ncodes:\n  a: {}\n",
         "cb.yaml:1:1: missing 'sectag: 1' (the format version) at top level",
         "missing sectag");
  expect("sectag:\nname: x\ncodes:\n  a: {}\n",
         "cb.yaml:1:1: missing 'sectag: 1' (the format version) at top level",
         "empty sectag value counts as missing");
  expect("sectag: 2\nname: x\n",
         "cb.yaml:1:9: unsupported format version 'sectag: 2'; this sectag reads version 1",
         "format version 2");
  expect("sectag: 1.0\n",
         "cb.yaml:1:9: unsupported format version 'sectag: 1.0'; this sectag reads version 1",
         "format version 1.0 is not 1");
  expect("sectag: [1]\n",
         "cb.yaml:1:9: unsupported format version 'sectag: ...'; this sectag reads version 1",
         "format version given as a list");
  expect("sectag: 1\ncodes:\n  a: {}\n",
         "cb.yaml:1:1: missing 'name' at top level; give the codebook a name (e.g. name: "
         "securitization-es)",
         "missing name");
  expect("sectag: 1\nname:\ncodes:\n  a: {}\n",
         "cb.yaml:2:1: 'name' at top level is empty; give the codebook a name (e.g. name: "
         "securitization-es)",
         "empty name");
  expect("sectag: 1\nname: {a: b}\n", "cb.yaml:2:7: 'name' at top level must be a string",
         "name is a mapping");
  expect("sectag: 1\nname: x\n",
         "cb.yaml:1:1: missing 'codes' at top level; a codebook needs at least one code",
         "missing codes");
  expect("sectag: 1\nname: x\ncodes: {}\n",
         "cb.yaml:3:1: 'codes' is empty; a codebook needs at least one code",
         "codes is an empty mapping");
  expect("sectag: 1\nname: x\ncodes:\n",
         "cb.yaml:3:1: 'codes' is empty; a codebook needs at least one code",
         "codes has no value");
  expect("sectag: 1\nname: x\ncodes:\n  - sec\n",
         "cb.yaml:4:3: 'codes' must be a mapping from code ids to codes (e.g. sec.war: "
         "{label: ...})",
         "codes is a list");
  expect("sectag: 1\nname: x\naccents: yes\n",
         "cb.yaml:3:10: unknown value 'accents: yes'; use insensitive (the default: accents "
         "are ignored when matching) or sensitive",
         "bad accents value");
  expect("sectag: 1\nname: x\noverlap: shortest\n",
         "cb.yaml:3:10: unknown value 'overlap: shortest'; use longest (the default: keep the "
         "longest of overlapping matches of a code) or all",
         "bad overlap value");
  expect("sectag: 1\nname: x\noverlap:\n",
         "cb.yaml:3:1: unknown value 'overlap: '; use longest (the default: keep the longest "
         "of overlapping matches of a code) or all",
         "empty overlap value");
  expect("sectag: 1\nname: x\ncode:\n  a: {}\n",
         "cb.yaml:3:1: unknown key 'code' at top level; expected one of: sectag, name, "
         "language, description, accents, overlap, codes (did you mean 'codes'?)",
         "unknown top-level key with a suggestion");
  expect("sectag: 1\nauthor: me\n",
         "cb.yaml:2:1: unknown key 'author' at top level; expected one of: sectag, name, "
         "language, description, accents, overlap, codes",
         "unknown top-level key without a suggestion");
  expect("sectag: 1\nlangauge: es\n",
         "cb.yaml:2:1: unknown key 'langauge' at top level; expected one of: sectag, name, "
         "language, description, accents, overlap, codes (did you mean 'language'?)",
         "transposed letters count as one edit");
  expect("sectag: 1\nname: a\nname: b\n", "cb.yaml:3:1: duplicate key 'name' at top level",
         "duplicate top-level key");
  expect("sectag: 1\n[a]: b\n",
         "cb.yaml:2:1: keys at top level must be plain strings, not lists or mappings",
         "a list as a key");
}

/* ----------------------------------------------------------------- codes */

static void test_code_errors(void) {
  expect(HEAD "  Sec War: {}\n",
         "cb.yaml:4:3: invalid code id 'Sec War': use lower-case segments of letters, digits, "
         "'-' and '_', separated by dots, each starting with a letter (e.g. sec.war)",
         "code id with capitals and a space");
  static const char *bad_ids[] = {"sec.", ".sec", "sec..war", "1sec", "sec.2x", "sec/war",
                                  "_sec", "séc"};
  for (size_t i = 0; i < sizeof bad_ids / sizeof *bad_ids; ++i) {
    char yaml[128], want[400], name[128];
    snprintf(yaml, sizeof yaml, HEAD "  '%s': {}\n", bad_ids[i]);
    snprintf(want, sizeof want,
             "cb.yaml:4:3: invalid code id '%s': use lower-case segments of letters, digits, "
             "'-' and '_', separated by dots, each starting with a letter (e.g. sec.war)",
             bad_ids[i]);
    snprintf(name, sizeof name, "invalid code id '%s'", bad_ids[i]);
    expect(yaml, want, name);
  }
  expect(HEAD "  a-b_c.d9: {}\n  a-b_c: {}\n", "OK", "digits, '-' and '_' after the first letter");
  expect(HEAD "  s1: {}\n",
         "cb.yaml:4:3: code id 's1' is reserved (s<N> and m<N> are used for sentence and "
         "match ids in TEI); choose another id",
         "reserved code id s1");
  expect(HEAD "  m12: {}\n  m12.x: {}\n",
         "cb.yaml:4:3: code id 'm12' is reserved (s<N> and m<N> are used for sentence and "
         "match ids in TEI); choose another id",
         "reserved code id m12");
  expect(HEAD "  sec: {}\n  s3.x: {}\n",
         "cb.yaml:5:3: code id 's3.x' is reserved (s<N> and m<N> are used for sentence and "
         "match ids in TEI); choose another id",
         "reserved first segment s3 in s3.x");
  expect(HEAD "  sec: {}\n  sec.war: {}\n  des: {}\n  sec.war:\n    label: again\n",
         "cb.yaml:7:3: duplicate code id 'sec.war' (first defined at line 5)",
         "duplicate code id");
  expect(HEAD "  sec:\n    label: a\n    label: b\n",
         "cb.yaml:6:5: duplicate key 'label' in code 'sec'", "duplicate key in a code");
  expect(HEAD "  sec: {}\n  sec.war:\n    label: War\n",
         "OK", "parent declared before the child");
  expect(HEAD "  sec.war:\n    label: War\n  sec: {}\n",
         "OK", "parent declared after the child");
  expect(HEAD "  sec:\n    label: S\n  sec.war:\n    label: War\n  des.health: {}\n",
         "cb.yaml:8:3: code 'des.health' has no parent: declare 'des' with a label and "
         "polarity",
         "code without a parent");
  expect(HEAD "  sec: {}\n  sec.war.army: {}\n",
         "cb.yaml:5:3: code 'sec.war.army' has no parent: declare 'sec.war' with a label and "
         "polarity",
         "grandchild without its parent (the grandparent exists)");
  expect(HEAD "  sec:\n    polarity: securitising\n",
         "cb.yaml:5:15: unknown polarity 'securitising' in code 'sec'; use securitizing, "
         "desecuritizing or neutral",
         "unknown polarity");
  expect(HEAD "  sec:\n    polarity: [a]\n",
         "cb.yaml:5:15: 'polarity' in code 'sec' must be a string", "polarity is a list");
  expect(HEAD "  sec:\n    polarity:\n",
         "cb.yaml:5:5: unknown polarity '' in code 'sec'; use securitizing, desecuritizing or "
         "neutral",
         "empty polarity (reported at the key)");
  expect(HEAD "  sec.war:\n    label: x\n    patern: 'a'\n",
         "cb.yaml:6:5: unknown key 'patern' in code 'sec.war'; expected one of: label, "
         "polarity, definition, include, exclude, source, patterns, examples, "
         "counterexamples, words, unless, near, window (did you mean 'patterns'?)",
         "unknown code key with a suggestion");
  expect(HEAD "  sec:\n    Label: x\n",
         "cb.yaml:5:5: unknown key 'Label' in code 'sec'; expected one of: label, polarity, "
         "definition, include, exclude, source, patterns, examples, counterexamples, words, "
         "unless, near, window (did you "
         "mean 'label'?)",
         "keys are case-sensitive");
  expect(HEAD "  sec:\n    colour: red\n",
         "cb.yaml:5:5: unknown key 'colour' in code 'sec'; expected one of: label, polarity, "
         "definition, include, exclude, source, patterns, examples, counterexamples, words, unless, near, window",
         "unknown code key without a suggestion");
  expect(HEAD "  sec:\n    label: [a]\n", "cb.yaml:5:12: 'label' in code 'sec' must be a string",
         "label is a list");
  expect(HEAD "  sec: Securitizing move\n",
         "cb.yaml:4:8: code 'sec' must be a mapping with keys such as label, polarity and "
         "patterns",
         "code is a string");
  expect(HEAD "  sec:\n  label: x\n",
         "cb.yaml:4:3: code 'sec' must be a mapping with keys such as label, polarity and "
         "patterns",
         "code with no value (bad indentation) is reported at its key");
  expect(HEAD "  sec:\n    examples: a sentence\n",
         "cb.yaml:5:15: 'examples' in code 'sec' must be a list of strings",
         "examples is a string");
  expect(HEAD "  sec:\n    counterexamples:\n      - ok\n      - [no]\n",
         "cb.yaml:7:9: item 2 of 'counterexamples' in code 'sec' must be a string",
         "a counterexample is a list");
}

/* -------------------------------------------------------------- patterns */

static void test_pattern_errors(void) {
  expect(HEAD "  sec.war:\n    patterns: 'guerra'\n",
         "cb.yaml:5:15: 'patterns' in code 'sec.war' must be a list of patterns",
         "patterns is a string");
  expect(HEAD "  sec:\n    patterns:\n      - a\n      - [b]\n",
         "cb.yaml:7:9: pattern 2 of code 'sec' must be a string or a mapping with 'pattern' "
         "(and optionally 'id', 'partial', 'unless', 'near' and 'window')",
         "a pattern is a list");
  expect(HEAD "  sec:\n    patterns:\n      - a\n      - ''\n",
         "cb.yaml:7:9: pattern 2 of code 'sec' is empty; write a regular expression or remove "
         "it",
         "empty pattern string");
  expect(HEAD "  sec:\n    patterns:\n      -\n",
         "cb.yaml:6:8: pattern 1 of code 'sec' is empty; write a regular expression or remove "
         "it",
         "empty list item");
  expect(HEAD "  sec:\n    patterns:\n      - {pattern: ''}\n",
         "cb.yaml:6:19: pattern 1 of code 'sec' is empty; write a regular expression or "
         "remove it",
         "empty pattern in a mapping");
  expect(HEAD "  sec:\n    patterns:\n      - {id: x}\n",
         "cb.yaml:6:9: pattern 1 of code 'sec' has no 'pattern' key; write {pattern: '...'}",
         "pattern mapping without 'pattern'");
  expect(HEAD "  sec:\n    patterns:\n      - {pattern: a, regex: b}\n",
         "cb.yaml:6:22: unknown key 'regex' in pattern 1 of code 'sec'; expected one of: id, "
         "pattern, partial, unless, near, window",
         "unknown key in a pattern mapping");
  expect(HEAD "  sec:\n    patterns:\n      - {pattern: a, parital: true}\n",
         "cb.yaml:6:22: unknown key 'parital' in pattern 1 of code 'sec'; expected one of: "
         "id, pattern, partial, unless, near, window (did you mean 'partial'?)",
         "misspelt 'partial' with a suggestion");
  expect(HEAD "  sec:\n    patterns:\n      - {pattern: a, pattern: b}\n",
         "cb.yaml:6:22: duplicate key 'pattern' in pattern 1 of code 'sec'",
         "duplicate key in a pattern mapping");
  expect(HEAD "  sec:\n    patterns:\n      - {pattern: a, partial: maybe}\n",
         "cb.yaml:6:31: 'partial' in pattern 1 of code 'sec' must be true or false, not "
         "'maybe'",
         "partial is not a boolean");
  expect(HEAD "  sec:\n    patterns:\n      - {pattern: a, partial: [true]}\n",
         "cb.yaml:6:31: 'partial' in pattern 1 of code 'sec' must be a boolean (true or false)",
         "partial is a list");
  expect(HEAD "  sec:\n    patterns:\n      - {pattern: [a]}\n",
         "cb.yaml:6:19: 'pattern' in pattern 1 of code 'sec' must be a string",
         "pattern value is a list");
  expect(HEAD "  sec:\n    patterns:\n      - {pattern: a, id: ''}\n",
         "cb.yaml:6:26: 'id' in pattern 1 of code 'sec' is empty; give the rule a name or "
         "remove 'id'",
         "empty rule id");
  expect(HEAD "  sec:\n    patterns:\n      - {id: war-decl, pattern: a}\n"
              "  des:\n    patterns:\n      - b\n      - {pattern: c, id: war-decl}\n",
         "cb.yaml:10:26: duplicate rule id 'war-decl' (first used at line 6)",
         "duplicate explicit rule id across codes");
  expect(HEAD "  sec:\n    patterns:\n      - {id: 'sec#2', pattern: a}\n      - b\n",
         "cb.yaml:7:9: duplicate rule id 'sec#2' (first used at line 6)",
         "explicit id colliding with a default rule id");
  expect(HEAD "  sec:\n    patterns:\n      - pattern: a\n\n        id: first\n"
              "      - pattern: b\n        id: first\n",
         "cb.yaml:10:13: duplicate rule id 'first' (first used at line 8)",
         "duplicate rule id: 'first used' gives the line of the first id");
}

int main(void) {
  test_full_example();
  test_defaults();
  test_accessors();
  test_line_endings_and_bom();
  test_missing_file();
  test_encoding_errors();
  test_yaml_structure();
  test_anchors_and_nesting();
  test_top_level_errors();
  test_code_errors();
  test_pattern_errors();
  return test_done();
}
