/* test_render.c: shortcuts of the CSV renderer give the bytes of the plain
 * way (TAP).
 *
 * - sectag_per_10k writes rates from integers where that gives printf's
 *   digits, and asks printf where it might not; either way the bytes must
 *   be exactly printf("%.4f", n * 10000.0 / words).
 * - matches.csv cuts the left and right contexts from a one-line copy of
 *   the text when a document has many matches; on real transcripts (speaker
 *   labels, Markdown titles and images, HTML, TEI, CRLF) coded with a rule
 *   that matches every word, the rows must be those of the token scan.
 *
 * Usage: test_render SOURCE_ROOT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "document.h"
#include "harness.h"
#include "reader.h"
#include "render.h"
#include "sectag.h"
#include "speakers.h"

static unsigned long S_rng = 2024;
static size_t S_rand(size_t n) {
  S_rng = S_rng * 6364136223846793005UL + 1442695040888963407UL;
  return (size_t)((S_rng >> 17) % n);
}

/* Compares n/words with printf; returns 1 if they agree (else prints why). */
static int S_same(size_t n, size_t words, char *why, size_t whylen) {
  char got[48], want[48];
  size_t len = sectag_per_10k(got, n, words);
  if (words == 0)
    snprintf(want, sizeof want, "NA");
  else
    snprintf(want, sizeof want, "%.4f", (double)n * 10000.0 / (double)words);
  if (strcmp(got, want) == 0 && len == strlen(want)) return 1;
  snprintf(why, whylen, "n=%zu words=%zu: got '%s' (%zu), printf '%s'", n, words, got, len,
           want);
  return 0;
}

static const char S_every_word[] =
    "sectag: 1\nname: every word\noverlap: all\ncodes:\n"
    "  w:\n    label: Words\n    polarity: neutral\n    patterns: ['\\w+', 'la guerra']\n";

static void S_contexts(const char *root) {
  static const char *const files[] = {
      "corpora/sample/es/conferencia-2008-01-22.txt", "corpora/sample/es/mananera-2019-03-12.txt",
      "corpora/sample/en/hearing-2012-03-15.md", "corpora/sample/en/press-availability-2021-10-08.txt",
      "tests/e2e/intake/md/mananera-2020-06-15.md", "tests/e2e/intake/html/boletin-2019-06-30.html",
      "tests/e2e/intake/tei/informe-2013-09-01.xml", "tests/e2e/intake/en/briefing-2021-10-08.txt"};
  sectag_error err = SECTAG_ERROR_INIT;
  sectag_codebook *cb = sectag_codebook_parse(S_every_word, sizeof S_every_word - 1, "w.yaml", &err);
  sectag_matcher *m = cb ? sectag_matcher_new(cb, &err) : NULL;
  sectag_speakers *sp = sectag_speakers_new(NULL, NULL, NULL, 0, NULL, 0, &err);
  if (!cb || !m || !sp) {
    TEST_OK(0, err.message ? err.message : "codebook");
    return;
  }
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, files[i]);
    size_t len = 0;
    char *src = test_slurp(path, &len);
    const char *ext = strrchr(files[i], '.');
    const sectag_reader *rd = strcmp(ext, ".md") == 0     ? &sectag_reader_md
                              : strcmp(ext, ".html") == 0 ? &sectag_reader_html
                              : strcmp(ext, ".xml") == 0  ? &sectag_reader_tei
                                                          : &sectag_reader_txt;
    sectag_read_ctx ctx = {sp, NULL};
    sectag_doc *doc = sectag_doc_new(files[i], path);
    char name[300];
    snprintf(name, sizeof name, "matches.csv contexts: one-line copy = token scan (%s)", files[i]);
    if (!src || rd->parse(doc, src, len, &ctx, &err) != 0 || sectag_doc_code(doc, m, &err) != 0) {
      TEST_OK(0, name);
      test_diag_lines("error", err.message ? err.message : "cannot read");
      sectag_error_clear(&err);
    } else {
      sectag_buf a = SECTAG_BUF_INIT, b = SECTAG_BUF_INIT, c = SECTAG_BUF_INIT;
      sectag_csv_matches_how(doc, cb, &a, 0);
      sectag_csv_matches_how(doc, cb, &b, 1);
      sectag_csv_matches(doc, cb, &c);
      size_t rows = 0;
      for (size_t k = 0; k < a.len; k++) rows += a.ptr[k] == '\n';
      snprintf(name, sizeof name, "matches.csv contexts: one-line copy = token scan (%s, %zu rows)",
               files[i], rows);
      TEST_OK(a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0 && c.len == a.len &&
                  memcmp(c.ptr, a.ptr, a.len) == 0 && rows > 20,
              name);
      if (!(a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0)) {
        size_t k = 0;
        while (k < a.len && k < b.len && a.ptr[k] == b.ptr[k]) k++;
        size_t from = k > 200 ? k - 200 : 0;
        char diag[700];
        snprintf(diag, sizeof diag, "scan: ...%.250s\nflat: ...%.250s", a.ptr + from,
                 b.ptr + from);
        test_diag_lines("first difference", diag);
      }
      sectag_buf_free(&a);
      sectag_buf_free(&b);
      sectag_buf_free(&c);
    }
    sectag_doc_free(doc);
    free(src);
  }
  sectag_speakers_free(sp);
  sectag_matcher_free(m);
  sectag_codebook_free(cb);
}

int main(int argc, char **argv) {
  char why[200] = "";
  int ok = 1;
  /* every count of small documents */
  for (size_t words = 0; words <= 400 && ok; words++)
    for (size_t n = 0; n <= words && ok; n++) ok = S_same(n, words, why, sizeof why);
  TEST_OK(ok, "per 10k = printf for every n <= words <= 400");
  if (!ok) test_diag_lines("first difference", why);

  ok = 1;
  static const size_t tie_words[] = {512, 1024, 2048, 4096, 160000, 320000, 640000, 3200000, 12800000};
  for (size_t i = 0; i < sizeof tie_words / sizeof *tie_words && ok; i++)
    for (size_t n = 0; n <= 64 && n <= tie_words[i] && ok; n++)
      ok = S_same(n, tie_words[i], why, sizeof why);
  /* 1 in 512 words is 19.53125 per 10k, exactly half-way: printf rounds
   * the binary value to even (19.5312) */
  TEST_OK(ok, "per 10k = printf at and near rounding ties");
  if (!ok) test_diag_lines("first difference", why);

  ok = 1;
  for (int i = 0; i < 2000000 && ok; i++) {
    size_t words = 1 + S_rand(i % 2 ? 50000000 : 200000);
    size_t n = S_rand(i % 7 ? words + 1 : 3 * words + 1); /* rolled-up counts exceed words */
    ok = S_same(n, words, why, sizeof why);
  }
  TEST_OK(ok, "per 10k = printf for 2,000,000 random counts");
  if (!ok) test_diag_lines("first difference", why);

  S_contexts(argc > 1 ? argv[1] : ".");
  return test_done();
}
