/* test_render.c: the number formatting of the CSV renderer (TAP).
 *
 * sectag_per_10k writes rates from integers where that gives printf's
 * digits, and asks printf where it might not; either way the bytes must be
 * exactly printf("%.4f", n * 10000.0 / words). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "render.h"

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

int main(void) {
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
  return test_done();
}
