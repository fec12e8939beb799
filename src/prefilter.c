/* prefilter.c: literal start sets of patterns, and one-pass search for all
 * of them. See prefilter.h. */
#include "prefilter.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

#ifdef SECTAG_HAVE_VECTORSCAN
#include <hs/hs.h>
#endif

/* ------------------------------------------------------------------ sets
 * A set of strings, each either complete (the part of the pattern read so
 * far matched exactly this string) or a prefix only (something unknown may
 * follow). `unknown` means the first character is unknown: no set. */
#define S_MAX_STRINGS 64 /* more alternatives than this: no set */
#define S_MAX_LEN 24     /* longer literals are cut (a prefix is enough) */
#define S_MAX_DEPTH 64   /* nesting of groups */

typedef struct {
  char *s;
  size_t len;
  int complete;
} S_lit;

typedef struct {
  S_lit *v;
  size_t n;
  int unknown;
} S_set;

static void S_set_free(S_set *x) {
  for (size_t i = 0; i < x->n; i++) free(x->v[i].s);
  free(x->v);
  x->v = NULL;
  x->n = 0;
}

static S_set S_unknown(void) { return (S_set){NULL, 0, 1}; }

static void S_add(S_set *x, const char *s, size_t len, int complete) {
  if (x->unknown) return;
  if (len > S_MAX_LEN) {
    len = S_MAX_LEN;
    complete = 0;
  }
  for (size_t i = 0; i < x->n; i++)
    if (x->v[i].len == len && memcmp(x->v[i].s, s, len) == 0) {
      x->v[i].complete &= complete; /* a prefix claims less: keep the weaker */
      return;
    }
  if (len == 0 && !complete) { /* an unknown first character */
    S_set_free(x);
    x->unknown = 1;
    return;
  }
  x->v = sectag_xrealloc(x->v, (x->n + 1) * sizeof *x->v);
  x->v[x->n].s = sectag_xmalloc(len ? len : 1);
  if (len) memcpy(x->v[x->n].s, s, len);
  x->v[x->n].len = len;
  x->v[x->n].complete = complete;
  x->n++;
}

/* Keeps the set small: too many strings are cut to shorter prefixes (which
 * merge), and if that is not enough the set is given up. */
static void S_shrink(S_set *x) {
  for (size_t cut = 8; x->n > S_MAX_STRINGS && cut >= 1 && !x->unknown; cut /= 2) {
    S_set y = {NULL, 0, 0};
    for (size_t i = 0; i < x->n; i++)
      S_add(&y, x->v[i].s, x->v[i].len < cut ? x->v[i].len : cut,
            x->v[i].len <= cut && x->v[i].complete);
    S_set_free(x);
    *x = y;
  }
  if (x->n > S_MAX_STRINGS) {
    S_set_free(x);
    x->unknown = 1;
  }
}

static S_set S_single(const char *s, size_t len) {
  S_set x = {NULL, 0, 0};
  S_add(&x, s, len, 1);
  return x;
}

static S_set S_union(S_set a, S_set b) {
  if (a.unknown || b.unknown) {
    S_set_free(&a);
    S_set_free(&b);
    return S_unknown();
  }
  for (size_t i = 0; i < b.n; i++) S_add(&a, b.v[i].s, b.v[i].len, b.v[i].complete);
  S_set_free(&b);
  S_shrink(&a);
  return a;
}

static S_set S_concat(S_set a, S_set b) {
  if (a.unknown) {
    S_set_free(&b);
    return a;
  }
  S_set r = {NULL, 0, 0};
  sectag_buf t = SECTAG_BUF_INIT;
  for (size_t i = 0; i < a.n && !r.unknown; i++) {
    if (!a.v[i].complete) {
      S_add(&r, a.v[i].s, a.v[i].len, 0);
      continue;
    }
    if (b.unknown) {
      S_add(&r, a.v[i].s, a.v[i].len, 0);
      continue;
    }
    for (size_t j = 0; j < b.n && !r.unknown; j++) {
      sectag_buf_clear(&t);
      sectag_buf_put(&t, a.v[i].s, a.v[i].len);
      sectag_buf_put(&t, b.v[j].s, b.v[j].len);
      S_add(&r, t.ptr ? t.ptr : "", t.len, b.v[j].complete);
    }
    if (r.n > 4 * S_MAX_STRINGS) S_shrink(&r);
  }
  sectag_buf_free(&t);
  S_set_free(&a);
  S_set_free(&b);
  S_shrink(&r);
  return r;
}

static S_set S_incomplete(S_set a) {
  for (size_t i = 0; i < a.n; i++) a.v[i].complete = 0;
  return a;
}

/* ---------------------------------------------------------------- parser
 * A recursive-descent reader of the PCRE2 syntax codebooks use. Anything it
 * does not know sets `bail`, and the pattern gets no set. */
typedef struct {
  const char *p;
  size_t i, n;
  int bail;
  int depth;
} S_parser;

static S_set S_alt(S_parser *ps);

static int S_digit(char c) { return c >= '0' && c <= '9'; }
static int S_alnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The length of the UTF-8 sequence at p[i] (1 for a stray byte). */
static size_t S_utf8_len(const S_parser *ps, size_t i) {
  unsigned char c = (unsigned char)ps->p[i];
  size_t k = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  return i + k <= ps->n ? k : 1;
}

/* Skips a group's body up to its closing parenthesis (for lookarounds,
 * whose content does not matter). Returns 0, or -1 if unbalanced. */
static int S_skip_group(S_parser *ps) {
  int level = 1;
  while (ps->i < ps->n) {
    char c = ps->p[ps->i];
    if (c == '\\') {
      ps->i += 2;
      continue;
    }
    if (c == '[') { /* a class may hold ( and ) */
      ps->i++;
      if (ps->i < ps->n && ps->p[ps->i] == '^') ps->i++;
      if (ps->i < ps->n && ps->p[ps->i] == ']') ps->i++;
      while (ps->i < ps->n && ps->p[ps->i] != ']') ps->i += ps->p[ps->i] == '\\' ? 2 : 1;
      ps->i++;
      continue;
    }
    ps->i++;
    if (c == '(') level++;
    if (c == ')' && --level == 0) return 0;
  }
  return -1;
}

/* A character class: a set of its members when it is small and plain
 * ([sz], [áa]), else an unknown character. */
static S_set S_class(S_parser *ps) {
  ps->i++; /* [ */
  int plain = 1;
  if (ps->i < ps->n && ps->p[ps->i] == '^') {
    plain = 0;
    ps->i++;
  }
  S_set x = {NULL, 0, 0};
  size_t first = ps->i;
  while (ps->i < ps->n) {
    char c = ps->p[ps->i];
    if (c == ']' && ps->i > first) break;
    if (c == '\\' || c == '[' || c == '-') { /* escapes, ranges, POSIX classes */
      plain = 0;
      if (c == '\\') ps->i++;
      if (c == '[' && ps->i + 1 < ps->n && ps->p[ps->i + 1] == ':') {
        /* a POSIX class [:name:]: find its ":]" within the pattern (which is
         * not NUL-terminated) */
        size_t j = ps->i + 2;
        while (j + 1 < ps->n && !(ps->p[j] == ':' && ps->p[j + 1] == ']')) j++;
        if (j + 1 >= ps->n) {
          ps->bail = 1;
          break;
        }
        ps->i = j + 2;
        continue;
      }
      ps->i++;
      continue;
    }
    size_t k = S_utf8_len(ps, ps->i);
    if (plain) S_add(&x, ps->p + ps->i, k, 1);
    ps->i += k;
  }
  if (ps->i >= ps->n) {
    ps->bail = 1;
  } else {
    ps->i++; /* ] */
  }
  if (!plain || x.n == 0 || x.n > 16) {
    S_set_free(&x);
    return S_unknown();
  }
  return x;
}

/* Whether a quantifier (or a { PCRE2 may read as one) comes next. */
static int S_quantifier_follows(const S_parser *ps) {
  if (ps->i >= ps->n) return 0;
  char q = ps->p[ps->i];
  return q == '*' || q == '+' || q == '?' || q == '{';
}

/* One atom: a literal character, an escape, a class, a group. Zero-width
 * atoms (anchors, \b, lookarounds) give the set {""} (complete). */
static S_set S_atom(S_parser *ps) {
  const char *p = ps->p;
  char c = p[ps->i];
  switch (c) {
  case '(': {
    if (++ps->depth > S_MAX_DEPTH) {
      ps->bail = 1;
      return S_unknown();
    }
    ps->i++;
    if (ps->i < ps->n && p[ps->i] == '*') { /* (*VERB) */
      ps->bail = 1;
      return S_unknown();
    }
    if (ps->i < ps->n && p[ps->i] == '?') {
      char d = ps->i + 1 < ps->n ? p[ps->i + 1] : '\0';
      char e = ps->i + 2 < ps->n ? p[ps->i + 2] : '\0';
      if (d == '=' || d == '!' || (d == '<' && (e == '=' || e == '!'))) {
        /* a lookaround: zero-width, and what it looks at does not matter */
        if (S_skip_group(ps) != 0) ps->bail = 1;
        ps->depth--;
        return S_single("", 0);
      }
      if (d == ':' || d == '>' || d == '|') {
        ps->i += 2;
      } else if (d == '<' || d == 'P' || d == '\'') { /* a named group */
        char close = d == '\'' ? '\'' : '>';
        if (d == 'P' && e != '<') {
          ps->bail = 1; /* (?P=name), (?P>name) */
          return S_unknown();
        }
        const char *end = memchr(p + ps->i + 2, close, ps->n - ps->i - 2);
        if (!end) {
          ps->bail = 1;
          return S_unknown();
        }
        ps->i = (size_t)(end - p) + 1;
      } else { /* flags (?i), comments, recursion, conditions... */
        ps->bail = 1;
        return S_unknown();
      }
    }
    S_set x = S_alt(ps);
    if (ps->i >= ps->n || p[ps->i] != ')') {
      ps->bail = 1;
      S_set_free(&x);
      return S_unknown();
    }
    ps->i++;
    ps->depth--;
    return x;
  }
  case '[':
    return S_class(ps);
  case '.':
    ps->i++;
    return S_unknown();
  case '^':
  case '$':
    ps->i++;
    return S_single("", 0);
  case '*':
  case '+':
  case '?':
  case '{':
    ps->bail = 1;
    return S_unknown();
  case '\\': {
    if (ps->i + 1 >= ps->n) {
      ps->bail = 1;
      return S_unknown();
    }
    char d = p[ps->i + 1];
    ps->i += 2;
    switch (d) {
    case 'E': /* PCRE2 ignores a lone \E: a quantifier after it applies to the
               * atom before it, which this parser has already closed */
      if (S_quantifier_follows(ps)) {
        ps->bail = 1;
        return S_unknown();
      }
      return S_single("", 0);
    case 'b': case 'B': case 'A': case 'z': case 'Z': case 'G':
      return S_single("", 0);
    case 'w': case 'W': case 's': case 'S': case 'd': case 'D': case 'h': case 'H':
    case 'v': case 'V': case 'R': case 'X': case 'C':
      return S_unknown();
    case 'p': case 'P':
      if (ps->i < ps->n && p[ps->i] == '{') {
        const char *end = memchr(p + ps->i, '}', ps->n - ps->i);
        if (!end) {
          ps->bail = 1;
          return S_unknown();
        }
        ps->i = (size_t)(end - p) + 1;
      } else {
        ps->i++;
      }
      return S_unknown();
    case 'n': return S_single("\n", 1);
    case 't': return S_single("\t", 1);
    case 'r': return S_single("\r", 1);
    case 'f': return S_single("\f", 1);
    case 'Q': {
      size_t start = ps->i;
      const char *end = NULL;
      for (size_t j = ps->i; j + 1 < ps->n; j++)
        if (p[j] == '\\' && p[j + 1] == 'E') {
          end = p + j;
          break;
        }
      size_t stop = end ? (size_t)(end - p) : ps->n;
      ps->i = end ? stop + 2 : ps->n;
      if (S_quantifier_follows(ps)) { /* \Qab\E* is ab*: it quantifies the b */
        ps->bail = 1;
        return S_unknown();
      }
      return S_single(p + start, stop - start);
    }
    default:
      if (S_alnum((unsigned char)d)) { /* \x, \o, \c, \g, \k, \K, \N, \1... */
        ps->bail = 1;
        return S_unknown();
      }
      ps->i--; /* an escaped punctuation or non-ASCII character: itself */
      size_t k = S_utf8_len(ps, ps->i);
      S_set x = S_single(p + ps->i, k);
      ps->i += k;
      return x;
    }
  }
  default: {
    size_t k = S_utf8_len(ps, ps->i);
    S_set x = S_single(p + ps->i, k);
    ps->i += k;
    return x;
  }
  }
}

/* An atom and its quantifier. */
static S_set S_item(S_parser *ps) {
  S_set x = S_atom(ps);
  if (ps->bail || ps->i >= ps->n) return x;
  const char *p = ps->p;
  char q = p[ps->i];
  long lo = -1, hi = -1; /* hi -1: unbounded */
  if (q == '?') {
    lo = 0, hi = 1;
    ps->i++;
  } else if (q == '*') {
    lo = 0, hi = -1;
    ps->i++;
  } else if (q == '+') {
    lo = 1, hi = -1;
    ps->i++;
  } else if (q == '{') {
    size_t j = ps->i + 1;
    if (j >= ps->n || !S_digit(p[j])) { /* PCRE2 reads such a { as itself */
      ps->bail = 1;
      return x;
    }
    lo = 0;
    while (j < ps->n && S_digit(p[j]) && lo < 100000) lo = lo * 10 + (p[j++] - '0');
    hi = lo;
    if (j < ps->n && p[j] == ',') {
      j++;
      hi = -1;
      if (j < ps->n && S_digit(p[j])) {
        hi = 0;
        while (j < ps->n && S_digit(p[j]) && hi < 100000) hi = hi * 10 + (p[j++] - '0');
      }
    }
    if (j >= ps->n || p[j] != '}') {
      ps->bail = 1;
      return x;
    }
    ps->i = j + 1;
  } else {
    return x;
  }
  if (ps->i < ps->n && (p[ps->i] == '?' || p[ps->i] == '+')) ps->i++; /* lazy, possessive */
  if (hi == 0) { /* {0}: the atom is never there */
    S_set_free(&x);
    return S_single("", 0);
  }
  if (lo == 1 && hi == 1) return x;
  if (hi != 1) x = S_incomplete(x); /* it may repeat: no more is known after it */
  if (lo == 0) x = S_union(x, S_single("", 0));
  return x;
}

static S_set S_seq(S_parser *ps) {
  S_set cur = S_single("", 0);
  while (!ps->bail && ps->i < ps->n && ps->p[ps->i] != '|' && ps->p[ps->i] != ')') {
    S_set it = S_item(ps);
    cur = S_concat(cur, it);
    /* nothing after an unknown start can help, but keep reading for syntax */
  }
  return cur;
}

static S_set S_alt(S_parser *ps) {
  S_set acc = S_seq(ps);
  while (!ps->bail && ps->i < ps->n && ps->p[ps->i] == '|') {
    ps->i++;
    acc = S_union(acc, S_seq(ps));
  }
  return acc;
}

int sectag_regex_prefixes(const char *pattern, size_t len, sectag_litset *out) {
  memset(out, 0, sizeof *out);
  S_parser ps = {pattern, 0, len, 0, 0};
  S_set x = S_alt(&ps);
  int ok = !ps.bail && ps.i == len && !x.unknown && x.n > 0;
  for (size_t i = 0; ok && i < x.n; i++)
    if (x.v[i].len == 0) ok = 0; /* may start with anything */
  if (ok) {
    /* a literal that another one begins adds no start: drop it */
    unsigned char *drop = sectag_xcalloc(x.n, 1);
    for (size_t i = 0; i < x.n; i++)
      for (size_t j = 0; j < x.n && !drop[i]; j++)
        drop[i] = j != i && x.v[j].len < x.v[i].len &&
                  memcmp(x.v[j].s, x.v[i].s, x.v[j].len) == 0;
    size_t k = 0;
    for (size_t i = 0; i < x.n; i++) {
      if (drop[i])
        free(x.v[i].s);
      else
        x.v[k++] = x.v[i];
    }
    free(drop);
    x.n = k;
    out->s = sectag_xcalloc(x.n, sizeof *out->s);
    out->len = sectag_xcalloc(x.n, sizeof *out->len);
    for (size_t i = 0; i < x.n; i++) {
      out->s[i] = x.v[i].s;
      out->len[i] = x.v[i].len;
      x.v[i].s = NULL;
    }
    out->n = x.n;
  }
  S_set_free(&x);
  return ok;
}

void sectag_litset_free(sectag_litset *ls) {
  for (size_t i = 0; i < ls->n; i++) free(ls->s[i]);
  free(ls->s);
  free(ls->len);
  memset(ls, 0, sizeof *ls);
}

/* ------------------------------------------------------------- prefilter */
struct sectag_prefilter {
  /* distinct literals, and for each the rules it starts */
  char **lit;
  size_t *litlen;
  uint32_t **rules;
  size_t *nrules;
  unsigned char *anywhere; /* per literal: some rule of it may start inside
                              a token */
  size_t n;
  size_t *slot;  /* open addressing: index + 1 into lit, 0 empty */
  size_t nslot;  /* a power of two, at least twice n */
  void *db;      /* hs_database_t */
  void *scratch; /* hs_scratch_t: a prototype, cloned per scan */
};

int sectag_prefilter_available(void) {
  const char *off = getenv("SECTAG_NO_PREFILTER");
  if (off && *off && strcmp(off, "0") != 0) return 0;
#ifdef SECTAG_HAVE_VECTORSCAN
  return hs_valid_platform() == HS_SUCCESS;
#else
  return 0;
#endif
}

sectag_prefilter *sectag_prefilter_new(void) { return sectag_xcalloc(1, sizeof(sectag_prefilter)); }

size_t sectag_prefilter_literal_count(const sectag_prefilter *pf) { return pf->n; }

/* The slot of lit: where it is, or the empty slot where it would go. */
static size_t *S_slot(const sectag_prefilter *pf, const char *lit, size_t len) {
  size_t mask = pf->nslot - 1, h = (size_t)sectag_hash(lit, len) & mask;
  for (;; h = (h + 1) & mask) {
    size_t k = pf->slot[h];
    if (k == 0 || (pf->litlen[k - 1] == len && memcmp(pf->lit[k - 1], lit, len) == 0))
      return &pf->slot[h];
  }
}

void sectag_prefilter_add(sectag_prefilter *pf, const char *lit, size_t len, uint32_t rule,
                          int anywhere) {
  if (2 * (pf->n + 1) > pf->nslot) { /* grow and rehash */
    free(pf->slot);
    pf->nslot = pf->nslot ? pf->nslot * 2 : 64;
    pf->slot = sectag_xcalloc(pf->nslot, sizeof *pf->slot);
    for (size_t k = 0; k < pf->n; k++) *S_slot(pf, pf->lit[k], pf->litlen[k]) = k + 1;
  }
  size_t *slot = S_slot(pf, lit, len);
  size_t i = *slot ? *slot - 1 : pf->n;
  if (i == pf->n) {
    *slot = pf->n + 1;
    pf->lit = sectag_xrealloc(pf->lit, (pf->n + 1) * sizeof *pf->lit);
    pf->litlen = sectag_xrealloc(pf->litlen, (pf->n + 1) * sizeof *pf->litlen);
    pf->rules = sectag_xrealloc(pf->rules, (pf->n + 1) * sizeof *pf->rules);
    pf->nrules = sectag_xrealloc(pf->nrules, (pf->n + 1) * sizeof *pf->nrules);
    pf->anywhere = sectag_xrealloc(pf->anywhere, (pf->n + 1) * sizeof *pf->anywhere);
    pf->lit[i] = sectag_xstrndup(lit, len);
    pf->litlen[i] = len;
    pf->rules[i] = NULL;
    pf->nrules[i] = 0;
    pf->anywhere[i] = 0;
    pf->n++;
  }
  if (anywhere) pf->anywhere[i] = 1;
  for (size_t k = 0; k < pf->nrules[i]; k++)
    if (pf->rules[i][k] == rule) return;
  pf->rules[i] = sectag_xrealloc(pf->rules[i], (pf->nrules[i] + 1) * sizeof **pf->rules);
  pf->rules[i][pf->nrules[i]++] = rule;
}

int sectag_prefilter_compile(sectag_prefilter *pf) {
#ifdef SECTAG_HAVE_VECTORSCAN
  if (pf->n == 0 || pf->n > 0xFFFFFFFFu) return -1;
  unsigned *ids = sectag_xcalloc(pf->n, sizeof *ids);
  unsigned *flags = sectag_xcalloc(pf->n, sizeof *flags);
  for (size_t i = 0; i < pf->n; i++) ids[i] = (unsigned)i;
  hs_database_t *db = NULL;
  hs_compile_error_t *cerr = NULL;
  hs_error_t rc = hs_compile_lit_multi((const char *const *)pf->lit, flags, ids, pf->litlen,
                                       (unsigned)pf->n, HS_MODE_BLOCK, NULL, &db, &cerr);
  free(ids);
  free(flags);
  if (rc != HS_SUCCESS) {
    hs_free_compile_error(cerr);
    return -1;
  }
  hs_scratch_t *scratch = NULL;
  if (hs_alloc_scratch(db, &scratch) != HS_SUCCESS) {
    hs_free_database(db);
    return -1;
  }
  pf->db = db;
  pf->scratch = scratch;
  return 0;
#else
  (void)pf;
  return -1;
#endif
}

#ifdef SECTAG_HAVE_VECTORSCAN
typedef struct {
  const sectag_prefilter *pf;
  const unsigned char *starts;
  unsigned start_bit;
  sectag_cand_pos **out;
  size_t *n, *cap;
} S_scan;

static int S_on_literal(unsigned int id, unsigned long long from, unsigned long long to,
                        unsigned int flags, void *ctx) {
  (void)from;
  (void)flags;
  S_scan *sc = ctx;
  const sectag_prefilter *pf = sc->pf;
  size_t pos = (size_t)to - pf->litlen[id];
  if (sc->starts && !(sc->starts[pos] & sc->start_bit) && !pf->anywhere[id]) return 0;
  for (size_t k = 0; k < pf->nrules[id]; k++) {
    if (*sc->n == *sc->cap) {
      *sc->cap = *sc->cap ? *sc->cap * 2 : 256;
      *sc->out = sectag_xrealloc(*sc->out, *sc->cap * sizeof **sc->out);
    }
    (*sc->out)[(*sc->n)++] = (sectag_cand_pos){pos, pf->rules[id][k]};
  }
  return 0;
}

/* Sorts candidates by rule, then position: a counting sort on the rule
 * (candidates of thousands of rules), then an insertion sort within each
 * rule, whose candidates Vectorscan reported almost in order already (by
 * end offset: only literals of different lengths can swap). */
static void S_sort_cands(const sectag_prefilter *pf, sectag_cand_pos *c, size_t n) {
  if (n < 2) return;
  uint32_t maxrule = 0;
  for (size_t i = 0; i < n; i++)
    if (c[i].rule > maxrule) maxrule = c[i].rule;
  (void)pf;
  size_t *start = sectag_xcalloc((size_t)maxrule + 2, sizeof *start);
  for (size_t i = 0; i < n; i++) start[c[i].rule + 1]++;
  for (size_t r = 1; r <= (size_t)maxrule + 1; r++) start[r] += start[r - 1];
  sectag_cand_pos *tmp = sectag_xmalloc(n * sizeof *tmp);
  for (size_t i = 0; i < n; i++) tmp[start[c[i].rule]++] = c[i];
  free(start);
  for (size_t i = 1; i < n; i++) { /* by position, within each rule */
    sectag_cand_pos x = tmp[i];
    size_t j = i;
    while (j > 0 && tmp[j - 1].rule == x.rule && tmp[j - 1].pos > x.pos) {
      tmp[j] = tmp[j - 1];
      j--;
    }
    tmp[j] = x;
  }
  memcpy(c, tmp, n * sizeof *c);
  free(tmp);
}
#endif

int sectag_prefilter_scan(const sectag_prefilter *pf, const char *text, size_t len,
                          const unsigned char *starts, unsigned start_bit,
                          sectag_cand_pos **out, size_t *n, size_t *cap) {
  *n = 0;
#ifdef SECTAG_HAVE_VECTORSCAN
  if (!pf->db || len > 0xFFFFFFFFu) return -1;
  hs_scratch_t *scratch = NULL;
  if (hs_clone_scratch(pf->scratch, &scratch) != HS_SUCCESS) return -1;
  S_scan sc = {pf, starts, start_bit, out, n, cap};
  hs_error_t rc = hs_scan(pf->db, text, (unsigned)len, 0, scratch, S_on_literal, &sc);
  hs_free_scratch(scratch);
  if (rc != HS_SUCCESS) return -1;
  S_sort_cands(pf, *out, *n);
  size_t k = 0;
  for (size_t i = 0; i < *n; i++)
    if (k == 0 || (*out)[k - 1].rule != (*out)[i].rule || (*out)[k - 1].pos != (*out)[i].pos)
      (*out)[k++] = (*out)[i];
  *n = k;
  return 0;
#else
  (void)pf;
  (void)text;
  (void)len;
  (void)starts;
  (void)start_bit;
  (void)out;
  (void)cap;
  return -1;
#endif
}

void sectag_prefilter_free(sectag_prefilter *pf) {
  if (!pf) return;
  for (size_t i = 0; i < pf->n; i++) {
    free(pf->lit[i]);
    free(pf->rules[i]);
  }
  free(pf->lit);
  free(pf->litlen);
  free(pf->rules);
  free(pf->nrules);
  free(pf->anywhere);
  free(pf->slot);
#ifdef SECTAG_HAVE_VECTORSCAN
  hs_free_scratch(pf->scratch);
  hs_free_database(pf->db);
#endif
  free(pf);
}
