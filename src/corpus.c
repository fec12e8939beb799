/* corpus.c: which documents a run reads, and their metadata (see corpus.h).
 *
 * sectag_corpus_collect() works in this order:
 *  1. options: defaults; an --encoding iconv does not know is fatal;
 *  2. the manifest is read whole (libcsv) and its header gives the first keys;
 *  3. the --meta-from-name pattern is compiled to an anchored PCRE2 regex and
 *     its fields give the next keys;
 *  4. the PATHs are walked (fts, names sorted with strcmp) or, without PATHs,
 *     the manifest's rows name the files. Record corpora (JSONL, CSV) expand
 *     into one input per record; their scalar fields become the last keys;
 *  5. inputs are sorted by doc_id; a doc_id used twice keeps its first input;
 *  6. manifest rows are matched to inputs (by doc_id, else by real path);
 *  7. the name pattern fills the values the manifest left empty.
 *
 * Values: every input's values array has x->kcap >= nkeys entries, all NULL
 * past nkeys, so adding a key never leaves an input with too short an array.
 * A manifest cell overrides a record field; a name field fills only what is
 * still empty. Values are trimmed; an empty value is NULL. */
#include "corpus.h"

#define PCRE2_CODE_UNIT_WIDTH 8

#include <errno.h>
#include <fts.h>
#include <jansson.h>
#include <limits.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "buf.h"
#include "csvread.h"
#include "encoding.h"
#include "error.h"

/* A record corpus is read whole; the same cap as one document (document.h). */
#define S_MAX_FILE ((size_t)1 << 30)
#define S_NONE ((size_t)-1)

typedef void (*S_report_fn)(void *, const sectag_error *);

/* ------------------------------------------------------------ context */

typedef struct S_ctx {
  sectag_corpus *c;
  size_t cap;  /* inputs allocated */
  size_t kcap; /* entries in every input's values (>= c->nkeys) */
  const char *text_field, *id_field, *encoding;
  S_report_fn report;
  void *ud;
  size_t *nproblems;
} S_ctx;

static void S_pass(S_ctx *x, const sectag_error *e) {
  if (x->report) x->report(x->ud, e);
  if (x->nproblems && e->code != SECTAG_WARNING) (*x->nproblems)++;
}

static void S_report(S_ctx *x, sectag_status code, const char *path, unsigned long line,
                     unsigned long col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void S_report(S_ctx *x, sectag_status code, const char *path, unsigned long line,
                     unsigned long col, const char *fmt, ...) {
  sectag_buf msg = SECTAG_BUF_INIT;
  va_list ap;
  va_start(ap, fmt);
  sectag_buf_vprintf(&msg, fmt, ap);
  va_end(ap);
  sectag_error e = SECTAG_ERROR_INIT;
  sectag_error_set(&e, code, path, line, col, "%s", sectag_buf_cstr(&msg));
  sectag_buf_free(&msg);
  S_pass(x, &e);
  sectag_error_clear(&e);
}

/* The index of key `name`, added at the end if new. */
static size_t S_key(S_ctx *x, const char *name) {
  sectag_corpus *c = x->c;
  for (size_t i = 0; i < c->nkeys; i++)
    if (strcmp(c->keys[i], name) == 0) return i;
  if (c->nkeys == x->kcap) {
    size_t ncap = x->kcap ? x->kcap * 2 : 8;
    for (size_t i = 0; i < c->n; i++) {
      c->inputs[i].values = sectag_xrealloc(c->inputs[i].values, ncap * sizeof(char *));
      memset(c->inputs[i].values + x->kcap, 0, (ncap - x->kcap) * sizeof(char *));
    }
    c->keys = sectag_xrealloc(c->keys, ncap * sizeof *c->keys);
    x->kcap = ncap;
  }
  c->keys[c->nkeys] = sectag_xstrdup(name);
  return c->nkeys++;
}

static int S_space(int ch) {
  return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\v' || ch == '\f';
}

/* Sets value `key` of input i to s[0..len), trimmed. An empty value changes
 * nothing; an existing value is kept unless override. */
static void S_set(S_ctx *x, size_t i, size_t key, const char *s, size_t len, int override) {
  while (len && S_space((unsigned char)*s)) s++, len--;
  while (len && S_space((unsigned char)s[len - 1])) len--;
  if (!len) return;
  char **slot = &x->c->inputs[i].values[key];
  if (*slot && !override) return;
  free(*slot);
  *slot = sectag_xstrndup(s, len);
}

/* Adds an input (path copied, doc_id owned); returns its index. */
static size_t S_add(S_ctx *x, const char *path, char *doc_id) {
  sectag_corpus *c = x->c;
  if (c->n == x->cap) {
    x->cap = x->cap ? x->cap * 2 : 64;
    c->inputs = sectag_xrealloc(c->inputs, x->cap * sizeof *c->inputs);
  }
  sectag_input *in = &c->inputs[c->n];
  memset(in, 0, sizeof *in);
  in->path = sectag_xstrdup(path);
  in->doc_id = doc_id;
  in->values = sectag_xcalloc(x->kcap ? x->kcap : 1, sizeof(char *));
  return c->n++;
}

static void S_input_free(sectag_input *in, size_t nkeys) {
  free(in->path);
  free(in->doc_id);
  free(in->text);
  if (in->values)
    for (size_t k = 0; k < nkeys; k++) free(in->values[k]);
  free(in->values);
}

/* ------------------------------------------------------ names and paths */

static const char *const S_text_exts[] = {".txt",  ".md",    ".markdown", ".html", ".htm",
                                          ".xhtml", ".xml",  NULL};
static const char *const S_jsonl_exts[] = {".jsonl", ".ndjson", NULL};

static const char *S_base(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

/* The extension of the last path component (with its dot), or NULL. */
static const char *S_ext(const char *path) {
  const char *base = S_base(path);
  const char *dot = strrchr(base, '.');
  return dot && dot != base ? dot : NULL;
}

static int S_ext_in(const char *path, const char *const *list) {
  const char *ext = S_ext(path);
  if (!ext) return 0;
  for (size_t i = 0; list[i]; i++)
    if (strcasecmp(ext, list[i]) == 0) return 1;
  return 0;
}

static int S_is_jsonl(const char *path) { return S_ext_in(path, S_jsonl_exts); }

static int S_is_csv(const char *path) {
  const char *ext = S_ext(path);
  return ext && strcasecmp(ext, ".csv") == 0;
}

/* Whether a folder walk takes this name. .csv is not among them: a folder
 * may hold metadata tables; a CSV corpus is named as a PATH. */
static int S_wanted(const char *name) {
  return S_ext_in(name, S_text_exts) || S_ext_in(name, S_jsonl_exts);
}

/* name without the extension of its last component */
static char *S_strip_ext(const char *name) {
  const char *ext = S_ext(name);
  return ext ? sectag_xstrndup(name, (size_t)(ext - name)) : sectag_xstrdup(name);
}

/* dir joined with rel (leading "./" dropped); rel as is when absolute or dir
 * is NULL */
static char *S_join(const char *dir, const char *rel) {
  if (!dir || rel[0] == '/') return sectag_xstrdup(rel);
  while (rel[0] == '.' && rel[1] == '/') /* "./speeches/a.txt" */
    for (rel += 2; *rel == '/';) rel++;
  sectag_buf b = SECTAG_BUF_INIT;
  sectag_buf_puts(&b, dir);
  if (b.len && b.ptr[b.len - 1] != '/') sectag_buf_putc(&b, '/');
  sectag_buf_puts(&b, rel);
  return sectag_buf_detach(&b);
}

/* Whether s can be a doc_id, which names the output file tei/DOC_ID.xml:
 * not empty, no leading '/', no empty, "." or ".." part, no backslash and
 * no control character. */
static int S_id_ok(const char *s) {
  if (!*s || *s == '/') return 0;
  for (const char *p = s; *p; p++)
    if ((unsigned char)*p < 0x20 || *p == 0x7F || *p == '\\') return 0;
  const char *part = s;
  for (;;) {
    const char *slash = strchr(part, '/');
    size_t n = slash ? (size_t)(slash - part) : strlen(part);
    if (n == 0 || (n == 1 && part[0] == '.') || (n == 2 && part[0] == '.' && part[1] == '.'))
      return 0;
    if (!slash) return 1;
    part = slash + 1;
  }
}

/* The doc_id of a file a manifest row names: its path without extension,
 * leading "./" removed; the bare file name when the path is absolute or
 * climbs out of the manifest's folder. */
static char *S_manifest_id(const char *rel) {
  while (rel[0] == '.' && rel[1] == '/') {
    rel += 2;
    while (*rel == '/') rel++;
  }
  char *id = S_strip_ext(rel);
  if (!S_id_ok(id)) {
    free(id);
    id = S_strip_ext(S_base(rel));
  }
  return id;
}

/* Reads a whole file; NULL with err (SECTAG_ERR_INPUT) on failure. */
static char *S_slurp(const char *path, size_t *len, sectag_error *err) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    sectag_error_set(err, SECTAG_ERR_INPUT, path, 0, 0, "cannot read: %s", strerror(errno));
    return NULL;
  }
  sectag_buf b = SECTAG_BUF_INIT;
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
    if (b.len + n > S_MAX_FILE) {
      fclose(f);
      sectag_buf_free(&b);
      sectag_error_set(err, SECTAG_ERR_INPUT, path, 0, 0,
                       "the file is larger than 1 GiB; split it into several files");
      return NULL;
    }
    sectag_buf_put(&b, chunk, n);
  }
  int bad = ferror(f);
  int e = errno;
  fclose(f);
  if (bad) {
    sectag_buf_free(&b);
    sectag_error_set(err, SECTAG_ERR_INPUT, path, 0, 0, "cannot read: %s", strerror(e));
    return NULL;
  }
  *len = b.len;
  return sectag_buf_detach(&b);
}

static size_t S_skip_bom(const char *s, size_t len) {
  return len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

/* ------------------------------------------------------------------ CSV */

/* Checks a CSV header: every name from column `from` on, trimmed, is non-
 * empty and used once. Returns 0, or -1 with err (code) at LINE:COL. The
 * names are trimmed in place. */
static int S_check_header(const sectag_csv_row *r, size_t from, const char *data, size_t len,
                          const char *path, sectag_status code, const char *what,
                          sectag_error *err) {
  for (size_t j = 0; j < r->n; j++) {
    char *s = r->f[j];
    size_t n = r->len[j];
    while (n && S_space((unsigned char)s[n - 1])) n--;
    s[n] = '\0';
    size_t lead = 0;
    while (lead < n && S_space((unsigned char)s[lead])) lead++;
    memmove(s, s + lead, n - lead + 1);
    r->len[j] = n - lead;
  }
  for (size_t j = from; j < r->n; j++) {
    unsigned long l, col;
    if (r->len[j] == 0) {
      sectag_csv_locate(data, len, r->off, r->line, j, &l, &col);
      sectag_error_set(err, code, path, l, col,
                       "column %zu of the header has no name; name every %s", j + 1, what);
      return -1;
    }
    for (size_t k = from; k < j; k++)
      if (strcmp(r->f[k], r->f[j]) == 0) {
        sectag_csv_locate(data, len, r->off, r->line, j, &l, &col);
        sectag_error_set(err, code, path, l, col,
                         "column '%s' appears twice in the header (columns %zu and %zu); "
                         "rename one of them",
                         r->f[j], k + 1, j + 1);
        return -1;
      }
  }
  return 0;
}

/* -------------------------------------------------------------- records */

typedef struct S_recfile {
  S_ctx *x;
  const char *path;
  const char *stem;   /* FILESTEM in FILESTEM/N */
  const char *format; /* "jsonl" / "csv" */
  unsigned long nrec; /* records seen, good or bad */
  char **skipped;     /* fields not used: arrays and objects */
  size_t nskipped;
  unsigned long skipped_line;
} S_recfile;

/* Adds the record as an input; id (may be NULL) is its id field's value.
 * Returns its index, or S_NONE when the id cannot be a doc_id. */
static size_t S_record_add(S_recfile *rf, unsigned long line, const char *id, const char *text,
                           size_t text_len) {
  size_t n = id ? strlen(id) : 0;
  while (n && S_space((unsigned char)*id)) id++, n--;
  while (n && S_space((unsigned char)id[n - 1])) n--;
  char *doc_id;
  if (n) {
    doc_id = sectag_xstrndup(id, n);
    if (!S_id_ok(doc_id)) {
      S_report(rf->x, SECTAG_ERR_INPUT, rf->path, line, 0,
               "field '%s' gives the doc_id '%s', which cannot name an output file (no "
               "leading '/', no '.' or '..' parts, no control characters); fix it or choose "
               "another --id-field",
               rf->x->id_field, doc_id);
      free(doc_id);
      return S_NONE;
    }
  } else {
    sectag_buf b = SECTAG_BUF_INIT;
    sectag_buf_printf(&b, "%s/%lu", rf->stem, rf->nrec);
    doc_id = sectag_buf_detach(&b);
  }
  size_t i = S_add(rf->x, rf->path, doc_id);
  sectag_input *in = &rf->x->c->inputs[i];
  in->format = rf->format;
  in->text = sectag_xstrndup(text, text_len);
  in->text_len = text_len;
  in->line = line;
  return i;
}

static void S_record_skip_field(S_recfile *rf, const char *name, unsigned long line) {
  for (size_t i = 0; i < rf->nskipped; i++)
    if (strcmp(rf->skipped[i], name) == 0) return;
  if (!rf->nskipped) rf->skipped_line = line;
  rf->skipped = sectag_xrealloc(rf->skipped, (rf->nskipped + 1) * sizeof *rf->skipped);
  rf->skipped[rf->nskipped++] = sectag_xstrdup(name);
}

/* One warning per file for the fields that were arrays or objects. */
static void S_recfile_done(S_recfile *rf) {
  if (rf->nskipped) {
    sectag_buf b = SECTAG_BUF_INIT;
    for (size_t i = 0; i < rf->nskipped; i++)
      sectag_buf_printf(&b, "%s'%s'", i ? ", " : "", rf->skipped[i]);
    if (rf->nskipped == 1)
      S_report(rf->x, SECTAG_WARNING, rf->path, rf->skipped_line, 0,
               "field %s holds an array or object, not a single value; it is not used as "
               "metadata",
               b.ptr);
    else
      S_report(rf->x, SECTAG_WARNING, rf->path, rf->skipped_line, 0,
               "fields %s hold arrays or objects, not single values; they are not used as "
               "metadata",
               b.ptr);
    sectag_buf_free(&b);
  }
  for (size_t i = 0; i < rf->nskipped; i++) free(rf->skipped[i]);
  free(rf->skipped);
  rf->skipped = NULL;
  rf->nskipped = 0;
}

/* Reads a record corpus and converts it with --encoding; NULL (reported)
 * on failure. */
static char *S_load_records(S_ctx *x, const char *path, size_t *len) {
  sectag_error e = SECTAG_ERROR_INIT;
  char *raw = S_slurp(path, len, &e);
  if (raw && x->encoding) {
    size_t n = 0;
    char *u = sectag_to_utf8(x->encoding, raw, *len, &n, path, &e);
    free(raw);
    raw = u;
    *len = n;
  }
  if (!raw) S_pass(x, &e);
  sectag_error_clear(&e);
  return raw;
}

static const char *S_json_kind(const json_t *v) {
  switch (json_typeof(v)) {
  case JSON_OBJECT: return "an object";
  case JSON_ARRAY: return "an array";
  case JSON_STRING: return "a string";
  case JSON_INTEGER:
  case JSON_REAL: return "a number";
  case JSON_TRUE: return "true";
  case JSON_FALSE: return "false";
  default: return "null";
  }
}

/* The text of a scalar JSON value (owned), or NULL for null. Reals get the
 * shortest form that reads back the same (0.1, not 0.10000000000000001). */
static char *S_json_scalar(const json_t *v) {
  char b[64];
  switch (json_typeof(v)) {
  case JSON_STRING: return sectag_xstrndup(json_string_value(v), json_string_length(v));
  case JSON_INTEGER:
    snprintf(b, sizeof b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    return sectag_xstrdup(b);
  case JSON_REAL: {
    double d = json_real_value(v);
    for (int prec = 15; prec <= 17; prec++) {
      snprintf(b, sizeof b, "%.*g", prec, d);
      if (strtod(b, NULL) == d) break;
    }
    return sectag_xstrdup(b);
  }
  case JSON_TRUE: return sectag_xstrdup("true");
  case JSON_FALSE: return sectag_xstrdup("false");
  default: return NULL;
  }
}

static void S_jsonl_line(S_recfile *rf, const char *p, size_t n, unsigned long line) {
  S_ctx *x = rf->x;
  rf->nrec++;
  json_error_t je;
  json_t *root = json_loadb(p, n, JSON_REJECT_DUPLICATES, &je);
  if (!root) {
    S_report(x, SECTAG_ERR_INPUT, rf->path, line,
             je.position > 0 ? (unsigned long)je.position : 1,
             "record does not parse as JSON: %s; fix the line or remove it", je.text);
    return;
  }
  if (!json_is_object(root)) {
    S_report(x, SECTAG_ERR_INPUT, rf->path, line, 0,
             "record is %s, not a JSON object; write one {\"%s\": ...} object per line",
             S_json_kind(root), x->text_field);
    json_decref(root);
    return;
  }
  json_t *t = json_object_get(root, x->text_field);
  if (!t || !json_is_string(t)) {
    if (!t)
      S_report(x, SECTAG_ERR_INPUT, rf->path, line, 0,
               "record has no field '%s'; choose the text field with --text-field",
               x->text_field);
    else
      S_report(x, SECTAG_ERR_INPUT, rf->path, line, 0,
               "field '%s' is %s, not a string; choose the text field with --text-field",
               x->text_field, S_json_kind(t));
    json_decref(root);
    return;
  }
  json_t *idv = json_object_get(root, x->id_field);
  char *id = NULL;
  if (idv && !json_is_null(idv)) {
    if (!json_is_string(idv) && !json_is_number(idv)) {
      S_report(x, SECTAG_ERR_INPUT, rf->path, line, 0,
               "field '%s' is %s, not a string or number; choose the id field with --id-field",
               x->id_field, S_json_kind(idv));
      json_decref(root);
      return;
    }
    id = S_json_scalar(idv);
  }
  size_t i = S_record_add(rf, line, id, json_string_value(t), json_string_length(t));
  free(id);
  if (i != S_NONE) {
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v) {
      if (!*key || strcmp(key, x->text_field) == 0 || strcmp(key, x->id_field) == 0) continue;
      if (json_is_object(v) || json_is_array(v)) {
        S_record_skip_field(rf, key, line);
        continue;
      }
      size_t k = S_key(x, key);
      char *s = S_json_scalar(v);
      if (s) S_set(x, i, k, s, strlen(s), 1);
      free(s);
    }
  }
  json_decref(root);
}

/* A JSONL corpus: one JSON object per line; blank lines skipped. */
static void S_read_jsonl(S_ctx *x, const char *path, const char *stem) {
  size_t len = 0;
  char *data = S_load_records(x, path, &len);
  if (!data) return;
  S_recfile rf = {x, path, stem, "jsonl", 0, NULL, 0, 0};
  const char *p = data + S_skip_bom(data, len), *end = data + len;
  unsigned long line = 0;
  while (p < end) {
    line++;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = (size_t)((nl ? nl : end) - p);
    if (n && p[n - 1] == '\r') n--;
    size_t k = 0;
    while (k < n && S_space((unsigned char)p[k])) k++;
    if (k < n) S_jsonl_line(&rf, p, n, line);
    p = nl ? nl + 1 : end;
  }
  S_recfile_done(&rf);
  free(data);
}

typedef struct S_csvrec {
  S_recfile rf;
  const char *data;
  size_t len;
  int have_header;
  size_t ncols, text_col, id_col;
  size_t *keyidx; /* per column, S_NONE for text and id */
} S_csvrec;

static int S_csvrec_row(void *ud, const sectag_csv_row *r) {
  S_csvrec *cr = ud;
  S_ctx *x = cr->rf.x;
  if (!cr->have_header) {
    sectag_error e = SECTAG_ERROR_INIT;
    if (S_check_header(r, 0, cr->data, cr->len, cr->rf.path, SECTAG_ERR_INPUT,
                       "column (the first row is the header); this file was not read",
                       &e) != 0) {
      S_pass(x, &e);
      sectag_error_clear(&e);
      return 1;
    }
    cr->have_header = 1;
    cr->ncols = r->n;
    cr->text_col = cr->id_col = S_NONE;
    for (size_t j = 0; j < r->n; j++) {
      if (strcmp(r->f[j], x->text_field) == 0) cr->text_col = j;
      if (strcmp(r->f[j], x->id_field) == 0) cr->id_col = j;
    }
    if (cr->text_col == S_NONE) {
      sectag_buf names = SECTAG_BUF_INIT;
      for (size_t j = 0; j < r->n; j++) sectag_buf_printf(&names, "%s%s", j ? ", " : "", r->f[j]);
      S_report(x, SECTAG_ERR_INPUT, cr->rf.path, r->line, 0,
               "the header has no column '%s' (it has: %s); choose the text column with "
               "--text-field; this file was not read",
               x->text_field, names.ptr);
      sectag_buf_free(&names);
      return 1;
    }
    cr->keyidx = sectag_xmalloc(r->n * sizeof *cr->keyidx);
    for (size_t j = 0; j < r->n; j++)
      cr->keyidx[j] = j == cr->text_col || j == cr->id_col ? S_NONE : S_key(x, r->f[j]);
    return 0;
  }
  cr->rf.nrec++;
  if (r->n != cr->ncols) {
    S_report(x, SECTAG_ERR_INPUT, cr->rf.path, r->line, 0,
             "row has %zu fields, the header has %zu; a field that holds a comma must be in "
             "double quotes",
             r->n, cr->ncols);
    return 0;
  }
  size_t i = S_record_add(&cr->rf, r->line, cr->id_col == S_NONE ? NULL : r->f[cr->id_col],
                          r->f[cr->text_col], r->len[cr->text_col]);
  if (i == S_NONE) return 0;
  for (size_t j = 0; j < r->n; j++)
    if (cr->keyidx[j] != S_NONE) S_set(x, i, cr->keyidx[j], r->f[j], r->len[j], 1);
  return 0;
}

/* A CSV corpus: a header row, then one record per row. The file is checked
 * as UTF-8 first: its cells become metadata, which outputs write as is. */
static void S_read_csv(S_ctx *x, const char *path, const char *stem) {
  size_t len = 0;
  char *data = S_load_records(x, path, &len);
  if (!data) return;
  size_t bom = S_skip_bom(data, len);
  size_t bad = sectag_utf8_invalid_at(data + bom, len - bom);
  if (bad != S_NONE) {
    unsigned long l, col;
    sectag_line_col(data + bom, bad, &l, &col);
    S_report(x, SECTAG_ERR_INPUT, path, l, col,
             "byte 0x%02X is not valid UTF-8; give the file's encoding with --encoding%s; "
             "this file was not read",
             (unsigned char)data[bom + bad],
             sectag_looks_latin1(data + bom, len - bom) ? " (it looks like cp1252 or latin1)"
                                                        : "");
    free(data);
    return;
  }
  S_csvrec cr;
  memset(&cr, 0, sizeof cr);
  cr.rf = (S_recfile){x, path, stem, "csv", 0, NULL, 0, 0};
  cr.data = data + bom;
  cr.len = len - bom;
  sectag_error e = SECTAG_ERROR_INIT;
  if (sectag_csv_read(cr.data, cr.len, path, S_csvrec_row, &cr, &e) < 0) {
    if (cr.rf.nrec) {
      char *msg = sectag_xstrdup(e.message);
      sectag_error_set(&e, e.code, path, e.line, e.col, "%s; the rest of the file was not read",
                       msg);
      free(msg);
    }
    S_pass(x, &e);
  }
  sectag_error_clear(&e);
  S_recfile_done(&cr.rf);
  free(cr.keyidx);
  free(data);
}

/* ------------------------------------------------------------- manifest */

typedef struct S_mrow {
  unsigned long line;
  char *first; /* trimmed; NULL when the row was reported and is skipped */
  char **vals; /* ncols entries (vals[0] unused), trimmed, NULL if empty */
} S_mrow;

typedef struct S_manifest {
  const char *path;
  char *dir; /* the manifest's folder, NULL for the current one */
  size_t ncols;
  size_t *keyidx; /* per column (0 unused) */
  S_mrow *rows;
  size_t nrows, cap;
  const char *data;
  size_t len;
  S_ctx *x;
  sectag_error *err;
} S_manifest;

static char *S_trimmed(const char *s, size_t len) {
  while (len && S_space((unsigned char)*s)) s++, len--;
  while (len && S_space((unsigned char)s[len - 1])) len--;
  return len ? sectag_xstrndup(s, len) : NULL;
}

static int S_manifest_row(void *ud, const sectag_csv_row *r) {
  S_manifest *m = ud;
  if (!m->ncols) {
    if (S_check_header(r, 1, m->data, m->len, m->path, SECTAG_ERR_USAGE,
                       "column (the first holds paths or doc_ids, the others metadata)",
                       m->err) != 0)
      return 1;
    m->ncols = r->n;
    m->keyidx = sectag_xcalloc(r->n, sizeof *m->keyidx);
    for (size_t j = 1; j < r->n; j++) m->keyidx[j] = S_key(m->x, r->f[j]);
    return 0;
  }
  if (r->n != m->ncols) {
    sectag_error_set(m->err, SECTAG_ERR_USAGE, m->path, r->line, 0,
                     "row has %zu fields, the header has %zu; a field that holds a comma must "
                     "be in double quotes",
                     r->n, m->ncols);
    return 1;
  }
  char *first = S_trimmed(r->f[0], r->len[0]);
  char **vals = sectag_xcalloc(r->n, sizeof *vals);
  int any = first != NULL;
  for (size_t j = 1; j < r->n; j++) {
    vals[j] = S_trimmed(r->f[j], r->len[j]);
    if (vals[j]) any = 1;
  }
  if (!any) { /* a row of empty cells, as spreadsheets write: nothing */
    free(vals);
    return 0;
  }
  if (!first)
    S_report(m->x, SECTAG_ERR_INPUT, m->path, r->line, 1,
             "the first column is empty; name a file or a doc_id there, or delete the row");
  if (m->nrows == m->cap) {
    m->cap = m->cap ? m->cap * 2 : 64;
    m->rows = sectag_xrealloc(m->rows, m->cap * sizeof *m->rows);
  }
  m->rows[m->nrows++] = (S_mrow){r->line, first, vals};
  return 0;
}

static void S_manifest_free(S_manifest *m) {
  for (size_t i = 0; i < m->nrows; i++) {
    free(m->rows[i].first);
    for (size_t j = 1; j < m->ncols; j++) free(m->rows[i].vals[j]);
    free(m->rows[i].vals);
  }
  free(m->rows);
  free(m->keyidx);
  free(m->dir);
}

/* Reads the manifest; -1 with err (SECTAG_ERR_USAGE, FILE:LINE:COL) when it
 * cannot be read, is empty, is not UTF-8 or is not well-formed CSV. */
static int S_manifest_load(S_manifest *m, S_ctx *x, const char *path, sectag_error *err) {
  memset(m, 0, sizeof *m);
  m->path = path;
  m->x = x;
  m->err = err;
  const char *slash = strrchr(path, '/');
  if (slash) m->dir = slash == path ? sectag_xstrdup("/") : sectag_xstrndup(path, (size_t)(slash - path));
  size_t len = 0;
  char *data = S_slurp(path, &len, err);
  if (!data) {
    char *msg = sectag_xstrdup(err->message);
    sectag_error_set(err, SECTAG_ERR_USAGE, path, 0, 0, "%s; check --manifest", msg);
    free(msg);
    return -1;
  }
  size_t bom = S_skip_bom(data, len);
  m->data = data + bom;
  m->len = len - bom;
  int rc = 0;
  size_t bad = sectag_utf8_invalid_at(m->data, m->len);
  if (bad != S_NONE) {
    unsigned long l, col;
    sectag_line_col(m->data, bad, &l, &col);
    sectag_error_set(err, SECTAG_ERR_USAGE, path, l, col,
                     "byte 0x%02X is not valid UTF-8; save the manifest as UTF-8%s",
                     (unsigned char)m->data[bad],
                     sectag_looks_latin1(m->data, m->len)
                         ? " (it looks like cp1252: iconv -f cp1252 -t utf-8 OLD.csv > NEW.csv)"
                         : "");
    rc = -1;
  } else if (sectag_csv_read(m->data, m->len, path, S_manifest_row, m, err) != 0) {
    err->code = SECTAG_ERR_USAGE;
    rc = -1;
  } else if (!m->ncols) {
    sectag_error_set(err, SECTAG_ERR_USAGE, path, 0, 0,
                     "the manifest is empty; its first row names the columns: a path or "
                     "doc_id, then metadata such as date, speaker");
    rc = -1;
  }
  free(data);
  m->data = NULL;
  m->len = 0;
  return rc;
}

static void S_manifest_apply(S_ctx *x, const S_manifest *m, const S_mrow *r, size_t i) {
  for (size_t j = 1; j < m->ncols; j++)
    if (r->vals[j]) S_set(x, i, m->keyidx[j], r->vals[j], strlen(r->vals[j]), 1);
}

/* Reports row r as naming what an earlier row (line, first) names. */
static void S_manifest_twice(S_ctx *x, const S_manifest *m, const S_mrow *r,
                             unsigned long line, const char *first) {
  if (strcmp(first, r->first) == 0)
    S_report(x, SECTAG_ERR_INPUT, m->path, r->line, 1,
             "'%s' is listed twice (lines %lu and %lu); line %lu was ignored", r->first, line,
             r->line, r->line);
  else
    S_report(x, SECTAG_ERR_INPUT, m->path, r->line, 1,
             "'%s' names the same document as '%s' on line %lu; line %lu was ignored",
             r->first, first, line, r->line);
}

/* ---------------------------------------------------------- name pattern */

typedef struct S_namepat {
  const char *text;
  pcre2_code *re;
  pcre2_match_data *md;
  size_t ngroups;
  size_t *keyidx; /* per capture group */
  int has_slash, has_ext;
} S_namepat;

static int S_namepat_fail(sectag_error *err, const char *pat, size_t off, const char *msg) {
  sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, (unsigned long)off + 1,
                   "--meta-from-name: column %zu: %s", off + 1, msg);
  sectag_buf caret = SECTAG_BUF_INIT;
  sectag_buf_printf(&caret, "    %s\n    ", pat);
  for (size_t i = 0; i < off && pat[i]; i++)
    if (((unsigned char)pat[i] & 0xC0) != 0x80) sectag_buf_putc(&caret, ' ');
  sectag_buf_putc(&caret, '^');
  sectag_error_set_detail(err, caret.ptr);
  sectag_buf_free(&caret);
  return -1;
}

static int S_name_ok(const char *s, size_t n) {
  if (n == 0 || !(s[0] >= 'a' && s[0] <= 'z')) return 0;
  for (size_t i = 1; i < n; i++)
    if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
      return 0;
  return 1;
}

/* Compiles '{date}_{speaker}.txt' to \A([^/]+?)_([^/]+)\.txt\z: literal
 * ASCII punctuation escaped, {_} a group that captures nothing. The first
 * field is lazy and the others greedy, so with '{year}_{president}_{party}'
 * the name 1990_george_h_w_bush_r splits at its first and last '_':
 * year=1990, president=george_h_w_bush, party=r. */
static int S_namepat_compile(S_namepat *np, S_ctx *x, const char *pat, sectag_error *err) {
  memset(np, 0, sizeof *np);
  np->text = pat;
  sectag_buf re = SECTAG_BUF_INIT, msg = SECTAG_BUF_INIT;
  sectag_buf_puts(&re, "\\A");
  char **names = NULL;
  size_t nnames = 0, last_close = S_NONE, nfields = 0;
  int rc = 0;
  for (size_t i = 0; pat[i] && rc == 0;) {
    unsigned char ch = (unsigned char)pat[i];
    if (ch == '{') {
      size_t j = i + 1;
      while (pat[j] && pat[j] != '}' && pat[j] != '{') j++;
      char *name = sectag_xstrndup(pat + i, pat[j] == '}' ? j - i + 1 : j - i);
      if (pat[j] != '}')
        rc = S_namepat_fail(err, pat, i, "'{' is not closed by '}'");
      else if (j == i + 1)
        rc = S_namepat_fail(err, pat, i,
                            "'{}' has no name; write a name such as {date}, or {_} for a part "
                            "to ignore");
      else if (!(j == i + 2 && pat[i + 1] == '_') && !S_name_ok(pat + i + 1, j - i - 1)) {
        sectag_buf_printf(&msg,
                          "'%s' is not a valid name: use lower-case letters, digits and '_', "
                          "starting with a letter",
                          name);
        rc = S_namepat_fail(err, pat, i, msg.ptr);
      }
      else if (j == i + 2 && pat[i + 1] == '_') {
        sectag_buf_puts(&re, nfields++ ? "(?:[^/]+)" : "(?:[^/]+?)");
      } else {
        for (size_t k = 0; k < nnames && rc == 0; k++)
          if (strncmp(names[k], pat + i + 1, j - i - 1) == 0 && names[k][j - i - 1] == '\0')
          {
            sectag_buf_printf(&msg, "'%s' appears twice; name each field once", name);
            rc = S_namepat_fail(err, pat, i, msg.ptr);
          }
        if (rc == 0) {
          names = sectag_xrealloc(names, (nnames + 1) * sizeof *names);
          names[nnames++] = sectag_xstrndup(pat + i + 1, j - i - 1);
          sectag_buf_puts(&re, nfields++ ? "([^/]+)" : "([^/]+?)");
        }
      }
      free(name);
      last_close = j;
      i = pat[j] ? j + 1 : j; /* an unclosed '{' ends at the NUL */
      continue;
    }
    if (ch == '}') {
      rc = S_namepat_fail(err, pat, i, "'}' has no '{' before it");
      break;
    }
    if (ch == '/') np->has_slash = 1;
    if (ch < 0x80 && !((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                       (ch >= '0' && ch <= '9')))
      sectag_buf_putc(&re, '\\');
    sectag_buf_putc(&re, ch);
    i++;
  }
  if (rc == 0 && nnames == 0)
    rc = S_namepat_fail(err, pat, 0,
                        "the pattern has no {name} field to take a value from; example: "
                        "'{date}_{speaker}.txt'");
  if (rc == 0) {
    np->has_ext = last_close != S_NONE && strchr(pat + last_close + 1, '.') != NULL;
    sectag_buf_puts(&re, "\\z");
    int ecode;
    PCRE2_SIZE eoff;
    np->re = pcre2_compile((PCRE2_SPTR)re.ptr, re.len, PCRE2_UTF, &ecode, &eoff, NULL);
    if (!np->re) {
      PCRE2_UCHAR emsg[256];
      pcre2_get_error_message(ecode, emsg, sizeof emsg);
      rc = S_namepat_fail(err, pat, 0, (const char *)emsg);
    } else {
      np->md = pcre2_match_data_create_from_pattern(np->re, NULL);
      np->ngroups = nnames;
      np->keyidx = sectag_xmalloc((nnames ? nnames : 1) * sizeof *np->keyidx);
      for (size_t k = 0; k < nnames; k++) np->keyidx[k] = S_key(x, names[k]);
    }
  }
  for (size_t k = 0; k < nnames; k++) free(names[k]);
  free(names);
  sectag_buf_free(&re);
  sectag_buf_free(&msg);
  return rc;
}

static void S_namepat_free(S_namepat *np) {
  pcre2_match_data_free(np->md);
  pcre2_code_free(np->re);
  free(np->keyidx);
}

/* Matches input i's name: the last part of its doc_id (the whole doc_id if
 * the pattern has a '/'), plus the file's extension if the pattern has one. */
static void S_namepat_apply(S_namepat *np, S_ctx *x, size_t i) {
  const sectag_input *in = &x->c->inputs[i];
  sectag_buf subj = SECTAG_BUF_INIT;
  sectag_buf_puts(&subj, np->has_slash ? in->doc_id : S_base(in->doc_id));
  if (np->has_ext) {
    const char *ext = S_ext(in->path);
    if (ext) sectag_buf_puts(&subj, ext);
  }
  int rc = pcre2_match(np->re, (PCRE2_SPTR)sectag_buf_cstr(&subj), subj.len, 0, 0, np->md, NULL);
  if (rc < 0) {
    S_report(x, SECTAG_WARNING, in->path, 0, 0,
             "'%s' does not match --meta-from-name '%s'; no metadata taken from the file name",
             sectag_buf_cstr(&subj), np->text);
  } else {
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(np->md);
    for (size_t g = 0; g < np->ngroups; g++) {
      PCRE2_SIZE a = ov[2 * (g + 1)], b = ov[2 * (g + 1) + 1];
      if (a == PCRE2_UNSET) continue;
      S_set(x, i, np->keyidx[g], subj.ptr + a, b - a, 0);
    }
  }
  sectag_buf_free(&subj);
}

/* ----------------------------------------------------------------- walk */

static int S_cmp_names(const FTSENT **a, const FTSENT **b) {
  return strcmp((*a)->fts_name, (*b)->fts_name);
}

/* Walks one directory PATH. Returns 0, or -1 with err when fts cannot
 * start. */
static int S_walk(S_ctx *x, const char *root, sectag_error *err) {
  char *argv[2] = {(char *)root, NULL};
  FTS *fts = fts_open(argv, FTS_LOGICAL | FTS_NOCHDIR, S_cmp_names);
  if (!fts) {
    sectag_error_set(err, SECTAG_ERR_USAGE, root, 0, 0, "cannot read directory: %s",
                     strerror(errno));
    return -1;
  }
  size_t rootlen = strlen(root);
  while (rootlen > 1 && root[rootlen - 1] == '/') rootlen--;
  FTSENT *e;
  while ((e = fts_read(fts)) != NULL) {
    int hidden = e->fts_level > 0 && e->fts_name[0] == '.';
    switch (e->fts_info) {
    case FTS_D:
      if (hidden) fts_set(fts, e, FTS_SKIP);
      break;
    case FTS_DC:
      S_report(x, SECTAG_WARNING, e->fts_path, 0, 0,
               "directory loop (a symbolic link back to a parent); skipped");
      break;
    case FTS_DNR:
    case FTS_ERR:
      S_report(x, SECTAG_ERR_INPUT, e->fts_path, 0, 0, "cannot read directory: %s",
               strerror(e->fts_errno));
      break;
    case FTS_F:
      if (hidden || !S_wanted(e->fts_name)) break;
      {
        const char *rel = e->fts_path + rootlen;
        while (*rel == '/') rel++;
        char *stem = S_strip_ext(rel);
        if (S_is_jsonl(e->fts_name)) {
          S_read_jsonl(x, e->fts_path, stem);
          free(stem);
        } else {
          S_add(x, e->fts_path, stem);
        }
      }
      break;
    case FTS_SLNONE:
      if (!hidden && S_wanted(e->fts_name))
        S_report(x, SECTAG_ERR_INPUT, e->fts_path, 0, 0, "broken symbolic link; skipped");
      break;
    default:
      break;
    }
  }
  fts_close(fts);
  return 0;
}

/* A file named directly (a PATH or a manifest row): a record corpus or one
 * document. Returns the index of its first input (c->n if none). */
static size_t S_take_file(S_ctx *x, const char *path, char *doc_id) {
  size_t first = x->c->n;
  if (S_is_jsonl(path))
    S_read_jsonl(x, path, doc_id);
  else if (S_is_csv(path))
    S_read_csv(x, path, doc_id);
  else
    return S_add(x, path, doc_id);
  free(doc_id);
  return first;
}

/* ------------------------------------------------------ sort and match */

static int S_cmp_inputs(const void *a, const void *b) {
  const sectag_input *p = a, *q = b;
  int r = strcmp(p->doc_id, q->doc_id);
  if (!r) r = strcmp(p->path, q->path);
  if (!r) r = (p->line > q->line) - (p->line < q->line);
  return r;
}

/* Sorts by doc_id; a doc_id used twice keeps its first input only. */
static void S_sort_dedup(S_ctx *x) {
  sectag_corpus *c = x->c;
  sectag_sort(c->inputs, c->n, sizeof *c->inputs, S_cmp_inputs);
  size_t w = 0;
  for (size_t i = 0; i < c->n; i++) {
    sectag_input *in = &c->inputs[i];
    if (w > 0 && strcmp(c->inputs[w - 1].doc_id, in->doc_id) == 0) {
      const sectag_input *kept = &c->inputs[w - 1];
      sectag_buf by = SECTAG_BUF_INIT;
      sectag_buf_puts(&by, kept->path);
      if (kept->line) sectag_buf_printf(&by, ":%lu", kept->line);
      if (in->line)
        S_report(x, SECTAG_ERR_INPUT, in->path, in->line, 0,
                 "doc_id '%s' is already used by %s; this record was not coded (give each "
                 "record its own id)",
                 in->doc_id, by.ptr);
      else
        S_report(x, SECTAG_ERR_INPUT, in->path, 0, 0,
                 "doc_id '%s' is already used by %s; this file was not coded (rename one of "
                 "them)",
                 in->doc_id, by.ptr);
      sectag_buf_free(&by);
      S_input_free(in, c->nkeys);
      continue;
    }
    c->inputs[w++] = *in;
  }
  c->n = w;
}

typedef struct S_real {
  char *real; /* realpath, or NULL */
  const char *path;
  size_t idx;
} S_real;

static int S_cmp_real_path(const void *a, const void *b) {
  const S_real *p = a, *q = b;
  return strcmp(p->path, q->path);
}

static int S_cmp_real(const void *a, const void *b) {
  const S_real *p = a, *q = b;
  if (!p->real || !q->real) return (p->real != NULL) - (q->real != NULL);
  int r = strcmp(p->real, q->real);
  return r ? r : (p->idx > q->idx) - (p->idx < q->idx);
}

/* The real path of every input (one realpath() call per file), sorted. */
static S_real *S_reals(const sectag_corpus *c) {
  S_real *rs = sectag_xcalloc(c->n ? c->n : 1, sizeof *rs);
  for (size_t i = 0; i < c->n; i++) {
    rs[i].path = c->inputs[i].path;
    rs[i].idx = i;
  }
  sectag_sort(rs, c->n, sizeof *rs, S_cmp_real_path);
  for (size_t i = 0; i < c->n; i++)
    rs[i].real = i > 0 && strcmp(rs[i].path, rs[i - 1].path) == 0
                     ? (rs[i - 1].real ? sectag_xstrdup(rs[i - 1].real) : NULL)
                     : realpath(rs[i].path, NULL);
  sectag_sort(rs, c->n, sizeof *rs, S_cmp_real);
  return rs;
}

static size_t S_find_id(const sectag_corpus *c, const char *id) {
  size_t lo = 0, hi = c->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int r = strcmp(c->inputs[mid].doc_id, id);
    if (r == 0) return mid;
    if (r < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return S_NONE;
}

/* PATHs given: each manifest row gives values to the input with its doc_id,
 * else to the inputs read from the file it names. */
static void S_manifest_match(S_ctx *x, const S_manifest *m) {
  sectag_corpus *c = x->c;
  const S_mrow **taken = sectag_xcalloc(c->n ? c->n : 1, sizeof *taken);
  S_real *rs = NULL;
  for (size_t ri = 0; ri < m->nrows; ri++) {
    const S_mrow *r = &m->rows[ri];
    if (!r->first) continue;
    size_t lo = S_find_id(c, r->first), hi = lo == S_NONE ? lo : lo + 1;
    int by_path = 0;
    if (lo == S_NONE) {
      char *full = S_join(m->dir, r->first);
      char *real = realpath(full, NULL);
      free(full);
      if (real) {
        if (!rs) rs = S_reals(c);
        /* first entry with this real path */
        size_t a = 0, b = c->n;
        while (a < b) {
          size_t mid = a + (b - a) / 2;
          if (!rs[mid].real || strcmp(rs[mid].real, real) < 0) /* NULLs sort first */
            a = mid + 1;
          else
            b = mid;
        }
        lo = a;
        hi = a;
        while (hi < c->n && rs[hi].real && strcmp(rs[hi].real, real) == 0) hi++;
        by_path = 1;
        free(real);
      }
    }
    if (lo == S_NONE || lo == hi) {
      S_report(x, SECTAG_WARNING, m->path, r->line, 1,
               "manifest row names '%s', which is not among the documents", r->first);
      continue;
    }
    const S_mrow *clash = NULL;
    for (size_t k = lo; k < hi; k++) {
      size_t i = by_path ? rs[k].idx : k;
      if (taken[i]) {
        if (!clash) clash = taken[i];
        continue;
      }
      taken[i] = r;
      S_manifest_apply(x, m, r, i);
    }
    if (clash) S_manifest_twice(x, m, r, clash->line, clash->first);
  }
  if (rs)
    for (size_t i = 0; i < c->n; i++) free(rs[i].real);
  free(rs);
  free(taken);
}

/* No PATHs: each manifest row names a file to read. */
static void S_manifest_list(S_ctx *x, const S_manifest *m) {
  typedef struct {
    char *real;
    const S_mrow *row;
  } seen_t;
  seen_t *seen = sectag_xcalloc(m->nrows ? m->nrows : 1, sizeof *seen);
  size_t nseen = 0;
  for (size_t ri = 0; ri < m->nrows; ri++) {
    const S_mrow *r = &m->rows[ri];
    if (!r->first) continue;
    char *full = S_join(m->dir, r->first);
    struct stat st;
    if (stat(full, &st) != 0) {
      if (errno == ENOENT || errno == ENOTDIR)
        S_report(x, SECTAG_ERR_INPUT, m->path, r->line, 1, "'%s' does not exist; fix the path%s",
                 r->first, r->first[0] == '/' ? "" : " (relative to the manifest's folder)");
      else
        S_report(x, SECTAG_ERR_INPUT, m->path, r->line, 1, "'%s' cannot be read: %s", r->first,
                 strerror(errno));
      free(full);
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      S_report(x, SECTAG_ERR_INPUT, m->path, r->line, 1,
               "'%s' is a folder; a manifest row names one file (give a folder as a PATH)",
               r->first);
      free(full);
      continue;
    }
    char *real = realpath(full, NULL);
    const S_mrow *dup = NULL;
    for (size_t k = 0; k < nseen && real; k++)
      if (strcmp(seen[k].real, real) == 0) dup = seen[k].row;
    if (dup) {
      S_manifest_twice(x, m, r, dup->line, dup->first);
      free(real);
      free(full);
      continue;
    }
    if (real) seen[nseen++] = (seen_t){real, r};
    size_t from = S_take_file(x, full, S_manifest_id(r->first));
    for (size_t i = from; i < x->c->n; i++) S_manifest_apply(x, m, r, i);
    free(full);
  }
  for (size_t k = 0; k < nseen; k++) free(seen[k].real);
  free(seen);
}

/* ------------------------------------------------------------- collect */

int sectag_corpus_collect(sectag_corpus *c, const char *const *paths, size_t npaths,
                          const sectag_corpus_options *opt,
                          void (*report)(void *, const sectag_error *), void *ud,
                          size_t *nproblems, sectag_error *err) {
  memset(c, 0, sizeof *c);
  S_ctx x;
  memset(&x, 0, sizeof x);
  x.c = c;
  x.report = report;
  x.ud = ud;
  x.nproblems = nproblems;
  x.text_field = opt && opt->text_field && *opt->text_field ? opt->text_field : "text";
  x.id_field = opt && opt->id_field && *opt->id_field ? opt->id_field : "id";
  x.encoding = opt && opt->encoding && *opt->encoding ? opt->encoding : NULL;
  if (x.encoding) { /* an unknown name is a usage error before any work */
    size_t n;
    char *probe = sectag_to_utf8(x.encoding, "", 0, &n, NULL, err);
    if (!probe) return -1;
    free(probe);
  }

  S_manifest m;
  int have_m = 0;
  S_namepat np;
  int have_np = 0;
  int rc = 0;
  if (opt && opt->manifest) {
    if (S_manifest_load(&m, &x, opt->manifest, err) != 0) {
      S_manifest_free(&m);
      sectag_corpus_free(c);
      return -1;
    }
    have_m = 1;
  }
  if (opt && opt->name_pattern) {
    if (S_namepat_compile(&np, &x, opt->name_pattern, err) != 0) {
      rc = -1;
      goto done;
    }
    have_np = 1;
  }

  for (size_t i = 0; i < npaths; i++) {
    struct stat st;
    if (stat(paths[i], &st) != 0) {
      sectag_error_set(err, SECTAG_ERR_USAGE, paths[i], 0, 0,
                       "cannot read input: %s; check the PATH arguments", strerror(errno));
      rc = -1;
      goto done;
    }
    if (S_ISDIR(st.st_mode)) {
      if (S_walk(&x, paths[i], err) != 0) {
        rc = -1;
        goto done;
      }
    } else {
      S_take_file(&x, paths[i], S_strip_ext(S_base(paths[i])));
    }
  }
  if (have_m && npaths == 0) S_manifest_list(&x, &m);

  S_sort_dedup(&x);
  if (have_m && npaths > 0) S_manifest_match(&x, &m);
  if (have_np)
    for (size_t i = 0; i < c->n; i++)
      if (!c->inputs[i].format) S_namepat_apply(&np, &x, i);

done:
  if (have_m) S_manifest_free(&m);
  if (have_np) S_namepat_free(&np);
  if (rc != 0) sectag_corpus_free(c);
  return rc;
}

void sectag_corpus_free(sectag_corpus *c) {
  if (!c) return;
  for (size_t i = 0; i < c->n; i++) S_input_free(&c->inputs[i], c->nkeys);
  free(c->inputs);
  for (size_t k = 0; k < c->nkeys; k++) free(c->keys[k]);
  free(c->keys);
  memset(c, 0, sizeof *c);
}
