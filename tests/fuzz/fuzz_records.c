/* fuzz_records.c: record corpora. The first byte chooses the format (even:
 * JSONL, odd: CSV); the rest is the corpus file. It is written to a file in
 * a private temporary folder and expanded by sectag_corpus_collect, exactly
 * as `sectag code FILE.jsonl` / `FILE.csv` does; every record becomes a
 * document through sectag_doc_load and is tokenized. The CSV bytes also go
 * straight through sectag_csv_read. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "corpus.h"
#include "csvread.h"
#include "fuzz.h"
#include "reader.h"
#include "sectag.h"
#include "speakers.h"

static char S_dir[64];
static char S_path[2][96];
static sectag_speakers *S_speakers;

static void S_cleanup(void) {
  unlink(S_path[0]);
  unlink(S_path[1]);
  rmdir(S_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  const char *tmp = getenv("TMPDIR");
  snprintf(S_dir, sizeof S_dir, "%s/sectag-fuzz-XXXXXX", tmp && strlen(tmp) < 40 ? tmp : "/tmp");
  FUZZ_CHECK(mkdtemp(S_dir) != NULL);
  snprintf(S_path[0], sizeof S_path[0], "%s/corpus.jsonl", S_dir);
  snprintf(S_path[1], sizeof S_path[1], "%s/corpus.csv", S_dir);
  atexit(S_cleanup);
  sectag_error err = SECTAG_ERROR_INIT;
  S_speakers = sectag_speakers_new(NULL, NULL, NULL, 0, NULL, 0, &err);
  FUZZ_CHECK(S_speakers != NULL);
  return 0;
}

static void S_report(void *ud, const sectag_error *e) {
  FUZZ_CHECK(e->message != NULL);
  (*(size_t *)ud)++;
}

static int S_row(void *ud, const sectag_csv_row *row) {
  for (size_t i = 0; i < row->n; i++) FUZZ_CHECK(strlen(row->f[i]) <= row->len[i]);
  (*(size_t *)ud)++;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > SECTAG_FUZZ_MAX) return 0;
  int csv = data[0] & 1;
  const char *body = (const char *)data + 1;
  size_t n = size - 1;
  sectag_error err = SECTAG_ERROR_INIT;
  size_t rows = 0;
  if (csv) {
    if (sectag_csv_read(body, n, "fuzz.csv", S_row, &rows, &err) != 0) {
      FUZZ_CHECK(err.message != NULL);
      sectag_error_clear(&err);
    }
  }
  const char *path = S_path[csv];
  FILE *f = fopen(path, "wb");
  FUZZ_CHECK(f != NULL);
  FUZZ_CHECK(fwrite(body, 1, n, f) == n);
  FUZZ_CHECK(fclose(f) == 0);

  sectag_corpus c;
  memset(&c, 0, sizeof c);
  sectag_corpus_options opt;
  memset(&opt, 0, sizeof opt);
  const char *paths[1] = {path};
  size_t reports = 0, problems = 0;
  if (sectag_corpus_collect(&c, paths, 1, &opt, S_report, &reports, &problems, &err) != 0) {
    FUZZ_CHECK(err.message != NULL);
    sectag_error_clear(&err);
    sectag_corpus_free(&c);
    return 0;
  }
  sectag_read_ctx ctx = {S_speakers, NULL};
  for (size_t i = 0; i < c.n; i++) {
    const sectag_input *in = &c.inputs[i];
    FUZZ_CHECK(in->doc_id != NULL);
    if (!in->text) continue;
    sectag_doc *doc = sectag_doc_load(in->path, in->doc_id, in->format, in->text, in->text_len,
                                      NULL, &ctx, &err);
    if (!doc) {
      FUZZ_CHECK(err.message != NULL);
      sectag_error_clear(&err);
      continue;
    }
    sectag_doc_tokenize(doc, 1);
    sectag_doc_free(doc);
  }
  sectag_corpus_free(&c);
  return 0;
}
