/* csvread.c: reading CSV files (RFC 4180, libcsv in strict mode), for the
 * corpus stage (CSV corpora, the manifest) and for the commands that read
 * sectag's own tables (compare, kwic).
 *
 * libcsv in strict mode: a quote may only open a field, and inside a quoted
 * field a quote is doubled; a quoted field may hold commas and line breaks;
 * an unclosed quote at the end of the file is an error. libcsv trims spaces
 * around unquoted fields and skips blank lines. libcsv gives no positions,
 * so the data is fed one line at a time: a row starts at the first line
 * that begins outside a quoted field (quote parity), which is exact for
 * data strict mode accepts. */
#include "csvread.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "buf.h"
#include "error.h"
#include "encoding.h"

/* RFC 4180 through libcsv in strict mode: a quote may only open a field,
 * and inside a quoted field a quote is doubled; a quoted field may hold
 * commas and line breaks; an unclosed quote at the end of the file is an
 * error. libcsv trims spaces around unquoted fields and skips blank lines.
 * libcsv gives no positions, so the data is fed one line at a time: a row
 * starts at the first line that begins outside a quoted field (quote
 * parity), which is exact for data strict mode accepts. */

typedef struct S_csv {
  sectag_csv_row row;
  size_t fcap;
  sectag_csv_row_fn fn;
  void *ud;
  int stop;
  unsigned long cand_line;
  size_t cand_off;
} S_csv;

static void S_csv_field(void *f, size_t len, void *ud) {
  S_csv *st = ud;
  if (st->stop) return;
  if (st->row.n == st->fcap) {
    st->fcap = st->fcap ? st->fcap * 2 : 16;
    st->row.f = sectag_xrealloc(st->row.f, st->fcap * sizeof *st->row.f);
    st->row.len = sectag_xrealloc(st->row.len, st->fcap * sizeof *st->row.len);
  }
  st->row.f[st->row.n] = sectag_xstrndup(f ? (const char *)f : "", len);
  st->row.len[st->row.n++] = len;
}

static void S_csv_row_clear(S_csv *st) {
  for (size_t i = 0; i < st->row.n; i++) free(st->row.f[i]);
  st->row.n = 0;
}

static void S_csv_row(int term, void *ud) {
  (void)term;
  S_csv *st = ud;
  st->row.line = st->cand_line;
  st->row.off = st->cand_off;
  if (!st->stop && st->fn(st->ud, &st->row)) st->stop = 1;
  S_csv_row_clear(st);
}

void sectag_csv_locate(const char *data, size_t len, size_t off, unsigned long line, size_t k,
                         unsigned long *l, unsigned long *col) {
  size_t start = off, i = off, field = 0;
  int q = 0;
  while (i < len && field < k) {
    char ch = data[i];
    if (ch == '"')
      q = !q;
    else if (!q && ch == ',')
      field++;
    else if (ch == '\n') {
      if (!q) break;
      line++;
      start = i + 1;
    }
    i++;
  }
  *l = line;
  *col = (unsigned long)(i - start) + 1;
}

int sectag_csv_read(const char *data, size_t len, const char *path, sectag_csv_row_fn fn, void *ud,
                       sectag_error *err) {
  S_csv st;
  memset(&st, 0, sizeof st);
  st.fn = fn;
  st.ud = ud;
  struct csv_parser p;
  if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
    sectag_error_set(err, SECTAG_ERR_INPUT, path, 0, 0, "cannot start the CSV parser");
    return -1;
  }
  int rc = 0;
  size_t off = 0;
  unsigned long line = 0;
  int quoted = 0;
  while (off < len && !st.stop) {
    line++;
    const char *nl = memchr(data + off, '\n', len - off);
    size_t n = nl ? (size_t)(nl - (data + off)) + 1 : len - off;
    if (!quoted) {
      st.cand_line = line;
      st.cand_off = off;
    }
    size_t done = csv_parse(&p, data + off, n, S_csv_field, S_csv_row, &st);
    if (done < n && !st.stop) {
      sectag_error_set(err, SECTAG_ERR_INPUT, path, line, (unsigned long)done + 1,
                       "the CSV does not parse here: a field that holds a quote, comma or line "
                       "break must be in double quotes, with each quote inside written twice "
                       "(\"\")");
      rc = -1;
      break;
    }
    for (size_t k = 0; k < n; k++)
      if (data[off + k] == '"') quoted = !quoted;
    off += n;
  }
  if (rc == 0 && !st.stop && csv_fini(&p, S_csv_field, S_csv_row, &st) != 0) {
    /* an unclosed quote: point at the quote that opened the last field */
    size_t open = st.cand_off;
    int q = 0;
    for (size_t i = st.cand_off; i < len; i++)
      if (data[i] == '"') {
        if (!q) open = i;
        q = !q;
      }
    unsigned long l, col;
    sectag_line_col(data, open, &l, &col);
    sectag_error_set(err, SECTAG_ERR_INPUT, path, l, col,
                     "this quoted field is never closed (a '\"' is missing), so the rest of "
                     "the file would be one field; close the quote");
    rc = -1;
  }
  if (st.stop && rc == 0) rc = 1;
  csv_free(&p);
  S_csv_row_clear(&st);
  free(st.row.f);
  free(st.row.len);
  return rc;
}


/* ------------------------------------------------------------ tables */

typedef struct {
  sectag_table *t;
  size_t cap;
  int header;
  const char *path;
  sectag_error *err;
} S_load;

static int S_table_row(void *ud, const sectag_csv_row *r) {
  S_load *ld = ud;
  sectag_table *t = ld->t;
  if (!ld->header) {
    t->ncols = r->n;
    t->cols = sectag_xcalloc(r->n + 1, sizeof *t->cols);
    for (size_t i = 0; i < r->n; i++) t->cols[i] = sectag_xstrdup(r->f[i]);
    ld->header = 1;
    return 0;
  }
  if (r->n > t->ncols) {
    sectag_error_set(ld->err, SECTAG_ERR_INPUT, ld->path, r->line, 0,
                     "row has %zu fields, the header has %zu; this is not a table sectag "
                     "wrote, or it was edited",
                     r->n, t->ncols);
    return 1;
  }
  if (t->nrows == ld->cap) {
    ld->cap = ld->cap ? ld->cap * 2 : 1024;
    t->cells = sectag_xrealloc(t->cells, ld->cap * t->ncols * sizeof *t->cells);
    t->lines = sectag_xrealloc(t->lines, ld->cap * sizeof *t->lines);
  }
  char **row = t->cells + t->nrows * t->ncols;
  for (size_t i = 0; i < t->ncols; i++) row[i] = sectag_xstrdup(i < r->n ? r->f[i] : "");
  t->lines[t->nrows++] = r->line;
  return 0;
}

int sectag_csv_read_file(const char *path, sectag_csv_row_fn fn, void *ud, sectag_error *err) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    sectag_error_set(err, SECTAG_ERR_USAGE, path, 0, 0, "cannot read: %s", strerror(errno));
    return -1;
  }
  sectag_buf data = SECTAG_BUF_INIT;
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) sectag_buf_put(&data, chunk, n);
  int failed = ferror(f);
  fclose(f);
  if (failed) {
    sectag_error_set(err, SECTAG_ERR_USAGE, path, 0, 0, "cannot read: %s", strerror(errno));
    sectag_buf_free(&data);
    return -1;
  }
  size_t bom = data.len >= 3 && memcmp(data.ptr, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
  int rc = sectag_csv_read(data.ptr ? data.ptr + bom : "", data.len - bom, path, fn, ud, err);
  sectag_buf_free(&data);
  return rc;
}

int sectag_table_load(sectag_table *t, const char *path, sectag_error *err) {
  memset(t, 0, sizeof *t);
  t->path = sectag_xstrdup(path);
  S_load ld = {t, 0, 0, path, err};
  if (sectag_csv_read_file(path, S_table_row, &ld, err) != 0)
    return -1; /* 1: a row was refused, err is set */
  if (!ld.header) {
    sectag_error_set(err, SECTAG_ERR_INPUT, path, 0, 0, "the table is empty (no header row)");
    return -1;
  }
  return 0;
}

void sectag_table_free(sectag_table *t) {
  if (!t) return;
  for (size_t i = 0; i < t->ncols; i++) free(t->cols[i]);
  for (size_t i = 0; i < t->nrows * t->ncols; i++) free(t->cells[i]);
  free(t->cols);
  free(t->cells);
  free(t->lines);
  free(t->path);
  memset(t, 0, sizeof *t);
}

long sectag_table_col(const sectag_table *t, const char *name) {
  for (size_t i = 0; i < t->ncols; i++)
    if (strcmp(t->cols[i], name) == 0) return (long)i;
  return -1;
}

const char *sectag_table_get(const sectag_table *t, size_t row, long col) {
  if (col < 0 || (size_t)col >= t->ncols || row >= t->nrows) return "";
  return t->cells[row * t->ncols + (size_t)col];
}
