/* date.c: reading dates written the ways Mexican and US transcripts write
 * them, and the periods table (TSV of start, end, label) that turns a date
 * into a presidency or any other span a researcher groups documents by.
 *
 * Dates are parsed over tokens of a normalized copy of the text (utf8proc:
 * compatibility decomposition, marks stripped, case folded), so "Junio",
 * "JUNIO" and "Sábado"/"sabado" compare alike and "1º" becomes "1o". A small
 * set of token patterns covers the formats; sectag_date_find() tries them at
 * every token and is stricter about separators, because in prose a number
 * after a month is not always a year ("el 15 de junio 2000 personas"). */
#include "date.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "buf.h"
#include "error.h"

/* ------------------------------------------------------------ calendar */

static int S_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int S_days_in_month(int y, int m) {
  static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && S_leap(y) ? 29 : days[m - 1];
}

/* Years outside 1000-2999 are refused: in a transcript they are page numbers,
 * amounts or typos, never the date of a speech. */
static int S_valid(int y, int m, int d) {
  if (y < 1000 || y > 2999 || m < 1 || m > 12) return 0;
  return d == 0 || (d >= 1 && d <= S_days_in_month(y, m));
}

/* Days since 1970-01-01 (proleptic Gregorian; H. Hinnant's days_from_civil). */
static long S_day_number(int y, int m, int d) {
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400;
  long yoe = y - era * 400;
  long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/* m = 0 means the whole year, d = 0 the whole month. */
static void S_write_iso(char iso[11], int y, int m, int d) {
  /* callers pass a year of 4 digits, a month 1-12 and a day 1-31; the masks
   * tell the compiler so (and keep a bad value from overflowing) */
  y = y < 0 ? 0 : y % 10000;
  m = m < 0 ? 0 : m % 100;
  d = d < 0 ? 0 : d % 100;
  if (m == 0)
    snprintf(iso, 11, "%04d", y);
  else if (d == 0)
    snprintf(iso, 11, "%04d-%02d", y, m);
  else
    snprintf(iso, 11, "%04d-%02d-%02d", y, m, d);
}

/* --------------------------------------------------------------- tokens */

typedef enum { S_NUM, S_WORD, S_PUNCT } S_kind;

typedef struct {
  S_kind kind;
  const char *s; /* into the normalized text */
  size_t n;
  long val;         /* S_NUM: the value, or -1 when over 6 digits */
  int32_t cp;       /* S_PUNCT: the code point */
  int space_before; /* white space (or the start) precedes it */
} S_tok;

typedef struct {
  char *norm; /* owned: utf8proc's normalized copy */
  S_tok *v;
  size_t n, cap;
} S_toks;

static int S_is_space(int32_t c) {
  if (c == ' ' || (c >= 0x09 && c <= 0x0D)) return 1;
  return utf8proc_category(c) == UTF8PROC_CATEGORY_ZS;
}

static int S_is_letter(int32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  utf8proc_category_t k = utf8proc_category(c);
  return k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_ME;
}

static void S_push(S_toks *t, S_tok tok) {
  if (t->n == t->cap) {
    t->cap = t->cap ? t->cap * 2 : 16;
    t->v = sectag_xrealloc(t->v, t->cap * sizeof *t->v);
  }
  t->v[t->n++] = tok;
}

static void S_toks_free(S_toks *t) {
  free(t->norm);
  free(t->v);
}

/* Normalizes s and splits it into numbers, words and single punctuation
 * marks. Returns -1 when s is not valid UTF-8. */
static int S_tokenize(const char *s, size_t len, S_toks *t) {
  memset(t, 0, sizeof *t);
  if (!s) return -1;
  if (len > (size_t)1 << 30) return -1; /* a line, not a book */
  utf8proc_uint8_t *out = NULL;
  utf8proc_ssize_t n =
      utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &out,
                   UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK |
                       UTF8PROC_CASEFOLD);
  if (n < 0) return -1;
  t->norm = (char *)out;
  const utf8proc_uint8_t *p = out;
  utf8proc_ssize_t i = 0;
  int space = 1;
  while (i < n) {
    int32_t c;
    utf8proc_ssize_t k = utf8proc_iterate(p + i, n - i, &c);
    if (k <= 0) return -1; /* cannot happen after utf8proc_map */
    if (S_is_space(c)) {
      space = 1;
      i += k;
      continue;
    }
    S_tok tok = {S_PUNCT, (const char *)p + i, (size_t)k, 0, c, space};
    space = 0;
    if (c >= '0' && c <= '9') {
      utf8proc_ssize_t j = i;
      long v = 0;
      while (j < n && p[j] >= '0' && p[j] <= '9') {
        if (v >= 0) v = j - i < 6 ? v * 10 + (p[j] - '0') : -1;
        j++;
      }
      tok.kind = S_NUM;
      tok.n = (size_t)(j - i);
      tok.val = v;
      i = j;
    } else if (S_is_letter(c)) {
      utf8proc_ssize_t j = i;
      while (j < n) {
        int32_t d;
        utf8proc_ssize_t m = utf8proc_iterate(p + j, n - j, &d);
        if (m <= 0 || !S_is_letter(d)) break;
        j += m;
      }
      tok.kind = S_WORD;
      tok.n = (size_t)(j - i);
      i = j;
    } else {
      i += k;
    }
    S_push(t, tok);
  }
  return 0;
}

/* ------------------------------------------------------------ patterns */

typedef struct {
  const char *name;
  int month;
  int dot; /* only with a period after it: "set." (setiembre), not "set" */
} S_name;

/* Normalized spellings (lower case, no accents). Abbreviations may carry a
 * period, which the pattern code consumes. */
static const S_name S_months[] = {
    {"enero", 1, 0}, {"ene", 1, 0}, {"january", 1, 0}, {"jan", 1, 0},
    {"febrero", 2, 0}, {"feb", 2, 0}, {"february", 2, 0},
    {"marzo", 3, 0}, {"mar", 3, 0}, {"march", 3, 0},
    {"abril", 4, 0}, {"abr", 4, 0}, {"april", 4, 0}, {"apr", 4, 0},
    {"mayo", 5, 0}, {"may", 5, 0},
    {"junio", 6, 0}, {"jun", 6, 0}, {"june", 6, 0},
    {"julio", 7, 0}, {"jul", 7, 0}, {"july", 7, 0},
    {"agosto", 8, 0}, {"ago", 8, 0}, {"august", 8, 0}, {"aug", 8, 0},
    {"septiembre", 9, 0}, {"setiembre", 9, 0}, {"sep", 9, 0}, {"sept", 9, 0},
    {"set", 9, 1}, {"september", 9, 0},
    {"octubre", 10, 0}, {"oct", 10, 0}, {"october", 10, 0},
    {"noviembre", 11, 0}, {"nov", 11, 0}, {"november", 11, 0},
    {"diciembre", 12, 0}, {"dic", 12, 0}, {"december", 12, 0}, {"dec", 12, 0},
};

static const char *const S_weekdays[] = {
    "lunes",  "martes",  "miercoles", "jueves",   "viernes", "sabado",   "domingo",
    "lun",    "mar",     "mie",       "jue",      "vie",     "sab",      "dom",
    "monday", "tuesday", "wednesday", "thursday", "friday",  "saturday", "sunday",
    "mon",    "tue",     "tues",      "wed",      "thu",     "thur",     "thurs",
    "fri",    "sat",     "sun",
};

/* Ordinal suffixes after a day: 1o (and 1º, which normalizes to 1o), 1er,
 * 1ro, 1st, 2nd, 3rd, 15th. */
static const char *const S_ordinals[] = {"o", "a", "er", "ro", "st", "nd", "rd", "th"};

static int S_word_is(const S_tok *t, const char *w) {
  size_t n = strlen(w);
  return t->kind == S_WORD && t->n == n && memcmp(t->s, w, n) == 0;
}

static int S_punct_is(const S_toks *t, size_t i, int32_t c) {
  return i < t->n && t->v[i].kind == S_PUNCT && t->v[i].cp == c;
}

/* A number of min..max digits at i (max <= 6). */
static int S_num(const S_toks *t, size_t i, size_t min, size_t max) {
  return i < t->n && t->v[i].kind == S_NUM && t->v[i].n >= min && t->v[i].n <= max;
}

/* The same, glued to the token before it (no white space between). */
static int S_num_adj(const S_toks *t, size_t i, size_t min, size_t max) {
  return S_num(t, i, min, max) && !t->v[i].space_before;
}

static int S_punct_adj(const S_toks *t, size_t i, int32_t c) {
  return S_punct_is(t, i, c) && !t->v[i].space_before;
}

static int S_connector(const S_toks *t, size_t i, const char *a, const char *b) {
  return i < t->n && (S_word_is(&t->v[i], a) || (b && S_word_is(&t->v[i], b)));
}

/* A month name at *i (and a period after it); advances *i. Returns 1-12 or 0. */
static int S_month(const S_toks *t, size_t *i) {
  if (*i >= t->n || t->v[*i].kind != S_WORD) return 0;
  for (size_t k = 0; k < sizeof S_months / sizeof S_months[0]; k++) {
    if (!S_word_is(&t->v[*i], S_months[k].name)) continue;
    int dot = S_punct_adj(t, *i + 1, '.');
    if (S_months[k].dot && !dot) return 0;
    *i += 1 + (size_t)dot;
    return S_months[k].month;
  }
  return 0;
}

static int S_weekday(const S_toks *t, size_t i) {
  if (i >= t->n) return 0;
  for (size_t k = 0; k < sizeof S_weekdays / sizeof S_weekdays[0]; k++)
    if (S_word_is(&t->v[i], S_weekdays[k])) return 1;
  return 0;
}

/* Skips an ordinal suffix glued to the day ("1o.", "1°", "15th"). */
static size_t S_skip_ordinal(const S_toks *t, size_t i) {
  if (i >= t->n || t->v[i].space_before) return i;
  if (t->v[i].kind == S_PUNCT && t->v[i].cp == 0xB0) return i + 1; /* 1° */
  for (size_t k = 0; k < sizeof S_ordinals / sizeof S_ordinals[0]; k++) {
    if (!S_word_is(&t->v[i], S_ordinals[k])) continue;
    return S_punct_adj(t, i + 1, '.') ? i + 2 : i + 1;
  }
  return i;
}

/* A full date (day, month and year) starting at token i. strict (prose)
 * demands the usual separators before the year. Returns 1 and sets *end (one
 * past the last token) and y/m/d when the tokens form a date, valid or not. */
static int S_full_date(const S_toks *t, size_t i, int strict, size_t *end, int *y, int *m,
                       int *d) {
  const S_tok *v = t->v;
  /* 2020-06-15 */
  if (S_num(t, i, 4, 4) && S_punct_adj(t, i + 1, '-') && S_num_adj(t, i + 2, 1, 2) &&
      S_punct_adj(t, i + 3, '-') && S_num_adj(t, i + 4, 1, 2)) {
    *y = (int)v[i].val, *m = (int)v[i + 2].val, *d = (int)v[i + 4].val;
    *end = i + 5;
    return 1;
  }
  if (!S_num(t, i, 1, 2)) {
    /* junio 15, 2020 / June 15th, 2020 / Sept. 5, 2019 */
    size_t j = i;
    int month = S_month(t, &j);
    if (!month || !S_num(t, j, 1, 2)) return 0;
    int day = (int)v[j].val;
    j = S_skip_ordinal(t, j + 1);
    if (S_punct_is(t, j, ','))
      j++;
    else if (strict)
      return 0;
    if (!S_num(t, j, 4, 4)) return 0;
    *y = (int)v[j].val, *m = month, *d = day;
    *end = j + 1;
    return 1;
  }
  /* 15/06/2020, 15-06-2020 (day first, as in Mexico) */
  for (int k = 0; k < 2; k++) {
    int32_t sep = k ? '-' : '/';
    if (S_punct_adj(t, i + 1, sep) && S_num_adj(t, i + 2, 1, 2) &&
        S_punct_adj(t, i + 3, sep) && S_num_adj(t, i + 4, 4, 4)) {
      *d = (int)v[i].val, *m = (int)v[i + 2].val, *y = (int)v[i + 4].val;
      *end = i + 5;
      return 1;
    }
  }
  /* 15 de junio de 2020 / 1o. de julio del 2020 / 15 June 2020 / 15th of June, 2020 */
  int day = (int)v[i].val;
  size_t j = S_skip_ordinal(t, i + 1);
  int spanish = S_connector(t, j, "de", NULL);
  if (spanish || S_connector(t, j, "of", NULL)) j++;
  int month = S_month(t, &j);
  if (!month) return 0;
  int comma = S_punct_is(t, j, ',');
  if (comma) j++;
  int de = S_connector(t, j, "de", "del");
  if (de) j++;
  /* In prose "15 de junio 2000 personas" is not a date: after "de <month>"
   * the year needs its own "de"/"del". */
  if (strict && spanish && !de) return 0;
  if (!S_num(t, j, 4, 4)) return 0;
  *y = (int)v[j].val, *m = month, *d = day;
  *end = j + 1;
  return 1;
}

int sectag_date_parse(const char *s, size_t len, char iso[11]) {
  S_toks t;
  if (S_tokenize(s, len, &t) != 0) {
    S_toks_free(&t);
    return -1;
  }
  int ok = 0, y = 0, m = 0, d = 0;
  size_t end;
  /* A weekday in front ("martes 15 de junio", "Monday, June 15") is skipped,
   * not checked: transcripts get it wrong, and the date is what counts. */
  for (size_t start = 0; start < 3 && start < t.n && !ok; start++) {
    if (start == 1 && !S_weekday(&t, 0)) break;
    if (start == 2 && !S_punct_is(&t, 1, ',')) break;
    if (S_full_date(&t, start, 0, &end, &y, &m, &d) && end == t.n) {
      ok = S_valid(y, m, d) && d != 0;
    } else if (start == 0) {
      /* 2020-06, 2020 */
      if (t.n == 1 && S_num(&t, 0, 4, 4)) {
        y = (int)t.v[0].val, m = 0, d = 0;
        ok = S_valid(y, 1, 0);
      } else if (t.n == 3 && S_num(&t, 0, 4, 4) && S_punct_adj(&t, 1, '-') &&
                 S_num_adj(&t, 2, 1, 2)) {
        y = (int)t.v[0].val, m = (int)t.v[2].val, d = 0;
        ok = S_valid(y, m, 0);
      } else {
        /* junio de 2020, June 2020 */
        size_t j = 0;
        int month = S_month(&t, &j);
        if (month && (S_punct_is(&t, j, ',') || S_connector(&t, j, "de", "del"))) j++;
        if (month && j + 1 == t.n && S_num(&t, j, 4, 4)) {
          y = (int)t.v[j].val, m = month, d = 0;
          ok = S_valid(y, m, 0);
        }
      }
    }
  }
  S_toks_free(&t);
  if (!ok) return -1;
  S_write_iso(iso, y, m, d);
  return 0;
}

int sectag_date_find(const char *s, size_t len, char iso[11]) {
  S_toks t;
  if (S_tokenize(s, len, &t) != 0) {
    S_toks_free(&t);
    return -1;
  }
  int found = 0;
  for (size_t i = 0; i < t.n && !found; i++) {
    /* Not inside a word or a number ("A15 de junio", "1.15/06/2020"). */
    if (i > 0 && !t.v[i].space_before) {
      const S_tok *b = &t.v[i - 1];
      if (b->kind != S_PUNCT) continue;
      if ((b->cp == '.' || b->cp == '/' || b->cp == '-') && i > 1 && !b->space_before &&
          t.v[i - 2].kind == S_NUM)
        continue;
    }
    int y, m, d;
    size_t end;
    if (!S_full_date(&t, i, 1, &end, &y, &m, &d)) continue;
    /* Nor followed by more of a number ("2020-06-15-3", "15/06/2020.5"). */
    if (end < t.n && !t.v[end].space_before && t.v[end].kind == S_PUNCT &&
        (t.v[end].cp == '-' || t.v[end].cp == '/' || t.v[end].cp == '.') &&
        end + 1 < t.n && t.v[end + 1].kind == S_NUM && !t.v[end + 1].space_before)
      continue;
    /* Nor glued to a word ("2020s"), except ISO's time ("2020-06-15T10:00"). */
    if (end < t.n && !t.v[end].space_before && t.v[end].kind == S_WORD &&
        !(S_word_is(&t.v[end], "t") && S_num_adj(&t, end + 1, 1, 2)))
      continue;
    if (!S_valid(y, m, d) || d == 0) continue;
    S_write_iso(iso, y, m, d);
    found = 1;
  }
  S_toks_free(&t);
  return found ? 0 : -1;
}

/* -------------------------------------------------------------- periods */

#define S_ONGOING LONG_MAX
#define S_MAX_PERIODS_BYTES (16UL * 1024 * 1024)

typedef struct {
  long start, end; /* day numbers, inclusive; end = S_ONGOING */
  char start_iso[11], end_iso[11];
  char *label;
  unsigned long line;
} S_period;

struct sectag_periods {
  S_period *v; /* sorted by start; no two share a day */
  size_t n;
};

void sectag_periods_free(sectag_periods *p) {
  if (!p) return;
  for (size_t i = 0; i < p->n; i++) free(p->v[i].label);
  free(p->v);
  free(p);
}

/* Strict YYYY-MM-DD; returns the day number, or -1. */
static int S_iso_day(const char *s, size_t n, long *day) {
  if (n != 10 || s[4] != '-' || s[7] != '-') return -1;
  for (size_t i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return -1;
  int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  int m = (s[5] - '0') * 10 + (s[6] - '0');
  int d = (s[8] - '0') * 10 + (s[9] - '0');
  if (d == 0 || !S_valid(y, m, d)) return -1;
  *day = S_day_number(y, m, d);
  return 0;
}

/* The span of days an ISO date (YYYY-MM-DD, YYYY-MM or YYYY) covers. */
static int S_iso_span(const char *s, long *lo, long *hi) {
  size_t n = strlen(s);
  for (size_t i = 0; i < n; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || ((i == 4 || i == 7) && s[i] == '-'))) return -1;
  if (n == 10) {
    if (S_iso_day(s, n, lo) != 0) return -1;
    *hi = *lo;
    return 0;
  }
  if (n != 4 && n != 7) return -1;
  int y = atoi(s);
  int m = n == 7 ? atoi(s + 5) : 0;
  if (n == 7 && s[4] != '-') return -1;
  if (!S_valid(y, n == 7 ? m : 1, 0)) return -1;
  if (n == 4) {
    *lo = S_day_number(y, 1, 1);
    *hi = S_day_number(y, 12, 31);
  } else {
    *lo = S_day_number(y, m, 1);
    *hi = S_day_number(y, m, S_days_in_month(y, m));
  }
  return 0;
}

static int S_by_start(const void *a, const void *b) {
  const S_period *x = a, *y = b;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  return x->line < y->line ? -1 : x->line > y->line;
}

/* Reads the whole file; returns 0, or -1 with err. */
static int S_read_file(const char *path, sectag_buf *b, sectag_error *err) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    sectag_error_set(err, SECTAG_ERR_USAGE, path, 0, 0,
                     "cannot open the periods file: %s; check the path", strerror(errno));
    return -1;
  }
  char chunk[8192];
  size_t r;
  while ((r = fread(chunk, 1, sizeof chunk, f)) > 0) {
    sectag_buf_put(b, chunk, r);
    if (b->len > S_MAX_PERIODS_BYTES) {
      sectag_error_set(err, SECTAG_ERR_USAGE, path, 0, 0,
                       "the periods file is over %lu bytes; a periods table is a short TSV "
                       "file, check that this is the right file",
                       S_MAX_PERIODS_BYTES);
      fclose(f);
      return -1;
    }
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    sectag_error_set(err, SECTAG_ERR_USAGE, path, 0, 0, "cannot read the periods file");
    return -1;
  }
  return 0;
}

typedef struct {
  const char *s; /* field bytes, surrounding spaces trimmed */
  size_t n;
  unsigned long col; /* 1-based byte column of s (of the field when empty) */
} S_field;

static void S_describe(char *out, size_t cap, const S_period *p) {
  snprintf(out, cap, "%s to %s", p->start_iso, p->end == S_ONGOING ? "ongoing" : p->end_iso);
}

/* Parses one data line into *p; returns 0, or -1 with err. */
static int S_parse_row(const char *path, unsigned long lineno, const char *s, size_t n,
                       S_period *p, sectag_error *err) {
  S_field f[3];
  size_t nf = 0, start = 0;
  int spaces = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i < n && s[i] == ' ') spaces = 1;
    if (i < n && s[i] != '\t') continue;
    if (nf == 3) {
      size_t count = 4;
      for (size_t k = i; k < n; k++) count += s[k] == '\t';
      sectag_error_set(err, SECTAG_ERR_USAGE, path, lineno, (unsigned long)start + 1,
                       "expected 3 tab-separated fields (start, end, label), found %zu; "
                       "remove the extra tabs",
                       count);
      return -1;
    }
    size_t a = start, b = i;
    while (a < b && s[a] == ' ') a++;
    while (b > a && s[b - 1] == ' ') b--;
    f[nf].s = s + a;
    f[nf].n = b - a;
    f[nf].col = (unsigned long)(a == b ? start : a) + 1;
    nf++;
    start = i + 1;
  }
  if (nf != 3) {
    sectag_error_set(err, SECTAG_ERR_USAGE, path, lineno, 1,
                     "expected 3 tab-separated fields (start, end, label), found %zu; %s", nf,
                     spaces ? "separate the fields with tabs, not spaces"
                            : "write start<TAB>end<TAB>label, with an empty end for an "
                              "ongoing period");
    return -1;
  }
  if (f[0].n == 0) {
    sectag_error_set(err, SECTAG_ERR_USAGE, path, lineno, f[0].col,
                     "the start date is missing; write dates as YYYY-MM-DD");
    return -1;
  }
  if (S_iso_day(f[0].s, f[0].n, &p->start) != 0) {
    sectag_error_set(err, SECTAG_ERR_USAGE, path, lineno, f[0].col,
                     "'%.*s' is not a date; write dates as YYYY-MM-DD", (int)f[0].n, f[0].s);
    return -1;
  }
  memcpy(p->start_iso, f[0].s, 10);
  p->start_iso[10] = '\0';
  p->end = S_ONGOING;
  p->end_iso[0] = '\0';
  if (f[1].n > 0) {
    if (S_iso_day(f[1].s, f[1].n, &p->end) != 0) {
      sectag_error_set(err, SECTAG_ERR_USAGE, path, lineno, f[1].col,
                       "'%.*s' is not a date; write dates as YYYY-MM-DD (or leave the end "
                       "empty for an ongoing period)",
                       (int)f[1].n, f[1].s);
      return -1;
    }
    memcpy(p->end_iso, f[1].s, 10);
    p->end_iso[10] = '\0';
  }
  if (f[2].n == 0) {
    sectag_error_set(err, SECTAG_ERR_USAGE, path, lineno, f[2].col,
                     "the label is missing; write the period's name in the third field");
    return -1;
  }
  if (p->end < p->start) {
    sectag_error_set(err, SECTAG_ERR_USAGE, path, lineno, f[1].col,
                     "period '%.*s' ends (%s) before it starts (%s); both dates are "
                     "inclusive, so the end must be on or after the start",
                     (int)f[2].n, f[2].s, p->end_iso, p->start_iso);
    return -1;
  }
  p->label = sectag_xstrndup(f[2].s, f[2].n);
  p->line = lineno;
  return 0;
}

/* Checks that every line is UTF-8; returns 0, or -1 with err. */
static int S_check_utf8(const char *path, unsigned long lineno, const char *s, size_t n,
                        sectag_error *err) {
  size_t i = 0;
  while (i < n) {
    int32_t c = -1;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                          (utf8proc_ssize_t)(n - i), &c);
    if (k < 0 || c == 0) {
      sectag_error_set(err, SECTAG_ERR_USAGE, path, lineno, (unsigned long)i + 1,
                       "%s (byte 0x%02X); save the periods file as UTF-8, for example "
                       "with `iconv -f WINDOWS-1252 -t UTF-8`",
                       k > 0 && c == 0 ? "NUL byte" : "invalid UTF-8",
                       (unsigned)(unsigned char)s[i]);
      return -1;
    }
    i += (size_t)k;
  }
  return 0;
}

sectag_periods *sectag_periods_load(const char *path, sectag_error *err) {
  sectag_buf b = SECTAG_BUF_INIT;
  if (S_read_file(path, &b, err) != 0) {
    sectag_buf_free(&b);
    return NULL;
  }
  sectag_periods *p = sectag_xcalloc(1, sizeof *p);
  size_t cap = 0;
  const char *t = sectag_buf_cstr(&b);
  size_t n = b.len, pos = 0;
  if (n >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0) pos = 3; /* a BOM: columns start after it */
  unsigned long lineno = 0;
  int seen_row = 0;
  while (pos < n) {
    const char *line = t + pos;
    const char *nl = memchr(line, '\n', n - pos);
    size_t len = nl ? (size_t)(nl - line) : n - pos;
    pos += len + (nl != NULL);
    lineno++;
    if (len > 0 && line[len - 1] == '\r') len--;
    if (S_check_utf8(path, lineno, line, len, err) != 0) goto fail;
    size_t k = 0;
    while (k < len && (line[k] == ' ' || line[k] == '\t')) k++;
    if (k == len || line[k] == '#') continue;
    /* An optional header row, only as the first row. */
    if (!seen_row++ && len >= 5 && memcmp(line, "start", 5) == 0 &&
        (len == 5 || line[5] == '\t' || line[5] == ' '))
      continue;
    if (p->n == cap) {
      cap = cap ? cap * 2 : 16;
      p->v = sectag_xrealloc(p->v, cap * sizeof *p->v);
    }
    if (S_parse_row(path, lineno, line, len, &p->v[p->n], err) != 0) goto fail;
    p->n++;
  }
  if (p->n > 1) {
    sectag_sort(p->v, p->n, sizeof *p->v, S_by_start);
    /* Sorted by start, any overlap shows up between neighbours. Report the
     * pair whose later line comes first in the file, at that later line. */
    const S_period *x = NULL, *y = NULL;
    for (size_t i = 0; i + 1 < p->n; i++) {
      const S_period *a = &p->v[i], *c = &p->v[i + 1];
      if (c->start > a->end) continue;
      const S_period *early = a->line < c->line ? a : c, *late = a->line < c->line ? c : a;
      if (!y || late->line < y->line || (late->line == y->line && early->line < x->line)) {
        x = early;
        y = late;
      }
    }
    if (y) {
      char dx[32], dy[32];
      S_describe(dx, sizeof dx, x);
      S_describe(dy, sizeof dy, y);
      sectag_error_set(err, SECTAG_ERR_USAGE, path, y->line, 1,
                       "period '%s' (%s) overlaps period '%s' on line %lu (%s); periods must "
                       "not share a day",
                       y->label, dy, x->label, x->line, dx);
      goto fail;
    }
  }
  sectag_buf_free(&b);
  return p;
fail:
  sectag_buf_free(&b);
  sectag_periods_free(p);
  return NULL;
}

const char *sectag_periods_lookup(const sectag_periods *p, const char *iso) {
  long lo, hi;
  if (!p || !iso || p->n == 0 || S_iso_span(iso, &lo, &hi) != 0) return NULL;
  /* The last period starting on or before lo. */
  size_t a = 0, b = p->n;
  while (a < b) {
    size_t mid = a + (b - a) / 2;
    if (p->v[mid].start <= lo)
      a = mid + 1;
    else
      b = mid;
  }
  if (a == 0) return NULL;
  const S_period *q = &p->v[a - 1];
  return hi <= q->end ? q->label : NULL;
}
