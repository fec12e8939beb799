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

#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "buf.h"
#include "codebook.h"
#include "document.h"
#include "error.h"

#define SECTAG_WINDOW ((size_t)65536)
#define SECTAG_MATCH_LIMIT 20000000u
#define SECTAG_DEPTH_LIMIT 100000u
#define SECTAG_HEAP_LIMIT 262144u /* KiB */

struct sectag_matcher {
  const sectag_codebook *cb;
  pcre2_code **re; /* one per rule */
  int jit;         /* JIT available and used */
  sectag_error *warnings; /* about rules that compile but cannot work as meant */
  size_t nwarnings;
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

sectag_matcher *sectag_matcher_new(const sectag_codebook *cb, sectag_error *err) {
  sectag_matcher *m = sectag_xcalloc(1, sizeof *m);
  m->cb = cb;
  m->re = sectag_xcalloc(cb->nrules ? cb->nrules : 1, sizeof *m->re);
  const uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_USE_OFFSET_LIMIT;
  sectag_buf norm = SECTAG_BUF_INIT;
  /* SECTAG_NO_JIT=1 uses the interpreter (for valgrind, which cannot follow
   * JIT-compiled code and reports false errors inside it). */
  const char *nojit = getenv("SECTAG_NO_JIT");
  m->jit = !(nojit && *nojit && strcmp(nojit, "0") != 0);
  for (size_t i = 0; i < cb->nrules; i++) {
    const sectag_rule *r = &cb->rules[i];
    const sectag_code *code = &cb->codes[r->code];
    /* 1. the pattern as written: errors point into what the author wrote */
    int errcode;
    PCRE2_SIZE erroff;
    pcre2_code *raw = pcre2_compile((PCRE2_SPTR)r->pattern, PCRE2_ZERO_TERMINATED, opts,
                                    &errcode, &erroff, NULL);
    if (!raw) {
      PCRE2_UCHAR msg[256];
      pcre2_get_error_message(errcode, msg, sizeof msg);
      sectag_error_set(err, SECTAG_ERR_CODEBOOK, cb->path, r->line, r->col,
                       "rule '%s' (code %s): invalid regex: %s at pattern offset %zu", r->id,
                       code->id, (const char *)msg, (size_t)erroff);
      char *caret = S_caret(r->pattern, erroff);
      sectag_error_set_detail(err, caret);
      free(caret);
      goto fail;
    }
    uint32_t minlen = 0;
    pcre2_pattern_info(raw, PCRE2_INFO_MINLENGTH, &minlen);
    pcre2_code_free(raw);
    if (minlen == 0) {
      sectag_error_set(err, SECTAG_ERR_CODEBOOK, cb->path, r->line, r->col,
                       "rule '%s' (code %s): the pattern can match empty text; make it match "
                       "at least one character (for example 'guerras?' rather than "
                       "'(guerras)?')",
                       r->id, code->id);
      goto fail;
    }
    long up = S_upper_literal(r->pattern);
    if (up >= 0) {
      m->warnings = sectag_xrealloc(m->warnings, (m->nwarnings + 1) * sizeof *m->warnings);
      sectag_error *w = &m->warnings[m->nwarnings++];
      memset(w, 0, sizeof *w);
      int len = 1;
      while (((unsigned char)r->pattern[up + len] & 0xC0) == 0x80) len++;
      sectag_error_set(w, SECTAG_WARNING, cb->path, r->line, r->col,
                       "rule '%s' (code %s): the upper-case '%.*s' can never match, because "
                       "texts are matched in lower case; write patterns in lower case",
                       r->id, code->id, len, r->pattern + up);
      char *caret = S_caret(r->pattern, (size_t)up);
      sectag_error_set_detail(w, caret);
      free(caret);
    }
    /* 2. the pattern as matched: normalized like the shadow text (NFC,
     * accents stripped when the codebook is accent-insensitive) */
    sectag_buf_clear(&norm);
    sectag_normalize(r->pattern, strlen(r->pattern), 0, cb->strip_accents, &norm);
    m->re[i] = S_compile_wrapped(norm.ptr, norm.len, r->partial, opts);
    if (!m->re[i]) {
      sectag_error_set(err, SECTAG_ERR_CODEBOOK, cb->path, r->line, r->col,
                       "rule '%s' (code %s): the pattern cannot be combined with the "
                       "token-boundary check; add `partial: true` or simplify it",
                       r->id, code->id);
      goto fail;
    }
    if (m->jit && pcre2_jit_compile(m->re[i], PCRE2_JIT_COMPLETE) != 0) m->jit = 0;
  }
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

static int S_cmp_longest(const void *a, const void *b) {
  const S_cand *x = a, *y = b;
  size_t lx = x->nend - x->nstart, ly = y->nend - y->nstart;
  if (lx != ly) return lx > ly ? -1 : 1;
  if (x->rule != y->rule) return x->rule < y->rule ? -1 : 1;
  return x->nstart < y->nstart ? -1 : x->nstart > y->nstart;
}

static int S_cmp_matches(const void *a, const void *b) {
  const sectag_match *x = a, *y = b;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  if (x->end != y->end) return x->end > y->end ? -1 : 1; /* outer first */
  return x->rule < y->rule ? -1 : x->rule > y->rule;
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
      const sectag_rule *r = &m->cb->rules[ri];
      PCRE2_UCHAR msg[256];
      pcre2_get_error_message(rc, msg, sizeof msg);
      unsigned long line, col;
      sectag_doc_line_col(d, sectag_doc_orig_offset(d, start), &line, &col);
      sectag_error_set(err, SECTAG_ERR_MATCH, d->path ? d->path : d->doc_id, line, col,
                       "rule '%s' (code %s) gave up: %s (it backtracks too much, e.g. nested "
                       "repeats like (a+)+); simplify the pattern in %s line %lu",
                       r->id, m->cb->codes[r->code].id, (const char *)msg, m->cb->path,
                       r->line);
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
  for (size_t ri = 0; ri < cb->nrules && rc == 0; ri++)
    rc = S_run_rule(m, d, ri, md, mc, &cands, &n, &cap, err);
  pcre2_match_data_free(md);
  pcre2_jit_stack_free(js);
  pcre2_match_context_free(mc);
  if (rc != 0) {
    free(cands);
    return -1;
  }

  /* overlap policy */
  size_t keep = n;
  if (!cb->overlap_all && n > 1) {
    qsort(cands, n, sizeof *cands, S_cmp_longest);
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

  /* to original offsets and tokens */
  d->matches = sectag_xcalloc(keep ? keep : 1, sizeof *d->matches);
  for (size_t i = 0; i < keep; i++) {
    sectag_match *mt = &d->matches[d->nmatches];
    mt->nstart = cands[i].nstart;
    mt->nend = cands[i].nend;
    mt->start = sectag_doc_orig_offset(d, mt->nstart);
    mt->end = sectag_doc_orig_end(d, mt->nend);
    mt->rule = cands[i].rule;
    mt->code = (uint32_t)cb->rules[mt->rule].code;
    mt->first_tok = sectag_doc_token_after(d, mt->start);
    mt->end_tok = sectag_doc_token_after(d, mt->end);
    if (mt->end_tok < d->ntokens && d->tokens[mt->end_tok].start < mt->end) mt->end_tok++;
    if (mt->first_tok >= mt->end_tok) continue; /* covers only white space */
    /* a speaker filter: matches in other speakers' turns are not coded */
    if (!sectag_doc_token_counted(d, mt->first_tok)) continue;
    mt->sentence = d->tokens[mt->first_tok].sentence;
    mt->end_sentence = d->tokens[mt->end_tok - 1].sentence;
    d->nmatches++;
  }
  free(cands);
  qsort(d->matches, d->nmatches, sizeof *d->matches, S_cmp_matches);
  return 0;
}
