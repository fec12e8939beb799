/* test_stats.c: the keyness and proportion statistics of stats.c against
 * values worked out by hand (docs/statistics.md shows the arithmetic; each
 * value was also checked with Python's math module). Values are compared as
 * they are printed (%.4f, p with %.6g), plus exact checks where the
 * definition gives an exact number. */
#include <math.h>
#include <stdio.h>

#include "harness.h"
#include "stats.h"

static char S_b[64];

static const char *S_f(double v) {
  if (isnan(v)) return "NA";
  if (isinf(v)) return v > 0 ? "Inf" : "-Inf";
  snprintf(S_b, sizeof S_b, "%.4f", v);
  return S_b;
}

static const char *S_g(double v) {
  snprintf(S_b, sizeof S_b, "%.6g", v);
  return S_b;
}

int main(void) {
  /* The worked example of docs/statistics.md: "guerra" 24 times in 12,000
   * words of the target, 6 times in 15,000 words of the reference. */
  TEST_EQ_STR(S_f(sectag_stats_g2(24, 6, 12000, 15000)), "15.9710", "G2: worked example");
  TEST_EQ_STR(S_f(sectag_stats_g2(6, 24, 15000, 12000)), "-15.9710",
              "G2: target and reference swapped gives the negative");
  TEST_EQ_STR(S_f(sectag_stats_chi2(24, 6, 12000, 15000)), "15.3771", "chi2: worked example");
  TEST_EQ_STR(S_f(sectag_stats_chi2(6, 24, 15000, 12000)), "15.3771", "chi2 is unsigned");
  TEST_OK(fabs(sectag_stats_log_ratio(24, 6, 12000, 15000) - log2(5)) < 1e-12,
          "log ratio: 20 vs 4 per 10,000 words is log2(5)");
  TEST_EQ_STR(S_f(sectag_stats_log_ratio(24, 6, 12000, 15000)), "2.3219", "log ratio printed");
  TEST_OK(fabs(sectag_stats_pct_diff(24, 6, 12000, 15000) - 400) < 1e-9,
          "%DIFF: five times as frequent is +400%");
  TEST_EQ_STR(S_g(sectag_stats_p_chi2_1df(sectag_stats_g2(24, 6, 12000, 15000))), "6.43192e-05",
              "p of the worked example");

  /* p: the textbook critical values of chi-square with 1 df */
  TEST_OK(fabs(sectag_stats_p_chi2_1df(3.841458820694124) - 0.05) < 1e-12, "p(3.84) = 0.05");
  TEST_OK(fabs(sectag_stats_p_chi2_1df(6.634896601021214) - 0.01) < 1e-12, "p(6.63) = 0.01");
  TEST_OK(fabs(sectag_stats_p_chi2_1df(10.827566170662733) - 0.001) < 1e-12,
          "p(10.83) = 0.001");
  TEST_OK(sectag_stats_p_chi2_1df(0) == 1, "p(0) = 1");
  TEST_OK(isnan(sectag_stats_p_chi2_1df(-1)), "p of a negative statistic is NA");

  /* A feature only in the target (f_reference = 0): from the sample corpus,
   * "eso" 7 times in 371 words of López Obrador, never in 414 others. */
  TEST_EQ_STR(S_f(sectag_stats_g2(7, 0, 371, 414)), "10.5631", "f_reference = 0: G2");
  TEST_EQ_STR(S_f(sectag_stats_chi2(7, 0, 371, 414)), "7.8816", "f_reference = 0: chi2");
  TEST_EQ_STR(S_f(sectag_stats_log_ratio(7, 0, 371, 414)), "3.9656",
              "f_reference = 0: log ratio with 0.5 for the zero");
  TEST_OK(isinf(sectag_stats_pct_diff(7, 0, 371, 414)) && sectag_stats_pct_diff(7, 0, 371, 414) > 0,
          "f_reference = 0: %DIFF is +Inf");
  TEST_EQ_STR(S_f(sectag_stats_g2(3, 0, 50, 5000)), "27.8727", "f_reference = 0, small target");
  TEST_EQ_STR(S_f(sectag_stats_chi2(3, 0, 50, 5000)), "300.1783",
              "chi2 grows much faster than G2 for small expected counts");

  /* A feature only in the reference (f_target = 0) */
  TEST_EQ_STR(S_f(sectag_stats_g2(0, 5, 1000, 1000)), "-6.9440", "f_target = 0: G2 negative");
  TEST_EQ_STR(S_f(sectag_stats_chi2(0, 5, 1000, 1000)), "5.0125", "f_target = 0: chi2");
  TEST_EQ_STR(S_f(sectag_stats_log_ratio(0, 5, 1000, 1000)), "-3.3219",
              "f_target = 0: log ratio log2(0.5/5)");
  TEST_OK(sectag_stats_pct_diff(0, 5, 1000, 1000) == -100, "f_target = 0: %DIFF is -100");

  /* Zero counts on both sides */
  TEST_OK(sectag_stats_g2(0, 0, 100, 200) == 0, "both zero: G2 = 0");
  TEST_OK(sectag_stats_chi2(0, 0, 100, 200) == 0, "both zero: chi2 = 0");
  TEST_EQ_STR(S_f(sectag_stats_log_ratio(0, 0, 100, 200)), "1.0000",
              "both zero: log ratio of the 0.5 stand-ins (twice the reference's rate)");
  TEST_OK(isnan(sectag_stats_pct_diff(0, 0, 100, 200)), "both zero: %DIFF undefined");

  /* Every word of the target is the feature (f_target = n_target): the
   * cell c is 0, and 0 ln 0 = 0 */
  TEST_EQ_STR(S_f(sectag_stats_g2(100, 50, 100, 1000)), "479.2452", "f_target = n_target: G2");
  TEST_EQ_STR(S_f(sectag_stats_chi2(100, 50, 100, 1000)), "696.6667",
              "f_target = n_target: chi2");
  TEST_EQ_STR(S_f(sectag_stats_log_ratio(100, 50, 100, 1000)), "4.3219",
              "f_target = n_target: log ratio log2(20)");
  TEST_OK(fabs(sectag_stats_pct_diff(100, 50, 100, 1000) - 1900) < 1e-9,
          "f_target = n_target: %DIFF 1900");

  /* Equal rates: exactly zero, whatever the rounding of the logarithms */
  TEST_OK(sectag_stats_g2(10, 20, 1000, 2000) == 0, "equal rates: G2 = 0");
  TEST_OK(sectag_stats_g2(7, 21, 333, 999) == 0, "equal rates (thirds): G2 = 0");
  TEST_OK(!signbit(sectag_stats_g2(7, 21, 333, 999)), "equal rates: G2 is +0, not -0");
  TEST_OK(sectag_stats_chi2(7, 21, 333, 999) == 0, "equal rates: chi2 = 0");
  TEST_OK(sectag_stats_log_ratio(10, 20, 1000, 2000) == 0, "equal rates: log ratio 0");
  TEST_OK(sectag_stats_pct_diff(10, 20, 1000, 2000) == 0, "equal rates: %DIFF 0");

  /* Inputs that make no table */
  TEST_OK(isnan(sectag_stats_g2(1, 1, 0, 10)), "n_target = 0: G2 NA");
  TEST_OK(isnan(sectag_stats_chi2(1, 1, 10, 0)), "n_reference = 0: chi2 NA");
  TEST_OK(isnan(sectag_stats_g2(11, 1, 10, 10)), "f_target > n_target: NA");
  TEST_OK(isnan(sectag_stats_log_ratio(1, 1, 0, 10)), "log ratio with n_target = 0: NA");

  /* Wilson: 17 securitizing of 19 matches (Calderón in the sample) */
  double lo, hi;
  sectag_stats_wilson(17, 19, SECTAG_Z95, &lo, &hi);
  TEST_EQ_STR(S_f(lo), "0.6861", "Wilson 17/19: low");
  TEST_EQ_STR(S_f(hi), "0.9706", "Wilson 17/19: high");
  sectag_stats_wilson(12, 29, SECTAG_Z95, &lo, &hi);
  TEST_EQ_STR(S_f(lo), "0.2551", "Wilson 12/29: low");
  TEST_EQ_STR(S_f(hi), "0.5926", "Wilson 12/29: high");
  sectag_stats_wilson(0, 10, SECTAG_Z95, &lo, &hi);
  TEST_OK(lo == 0, "Wilson 0/10: low is 0");
  TEST_EQ_STR(S_f(hi), "0.2775", "Wilson 0/10: high is above 0 (unlike the Wald interval)");
  sectag_stats_wilson(10, 10, SECTAG_Z95, &lo, &hi);
  TEST_EQ_STR(S_f(lo), "0.7225", "Wilson 10/10: low");
  TEST_OK(hi == 1, "Wilson 10/10: high is 1");
  sectag_stats_wilson(0, 0, SECTAG_Z95, &lo, &hi);
  TEST_OK(isnan(lo) && isnan(hi), "Wilson 0/0: NA");
  sectag_stats_wilson(5, 4, SECTAG_Z95, &lo, &hi);
  TEST_OK(isnan(lo) && isnan(hi), "Wilson k > n: NA");
  return test_done();
}
