/* stats.c: keyness and proportion statistics (formulas and references in
 * stats.h; worked examples in docs/statistics.md). Pure functions. */
#include "stats.h"

#include <math.h>

/* The four cells of the 2x2 table and their expected counts. Returns 0, or
 * -1 when the counts do not make a table. */
static int S_table(double a, double b, double n1, double n2, double o[4], double e[4]) {
  if (!(n1 > 0) || !(n2 > 0) || !(a >= 0) || !(b >= 0) || a > n1 || b > n2) return -1;
  double n = n1 + n2, r1 = a + b, r2 = (n1 - a) + (n2 - b);
  o[0] = a;
  o[1] = b;
  o[2] = n1 - a;
  o[3] = n2 - b;
  e[0] = r1 * n1 / n;
  e[1] = r1 * n2 / n;
  e[2] = r2 * n1 / n;
  e[3] = r2 * n2 / n;
  return 0;
}

/* Compares a/n1 with b/n2 without dividing: -1, 0 or 1. The products are
 * exact in long double for counts below 2^32. */
static int S_rate_cmp(double a, double b, double n1, double n2) {
  long double x = (long double)a * (long double)n2, y = (long double)b * (long double)n1;
  return x > y ? 1 : x < y ? -1 : 0;
}

double sectag_stats_g2(double a, double b, double n1, double n2) {
  double o[4], e[4];
  if (S_table(a, b, n1, n2, o, e) != 0) return NAN;
  int cmp = S_rate_cmp(a, b, n1, n2);
  if (cmp == 0) return 0.0; /* equal rates: every O equals its E */
  double sum = 0;
  for (int i = 0; i < 4; i++)
    if (o[i] > 0) sum += o[i] * log(o[i] / e[i]); /* 0 ln 0 = 0 */
  double g2 = 2 * sum;
  if (g2 < 0) g2 = 0; /* rounding when the rates are nearly equal */
  return cmp > 0 ? g2 : -g2;
}

double sectag_stats_chi2(double a, double b, double n1, double n2) {
  double o[4], e[4];
  if (S_table(a, b, n1, n2, o, e) != 0) return NAN;
  if (S_rate_cmp(a, b, n1, n2) == 0) return 0.0;
  double sum = 0;
  for (int i = 0; i < 4; i++)
    if (e[i] > 0) sum += (o[i] - e[i]) * (o[i] - e[i]) / e[i];
  return sum;
}

double sectag_stats_log_ratio(double a, double b, double n1, double n2) {
  if (!(n1 > 0) || !(n2 > 0) || !(a >= 0) || !(b >= 0)) return NAN;
  double x = a > 0 ? a : 0.5, y = b > 0 ? b : 0.5;
  return log2((x / n1) / (y / n2));
}

double sectag_stats_pct_diff(double a, double b, double n1, double n2) {
  if (!(n1 > 0) || !(n2 > 0) || !(a >= 0) || !(b >= 0)) return NAN;
  if (b == 0) return a > 0 ? INFINITY : NAN;
  double nf1 = a / n1, nf2 = b / n2;
  return (nf1 - nf2) * 100 / nf2;
}

double sectag_stats_p_chi2_1df(double x) {
  if (!(x >= 0)) return NAN;
  return erfc(sqrt(x / 2));
}

void sectag_stats_wilson(double k, double n, double z, double *lo, double *hi) {
  if (!(n > 0) || !(k >= 0) || k > n) {
    *lo = *hi = NAN;
    return;
  }
  double p = k / n, z2 = z * z;
  double denom = 1 + z2 / n;
  double centre = (p + z2 / (2 * n)) / denom;
  double half = z / denom * sqrt(p * (1 - p) / n + z2 / (4 * n * n));
  double l = centre - half, h = centre + half;
  /* exact at the ends: 0/n and n/n touch 0 and 1 (rounding would miss) */
  *lo = k == 0 || l < 0 ? 0 : l;
  *hi = k == n || h > 1 ? 1 : h;
}
