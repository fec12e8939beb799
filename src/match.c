/* match.c: rule compilation and matching (PCRE2).
 *
 * Every rule is compiled once, with UTF and UCP, JIT-compiled where the
 * platform allows. Unless a rule is `partial`, it is wrapped as
 *     (?C1)(?:PATTERN\E)(?C2)
 * and the two callouts check the token-boundary table of the document: C1
 * refuses a start that is not a token start, C2 an end that is not a token
 * end. A refusal makes PCRE2 backtrack, so alternatives and shorter or longer
 * repetitions are still tried: `guerra|guerras` finds "guerras" whole.
 * (Auto-possessification is turned off for these rules, since it would hide
 * such alternatives from the callout.)
 *
 * Limits: the search runs in windows of SECTAG_WINDOW bytes of start
 * positions (PCRE2's offset limit), and each window may take at most
 * SECTAG_MATCH_LIMIT backtracking steps, so a catastrophic pattern fails one
 * document with an error naming the rule, instead of hanging a run. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "buf.h"
#include "codebook.h"
#include "document.h"
#include "error.h"
#include "expand.h"
#include "prefilter.h"

#define SECTAG_WINDOW ((size_t)65536)
#define SECTAG_MATCH_LIMIT 20000000u
#define SECTAG_DEPTH_LIMIT 100000u
#define SECTAG_HEAP_LIMIT 262144u /* KiB */

/* `words:` entries: a glob phrase, one glob per token. */
enum { G_EXACT, G_PREFIX, G_GLOB };
typedef struct {
  char *s;    /* normalized; for G_PREFIX the part before the '*' */
  size_t len;
  int kind;
} S_glob;

typedef struct {
  size_t rule;
  S_glob *tok;
  size_t ntok;
} S_wrule;

/* A hash map from a string to the word rules whose first glob it is. */
typedef struct {
  const char *key;
  size_t len;
  size_t *idx; /* into words */
  size_t n;
} S_bucket;

typedef struct {
  S_bucket *b;
  size_t cap;
  uint64_t filter[1024]; /* bit (hash >> 40) & 0xFFFF: some key has it, so
                            most misses never touch a bucket */
} S_wmap;

#define S_FILTER_BIT(hash) (((hash) >> 40) & 0xFFFF)

struct sectag_matcher {
  const sectag_codebook *cb;
  pcre2_code **re; /* one per rule; NULL for `words:` rules */
  int jit;         /* JIT available and used */
  sectag_error *warnings; /* about rules that compile but cannot work as meant */
  size_t nwarnings;
  /* context rules: per context, one compiled pattern per unless/near item
   * (NULL for a {code: ID} item) */
  pcre2_code ***unless;
  pcre2_code ***near;
  /* `words:` rules, found by one pass over the tokens */
  S_wrule *words;
  size_t nwords;
  S_wmap exact, prefix; /* by first glob */
  size_t *general;      /* word rules whose first glob has * or ? inside */
  size_t ngeneral;
  size_t max_prefix;    /* the longest prefix glob: longer prefixes of a token
                           need no look-up */
  uint64_t prefix_lens; /* bit l-1: some prefix glob is l bytes long (l <= 64) */
  /* the prefilter (prefilter.h): rules whose matches all start with one of
   * a few literals are run only where those literals occur */
  sectag_prefilter *pf;
  unsigned char *prefiltered; /* per rule: 1 if its start literals are in pf */
  size_t nprefiltered;
  /* per rule: the list of strings a prefiltered rule stands for (expand.h),
   * checked at its candidate starts before PCRE2 is asked; NULL for most */
  sectag_expand **expand;
};

/* Finds an upper-case letter that the pattern would try to match literally
 * (texts are case-folded, so it never matches). Escapes (\W, \p{Lu}, \x{..}),
 * group names ((?<Name>...), \k<Name>) and verbs ((*UTF)) are skipped.
 * Returns the byte offset, or -1. */
static long S_upper_literal(const char *p) {
  size_t n = strlen(p);
  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)p[i];
    if (c == '\\') {
      if (i + 1 >= n) break;
      char e = p[i + 1];
      i += 2;
      if (strchr("pPxNogk", e) && i < n && strchr("{<'", p[i])) {
        char close = p[i] == '{' ? '}' : p[i] == '<' ? '>' : '\'';
        while (i < n && p[i] != close) i++;
        i++;
      }
      continue;
    }
    if (c == '(' && i + 1 < n && p[i + 1] == '*') { /* (*VERB) */
      while (i < n && p[i] != ')') i++;
      continue;
    }
    if (c == '(' && i + 2 < n && p[i + 1] == '?' &&
        (p[i + 2] == '<' || p[i + 2] == 'P' || p[i + 2] == '\'')) {
      size_t j = i + 2;
      if (p[j] == 'P') j++;
      if (j < n && (p[j] == '<' || p[j] == '\'') && j + 1 < n && p[j + 1] != '=' &&
          p[j + 1] != '!') {
        char close = p[j] == '<' ? '>' : '\'';
        while (j < n && p[j] != close) j++;
        i = j + 1;
        continue;
      }
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)p + i, (utf8proc_ssize_t)(n - i), &cp);
    if (k <= 0) break;
    utf8proc_category_t cat = utf8proc_category(cp);
    if (cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT) return (long)i;
    i += (size_t)k;
  }
  return -1;
}

size_t sectag_matcher_warning_count(const sectag_matcher *m) { return m->nwarnings; }
const sectag_error *sectag_matcher_warning(const sectag_matcher *m, size_t i) {
  return i < m->nwarnings ? &m->warnings[i] : NULL;
}

typedef struct {
  size_t nstart, nend;
  uint32_t rule;
} S_cand;

/* Shows the pattern with a caret under byte offset `off`. */
static char *S_caret(const char *pattern, size_t off) {
  sectag_buf b = SECTAG_BUF_INIT;
  sectag_buf_puts(&b, "    ");
  sectag_buf_puts(&b, pattern);
  sectag_buf_puts(&b, "\n    ");
  /* count display columns: one per code point before the offset */
  for (size_t i = 0; i < off && pattern[i]; i++)
    if (((unsigned char)pattern[i] & 0xC0) != 0x80) sectag_buf_putc(&b, ' ');
  sectag_buf_putc(&b, '^');
  return sectag_buf_detach(&b);
}

static int S_count_callout(pcre2_callout_enumerate_block *blk, void *data) {
  (void)blk;
  (*(int *)data)++;
  return 0;
}

static pcre2_code *S_compile_wrapped(const char *pat, size_t len, int partial, uint32_t opts) {
  int errcode;
  PCRE2_SIZE erroff;
  if (partial)
    return pcre2_compile((PCRE2_SPTR)pat, len, opts, &errcode, &erroff, NULL);
  /* \E ends a \Q the author left open; a second try with a newline ends a
   * trailing # comment in (?x) mode. Both must leave exactly two callouts. */
  for (int attempt = 0; attempt < 2; attempt++) {
    sectag_buf w = SECTAG_BUF_INIT;
    sectag_buf_puts(&w, "(?C1)(?:");
    sectag_buf_put(&w, pat, len);
    sectag_buf_puts(&w, attempt ? "\\E\n)(?C2)" : "\\E)(?C2)");
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)w.ptr, w.len, opts | PCRE2_NO_AUTO_POSSESS,
                                   &errcode, &erroff, NULL);
    sectag_buf_free(&w);
    if (!re) continue;
    int n = 0;
    pcre2_callout_enumerate(re, S_count_callout, &n);
    if (n == 2) return re;
    pcre2_code_free(re);
  }
  return NULL;
}

/* Compiles one pattern (a rule's, or a context rule's): checked as written,
 * so errors point into what the author wrote, then normalized and wrapped
 * in the token-boundary callouts. Returns NULL with err set. */
static pcre2_code *S_compile_pattern(sectag_matcher *m, const char *pattern, int partial,
                                     unsigned long line, unsigned long col, const char *rid,
                                     const char *cid, sectag_buf *norm, sectag_error *err) {
  const sectag_codebook *cb = m->cb;
  const uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_USE_OFFSET_LIMIT;
  {
    /* 1. the pattern as written: errors point into what the author wrote */
    int errcode;
    PCRE2_SIZE erroff;
    pcre2_code *raw = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts,
                                    &errcode, &erroff, NULL);
    if (!raw) {
      PCRE2_UCHAR msg[256];
      pcre2_get_error_message(errcode, msg, sizeof msg);
      sectag_error_set(err, SECTAG_ERR_CODEBOOK, cb->path, line, col,
                       "rule '%s' (code %s): invalid regex: %s at pattern offset %zu", rid,
                       cid, (const char *)msg, (size_t)erroff);
      char *caret = S_caret(pattern, erroff);
      sectag_error_set_detail(err, caret);
      free(caret);
      return NULL;
    }
    uint32_t minlen = 0;
    pcre2_pattern_info(raw, PCRE2_INFO_MINLENGTH, &minlen);
    pcre2_code_free(raw);
    if (minlen == 0) {
      sectag_error_set(err, SECTAG_ERR_CODEBOOK, cb->path, line, col,
                       "rule '%s' (code %s): the pattern can match empty text; make it match "
                       "at least one character (for example 'guerras?' rather than "
                       "'(guerras)?')",
                       rid, cid);
      return NULL;
    }
    long up = S_upper_literal(pattern);
    if (up >= 0) {
      m->warnings = sectag_xrealloc(m->warnings, (m->nwarnings + 1) * sizeof *m->warnings);
      sectag_error *w = &m->warnings[m->nwarnings++];
      memset(w, 0, sizeof *w);
      int len = 1;
      while (((unsigned char)pattern[up + len] & 0xC0) == 0x80) len++;
      sectag_error_set(w, SECTAG_WARNING, cb->path, line, col,
                       "rule '%s' (code %s): the upper-case '%.*s' can never match, because "
                       "texts are matched in lower case; write patterns in lower case",
                       rid, cid, len, pattern + up);
      char *caret = S_caret(pattern, (size_t)up);
      sectag_error_set_detail(w, caret);
      free(caret);
    }
    /* 2. the pattern as matched: normalized like the shadow text (NFC,
     * accents stripped when the codebook is accent-insensitive) */
    sectag_buf_clear(norm);
    sectag_normalize(pattern, strlen(pattern), 0, cb->strip_accents, norm);
    pcre2_code *re = S_compile_wrapped(norm->ptr, norm->len, partial, opts);
    if (!re) {
      sectag_error_set(err, SECTAG_ERR_CODEBOOK, cb->path, line, col,
                       "rule '%s' (code %s): the pattern cannot be combined with the "
                       "token-boundary check; add `partial: true` or simplify it",
                       rid, cid);
      return NULL;
    }
    if (m->jit && pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) != 0) m->jit = 0;
    return re;
  }
}

/* Compiles the patterns of every context rule (unless, near). */
static int S_contexts_compile(sectag_matcher *m, sectag_buf *norm, sectag_error *err) {
  const sectag_codebook *cb = m->cb;
  m->unless = sectag_xcalloc(cb->ncontexts + 1, sizeof *m->unless);
  m->near = sectag_xcalloc(cb->ncontexts + 1, sizeof *m->near);
  for (size_t c = 0; c < cb->ncontexts; c++) {
    const sectag_context *x = &cb->contexts[c];
    for (int list = 0; list < 2; list++) {
      const sectag_ctxpat *it = list ? x->near : x->unless;
      size_t n = list ? x->nnear : x->nunless;
      pcre2_code **re = sectag_xcalloc(n + 1, sizeof *re);
      if (list)
        m->near[c] = re;
      else
        m->unless[c] = re;
      /* name the rule in messages: the first code or pattern that uses it */
      const char *cid = "?";
      for (size_t k = 0; k < cb->ncodes; k++)
        if (cb->codes[k].context == (long)c) cid = cb->codes[k].id;
      for (size_t k = 0; k < cb->nrules && !strcmp(cid, "?"); k++)
        if (cb->rules[k].context == (long)c) cid = cb->codes[cb->rules[k].code].id;
      char rid[32];
      for (size_t k = 0; k < n; k++) {
        if (!it[k].pattern) continue; /* {code: ID} */
        snprintf(rid, sizeof rid, "%s %zu", list ? "near" : "unless", k + 1);
        re[k] = S_compile_pattern(m, it[k].pattern, 0, it[k].line, it[k].col, rid, cid, norm,
                                  err);
        if (!re[k]) return -1;
      }
    }
  }
  return 0;
}

/* ---- `words:` ---- */

/* FNV-1a, as sectag_hash, one byte at a time (prefixes of a token). */
#define S_FNV_START 1469598103934665603ULL
#define S_FNV_STEP(h, c) (((h) ^ (unsigned char)(c)) * 1099511628211ULL)

static S_bucket *S_wmap_slot_h(S_wmap *map, const char *key, size_t len, uint64_t hash) {
  size_t h = (size_t)hash & (map->cap - 1);
  while (map->b[h].key && !(map->b[h].len == len && memcmp(map->b[h].key, key, len) == 0))
    h = (h + 1) & (map->cap - 1);
  return &map->b[h];
}

static void S_wmap_add(S_wmap *map, const char *key, size_t len, size_t w) {
  uint64_t hash = sectag_hash(key, len), f = S_FILTER_BIT(hash);
  map->filter[f >> 6] |= (uint64_t)1 << (f & 63);
  S_bucket *b = S_wmap_slot_h(map, key, len, hash);
  b->key = key;
  b->len = len;
  b->idx = sectag_xrealloc(b->idx, (b->n + 1) * sizeof *b->idx);
  b->idx[b->n++] = w;
}

static const S_bucket *S_wmap_get(const S_wmap *map, const char *key, size_t len,
                                  uint64_t hash) {
  if (!map->cap) return NULL;
  uint64_t f = S_FILTER_BIT(hash);
  if (!(map->filter[f >> 6] & ((uint64_t)1 << (f & 63)))) return NULL;
  const S_bucket *b = S_wmap_slot_h((S_wmap *)map, key, len, hash);
  return b->key ? b : NULL;
}

static int S_glob_ok(const S_glob *g, const char *s, size_t n) {
  switch (g->kind) {
  case G_EXACT: return n == g->len && memcmp(s, g->s, n) == 0;
  case G_PREFIX: return n >= g->len && memcmp(s, g->s, g->len) == 0;
  default: return sectag_glob_match(g->s, g->len, s, n);
  }
}

/* Parses every `words:` rule into normalized globs and indexes them by
 * their first glob. */
static void S_words_index(sectag_matcher *m) {
  const sectag_codebook *cb = m->cb;
  size_t n = 0;
  for (size_t i = 0; i < cb->nrules; i++) n += cb->rules[i].words != 0;
  if (!n) return;
  m->words = sectag_xcalloc(n, sizeof *m->words);
  m->exact.cap = m->prefix.cap = 16;
  while (m->exact.cap < 2 * n) m->exact.cap *= 2;
  m->prefix.cap = m->exact.cap;
  m->exact.b = sectag_xcalloc(m->exact.cap, sizeof *m->exact.b);
  m->prefix.b = sectag_xcalloc(m->prefix.cap, sizeof *m->prefix.b);
  m->general = sectag_xcalloc(n, sizeof *m->general);
  sectag_buf norm = SECTAG_BUF_INIT;
  for (size_t i = 0; i < cb->nrules; i++) {
    if (!cb->rules[i].words) continue;
    sectag_buf_clear(&norm);
    const char *pat = cb->rules[i].pattern;
    sectag_normalize(pat, strlen(pat), 1, cb->strip_accents, &norm);
    S_wrule *w = &m->words[m->nwords];
    w->rule = i;
    for (size_t a = 0; a < norm.len;) { /* one glob per space-separated part */
      while (a < norm.len && (norm.ptr[a] == ' ' || norm.ptr[a] == '\t')) a++;
      size_t b = a;
      while (b < norm.len && norm.ptr[b] != ' ' && norm.ptr[b] != '\t') b++;
      if (b == a) break;
      w->tok = sectag_xrealloc(w->tok, (w->ntok + 1) * sizeof *w->tok);
      S_glob *g = &w->tok[w->ntok++];
      g->s = sectag_xstrndup(norm.ptr + a, b - a);
      g->len = b - a;
      const char *star = memchr(g->s, '*', g->len), *q = memchr(g->s, '?', g->len);
      if (!star && !q)
        g->kind = G_EXACT;
      else if (!q && star == g->s + g->len - 1 && g->len > 1)
        g->kind = G_PREFIX, g->len--;
      else
        g->kind = G_GLOB;
      a = b;
    }
    if (!w->ntok) continue;
    const S_glob *g0 = &w->tok[0];
    if (g0->kind == G_EXACT)
      S_wmap_add(&m->exact, g0->s, g0->len, m->nwords);
    else if (g0->kind == G_PREFIX) {
      S_wmap_add(&m->prefix, g0->s, g0->len, m->nwords);
      if (g0->len > m->max_prefix) m->max_prefix = g0->len;
      if (g0->len >= 1 && g0->len <= 64) m->prefix_lens |= (uint64_t)1 << (g0->len - 1);
    }
    else
      m->general[m->ngeneral++] = m->nwords;
    m->nwords++;
  }
  sectag_buf_free(&norm);
}

/* Tries word rule w at token i; returns the index after its last token, or
 * 0 when it does not match there. */
static size_t S_word_at(const sectag_doc *d, const S_wrule *w, size_t i, size_t k0) {
  size_t t = i + k0;
  for (size_t k = k0; k < w->ntok; k++, t++) {
    if (t >= d->ntokens || d->tokens[t].kind != SECTAG_TOKEN_WORD) return 0;
    if (k && d->tok_turn && d->tok_turn[t] != d->tok_turn[i]) return 0;
    const sectag_token *tok = &d->tokens[t];
    if (!S_glob_ok(&w->tok[k], d->shadow + tok->nstart, tok->nend - tok->nstart)) return 0;
  }
  return t;
}

/* SECTAG_NO_EXPAND=1: every candidate is confirmed by PCRE2 (for tests that
 * compare the two). */
static int S_no_expand(void) {
  const char *off = getenv("SECTAG_NO_EXPAND");
  return off && *off && strcmp(off, "0") != 0;
}

static void S_expand_free_all(sectag_matcher *m) {
  for (size_t i = 0; m->expand && i < m->cb->nrules; i++) sectag_expand_free(m->expand[i]);
  free(m->expand);
  m->expand = NULL;
}

sectag_matcher *sectag_matcher_new(const sectag_codebook *cb, sectag_error *err) {
  sectag_matcher *m = sectag_xcalloc(1, sizeof *m);
  m->cb = cb;
  m->re = sectag_xcalloc(cb->nrules ? cb->nrules : 1, sizeof *m->re);
  sectag_buf norm = SECTAG_BUF_INIT;
  /* SECTAG_NO_JIT=1 uses the interpreter (for valgrind, which cannot follow
   * JIT-compiled code and reports false errors inside it). */
  const char *nojit = getenv("SECTAG_NO_JIT");
  m->jit = !(nojit && *nojit && strcmp(nojit, "0") != 0);
  int use_pf = sectag_prefilter_available();
  for (size_t i = 0; i < cb->nrules; i++) {
    const sectag_rule *r = &cb->rules[i];
    if (r->words) continue; /* matched on tokens, see S_words_index */
    m->re[i] = S_compile_pattern(m, r->pattern, r->partial, r->line, r->col, r->id,
                                 cb->codes[r->code].id, &norm, err);
    if (!m->re[i]) goto fail;
    if (!use_pf) continue;
    /* norm holds the pattern as matched: its start literals */
    sectag_litset ls;
    if (!sectag_regex_prefixes(norm.ptr, norm.len, &ls)) continue;
    if (!m->pf) {
      m->pf = sectag_prefilter_new();
      m->prefiltered = sectag_xcalloc(cb->nrules, 1);
    }
    for (size_t k = 0; k < ls.n; k++)
      sectag_prefilter_add(m->pf, ls.s[k], ls.len[k], (uint32_t)i, r->partial);
    m->prefiltered[i] = 1;
    m->nprefiltered++;
    sectag_litset_free(&ls);
    if (!r->partial && !S_no_expand()) {
      if (!m->expand) m->expand = sectag_xcalloc(cb->nrules, sizeof *m->expand);
      m->expand[i] = sectag_expand_new(norm.ptr, norm.len);
    }
  }
  if (m->pf && sectag_prefilter_compile(m->pf) != 0) { /* scan every rule in full */
    sectag_prefilter_free(m->pf);
    m->pf = NULL;
    free(m->prefiltered);
    m->prefiltered = NULL;
    m->nprefiltered = 0;
    S_expand_free_all(m); /* they are used only at candidates */
  }
  if (S_contexts_compile(m, &norm, err) != 0) goto fail;
  S_words_index(m);
  sectag_buf_free(&norm);
  return m;
fail:
  sectag_buf_free(&norm);
  sectag_matcher_free(m);
  return NULL;
}

void sectag_matcher_free(sectag_matcher *m) {
  if (!m) return;
  for (size_t i = 0; m->cb && i < m->cb->nrules; i++) pcre2_code_free(m->re[i]);
  free(m->re);
  for (size_t c = 0; m->cb && c < m->cb->ncontexts; c++) {
    const sectag_context *x = &m->cb->contexts[c];
    for (size_t k = 0; m->unless && m->unless[c] && k < x->nunless; k++)
      pcre2_code_free(m->unless[c][k]);
    for (size_t k = 0; m->near && m->near[c] && k < x->nnear; k++)
      pcre2_code_free(m->near[c][k]);
    if (m->unless) free(m->unless[c]);
    if (m->near) free(m->near[c]);
  }
  free(m->unless);
  free(m->near);
  for (size_t i = 0; i < m->nwords; i++) {
    for (size_t k = 0; k < m->words[i].ntok; k++) free(m->words[i].tok[k].s);
    free(m->words[i].tok);
  }
  free(m->words);
  for (size_t i = 0; i < m->exact.cap; i++) free(m->exact.b[i].idx);
  for (size_t i = 0; i < m->prefix.cap; i++) free(m->prefix.b[i].idx);
  free(m->exact.b);
  free(m->prefix.b);
  free(m->general);
  sectag_prefilter_free(m->pf);
  free(m->prefiltered);
  S_expand_free_all(m);
  for (size_t i = 0; i < m->nwarnings; i++) sectag_error_clear(&m->warnings[i]);
  free(m->warnings);
  free(m);
}

/* The boundary check (see the top of this file). */
/* Whether shadow range [s, e) crosses a turn barrier (a barrier strictly
 * inside it). */
static int S_crosses(const sectag_doc *d, size_t s, size_t e) {
  size_t lo = 0, hi = d->nbarriers; /* first barrier > s */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (d->barriers[mid] <= s)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < d->nbarriers && d->barriers[lo] < e;
}

/* The boundary check (see the top of this file); a match may not cross from
 * one speaker's turn into the next either. */
static int S_callout(pcre2_callout_block *blk, void *data) {
  const sectag_doc *d = data;
  const unsigned char *bound = d->bound;
  if (blk->callout_number == 1)
    return (bound[blk->current_position] & SECTAG_BOUND_START) ? 0 : 1;
  if (blk->current_position <= blk->start_match) return 1;
  if (!(bound[blk->current_position] & SECTAG_BOUND_END)) return 1;
  return d->nbarriers && S_crosses(d, blk->start_match, blk->current_position) ? 1 : 0;
}

/* The end callout (S_callout, number 2) for a match [s, e) found by
 * comparing bytes (expand.h). */
static int S_end_ok(size_t s, size_t e, void *data) {
  const sectag_doc *d = data;
  if (e <= s || !(d->bound[e] & SECTAG_BOUND_END)) return 0;
  return !(d->nbarriers && S_crosses(d, s, e));
}

static int S_cmp_longest(const void *a, const void *b) {
  const S_cand *x = a, *y = b;
  size_t lx = x->nend - x->nstart, ly = y->nend - y->nstart;
  if (lx != ly) return lx > ly ? -1 : 1;
  if (x->rule != y->rule) return x->rule < y->rule ? -1 : 1;
  return x->nstart < y->nstart ? -1 : x->nstart > y->nstart;
}

static int S_cmp_start(const void *a, const void *b) {
  const S_cand *x = a, *y = b;
  if (x->nstart != y->nstart) return x->nstart < y->nstart ? -1 : 1;
  if (x->nend != y->nend) return x->nend > y->nend ? -1 : 1;
  return x->rule < y->rule ? -1 : x->rule > y->rule;
}

/* Sorts candidates by start with a stable radix sort on nstart (a byte per
 * pass, as many passes as the largest start needs), then orders the runs
 * with the same start by S_cmp_start. Rules run one after another, so a
 * document with thousands of rules has thousands of sorted runs, which a
 * comparison sort merges slowly. */
static void S_sort_by_start(S_cand *c, size_t n, size_t maxstart) {
  if (n < 32) {
    sectag_sort(c, n, sizeof *c, S_cmp_start);
    return;
  }
  S_cand *tmp = sectag_xmalloc(n * sizeof *tmp), *from = c, *to = tmp;
  for (unsigned shift = 0; shift < 64 && (maxstart >> shift) != 0; shift += 8) {
    size_t count[257] = {0};
    for (size_t i = 0; i < n; i++) count[((from[i].nstart >> shift) & 0xFF) + 1]++;
    for (size_t b = 1; b <= 256; b++) count[b] += count[b - 1];
    for (size_t i = 0; i < n; i++) to[count[(from[i].nstart >> shift) & 0xFF]++] = from[i];
    S_cand *x = from;
    from = to;
    to = x;
  }
  if (from != c) memcpy(c, from, n * sizeof *c);
  free(tmp);
  for (size_t g = 0, e; g < n; g = e) {
    for (e = g + 1; e < n && c[e].nstart == c[g].nstart; e++) continue;
    if (e - g > 1) sectag_sort(c + g, e - g, sizeof *c, S_cmp_start);
  }
}

static int S_cmp_matches(const void *a, const void *b) {
  const sectag_match *x = a, *y = b;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  if (x->end != y->end) return x->end > y->end ? -1 : 1; /* outer first */
  return x->rule < y->rule ? -1 : x->rule > y->rule;
}


/* The error of a rule that gave up (match, depth or heap limit). */
static void S_gave_up(const sectag_matcher *m, const sectag_doc *d, size_t ri, int rc,
                      size_t at, sectag_error *err) {
  const sectag_rule *r = &m->cb->rules[ri];
  PCRE2_UCHAR msg[256];
  pcre2_get_error_message(rc, msg, sizeof msg);
  unsigned long line, col;
  sectag_doc_line_col(d, sectag_doc_orig_offset(d, at), &line, &col);
  sectag_error_set(err, SECTAG_ERR_MATCH, d->path ? d->path : d->doc_id, line, col,
                   "rule '%s' (code %s) gave up: %s (it backtracks too much, e.g. nested "
                   "repeats like (a+)+); simplify the pattern in %s line %lu",
                   r->id, m->cb->codes[r->code].id, (const char *)msg, m->cb->path, r->line);
}

/* Runs one rule over the shadow text, appending candidates. */
static int S_run_rule(const sectag_matcher *m, sectag_doc *d, size_t ri, pcre2_match_data *md,
                      pcre2_match_context *mc, S_cand **cands, size_t *n, size_t *cap,
                      sectag_error *err) {
  const pcre2_code *re = m->re[ri];
  const PCRE2_SPTR subj = (PCRE2_SPTR)d->shadow;
  size_t len = d->shadow_len, start = 0;
  while (start < len) {
    size_t limit = start + SECTAG_WINDOW;
    if (limit > len) limit = len;
    pcre2_set_offset_limit(mc, limit);
    int rc = pcre2_match(re, subj, len, start, PCRE2_NO_UTF_CHECK, md, mc);
    if (rc == PCRE2_ERROR_NOMATCH) {
      if (limit >= len) break;
      start = limit;
      continue;
    }
    if (rc < 0) {
      S_gave_up(m, d, ri, rc, start, err);
      return -1;
    }
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
    size_t s = ov[0], e = ov[1];
    if (e <= s) { /* empty (e.g. through \K): step over one character */
      start = s + 1;
      while (start < len && (d->shadow[start] & 0xC0) == 0x80) start++;
      continue;
    }
    if (*n == *cap) {
      *cap = *cap ? *cap * 2 : 64;
      *cands = sectag_xrealloc(*cands, *cap * sizeof **cands);
    }
    /* partial rules have no callouts: drop a match across turns here */
    if (!(d->nbarriers && S_crosses(d, s, e))) (*cands)[(*n)++] = (S_cand){s, e, (uint32_t)ri};
    start = e;
  }
  return 0;
}

/* Runs one prefiltered rule at its candidate starts c[0, nc) (sorted):
 * each start is tried alone (the offset limit equals the start), in order,
 * and a start inside the previous match is skipped. Every match of the rule
 * starts with one of its literals, so this finds exactly what a scan of the
 * whole text (S_run_rule) finds. */
static int S_run_rule_at(const sectag_matcher *m, sectag_doc *d, size_t ri,
                         const sectag_cand_pos *c, size_t nc, pcre2_match_data *md,
                         pcre2_match_context *mc, S_cand **cands, size_t *n, size_t *cap,
                         sectag_error *err) {
  const pcre2_code *re = m->re[ri];
  const PCRE2_SPTR subj = (PCRE2_SPTR)d->shadow;
  const int partial = m->cb->rules[ri].partial;
  const sectag_expand *x = m->expand ? m->expand[ri] : NULL;
  size_t len = d->shadow_len, next = 0;
  for (size_t k = 0; k < nc; k++) {
    size_t start = c[k].pos;
    if (start < next) continue;
    /* the start callout would refuse it: no need to ask PCRE2 */
    if (!partial && !(d->bound[start] & SECTAG_BOUND_START)) continue;
    size_t s = start, e = start;
    int ex = x ? sectag_expand_at(x, d->shadow, len, start, S_end_ok, d, &e)
               : SECTAG_EXPAND_UNSURE;
    if (ex == SECTAG_EXPAND_NOMATCH) continue;
    if (ex == SECTAG_EXPAND_UNSURE) {
      pcre2_set_offset_limit(mc, start);
      int rc = pcre2_match(re, subj, len, start, PCRE2_NO_UTF_CHECK, md, mc);
      if (rc == PCRE2_ERROR_NOMATCH) continue;
      if (rc < 0) {
        S_gave_up(m, d, ri, rc, start, err);
        return -1;
      }
      PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
      s = ov[0];
      e = ov[1];
    }
    if (e <= s) continue; /* cannot happen: rules never match empty text */
    if (*n == *cap) {
      *cap = *cap ? *cap * 2 : 64;
      *cands = sectag_xrealloc(*cands, *cap * sizeof **cands);
    }
    if (!(d->nbarriers && S_crosses(d, s, e))) (*cands)[(*n)++] = (S_cand){s, e, (uint32_t)ri};
    next = e;
  }
  return 0;
}

/* Appends the candidate matches of every `words:` rule: one pass over the
 * word tokens, with hash look-ups of each token and of its prefixes. */
static void S_run_words(const sectag_matcher *m, const sectag_doc *d, S_cand **cands,
                        size_t *n, size_t *cap) {
  for (size_t i = 0; i < d->ntokens; i++) {
    const sectag_token *t = &d->tokens[i];
    if (t->kind != SECTAG_TOKEN_WORD || t->nend == t->nstart) continue;
    const char *s = d->shadow + t->nstart;
    size_t len = t->nend - t->nstart;
    uint64_t h = S_FNV_START; /* the hash of s[0, l) in pass 1 */
    for (size_t pass = 0; pass < 3; pass++) {
      size_t last = pass == 1 && m->max_prefix < len ? m->max_prefix : len;
      if (pass == 1 && !m->prefix.cap) continue;
      for (size_t l = pass == 1 ? 1 : len; l <= last; l++) {
        if (pass == 1) {
          h = S_FNV_STEP(h, s[l - 1]);
          if (l < len && ((unsigned char)s[l] & 0xC0) == 0x80) continue;
          if (l <= 64 && !(m->prefix_lens & ((uint64_t)1 << (l - 1)))) continue;
        }
        const S_bucket *b = pass == 0   ? S_wmap_get(&m->exact, s, len, sectag_hash(s, len))
                            : pass == 1 ? S_wmap_get(&m->prefix, s, l, h)
                                        : NULL;
        const size_t *idx = pass == 2 ? m->general : b ? b->idx : NULL;
        size_t nidx = pass == 2 ? m->ngeneral : b ? b->n : 0;
        for (size_t k = 0; k < nidx; k++) {
          const S_wrule *w = &m->words[idx[k]];
          /* a rule found by its first token's form (pass 0 and 1) matches
           * that token already */
          size_t end = pass == 2 ? S_word_at(d, w, i, 0) : w->ntok == 1 ? i + 1 : S_word_at(d, w, i, 1);
          if (!end) continue;
          if (*n == *cap) {
            *cap = *cap ? *cap * 2 : 64;
            *cands = sectag_xrealloc(*cands, *cap * sizeof **cands);
          }
          (*cands)[(*n)++] = (S_cand){t->nstart, d->tokens[end - 1].nend, (uint32_t)w->rule};
        }
        if (pass != 1) break;
      }
    }
  }
}

/* Whether code c is code a or one of its sub-codes. */
static int S_is_under(const sectag_codebook *cb, long c, long a) {
  for (; c >= 0; c = cb->codes[c].parent)
    if (c == a) return 1;
  return 0;
}

/* The first token whose shadow end is after off. */
static size_t S_tok_at_shadow(const sectag_doc *d, size_t off) {
  size_t lo = 0, hi = d->ntokens;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (d->tokens[mid].nend <= off)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* Whether a context pattern (or {code: ID}) occurs in shadow window [ws,
 * we); with `outside`, an occurrence inside the candidate [cs, ce) itself
 * does not count (for `near`). Returns 1, 0, or -1 with err (a limit). */
static int S_ctx_found(const sectag_matcher *m, const sectag_doc *d, const sectag_ctxpat *cp,
                       const pcre2_code *re, const S_cand *all, size_t nall, size_t self,
                       size_t ws, size_t we, size_t cs, size_t ce, int outside,
                       pcre2_match_data *md, pcre2_match_context *mc, sectag_error *err) {
  if (!re) { /* {code: ID}: another candidate of that code in the window */
    for (size_t k = 0; k < nall; k++) {
      if (k == self || all[k].nstart < ws || all[k].nend > we) continue;
      if (outside && all[k].nstart >= cs && all[k].nend <= ce) continue;
      if (S_is_under(m->cb, (long)m->cb->rules[all[k].rule].code, cp->code_index)) return 1;
    }
    return 0;
  }
  size_t start = ws;
  while (start < we) {
    int rc = pcre2_match(re, (PCRE2_SPTR)d->shadow, we, start, PCRE2_NO_UTF_CHECK, md, mc);
    if (rc == PCRE2_ERROR_NOMATCH) return 0;
    if (rc < 0) {
      PCRE2_UCHAR msg[256];
      pcre2_get_error_message(rc, msg, sizeof msg);
      sectag_error_set(err, SECTAG_ERR_MATCH, d->path ? d->path : d->doc_id, 0, 0,
                       "a context pattern gave up: %s (it backtracks too much); simplify "
                       "the pattern in %s line %lu",
                       (const char *)msg, m->cb->path, cp->line);
      return -1;
    }
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
    if (!outside || ov[0] < cs || ov[1] > ce) return 1;
    start = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
  }
  return 0;
}

/* Applies the context rules: drops a candidate when an `unless` pattern
 * occurs in its window, or when it has `near` patterns and none occurs.
 * Candidates are judged against the full list, before any is dropped. */
static int S_contexts(const sectag_matcher *m, sectag_doc *d, pcre2_match_data *md,
                      pcre2_match_context *mc, S_cand *cands, size_t *n, sectag_error *err) {
  const sectag_codebook *cb = m->cb;
  pcre2_set_offset_limit(mc, PCRE2_UNSET);
  unsigned char *drop = sectag_xcalloc(*n + 1, 1);
  for (size_t i = 0; i < *n; i++) {
    long c = cb->rules[cands[i].rule].context;
    if (c < 0 || d->ntokens == 0) continue;
    const sectag_context *x = &cb->contexts[c];
    size_t first = S_tok_at_shadow(d, cands[i].nstart);
    size_t last = S_tok_at_shadow(d, cands[i].nend > 0 ? cands[i].nend - 1 : 0);
    if (first >= d->ntokens) continue;
    if (last >= d->ntokens) last = d->ntokens - 1;
    size_t a, b; /* window: tokens [a, b) */
    if (x->sentence) {
      a = d->sentences[d->tokens[first].sentence].first;
      b = d->sentences[d->tokens[last].sentence].last;
    } else {
      a = first > x->before ? first - x->before : 0;
      b = last + 1 + x->after < d->ntokens ? last + 1 + x->after : d->ntokens;
    }
    if (d->tok_turn) { /* never outside the match's turn */
      while (a < first && d->tok_turn[a] != d->tok_turn[first]) a++;
      while (b > last + 1 && d->tok_turn[b - 1] != d->tok_turn[last]) b--;
    }
    size_t ws = d->tokens[a].nstart, we = d->tokens[b - 1].nend;
    int hit = 0;
    for (size_t k = 0; k < x->nunless && !hit; k++) {
      hit = S_ctx_found(m, d, &x->unless[k], m->unless[c][k], cands, *n, i, ws, we,
                        cands[i].nstart, cands[i].nend, 0, md, mc, err);
      if (hit < 0) goto fail;
    }
    if (hit) {
      drop[i] = 1;
      continue;
    }
    if (x->nnear) {
      int near = 0;
      for (size_t k = 0; k < x->nnear && !near; k++) {
        near = S_ctx_found(m, d, &x->near[k], m->near[c][k], cands, *n, i, ws, we,
                           cands[i].nstart, cands[i].nend, 1, md, mc, err);
        if (near < 0) goto fail;
      }
      if (!near) drop[i] = 1;
    }
  }
  size_t w = 0;
  for (size_t i = 0; i < *n; i++)
    if (!drop[i]) cands[w++] = cands[i];
  *n = w;
  free(drop);
  return 0;
fail:
  free(drop);
  return -1;
}

int sectag_doc_code(sectag_doc *d, const sectag_matcher *m, sectag_error *err) {
  const sectag_codebook *cb = m->cb;
  sectag_doc_tokenize(d, cb->strip_accents);
  free(d->matches);
  d->matches = NULL;
  d->nmatches = 0;

  pcre2_match_context *mc = pcre2_match_context_create(NULL);
  pcre2_set_match_limit(mc, SECTAG_MATCH_LIMIT);
  pcre2_set_depth_limit(mc, SECTAG_DEPTH_LIMIT);
  pcre2_set_heap_limit(mc, SECTAG_HEAP_LIMIT);
  pcre2_set_callout(mc, S_callout, d);
  pcre2_jit_stack *js = NULL;
  if (m->jit) {
    js = pcre2_jit_stack_create(32 * 1024, 8 * 1024 * 1024, NULL);
    if (js) pcre2_jit_stack_assign(mc, NULL, js);
  }
  pcre2_match_data *md = pcre2_match_data_create(1, NULL);

  S_cand *cands = NULL;
  size_t n = 0, cap = 0;
  int rc = 0;
  /* prefiltered rules at their candidate starts, the others in full */
  sectag_cand_pos *starts = NULL;
  size_t nstarts = 0, capstarts = 0, at = 0;
  int pf = m->pf && sectag_prefilter_scan(m->pf, d->shadow, d->shadow_len, d->bound,
                                          SECTAG_BOUND_START, &starts, &nstarts,
                                          &capstarts) == 0;
  for (size_t ri = 0; ri < cb->nrules && rc == 0; ri++) {
    if (!m->re[ri]) continue;
    if (!pf || !m->prefiltered[ri]) {
      rc = S_run_rule(m, d, ri, md, mc, &cands, &n, &cap, err);
      continue;
    }
    while (at < nstarts && starts[at].rule < ri) at++;
    size_t from = at;
    while (at < nstarts && starts[at].rule == ri) at++;
    rc = S_run_rule_at(m, d, ri, starts + from, at - from, md, mc, &cands, &n, &cap, err);
  }
  free(starts);
  if (rc == 0 && m->nwords) S_run_words(m, d, &cands, &n, &cap);
  if (rc == 0 && cb->ncontexts) rc = S_contexts(m, d, md, mc, cands, &n, err);
  pcre2_match_data_free(md);
  pcre2_jit_stack_free(js);
  pcre2_match_context_free(mc);
  if (rc != 0) {
    free(cands);
    return -1;
  }

  /* overlap policy */
  size_t keep = n;
  int overlaps = 0; /* with overlap: longest, the work is only needed if some do */
  for (size_t i = 1, end = n ? cands[0].nend : 0; i < n && !cb->overlap_all && !overlaps; i++) {
    if (cands[i].nstart < cands[i - 1].nstart || cands[i].nstart < end) overlaps = 1;
    if (cands[i].nend > end) end = cands[i].nend;
  }
  if (!cb->overlap_all && overlaps) {
    sectag_sort(cands, n, sizeof *cands, S_cmp_longest);
    unsigned char *used = sectag_xcalloc(d->shadow_len + 1, 1);
    keep = 0;
    for (size_t i = 0; i < n; i++) {
      int free_span = 1;
      for (size_t b = cands[i].nstart; b < cands[i].nend; b++)
        if (used[b]) {
          free_span = 0;
          break;
        }
      if (!free_span) continue;
      memset(used + cands[i].nstart, 1, cands[i].nend - cands[i].nstart);
      cands[keep++] = cands[i];
    }
    free(used);
  }

  /* to original offsets and tokens: in order of start, so that the first
   * token is found by walking forward, not by a search per match */
  size_t inorder = 1; /* words: rules give candidates by start already */
  while (inorder < keep && cands[inorder - 1].nstart <= cands[inorder].nstart) inorder++;
  if (inorder < keep) {
    S_sort_by_start(cands, keep, d->shadow_len);
  } else { /* only candidates with the same start may need ordering */
    for (size_t g = 0, e; g < keep; g = e) {
      for (e = g + 1; e < keep && cands[e].nstart == cands[g].nstart; e++) continue;
      if (e - g > 1) sectag_sort(cands + g, e - g, sizeof *cands, S_cmp_start);
    }
  }
  /* every field of a kept match is set below: no need to clear */
  d->matches = sectag_xmalloc((keep ? keep : 1) * sizeof *d->matches);
  size_t walk = 0;
  for (size_t i = 0; i < keep; i++) {
    sectag_match *mt = &d->matches[d->nmatches];
    mt->nstart = cands[i].nstart;
    mt->nend = cands[i].nend;
    mt->start = sectag_doc_orig_offset(d, mt->nstart);
    mt->end = sectag_doc_orig_end(d, mt->nend);
    mt->rule = cands[i].rule;
    mt->code = (uint32_t)cb->rules[mt->rule].code;
    /* the first token whose end is after start, then after end */
    while (walk < d->ntokens && d->tokens[walk].end <= mt->start) walk++;
    mt->first_tok = walk;
    mt->end_tok = walk;
    while (mt->end_tok < d->ntokens && d->tokens[mt->end_tok].end <= mt->end) mt->end_tok++;
    if (mt->end_tok < d->ntokens && d->tokens[mt->end_tok].start < mt->end) mt->end_tok++;
    if (mt->first_tok >= mt->end_tok) continue; /* covers only white space */
    /* a speaker filter: matches in other speakers' turns are not coded */
    if (!sectag_doc_token_counted(d, mt->first_tok)) continue;
    mt->sentence = d->tokens[mt->first_tok].sentence;
    mt->end_sentence = d->tokens[mt->end_tok - 1].sentence;
    d->nmatches++;
  }
  free(cands);
  /* nearly always in order already (shadow and original offsets rise
   * together); sort only when they are not */
  size_t k = 1;
  while (k < d->nmatches && S_cmp_matches(&d->matches[k - 1], &d->matches[k]) <= 0) k++;
  if (k < d->nmatches) sectag_sort(d->matches, d->nmatches, sizeof *d->matches, S_cmp_matches);
  return 0;
}
