/* expand_check.h: the check shared by test_prefilter.c and fuzz_prefilter.c
 * that expand.c answers exactly as PCRE2 does (header-only).
 *
 * The pattern is wrapped as match.c wraps it, (?C1)(?:P)(?C2), and tried
 * alone at every character boundary of the text (offset limit = start).
 * Token boundaries are pseudo-random bits of the position and a seed: the
 * start callout needs a start bit, the end callout an end bit after a
 * non-empty match, exactly as match.c's S_callout and S_end_ok. Wherever
 * sectag_expand_at gives a sure answer, it must be PCRE2's. */
#ifndef SECTAG_EXPAND_CHECK_H
#define SECTAG_EXPAND_CHECK_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "expand.h"

typedef struct {
  unsigned seed;
  size_t sure, matches, unsure;
  long first_bad; /* -1, or the first start where the answers differ */
  size_t want_end, got_end;
  int want, got;
} expand_check_result;

static int expand_check_bit(unsigned seed, size_t pos, unsigned which) {
  unsigned long h = (unsigned long)pos * 2654435761UL + seed * 40503UL + which * 97UL;
  h ^= h >> 13;
  h *= 0x5bd1e995UL;
  h ^= h >> 15;
  return (h & 3) != 0; /* three in four positions are boundaries */
}

static int expand_check_callout(pcre2_callout_block *blk, void *data) {
  unsigned seed = *(const unsigned *)data;
  if (blk->callout_number == 1) return expand_check_bit(seed, blk->current_position, 1) ? 0 : 1;
  if (blk->current_position <= blk->start_match) return 1;
  return expand_check_bit(seed, blk->current_position, 2) ? 0 : 1;
}

static int expand_check_accept(size_t s, size_t e, void *ctx) {
  unsigned seed = *(const unsigned *)ctx;
  return e > s && expand_check_bit(seed, e, 2);
}

static int expand_check_count(pcre2_callout_enumerate_block *blk, void *data) {
  (void)blk;
  (*(int *)data)++;
  return 0;
}

/* Returns 0 when the check ran (see r->first_bad), -1 when the pattern has
 * no expansion or does not compile alone, or the text is not valid UTF-8. */
static int expand_check(const char *pat, size_t plen, const char *text, size_t tlen,
                        unsigned seed, expand_check_result *r) {
  memset(r, 0, sizeof *r);
  r->seed = seed;
  r->first_bad = -1;
  sectag_expand *x = sectag_expand_new(pat, plen);
  if (!x) return -1;
  sectag_buf w = SECTAG_BUF_INIT;
  sectag_buf_puts(&w, "(?C1)(?:");
  sectag_buf_put(&w, pat, plen);
  sectag_buf_puts(&w, ")(?C2)");
  int errcode;
  PCRE2_SIZE erroff;
  pcre2_code *re = pcre2_compile((PCRE2_SPTR)w.ptr, w.len,
                                 PCRE2_UTF | PCRE2_UCP | PCRE2_USE_OFFSET_LIMIT |
                                     PCRE2_NO_AUTO_POSSESS,
                                 &errcode, &erroff, NULL);
  sectag_buf_free(&w);
  int ncallouts = 0;
  if (re) pcre2_callout_enumerate(re, expand_check_count, &ncallouts);
  if (!re || ncallouts != 2) {
    pcre2_code_free(re);
    sectag_expand_free(x);
    return -1;
  }
  pcre2_match_data *md = pcre2_match_data_create(1, NULL);
  pcre2_match_context *mc = pcre2_match_context_create(NULL);
  pcre2_set_match_limit(mc, 100000);
  pcre2_set_depth_limit(mc, 1000);
  pcre2_set_callout(mc, expand_check_callout, &r->seed);
  int rc = 0;
  for (size_t s = 0; s <= tlen && r->first_bad < 0; s++) {
    if (s < tlen && ((unsigned char)text[s] & 0xC0) == 0x80) continue;
    pcre2_set_offset_limit(mc, s);
    int prc = pcre2_match(re, (PCRE2_SPTR)text, tlen, s, 0, md, mc);
    if (prc < 0 && prc != PCRE2_ERROR_NOMATCH) {
      if (prc == PCRE2_ERROR_MATCHLIMIT || prc == PCRE2_ERROR_DEPTHLIMIT) continue;
      rc = -1; /* invalid UTF-8 */
      break;
    }
    int want = prc >= 0;
    size_t want_end = want ? pcre2_get_ovector_pointer(md)[1] : 0;
    if (!expand_check_bit(seed, s, 1)) continue; /* match.c never asks there */
    size_t got_end = 0;
    int got = sectag_expand_at(x, text, tlen, s, expand_check_accept, &r->seed, &got_end);
    if (got == SECTAG_EXPAND_UNSURE) {
      r->unsure++;
      continue;
    }
    r->sure++;
    r->matches += want;
    if (got != want || (want && got_end != want_end)) {
      r->first_bad = (long)s;
      r->want = want;
      r->got = got;
      r->want_end = want_end;
      r->got_end = got_end;
    }
  }
  pcre2_match_context_free(mc);
  pcre2_match_data_free(md);
  pcre2_code_free(re);
  sectag_expand_free(x);
  return rc;
}

#endif
