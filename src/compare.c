/* compare.c: `sectag compare` without the printing. Reads the count tables
 * of one or more OUTDIRs, groups their rows by a column, sums, and builds
 * a result table of strings (frequencies, balance or keyness); see
 * compare.h. The statistics are in stats.c.
 *
 * The small tables (codes, documents, speakers) are loaded with
 * sectag_table_load; terms.csv and matches.csv, which grow with the corpus,
 * are streamed a row at a time. Rows are folded into sums keyed by (group,
 * feature) and every output is sorted with a total order, so nothing
 * depends on row order: shards compared together give the bytes of one
 * run. */
#include "compare.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <utf8proc.h>

#include "buf.h"
#include "csvread.h"
#include "document.h"
#include "error.h"
#include "stats.h"

/* ------------------------------------------------------------ hash maps */


/* Interned strings: each distinct byte string gets the next id. Keys are
 * owned copies; `val` is one pointer of payload per id. */
typedef struct {
  char **s;
  size_t *len;
  const char **val;
  size_t n, ncap;
  size_t *slot; /* id + 1, 0 = empty */
  size_t cap;
} S_strmap;

static void S_strmap_free(S_strmap *m) {
  for (size_t i = 0; i < m->n; i++) free(m->s[i]);
  free(m->s);
  free(m->len);
  free(m->val);
  free(m->slot);
  memset(m, 0, sizeof *m);
}

static long S_find(const S_strmap *m, const char *s, size_t n) {
  if (!m->cap) return -1;
  size_t h = (size_t)sectag_hash(s, n) & (m->cap - 1);
  while (m->slot[h]) {
    size_t id = m->slot[h] - 1;
    if (m->len[id] == n && memcmp(m->s[id], s, n) == 0) return (long)id;
    h = (h + 1) & (m->cap - 1);
  }
  return -1;
}

static void S_rehash(S_strmap *m, size_t cap) {
  free(m->slot);
  m->slot = sectag_xcalloc(cap, sizeof *m->slot);
  m->cap = cap;
  for (size_t id = 0; id < m->n; id++) {
    size_t h = (size_t)sectag_hash(m->s[id], m->len[id]) & (cap - 1);
    while (m->slot[h]) h = (h + 1) & (cap - 1);
    m->slot[h] = id + 1;
  }
}

/* Returns the id of s, adding it if new (*added = 1). */
static size_t S_intern(S_strmap *m, const char *s, size_t n, int *added) {
  long id = S_find(m, s, n);
  if (added) *added = id < 0;
  if (id >= 0) return (size_t)id;
  if ((m->n + 1) * 2 > m->cap) S_rehash(m, m->cap ? m->cap * 2 : 64);
  if (m->n == m->ncap) {
    m->ncap = m->ncap ? m->ncap * 2 : 64;
    m->s = sectag_xrealloc(m->s, m->ncap * sizeof *m->s);
    m->len = sectag_xrealloc(m->len, m->ncap * sizeof *m->len);
    m->val = sectag_xrealloc(m->val, m->ncap * sizeof *m->val);
  }
  size_t nid = m->n++;
  m->s[nid] = sectag_xstrndup(s, n);
  m->len[nid] = n;
  m->val[nid] = NULL;
  size_t h = (size_t)sectag_hash(s, n) & (m->cap - 1);
  while (m->slot[h]) h = (h + 1) & (m->cap - 1);
  m->slot[h] = nid + 1;
  return nid;
}

/* uint64 keys -> size_t values (SIZE_MAX marks an empty slot). */
typedef struct {
  uint64_t *key;
  size_t *val;
  size_t n, cap;
} S_u64map;

static uint64_t S_mix(uint64_t x) { /* splitmix64 finalizer */
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

static void S_u64map_free(S_u64map *m) {
  free(m->key);
  free(m->val);
  memset(m, 0, sizeof *m);
}

static size_t *S_u64_slot(S_u64map *m, uint64_t k, int *added) {
  if ((m->n + 1) * 2 > m->cap) {
    size_t ocap = m->cap, ncap = m->cap ? m->cap * 2 : 256;
    uint64_t *okey = m->key;
    size_t *oval = m->val;
    m->key = sectag_xmalloc(ncap * sizeof *m->key);
    m->val = sectag_xmalloc(ncap * sizeof *m->val);
    for (size_t i = 0; i < ncap; i++) m->val[i] = SIZE_MAX;
    m->cap = ncap;
    for (size_t i = 0; i < ocap; i++)
      if (oval[i] != SIZE_MAX) {
        size_t h = (size_t)S_mix(okey[i]) & (ncap - 1);
        while (m->val[h] != SIZE_MAX) h = (h + 1) & (ncap - 1);
        m->key[h] = okey[i];
        m->val[h] = oval[i];
      }
    free(okey);
    free(oval);
  }
  size_t h = (size_t)S_mix(k) & (m->cap - 1);
  while (m->val[h] != SIZE_MAX && m->key[h] != k) h = (h + 1) & (m->cap - 1);
  *added = m->val[h] == SIZE_MAX;
  if (*added) {
    m->key[h] = k;
    m->val[h] = 0;
    m->n++;
  }
  return &m->val[h];
}

/* ------------------------------------------------------------ the state */

enum { T_CODES, T_TERMS, T_MATCHES, T_DOCUMENTS, T_SPEAKERS, T_COUNT };
static const char *const S_files[T_COUNT] = {"codes.csv", "terms.csv", "matches.csv",
                                             "documents.csv", "speakers.csv"};
/* The columns each table adds after doc_id,date,group,speaker,META: they
 * are not grouping columns. */
static const char *const S_codes_tail[] = {"code", "polarity", "matches", "tokens", "per_10k",
                                           NULL};

enum { BY_COLUMN, BY_YEAR, BY_MONTH, BY_ROLE };
enum { K_CODE = 0, K_TERM = 1 };

typedef struct {
  uint32_t g, f;
  uint64_t freq, docfreq;
} S_cell;

typedef struct {
  const sectag_compare_options *opt;
  const char *by;
  int by_kind;
  sectag_table *documents;    /* per OUTDIR, kept: dates */
  sectag_table *speakers;     /* per OUTDIR, kept: roles */
  sectag_table *codes;        /* per OUTDIR, kept */
  size_t nout;

  S_strmap docmap;   /* doc_id -> doc */
  size_t *doc_out;   /* per doc: OUTDIR index */
  unsigned long *doc_line;
  S_strmap roles;    /* "doc_id\x1fspeaker" -> val: role */
  S_strmap pol;      /* code -> val: polarity name */
  size_t *pol_out;   /* per code: where first seen (OUTDIR, line) */
  unsigned long *pol_line;
  S_strmap stop;     /* stopwords, normalized */

  S_strmap groups;
  uint64_t *tokens, *sec, *desec; /* per group */
  size_t gcap;
  S_strmap feats;    /* kind byte + name */
  S_cell *cells;
  size_t ncells, cellcap;
  S_u64map cellmap;  /* g << 32 | f -> cell */
  S_u64map docset;   /* cell << 32 | doc */
  size_t undated, ndocs_total;
  sectag_buf key;
  size_t *order, *rank; /* groups in display order, and each group's place */
  int periods;          /* --by year or month */
} S_ctx;

static void S_ctx_free(S_ctx *c) {
  for (size_t i = 0; i < c->nout; i++) {
    sectag_table_free(&c->documents[i]);
    sectag_table_free(&c->speakers[i]);
    sectag_table_free(&c->codes[i]);
  }
  free(c->documents);
  free(c->speakers);
  free(c->codes);
  S_strmap_free(&c->docmap);
  free(c->doc_out);
  free(c->doc_line);
  S_strmap_free(&c->roles);
  S_strmap_free(&c->pol);
  free(c->pol_out);
  free(c->pol_line);
  S_strmap_free(&c->stop);
  S_strmap_free(&c->groups);
  free(c->tokens);
  free(c->sec);
  free(c->desec);
  S_strmap_free(&c->feats);
  free(c->cells);
  S_u64map_free(&c->cellmap);
  S_u64map_free(&c->docset);
  sectag_buf_free(&c->key);
  free(c->order);
  free(c->rank);
}

static size_t S_group(S_ctx *c, const char *s, size_t n) {
  size_t g = S_intern(&c->groups, s, n, NULL);
  if (g >= c->gcap) {
    size_t ncap = c->gcap ? c->gcap * 2 : 16;
    c->tokens = sectag_xrealloc(c->tokens, ncap * sizeof *c->tokens);
    c->sec = sectag_xrealloc(c->sec, ncap * sizeof *c->sec);
    c->desec = sectag_xrealloc(c->desec, ncap * sizeof *c->desec);
    memset(c->tokens + c->gcap, 0, (ncap - c->gcap) * sizeof *c->tokens);
    memset(c->sec + c->gcap, 0, (ncap - c->gcap) * sizeof *c->sec);
    memset(c->desec + c->gcap, 0, (ncap - c->gcap) * sizeof *c->desec);
    c->gcap = ncap;
  }
  return g;
}

static S_cell *S_cell_of(S_ctx *c, size_t g, size_t f) {
  int added;
  size_t *slot = S_u64_slot(&c->cellmap, (uint64_t)g << 32 | (uint64_t)f, &added);
  if (added) {
    if (c->ncells == c->cellcap) {
      c->cellcap = c->cellcap ? c->cellcap * 2 : 1024;
      c->cells = sectag_xrealloc(c->cells, c->cellcap * sizeof *c->cells);
    }
    *slot = c->ncells;
    S_cell *cl = &c->cells[c->ncells++];
    cl->g = (uint32_t)g;
    cl->f = (uint32_t)f;
    cl->freq = cl->docfreq = 0;
  }
  return &c->cells[*slot];
}

/* Adds freq occurrences of feature (kind, name) in group g, document doc. */
static void S_add(S_ctx *c, size_t g, int kind, const char *name, size_t doc, uint64_t freq) {
  sectag_buf_clear(&c->key);
  sectag_buf_putc(&c->key, kind == K_CODE ? 'c' : 't');
  sectag_buf_puts(&c->key, name);
  size_t f = S_intern(&c->feats, c->key.ptr, c->key.len, NULL);
  S_cell *cl = S_cell_of(c, g, f);
  size_t ci = (size_t)(cl - c->cells);
  cl->freq += freq;
  if (freq > 0) {
    int added;
    S_u64_slot(&c->docset, (uint64_t)ci << 32 | (uint64_t)doc, &added);
    if (added) c->cells[ci].docfreq++;
  }
}

/* ------------------------------------------------------------ reading */

/* One row of a table, from a table in memory or streamed from the file
 * (terms.csv and matches.csv are large: they are never held whole). */
typedef struct {
  const char *path;
  char *const *cols;
  size_t ncols;
  char *const *f;
  size_t nf;
  unsigned long line;
} S_view;

static const char *S_get(const S_view *v, long col) {
  return col < 0 || (size_t)col >= v->nf ? "" : v->f[col];
}

static long S_col(char *const *cols, size_t ncols, const char *name) {
  for (size_t i = 0; i < ncols; i++)
    if (strcmp(cols[i], name) == 0) return (long)i;
  return -1;
}

/* Row r of a table in memory. */
static void S_view_of(const sectag_table *t, size_t r, S_view *v) {
  v->path = t->path;
  v->cols = t->cols;
  v->ncols = t->ncols;
  v->f = t->cells + r * t->ncols;
  v->nf = t->ncols;
  v->line = t->lines[r];
}

static int S_count(const S_view *v, long col, uint64_t *out, sectag_error *err) {
  const char *s = S_get(v, col);
  uint64_t x = 0;
  const char *p = s;
  for (; *p >= '0' && *p <= '9'; p++) {
    if (x > (UINT64_MAX - 9) / 10) break;
    x = x * 10 + (uint64_t)(*p - '0');
  }
  if (p == s || *p) {
    sectag_error_set(err, SECTAG_ERR_INPUT, v->path, v->line, 0,
                     "column '%s' holds '%s', not a count; the table is not as sectag code "
                     "writes it: run sectag code again",
                     v->cols[col], s);
    return -1;
  }
  *out = x;
  return 0;
}

static long S_require(const char *path, char *const *cols, size_t ncols, const char *name,
                      sectag_error *err) {
  long k = S_col(cols, ncols, name);
  if (k < 0)
    sectag_error_set(err, SECTAG_ERR_INPUT, path, 1, 0,
                     "the table has no column '%s'; it is not as sectag code writes it: run "
                     "sectag code again",
                     name);
  return k;
}
#define S_REQUIRE(t, name, err) S_require((t)->path, (t)->cols, (t)->ncols, name, err)

/* A document's date gives a year (YYYY...) or a month (YYYY-MM...). */
static int S_digits(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return 0;
  return 1;
}
static size_t S_period_len(const char *date, int by_kind) {
  size_t n = strlen(date);
  if (by_kind == BY_YEAR) return n >= 4 && S_digits(date, 4) ? 4 : 0;
  if (n >= 7 && S_digits(date, 4) && date[4] == '-' && S_digits(date + 5, 2) &&
      !(date[5] == '0' && date[6] == '0') && (date[5] == '0' || (date[5] == '1' && date[6] <= '2')))
    return 7;
  return 0;
}

/* The column indexes a table needs for grouping. */
typedef struct {
  long doc, by, date, speaker;
} S_cols;

static void S_cols_of(const S_ctx *c, char *const *cols, size_t ncols, S_cols *k) {
  k->doc = S_col(cols, ncols, "doc_id");
  k->by = c->by_kind == BY_COLUMN ? S_col(cols, ncols, c->by) : -1;
  k->date = S_col(cols, ncols, "date");
  k->speaker = S_col(cols, ncols, "speaker");
}

/* The document and group of a row. Returns 1 when the row is left out (no
 * period), 0, or -1 with err (an unknown doc_id). */
static int S_row(S_ctx *c, const S_view *v, size_t out, const S_cols *k, size_t *doc, size_t *g,
                 sectag_error *err) {
  const char *id = S_get(v, k->doc);
  long d = S_find(&c->docmap, id, strlen(id));
  if (d < 0 || c->doc_out[d] != out) {
    sectag_error_set(err, SECTAG_ERR_INPUT, v->path, v->line, 0,
                     "doc_id '%s' is not in %s; the tables of this OUTDIR do not belong "
                     "together: run sectag code again",
                     id, c->documents[out].path);
    return -1;
  }
  *doc = (size_t)d;
  const char *val;
  size_t n;
  if (c->by_kind == BY_YEAR || c->by_kind == BY_MONTH) {
    val = S_get(v, k->date);
    n = S_period_len(val, c->by_kind);
    if (!n) return 1;
  } else if (c->by_kind == BY_ROLE) {
    sectag_buf_clear(&c->key);
    sectag_buf_puts(&c->key, id);
    sectag_buf_putc(&c->key, '\x1f');
    sectag_buf_puts(&c->key, S_get(v, k->speaker));
    long r = S_find(&c->roles, c->key.ptr, c->key.len);
    val = r >= 0 ? c->roles.val[r] : "";
    n = strlen(val);
  } else {
    val = S_get(v, k->by);
    n = strlen(val);
  }
  if (n == 0) {
    sectag_buf_clear(&c->key);
    sectag_buf_printf(&c->key, "(no %s)", c->by);
    *g = S_group(c, c->key.ptr, c->key.len);
  } else {
    *g = S_group(c, val, n);
  }
  return 0;
}

static char *S_path(const char *dir, int which) {
  sectag_buf p = SECTAG_BUF_INIT;
  sectag_buf_puts(&p, dir);
  if (p.len && p.ptr[p.len - 1] != '/') sectag_buf_putc(&p, '/');
  sectag_buf_puts(&p, S_files[which]);
  return sectag_buf_detach(&p);
}

static int S_load(sectag_table *t, const char *dir, int which, sectag_error *err) {
  char *path = S_path(dir, which);
  int rc = sectag_table_load(t, path, err);
  free(path);
  return rc;
}

/* documents.csv: register every doc_id; a doc_id in two OUTDIRs is an error. */
static int S_read_documents(S_ctx *c, size_t out, sectag_error *err) {
  const sectag_table *t = &c->documents[out];
  long kid = S_REQUIRE(t, "doc_id", err);
  if (kid < 0) return -1;
  long kdate = sectag_table_col(t, "date");
  for (size_t r = 0; r < t->nrows; r++) {
    const char *id = sectag_table_get(t, r, kid);
    int added;
    size_t d = S_intern(&c->docmap, id, strlen(id), &added);
    if (!added) {
      size_t o = c->doc_out[d];
      if (o == out)
        sectag_error_set(err, SECTAG_ERR_INPUT, t->path, t->lines[r], 0,
                         "doc_id '%s' is listed twice (lines %lu and %lu); run sectag code "
                         "again",
                         id, c->doc_line[d], t->lines[r]);
      else
        sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0,
                         "doc_id '%s' is in two OUTDIRs: %s:%lu and %s:%lu; a document may be "
                         "counted only once, so leave one OUTDIR out or code the document "
                         "once",
                         id, c->documents[o].path, c->doc_line[d], t->path, t->lines[r]);
      return -1;
    }
    if ((d & (d + 1)) == 0) { /* grow at powers of two */
      size_t cap = (d + 1) * 2;
      c->doc_out = sectag_xrealloc(c->doc_out, cap * sizeof *c->doc_out);
      c->doc_line = sectag_xrealloc(c->doc_line, cap * sizeof *c->doc_line);
    }
    c->doc_out[d] = out;
    c->doc_line[d] = t->lines[r];
    c->ndocs_total++;
    if ((c->by_kind == BY_YEAR || c->by_kind == BY_MONTH) &&
        !S_period_len(sectag_table_get(t, r, kdate), c->by_kind))
      c->undated++;
  }
  return 0;
}

static int S_read_speakers(S_ctx *c, size_t out, sectag_error *err) {
  const sectag_table *t = &c->speakers[out];
  long kid = S_REQUIRE(t, "doc_id", err), ksp = kid < 0 ? -1 : S_REQUIRE(t, "speaker", err),
       krole = ksp < 0 ? -1 : S_REQUIRE(t, "role", err);
  if (krole < 0) return -1;
  for (size_t r = 0; r < t->nrows; r++) {
    sectag_buf_clear(&c->key);
    sectag_buf_puts(&c->key, sectag_table_get(t, r, kid));
    sectag_buf_putc(&c->key, '\x1f');
    sectag_buf_puts(&c->key, sectag_table_get(t, r, ksp));
    size_t id = S_intern(&c->roles, c->key.ptr, c->key.len, NULL);
    c->roles.val[id] = sectag_table_get(t, r, krole);
  }
  return 0;
}

/* codes.csv: the polarity of every code, and code frequencies. */
static int S_read_codes(S_ctx *c, size_t out, int count, sectag_error *err) {
  const sectag_table *t = &c->codes[out];
  long kcode = S_REQUIRE(t, "code", err), kpol = kcode < 0 ? -1 : S_REQUIRE(t, "polarity", err),
       kn = kpol < 0 ? -1 : S_REQUIRE(t, "matches", err);
  if (kn < 0 || S_REQUIRE(t, "doc_id", err) < 0) return -1;
  S_cols k;
  S_cols_of(c, t->cols, t->ncols, &k);
  for (size_t r = 0; r < t->nrows; r++) {
    S_view v;
    S_view_of(t, r, &v);
    const char *code = S_get(&v, kcode), *pol = S_get(&v, kpol);
    int added;
    size_t id = S_intern(&c->pol, code, strlen(code), &added);
    if (added) {
      if ((id & (id + 1)) == 0) {
        c->pol_out = sectag_xrealloc(c->pol_out, (id + 1) * 2 * sizeof *c->pol_out);
        c->pol_line = sectag_xrealloc(c->pol_line, (id + 1) * 2 * sizeof *c->pol_line);
      }
      c->pol.val[id] = pol;
      c->pol_out[id] = out;
      c->pol_line[id] = v.line;
    } else if (strcmp(c->pol.val[id], pol) != 0) {
      sectag_error_set(err, SECTAG_ERR_INPUT, t->path, v.line, 0,
                       "code '%s' is %s here but %s in %s:%lu; the OUTDIRs were coded with "
                       "different codebooks",
                       code, pol, c->pol.val[id], c->codes[c->pol_out[id]].path,
                       c->pol_line[id]);
      return -1;
    }
    if (!count) continue;
    uint64_t n;
    if (S_count(&v, kn, &n, err) != 0) return -1;
    size_t doc, g;
    int rc = S_row(c, &v, out, &k, &doc, &g, err);
    if (rc < 0) return -1;
    if (rc == 0) S_add(c, g, K_CODE, code, doc, n);
  }
  return 0;
}

/* terms.csv and matches.csv, a row at a time. */
typedef struct {
  S_ctx *c;
  size_t out;
  int which, count;
  const char *path;
  char **cols;
  size_t ncols;
  int header;
  S_cols k;
  long kfeat, kn; /* term and frequency, or code */
  sectag_error *err;
} S_stream;

static int S_term_row(S_stream *s, const S_view *v) {
  S_ctx *c = s->c;
  uint64_t n;
  if (S_count(v, s->kn, &n, s->err) != 0) return -1;
  size_t doc, g;
  int rc = S_row(c, v, s->out, &s->k, &doc, &g, s->err);
  if (rc) return rc < 0 ? -1 : 0;
  c->tokens[g] += n;
  const char *term = S_get(v, s->kfeat);
  if (!s->count || (c->stop.n && S_find(&c->stop, term, strlen(term)) >= 0)) return 0;
  S_add(c, g, K_TERM, term, doc, n);
  return 0;
}

static int S_match_row(S_stream *s, const S_view *v) {
  S_ctx *c = s->c;
  size_t doc, g;
  int rc = S_row(c, v, s->out, &s->k, &doc, &g, s->err);
  if (rc) return rc < 0 ? -1 : 0;
  const char *code = S_get(v, s->kfeat);
  long id = S_find(&c->pol, code, strlen(code));
  if (id < 0) {
    sectag_error_set(s->err, SECTAG_ERR_INPUT, v->path, v->line, 0,
                     "code '%s' has no row in codes.csv, so its polarity is unknown; the "
                     "tables of this OUTDIR do not belong together: run sectag code again",
                     code);
    return -1;
  }
  if (strcmp(c->pol.val[id], "securitizing") == 0)
    c->sec[g]++;
  else if (strcmp(c->pol.val[id], "desecuritizing") == 0)
    c->desec[g]++;
  return 0;
}

static int S_stream_row(void *ud, const sectag_csv_row *r) {
  S_stream *s = ud;
  if (!s->header) {
    s->header = 1;
    s->ncols = r->n;
    s->cols = sectag_xcalloc(r->n + 1, sizeof *s->cols);
    for (size_t i = 0; i < r->n; i++) s->cols[i] = sectag_xstrdup(r->f[i]);
    int terms = s->which == T_TERMS;
    s->kfeat = S_require(s->path, s->cols, s->ncols, terms ? "term" : "code", s->err);
    s->kn = s->kfeat < 0 || !terms ? s->kfeat
                                    : S_require(s->path, s->cols, s->ncols, "frequency", s->err);
    if (s->kn < 0 || S_require(s->path, s->cols, s->ncols, "doc_id", s->err) < 0) return 1;
    S_cols_of(s->c, s->cols, s->ncols, &s->k);
    return 0;
  }
  if (r->n > s->ncols) { /* as sectag_table_load says it */
    sectag_error_set(s->err, SECTAG_ERR_INPUT, s->path, r->line, 0,
                     "row has %zu fields, the header has %zu; this is not a table sectag "
                     "wrote, or it was edited",
                     r->n, s->ncols);
    return 1;
  }
  S_view v = {s->path, s->cols, s->ncols, r->f, r->n, r->line};
  return (s->which == T_TERMS ? S_term_row(s, &v) : S_match_row(s, &v)) != 0;
}

static int S_read_stream(S_ctx *c, size_t out, int which, int count, sectag_error *err) {
  char *path = S_path(c->opt->outdirs[out], which);
  S_stream s = {c, out, which, count, path, NULL, 0, 0, {0, 0, 0, 0}, -1, -1, err};
  int rc = -1;
  if (sectag_csv_read_file(path, S_stream_row, &s, err) != 0) goto done;
  if (!s.header) {
    sectag_error_set(err, SECTAG_ERR_INPUT, path, 0, 0, "the table is empty (no header row)");
    goto done;
  }
  rc = 0;
done:
  for (size_t i = 0; i < s.ncols; i++) free(s.cols[i]);
  free(s.cols);
  free(path);
  return rc;
}

/* ------------------------------------------------------------ stopwords */

static void S_stop_add(S_ctx *c, const char *w, size_t n) {
  sectag_buf a = SECTAG_BUF_INIT, b = SECTAG_BUF_INIT;
  /* the tokenizer writes ’ as ' in the shadow text */
  for (size_t i = 0; i < n; i++) {
    if (n - i >= 3 && memcmp(w + i, "\xE2\x80\x99", 3) == 0) {
      sectag_buf_putc(&a, '\'');
      i += 2;
    } else {
      sectag_buf_putc(&a, w[i]);
    }
  }
  sectag_normalize(a.ptr, a.len, 1, 0, &b);
  S_intern(&c->stop, b.ptr, b.len, NULL);
  sectag_buf_clear(&b);
  sectag_normalize(a.ptr, a.len, 1, 1, &b);
  S_intern(&c->stop, b.ptr, b.len, NULL);
  sectag_buf_free(&a);
  sectag_buf_free(&b);
}

static int S_read_stopwords(S_ctx *c, const char *path, sectag_error *err) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    sectag_error_set(err, SECTAG_ERR_USAGE, path, 0, 0,
                     "cannot read the stopword list: %s; give es, en or a file with one word "
                     "per line",
                     strerror(errno));
    return -1;
  }
  char *line = NULL;
  size_t cap = 0;
  ssize_t got;
  unsigned long ln = 0;
  int rc = 0;
  while (rc == 0 && (got = getline(&line, &cap, f)) >= 0) {
    ln++;
    size_t n = (size_t)got;
    char *hash = memchr(line, '#', n);
    if (hash) n = (size_t)(hash - line);
    size_t a = 0;
    if (ln == 1 && n >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) a = 3;
    while (a < n && (line[a] == ' ' || line[a] == '\t' || line[a] == '\r' || line[a] == '\n'))
      a++;
    while (n > a && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r' ||
                     line[n - 1] == '\n'))
      n--;
    if (n == a) continue;
    for (size_t i = a; i < n;) {
      utf8proc_int32_t cp;
      utf8proc_ssize_t k =
          utf8proc_iterate((const utf8proc_uint8_t *)line + i, (utf8proc_ssize_t)(n - i), &cp);
      if (k <= 0 || cp == 0) {
        sectag_error_set(err, SECTAG_ERR_INPUT, path, ln, i + 1,
                         "the stopword list is not UTF-8 text; convert it with iconv");
        rc = -1;
        break;
      }
      if (cp == ' ' || cp == '\t') {
        sectag_error_set(err, SECTAG_ERR_INPUT, path, ln, i + 1,
                         "'%.*s' is more than one word; write one word per line", (int)(n - a),
                         line + a);
        rc = -1;
        break;
      }
      i += (size_t)k;
    }
    if (rc == 0) S_stop_add(c, line + a, n - a);
  }
  if (rc == 0 && ferror(f)) {
    sectag_error_set(err, SECTAG_ERR_USAGE, path, 0, 0, "cannot read the stopword list: %s",
                     strerror(errno));
    rc = -1;
  }
  free(line);
  fclose(f);
  return rc;
}

static int S_is_name(const char *s) {
  if (!*s) return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '-' || *s == '_'))
      return 0;
  return 1;
}

static int S_cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

char *sectag_stopwords_path(const char *arg, const char *const *dirs, size_t ndirs,
                            sectag_error *err) {
  struct stat st;
  /* a list's name (es, en) first: a stray file "es" in the working folder
   * must not stand in for the shipped list */
  sectag_buf p = SECTAG_BUF_INIT;
  for (size_t i = 0; S_is_name(arg) && i < ndirs; i++) {
    sectag_buf_clear(&p);
    sectag_buf_printf(&p, "%s/%s.txt", dirs[i], arg);
    if (stat(p.ptr, &st) == 0 && S_ISREG(st.st_mode)) return sectag_buf_detach(&p);
  }
  sectag_buf_free(&p);
  if (stat(arg, &st) == 0 && S_ISREG(st.st_mode)) return sectag_xstrdup(arg);
  if (!S_is_name(arg)) return sectag_xstrdup(arg); /* a path: reading it says what is wrong */
  /* the lists there are */
  char **names = NULL;
  size_t n = 0, cap = 0;
  for (size_t i = 0; i < ndirs; i++) {
    DIR *dh = opendir(dirs[i]);
    if (!dh) continue;
    struct dirent *e;
    while ((e = readdir(dh))) {
      size_t len = strlen(e->d_name);
      if (len <= 4 || strcmp(e->d_name + len - 4, ".txt") != 0 || e->d_name[0] == '.') continue;
      char *nm = sectag_xstrndup(e->d_name, len - 4);
      int dup = 0;
      for (size_t j = 0; j < n && !dup; j++) dup = strcmp(names[j], nm) == 0;
      if (dup || !S_is_name(nm)) {
        free(nm);
        continue;
      }
      if (n == cap) {
        cap = cap ? cap * 2 : 8;
        names = sectag_xrealloc(names, cap * sizeof *names);
      }
      names[n++] = nm;
    }
    closedir(dh);
  }
  sectag_sort(names, n, sizeof *names, S_cmp_str);
  sectag_buf l = SECTAG_BUF_INIT;
  for (size_t i = 0; i < n; i++) {
    sectag_buf_puts(&l, names[i]);
    sectag_buf_puts(&l, i + 2 < n ? ", " : i + 2 == n ? " or " : "");
    free(names[i]);
  }
  free(names);
  if (n)
    sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0,
                     "unknown --stopwords list '%s': give %s, or a file with one word per line",
                     arg, l.ptr);
  else
    sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0,
                     "unknown --stopwords list '%s': no stopword lists are installed; give a "
                     "file with one word per line",
                     arg);
  sectag_buf_free(&l);
  return NULL;
}

/* ------------------------------------------------------------ results */

/* Rows are built into a flat list; `fill` counts cells. */
typedef struct {
  char **cells;
  size_t fill, cap;
} S_rows;

static void S_cell_put(S_rows *rw, char *s) {
  if (rw->fill == rw->cap) {
    rw->cap = rw->cap ? rw->cap * 2 : 1024;
    rw->cells = sectag_xrealloc(rw->cells, rw->cap * sizeof *rw->cells);
  }
  rw->cells[rw->fill++] = s;
}
static void S_str(S_rows *rw, const char *s) { S_cell_put(rw, sectag_xstrdup(s)); }
static void S_u64(S_rows *rw, uint64_t v) {
  char b[32];
  snprintf(b, sizeof b, "%llu", (unsigned long long)v);
  S_str(rw, b);
}
/* %.4f, NA, Inf; never "-0.0000". */
static void S_num(S_rows *rw, double v, const char *fmt) {
  char b[64];
  if (isnan(v))
    snprintf(b, sizeof b, "NA");
  else if (isinf(v))
    snprintf(b, sizeof b, "%s", v > 0 ? "Inf" : "-Inf");
  else {
    snprintf(b, sizeof b, fmt, v);
    if (b[0] == '-' && strspn(b + 1, "0.") == strlen(b + 1)) memmove(b, b + 1, strlen(b));
  }
  S_str(rw, b);
}
static void S_rate(S_rows *rw, uint64_t n, uint64_t tokens) {
  S_num(rw, tokens ? (double)n * 10000.0 / (double)tokens : NAN, "%.4f");
}

static void S_set_cols(sectag_compare_result *res, const char *cols, const char *numeric) {
  size_t n = 1;
  for (const char *p = cols; *p; p++) n += *p == ',';
  res->ncols = n;
  res->cols = sectag_xcalloc(n, sizeof *res->cols);
  res->numeric = sectag_xcalloc(n, sizeof *res->numeric);
  const char *p = cols;
  for (size_t i = 0; i < n; i++) {
    const char *e = strchr(p, ',');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    res->cols[i] = sectag_xstrndup(p, len);
    res->numeric[i] = numeric[i] == '1';
    p = e ? e + 1 : p + len;
  }
}

const char *sectag_compare_columns(sectag_compare_report r) {
  switch (r) {
  case SECTAG_REPORT_BALANCE:
    return "group,tokens,securitizing,desecuritizing,sec_per_10k,desec_per_10k,sec_share,"
           "share_low,share_high";
  case SECTAG_REPORT_KEYNESS:
    return "feature,kind,f_target,f_reference,n_target,n_reference,G2,p,chi2,log_ratio,"
           "pct_diff";
  default:
    return "group,feature,kind,frequency,docfreq,tokens,per_10k";
  }
}

/* Byte order of two interned strings. */
static int S_bytes_cmp(const char *a, size_t na, const char *b, size_t nb) {
  int r = memcmp(a, b, na < nb ? na : nb);
  if (r) return r;
  return na < nb ? -1 : na > nb;
}

/* Sort records carry what their comparison needs (qsort has no user
 * pointer in C11, and the library keeps no global state). A feature's key
 * is its kind byte ('c' code, 't' term: codes first) and its name. */
typedef struct {
  const char *s;
  size_t len, g;
} S_grec;

static int S_cmp_group(const void *x, const void *y) {
  const S_grec *a = x, *b = y;
  return S_bytes_cmp(a->s, a->len, b->s, b->len);
}

typedef struct {
  size_t rank, cell;
  uint64_t freq;
  const char *key;
  size_t len;
} S_frec;

/* frequencies: group (by rank), kind, frequency descending, feature */
static int S_cmp_freq(const void *x, const void *y) {
  const S_frec *a = x, *b = y;
  if (a->rank != b->rank) return a->rank < b->rank ? -1 : 1;
  if (a->key[0] != b->key[0]) return a->key[0] < b->key[0] ? -1 : 1;
  if (a->freq != b->freq) return a->freq > b->freq ? -1 : 1;
  return S_bytes_cmp(a->key, a->len, b->key, b->len);
}

typedef struct {
  size_t f;
  uint64_t ft, fr;
  double g2;
  const char *key;
  size_t len;
} S_key;

/* keyness: G2 descending (NA last), kind, feature */
static int S_cmp_key(const void *x, const void *y) {
  const S_key *a = x, *b = y;
  int na = isnan(a->g2), nb = isnan(b->g2);
  if (na != nb) return na ? 1 : -1;
  if (!na && a->g2 != b->g2) return a->g2 > b->g2 ? -1 : 1;
  return S_bytes_cmp(a->key, a->len, b->key, b->len);
}

/* Lists the groups (up to 20) for a message. */
static void S_group_list(const S_ctx *c, const size_t *order, size_t ng, sectag_buf *b) {
  for (size_t i = 0; i < ng && i < 20; i++) {
    if (i) sectag_buf_puts(b, ", ");
    sectag_buf_puts(b, c->groups.s[order[i]]);
  }
  if (ng > 20) sectag_buf_printf(b, " and %zu more", ng - 20);
}

/* Fills every year or month between the first and the last group. */
static void S_fill_periods(S_ctx *c) {
  if (c->groups.n == 0) return;
  int lo_y = 99999, lo_m = 0, hi_y = -1, hi_m = 0;
  size_t ng = c->groups.n;
  for (size_t g = 0; g < ng; g++) {
    const char *s = c->groups.s[g];
    int y = atoi(s), m = c->by_kind == BY_MONTH ? atoi(s + 5) : 1;
    if (y < lo_y || (y == lo_y && m < lo_m)) lo_y = y, lo_m = m;
    if (y > hi_y || (y == hi_y && m > hi_m)) hi_y = y, hi_m = m;
  }
  char b[32];
  for (int y = lo_y, m = lo_m; y < hi_y || (y == hi_y && m <= hi_m);) {
    if (c->by_kind == BY_YEAR) {
      snprintf(b, sizeof b, "%04d", y);
      y++;
    } else {
      snprintf(b, sizeof b, "%04d-%02d", y, m);
      if (++m > 12) m = 1, y++;
    }
    S_group(c, b, strlen(b));
  }
}

static int S_find_group(const S_ctx *c, const char *opt, const char *label, const size_t *order,
                        size_t *g, sectag_error *err) {
  long k = S_find(&c->groups, label, strlen(label));
  if (k >= 0) {
    *g = (size_t)k;
    return 0;
  }
  sectag_buf b = SECTAG_BUF_INIT;
  S_group_list(c, order, c->groups.n, &b);
  sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0,
                   "%s '%s' is not a group of --by %s; the groups are: %s", opt, label, c->by,
                   b.ptr);
  sectag_buf_free(&b);
  return -1;
}

static void S_frequencies(S_ctx *c, const size_t *rank, int periods, S_rows *rw) {
  if (periods) { /* every code in every period, zeros included */
    size_t nf = c->feats.n;
    for (size_t f = 0; f < nf; f++)
      if (c->feats.s[f][0] == 'c')
        for (size_t g = 0; g < c->groups.n; g++) S_cell_of(c, g, f);
  }
  S_frec *fr = sectag_xmalloc((c->ncells ? c->ncells : 1) * sizeof *fr);
  for (size_t i = 0; i < c->ncells; i++) {
    const S_cell *cl = &c->cells[i];
    fr[i].rank = rank[cl->g];
    fr[i].cell = i;
    fr[i].freq = cl->freq;
    fr[i].key = c->feats.s[cl->f];
    fr[i].len = c->feats.len[cl->f];
  }
  sectag_sort(fr, c->ncells, sizeof *fr, S_cmp_freq);
  for (size_t i = 0; i < c->ncells; i++) {
    const S_cell *cl = &c->cells[fr[i].cell];
    S_str(rw, c->groups.s[cl->g]);
    S_str(rw, c->feats.s[cl->f] + 1);
    S_str(rw, c->feats.s[cl->f][0] == 'c' ? "code" : "term");
    S_u64(rw, cl->freq);
    S_u64(rw, cl->docfreq);
    S_u64(rw, c->tokens[cl->g]);
    S_rate(rw, cl->freq, c->tokens[cl->g]);
  }
  free(fr);
}

static void S_balance(S_ctx *c, const size_t *order, S_rows *rw) {
  for (size_t i = 0; i < c->groups.n; i++) {
    size_t g = order[i];
    uint64_t s = c->sec[g], d = c->desec[g];
    S_str(rw, c->groups.s[g]);
    S_u64(rw, c->tokens[g]);
    S_u64(rw, s);
    S_u64(rw, d);
    S_rate(rw, s, c->tokens[g]);
    S_rate(rw, d, c->tokens[g]);
    double lo, hi;
    sectag_stats_wilson((double)s, (double)(s + d), SECTAG_Z95, &lo, &hi);
    S_num(rw, s + d ? (double)s / (double)(s + d) : NAN, "%.4f");
    S_num(rw, lo, "%.4f");
    S_num(rw, hi, "%.4f");
  }
}

static int S_keyness(S_ctx *c, const char *target, const size_t *order, S_rows *rw,
                     sectag_error *err) {
  const sectag_compare_options *opt = c->opt;
  size_t tg = 0, rg = SIZE_MAX;
  if (S_find_group(c, "--target", target, order, &tg, err) != 0) return -1;
  if (opt->reference) {
    if (strcmp(opt->reference, target) == 0) {
      sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0,
                       "--reference is the same group as --target ('%s'); give another group, "
                       "or leave --reference out to compare with all other groups together",
                       target);
      return -1;
    }
    if (S_find_group(c, "--reference", opt->reference, order, &rg, err) != 0) return -1;
  }
  uint64_t nt = c->tokens[tg], nr = 0;
  for (size_t g = 0; g < c->groups.n; g++)
    if (g != tg && (rg == SIZE_MAX || g == rg)) nr += c->tokens[g];
  if (nt == 0 || nr == 0) {
    sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0,
                     "the %s ('%s') has no tokens, so there is nothing to compare",
                     nt == 0 ? "target" : "reference",
                     nt == 0 ? target : opt->reference ? opt->reference : "other groups");
    return -1;
  }
  size_t nf = c->feats.n;
  S_key *k = sectag_xcalloc(nf ? nf : 1, sizeof *k);
  for (size_t f = 0; f < nf; f++) {
    k[f].f = f;
    k[f].key = c->feats.s[f];
    k[f].len = c->feats.len[f];
  }
  for (size_t i = 0; i < c->ncells; i++) {
    const S_cell *cl = &c->cells[i];
    if (cl->g == tg)
      k[cl->f].ft += cl->freq;
    else if (rg == SIZE_MAX || cl->g == rg)
      k[cl->f].fr += cl->freq;
  }
  size_t minf = opt->min_freq ? opt->min_freq : 1, w = 0;
  for (size_t f = 0; f < nf; f++) {
    if (k[f].ft + k[f].fr < minf) continue;
    k[f].g2 = sectag_stats_g2((double)k[f].ft, (double)k[f].fr, (double)nt, (double)nr);
    k[w++] = k[f];
  }
  sectag_sort(k, w, sizeof *k, S_cmp_key);
  for (size_t i = 0; i < w; i++) {
    double a = (double)k[i].ft, b = (double)k[i].fr, n1 = (double)nt, n2 = (double)nr;
    S_str(rw, c->feats.s[k[i].f] + 1);
    S_str(rw, c->feats.s[k[i].f][0] == 'c' ? "code" : "term");
    S_u64(rw, k[i].ft);
    S_u64(rw, k[i].fr);
    S_u64(rw, nt);
    S_u64(rw, nr);
    S_num(rw, k[i].g2, "%.4f");
    S_num(rw, sectag_stats_p_chi2_1df(fabs(k[i].g2)), "%.6g");
    S_num(rw, sectag_stats_chi2(a, b, n1, n2), "%.4f");
    S_num(rw, sectag_stats_log_ratio(a, b, n1, n2), "%.4f");
    S_num(rw, sectag_stats_pct_diff(a, b, n1, n2), "%.4f");
  }
  free(k);
  return 0;
}

/* ------------------------------------------------------------ the run */

/* Checks that dir holds the five tables. */
static int S_check_outdir(const char *dir, sectag_error *err) {
  struct stat st;
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
    sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0,
                     "%s is not an OUTDIR of sectag code: %s; run sectag code first", dir,
                     stat(dir, &st) != 0 ? "no such folder" : "it is not a folder");
    return -1;
  }
  sectag_buf p = SECTAG_BUF_INIT;
  for (int i = 0; i < T_COUNT; i++) {
    sectag_buf_clear(&p);
    sectag_buf_printf(&p, "%s/%s", dir, S_files[i]);
    if (stat(p.ptr, &st) != 0) {
      sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0,
                       "%s is not an OUTDIR of sectag code: %s is missing; run sectag code "
                       "first",
                       dir, S_files[i]);
      sectag_buf_free(&p);
      return -1;
    }
  }
  sectag_buf_free(&p);
  return 0;
}

static int S_is_tail(const char *col) {
  for (size_t i = 0; S_codes_tail[i]; i++)
    if (strcmp(col, S_codes_tail[i]) == 0) return 1;
  return 0;
}

/* Resolves --by against the grouping columns of every OUTDIR's codes.csv. */
static int S_resolve_by(S_ctx *c, sectag_error *err) {
  int found = 0;
  S_strmap cols = {0};
  for (size_t o = 0; o < c->nout; o++)
    for (size_t i = 0; i < c->codes[o].ncols; i++) {
      const char *name = c->codes[o].cols[i];
      if (S_is_tail(name)) continue;
      S_intern(&cols, name, strlen(name), NULL);
      if (strcmp(name, c->by) == 0) found = 1;
    }
  static const char *const derived[] = {"year", "month", "role"};
  static const int kinds[] = {BY_YEAR, BY_MONTH, BY_ROLE};
  c->by_kind = BY_COLUMN;
  if (!found) {
    for (int i = 0; i < 3; i++)
      if (strcmp(c->by, derived[i]) == 0) c->by_kind = kinds[i], found = 1;
  }
  if (!found) {
    sectag_buf b = SECTAG_BUF_INIT;
    for (size_t i = 0; i < cols.n; i++) {
      sectag_buf_puts(&b, cols.s[i]);
      sectag_buf_puts(&b, ", ");
    }
    for (int i = 0; i < 3; i++)
      if (S_find(&cols, derived[i], strlen(derived[i])) < 0) {
        sectag_buf_puts(&b, derived[i]);
        sectag_buf_puts(&b, i < 2 ? ", " : "");
      }
    sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0,
                     "--by %s: the tables have no such column; group by one of: %s (the "
                     "column sectag code took with --group-field is called group)",
                     c->by, b.ptr);
    sectag_buf_free(&b);
  }
  S_strmap_free(&cols);
  return found ? 0 : -1;
}

static void S_warn(sectag_compare_result *res, const char *msg) {
  res->warnings = sectag_xrealloc(res->warnings, (res->nwarnings + 1) * sizeof *res->warnings);
  sectag_error *w = &res->warnings[res->nwarnings++];
  memset(w, 0, sizeof *w);
  sectag_error_set(w, SECTAG_WARNING, NULL, 0, 0, "%s", msg);
}

/* Reads the tables of every OUTDIR into c and orders the groups: c->order
 * (display order) and c->rank (its inverse). Warnings go to res. */
static int S_prepare(S_ctx *c, sectag_compare_result *res, sectag_error *err) {
  const sectag_compare_options *opt = c->opt;
  c->nout = opt->noutdirs;
  c->documents = sectag_xcalloc(c->nout, sizeof *c->documents);
  c->speakers = sectag_xcalloc(c->nout, sizeof *c->speakers);
  c->codes = sectag_xcalloc(c->nout, sizeof *c->codes);
  for (size_t o = 0; o < c->nout; o++) {
    if (S_check_outdir(opt->outdirs[o], err) != 0) return -1;
    for (size_t p = 0; p < o; p++)
      if (strcmp(opt->outdirs[p], opt->outdirs[o]) == 0) {
        sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0,
                         "OUTDIR %s is given twice; its documents would be counted twice",
                         opt->outdirs[o]);
        return -1;
      }
  }
  if (opt->stopwords && S_read_stopwords(c, opt->stopwords, err) != 0) return -1;
  for (size_t o = 0; o < c->nout; o++)
    if (S_load(&c->codes[o], opt->outdirs[o], T_CODES, err) != 0) return -1;
  if (S_resolve_by(c, err) != 0) return -1;
  for (size_t o = 0; o < c->nout; o++) {
    if (S_load(&c->documents[o], opt->outdirs[o], T_DOCUMENTS, err) != 0 ||
        S_read_documents(c, o, err) != 0)
      return -1;
    if (c->by_kind == BY_ROLE && (S_load(&c->speakers[o], opt->outdirs[o], T_SPEAKERS, err) != 0 ||
                                  S_read_speakers(c, o, err) != 0))
      return -1;
  }
  int periods = c->by_kind == BY_YEAR || c->by_kind == BY_MONTH;
  if (periods && c->undated) {
    if (c->undated == c->ndocs_total) {
      sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0,
                       "--by %s needs dated documents, and no document has a %s in its date "
                       "(the date column of documents.csv); give dates with --manifest, "
                       "--meta-from-name or a date line, and run sectag code again",
                       c->by, c->by);
      return -1;
    }
    sectag_buf m = SECTAG_BUF_INIT;
    sectag_buf_printf(&m, "%zu of %zu documents %s no date (or none with a %s) and %s left out "
                      "of --by %s",
                      c->undated, c->ndocs_total, c->undated == 1 ? "has" : "have", c->by,
                      c->undated == 1 ? "is" : "are", c->by);
    S_warn(res, m.ptr);
    sectag_buf_free(&m);
  }
  int kinds = opt->kinds ? opt->kinds : SECTAG_KIND_ALL;
  int feats = opt->report != SECTAG_REPORT_BALANCE;
  for (size_t o = 0; o < c->nout; o++)
    if (S_read_codes(c, o, feats && (kinds & SECTAG_KIND_CODE), err) != 0) return -1;
  for (size_t o = 0; o < c->nout; o++)
    if (S_read_stream(c, o, T_TERMS, feats && (kinds & SECTAG_KIND_TERM), err) != 0) return -1;
  if (opt->report == SECTAG_REPORT_BALANCE)
    for (size_t o = 0; o < c->nout; o++)
      if (S_read_stream(c, o, T_MATCHES, 0, err) != 0) return -1;

  size_t present = c->groups.n;
  if (present < 2) {
    if (present == 1)
      sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0,
                       "compare needs at least two groups; --by %s gives only one: %s", c->by,
                       c->groups.s[0]);
    else
      sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0,
                       "compare needs at least two groups; --by %s gives none (the tables "
                       "have no rows)",
                       c->by);
    return -1;
  }
  if (periods) S_fill_periods(c);
  size_t ng = c->groups.n;
  size_t *order = c->order = sectag_xmalloc(ng * sizeof *order);
  size_t *rank = c->rank = sectag_xmalloc(ng * sizeof *rank);
  S_grec *gr = sectag_xmalloc(ng * sizeof *gr);
  for (size_t g = 0; g < ng; g++) {
    gr[g].s = c->groups.s[g];
    gr[g].len = c->groups.len[g];
    gr[g].g = g;
  }
  sectag_sort(gr, ng, sizeof *gr, S_cmp_group);
  for (size_t i = 0; i < ng; i++) {
    order[i] = gr[i].g;
    rank[gr[i].g] = i;
  }
  free(gr);
  c->periods = periods;
  return 0;
}

static int S_run(S_ctx *c, sectag_compare_result *res, sectag_error *err) {
  const sectag_compare_options *opt = c->opt;
  if (S_prepare(c, res, err) != 0) return -1;
  S_set_cols(res, sectag_compare_columns(opt->report),
             opt->report == SECTAG_REPORT_BALANCE   ? "011111111"
             : opt->report == SECTAG_REPORT_KEYNESS ? "00111111111"
                                                    : "0001111");
  S_rows rw = {0};
  int rc = 0;
  if (opt->report == SECTAG_REPORT_BALANCE)
    S_balance(c, c->order, &rw);
  else if (opt->report == SECTAG_REPORT_KEYNESS)
    rc = S_keyness(c, opt->target, c->order, &rw, err);
  else
    S_frequencies(c, c->rank, c->periods, &rw);
  res->cells = rw.cells;
  res->nrows = rw.fill / res->ncols;
  return rc;
}

int sectag_compare_run(const sectag_compare_options *opt, sectag_compare_result *res,
                       sectag_error *err) {
  memset(res, 0, sizeof *res);
  if (!opt->noutdirs) {
    sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0, "no OUTDIR given");
    return -1;
  }
  if (opt->report == SECTAG_REPORT_KEYNESS && !opt->target) {
    sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0, "keyness needs a target group");
    return -1;
  }
  S_ctx c;
  memset(&c, 0, sizeof c);
  c.opt = opt;
  c.by = opt->by ? opt->by : "group";
  int rc = S_run(&c, res, err);
  S_ctx_free(&c);
  if (rc != 0) sectag_compare_result_free(res);
  return rc;
}

struct sectag_compare {
  S_ctx c;
  sectag_compare_options opt;
};

sectag_compare *sectag_compare_open(const sectag_compare_options *opt, sectag_error *err) {
  if (!opt->noutdirs) {
    sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0, "no OUTDIR given");
    return NULL;
  }
  sectag_compare *k = sectag_xcalloc(1, sizeof *k);
  k->opt = *opt;
  k->opt.report = SECTAG_REPORT_KEYNESS;
  k->c.opt = &k->opt;
  k->c.by = opt->by ? opt->by : "group";
  sectag_compare_result warnings;
  memset(&warnings, 0, sizeof warnings);
  int rc = S_prepare(&k->c, &warnings, err);
  sectag_compare_result_free(&warnings);
  if (rc != 0) {
    sectag_compare_close(k);
    return NULL;
  }
  return k;
}

int sectag_compare_keyness(sectag_compare *k, const char *target, sectag_compare_result *res,
                           sectag_error *err) {
  memset(res, 0, sizeof *res);
  S_set_cols(res, sectag_compare_columns(SECTAG_REPORT_KEYNESS), "00111111111");
  S_rows rw = {0};
  if (S_keyness(&k->c, target, k->c.order, &rw, err) != 0) {
    for (size_t i = 0; i < rw.fill; i++) free(rw.cells[i]);
    free(rw.cells);
    sectag_compare_result_free(res);
    return -1;
  }
  res->cells = rw.cells;
  res->nrows = rw.fill / res->ncols;
  return 0;
}

void sectag_compare_close(sectag_compare *k) {
  if (!k) return;
  S_ctx_free(&k->c);
  free(k);
}

void sectag_compare_result_free(sectag_compare_result *res) {
  if (!res) return;
  for (size_t i = 0; i < res->ncols; i++) free(res->cols[i]);
  for (size_t i = 0; i < res->nrows * res->ncols; i++) free(res->cells[i]);
  for (size_t i = 0; i < res->nwarnings; i++) sectag_error_clear(&res->warnings[i]);
  free(res->cols);
  free(res->numeric);
  free(res->cells);
  free(res->warnings);
  memset(res, 0, sizeof *res);
}
