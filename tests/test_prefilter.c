/* test_prefilter.c: the start literals of patterns (prefilter.c), and that
 * coding with the prefilter gives exactly the matches of a scan of the
 * whole text, on random texts and random rules (TAP). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "expand_check.h"
#include "harness.h"
#include "prefilter.h"
#include "sectag.h"

/* The literals, sorted and joined with '|', or "(none)". */
static char *S_prefixes(const char *pattern) {
  sectag_litset ls;
  if (!sectag_regex_prefixes(pattern, strlen(pattern), &ls)) return sectag_xstrdup("(none)");
  for (size_t i = 1; i < ls.n; i++) /* insertion sort */
    for (size_t j = i; j > 0; j--) {
      size_t a = ls.len[j - 1], b = ls.len[j];
      int c = memcmp(ls.s[j - 1], ls.s[j], a < b ? a : b);
      if (c < 0 || (c == 0 && a <= b)) break;
      char *t = ls.s[j];
      ls.s[j] = ls.s[j - 1];
      ls.s[j - 1] = t;
      ls.len[j] = a;
      ls.len[j - 1] = b;
    }
  sectag_buf b = SECTAG_BUF_INIT;
  for (size_t i = 0; i < ls.n; i++) {
    if (i) sectag_buf_putc(&b, '|');
    sectag_buf_put(&b, ls.s[i], ls.len[i]);
  }
  sectag_litset_free(&ls);
  return sectag_buf_detach(&b);
}

static void S_case(const char *pattern, const char *want) {
  char *got = S_prefixes(pattern);
  char name[256];
  snprintf(name, sizeof name, "start literals of %s", pattern);
  TEST_EQ_STR(got, want, name);
  free(got);
}

static unsigned long S_rng = 12345;
static unsigned S_rand(unsigned n) {
  S_rng = S_rng * 6364136223846793005UL + 1442695040888963407UL;
  return (unsigned)((S_rng >> 33) % n);
}

/* ------------------------------------------------------------ expansions
 * The strings of a finite pattern in PCRE2's order, joined with '|', or
 * "(none)". */
static void S_expand_case(const char *pattern, const char *want) {
  sectag_expand *x = sectag_expand_new(pattern, strlen(pattern));
  sectag_buf b = SECTAG_BUF_INIT;
  if (!x) sectag_buf_puts(&b, "(none)");
  for (size_t i = 0; i < sectag_expand_count(x); i++) {
    char *d = sectag_expand_describe(x, i);
    if (i) sectag_buf_putc(&b, '|');
    sectag_buf_puts(&b, d);
    free(d);
  }
  sectag_expand_free(x);
  char name[256];
  snprintf(name, sizeof name, "expansion of %s", pattern);
  TEST_EQ_STR(b.ptr ? b.ptr : "", want, name);
  sectag_buf_free(&b);
}

/* expand.c against PCRE2 (expand_check.h) at every start of random texts
 * built from pieces that exercise every path: plain words, a single space,
 * runs of spaces, tabs and newlines, a no-break space, accented and
 * non-Latin letters, digits, underscores, punctuation. */
static const char *const S_pieces[] = {
    "war", "wars", "warfare", "the", "on", "mano", "dura", "guerra", "guerras", "a", "aa",
    "x", "utilised", "utilized", "enemy", "enemies", "terror", "terrorism", "acción",
    "acciones", "niño", "_", "7", "é", "drugs", "of", "peace", "e", "fight", "ab", "abc",
    "mano dura", "mano  dura", "war on", "of the peace", "guerras a"};
static const char *const S_gaps[] = {
    " ", " ", " ", " ", " ", " ", "", "  ", "\t", "\n", "\xc2\xa0", "-", ".", ",", "\xcc\x81",
    "\xe3\x80\x80", " .", "'"};

static const char *const S_expand_patterns[] = {
    "war", "wars?", "war(?:s|fare)?", "wars??", "(?:war|peace)\\s+on", "mano\\s+dura",
    "mano\\s*dura", "mano\\s?dura", "mano\\sdura", "mano dura", "[sz]eguridad",
    "utili[sz]ed", "(?:the\\s+)?war", "(?:the\\s+)??war", "aa|aaa", "a(?:a|aa)?",
    "the|on|no", "acci(?:ón|ones)", "niño", "x", "drugs\\.?", "war\\w*", "war\\w+",
    "terror\\w*", "(?:enem(?:y|ies))\\w*", "a?\\w*", "(war)(s)?", "guerras?\\s+a\\w*",
    "é", "e\\s*\\.", "of\\s+(?:the\\s+)?peace", "[_7]x", "x\\.\\-"};

static void S_expand_random(int rounds) {
  size_t npat = sizeof S_expand_patterns / sizeof *S_expand_patterns;
  size_t npieces = sizeof S_pieces / sizeof *S_pieces;
  for (size_t p = 0; p < npat; p++) {
    const char *pat = S_expand_patterns[p];
    size_t sure = 0, unsure = 0, matches = 0;
    int ran = 0;
    char bad[512] = "";
    for (int r = 0; r < rounds && !*bad; r++) {
      sectag_buf t = SECTAG_BUF_INIT;
      size_t n = 5 + S_rand(40);
      for (size_t i = 0; i < n; i++) {
        sectag_buf_puts(&t, S_pieces[S_rand((unsigned)npieces)]);
        sectag_buf_puts(&t, S_gaps[S_rand((unsigned)(sizeof S_gaps / sizeof *S_gaps))]);
      }
      expand_check_result res;
      if (expand_check(pat, strlen(pat), t.ptr, t.len, (unsigned)r, &res) == 0) {
        ran++;
        sure += res.sure;
        unsure += res.unsure;
        matches += res.matches;
        if (res.first_bad >= 0)
          snprintf(bad, sizeof bad, "at %ld of \"%.200s\" (seed %u): PCRE2 %s %zu, expand %s %zu",
                   res.first_bad, t.ptr, res.seed, res.want ? "matches to" : "fails",
                   res.want_end, res.got == 1 ? "matches to" : "fails", res.got_end);
      }
      sectag_buf_free(&t);
    }
    char name[256];
    snprintf(name, sizeof name,
             "expansion of %s = PCRE2 on %d random texts (%zu sure answers, %zu matches, %zu "
             "left to PCRE2)",
             pat, ran, sure, matches, unsure);
    TEST_OK(ran == rounds && !*bad && sure > 0, name);
    if (*bad) test_diag_lines("first difference", bad);
  }
}

/* ------------------------------------------------ prefilter vs full scan */

static const char *const S_words[] = {
    "war", "wars", "warfare", "peace", "the", "on", "drugs", "mano", "dura", "guerra",
    "guerras", "paz", "a", "aa", "aaa", "abrazos", "no", "balazos", "seguridad", "zeguridad",
    "niño", "acción", "acciones", "x"};
static const char *const S_seps[] = {" ", " ", " ", "  ", "\n", "\n\n", ", ", ". ", "; ", "-"};
static const char *const S_rules[] = {
    "war", "wars?", "war\\\\w*", "(?:war|peace)\\\\s+on", "mano\\\\s+dura", "\\\\bguerra\\\\b",
    "[sz]eguridad", "(?:the\\\\s+)?war", "a+", "aa|aaa", "a{2,3}", "no\\\\s+(?:hay\\\\s+)?guerra",
    "abrazos,?\\\\s+no\\\\s+balazos", "(?<=the )war", "(?=wa)w\\\\w+", "the|on|no",
    "acci(?:ón|ones)", "niño", "x", "\\\\w+ar", "(a|aa)+", "drugs\\\\.?", "paz|peace|war",
    "(?:the\\\\s*)??war", "guerr\\\\w+", "wars??", "a(?:a|aa)?", "mano\\\\s?dura"};

static char *S_text(size_t words) {
  sectag_buf b = SECTAG_BUF_INIT;
  for (size_t i = 0; i < words; i++) {
    const char *w = S_words[S_rand(sizeof S_words / sizeof *S_words)];
    if (S_rand(8) == 0) { /* sometimes capitalised */
      sectag_buf_putc(&b, (char)(w[0] - 32 * (w[0] >= 'a' && w[0] <= 'z')));
      sectag_buf_puts(&b, w + 1);
    } else {
      sectag_buf_puts(&b, w);
    }
    sectag_buf_puts(&b, S_seps[S_rand(sizeof S_seps / sizeof *S_seps)]);
  }
  return sectag_buf_detach(&b);
}

static char *S_codebook(int overlap_all, int partial) {
  sectag_buf b = SECTAG_BUF_INIT;
  sectag_buf_printf(&b, "sectag: 1\nname: random\noverlap: %s\ncodes:\n",
                    overlap_all ? "all" : "longest");
  size_t n = sizeof S_rules / sizeof *S_rules;
  for (size_t i = 0; i < n; i++) {
    sectag_buf_printf(&b, "  c%zu:\n    label: C%zu\n    polarity: neutral\n    patterns:\n", i, i);
    if (partial && i % 3 == 0)
      sectag_buf_printf(&b, "      - {pattern: \"%s\", partial: true}\n", S_rules[i]);
    else
      sectag_buf_printf(&b, "      - \"%s\"\n", S_rules[i]);
  }
  return sectag_buf_detach(&b);
}

/* The matches of one document as text, one per line. */
static char *S_matches(const sectag_matcher *m, const char *text) {
  sectag_error err = SECTAG_ERROR_INIT;
  sectag_doc *d = sectag_doc_from_bytes(text, strlen(text), "d", NULL, &err);
  sectag_buf b = SECTAG_BUF_INIT;
  if (!d || sectag_doc_code(d, m, &err) != 0) {
    sectag_buf_printf(&b, "error: %s", err.message ? err.message : "?");
  } else {
    const sectag_match *mt = sectag_doc_matches(d);
    for (size_t i = 0; i < sectag_doc_match_count(d); i++)
      sectag_buf_printf(&b, "%zu-%zu r%u\n", mt[i].start, mt[i].end, mt[i].rule);
  }
  sectag_doc_free(d);
  sectag_error_clear(&err);
  return sectag_buf_detach(&b);
}

static void S_equivalence(int overlap_all, int partial, int rounds) {
  char *yaml = S_codebook(overlap_all, partial);
  sectag_error err = SECTAG_ERROR_INIT;
  sectag_codebook *cb = sectag_codebook_parse(yaml, strlen(yaml), "random.yaml", &err);
  if (!cb) {
    TEST_OK(0, err.message ? err.message : "codebook");
    sectag_error_clear(&err);
    free(yaml);
    return;
  }
  setenv("SECTAG_NO_PREFILTER", "1", 1);
  sectag_matcher *full = sectag_matcher_new(cb, &err);
  unsetenv("SECTAG_NO_PREFILTER");
  sectag_matcher *fast = sectag_matcher_new(cb, &err);
  int same = 0, total = 0;
  size_t nmatches = 0;
  char first[512] = "";
  for (int r = 0; r < rounds; r++) {
    char *text = S_text(20 + S_rand(300));
    char *a = S_matches(full, text), *b = S_matches(fast, text);
    total++;
    if (strcmp(a, b) == 0) {
      same++;
    } else if (!*first) {
      snprintf(first, sizeof first, "text: %.200s\nfull:\n%.100s\nprefilter:\n%.100s", text, a, b);
    }
    for (const char *p = a; *p; p++) nmatches += *p == '\n';
    free(a);
    free(b);
    free(text);
  }
  char name[160];
  snprintf(name, sizeof name,
           "prefilter = full scan on %d random texts (overlap %s%s; %zu matches)", total,
           overlap_all ? "all" : "longest", partial ? ", partial rules" : "", nmatches);
  TEST_OK(same == total && nmatches > 100, name);
  if (*first) test_diag_lines("first difference", first);
  sectag_matcher_free(full);
  sectag_matcher_free(fast);
  sectag_codebook_free(cb);
  free(yaml);
}

int main(void) {
  S_case("guerra", "guerra");
  S_case("guerras?", "guerra");
  S_case("mano\\s+dura", "mano");
  S_case("(?:war|fight)\\s+on\\s+drugs", "fight|war");
  S_case("\\bwar\\b", "war");
  S_case("[sz]eguridad", "seguridad|zeguridad");
  S_case("(?:very\\s+)?dangerous", "dangerous|very");
  S_case("abrazos,?\\s+no\\s+balazos", "abrazos");
  S_case("(?<name>paz|peace)", "paz|peace");
  S_case("(?P<n>paz)", "paz");
  S_case("(?|a|b)c", "ac|bc");
  S_case("(?>ab|c)d", "abd|cd");
  S_case("(?<=the )war", "war");
  S_case("(?<!no )war", "war");
  S_case("(?=war)w\\w+", "w");
  S_case("(?!x)war", "war");
  S_case("\\Qa.b\\E", "a.b");
  S_case("\\Qa.b", "a.b");
  S_case("x{2,3}y", "x");
  S_case("x{2}y", "x");
  S_case("a{0}b", "b");
  S_case("a{0,1}b", "ab|b");
  S_case("(a+)+$", "a");
  S_case("niño|niña", "niña|niño");
  S_case("\\.", ".");
  S_case("^war", "war");
  S_case("war\\b|peace", "peace|war");
  S_case("\\n\\t", "\n\t");
  S_case("[]a]b", "]b|ab");
  /* no set: the first character is not known, or a construct is not read */
  S_case("\\w+ism", "(none)");
  S_case("(?i)war", "(none)");
  S_case("(?i:war)", "(none)");
  S_case("a|\\w", "(none)");
  S_case("[^a]b", "(none)");
  S_case("[a-z]ar", "(none)");
  S_case("[[:alpha:]]ar", "(none)");
  S_case(".war", "(none)");
  S_case("war)", "(none)");
  S_case("(war", "(none)");
  S_case("\\x{41}", "(none)");
  S_case("(a)\\1", "(none)"); /* back-references are not read */
  S_case("\\1a", "(none)");
  S_case("\\d+ soldados", "(none)");
  S_case("\\p{L}+", "(none)");
  S_case("(*UCP)war", "(none)");
  S_case("(?#c)war", "(none)");
  S_case("a?", "(none)");
  S_case("a*b", "a|b");
  S_case("{x", "(none)");
  S_case("war\\K", "(none)");
  /* a lone \E is ignored, so a quantifier after it (or after \Q..\E)
   * applies to the character before it: d\E* is d*, \Qab\E{2} is abb */
  S_case("d\\E*", "(none)");
  S_case("d\\E{2}x", "(none)");
  S_case("\\Qab\\E{2}", "(none)");
  S_case("\\Qab\\E?c", "(none)");
  S_case("d\\Ex", "dx");
  S_case("\\Qab\\Ec", "abc");
  /* more alternatives than 64: cut to shorter prefixes */
  {
    sectag_buf b = SECTAG_BUF_INIT;
    for (int i = 0; i < 100; i++) sectag_buf_printf(&b, "%sw%03d", i ? "|" : "", i);
    S_case(b.ptr, "w0");
    sectag_buf_free(&b);
  }
  /* expansions: PCRE2's order of trying */
  S_expand_case("war", "war");
  S_expand_case("wars?", "wars|war");
  S_expand_case("wars??", "war|wars");
  S_expand_case("enem(?:y|ies)", "enemy|enemies");
  S_expand_case("conclu(?:sively|sions|sion)", "conclusively|conclusions|conclusion");
  S_expand_case("(?:war|fight)\\s+on", "war\\s+on|fight\\s+on");
  S_expand_case("mano\\s*dura", "mano\\s+dura|manodura");
  S_expand_case("mano\\s?dura", "mano\\sdura|manodura");
  S_expand_case("(?:the\\s+)?war", "the\\s+war|war");
  S_expand_case("(?:the\\s+)??war", "war|the\\s+war");
  S_expand_case("utili[sz]ed", "utilised|utilized");
  S_expand_case("[aáa]b", "ab|áb");
  S_expand_case("terror\\w*", "terror\\w*");
  S_expand_case("(?:ab|a)\\w+", "ab\\w+|a\\w+");
  S_expand_case("a?\\w*", "a\\w*|\\w*");
  S_expand_case("drugs\\.?", "drugs.|drugs");
  S_expand_case("(war)(s)?", "wars|war");
  S_expand_case("a(?:b|)c", "abc|ac");
  S_expand_case("aa|aa|a", "aa|a");
  /* not finite, or not read: PCRE2 confirms */
  S_expand_case("wars*", "(none)");
  S_expand_case("war\\w*s", "(none)");
  S_expand_case("a|b\\w*", "(none)");
  S_expand_case("war\\\\w*", "(none)");
  S_expand_case("(?i)war", "(none)");
  S_expand_case("(?>ab|a)b", "(none)");
  S_expand_case("(?=w)war", "(none)");
  S_expand_case("\\bwar", "(none)");
  S_expand_case("wa.", "(none)");
  S_expand_case("[a-z]ar", "(none)");
  S_expand_case("[^a]ar", "(none)");
  S_expand_case("a{2}", "(none)");
  S_expand_case("a?+b", "(none)");
  S_expand_case("\\s+?x", "(none)");
  S_expand_case("\\s{2}x", "(none)");
  S_expand_case("\\Qa.b\\E", "(none)");
  S_expand_case("\\x41", "(none)");
  S_expand_case("(?<n>a)", "(none)");
  S_expand_case("(a", "(none)");
  S_expand_case("a)", "(none)");
  S_expand_case("a\\", "(none)");
  {
    sectag_buf b = SECTAG_BUF_INIT; /* 2^9 strings: over the limit */
    for (int i = 0; i < 9; i++) sectag_buf_puts(&b, "(?:a|b)");
    S_expand_case(b.ptr, "(none)");
    sectag_buf_free(&b);
  }
  S_expand_random(200);
  S_equivalence(0, 0, 300);
  S_equivalence(1, 0, 300);
  S_equivalence(1, 1, 200);
  return test_done();
}
