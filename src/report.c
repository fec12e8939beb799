/* report.c: the HTML report of a coded OUTDIR (library part of `sectag
 * report`; see report.h for what it shows and docs/report.md for how each
 * number is computed).
 *
 *   documents.csv, codes.csv,  ─▶ S_load: groups, periods, codes
 *   speakers.csv (in memory)        (taxonomy from the first TEI header)
 *   matches.csv (streamed)     ─▶ polarity counts, KWIC rows per code
 *   terms.csv                  ─▶ sectag_compare_run (key terms per group)
 *   tei/DOC_ID.xml             ─▶ sectag_tei_doc_load (document view)
 *                              ─▶ S_html: xmlTextWriter, inline CSS and SVG
 *
 * Why xmlTextWriter for HTML: escaping by construction (a doc_id, a label
 * or a speech never becomes markup). Two HTML rules it does not know are
 * kept by hand: a non-void element is always closed with an end tag
 * (xmlTextWriterFullEndElement; `<td/>` would open a cell in HTML), and
 * the style sheet, which is ours and holds no '<' or '&', is written raw. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/xmlreader.h>
#include <libxml/xmlwriter.h>

#include "buf.h"
#include "compare.h"
#include "csvread.h"
#include "document.h"
#include "error.h"
#include "kwic.h"
#include "output.h"
#include "report.h"

enum { P_SEC = 0, P_DESEC, P_NEU, P_N };
static const char *const S_pol_name[P_N] = {"securitizing", "desecuritizing", "neutral"};
static const char *const S_pol_class[P_N] = {"sec", "desec", "neu"};
/* Okabe-Ito: vermillion, blue, black */
static const char *const S_pol_colour[P_N] = {"#D55E00", "#0072B2", "#000000"};
static const char *const S_pol_dash[P_N] = {NULL, "7 4", "2 3"};

/* ------------------------------------------------------------ the data */

typedef struct {
  char *doc, *date, *speaker, *rule, *left, *text, *right;
} S_kw;

typedef struct {
  char *id, *label; /* label may be NULL */
  int pol;          /* P_* */
  int level;        /* nesting in the taxonomy, 0 = top */
  size_t own;       /* matches.csv rows of exactly this code */
  size_t total;     /* codes.csv matches (with sub-codes), whole corpus */
  S_kw *kw;
  size_t nkw, capkw;
} S_code;

typedef struct {
  char *name;       /* the group label ("(no group)" for an empty value) */
  double tokens;
  size_t docs;
  size_t pol[P_N];  /* matches.csv rows by polarity */
  size_t *codes;    /* codes.csv matches per code */
} S_group;

typedef struct {
  const sectag_report_options *opt;
  sectag_error *err;
  sectag_table docs, speakers, codes_t;
  long d_id, d_date, d_group, d_tokens, d_path, d_format, d_title;
  char *cb_title, *cb_path, *version; /* from the TEI header */
  S_code *codes;
  size_t ncodes;
  size_t *code_order; /* indexes sorted by id, for lookups */
  S_group *groups;
  size_t ngroups;
  size_t *doc_group;  /* per documents.csv row */
  /* periods */
  int by_month;       /* 0 year, 1 month */
  long pfirst, plast; /* period keys (year, or year * 12 + month - 1) */
  size_t nperiods;
  double *ptokens;    /* per period */
  size_t *pdocs;
  size_t *pcodes;     /* nperiods * ncodes */
  size_t dated, undated;
  const char *dmin, *dmax; /* the earliest and latest date strings */
  /* totals */
  double tokens;
  size_t pol[P_N];
  size_t nmatches;
  size_t nspeakers;
  /* matches.csv header columns */
  long m_doc, m_date, m_group, m_speaker, m_code, m_rule, m_text, m_left, m_right;
  int m_header;
  /* output */
  xmlTextWriterPtr w;
  int bad;
  unsigned svg_n; /* numbers the SVG ids (patterns) */
  sectag_buf scratch;
  sectag_report_summary *sum;
} S_rep;

static void S_warn(S_rep *r, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void S_warn(S_rep *r, const char *path, const char *fmt, ...) {
  if (!r->opt->report) return;
  sectag_buf m = SECTAG_BUF_INIT;
  va_list ap;
  va_start(ap, fmt);
  sectag_buf_vprintf(&m, fmt, ap);
  va_end(ap);
  sectag_error e = SECTAG_ERROR_INIT;
  sectag_error_set(&e, SECTAG_WARNING, path, 0, 0, "%s", m.ptr);
  r->opt->report(r->opt->userdata, &e);
  sectag_error_clear(&e);
  sectag_buf_free(&m);
}

static int S_pol_of(const char *s) {
  if (s && strcmp(s, "securitizing") == 0) return P_SEC;
  if (s && strcmp(s, "desecuritizing") == 0) return P_DESEC;
  return P_NEU;
}

static S_code *S_code_add(S_rep *r, const char *id, int pol, int level) {
  r->codes = sectag_xrealloc(r->codes, (r->ncodes + 1) * sizeof *r->codes);
  S_code *c = &r->codes[r->ncodes++];
  memset(c, 0, sizeof *c);
  c->id = sectag_xstrdup(id);
  c->pol = pol;
  c->level = level;
  return c;
}

static const S_rep *S_sort_rep; /* for the comparison below (single-threaded) */
static int S_cmp_code_idx(const void *a, const void *b) {
  return strcmp(S_sort_rep->codes[*(const size_t *)a].id,
                S_sort_rep->codes[*(const size_t *)b].id);
}

static void S_index_codes(S_rep *r) {
  free(r->code_order);
  r->code_order = sectag_xmalloc((r->ncodes + 1) * sizeof *r->code_order);
  for (size_t i = 0; i < r->ncodes; i++) r->code_order[i] = i;
  S_sort_rep = r;
  sectag_sort(r->code_order, r->ncodes, sizeof *r->code_order, S_cmp_code_idx);
}

/* The index of a code, or -1. */
static long S_code_find(const S_rep *r, const char *id) {
  size_t lo = 0, hi = r->ncodes;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = strcmp(r->codes[r->code_order[mid]].id, id);
    if (c == 0) return (long)r->code_order[mid];
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return -1;
}

static const char *S_group_label(const char *g) { return *g ? g : "(no group)"; }

static long S_group_find(const S_rep *r, const char *g) {
  const char *label = S_group_label(g);
  size_t lo = 0, hi = r->ngroups;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = strcmp(r->groups[mid].name, label);
    if (c == 0) return (long)mid;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return -1;
}

/* A period key of an ISO date, or -1: the year, or year * 12 + month - 1. */
static long S_period_key(const char *d, int month) {
  for (int i = 0; i < 4; i++)
    if (d[i] < '0' || d[i] > '9') return -1;
  long y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
  if (!month) return y;
  if (d[4] != '-' || d[5] < '0' || d[5] > '9' || d[6] < '0' || d[6] > '9') return -1;
  long m = (d[5] - '0') * 10 + (d[6] - '0');
  if (m < 1 || m > 12) return -1;
  return y * 12 + m - 1;
}

static void S_period_label(const S_rep *r, size_t i, char *out, size_t n) {
  long k = r->pfirst + (long)i;
  if (r->by_month)
    snprintf(out, n, "%04ld-%02ld", k / 12, k % 12 + 1);
  else
    snprintf(out, n, "%ld", k);
}

static double S_num(const char *s) {
  char *end;
  double v = strtod(s, &end);
  return (end == s || *end) ? 0 : v;
}

/* The codebook taxonomy of a TEI file that sectag code wrote: codes in
 * document order, with polarity (@n), label (catDesc/term) and nesting;
 * the codebook's title and path and sectag's version. Read with a
 * streaming reader that stops at <text>, so a long document's body is
 * never parsed here; no network, no DTD (a DOCTYPE stops the reading). */
static void S_taxonomy(S_rep *r, const char *path) {
  xmlTextReaderPtr x = xmlReaderForFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOWARNING |
                                                        XML_PARSE_NOERROR);
  if (!x) return;
  int in_tax = 0, tax_depth = -1, base = -1;
  S_code *cur = NULL;
  int want = 0; /* 1 term (label), 2 bibl title, 3 bibl idno */
  while (xmlTextReaderRead(x) == 1) {
    int type = xmlTextReaderNodeType(x), depth = xmlTextReaderDepth(x);
    const char *name = (const char *)xmlTextReaderConstLocalName(x);
    if (type == XML_READER_TYPE_DOCUMENT_TYPE) break;
    if (type == XML_READER_TYPE_END_ELEMENT && in_tax && depth == tax_depth &&
        strcmp(name, "taxonomy") == 0) {
      in_tax = 2; /* only the first taxonomy is the codebook */
      continue;
    }
    if (type == XML_READER_TYPE_TEXT && want) {
      const char *v = (const char *)xmlTextReaderConstValue(x);
      if (want == 1 && cur && !cur->label) cur->label = sectag_xstrdup(v);
      if (want == 2 && !r->cb_title) r->cb_title = sectag_xstrdup(v);
      if (want == 3 && !r->cb_path) r->cb_path = sectag_xstrdup(v);
      want = 0;
      continue;
    }
    if (type != XML_READER_TYPE_ELEMENT) continue;
    want = 0;
    if (strcmp(name, "text") == 0) break;
    if (strcmp(name, "application") == 0 && !r->version) {
      xmlChar *v = xmlTextReaderGetAttribute(x, BAD_CAST "version");
      if (v) r->version = sectag_xstrdup((const char *)v);
      xmlFree(v);
    } else if (strcmp(name, "taxonomy") == 0 && !in_tax) {
      in_tax = 1;
      tax_depth = depth;
    } else if (in_tax == 1 && strcmp(name, "category") == 0) {
      xmlChar *id = xmlTextReaderGetAttribute(x, BAD_CAST "xml:id");
      xmlChar *n = xmlTextReaderGetAttribute(x, BAD_CAST "n");
      if (base < 0) base = depth;
      if (id) cur = S_code_add(r, (const char *)id, S_pol_of((const char *)n), depth - base);
      xmlFree(id);
      xmlFree(n);
    } else if (in_tax == 1 && strcmp(name, "term") == 0 && cur) {
      want = 1;
    } else if (in_tax == 1 && depth == tax_depth + 2 && strcmp(name, "title") == 0) {
      want = 2;
    } else if (in_tax == 1 && depth == tax_depth + 2 && strcmp(name, "idno") == 0) {
      want = 3;
    }
  }
  xmlFreeTextReader(x);
}

static int S_need(S_rep *r, const sectag_table *t, long *col, const char *name) {
  *col = sectag_table_col(t, name);
  if (*col >= 0) return 0;
  sectag_error_set(r->err, SECTAG_ERR_USAGE, t->path, 1, 0,
                   "the table has no '%s' column; is it a table of sectag code? Run sectag "
                   "code again",
                   name);
  return -1;
}

static int S_cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int S_check_outdir(S_rep *r) {
  const char *outdir = r->opt->outdir;
  static const char *const need[] = {"documents.csv", "codes.csv", "matches.csv", "terms.csv",
                                     "speakers.csv", "tei"};
  struct stat st;
  int exists = stat(outdir, &st) == 0;
  if (!exists || !S_ISDIR(st.st_mode)) {
    sectag_error_set(r->err, SECTAG_ERR_USAGE, NULL, 0, 0,
                     "%s is not an OUTDIR of sectag code: %s; run sectag code -o %s first",
                     outdir, exists ? "it is not a folder" : "the folder does not exist", outdir);
    return -1;
  }
  for (size_t i = 0; i < sizeof need / sizeof *need; i++) {
    char *p = sectag_path_join(outdir, need[i], NULL);
    int ok = stat(p, &st) == 0 && (i == 5 ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode));
    free(p);
    if (!ok) {
      sectag_error_set(r->err, SECTAG_ERR_USAGE, NULL, 0, 0,
                       "%s is not a complete OUTDIR of sectag code: %s is missing; run sectag "
                       "code again",
                       outdir, need[i]);
      return -1;
    }
  }
  return 0;
}

static int S_load_table(S_rep *r, sectag_table *t, const char *name) {
  char *p = sectag_path_join(r->opt->outdir, name, NULL);
  int rc = sectag_table_load(t, p, r->err);
  free(p);
  return rc;
}

/* Groups (sorted labels) and periods, from documents.csv. */
static void S_groups_periods(S_rep *r) {
  size_t nd = r->docs.nrows;
  char **names = sectag_xmalloc((nd + 1) * sizeof *names);
  for (size_t i = 0; i < nd; i++)
    names[i] = (char *)S_group_label(sectag_table_get(&r->docs, i, r->d_group));
  sectag_sort(names, nd, sizeof *names, S_cmp_str);
  r->groups = sectag_xcalloc(nd + 1, sizeof *r->groups);
  for (size_t i = 0; i < nd; i++)
    if (i == 0 || strcmp(names[i], names[i - 1]) != 0) {
      S_group *g = &r->groups[r->ngroups++];
      g->name = sectag_xstrdup(names[i]);
      g->codes = sectag_xcalloc(r->ncodes + 1, sizeof *g->codes);
    }
  free(names);
  r->doc_group = sectag_xcalloc(nd + 1, sizeof *r->doc_group);
  int all_months = 1, mseen = 0;
  long ymin = 0, ymax = 0, mmin = 0, mmax = 0;
  for (size_t i = 0; i < nd; i++) {
    S_group *g = &r->groups[S_group_find(r, sectag_table_get(&r->docs, i, r->d_group))];
    r->doc_group[i] = (size_t)(g - r->groups);
    double t = S_num(sectag_table_get(&r->docs, i, r->d_tokens));
    g->tokens += t;
    g->docs++;
    r->tokens += t;
    const char *d = sectag_table_get(&r->docs, i, r->d_date);
    long y = S_period_key(d, 0), m = S_period_key(d, 1);
    if (y < 0) {
      r->undated++;
      continue;
    }
    if (!r->dated || y < ymin) ymin = y;
    if (!r->dated || y > ymax) ymax = y;
    if (m < 0) {
      all_months = 0;
    } else {
      if (!mseen || m < mmin) mmin = m;
      if (!mseen || m > mmax) mmax = m;
      mseen = 1;
    }
    if (!r->dmin || strcmp(d, r->dmin) < 0) r->dmin = d;
    if (!r->dmax || strcmp(d, r->dmax) > 0) r->dmax = d;
    r->dated++;
  }
  if (!r->dated) return;
  r->by_month = all_months && mmax - mmin + 1 <= 36;
  r->pfirst = r->by_month ? mmin : ymin;
  r->plast = r->by_month ? mmax : ymax;
  r->nperiods = (size_t)(r->plast - r->pfirst + 1);
  r->ptokens = sectag_xcalloc(r->nperiods, sizeof *r->ptokens);
  r->pdocs = sectag_xcalloc(r->nperiods, sizeof *r->pdocs);
  r->pcodes = sectag_xcalloc(r->nperiods * (r->ncodes + 1), sizeof *r->pcodes);
  for (size_t i = 0; i < nd; i++) {
    long k = S_period_key(sectag_table_get(&r->docs, i, r->d_date), r->by_month);
    if (k < 0) continue;
    r->ptokens[k - r->pfirst] += S_num(sectag_table_get(&r->docs, i, r->d_tokens));
    r->pdocs[k - r->pfirst]++;
  }
}

/* Speakers: the distinct ids of speakers.csv (but the text before the
 * first label, which has no label) and documents.csv's speaker values. */
static void S_count_speakers(S_rep *r) {
  long c_sp = sectag_table_col(&r->speakers, "speaker"),
       c_label = sectag_table_col(&r->speakers, "label"),
       c_dsp = sectag_table_col(&r->docs, "speaker");
  size_t cap = r->speakers.nrows + r->docs.nrows + 1, n = 0;
  char **ids = sectag_xmalloc(cap * sizeof *ids);
  for (size_t i = 0; i < r->speakers.nrows; i++) {
    const char *id = sectag_table_get(&r->speakers, i, c_sp);
    if (*id && (c_label < 0 || *sectag_table_get(&r->speakers, i, c_label))) ids[n++] = (char *)id;
  }
  for (size_t i = 0; i < r->docs.nrows; i++) {
    const char *id = sectag_table_get(&r->docs, i, c_dsp);
    if (*id) ids[n++] = (char *)id;
  }
  sectag_sort(ids, n, sizeof *ids, S_cmp_str);
  for (size_t i = 0; i < n; i++)
    if (i == 0 || strcmp(ids[i], ids[i - 1]) != 0) r->nspeakers++;
  free(ids);
}

/* codes.csv: matches per group and code, per period and code. */
/* Codes of codes.csv that the taxonomy lacks (a TEI file from another
 * run, or no TEI file at all). */
static void S_extra_codes(S_rep *r) {
  sectag_table *t = &r->codes_t;
  long c_code = sectag_table_col(t, "code"), c_pol = sectag_table_col(t, "polarity");
  if (c_code < 0) return;
  for (size_t i = 0; i < t->nrows; i++) {
    const char *id = sectag_table_get(t, i, c_code);
    if (*id && S_code_find(r, id) < 0) {
      S_code_add(r, id, S_pol_of(sectag_table_get(t, i, c_pol)), 0);
      S_index_codes(r);
    }
  }
}

static int S_code_counts(S_rep *r) {
  sectag_table *t = &r->codes_t;
  long c_group, c_code, c_matches, c_date;
  if (S_need(r, t, &c_group, "group") || S_need(r, t, &c_code, "code") ||
      S_need(r, t, &c_matches, "matches") || S_need(r, t, &c_date, "date"))
    return -1;
  for (size_t i = 0; i < t->nrows; i++) {
    long c = S_code_find(r, sectag_table_get(t, i, c_code));
    long g = S_group_find(r, sectag_table_get(t, i, c_group));
    if (c < 0) continue;
    size_t m = (size_t)S_num(sectag_table_get(t, i, c_matches));
    r->codes[c].total += m;
    if (g >= 0) r->groups[g].codes[c] += m;
    if (r->pcodes) {
      long k = S_period_key(sectag_table_get(t, i, c_date), r->by_month);
      if (k >= r->pfirst && k <= r->plast) r->pcodes[(size_t)(k - r->pfirst) * r->ncodes + (size_t)c] += m;
    }
  }
  return 0;
}

/* matches.csv, a row at a time: polarity counts and KWIC rows. */
static int S_match_row(void *ud, const sectag_csv_row *row) {
  S_rep *r = ud;
  if (!r->m_header) {
    r->m_header = 1;
    long *cols[] = {&r->m_doc,  &r->m_date, &r->m_group, &r->m_speaker, &r->m_code,
                    &r->m_rule, &r->m_text, &r->m_left,  &r->m_right};
    static const char *const names[] = {"doc_id", "date", "group", "speaker", "code",
                                        "rule",   "text", "left",  "right"};
    for (size_t k = 0; k < 9; k++) {
      *cols[k] = -1;
      for (size_t j = 0; j < row->n; j++)
        if (strcmp(row->f[j], names[k]) == 0) *cols[k] = (long)j;
      if (*cols[k] < 0) {
        sectag_error_set(r->err, SECTAG_ERR_USAGE, NULL, 0, 0,
                         "matches.csv of %s has no '%s' column; run sectag code again",
                         r->opt->outdir, names[k]);
        return 1;
      }
    }
    return 0;
  }
#define F(c) ((size_t)(c) < row->n ? row->f[c] : "")
  long c = S_code_find(r, F(r->m_code));
  int pol = c >= 0 ? r->codes[c].pol : P_NEU;
  r->pol[pol]++;
  r->nmatches++;
  long g = S_group_find(r, F(r->m_group));
  if (g >= 0) r->groups[g].pol[pol]++;
  if (c < 0) return 0;
  S_code *k = &r->codes[c];
  k->own++;
  if (r->opt->kwic_limit && k->nkw >= r->opt->kwic_limit) return 0;
  if (k->nkw == k->capkw) {
    k->capkw = k->capkw ? 2 * k->capkw : 8;
    k->kw = sectag_xrealloc(k->kw, k->capkw * sizeof *k->kw);
  }
  S_kw *w = &k->kw[k->nkw++];
  w->doc = sectag_xstrdup(F(r->m_doc));
  w->date = sectag_xstrdup(F(r->m_date));
  w->speaker = sectag_xstrdup(F(r->m_speaker));
  w->rule = sectag_xstrdup(F(r->m_rule));
  w->text = sectag_xstrdup(F(r->m_text));
  w->left = sectag_xstrdup(F(r->m_left));
  w->right = sectag_xstrdup(F(r->m_right));
#undef F
  return 0;
}

static int S_load(S_rep *r) {
  if (S_check_outdir(r) != 0) return -1;
  if (S_load_table(r, &r->docs, "documents.csv") != 0 ||
      S_load_table(r, &r->speakers, "speakers.csv") != 0 ||
      S_load_table(r, &r->codes_t, "codes.csv") != 0)
    return -1;
  if (S_need(r, &r->docs, &r->d_id, "doc_id") || S_need(r, &r->docs, &r->d_date, "date") ||
      S_need(r, &r->docs, &r->d_group, "group") || S_need(r, &r->docs, &r->d_tokens, "tokens"))
    return -1;
  r->d_path = sectag_table_col(&r->docs, "path");
  r->d_format = sectag_table_col(&r->docs, "format");
  r->d_title = sectag_table_col(&r->docs, "title");
  if (r->docs.nrows) {
    char *dir = sectag_path_join(r->opt->outdir, "tei", NULL);
    char *p = sectag_path_join(dir, sectag_table_get(&r->docs, 0, r->d_id), NULL);
    sectag_buf b = SECTAG_BUF_INIT;
    sectag_buf_printf(&b, "%s.xml", p);
    S_taxonomy(r, b.ptr);
    sectag_buf_free(&b);
    free(p);
    free(dir);
  }
  S_index_codes(r);
  S_extra_codes(r);
  S_groups_periods(r);
  S_count_speakers(r);
  if (S_code_counts(r) != 0) return -1;
  char *m = sectag_path_join(r->opt->outdir, "matches.csv", NULL);
  int rc = sectag_csv_read_file(m, S_match_row, r, r->err);
  free(m);
  if (rc < 0 || (rc == 1 && r->err->code != SECTAG_OK)) return -1;
  return 0;
}

static void S_free(S_rep *r) {
  sectag_table_free(&r->docs);
  sectag_table_free(&r->speakers);
  sectag_table_free(&r->codes_t);
  free(r->cb_title);
  free(r->cb_path);
  free(r->version);
  for (size_t i = 0; i < r->ncodes; i++) {
    S_code *c = &r->codes[i];
    for (size_t j = 0; j < c->nkw; j++) {
      S_kw *w = &c->kw[j];
      free(w->doc), free(w->date), free(w->speaker), free(w->rule);
      free(w->text), free(w->left), free(w->right);
    }
    free(c->kw);
    free(c->id);
    free(c->label);
  }
  free(r->codes);
  free(r->code_order);
  for (size_t g = 0; g < r->ngroups; g++) {
    free(r->groups[g].name);
    free(r->groups[g].codes);
  }
  free(r->groups);
  free(r->doc_group);
  free(r->ptokens);
  free(r->pdocs);
  free(r->pcodes);
  sectag_buf_free(&r->scratch);
}

/* ------------------------------------------------------- writing HTML */

#define X(call)                                                                                  \
  do {                                                                                           \
    if ((call) < 0) r->bad = 1;                                                                  \
  } while (0)

static void S_start(S_rep *r, const char *tag) { X(xmlTextWriterStartElement(r->w, BAD_CAST tag)); }
/* Closes an HTML element with an end tag (never `<td/>`). */
static void S_end(S_rep *r) { X(xmlTextWriterFullEndElement(r->w)); }
/* Closes a void HTML element or an SVG element (`<meta/>`, `<rect/>`). */
static void S_end_void(S_rep *r) { X(xmlTextWriterEndElement(r->w)); }
static void S_attr(S_rep *r, const char *name, const char *value) {
  X(xmlTextWriterWriteAttribute(r->w, BAD_CAST name, BAD_CAST value));
}
static void S_attrf(S_rep *r, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void S_attrf(S_rep *r, const char *name, const char *fmt, ...) {
  sectag_buf b = SECTAG_BUF_INIT;
  va_list ap;
  va_start(ap, fmt);
  sectag_buf_vprintf(&b, fmt, ap);
  va_end(ap);
  S_attr(r, name, b.ptr);
  sectag_buf_free(&b);
}

/* Text of n bytes. What HTML cannot hold is replaced: C0 controls but tab
 * and line feed become U+FFFD, CR LF and a lone CR a line feed. */
static void S_textn(S_rep *r, const char *s, size_t n) {
  sectag_buf *b = &r->scratch;
  sectag_buf_clear(b);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '\r') {
      if (i + 1 < n && s[i + 1] == '\n') continue;
      sectag_buf_putc(b, '\n');
    } else if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) {
      sectag_buf_puts(b, "\xEF\xBF\xBD");
    } else {
      sectag_buf_putc(b, c);
    }
  }
  X(xmlTextWriterWriteString(r->w, BAD_CAST b->ptr));
}
static void S_text(S_rep *r, const char *s) { S_textn(r, s, strlen(s)); }
static void S_textf(S_rep *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void S_textf(S_rep *r, const char *fmt, ...) {
  sectag_buf b = SECTAG_BUF_INIT;
  va_list ap;
  va_start(ap, fmt);
  sectag_buf_vprintf(&b, fmt, ap);
  va_end(ap);
  S_textn(r, b.ptr, b.len);
  sectag_buf_free(&b);
}
/* <tag class="cls">text</tag> */
static void S_elem(S_rep *r, const char *tag, const char *cls, const char *text) {
  S_start(r, tag);
  if (cls) S_attr(r, "class", cls);
  S_text(r, text);
  S_end(r);
}

/* 1234567 -> "1,234,567" */
static void S_count_str(double v, char *out, size_t n) {
  char digits[64];
  snprintf(digits, sizeof digits, "%.0f", v);
  size_t len = strlen(digits), o = 0;
  for (size_t i = 0; i < len && o + 2 < n; i++) {
    if (i && (len - i) % 3 == 0) out[o++] = ',';
    out[o++] = digits[i];
  }
  out[o] = '\0';
}

static void S_td_count(S_rep *r, double v) {
  char s[80];
  S_count_str(v, s, sizeof s);
  S_elem(r, "td", "n", s);
}

static void S_td_rate(S_rep *r, double count, double tokens) {
  char s[64];
  if (tokens > 0)
    snprintf(s, sizeof s, "%.1f", count * 10000.0 / tokens);
  else
    snprintf(s, sizeof s, "NA");
  S_elem(r, "td", "n", s);
}

static void S_th(S_rep *r, const char *text, int numeric) {
  S_start(r, "th");
  if (numeric) S_attr(r, "class", "n");
  S_text(r, text);
  S_end(r);
}

/* A polarity cell: the word, and the colour as a side bar (never the
 * colour alone). */
static void S_td_pol(S_rep *r, int pol) {
  S_start(r, "td");
  S_start(r, "span");
  S_attrf(r, "class", "pol %s", S_pol_class[pol]);
  S_text(r, S_pol_name[pol]);
  S_end(r);
  S_end(r);
}

static void S_note(S_rep *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void S_note(S_rep *r, const char *fmt, ...) {
  sectag_buf b = SECTAG_BUF_INIT;
  va_list ap;
  va_start(ap, fmt);
  sectag_buf_vprintf(&b, fmt, ap);
  va_end(ap);
  S_elem(r, "p", "note", b.ptr);
  sectag_buf_free(&b);
}

static const char S_css[] =
    "body{font-family:\"DejaVu Sans\",\"Helvetica Neue\",Arial,sans-serif;color:#1a1a1a;"
    "background:#fff;max-width:1180px;margin:0 auto;padding:0 18px 48px;line-height:1.45}\n"
    "h1{font-size:1.7em;margin:.8em 0 .2em}h2{font-size:1.35em;margin:1.6em 0 .4em;"
    "border-bottom:2px solid #ccc;padding-bottom:.15em}h3{font-size:1.1em;margin:1.2em 0 .3em}\n"
    "nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:4px 18px}\n"
    "table{border-collapse:collapse;margin:.4em 0 .8em;font-size:.92em}\n"
    "th,td{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}\n"
    "th{background:#f3f3f3}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;"
    "white-space:nowrap}\n"
    "table.kwic td.left{text-align:right}table.kwic td.kw,td.nw{white-space:nowrap}\n"
    "table.kwic td.left,table.kwic td.right{color:#333;max-width:26em}\n"
    "mark{color:inherit;padding:0 1px;border-radius:2px}\n"
    "mark.sec{background:#FBE2D3;border-bottom:3px solid #D55E00}\n"
    "mark.desec{background:#D7E8F5;border-bottom:3px dashed #0072B2}\n"
    "mark.neu{background:#ECECEC;border-bottom:3px dotted #000}\n"
    "mark.mix{background:#F2EAD0;border-bottom:3px double #000}\n"
    ".pol{border-left:6px solid #000;padding-left:5px;white-space:nowrap}\n"
    ".pol.sec{border-left-color:#D55E00}.pol.desec{border-left-color:#0072B2;"
    "border-left-style:dashed}.pol.neu{border-left-style:dotted}\n"
    ".note{color:#555;font-style:italic;margin:.3em 0}\n"
    ".doctext{white-space:pre-wrap;border:1px solid #ccc;padding:10px 14px;max-height:40em;"
    "overflow:auto;background:#fcfcfc}\n"
    ".hid{color:#666;font-weight:bold}\n"
    ".charts{display:flex;flex-wrap:wrap;gap:14px 22px}.charts figure{width:370px}\n"
    "figure{margin:.4em 0}figcaption{font-size:.9em;color:#333;max-width:760px}\n"
    "svg{max-width:100%;height:auto;display:block}svg text{font-family:inherit}\n"
    ".groups{display:flex;flex-wrap:wrap;gap:0 36px}.groups section{min-width:300px}\n"
    ".legend mark{margin-right:1em}\n"
    "code{font-family:\"DejaVu Sans Mono\",monospace;font-size:.95em;white-space:nowrap}\n";

/* ---- charts (SVG) */

static double S_nice_step(double max, int nticks) {
  if (!(max > 0)) return 1;
  double raw = max / nticks, p = pow(10, floor(log10(raw))), f = raw / p;
  double m = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
  return m * p;
}

static void S_tick_label(double v, double step, char *out, size_t n) {
  if (step >= 1)
    snprintf(out, n, "%.0f", v);
  else if (step >= 0.1)
    snprintf(out, n, "%.1f", v);
  else
    snprintf(out, n, "%.2f", v);
}

static void S_svg_text(S_rep *r, double x, double y, const char *anchor, const char *text,
                       const char *extra_attr, const char *extra_val) {
  S_start(r, "text");
  S_attrf(r, "x", "%.1f", x);
  S_attrf(r, "y", "%.1f", y);
  if (anchor) S_attr(r, "text-anchor", anchor);
  if (extra_attr) S_attr(r, extra_attr, extra_val);
  S_text(r, text);
  S_end_void(r);
}

static void S_line(S_rep *r, double x1, double y1, double x2, double y2, const char *stroke,
                   double width) {
  S_start(r, "line");
  S_attrf(r, "x1", "%.1f", x1);
  S_attrf(r, "y1", "%.1f", y1);
  S_attrf(r, "x2", "%.1f", x2);
  S_attrf(r, "y2", "%.1f", y2);
  S_attr(r, "stroke", stroke);
  S_attrf(r, "stroke-width", "%.1f", width);
  S_end_void(r);
}

static void S_svg_open(S_rep *r, double w, double h, const char *cls, const char *label) {
  S_start(r, "svg");
  S_attr(r, "xmlns", "http://www.w3.org/2000/svg");
  S_attr(r, "class", cls);
  S_attrf(r, "width", "%.0f", w);
  S_attrf(r, "height", "%.0f", h);
  S_attrf(r, "viewBox", "0 0 %.0f %.0f", w, h);
  S_attr(r, "role", "img");
  S_attr(r, "aria-label", label);
  S_attr(r, "font-size", "12");
  S_start(r, "title");
  S_text(r, label);
  S_end(r);
}

/* The hatch that tells desecuritizing bars from securitizing ones without
 * colour. Its id is numbered: several SVGs share one HTML id space. */
static void S_hatch(S_rep *r, char *id, size_t n) {
  snprintf(id, n, "hatch-desec-%u", ++r->svg_n);
  S_start(r, "defs");
  S_start(r, "pattern");
  S_attr(r, "id", id);
  S_attr(r, "width", "6");
  S_attr(r, "height", "6");
  S_attr(r, "patternUnits", "userSpaceOnUse");
  S_attr(r, "patternTransform", "rotate(45)");
  S_start(r, "rect");
  S_attr(r, "width", "6");
  S_attr(r, "height", "6");
  S_attr(r, "fill", S_pol_colour[P_DESEC]);
  S_end_void(r);
  S_line(r, 0, 0, 0, 6, "#ffffff", 2.2);
  S_end_void(r);
  S_end_void(r);
}

/* Horizontal grouped bars: per group, securitizing (solid vermillion) and
 * desecuritizing (hatched blue) matches per 10,000 words. */
static void S_bar_chart(S_rep *r) {
  const double W = 780, LM = 170, RM = 80, TM = 44, BM = 54, BAND = 46;
  size_t ng = r->ngroups;
  double H = TM + BAND * (double)ng + BM, max = 0;
  for (size_t g = 0; g < ng; g++)
    for (int p = 0; p < 2; p++)
      if (r->groups[g].tokens > 0) {
        double v = (double)r->groups[g].pol[p] * 10000.0 / r->groups[g].tokens;
        if (v > max) max = v;
      }
  double step = S_nice_step(max, 5), top = ceil(max / step) * step;
  if (top <= 0) top = step;
  double pw = W - LM - RM;
  S_svg_open(r, W, H, "chart bars",
             "Bar chart: securitizing and desecuritizing matches per 10,000 words by group");
  char hatch[64];
  S_hatch(r, hatch, sizeof hatch);
  /* legend */
  S_start(r, "g");
  S_attr(r, "class", "legend");
  const char *fills[2] = {S_pol_colour[P_SEC], NULL};
  char url[80];
  snprintf(url, sizeof url, "url(#%s)", hatch);
  fills[1] = url;
  for (int p = 0; p < 2; p++) {
    double x = LM + p * 170.0;
    S_start(r, "rect");
    S_attrf(r, "x", "%.1f", x);
    S_attr(r, "y", "12");
    S_attr(r, "width", "22");
    S_attr(r, "height", "14");
    S_attr(r, "fill", fills[p]);
    S_attr(r, "stroke", S_pol_colour[p]);
    S_end_void(r);
    S_svg_text(r, x + 28, 24, NULL, S_pol_name[p], NULL, NULL);
  }
  S_end_void(r);
  /* grid and x ticks */
  double y0 = TM, y1 = TM + BAND * (double)ng;
  for (double v = 0; v <= top + step / 2; v += step) {
    double x = LM + v / top * pw;
    char lab[64];
    S_tick_label(v, step, lab, sizeof lab);
    S_line(r, x, y0, x, y1, v == 0 ? "#444444" : "#dddddd", 1);
    S_line(r, x, y1, x, y1 + 5, "#444444", 1);
    S_svg_text(r, x, y1 + 18, "middle", lab, NULL, NULL);
  }
  S_svg_text(r, LM + pw / 2, H - 10, "middle", "matches per 10,000 words", "font-weight", "bold");
  char rot[64];
  snprintf(rot, sizeof rot, "rotate(-90 14 %.1f)", (y0 + y1) / 2);
  S_svg_text(r, 14, (y0 + y1) / 2, "middle", "group", "transform", rot);
  /* bars */
  for (size_t g = 0; g < ng; g++) {
    const S_group *gr = &r->groups[g];
    double yb = TM + BAND * (double)g;
    char lab[64];
    size_t nl = strlen(gr->name);
    if (nl > 24) {
      size_t cut = 22;
      while (cut > 0 && ((unsigned char)gr->name[cut] & 0xC0) == 0x80) cut--;
      snprintf(lab, sizeof lab, "%.*s\xE2\x80\xA6", (int)cut, gr->name);
    } else {
      snprintf(lab, sizeof lab, "%s", gr->name);
    }
    S_start(r, "g");
    S_start(r, "title");
    S_textf(r, "%s: %.0f words, %zu securitizing, %zu desecuritizing", gr->name, gr->tokens,
            gr->pol[P_SEC], gr->pol[P_DESEC]);
    S_end(r);
    S_svg_text(r, LM - 8, yb + BAND / 2 + 4, "end", lab, NULL, NULL);
    for (int p = 0; p < 2; p++) {
      double by = yb + 6 + p * 17.0;
      if (!(gr->tokens > 0)) {
        if (p == 0) S_svg_text(r, LM + 6, yb + BAND / 2 + 4, NULL, "no words", "font-style", "italic");
        continue;
      }
      double v = (double)gr->pol[p] * 10000.0 / gr->tokens, bw = v / top * pw;
      S_start(r, "rect");
      S_attr(r, "class", p == 0 ? "bar sec" : "bar desec");
      S_attrf(r, "x", "%.1f", LM);
      S_attrf(r, "y", "%.1f", by);
      S_attrf(r, "width", "%.1f", bw);
      S_attr(r, "height", "15");
      S_attr(r, "fill", fills[p]);
      S_attr(r, "stroke", S_pol_colour[p]);
      S_end_void(r);
      char val[64];
      snprintf(val, sizeof val, "%.1f %s", v, p == 0 ? "sec." : "desec.");
      S_svg_text(r, LM + bw + 5, by + 12, NULL, val, NULL, NULL);
    }
    S_end_void(r);
  }
  S_end_void(r); /* svg */
}

static void S_marker(S_rep *r, int pol, double x, double y) {
  if (pol == P_SEC) {
    S_start(r, "circle");
    S_attrf(r, "cx", "%.1f", x);
    S_attrf(r, "cy", "%.1f", y);
    S_attr(r, "r", "3.8");
  } else if (pol == P_DESEC) {
    S_start(r, "rect");
    S_attrf(r, "x", "%.1f", x - 3.5);
    S_attrf(r, "y", "%.1f", y - 3.5);
    S_attr(r, "width", "7");
    S_attr(r, "height", "7");
  } else {
    S_start(r, "polygon");
    S_attrf(r, "points", "%.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f", x, y - 4.5, x + 4.5, y, x,
            y + 4.5, x - 4.5, y);
  }
  S_attr(r, "fill", S_pol_colour[pol]);
  S_end_void(r);
}

/* One code's rate per period: a line (broken where a period has no
 * words), a marker per period, axes, ticks, titles and a legend. */
static void S_line_chart(S_rep *r, size_t c) {
  const double W = 370, H = 236, LM = 54, RM = 16, TM = 36, BM = 48;
  const S_code *code = &r->codes[c];
  size_t np = r->nperiods;
  double *v = sectag_xmalloc(np * sizeof *v), max = 0;
  for (size_t i = 0; i < np; i++) {
    v[i] = r->ptokens[i] > 0 ? (double)r->pcodes[i * r->ncodes + c] * 10000.0 / r->ptokens[i]
                             : -1;
    if (v[i] > max) max = v[i];
  }
  double step = S_nice_step(max, 4), top = ceil(max / step) * step;
  if (top <= 0) top = step;
  double pw = W - LM - RM, ph = H - TM - BM;
  sectag_buf lab = SECTAG_BUF_INIT;
  sectag_buf_printf(&lab, "Line chart: %s, matches per 10,000 words by %s", code->id,
                    r->by_month ? "month" : "year");
  S_svg_open(r, W, H, "chart series", lab.ptr);
  sectag_buf_free(&lab);
  /* legend: the line style and marker of the code's polarity */
  int pol = code->pol;
  const char *col = S_pol_colour[pol];
  S_start(r, "g");
  S_attr(r, "class", "legend");
  S_start(r, "line");
  S_attrf(r, "x1", "%.1f", LM);
  S_attr(r, "y1", "16");
  S_attrf(r, "x2", "%.1f", LM + 30);
  S_attr(r, "y2", "16");
  S_attr(r, "stroke", col);
  S_attr(r, "stroke-width", "2");
  if (S_pol_dash[pol]) S_attr(r, "stroke-dasharray", S_pol_dash[pol]);
  S_end_void(r);
  S_marker(r, pol, LM + 15, 16);
  sectag_buf t = SECTAG_BUF_INIT;
  sectag_buf_printf(&t, "%s (%s)", code->id, S_pol_name[pol]);
  S_svg_text(r, LM + 38, 20, NULL, t.ptr, NULL, NULL);
  sectag_buf_free(&t);
  S_end_void(r);
  /* y grid and ticks */
  for (double y = 0; y <= top + step / 2; y += step) {
    double py = TM + ph - y / top * ph;
    char s[64];
    S_tick_label(y, step, s, sizeof s);
    S_line(r, LM, py, LM + pw, py, y == 0 ? "#444444" : "#e0e0e0", 1);
    S_line(r, LM - 4, py, LM, py, "#444444", 1);
    S_svg_text(r, LM - 7, py + 4, "end", s, NULL, NULL);
  }
  S_line(r, LM, TM, LM, TM + ph, "#444444", 1);
  /* x ticks: at most about 6 labels */
  size_t every = np <= 6 ? 1 : (np + 5) / 6;
  double dx = np > 1 ? pw / (double)(np - 1) : 0;
#define PX(i) (np > 1 ? LM + dx * (double)(i) : LM + pw / 2)
  for (size_t i = 0; i < np; i++) {
    double x = PX(i);
    S_line(r, x, TM + ph, x, TM + ph + (i % every == 0 ? 5 : 2), "#444444", 1);
    if (i % every) continue;
    char s[32];
    S_period_label(r, i, s, sizeof s);
    S_svg_text(r, x, TM + ph + 18, "middle", s, NULL, NULL);
  }
  S_svg_text(r, LM + pw / 2, H - 8, "middle", r->by_month ? "month" : "year", "font-weight",
             "bold");
  char rot[64];
  snprintf(rot, sizeof rot, "rotate(-90 13 %.1f)", TM + ph / 2);
  S_svg_text(r, 13, TM + ph / 2, "middle", "per 10,000 words", "transform", rot);
  /* the line, in runs of periods with words */
  sectag_buf pts = SECTAG_BUF_INIT;
  for (size_t i = 0; i <= np; i++) {
    if (i < np && v[i] >= 0) {
      sectag_buf_printf(&pts, "%s%.1f,%.1f", pts.len ? " " : "", PX(i),
                        TM + ph - v[i] / top * ph);
      continue;
    }
    if (pts.len) {
      S_start(r, "polyline");
      S_attr(r, "points", pts.ptr);
      S_attr(r, "fill", "none");
      S_attr(r, "stroke", col);
      S_attr(r, "stroke-width", "2");
      if (S_pol_dash[pol]) S_attr(r, "stroke-dasharray", S_pol_dash[pol]);
      S_end_void(r);
      sectag_buf_clear(&pts);
    }
  }
  sectag_buf_free(&pts);
  for (size_t i = 0; i < np; i++) {
    if (v[i] < 0) continue;
    char s[32];
    S_period_label(r, i, s, sizeof s);
    S_start(r, "g");
    S_start(r, "title");
    S_textf(r, "%s: %zu matches in %.0f words (%.1f per 10,000)", s,
            r->pcodes[i * r->ncodes + c], r->ptokens[i], v[i]);
    S_end(r);
    S_marker(r, pol, PX(i), TM + ph - v[i] / top * ph);
    S_end_void(r);
  }
#undef PX
  S_end_void(r); /* svg */
  free(v);
}

/* ---- sections */

static void S_totals(S_rep *r) {
  S_start(r, "section");
  S_attr(r, "id", "totals");
  S_elem(r, "h2", NULL, "Corpus");
  S_start(r, "table");
  S_attr(r, "class", "totals");
  S_start(r, "tbody");
  char s[96];
#define ROW(label, val)                                                                          \
  do {                                                                                           \
    S_start(r, "tr");                                                                            \
    S_elem(r, "th", NULL, label);                                                                \
    S_elem(r, "td", "n", val);                                                               \
    S_end(r);                                                                                    \
  } while (0)
  S_count_str((double)r->docs.nrows, s, sizeof s);
  ROW("documents", s);
  S_count_str(r->tokens, s, sizeof s);
  ROW("words (coded word tokens)", s);
  S_count_str((double)r->nmatches, s, sizeof s);
  ROW("matches", s);
  for (int p = 0; p < P_N; p++) {
    char lab[64], v[64];
    snprintf(lab, sizeof lab, "  %s matches", S_pol_name[p]);
    S_count_str((double)r->pol[p], v, sizeof v);
    if (r->tokens > 0)
      snprintf(s, sizeof s, "%s (%.1f per 10,000 words)", v, r->pol[p] * 10000.0 / r->tokens);
    else
      snprintf(s, sizeof s, "%s", v);
    ROW(lab, s);
  }
  S_count_str((double)r->ngroups, s, sizeof s);
  ROW("groups", s);
  S_count_str((double)r->nspeakers, s, sizeof s);
  ROW("speakers", s);
  if (r->dated) {
    snprintf(s, sizeof s, "%s to %s", r->dmin, r->dmax);
    ROW("dates", s);
  } else {
    ROW("dates", "no document is dated");
  }
  if (r->undated) {
    S_count_str((double)r->undated, s, sizeof s);
    ROW("undated documents", s);
  }
#undef ROW
  S_end(r);
  S_end(r);
  S_end(r);
}

static void S_balance(S_rep *r) {
  S_start(r, "section");
  S_attr(r, "id", "balance");
  S_elem(r, "h2", NULL, "Securitizing and desecuritizing language by group");
  if (!r->ngroups) {
    S_note(r, "The OUTDIR has no documents.");
    S_end(r);
    return;
  }
  S_start(r, "figure");
  S_bar_chart(r);
  S_start(r, "figcaption");
  S_text(r, "Matches of securitizing codes (solid bars) and desecuritizing codes (hatched bars) "
            "per 10,000 words of each group. Each match counts once, under its code's "
            "polarity; the same numbers as ");
  S_elem(r, "code", NULL, "sectag compare --balance");
  S_text(r, ".");
  S_end(r);
  S_end(r);
  S_start(r, "table");
  S_attr(r, "class", "balance");
  S_start(r, "thead");
  S_start(r, "tr");
  S_th(r, "group", 0);
  S_th(r, "documents", 1);
  S_th(r, "words", 1);
  S_th(r, "securitizing", 1);
  S_th(r, "per 10k", 1);
  S_th(r, "desecuritizing", 1);
  S_th(r, "per 10k", 1);
  S_th(r, "securitizing share", 1);
  S_end(r);
  S_end(r);
  S_start(r, "tbody");
  for (size_t g = 0; g < r->ngroups; g++) {
    const S_group *gr = &r->groups[g];
    S_start(r, "tr");
    S_elem(r, "td", NULL, gr->name);
    S_td_count(r, (double)gr->docs);
    S_td_count(r, gr->tokens);
    S_td_count(r, (double)gr->pol[P_SEC]);
    S_td_rate(r, (double)gr->pol[P_SEC], gr->tokens);
    S_td_count(r, (double)gr->pol[P_DESEC]);
    S_td_rate(r, (double)gr->pol[P_DESEC], gr->tokens);
    char s[32];
    size_t n = gr->pol[P_SEC] + gr->pol[P_DESEC];
    if (n)
      snprintf(s, sizeof s, "%.2f", (double)gr->pol[P_SEC] / (double)n);
    else
      snprintf(s, sizeof s, "NA");
    S_elem(r, "td", "n", s);
    S_end(r);
  }
  S_end(r);
  S_end(r);
  S_end(r);
}

static void S_series(S_rep *r) {
  S_start(r, "section");
  S_attr(r, "id", "time");
  S_elem(r, "h2", NULL, "Codes over time");
  if (!r->dated) {
    S_note(r, "No document has a date, so there is no time series. Give dates with "
              "--manifest, --meta-from-name or a date line, and run sectag code again.");
    S_end(r);
    return;
  }
  size_t empty = 0;
  for (size_t i = 0; i < r->nperiods; i++)
    if (!(r->ptokens[i] > 0)) empty++;
  S_start(r, "p");
  S_textf(r,
          "Matches per 10,000 words of each code (with its sub-codes) by %s, from %zu dated "
          "document%s. ",
          r->by_month ? "month" : "year", r->dated, r->dated == 1 ? "" : "s");
  S_textf(r, "By %s because the dates span %s%zu %s%s. ", r->by_month ? "month" : "year",
          r->by_month ? "only " : "", r->nperiods, r->by_month ? "month" : "year",
          r->nperiods == 1 ? "" : "s");
  if (empty)
    S_textf(r, "%zu of %zu %ss have no documents: the line breaks there. ", empty, r->nperiods,
            r->by_month ? "month" : "year");
  if (r->undated)
    S_textf(r, "%zu undated document%s left out.", r->undated,
            r->undated == 1 ? " is" : "s are");
  S_end(r);
  size_t shown = 0;
  S_start(r, "div");
  S_attr(r, "class", "charts");
  for (size_t c = 0; c < r->ncodes; c++) {
    if (!r->codes[c].total) continue;
    shown++;
    S_start(r, "figure");
    S_line_chart(r, c);
    S_start(r, "figcaption");
    S_start(r, "code");
    S_text(r, r->codes[c].id);
    S_end(r);
    if (r->codes[c].label) S_textf(r, " %s", r->codes[c].label);
    S_end(r);
    S_end(r);
  }
  S_end(r);
  if (!shown) S_note(r, "No code has a match.");
  S_end(r);
}

typedef struct {
  size_t code;
  size_t n;
} S_cn;
static int S_cmp_cn(const void *a, const void *b) {
  const S_cn *x = a, *y = b;
  if (x->n != y->n) return x->n < y->n ? 1 : -1;
  return x->code < y->code ? -1 : x->code > y->code;
}

static void S_group_codes(S_rep *r, const S_group *gr) {
  S_cn *v = sectag_xmalloc((r->ncodes + 1) * sizeof *v);
  size_t n = 0;
  for (size_t c = 0; c < r->ncodes; c++)
    if (gr->codes[c]) v[n++] = (S_cn){c, gr->codes[c]};
  sectag_sort(v, n, sizeof *v, S_cmp_cn);
  size_t top = r->opt->top && r->opt->top < n ? r->opt->top : n;
  S_elem(r, "h4", NULL, "Most frequent codes");
  if (!n) {
    S_note(r, "No code has a match in this group.");
    free(v);
    return;
  }
  S_start(r, "table");
  S_attr(r, "class", "topcodes");
  S_start(r, "thead");
  S_start(r, "tr");
  S_th(r, "code", 0);
  S_th(r, "polarity", 0);
  S_th(r, "matches", 1);
  S_th(r, "per 10k", 1);
  S_end(r);
  S_end(r);
  S_start(r, "tbody");
  for (size_t i = 0; i < top; i++) {
    const S_code *c = &r->codes[v[i].code];
    S_start(r, "tr");
    S_start(r, "td");
    S_start(r, "code");
    if (c->label) S_attr(r, "title", c->label);
    S_text(r, c->id);
    S_end(r);
    S_end(r);
    S_td_pol(r, c->pol);
    S_td_count(r, (double)v[i].n);
    S_td_rate(r, (double)v[i].n, gr->tokens);
    S_end(r);
  }
  S_end(r);
  S_end(r);
  if (top < n)
    S_note(r, "%zu of %zu codes shown (--top).", top, n);
  free(v);
}

/* The key terms of one group against all the others, from the tables
 * read once for every group (key; NULL when they could not be read, and
 * key_err says why). */
static void S_group_terms(S_rep *r, const S_group *gr, sectag_compare *key,
                          const sectag_error *key_err) {
  S_elem(r, "h4", NULL, "Key terms");
  if (r->ngroups < 2) {
    S_note(r, "Key terms compare a group with the others; this corpus has one group.");
    return;
  }
  sectag_compare_result res;
  memset(&res, 0, sizeof res);
  sectag_error e = SECTAG_ERROR_INIT;
  if (!key) sectag_error_copy(&e, key_err);
  if (!key || sectag_compare_keyness(key, gr->name, &res, &e) != 0) {
    const char *why = e.message ? e.message : "the comparison failed";
    S_note(r, "No key terms: %s", why);
    S_warn(r, NULL, "key terms of the group '%s': %s", gr->name, why);
    sectag_error_clear(&e);
    return;
  }
  /* columns: feature,kind,f_target,f_reference,n_target,n_reference,G2,p,chi2,log_ratio,pct_diff */
  size_t nc = res.ncols, shown = 0, positive = 0;
  for (size_t i = 0; i < res.nrows; i++)
    if (S_num(res.cells[i * nc + 6]) > 0) positive++;
  size_t top = r->opt->top && r->opt->top < positive ? r->opt->top : positive;
  if (!positive) {
    S_note(r, "No term is more frequent here than in the other groups.");
  } else {
    S_start(r, "table");
    S_attr(r, "class", "keyterms");
    S_start(r, "thead");
    S_start(r, "tr");
    S_th(r, "term", 0);
    S_th(r, "here", 1);
    S_th(r, "others", 1);
    S_th(r, "G2", 1);
    S_th(r, "p", 1);
    S_th(r, "log ratio", 1);
    S_end(r);
    S_end(r);
    S_start(r, "tbody");
    for (size_t i = 0; i < res.nrows && shown < top; i++) {
      char **row = res.cells + i * nc;
      if (!(S_num(row[6]) > 0)) continue;
      shown++;
      S_start(r, "tr");
      S_elem(r, "td", NULL, row[0]);
      S_elem(r, "td", "n", row[2]);
      S_elem(r, "td", "n", row[3]);
      S_elem(r, "td", "n", row[6]);
      S_elem(r, "td", "n", row[7]);
      S_elem(r, "td", "n", row[9]);
      S_end(r);
    }
    S_end(r);
    S_end(r);
    if (top < positive) S_note(r, "%zu of %zu terms with a positive G2 shown (--top).", top, positive);
  }
  sectag_compare_result_free(&res);
}

static void S_groups(S_rep *r) {
  S_start(r, "section");
  S_attr(r, "id", "groups");
  S_elem(r, "h2", NULL, "Groups: top codes and key terms");
  S_start(r, "p");
  S_text(r, "Codes count the matches of a code and its sub-codes (codes.csv), so a parent "
            "code includes its children. Key terms are the word forms of terms.csv most "
            "over-represented in the group against all other groups together, by signed "
            "log-likelihood G2 (as sectag compare --target GROUP --kind term); G2 above 3.84 "
            "corresponds to p below 0.05, and log ratio +1 means twice as frequent.");
  if (r->opt->stopwords) S_text(r, " Stopwords are left out.");
  S_end(r);
  sectag_compare *key = NULL;
  sectag_error key_err = SECTAG_ERROR_INIT;
  if (r->ngroups >= 2) {
    const char *dirs[1] = {r->opt->outdir};
    sectag_compare_options co;
    memset(&co, 0, sizeof co);
    co.outdirs = dirs;
    co.noutdirs = 1;
    co.kinds = SECTAG_KIND_TERM;
    co.min_freq = r->opt->min_freq;
    co.stopwords = r->opt->stopwords;
    key = sectag_compare_open(&co, &key_err);
  }
  S_start(r, "div");
  S_attr(r, "class", "groups");
  for (size_t g = 0; g < r->ngroups; g++) {
    const S_group *gr = &r->groups[g];
    S_start(r, "section");
    S_elem(r, "h3", NULL, gr->name);
    S_note(r, "%zu document%s, %.0f words", gr->docs, gr->docs == 1 ? "" : "s", gr->tokens);
    S_group_codes(r, gr);
    S_group_terms(r, gr, key, &key_err);
    S_end(r);
  }
  S_end(r);
  S_end(r);
  sectag_compare_close(key);
  sectag_error_clear(&key_err);
}

static void S_kwic(S_rep *r) {
  S_start(r, "section");
  S_attr(r, "id", "kwic");
  S_elem(r, "h2", NULL, "Matches in context");
  S_start(r, "p");
  S_text(r, "Every code's matches (rows of matches.csv whose code is exactly this one; a "
            "parent code's table holds only the matches of its own rules), in document order, "
            "with up to 8 words of context on each side.");
  if (r->opt->kwic_limit)
    S_textf(r, " At most %zu rows per code (--kwic-limit).", r->opt->kwic_limit);
  S_end(r);
  size_t without = 0;
  for (size_t c = 0; c < r->ncodes; c++) {
    const S_code *code = &r->codes[c];
    if (!code->own) {
      without++;
      continue;
    }
    S_start(r, "h3");
    S_start(r, "code");
    S_text(r, code->id);
    S_end(r);
    if (code->label) S_textf(r, " %s", code->label);
    S_textf(r, " (%s, %zu match%s)", S_pol_name[code->pol], code->own,
            code->own == 1 ? "" : "es");
    S_end(r);
    S_start(r, "table");
    S_attr(r, "class", "kwic");
    S_attrf(r, "id", "kwic-%s", code->id);
    S_attr(r, "data-code", code->id);
    S_attrf(r, "data-matches", "%zu", code->own);
    S_start(r, "thead");
    S_start(r, "tr");
    S_th(r, "document", 0);
    S_th(r, "date", 0);
    S_th(r, "speaker", 0);
    S_th(r, "left", 1);
    S_th(r, "match", 0);
    S_th(r, "right", 0);
    S_th(r, "rule", 0);
    S_end(r);
    S_end(r);
    S_start(r, "tbody");
    for (size_t i = 0; i < code->nkw; i++) {
      const S_kw *w = &code->kw[i];
      S_start(r, "tr");
      S_elem(r, "td", "nw", w->doc);
      S_elem(r, "td", "nw", w->date);
      S_elem(r, "td", NULL, w->speaker);
      S_elem(r, "td", "left", w->left);
      S_start(r, "td");
      S_attr(r, "class", "kw");
      S_start(r, "mark");
      S_attr(r, "class", S_pol_class[code->pol]);
      S_attrf(r, "title", "%s (%s); rule %s", code->id, S_pol_name[code->pol], w->rule);
      S_text(r, w->text);
      S_end(r);
      S_end(r);
      S_elem(r, "td", "right", w->right);
      S_elem(r, "td", NULL, w->rule);
      S_end(r);
    }
    S_end(r);
    S_end(r);
    if (code->nkw < code->own)
      S_note(r, "%zu of %zu matches shown; %zu left out (--kwic-limit 0 shows all, and sectag "
                "kwic %s --code %s lists them).",
             code->nkw, code->own, code->own - code->nkw, r->opt->outdir, code->id);
  }
  if (without) {
    S_start(r, "p");
    S_attr(r, "class", "note");
    S_textf(r, "%zu code%s no match%s of %s own:", without, without == 1 ? " has" : "s have",
            without == 1 ? "" : "es", without == 1 ? "its" : "their");
    size_t k = 0;
    for (size_t c = 0; c < r->ncodes; c++) {
      if (r->codes[c].own) continue;
      S_text(r, k++ ? ", " : " ");
      S_start(r, "code");
      S_text(r, r->codes[c].id);
      S_end(r);
    }
    S_text(r, ".");
    S_end(r);
  }
  if (!r->nmatches) S_note(r, "The corpus has no matches.");
  S_end(r);
}

/* ---- the document view */

typedef struct {
  size_t start, end;
  size_t idx;
} S_iv;
static int S_cmp_iv(const void *a, const void *b) {
  const S_iv *x = a, *y = b;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  if (x->end != y->end) return x->end < y->end ? -1 : 1;
  return x->idx < y->idx ? -1 : x->idx > y->idx;
}
static int S_cmp_size(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return x < y ? -1 : x > y;
}

/* The text [body, cut) with matches as <mark> (code, rule and polarity in
 * the title) and hidden text (labels, titles) greyed. Overlapping matches
 * (overlap: all) are cut into pieces at every boundary, each piece marked
 * with every match that covers it. */
static void S_doc_text(S_rep *r, const sectag_tei_doc *t, size_t from, size_t cut) {
  const sectag_doc *d = t->doc;
  size_t ns = t->nspans, nh = d->nhidden;
  size_t *b = sectag_xmalloc((2 * ns + 2 * nh + 2) * sizeof *b), nb = 0;
  S_iv *sp = sectag_xmalloc((ns + 1) * sizeof *sp);
  size_t nsp = 0;
  b[nb++] = from;
  b[nb++] = cut;
  for (size_t i = 0; i < ns; i++) {
    size_t s = t->spans[i].start, e = t->spans[i].end;
    if (s < from) s = from;
    if (e > cut) e = cut;
    if (s >= e) continue;
    sp[nsp++] = (S_iv){s, e, i};
    b[nb++] = s;
    b[nb++] = e;
  }
  for (size_t i = 0; i < nh; i++) {
    size_t s = d->hidden[i].start, e = d->hidden[i].end;
    if (s < from) s = from;
    if (e > cut) e = cut;
    if (s >= e) continue;
    b[nb++] = s;
    b[nb++] = e;
  }
  sectag_sort(b, nb, sizeof *b, S_cmp_size);
  sectag_sort(sp, nsp, sizeof *sp, S_cmp_iv);
  size_t *active = sectag_xmalloc((nsp + 1) * sizeof *active), na = 0, next = 0, hi = 0;
  sectag_buf title = SECTAG_BUF_INIT;
  for (size_t k = 0; k + 1 < nb; k++) {
    size_t s = b[k], e = b[k + 1];
    if (s >= e) continue;
    /* drop ended matches, add started ones */
    size_t j = 0;
    for (size_t i = 0; i < na; i++)
      if (sp[active[i]].end > s) active[j++] = active[i];
    na = j;
    while (next < nsp && sp[next].start <= s) {
      if (sp[next].end > s) active[na++] = next;
      next++;
    }
    while (hi < nh && d->hidden[hi].end <= s) hi++;
    int hidden = hi < nh && d->hidden[hi].start <= s;
    if (hidden) {
      S_start(r, "span");
      S_attr(r, "class", "hid");
      S_textn(r, d->text + s, e - s);
      S_end(r);
    } else if (na) {
      int pol = -1;
      sectag_buf_clear(&title);
      for (size_t i = 0; i < na; i++) {
        const sectag_tei_span *x = &t->spans[sp[active[i]].idx];
        long c = S_code_find(r, x->code);
        int p = c >= 0 ? r->codes[c].pol : P_NEU;
        pol = pol < 0 || pol == p ? p : P_N; /* P_N: mixed */
        sectag_buf_printf(&title, "%s%s", i ? "; " : "", x->code);
        if (c >= 0 && r->codes[c].label) sectag_buf_printf(&title, " %s", r->codes[c].label);
        sectag_buf_printf(&title, " (%s); rule %s", S_pol_name[p], x->rule ? x->rule : "?");
      }
      S_start(r, "mark");
      S_attr(r, "class", pol == P_N ? "mix" : S_pol_class[pol]);
      S_attr(r, "title", title.ptr);
      S_textn(r, d->text + s, e - s);
      S_end(r);
    } else {
      S_textn(r, d->text + s, e - s);
    }
  }
  sectag_buf_free(&title);
  free(active);
  free(sp);
  free(b);
}

static void S_document(S_rep *r, size_t row) {
  const char *id = sectag_table_get(&r->docs, row, r->d_id);
  S_start(r, "article");
  S_attrf(r, "id", "doc-%s", id);
  S_attr(r, "class", "document");
  S_start(r, "h3");
  S_text(r, id);
  S_end(r);
  const char *date = sectag_table_get(&r->docs, row, r->d_date),
             *title = sectag_table_get(&r->docs, row, r->d_title);
  S_note(r, "%s%s%s%s%s; %.0f words", *title ? title : "", *title ? "; " : "",
         *date ? date : "no date", "; ", r->groups[r->doc_group[row]].name,
         S_num(sectag_table_get(&r->docs, row, r->d_tokens)));
  sectag_tei_doc t;
  memset(&t, 0, sizeof t);
  sectag_error e = SECTAG_ERROR_INIT;
  int rc;
  if (!sectag_outdir_safe_id(id)) {
    sectag_error_set(&e, SECTAG_ERR_INPUT, r->docs.path, r->docs.lines[row], 0,
                     "the doc_id '%s' is not a safe file name; left out", id);
    rc = -1;
  } else {
    char *dir = sectag_path_join(r->opt->outdir, "tei", NULL);
    char *p = sectag_path_join(dir, id, NULL);
    sectag_buf path = SECTAG_BUF_INIT;
    sectag_buf_printf(&path, "%s.xml", p);
    size_t slen = 0;
    char *src = sectag_outdir_source(&r->docs, row, r->d_format, r->d_path, &slen);
    rc = sectag_tei_doc_load(&t, path.ptr, id, src, slen, &e);
    free(src);
    sectag_buf_free(&path);
    free(p);
    free(dir);
  }
  if (rc != 0) {
    r->sum->failed++;
    S_note(r, "The text cannot be shown: %s", e.message ? e.message : "the TEI file cannot be read");
    if (r->opt->report) r->opt->report(r->opt->userdata, &e);
    sectag_error_clear(&e);
    S_end(r);
    return;
  }
  if (t.unresolved)
    S_warn(r, NULL, "%s: %zu match%s of the TEI file point nowhere and are not highlighted", id,
           t.unresolved, t.unresolved == 1 ? "" : "es");
  const sectag_doc *d = t.doc;
  size_t from = d->body, end = d->len, cut = end, limit = r->opt->doc_bytes;
  if (limit && end - from > limit) {
    cut = from + limit;
    while (cut > from && ((unsigned char)d->text[cut] & 0xC0) == 0x80) cut--;
  }
  S_start(r, "div");
  S_attr(r, "class", "doctext");
  S_doc_text(r, &t, from, cut);
  S_end(r);
  if (cut < end)
    S_note(r, "Text cut after %zu of %zu bytes (--doc-bytes); the whole text is in tei/%s.xml.",
           cut - from, end - from, id);
  sectag_tei_doc_free(&t);
  S_end(r);
}

static void S_documents(S_rep *r) {
  S_start(r, "section");
  S_attr(r, "id", "documents");
  S_elem(r, "h2", NULL, "Documents");
  size_t nd = r->docs.nrows, show = r->opt->docs && r->opt->docs < nd ? r->opt->docs : nd;
  S_start(r, "p");
  S_attr(r, "class", "legend");
  S_text(r, "Coded segments: ");
  for (int p = 0; p < P_N; p++) {
    S_start(r, "mark");
    S_attr(r, "class", S_pol_class[p]);
    S_text(r, S_pol_name[p]);
    S_end(r);
  }
  S_start(r, "mark");
  S_attr(r, "class", "mix");
  S_text(r, "overlapping codes");
  S_end(r);
  S_text(r, "(underline solid, dashed, dotted, double). Point at a segment to see its code "
            "and rule; speaker labels and titles are grey.");
  S_end(r);
  if (show < nd)
    S_note(r, "The first %zu of %zu documents (documents.csv order) are shown; %zu left out "
              "(--docs 0 shows all).",
           show, nd, nd - show);
  r->sum->shown = show;
  for (size_t i = 0; i < show; i++) S_document(r, i);
  S_end(r);
}

static void S_html(S_rep *r) {
  X(xmlTextWriterWriteRaw(r->w, BAD_CAST "<!DOCTYPE html>\n"));
  S_start(r, "html");
  S_attr(r, "lang", "en");
  S_start(r, "head");
  S_start(r, "meta");
  S_attr(r, "charset", "utf-8");
  S_end_void(r);
  S_start(r, "meta");
  S_attr(r, "name", "viewport");
  S_attr(r, "content", "width=device-width, initial-scale=1");
  S_end_void(r);
  S_start(r, "meta");
  S_attr(r, "name", "generator");
  S_attrf(r, "content", "sectag %s", SECTAG_VERSION);
  S_end_void(r);
  const char *title = r->opt->title ? r->opt->title : "sectag report";
  S_elem(r, "title", NULL, title);
  S_start(r, "style");
  X(xmlTextWriterWriteRaw(r->w, BAD_CAST S_css));
  S_end(r);
  S_end(r); /* head */
  X(xmlTextWriterWriteRaw(r->w, BAD_CAST "\n"));
  S_start(r, "body");
  S_start(r, "header");
  S_elem(r, "h1", NULL, title);
  S_start(r, "p");
  S_text(r, "OUTDIR ");
  S_elem(r, "code", NULL, r->opt->outdir);
  if (r->cb_title || r->cb_path) {
    S_text(r, ", coded with the codebook ");
    S_elem(r, "code", NULL, r->cb_title ? r->cb_title : r->cb_path);
    if (r->cb_title && r->cb_path) S_textf(r, " (%s)", r->cb_path);
  }
  if (r->version) S_textf(r, " by sectag %s", r->version);
  S_text(r, ".");
  S_end(r);
  S_start(r, "nav");
  S_start(r, "ul");
  static const char *const toc[][2] = {{"#totals", "Corpus"},
                                       {"#balance", "Balance by group"},
                                       {"#time", "Codes over time"},
                                       {"#groups", "Top codes and key terms"},
                                       {"#kwic", "Matches in context"},
                                       {"#documents", "Documents"}};
  for (size_t i = 0; i < sizeof toc / sizeof *toc; i++) {
    S_start(r, "li");
    S_start(r, "a");
    S_attr(r, "href", toc[i][0]);
    S_text(r, toc[i][1]);
    S_end(r);
    S_end(r);
  }
  S_end(r);
  S_end(r);
  S_end(r); /* header */
  X(xmlTextWriterWriteRaw(r->w, BAD_CAST "\n"));
  S_start(r, "main");
  S_totals(r);
  S_balance(r);
  S_series(r);
  S_groups(r);
  S_kwic(r);
  S_documents(r);
  S_end(r);
  S_start(r, "footer");
  S_note(r, "Made by sectag report %s from the tables and TEI files of the OUTDIR; see "
            "docs/report.md for how every number is computed.",
         SECTAG_VERSION);
  S_end(r);
  S_end(r); /* body */
  S_end(r); /* html */
  X(xmlTextWriterWriteRaw(r->w, BAD_CAST "\n"));
}

int sectag_report_build(const sectag_report_options *opt, sectag_buf *html,
                        sectag_report_summary *sum, sectag_error *err) {
  sectag_report_summary dummy;
  if (!sum) sum = &dummy;
  memset(sum, 0, sizeof *sum);
  S_rep rr;
  memset(&rr, 0, sizeof rr);
  S_rep *r = &rr;
  r->opt = opt;
  r->err = err;
  r->sum = sum;
  if (!opt->outdir) {
    sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0, "no OUTDIR given");
    return -1;
  }
  if (S_load(r) != 0) {
    S_free(r);
    return -1;
  }
  sum->documents = r->docs.nrows;
  xmlBufferPtr xb = xmlBufferCreate();
  if (xb) xmlBufferSetAllocationScheme(xb, XML_BUFFER_ALLOC_DOUBLEIT);
  r->w = xb ? xmlNewTextWriterMemory(xb, 0) : NULL;
  if (!r->w) {
    xmlBufferFree(xb);
    S_free(r);
    sectag_error_set(err, SECTAG_ERR_OUTPUT, NULL, 0, 0, "cannot create the HTML writer");
    return -1;
  }
  S_html(r);
  X(xmlTextWriterFlush(r->w));
  xmlFreeTextWriter(r->w);
  int bad = r->bad;
  if (!bad) sectag_buf_put(html, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
  xmlBufferFree(xb);
  S_free(r);
  if (bad) {
    sectag_error_set(err, SECTAG_ERR_OUTPUT, NULL, 0, 0, "the HTML writer failed");
    return -1;
  }
  return 0;
}

int sectag_report_write(const sectag_report_options *opt, const char *path,
                        sectag_report_summary *sum, sectag_error *err) {
  sectag_buf html = SECTAG_BUF_INIT;
  if (sectag_report_build(opt, &html, sum, err) != 0) {
    sectag_buf_free(&html);
    return -1;
  }
  sectag_out out;
  memset(&out, 0, sizeof out);
  int rc = sectag_out_open(&out, path, err);
  if (rc == 0) {
    sectag_out_write(&out, html.ptr, html.len);
    rc = sectag_out_commit(&out, err);
  }
  sectag_buf_free(&html);
  return rc;
}
