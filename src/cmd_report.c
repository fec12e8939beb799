/* cmd_report.c: `sectag report OUTDIR -o REPORT.html`.
 * Options -> sectag_report_write() (report.c) -> messages and exit status.
 * The only part of report that prints. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "compare.h"
#include "report.h"

enum { EXIT_DOCS = 1, EXIT_USAGE = 2, EXIT_OUTPUT = 4 };

const char sectag_report_usage[] =
    "Usage: sectag report [OPTIONS] OUTDIR -o REPORT.html\n"
    "\n"
    "One self-contained HTML page about the OUTDIR of a sectag code run, to open\n"
    "in any browser (no network needed: styles and charts are inside the file):\n"
    "  - corpus totals: documents, words, matches by polarity, groups, speakers, dates;\n"
    "  - a bar chart of securitizing and desecuritizing matches per 10,000 words\n"
    "    by group (the `group` column: the administration with --periods);\n"
    "  - a chart per code of its matches per 10,000 words by year (by month when\n"
    "    the dates span at most 36 months);\n"
    "  - per group: the most frequent codes and the key terms (log-likelihood G2\n"
    "    against the other groups, as sectag compare --target);\n"
    "  - matches in context (KWIC) per code, the match highlighted;\n"
    "  - the text of the first documents, coded segments highlighted in their\n"
    "    polarity's colour and line style, code and rule shown on hover.\n"
    "It reads documents.csv, codes.csv, matches.csv, terms.csv, speakers.csv and\n"
    "tei/*.xml; the same OUTDIR gives the same bytes.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE        the HTML file to write (required); written to a\n"
    "                           temporary file and renamed into place when complete\n"
    "      --kwic-limit N       KWIC rows per code (default 20; 0 = all)\n"
    "      --docs N             documents whose text is shown (default 5, the first in\n"
    "                           documents.csv order; 0 = all)\n"
    "      --doc-bytes N        cut a longer text after N bytes (default 100000; 0 = never)\n"
    "  -n, --top N              codes and key terms listed per group (default 10; 0 = all)\n"
    "      --stopwords LIST     leave these words out of the key terms: es, en, or a\n"
    "                           file with one word per line (as sectag compare)\n"
    "      --min-freq N         key terms: only words used at least N times in all (default 1)\n"
    "      --title TEXT         the page's title (default \"sectag report\")\n"
    "  -h, --help               show this help\n"
    "\n"
    "The page says what the limits left out. See docs/report.md.\n"
    "\n"
    "Examples:\n"
    "  sectag code -c codebooks/securitization-es.yaml -o out/sample-es \\\n"
    "      --periods corpora/periods/mexico-presidents.tsv corpora/sample/es\n"
    "  sectag report out/sample-es -o report.html\n"
    "  sectag report out/sample-es -o report.html --stopwords es --kwic-limit 50 --docs 0\n"
    "\n"
    "Exit status: 0 success; 1 the report was written, but some TEI files could\n"
    "not be read (their text is missing from the page), or a table does not parse\n"
    "(nothing written); 2 usage error (bad option, not an OUTDIR of sectag code,\n"
    "a table missing); 4 cannot write the output.\n";

enum { O_KWIC_LIMIT = 256, O_DOCS, O_DOC_BYTES, O_STOPWORDS, O_MIN_FREQ, O_TITLE };

static void S_print_error(const sectag_error *e) {
  char *msg = sectag_error_format(e);
  if (e->path)
    fprintf(stderr, "%s\n", msg);
  else
    fprintf(stderr, "sectag report: %s\n", msg);
  free(msg);
}

static void S_report(void *ud, const sectag_error *e) {
  (void)ud;
  S_print_error(e);
}

static int S_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int S_usage_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("sectag report: ", stderr);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputs("\nTry 'sectag report --help'.\n", stderr);
  return EXIT_USAGE;
}

/* A whole number in [0, hi], or -1. */
static long S_number(const char *s, long hi) {
  if (!s || !*s || *s == '-' || *s == '+') return -1;
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || *end || v < 0 || v > hi) return -1;
  return v;
}

int sectag_cli_report(int argc, char **argv) {
  static const struct option longopts[] = {{"output", required_argument, NULL, 'o'},
                                           {"kwic-limit", required_argument, NULL, O_KWIC_LIMIT},
                                           {"docs", required_argument, NULL, O_DOCS},
                                           {"doc-bytes", required_argument, NULL, O_DOC_BYTES},
                                           {"top", required_argument, NULL, 'n'},
                                           {"stopwords", required_argument, NULL, O_STOPWORDS},
                                           {"min-freq", required_argument, NULL, O_MIN_FREQ},
                                           {"title", required_argument, NULL, O_TITLE},
                                           {"help", no_argument, NULL, 'h'},
                                           {NULL, 0, NULL, 0}};
  sectag_report_options opt;
  memset(&opt, 0, sizeof opt);
  opt.kwic_limit = SECTAG_REPORT_KWIC_LIMIT;
  opt.docs = SECTAG_REPORT_DOCS;
  opt.doc_bytes = SECTAG_REPORT_DOC_BYTES;
  opt.top = SECTAG_REPORT_TOP;
  const char *output = NULL, *stopwords = NULL;
  int c;
  optind = 1;
  argv[0] = (char *)"sectag report"; /* getopt's messages name the command */
  while ((c = getopt_long(argc, argv, "o:n:h", longopts, NULL)) != -1) {
    long v;
    switch (c) {
    case 'o':
      output = optarg;
      break;
    case O_KWIC_LIMIT:
      if ((v = S_number(optarg, 2147483647L)) < 0)
        return S_usage_error("--kwic-limit must be a whole number of rows (0 = all), not '%s'",
                             optarg);
      opt.kwic_limit = (size_t)v;
      break;
    case O_DOCS:
      if ((v = S_number(optarg, 2147483647L)) < 0)
        return S_usage_error("--docs must be a whole number of documents (0 = all), not '%s'",
                             optarg);
      opt.docs = (size_t)v;
      break;
    case O_DOC_BYTES:
      if ((v = S_number(optarg, 2147483647L)) < 0)
        return S_usage_error("--doc-bytes must be a whole number of bytes (0 = no cut), not "
                             "'%s'",
                             optarg);
      opt.doc_bytes = (size_t)v;
      break;
    case 'n':
      if ((v = S_number(optarg, 2147483647L)) < 0)
        return S_usage_error("--top must be a whole number (0 = all), not '%s'", optarg);
      opt.top = (size_t)v;
      break;
    case O_STOPWORDS:
      stopwords = optarg;
      break;
    case O_MIN_FREQ:
      if ((v = S_number(optarg, 2147483647L)) < 1)
        return S_usage_error("--min-freq must be a whole number, 1 or more, not '%s'", optarg);
      opt.min_freq = (size_t)v;
      break;
    case O_TITLE:
      opt.title = optarg;
      break;
    case 'h':
      fputs(sectag_report_usage, stdout);
      return 0;
    default:
      fputs("Try 'sectag report --help'.\n", stderr);
      return EXIT_USAGE;
    }
  }
  if (optind >= argc)
    return S_usage_error("missing OUTDIR, the folder sectag code wrote (-o OUTDIR)");
  if (optind + 1 < argc)
    return S_usage_error("one OUTDIR only; '%s' is one too many", argv[optind + 1]);
  opt.outdir = argv[optind];
  if (!output || !*output)
    return S_usage_error("missing -o REPORT.html, the file to write (for example -o report.html)");
  opt.report = S_report;
  sectag_error err = SECTAG_ERROR_INIT;
  char *stop = NULL;
  if (stopwords) {
    stop = sectag_cli_stopwords_path(stopwords, &err);
    if (!stop) {
      S_print_error(&err);
      sectag_error_clear(&err);
      return EXIT_USAGE;
    }
    opt.stopwords = stop;
  }
  sectag_report_summary sum;
  int rc = sectag_report_write(&opt, output, &sum, &err);
  free(stop);
  if (rc != 0) {
    S_print_error(&err);
    int st = err.code == SECTAG_ERR_OUTPUT ? EXIT_OUTPUT
             : err.code == SECTAG_ERR_INPUT ? EXIT_DOCS
                                            : EXIT_USAGE;
    sectag_error_clear(&err);
    return st;
  }
  if (sum.failed) {
    fprintf(stderr,
            "sectag report: %zu of the %zu documents shown could not be read from their TEI "
            "file; the report says so where their text would be\n",
            sum.failed, sum.shown);
    return EXIT_DOCS;
  }
  return 0;
}
