/* compare.h: `sectag compare` as a library call. Reads the count tables that
 * `sectag code` wrote into one or more OUTDIRs (codes.csv, terms.csv,
 * matches.csv, documents.csv, speakers.csv; never the corpus), groups their
 * rows by a column, and builds one of three reports as a table of strings:
 *
 *  - frequencies: group,feature,kind,frequency,docfreq,tokens,per_10k
 *  - balance:     group,tokens,securitizing,desecuritizing,sec_per_10k,
 *                 desec_per_10k,sec_share,share_low,share_high
 *  - keyness:     feature,kind,f_target,f_reference,n_target,n_reference,
 *                 G2,p,chi2,log_ratio,pct_diff
 *
 * Numbers are formatted here (counts as integers, rates and statistics with
 * %.4f, p with %.6g, NA and Inf), so every view of a result (CSV, aligned
 * table) shows the same digits. docs/compare.md and docs/statistics.md say
 * what every column means.
 *
 * Grouping (--by): any column of the tables' prefix (doc_id, date, group,
 * speaker and the run's metadata columns), or the derived columns year and
 * month (the first 4 / 7 characters of an ISO date; undated documents are
 * left out, with a warning) and role (speakers.csv's role of the row's
 * speaker). A column of the tables wins over a derived one of the same
 * name. An empty value is the group "(no COLUMN)". Groups sort by their
 * bytes; with year or month every period between the first and the last is
 * a group, so a time series has no gaps.
 *
 * Denominators: a group's tokens are the sum of terms.csv `frequency` over
 * its rows (terms.csv counts exactly the coded words). Code frequencies are
 * the sum of codes.csv `matches` (a parent code includes its children's
 * matches). The balance counts matches.csv rows, each under its code's
 * polarity (codes.csv), so a match counts once.
 *
 * Several OUTDIRs: their tables are concatenated, columns matched by name
 * (a column missing in one OUTDIR is empty there). Every result is a sum
 * over documents followed by a sort with a total order, so tables coded in
 * shards and compared together give the same bytes as one run.
 *
 * Ownership: a result owns every string; free it with
 * sectag_compare_result_free(). The options are borrowed. */
#ifndef SECTAG_COMPARE_H
#define SECTAG_COMPARE_H

#include <stddef.h>

#include "sectag.h"

typedef enum sectag_compare_report {
  SECTAG_REPORT_FREQUENCIES = 0,
  SECTAG_REPORT_BALANCE,
  SECTAG_REPORT_KEYNESS
} sectag_compare_report;

/* Which features: bit flags. */
enum { SECTAG_KIND_CODE = 1, SECTAG_KIND_TERM = 2, SECTAG_KIND_ALL = 3 };

typedef struct sectag_compare_options {
  const char *const *outdirs; /* at least one */
  size_t noutdirs;
  const char *by;             /* the grouping column; NULL = "group" */
  sectag_compare_report report;
  int kinds;                  /* SECTAG_KIND_*; 0 = all */
  const char *target;         /* keyness: the target group (required) */
  const char *reference;      /* keyness: the reference group; NULL = all others */
  size_t min_freq;            /* keyness: drop f_target + f_reference < min_freq; 0 = 1 */
  const char *stopwords;      /* a stopword file (see sectag_stopwords_path); NULL = none */
} sectag_compare_options;

typedef struct sectag_compare_result {
  char **cols;     /* ncols header names */
  int *numeric;    /* per column: 1 if it holds numbers (right-aligned in a table) */
  size_t ncols;
  char **cells;    /* nrows * ncols, row-major, owned; never NULL strings */
  size_t nrows;
  sectag_error *warnings; /* SECTAG_WARNING values (e.g. undated documents) */
  size_t nwarnings;
} sectag_compare_result;

/* Runs the comparison. Returns 0 with *res filled, or -1 with err set and
 * *res empty:
 *   SECTAG_ERR_USAGE  an OUTDIR without the tables, a --by column that does
 *                     not exist, a single group, an unknown --target or
 *                     --reference, --reference = --target, a doc_id in two
 *                     OUTDIRs, no dated documents for year/month, a
 *                     stopword file that cannot be read;
 *   SECTAG_ERR_INPUT  a malformed table or stopword file (FILE:LINE). */
int sectag_compare_run(const sectag_compare_options *opt, sectag_compare_result *res,
                       sectag_error *err);
/* Keyness of one group after another with the tables read once: what
 * sectag report does for every group. sectag_compare_open reads the tables
 * (opt->report and opt->target are ignored) and returns NULL with err as
 * sectag_compare_run would (unreadable tables, fewer than two groups).
 * sectag_compare_keyness then gives target's keyness against all other
 * groups (or opt->reference), as sectag_compare_run with that target, or
 * -1 with err (a target that is not a group, or one without tokens).
 * sectag_compare_close frees it (NULL is a no-op). */
typedef struct sectag_compare sectag_compare;
sectag_compare *sectag_compare_open(const sectag_compare_options *opt, sectag_error *err);
int sectag_compare_keyness(sectag_compare *k, const char *target, sectag_compare_result *res,
                           sectag_error *err);
void sectag_compare_close(sectag_compare *k);
void sectag_compare_result_free(sectag_compare_result *res);

/* Resolves a --stopwords argument: an existing file is itself; a list name
 * (letters only, e.g. "es", "en") is NAME.txt in the first of dirs that
 * holds it. Returns an owned path, or NULL with err (SECTAG_ERR_USAGE) for
 * an unknown list (the message names the NAME.txt lists found in dirs).
 * dirs are searched in order. */
char *sectag_stopwords_path(const char *arg, const char *const *dirs, size_t ndirs,
                            sectag_error *err);

/* The columns a report has, for help texts (static strings). */
const char *sectag_compare_columns(sectag_compare_report r);

#endif
