/* stats.h: the statistics of `sectag compare`, as pure functions (no state,
 * no allocation, no I/O). docs/statistics.md explains each one with a
 * worked example that is also a test.
 *
 * Keyness compares a feature's frequency in a target corpus with its
 * frequency in a reference corpus. All keyness functions take the same four
 * counts:
 *
 *   a  = f_target      occurrences of the feature in the target
 *   b  = f_reference   occurrences in the reference
 *   n1 = n_target      tokens (words) of the target
 *   n2 = n_reference   tokens of the reference
 *
 * and work on the 2x2 contingency table
 *
 *                   target      reference     row total
 *   feature         a           b             a + b
 *   other words     c = n1 - a  d = n2 - b    c + d
 *   column total    n1          n2            N = n1 + n2
 *
 * with expected counts E = row total * column total / N (E11 = (a+b) n1 / N,
 * E12 = (a+b) n2 / N, E21 = (c+d) n1 / N, E22 = (c+d) n2 / N).
 *
 *  - G2 (log-likelihood; Dunning 1993; Rayson & Garside 2000), the 4-term
 *    form AntConc 4 uses: G2 = 2 * sum O ln(O / E) over the four cells, with
 *    0 ln 0 = 0. Returned *signed*: positive when the feature is relatively
 *    more frequent in the target (a/n1 > b/n2), negative when less; exactly
 *    0 when a/n1 = b/n2.
 *  - chi2: Pearson's chi-square, sum (O - E)^2 / E over the four cells, no
 *    Yates correction; unsigned. A cell with E = 0 adds 0.
 *  - p: the upper tail of the chi-square distribution with 1 degree of
 *    freedom, p = erfc(sqrt(x / 2)).
 *  - log ratio (Hardie 2014): log2((a' / n1) / (b' / n2)), where a' and b'
 *    are the counts with 0.5 standing in for a zero. +1 means twice as
 *    frequent in the target, -1 half as frequent.
 *  - %DIFF (Gabrielatos & Marchi 2012): (NF1 - NF2) * 100 / NF2 with
 *    NF = normalized frequency (a/n1, b/n2; the scale cancels). +INFINITY
 *    when b = 0 (and a > 0).
 *
 * Proportions:
 *  - the Wilson score interval (Wilson 1927) for a proportion k/n:
 *      centre = (p + z^2/(2n)) / (1 + z^2/n)
 *      half   = z / (1 + z^2/n) * sqrt(p (1 - p) / n + z^2 / (4 n^2))
 *    with p = k/n and z = 1.959963984540054 for 95%.
 *
 * Undefined inputs (n1 or n2 not positive, a > n1, b > n2, a negative
 * count, n = 0 for Wilson) give NAN. Counts are doubles so that large
 * corpora do not overflow, but they are meant to be whole numbers.
 *
 * References:
 *   Dunning, T. (1993). Accurate methods for the statistics of surprise and
 *     coincidence. Computational Linguistics 19(1), 61-74.
 *   Rayson, P. & Garside, R. (2000). Comparing corpora using frequency
 *     profiling. Proceedings of the Workshop on Comparing Corpora, ACL 2000.
 *   Hardie, A. (2014). Log Ratio: an informal introduction. ESRC Centre for
 *     Corpus Approaches to Social Science (CASS), Lancaster University.
 *   Gabrielatos, C. & Marchi, A. (2012). Keyness: appropriate metrics and
 *     practical issues. CADS International Conference, Bologna.
 *   Wilson, E. B. (1927). Probable inference, the law of succession, and
 *     statistical inference. JASA 22(158), 209-212. */
#ifndef SECTAG_STATS_H
#define SECTAG_STATS_H

/* z for a two-sided 95% interval: the 0.975 quantile of the standard
 * normal distribution. */
#define SECTAG_Z95 1.959963984540054

/* Signed log-likelihood G2 (see above). */
double sectag_stats_g2(double a, double b, double n1, double n2);
/* Pearson's chi-square, unsigned, without Yates's correction. */
double sectag_stats_chi2(double a, double b, double n1, double n2);
/* Hardie's log ratio (0.5 for a zero count). */
double sectag_stats_log_ratio(double a, double b, double n1, double n2);
/* %DIFF; +INFINITY when b = 0 < a, NAN when a = b = 0. */
double sectag_stats_pct_diff(double a, double b, double n1, double n2);
/* P(X >= x) for X ~ chi-square with 1 df: erfc(sqrt(x/2)). x < 0 gives NAN. */
double sectag_stats_p_chi2_1df(double x);
/* Wilson score interval of k successes in n trials at the given z: sets
 * *lo and *hi (both in [0, 1]); both NAN when n = 0 or k is outside
 * [0, n]. */
void sectag_stats_wilson(double k, double n, double z, double *lo, double *hi);

#endif
