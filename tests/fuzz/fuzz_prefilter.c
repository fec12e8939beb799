/* fuzz_prefilter.c: the start literals of prefilter.c are a guarantee, and
 * the expansions of expand.c answer as PCRE2 does.
 * Input: a pattern (up to the first newline) and a text (the rest). When
 * sectag_regex_prefixes gives the pattern a set of literals, every position
 * where PCRE2 finds a match of the pattern (tried alone, as match.c does)
 * must begin with one of them; otherwise the prefilter would lose matches.
 * When sectag_expand_new gives it an expansion, sectag_expand_at must give
 * PCRE2's match at every start where it is sure (expand_check.h). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <string.h>

#include "expand_check.h"
#include "fuzz.h"
#include "prefilter.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096) return 0;
  const char *nl = memchr(data, '\n', size);
  if (!nl) return 0;
  size_t plen = (size_t)(nl - (const char *)data);
  const char *pat = (const char *)data, *text = nl + 1;
  size_t tlen = size - plen - 1;
  if (plen == 0 || plen > 256 || tlen > 1024) return 0;

  expand_check_result ex;
  if (expand_check(pat, plen, text, tlen, (unsigned)(plen * 31 + tlen), &ex) == 0 &&
      ex.first_bad >= 0) {
    fprintf(stderr, "pattern %.*s at %ld: PCRE2 %s %zu, expansion %s %zu\n", (int)plen, pat,
            ex.first_bad, ex.want ? "matches to" : "fails", ex.want_end,
            ex.got == SECTAG_EXPAND_MATCH ? "matches to" : "fails", ex.got_end);
    abort();
  }

  sectag_litset ls;
  if (!sectag_regex_prefixes(pat, plen, &ls)) return 0;
  FUZZ_CHECK(ls.n > 0);
  for (size_t i = 0; i < ls.n; i++) FUZZ_CHECK(ls.len[i] > 0);

  int errcode;
  PCRE2_SIZE erroff;
  pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, plen,
                                 PCRE2_UTF | PCRE2_UCP | PCRE2_USE_OFFSET_LIMIT |
                                     PCRE2_NO_AUTO_POSSESS,
                                 &errcode, &erroff, NULL);
  if (!re) {
    sectag_litset_free(&ls);
    return 0;
  }
  pcre2_match_data *md = pcre2_match_data_create(1, NULL);
  pcre2_match_context *mc = pcre2_match_context_create(NULL);
  pcre2_set_match_limit(mc, 100000);
  pcre2_set_depth_limit(mc, 1000);
  for (size_t s = 0; s <= tlen; s++) {
    pcre2_set_offset_limit(mc, s);
    int rc = pcre2_match(re, (PCRE2_SPTR)text, tlen, s, 0, md, mc);
    if (rc == PCRE2_ERROR_BADUTFOFFSET || rc == PCRE2_ERROR_NOMATCH) continue;
    if (rc < 0) break; /* invalid UTF-8 text, or a limit */
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
    if (ov[0] != s) continue; /* \K moved the start: the analysis refuses \K */
    int found = 0;
    for (size_t i = 0; i < ls.n && !found; i++)
      found = ls.len[i] <= tlen - s && memcmp(text + s, ls.s[i], ls.len[i]) == 0;
    if (!found) {
      fprintf(stderr, "pattern %.*s matches at %zu (\"%.*s\"), which starts with none of the %zu literals\n",
              (int)plen, pat, s, (int)(ov[1] - ov[0]), text + ov[0], ls.n);
      abort();
    }
  }
  pcre2_match_context_free(mc);
  pcre2_match_data_free(md);
  pcre2_code_free(re);
  sectag_litset_free(&ls);
  return 0;
}
