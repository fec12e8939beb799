/* run.c: one `sectag code` run. Loads and compiles the codebook, collects
 * the documents, and for each one reads, tokenizes, matches and renders it.
 * TEI files are written one by one (atomically); the four CSV tables are
 * written to temporary files as documents succeed and renamed into place at
 * the end. A document that fails is reported and leaves no trace in any
 * output; the others go on. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "codebook.h"
#include "corpus.h"
#include "document.h"
#include "error.h"
#include "output.h"
#include "render.h"

enum { T_CODES, T_TERMS, T_MATCHES, T_DOCUMENTS, T_COUNT };
static const char *const S_table_names[T_COUNT] = {"codes.csv", "terms.csv", "matches.csv",
                                                   "documents.csv"};

static double S_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void S_report(const sectag_code_options *opt, const sectag_error *e) {
  if (opt->report) opt->report(opt->userdata, e);
}

static char *S_join(const char *a, const char *b, const char *c) {
  sectag_buf p = SECTAG_BUF_INIT;
  sectag_buf_puts(&p, a);
  if (p.len && p.ptr[p.len - 1] != '/') sectag_buf_putc(&p, '/');
  sectag_buf_puts(&p, b);
  if (c) sectag_buf_puts(&p, c);
  return sectag_buf_detach(&p);
}

/* Writes the TEI of one document, creating sub-folders for doc_ids with
 * slashes. */
static int S_write_tei(const char *teidir, const sectag_doc *doc, const sectag_buf *xml,
                       sectag_error *err) {
  char *path = S_join(teidir, doc->doc_id, ".xml");
  char *slash = strrchr(path, '/');
  int rc = 0;
  if (slash && slash > path + strlen(teidir)) {
    *slash = '\0';
    rc = sectag_mkdirs(path, err);
    *slash = '/';
  }
  if (rc == 0) rc = sectag_write_file(path, xml->ptr, xml->len, err);
  free(path);
  return rc;
}

sectag_status sectag_code_run(const sectag_code_options *opt, sectag_code_summary *sum,
                              sectag_error *err) {
  double t0 = S_now();
  memset(sum, 0, sizeof *sum);
  sectag_status status = SECTAG_OK;
  sectag_corpus corpus = {NULL, 0};
  sectag_out out[T_COUNT];
  memset(out, 0, sizeof out);
  char *teidir = NULL;
  sectag_buf xml = SECTAG_BUF_INIT, rows = SECTAG_BUF_INIT;

  /* 1. everything that can fail before a byte is written */
  sectag_codebook *cb = sectag_codebook_load(opt->codebook_path, err);
  if (!cb) return SECTAG_ERR_CODEBOOK;
  sectag_matcher *m = sectag_matcher_new(cb, err);
  if (!m) {
    sectag_codebook_free(cb);
    return SECTAG_ERR_CODEBOOK;
  }
  for (size_t i = 0; i < sectag_matcher_warning_count(m); i++)
    S_report(opt, sectag_matcher_warning(m, i));
  size_t problems = 0;
  if (sectag_corpus_collect(&corpus, opt->paths, opt->npaths, NULL, opt->report, opt->userdata,
                            &problems, err) != 0) {
    status = SECTAG_ERR_USAGE;
    goto done;
  }
  sum->failed = problems;
  if (corpus.n == 0 && problems == 0) {
    sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0,
                     "no documents found: the PATHs hold no *.txt or *.md files");
    status = SECTAG_ERR_USAGE;
    goto done;
  }

  /* 2. the output folder and the tables */
  teidir = S_join(opt->outdir, "tei", NULL);
  if (sectag_mkdirs(opt->outdir, err) != 0 || sectag_mkdirs(teidir, err) != 0) {
    status = SECTAG_ERR_OUTPUT;
    goto done;
  }
  static const char *const headers[T_COUNT] = {
      sectag_csv_codes_header, sectag_csv_terms_header, sectag_csv_matches_header,
      sectag_csv_documents_header};
  for (int i = 0; i < T_COUNT; i++) {
    char *path = S_join(opt->outdir, S_table_names[i], NULL);
    int rc = sectag_out_open(&out[i], path, err);
    free(path);
    if (rc != 0) {
      status = SECTAG_ERR_OUTPUT;
      goto done;
    }
    sectag_out_write(&out[i], headers[i], strlen(headers[i]));
  }

  /* 3. the documents */
  for (size_t i = 0; i < corpus.n; i++) {
    const sectag_input *in = &corpus.inputs[i];
    sectag_error derr = SECTAG_ERROR_INIT;
    sectag_doc *doc = sectag_doc_read(in->path, in->doc_id, &derr);
    if (doc && sectag_doc_code(doc, m, &derr) != 0) {
      sectag_doc_free(doc);
      doc = NULL;
    }
    sectag_buf_clear(&xml);
    if (doc && sectag_render_tei(doc, cb, &xml, &derr) != 0) {
      sectag_doc_free(doc);
      doc = NULL;
    }
    if (!doc) {
      S_report(opt, &derr);
      sectag_error_clear(&derr);
      sum->failed++;
      if (opt->progress) opt->progress(opt->userdata, i + 1, corpus.n, in->doc_id);
      continue;
    }
    if (doc->nwords == 0)
      sectag_doc_warn(doc, (size_t)-1, "no words in this document (it is empty or holds only "
                                       "punctuation); it is kept in the outputs with 0 tokens");
    if (S_write_tei(teidir, doc, &xml, err) != 0) {
      sectag_doc_free(doc);
      status = SECTAG_ERR_OUTPUT;
      goto done;
    }
    for (size_t w = 0; w < doc->nwarnings; w++) S_report(opt, &doc->warnings[w]);

    sectag_buf_clear(&rows);
    sectag_csv_codes(doc, cb, &rows);
    sectag_out_write(&out[T_CODES], rows.ptr, rows.len);
    sectag_buf_clear(&rows);
    sectag_csv_terms(doc, &rows);
    sectag_out_write(&out[T_TERMS], rows.ptr, rows.len);
    sectag_buf_clear(&rows);
    sectag_csv_matches(doc, cb, &rows);
    sectag_out_write(&out[T_MATCHES], rows.ptr, rows.len);
    sectag_buf_clear(&rows);
    sectag_csv_documents(doc, cb, &rows);
    sectag_out_write(&out[T_DOCUMENTS], rows.ptr, rows.len);

    size_t pol[3];
    sectag_doc_polarity_counts(doc, cb, pol);
    for (int p = 0; p < 3; p++) sum->matches[p] += pol[p];
    sum->documents++;
    sum->tokens += doc->ntokens;
    sum->words += doc->nwords;
    sum->sentences += doc->nsentences;
    sum->bytes += doc->len;
    sectag_doc_free(doc);
    if (opt->progress) opt->progress(opt->userdata, i + 1, corpus.n, in->doc_id);
  }

  /* 4. the tables go into place together */
  for (int i = 0; i < T_COUNT; i++)
    if (sectag_out_commit(&out[i], err) != 0) {
      status = SECTAG_ERR_OUTPUT;
      goto done;
    }
  if (sum->failed) status = SECTAG_ERR_INPUT;

done:
  for (int i = 0; i < T_COUNT; i++) sectag_out_abort(&out[i]);
  sectag_buf_free(&xml);
  sectag_buf_free(&rows);
  free(teidir);
  sectag_corpus_free(&corpus);
  sectag_matcher_free(m);
  sectag_codebook_free(cb);
  sum->seconds = S_now() - t0;
  return status;
}
