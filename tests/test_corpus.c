/* test_corpus.c: the corpus walk, record corpora, the manifest and the
 * name pattern (src/corpus.c), and legacy encodings (src/encoding.c).
 *
 * Runs from the tests/ folder (meson's workdir) or from the project root;
 * fixtures are in tests/corpus-in/. Every message is checked as the exact
 * text sectag_error_format() gives ("PATH:LINE:COL: MESSAGE"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "corpus.h"
#include "encoding.h"
#include "harness.h"
#include "sectag.h"

/* ------------------------------------------------------------- helpers */

typedef struct run_t {
  sectag_corpus c;
  int rc;
  size_t problems;
  sectag_buf log; /* every report, formatted, one per line */
  sectag_status fatal_code;
  char *fatal;
} run_t;

static void on_report(void *ud, const sectag_error *e) {
  run_t *r = ud;
  char *s = sectag_error_format(e);
  sectag_buf_puts(&r->log, s);
  sectag_buf_putc(&r->log, '\n');
  free(s);
}

static void run(run_t *r, const char *const *paths, size_t n, const sectag_corpus_options *opt) {
  memset(r, 0, sizeof *r);
  sectag_error err = SECTAG_ERROR_INIT;
  r->rc = sectag_corpus_collect(&r->c, paths, n, opt, on_report, r, &r->problems, &err);
  r->fatal_code = err.code;
  r->fatal = r->rc ? sectag_error_format(&err) : NULL;
  sectag_error_clear(&err);
}

static void run_free(run_t *r) {
  sectag_corpus_free(&r->c);
  sectag_buf_free(&r->log);
  free(r->fatal);
}

/* "doc_id path format:line" per input */
static char *list(const sectag_corpus *c) {
  sectag_buf b = SECTAG_BUF_INIT;
  for (size_t i = 0; i < c->n; i++) {
    const sectag_input *in = &c->inputs[i];
    sectag_buf_printf(&b, "%s %s %s:%lu\n", in->doc_id, in->path, in->format ? in->format : "-",
                      in->line);
  }
  return sectag_buf_detach(&b);
}

static char *keys(const sectag_corpus *c) {
  sectag_buf b = SECTAG_BUF_INIT;
  for (size_t k = 0; k < c->nkeys; k++) sectag_buf_printf(&b, "%s%s", k ? "," : "", c->keys[k]);
  return sectag_buf_detach(&b);
}

/* "doc_id: k=v; k=v" per input, only the values that are set */
static char *values(const sectag_corpus *c) {
  sectag_buf b = SECTAG_BUF_INIT;
  for (size_t i = 0; i < c->n; i++) {
    const sectag_input *in = &c->inputs[i];
    sectag_buf_printf(&b, "%s:", in->doc_id);
    int any = 0;
    for (size_t k = 0; k < c->nkeys; k++)
      if (in->values[k]) {
        sectag_buf_printf(&b, "%s %s=%s", any ? ";" : "", c->keys[k], in->values[k]);
        any = 1;
      }
    sectag_buf_putc(&b, '\n');
  }
  return sectag_buf_detach(&b);
}

static const sectag_input *find(const sectag_corpus *c, const char *doc_id) {
  for (size_t i = 0; i < c->n; i++)
    if (strcmp(c->inputs[i].doc_id, doc_id) == 0) return &c->inputs[i];
  return NULL;
}

static void check_str(char *got, const char *want, const char *name) {
  TEST_EQ_STR(got, want, name);
  free(got);
}

static const char *text_of(const sectag_corpus *c, const char *doc_id) {
  const sectag_input *in = find(c, doc_id);
  return in ? in->text : "(no such input)";
}

/* --------------------------------------------------------------- walks */

static void test_folder(void) {
  const char *paths[] = {"corpus-in/folder"};
  run_t r;
  run(&r, paths, 1, NULL);
  TEST_EQ_INT(r.rc, 0, "folder: collected");
  check_str(list(&r.c),
            "B corpus-in/folder/B.MD -:0\n"
            "a corpus-in/folder/a.txt -:0\n"
            "c corpus-in/folder/c.markdown -:0\n"
            "sub/d corpus-in/folder/sub/d.html -:0\n"
            "sub/e corpus-in/folder/sub/e.xhtml -:0\n"
            "sub/f corpus-in/folder/sub/f.htm -:0\n"
            "sub/g corpus-in/folder/sub/g.xml -:0\n"
            "sub/talks/1 corpus-in/folder/sub/talks.ndjson jsonl:1\n"
            "sub/talks/2 corpus-in/folder/sub/talks.ndjson jsonl:2\n"
            "x corpus-in/folder/x.md -:0\n",
            "folder: endings taken (case-insensitive), hidden, .csv, .png and no-ending skipped");
  check_str(keys(&r.c), "speaker", "folder: keys from the ndjson records");
  TEST_EQ_STR(text_of(&r.c, "sub/talks/2"), "Second talk on security.", "folder: record text");
  TEST_EQ_STR(find(&r.c, "sub/talks/2")->values[0], "Biden", "folder: record value");
  TEST_EQ_STR(find(&r.c, "sub/talks/1")->values[0], NULL, "folder: missing field is NULL");
  TEST_OK(find(&r.c, "a")->text == NULL && find(&r.c, "a")->text_len == 0,
          "folder: a file input carries no text");
  TEST_EQ_STR(r.log.ptr,
              "corpus-in/folder/x.txt: doc_id 'x' is already used by corpus-in/folder/x.md; "
              "this file was not coded (rename one of them)\n",
              "folder: duplicate doc_id reported, the later one dropped");
  TEST_EQ_INT(r.problems, 1, "folder: one problem");
  run_free(&r);
}

static void test_symlinks(void) {
  char tmpl[] = "/tmp/sectag-corpus-XXXXXX";
  char *dir = mkdtemp(tmpl);
  if (!dir) {
    TEST_OK(0, "symlinks: mkdtemp");
    return;
  }
  char p[512], q[512];
  snprintf(p, sizeof p, "%s/sub", dir);
  mkdir(p, 0700);
  snprintf(p, sizeof p, "%s/sub/loop", dir);
  int ok = symlink("..", p) == 0;
  snprintf(p, sizeof p, "%s/broken.txt", dir);
  ok = ok && symlink("nowhere.txt", p) == 0;
  snprintf(p, sizeof p, "%s/ok.txt", dir);
  FILE *f = fopen(p, "w");
  if (f) {
    fputs("La paz.\n", f);
    fclose(f);
  }
  TEST_OK(ok && f, "symlinks: fixture made");
  const char *paths[] = {dir};
  run_t r;
  run(&r, paths, 1, NULL);
  snprintf(q, sizeof q,
           "%s/broken.txt: broken symbolic link; skipped\n"
           "%s/sub/loop: warning: directory loop (a symbolic link back to a parent); skipped\n",
           dir, dir);
  TEST_EQ_STR(r.log.ptr, q, "symlinks: broken link and loop reported");
  TEST_EQ_INT(r.problems, 1, "symlinks: the loop is a warning, the broken link a problem");
  TEST_OK(r.c.n == 1 && strcmp(r.c.inputs[0].doc_id, "ok") == 0, "symlinks: ok.txt taken");
  run_free(&r);
  snprintf(p, sizeof p, "%s/sub/loop", dir);
  unlink(p);
  snprintf(p, sizeof p, "%s/sub", dir);
  rmdir(p);
  snprintf(p, sizeof p, "%s/broken.txt", dir);
  unlink(p);
  snprintf(p, sizeof p, "%s/ok.txt", dir);
  unlink(p);
  rmdir(dir);
}

static void test_missing_path(void) {
  const char *paths[] = {"corpus-in/folder", "corpus-in/nope"};
  run_t r;
  run(&r, paths, 2, NULL);
  TEST_EQ_INT(r.rc, -1, "missing PATH: fatal");
  TEST_EQ_INT(r.fatal_code, SECTAG_ERR_USAGE, "missing PATH: usage error");
  TEST_EQ_STR(r.fatal,
              "corpus-in/nope: cannot read input: No such file or directory; check the PATH "
              "arguments",
              "missing PATH: message");
  TEST_OK(r.c.n == 0 && r.c.inputs == NULL && r.c.nkeys == 0, "missing PATH: corpus emptied");
  run_free(&r);
}

/* ------------------------------------------------------------- records */

static void test_direct_records(void) {
  const char *paths[] = {"corpus-in/latin1.txt", "corpus-in/speeches.jsonl",
                         "corpus-in/records.csv"};
  run_t r;
  run(&r, paths, 3, NULL);
  TEST_EQ_INT(r.rc, 0, "records: collected");
  check_str(list(&r.c),
            "4 corpus-in/speeches.jsonl jsonl:5\n"
            "csv-1 corpus-in/records.csv csv:2\n"
            "csv-4 corpus-in/records.csv csv:6\n"
            "disc-001 corpus-in/speeches.jsonl jsonl:1\n"
            "latin1 corpus-in/latin1.txt -:0\n"
            "records/2 corpus-in/records.csv csv:4\n"
            "speeches/2 corpus-in/speeches.jsonl jsonl:2\n",
            "records: one input per record, ids from the id field or FILESTEM/N");
  check_str(keys(&r.c), "date,speaker,words,verified,score",
            "records: keys in order of first appearance, each once");
  check_str(values(&r.c),
            "4: speaker=AMLO; verified=true; score=0.1\n"
            "csv-1: date=2018-07-01; speaker=Peña Nieto\n"
            "csv-4: date=2018-07-04\n"
            "disc-001: date=2019-03-12; speaker=AMLO; words=12\n"
            "latin1:\n"
            "records/2: date=2018-07-02; speaker=Peña Nieto\n"
            "speeches/2: date=2019-04-02; speaker=AMLO\n",
            "records: values (numbers and booleans as text, null and empty cells no value, "
            "cells trimmed)");
  TEST_EQ_STR(text_of(&r.c, "csv-1"),
              "La estrategia de seguridad\ncontinuará, con \"coordinación\" entre estados.",
              "records: CSV quoted field with a line break and doubled quotes");
  TEST_EQ_INT(find(&r.c, "csv-1")->text_len, strlen(text_of(&r.c, "csv-1")),
              "records: text_len");
  TEST_EQ_STR(text_of(&r.c, "csv-4"), "Texto con espacios.", "records: CSV quoted field");
  TEST_EQ_STR(text_of(&r.c, "records/2"), "Mensaje breve sobre la paz.",
              "records: CSV unquoted field");
  TEST_EQ_STR(text_of(&r.c, "disc-001"),
              "La seguridad pública es una prioridad. No habrá guerra contra el pueblo.",
              "records: JSONL text");
  TEST_EQ_STR(text_of(&r.c, "4"), "El combate a la corrupción también es seguridad.",
              "records: numeric id as its decimal text");
  TEST_EQ_STR(r.log.ptr,
              "corpus-in/speeches.jsonl:4:92: record does not parse as JSON: '}' expected near "
              "end of file; fix the line or remove it\n"
              "corpus-in/speeches.jsonl:2: warning: field 'tags' holds an array or object, not a "
              "single value; it is not used as metadata\n"
              "corpus-in/records.csv:5: row has 3 fields, the header has 4; a field that holds a "
              "comma must be in double quotes\n",
              "records: bad line, array field and short row reported");
  TEST_EQ_INT(r.problems, 2, "records: two problems (the warning is not counted)");
  run_free(&r);
}

static void test_sotu(void) {
  const char *paths[] = {"corpus-in/sotu.jsonl"};
  run_t r;
  run(&r, paths, 1, NULL);
  check_str(list(&r.c),
            "sotu/1 corpus-in/sotu.jsonl jsonl:1\n"
            "sotu/2 corpus-in/sotu.jsonl jsonl:2\n",
            "sotu: no id field, FILESTEM/N (CRLF lines)");
  check_str(values(&r.c),
            "sotu/1: year=1990; name=George H. W. Bush; party=Republican\n"
            "sotu/2: year=1994; name=William J. Clinton; party=Democratic\n",
            "sotu: year, name, party as metadata");
  TEST_EQ_STR(text_of(&r.c, "sotu/1"),
              "The threat to our security has changed, but our resolve has not.",
              "sotu: text without the CR");
  TEST_EQ_STR(r.log.ptr, NULL, "sotu: nothing reported");
  run_free(&r);

  sectag_corpus_options opt = {0};
  opt.id_field = "year";
  run(&r, paths, 1, &opt);
  check_str(list(&r.c),
            "1990 corpus-in/sotu.jsonl jsonl:1\n"
            "1994 corpus-in/sotu.jsonl jsonl:2\n",
            "sotu: --id-field year");
  check_str(keys(&r.c), "name,party", "sotu: the id field is not a key");
  run_free(&r);

  opt.id_field = NULL;
  opt.text_field = "name";
  run(&r, paths, 1, &opt);
  TEST_EQ_STR(text_of(&r.c, "sotu/2"), "William J. Clinton", "sotu: --text-field name");
  check_str(keys(&r.c), "year,party,text", "sotu: the text field is not a key, 'text' is");
  run_free(&r);

  opt.text_field = "year";
  run(&r, paths, 1, &opt);
  TEST_EQ_STR(r.log.ptr,
              "corpus-in/sotu.jsonl:1: field 'year' is a number, not a string; choose the text "
              "field with --text-field\n"
              "corpus-in/sotu.jsonl:2: field 'year' is a number, not a string; choose the text "
              "field with --text-field\n",
              "sotu: a number as the text field");
  TEST_EQ_INT(r.problems, 2, "sotu: each record counted");
  TEST_EQ_INT(r.c.n, 0, "sotu: no inputs");
  run_free(&r);
}

static void test_bad_records(void) {
  const char *paths[] = {"corpus-in/bad-records.jsonl"};
  run_t r;
  run(&r, paths, 1, NULL);
  TEST_EQ_INT(r.rc, 0, "bad records: not fatal");
  check_str(list(&r.c), "r6 corpus-in/bad-records.jsonl jsonl:6\n", "bad records: one kept");
  check_str(values(&r.c), "r6: n=2.5\n", "bad records: a real number");
  TEST_EQ_STR(r.log.ptr,
              "corpus-in/bad-records.jsonl:1: field 'text' is a number, not a string; choose the "
              "text field with --text-field\n"
              "corpus-in/bad-records.jsonl:2: record has no field 'text'; choose the text field "
              "with --text-field\n"
              "corpus-in/bad-records.jsonl:3: field 'id' is an array, not a string or number; "
              "choose the id field with --id-field\n"
              "corpus-in/bad-records.jsonl:4: record is an array, not a JSON object; write one "
              "{\"text\": ...} object per line\n"
              "corpus-in/bad-records.jsonl:5: field 'id' gives the doc_id '../escape', which "
              "cannot name an output file (no leading '/', no '.' or '..' parts, no control "
              "characters); fix it or choose another --id-field\n"
              "corpus-in/bad-records.jsonl:8:30: record does not parse as JSON: duplicate object "
              "key near '\"text\"'; fix the line or remove it\n"
              "corpus-in/bad-records.jsonl:9: field 'text' is null, not a string; choose the "
              "text field with --text-field\n"
              "corpus-in/bad-records.jsonl:6: warning: fields 'tags', 'meta' hold arrays or "
              "objects, not single values; they are not used as metadata\n"
              "corpus-in/bad-records.jsonl:7: doc_id 'r6' is already used by "
              "corpus-in/bad-records.jsonl:6; this record was not coded (give each record its "
              "own id)\n",
              "bad records: every message");
  TEST_EQ_INT(r.problems, 8, "bad records: eight problems");
  run_free(&r);
}

static void test_csv_dialect(void) {
  const char *paths[] = {"corpus-in/records-crlf.csv"};
  run_t r;
  run(&r, paths, 1, NULL);
  check_str(list(&r.c),
            "c1 corpus-in/records-crlf.csv csv:2\n"
            "c2 corpus-in/records-crlf.csv csv:5\n",
            "CSV: CRLF, a blank line, a last row without a line break");
  TEST_EQ_STR(text_of(&r.c, "c1"), "Uno\r\ndos", "CSV: a quoted CRLF is kept");
  TEST_EQ_STR(text_of(&r.c, "c2"), "Tres", "CSV: the last row");
  TEST_EQ_STR(r.log.ptr, NULL, "CSV: nothing reported");
  run_free(&r);

  sectag_corpus_options opt = {0};
  opt.text_field = "body";
  const char *p2[] = {"corpus-in/notext.csv"};
  run(&r, p2, 1, &opt);
  TEST_EQ_STR(text_of(&r.c, "n1"), "hola", "CSV: --text-field body");
  run_free(&r);
}

static void test_bad_csv(void) {
  const char *paths[] = {"corpus-in/unclosed.csv", "corpus-in/stray.csv",
                         "corpus-in/notext.csv", "corpus-in/records-latin1.csv"};
  run_t r;
  run(&r, paths, 4, NULL);
  TEST_EQ_INT(r.rc, 0, "bad CSV: not fatal");
  check_str(list(&r.c), "b1 corpus-in/unclosed.csv csv:2\n",
            "bad CSV: rows before the error kept");
  TEST_EQ_STR(r.log.ptr,
              "corpus-in/unclosed.csv:3:4: this quoted field is never closed (a '\"' is "
              "missing), so the rest of the file would be one field; close the quote; the rest "
              "of the file was not read\n"
              "corpus-in/stray.csv:2:7: the CSV does not parse here: a field that holds a quote, "
              "comma or line break must be in double quotes, with each quote inside written "
              "twice (\"\")\n"
              "corpus-in/notext.csv:1: the header has no column 'text' (it has: id, body); "
              "choose the text column with --text-field; this file was not read\n"
              "corpus-in/records-latin1.csv:2:6: byte 0xF3 is not valid UTF-8; give the file's "
              "encoding with --encoding (it looks like cp1252 or latin1); this file was not "
              "read\n",
              "bad CSV: unclosed quote, stray quote, no text column, not UTF-8");
  TEST_EQ_INT(r.problems, 4, "bad CSV: four problems");
  run_free(&r);

  sectag_corpus_options opt = {0};
  opt.encoding = "latin1";
  const char *p2[] = {"corpus-in/records-latin1.csv"};
  run(&r, p2, 1, &opt);
  TEST_EQ_STR(text_of(&r.c, "l1"), "La guerra en México terminó.",
              "--encoding latin1: record text converted");
  check_str(values(&r.c), "l1: speaker=León\n", "--encoding latin1: values converted");
  TEST_EQ_STR(r.log.ptr, NULL, "--encoding latin1: nothing reported");
  run_free(&r);

  opt.encoding = "klingon";
  run(&r, p2, 1, &opt);
  TEST_EQ_INT(r.rc, -1, "unknown --encoding: fatal");
  TEST_EQ_STR(r.fatal,
              "unknown encoding 'klingon'; `iconv -l` lists the names this system knows (e.g. "
              "latin1, cp1252, utf-16)",
              "unknown --encoding: message");
  run_free(&r);

  opt.encoding = "UTF-8";
  run(&r, p2, 1, &opt);
  TEST_EQ_INT(r.problems, 1, "--encoding UTF-8: still checked as UTF-8");
  run_free(&r);
}

/* ------------------------------------------------------------ manifest */

static void test_manifest_list(void) {
  sectag_corpus_options opt = {0};
  opt.manifest = "corpus-in/manifest.csv";
  run_t r;
  run(&r, NULL, 0, &opt);
  TEST_EQ_INT(r.rc, 0, "manifest list: collected");
  check_str(list(&r.c),
            "sotu/1 corpus-in/sotu.jsonl jsonl:1\n"
            "sotu/2 corpus-in/sotu.jsonl jsonl:2\n"
            "speeches/2019-03-12_amlo_mananera "
            "corpus-in/speeches/2019-03-12_amlo_mananera.txt -:0\n"
            "speeches/2020-01-08_trump_iran corpus-in/speeches/2020-01-08_trump_iran.md -:0\n"
            "speeches/calderon-2006 corpus-in/speeches/calderon-2006.txt -:0\n",
            "manifest list: files relative to the manifest's folder, ./ dropped");
  check_str(keys(&r.c), "date,speaker,administration,party,source,year,name",
            "manifest list: manifest keys first, then record keys");
  check_str(values(&r.c),
            "sotu/1: party=Republican; source=archive; year=1990; name=George H. W. Bush\n"
            "sotu/2: party=Democratic; source=archive; year=1994; name=William J. Clinton\n"
            "speeches/2019-03-12_amlo_mananera: date=2019-03-12; speaker=Andrés Manuel López "
            "Obrador; administration=AMLO; party=Morena; source=gob.mx\n"
            "speeches/2020-01-08_trump_iran: date=2020-01-08; speaker=Donald J. Trump; "
            "administration=Trump; party=Republican; source=whitehouse.gov\n"
            "speeches/calderon-2006: date=2006-12-11; speaker=Felipe Calderón; "
            "administration=Calderón; party=PAN; source=presidencia.gob.mx, archivo\n",
            "manifest list: values (an empty cell keeps a record's value)");
  TEST_EQ_STR(r.log.ptr,
              "corpus-in/manifest.csv:4:1: 'speeches/missing.txt' does not exist; fix the path "
              "(relative to the manifest's folder)\n"
              "corpus-in/manifest.csv:6:1: 'speeches/2019-03-12_amlo_mananera.txt' is listed "
              "twice (lines 2 and 6); line 6 was ignored\n",
              "manifest list: missing file and duplicate row");
  TEST_EQ_INT(r.problems, 2, "manifest list: two problems");
  run_free(&r);

  opt.name_pattern = "speeches/{date}_{speaker}_{_}";
  run(&r, NULL, 0, &opt);
  check_str(keys(&r.c), "date,speaker,administration,party,source,year,name",
            "manifest + name pattern: name keys already among the manifest's");
  TEST_EQ_STR(find(&r.c, "speeches/2019-03-12_amlo_mananera")->values[1],
              "Andrés Manuel López Obrador", "manifest + name pattern: the manifest wins");
  TEST_EQ_STR(r.log.ptr,
              "corpus-in/manifest.csv:4:1: 'speeches/missing.txt' does not exist; fix the path "
              "(relative to the manifest's folder)\n"
              "corpus-in/manifest.csv:6:1: 'speeches/2019-03-12_amlo_mananera.txt' is listed "
              "twice (lines 2 and 6); line 6 was ignored\n"
              "corpus-in/speeches/calderon-2006.txt: warning: 'speeches/calderon-2006' does not "
              "match --meta-from-name 'speeches/{date}_{speaker}_{_}'; no metadata taken from "
              "the file name\n",
              "manifest + name pattern: a pattern with '/' matches the doc_id path; records "
              "are not matched");
  run_free(&r);
}

static void test_manifest_match(void) {
  sectag_corpus_options opt = {0};
  opt.manifest = "corpus-in/manifest-ids.csv";
  const char *paths[] = {"corpus-in/speeches", "corpus-in/speeches.jsonl"};
  run_t r;
  run(&r, paths, 2, &opt);
  TEST_EQ_INT(r.rc, 0, "manifest match: collected");
  check_str(keys(&r.c), "date,group,speaker,words,verified,score",
            "manifest match: keys");
  check_str(values(&r.c),
            "2019-03-12_amlo_mananera: date=2019-03-12; group=Gobierno\n"
            "2020-01-08_trump_iran:\n"
            "4: speaker=AMLO; verified=true; score=0.1\n"
            "calderon-2006: date=2006-12-11; group=PAN\n"
            "conferencia-2021-05-05:\n"
            "disc-001: date=2019-03-12; group=Registro; speaker=AMLO; words=12\n"
            "speeches/2: date=2019-04-02; speaker=AMLO\n",
            "manifest match: rows matched by doc_id (files and records) and by path");
  TEST_EQ_STR(r.log.ptr,
              "corpus-in/speeches.jsonl:4:92: record does not parse as JSON: '}' expected near "
              "end of file; fix the line or remove it\n"
              "corpus-in/speeches.jsonl:2: warning: field 'tags' holds an array or object, not a "
              "single value; it is not used as metadata\n"
              "corpus-in/manifest-ids.csv:4:1: warning: manifest row names 'no-such-doc', which "
              "is not among the documents\n"
              "corpus-in/manifest-ids.csv:5:1: '2019-03-12_amlo_mananera' is listed twice "
              "(lines 2 and 5); line 5 was ignored\n"
              "corpus-in/manifest-ids.csv:6:1: 'speeches/2019-03-12_amlo_mananera.txt' names "
              "the same document as '2019-03-12_amlo_mananera' on line 2; line 6 was ignored\n",
              "manifest match: unmatched row warned, second rows for a document reported");
  TEST_EQ_INT(r.problems, 3, "manifest match: three problems");
  run_free(&r);
}

static void test_manifest_more(void) {
  sectag_corpus_options opt = {0};
  opt.manifest = "corpus-in/manifest-more.csv";
  run_t r;
  run(&r, NULL, 0, &opt);
  check_str(list(&r.c),
            "csv-1 corpus-in/records.csv csv:2\n"
            "csv-4 corpus-in/records.csv csv:6\n"
            "latin1 corpus-in/../corpus-in/latin1.txt -:0\n"
            "records/2 corpus-in/records.csv csv:4\n",
            "manifest more: a CSV corpus row; a path climbing out gets its bare name as doc_id");
  check_str(values(&r.c),
            "csv-1: speaker=Vocero; date=2018-07-01\n"
            "csv-4: speaker=Vocero; date=2018-07-04\n"
            "latin1: speaker=Anónimo\n"
            "records/2: speaker=Vocero; date=2018-07-02\n",
            "manifest more: a manifest cell overrides a record's field");
  TEST_EQ_STR(r.log.ptr,
              "corpus-in/manifest-more.csv:2:1: 'speeches' is a folder; a manifest row names one "
              "file (give a folder as a PATH)\n"
              "corpus-in/records.csv:5: row has 3 fields, the header has 4; a field that holds a "
              "comma must be in double quotes\n",
              "manifest more: a folder row reported");
  TEST_EQ_INT(r.problems, 2, "manifest more: two problems");
  run_free(&r);
}

static void expect_manifest_error(const char *manifest, const char *want, const char *name) {
  sectag_corpus_options opt = {0};
  opt.manifest = manifest;
  run_t r;
  run(&r, NULL, 0, &opt);
  TEST_EQ_STR(r.fatal, want, name);
  TEST_OK(r.rc == -1 && r.fatal_code == SECTAG_ERR_USAGE && r.c.n == 0 && r.c.nkeys == 0,
          "  ... fatal usage error, corpus empty");
  run_free(&r);
}

static void test_manifest_errors(void) {
  expect_manifest_error("corpus-in/manifest-empty.csv",
                        "corpus-in/manifest-empty.csv: the manifest is empty; its first row "
                        "names the columns: a path or doc_id, then metadata such as date, "
                        "speaker",
                        "manifest: empty");
  expect_manifest_error("corpus-in/manifest-noname.csv",
                        "corpus-in/manifest-noname.csv:1:11: column 3 of the header has no "
                        "name; name every column (the first holds paths or doc_ids, the others "
                        "metadata)",
                        "manifest: empty header name");
  expect_manifest_error("corpus-in/manifest-dupcol.csv",
                        "corpus-in/manifest-dupcol.csv:1:19: column 'date' appears twice in the "
                        "header (columns 2 and 4); rename one of them",
                        "manifest: a column twice");
  expect_manifest_error("corpus-in/manifest-fields.csv",
                        "corpus-in/manifest-fields.csv:3: row has 4 fields, the header has 3; a "
                        "field that holds a comma must be in double quotes",
                        "manifest: row with an extra field");
  expect_manifest_error("corpus-in/manifest-quote.csv",
                        "corpus-in/manifest-quote.csv:2:12: the CSV does not parse here: a field "
                        "that holds a quote, comma or line break must be in double quotes, with "
                        "each quote inside written twice (\"\")",
                        "manifest: stray quote");
  expect_manifest_error("corpus-in/manifest-latin1.csv",
                        "corpus-in/manifest-latin1.csv:2:9: byte 0xF3 is not valid UTF-8; save "
                        "the manifest as UTF-8 (it looks like cp1252: iconv -f cp1252 -t utf-8 "
                        "OLD.csv > NEW.csv)",
                        "manifest: not UTF-8");
  expect_manifest_error("corpus-in/no-manifest.csv",
                        "corpus-in/no-manifest.csv: cannot read: No such file or directory; "
                        "check --manifest",
                        "manifest: missing");
}

/* -------------------------------------------------------- name pattern */

static void test_name_pattern(void) {
  const char *paths[] = {"corpus-in/speeches"};
  sectag_corpus_options opt = {0};
  run_t r;

  opt.name_pattern = "{date}_{speaker}_{_}";
  run(&r, paths, 1, &opt);
  check_str(keys(&r.c), "date,speaker", "name: keys");
  check_str(values(&r.c),
            "2019-03-12_amlo_mananera: date=2019-03-12; speaker=amlo\n"
            "2020-01-08_trump_iran: date=2020-01-08; speaker=trump\n"
            "calderon-2006:\n"
            "conferencia-2021-05-05:\n",
            "name: {_} ignored, name without extension");
  TEST_EQ_STR(r.log.ptr,
              "corpus-in/speeches/calderon-2006.txt: warning: 'calderon-2006' does not match "
              "--meta-from-name '{date}_{speaker}_{_}'; no metadata taken from the file name\n"
              "corpus-in/speeches/conferencia-2021-05-05.txt: warning: 'conferencia-2021-05-05' "
              "does not match --meta-from-name '{date}_{speaker}_{_}'; no metadata taken from "
              "the file name\n",
              "name: one warning per file that does not match");
  TEST_EQ_INT(r.problems, 0, "name: warnings are not problems");
  run_free(&r);

  opt.name_pattern = "{date}_{speaker}.txt";
  run(&r, paths, 1, &opt);
  check_str(values(&r.c),
            "2019-03-12_amlo_mananera: date=2019-03-12; speaker=amlo_mananera\n"
            "2020-01-08_trump_iran:\n"
            "calderon-2006:\n"
            "conferencia-2021-05-05:\n",
            "name: with an extension, the whole name; the last field takes the rest");
  TEST_OK(r.log.ptr && strstr(r.log.ptr, "'2020-01-08_trump_iran.md' does not match"),
          "name: the .md file does not match '.txt'");
  run_free(&r);

  opt.name_pattern = "conferencia-{date}";
  run(&r, paths, 1, &opt);
  TEST_EQ_STR(find(&r.c, "conferencia-2021-05-05")->values[0], "2021-05-05",
              "name: literal prefix");
  run_free(&r);

  opt.name_pattern = "{year}_{president}_{x}";
  run(&r, paths, 1, &opt);
  check_str(values(&r.c),
            "2019-03-12_amlo_mananera: year=2019-03-12; president=amlo; x=mananera\n"
            "2020-01-08_trump_iran: year=2020-01-08; president=trump; x=iran\n"
            "calderon-2006:\n"
            "conferencia-2021-05-05:\n",
            "name: lazy fields, anchored");
  run_free(&r);

  const char *p2[] = {"corpus-in/sotu.jsonl", "corpus-in/latin1.txt"};
  opt.name_pattern = "{date}";
  run(&r, p2, 2, &opt);
  check_str(keys(&r.c), "date,year,name,party", "name: name keys before record keys");
  check_str(values(&r.c),
            "latin1: date=latin1\n"
            "sotu/1: year=1990; name=George H. W. Bush; party=Republican\n"
            "sotu/2: year=1994; name=William J. Clinton; party=Democratic\n",
            "name: records are not matched");
  TEST_EQ_STR(r.log.ptr, NULL, "name: nothing reported");
  run_free(&r);
}

static void expect_pattern_error(const char *pattern, const char *want, const char *name) {
  const char *paths[] = {"corpus-in/speeches"};
  sectag_corpus_options opt = {0};
  opt.name_pattern = pattern;
  run_t r;
  run(&r, paths, 1, &opt);
  TEST_EQ_STR(r.fatal, want, name);
  TEST_OK(r.rc == -1 && r.fatal_code == SECTAG_ERR_USAGE && r.c.n == 0,
          "  ... fatal usage error");
  run_free(&r);
}

static void test_pattern_errors(void) {
  expect_pattern_error("{date", "--meta-from-name: column 1: '{' is not closed by '}'\n"
                                "    {date\n"
                                "    ^",
                       "pattern: unclosed {");
  expect_pattern_error("{date}_{sp{x}", "--meta-from-name: column 8: '{' is not closed by '}'\n"
                                        "    {date}_{sp{x}\n"
                                        "           ^",
                       "pattern: { inside {");
  expect_pattern_error("{}.txt",
                       "--meta-from-name: column 1: '{}' has no name; write a name such as "
                       "{date}, or {_} for a part to ignore\n"
                       "    {}.txt\n"
                       "    ^",
                       "pattern: empty name");
  expect_pattern_error("{date}_{Speaker}",
                       "--meta-from-name: column 8: '{Speaker}' is not a valid name: use "
                       "lower-case letters, digits and '_', starting with a letter\n"
                       "    {date}_{Speaker}\n"
                       "           ^",
                       "pattern: upper-case name");
  expect_pattern_error("{a}_{a}",
                       "--meta-from-name: column 5: '{a}' appears twice; name each field once\n"
                       "    {a}_{a}\n"
                       "        ^",
                       "pattern: a name twice");
  expect_pattern_error("x}{date}",
                       "--meta-from-name: column 2: '}' has no '{' before it\n"
                       "    x}{date}\n"
                       "     ^",
                       "pattern: stray }");
  expect_pattern_error("{_}.txt",
                       "--meta-from-name: column 1: the pattern has no {name} field to take a "
                       "value from; example: '{date}_{speaker}.txt'\n"
                       "    {_}.txt\n"
                       "    ^",
                       "pattern: no field");
}

/* ------------------------------------------------------------ encoding */

/* Converts; returns the UTF-8 text or the formatted error. */
static char *conv(const char *enc, const char *src, size_t len) {
  sectag_error err = SECTAG_ERROR_INIT;
  size_t outlen = 0;
  char *out = sectag_to_utf8(enc, src, len, &outlen, "x.txt", &err);
  if (!out) {
    char *s = sectag_error_format(&err);
    sectag_buf b = SECTAG_BUF_INIT;
    sectag_buf_printf(&b, "[%s] %s",
                      err.code == SECTAG_ERR_USAGE   ? "usage"
                      : err.code == SECTAG_ERR_INPUT ? "input"
                                                     : "?",
                      s);
    free(s);
    sectag_error_clear(&err);
    return sectag_buf_detach(&b);
  }
  if (strlen(out) != outlen) {
    free(out);
    return sectag_xstrdup("outlen differs from the NUL-terminated length");
  }
  return out;
}

static void test_encoding(void) {
  size_t len = 0;
  char *latin = test_slurp("corpus-in/latin1.txt", &len);
  TEST_OK(latin && len == 29, "latin1.txt holds Latin-1 bytes");
  if (!latin) return;
  check_str(conv("latin1", latin, len), "La guerra en México terminó.\n", "to_utf8: latin1");
  check_str(conv("cp1252", latin, len), "La guerra en México terminó.\n", "to_utf8: cp1252");
  check_str(conv("ISO-8859-1", latin, len), "La guerra en México terminó.\n",
            "to_utf8: ISO-8859-1");
  check_str(conv("cp1252", "\x93paz\x94 \x96 ya\x85", 11), "“paz” – ya…",
            "to_utf8: cp1252 quotes, dash, ellipsis");
  check_str(conv("utf-8", "M\xc3\xa9xico", 7), "México", "to_utf8: utf-8 is a copy");
  check_str(conv("UTF8", "a\xe9", 2), "a\xe9", "to_utf8: UTF8 is a copy, even of bad bytes");
  check_str(conv("utf-16", "\xff\xfeH\x00o\x00l\x00\xe1\x00", 10), "Holá",
            "to_utf8: UTF-16LE with a BOM");
  check_str(conv("klingon", "abc", 3),
            "[usage] unknown encoding 'klingon'; `iconv -l` lists the names this system knows "
            "(e.g. latin1, cp1252, utf-16)",
            "to_utf8: unknown encoding");
  check_str(conv("ascii", "abc\ndef\xe9g", 9),
            "[input] x.txt:2:4: byte 0xE9 is not a valid ascii character; check --encoding "
            "(`file -i` may tell the file's encoding)",
            "to_utf8: EILSEQ with line and column");
  check_str(conv("utf-16", "\xff\xfeH\x00i\x00\n\x00!", 9),
            "[input] x.txt:2:1: the file ends in the middle of a utf-16 character; check "
            "--encoding, or whether the file was cut short",
            "to_utf8: odd-length UTF-16");
  check_str(conv("utf-16le", "A\x00\x00\xdc" "B\x00", 6),
            "[input] x.txt:1:3: byte 0x00 is not a valid utf-16le character; check --encoding "
            "(`file -i` may tell the file's encoding)",
            "to_utf8: lone UTF-16 surrogate");
  check_str(conv("utf-16le", "A\x00\n\x00" "B\x00\x00\xdc", 8),
            "[input] x.txt:2:3: byte 0x00 is not a valid utf-16le character; check --encoding "
            "(`file -i` may tell the file's encoding)",
            "to_utf8: UTF-16 column in bytes on a later line");
  check_str(conv("latin1", "", 0), "", "to_utf8: empty input");
  /* a large input grows the output buffer */
  {
    size_t n = 100000;
    char *big = malloc(n);
    for (size_t i = 0; i < n; i++) big[i] = (char)0xE9;
    sectag_error err = SECTAG_ERROR_INIT;
    size_t outlen = 0;
    char *out = sectag_to_utf8("latin1", big, n, &outlen, "big", &err);
    TEST_OK(out && outlen == 2 * n && memcmp(out + outlen - 2, "\xc3\xa9", 2) == 0,
            "to_utf8: 100,000 bytes that double in size");
    free(out);
    free(big);
  }

  TEST_EQ_INT(sectag_looks_latin1(latin, len), 1, "looks_latin1: Latin-1 text");
  TEST_EQ_INT(sectag_looks_binary(latin, len), 0, "looks_binary: Latin-1 text");
  TEST_EQ_INT(sectag_looks_utf16(latin, len), 0, "looks_utf16: Latin-1 text");
  free(latin);
  const char *utf8 = "La guerra en M\xc3\xa9xico termin\xc3\xb3.";
  TEST_EQ_INT(sectag_looks_latin1(utf8, strlen(utf8)), 0, "looks_latin1: UTF-8 text");
  TEST_EQ_INT(sectag_looks_latin1("plain ascii", 11), 0, "looks_latin1: ASCII");
  TEST_EQ_INT(sectag_looks_latin1("Hola\0mundo \xe9", 12), 0, "looks_latin1: NUL");
  TEST_EQ_INT(sectag_looks_latin1("\xbfQu\xe9 pas\xf3? \xa1" "Basta!", 18), 1,
              "looks_latin1: Spanish punctuation");

  const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
  TEST_EQ_INT(sectag_looks_binary(png, sizeof png - 1), 1, "looks_binary: PNG");
  TEST_EQ_INT(sectag_looks_latin1(png, sizeof png - 1), 0, "looks_latin1: PNG");
  TEST_EQ_INT(sectag_looks_binary("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", 15), 1, "looks_binary: PDF");
  TEST_EQ_INT(sectag_looks_binary("PK\x03\x04\x14\0\x06\0", 8), 1, "looks_binary: ZIP/DOCX");
  TEST_EQ_INT(sectag_looks_binary("\x1f\x8b\x08\0", 4), 1, "looks_binary: gzip");
  TEST_EQ_INT(sectag_looks_binary("\x7f" "ELF\x02\x01\x01", 7), 1, "looks_binary: ELF");
  TEST_EQ_INT(sectag_looks_binary("\xff\xd8\xff\xe0", 4), 1, "looks_binary: JPEG");
  TEST_EQ_INT(sectag_looks_binary("GIF89a", 6), 1, "looks_binary: GIF");
  TEST_EQ_INT(sectag_looks_binary("Hola\0mundo", 10), 0,
              "looks_binary: one NUL in a short text is text (the reader reports it)");
  TEST_EQ_INT(sectag_looks_binary("\1\2\3\4\5\6\7\16 abc", 12), 1,
              "looks_binary: 8 control bytes in 12");
  TEST_EQ_INT(sectag_looks_utf16("Hola\0mundo", 10), 0, "looks_utf16: Hola\\0mundo");
  TEST_EQ_INT(sectag_looks_binary("La paz.\r\n\tFin.\f", 15), 0,
              "looks_binary: tab, CR, LF, FF are text");
  {
    char text[4000];
    memset(text, 'a', sizeof text);
    text[100] = '\0';
    TEST_EQ_INT(sectag_looks_binary(text, sizeof text), 0,
                "looks_binary: one stray NUL in 4,000 bytes is text");
  }
  const char u16le[] = "\xff\xfeH\0o\0l\0a\0 \0m\0u\0n\0d\0o\0";
  TEST_EQ_INT(sectag_looks_utf16(u16le, sizeof u16le - 1), 1, "looks_utf16: UTF-16LE with BOM");
  TEST_EQ_INT(sectag_looks_binary(u16le, sizeof u16le - 1), 0, "looks_binary: UTF-16LE");
  TEST_EQ_INT(sectag_looks_latin1(u16le, sizeof u16le - 1), 0, "looks_latin1: UTF-16LE");
  const char u16be[] = "\0H\0o\0l\0a\0 \0m\0u\0n\0d\0o";
  TEST_EQ_INT(sectag_looks_utf16(u16be, sizeof u16be - 1), 1, "looks_utf16: UTF-16BE, no BOM");
  TEST_EQ_INT(sectag_looks_binary(u16be, sizeof u16be - 1), 0, "looks_binary: UTF-16BE");
  TEST_EQ_INT(sectag_looks_utf16("Hola mundo", 10), 0, "looks_utf16: ASCII");
  TEST_EQ_INT(sectag_looks_utf16("", 0), 0, "looks_utf16: empty");
  TEST_EQ_INT(sectag_looks_binary("", 0), 0, "looks_binary: empty");
}

int main(void) {
  /* fixtures are under tests/: run from there or from the project root */
  if (access("corpus-in", F_OK) != 0 && chdir("tests") != 0) {
    printf("Bail out! cannot find tests/corpus-in\n");
    return 1;
  }
  test_folder();
  test_symlinks();
  test_missing_path();
  test_direct_records();
  test_sotu();
  test_bad_records();
  test_csv_dialect();
  test_bad_csv();
  test_manifest_list();
  test_manifest_match();
  test_manifest_more();
  test_manifest_errors();
  test_name_pattern();
  test_pattern_errors();
  test_encoding();
  return test_done();
}
