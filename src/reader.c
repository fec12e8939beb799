/* reader.c: the reader table (which reader takes which file) and what the
 * text-like readers share: splitting a text into speaker turns. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "encoding.h"
#include "error.h"
#include "reader.h"
#include "speakers.h"

static const sectag_reader *const S_readers[] = {&sectag_reader_txt, &sectag_reader_md,
                                                 &sectag_reader_html, &sectag_reader_tei, NULL};

/* Endings of record corpora, taken by the corpus stage, not by a reader. */
static const char *const S_record_ext[] = {".jsonl", ".ndjson", NULL};

static int S_ends_with(const char *name, const char *ext) {
  size_t n = strlen(name), e = strlen(ext);
  return n > e && strcasecmp(name + n - e, ext) == 0;
}

const sectag_reader *sectag_reader_for_path(const char *path) {
  for (const sectag_reader *const *r = S_readers; *r; r++)
    for (const char *const *e = (*r)->extensions; *e; e++)
      if (S_ends_with(path, *e)) return *r;
  return NULL;
}

const sectag_reader *sectag_reader_by_name(const char *name) {
  for (const sectag_reader *const *r = S_readers; *r; r++)
    if (strcmp((*r)->name, name) == 0) return *r;
  return NULL;
}

int sectag_reader_wanted(const char *name) {
  if (sectag_reader_for_path(name)) return 1;
  for (const char *const *e = S_record_ext; *e; e++)
    if (S_ends_with(name, *e)) return 1;
  return 0;
}

sectag_doc *sectag_doc_load(const char *path, const char *doc_id, const char *format,
                            const char *text, size_t text_len, const char *encoding,
                            const sectag_read_ctx *ctx, sectag_error *err) {
  char *raw = NULL;
  size_t len = 0;
  const sectag_reader *r = NULL;
  if (text) {
    raw = sectag_xstrndup(text, text_len);
    len = text_len;
    r = &sectag_reader_txt;
  } else {
    if (sectag_read_file(path, &raw, &len, err) != 0) return NULL;
    if (sectag_looks_binary(raw, len)) {
      sectag_error_set(err, SECTAG_WARNING, path, 0, 0,
                       "this looks like a binary file (not text); skipped. Convert PDF or "
                       "Word files to text first (e.g. pdftotext)");
      free(raw);
      return NULL;
    }
    r = format ? sectag_reader_by_name(format) : NULL;
    if (!r) r = sectag_reader_for_path(path);
    if (!r) r = &sectag_reader_txt;
  }
  int utf8 = !encoding || strcasecmp(encoding, "utf-8") == 0 || strcasecmp(encoding, "utf8") == 0;
  /* HTML and XML declare their own encoding, and libxml2 converts it */
  if (!utf8 && !(!text && (r == &sectag_reader_html || r == &sectag_reader_tei))) {
    size_t n;
    char *conv = sectag_to_utf8(encoding, raw, len, &n, path ? path : doc_id, err);
    free(raw);
    if (!conv) return NULL;
    raw = conv;
    len = n;
  }
  sectag_doc *doc = sectag_doc_new(doc_id, path);
  int rc = r->parse(doc, raw, len, ctx, err);
  free(raw);
  if (rc != 0) {
    sectag_doc_free(doc);
    return NULL;
  }
  if (text && format) doc->format = strcmp(format, "csv") == 0 ? "csv" : "jsonl";
  return doc;
}

int sectag_reader_check_size(const char *where, size_t len, sectag_error *err) {
  if (len <= SECTAG_MAX_DOC_BYTES && len <= INT_MAX) return 0;
  sectag_error_set(err, SECTAG_ERR_INPUT, where, 0, 0,
                   "document is %zu bytes, over the limit of %zu bytes for one document; "
                   "split it into smaller files",
                   len, SECTAG_MAX_DOC_BYTES);
  return -1;
}

/* Whether [a, b) holds anything but white space and hidden ranges. */
static int S_has_text(const sectag_doc *doc, size_t a, size_t b) {
  for (size_t i = a; i < b; i++) {
    char c = doc->text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') continue;
    if (sectag_doc_is_hidden(doc, i)) continue;
    return 1;
  }
  return 0;
}

typedef struct {
  size_t line;   /* where the line starts (the hidden label starts here) */
  size_t ls, le; /* the label's own text */
  size_t end;    /* where the turn's text starts */
} S_label;

void sectag_reader_split_turns(sectag_doc *doc, size_t from, const sectag_read_ctx *ctx) {
  if (!ctx || !ctx->speakers || doc->nturns) return;
  const sectag_speakers *sp = ctx->speakers;
  S_label *labels = NULL;
  size_t n = 0, cap = 0;
  for (size_t l = 0; l < doc->nlines; l++) {
    size_t pos = doc->lines[l];
    if (pos < from || pos < doc->body || pos >= doc->len) continue;
    if (sectag_doc_is_hidden(doc, pos)) continue;
    size_t ls, le, end;
    int rc = sectag_speakers_match_label(sp, doc->text, doc->len, pos, &ls, &le, &end);
    if (rc < 0) {
      sectag_doc_warn(doc, pos,
                      "the speaker label pattern gave up on this line (it backtracks too "
                      "much; simplify --speaker-pattern); this document is not split into "
                      "speaker turns");
      free(labels);
      return;
    }
    if (rc == 0) continue;
    /* a label must not swallow a hidden range (e.g. an image on its line) */
    int clash = 0;
    for (size_t i = pos; i < end && !clash; i++) clash = sectag_doc_is_hidden(doc, i);
    if (clash) continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 32;
      labels = sectag_xrealloc(labels, cap * sizeof *labels);
    }
    labels[n++] = (S_label){pos, ls, le, end};
  }
  /* One label alone is a salutation ("GENTLEMEN OF THE CONGRESS:",
   * "MEXICANAS Y MEXICANOS:") or a heading, not a transcript: no turns,
   * unless the speaker table names it. */
  if (n == 0 || (n == 1 && !sectag_speakers_known(sp, doc->text + labels[0].ls,
                                                  labels[0].le - labels[0].ls))) {
    free(labels);
    return;
  }
  size_t start0 = from > doc->body ? from : doc->body;
  if (S_has_text(doc, start0, labels[0].line)) {
    uint32_t u = sectag_speakers_intern(sp, doc, NULL, 0);
    sectag_doc_add_turn(doc, start0, labels[0].line, u);
  }
  sectag_hidden *hide = sectag_xmalloc(n * sizeof *hide);
  for (size_t i = 0; i < n; i++) {
    size_t hend = labels[i].end; /* the spaces after the label are not hidden */
    while (hend > labels[i].le && (doc->text[hend - 1] == ' ' || doc->text[hend - 1] == '\t'))
      hend--;
    hide[i] = (sectag_hidden){labels[i].line, hend, SECTAG_HIDDEN_LABEL};
    uint32_t s = sectag_speakers_intern(sp, doc, doc->text + labels[i].ls,
                                        labels[i].le - labels[i].ls);
    size_t stop = i + 1 < n ? labels[i + 1].line : doc->len;
    sectag_doc_add_turn(doc, labels[i].end, stop, s);
  }
  sectag_doc_hide_all(doc, hide, n);
  free(hide);
  free(labels);
}
