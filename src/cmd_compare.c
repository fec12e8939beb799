/* cmd_compare.c: `sectag compare`. argv -> options -> sectag_compare_run()
 * (compare.c) -> CSV or an aligned table -> exit status. Everything that
 * is counted or computed lives in the library; this file only parses,
 * prints and chooses the exit status. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utf8proc.h>

#include "buf.h"
#include "cli.h"
#include "compare.h"
#include "output.h"
#include "render.h"
#include "sectag.h"

enum { EXIT_INPUT = 1, EXIT_USAGE = 2, EXIT_OUTPUT = 4 };

const char sectag_compare_usage[] =
    "Usage: sectag compare [OPTIONS] OUTDIR...\n"
    "\n"
    "Compare groups of documents (administrations, parties, speakers, years) in\n"
    "the count tables that `sectag code` wrote to OUTDIR. The corpus is not read\n"
    "again. Several OUTDIRs (shards of one corpus) are read as one: their tables\n"
    "are joined, and a doc_id may appear in only one of them.\n"
    "\n"
    "Reports (one per run):\n"
    "  (default)              frequencies of every code and term per group\n"
    "      --balance          securitizing and desecuritizing matches per group,\n"
    "                         and the securitizing share with a 95% interval\n"
    "  -t, --target LABEL     keyness: codes and terms over- and under-represented\n"
    "                         in group LABEL, against the other groups\n"
    "\n"
    "Options:\n"
    "  -b, --by COLUMN        group by this column: group (default; the\n"
    "                         administration from --periods or --group-field),\n"
    "                         speaker, date, doc_id, a metadata column (party...),\n"
    "                         or derived: year, month (from date; every period\n"
    "                         between the first and the last is listed) and role\n"
    "                         (from speakers.csv). An empty value is '(no COLUMN)'\n"
    "  -r, --reference LABEL  keyness: compare with this group only (default:\n"
    "                         all other groups together)\n"
    "  -k, --kind KIND        code, term or all (default): which features to list\n"
    "      --min-freq N       keyness: leave out features with f_target +\n"
    "                         f_reference < N (default 1)\n"
    "      --stopwords LIST   leave out these terms (never codes): es, en, or a\n"
    "                         FILE with one word per line ('#' starts a comment)\n"
    "  -o, --output FILE      write to FILE (written whole, then renamed into place)\n"
    "      --format FORMAT    csv or table. Default: an aligned table when the\n"
    "                         output is a terminal, else CSV (RFC 4180, CRLF)\n"
    "  -n, --top N            a table shows the first N rows (default 20; 0 = all)\n"
    "  -h, --help             show this help\n"
    "\n"
    "Columns:\n"
    "  frequencies  group,feature,kind,frequency,docfreq,tokens,per_10k\n"
    "               kind is code or term; tokens = the group's coded words;\n"
    "               per_10k = frequency / tokens * 10,000; docfreq = documents\n"
    "  balance      group,tokens,securitizing,desecuritizing,sec_per_10k,\n"
    "               desec_per_10k,sec_share,share_low,share_high\n"
    "  keyness      feature,kind,f_target,f_reference,n_target,n_reference,\n"
    "               G2,p,chi2,log_ratio,pct_diff   (sorted by G2, largest first;\n"
    "               G2 > 0: more frequent in the target; p from |G2|, 1 df)\n"
    "The first column is called group whatever --by says. NA: not defined (no\n"
    "tokens); Inf: the feature is absent from the reference. See\n"
    "docs/compare.md and docs/statistics.md.\n"
    "\n"
    "Example:\n"
    "  sectag code -q -c codebooks/securitization-es.yaml -o out/sample-es \\\n"
    "      --periods corpora/periods/mexico-presidents.tsv \\\n"
    "      --speakers corpora/speakers/es-conferencias.tsv corpora/sample/es\n"
    "  sectag compare out/sample-es --by group --target \"López Obrador\"\n"
    "  sectag compare out/sample-es --by year --kind code -o years.csv\n"
    "\n"
    "Exit status: 0 success; 1 a table is malformed, or OUTDIRs coded with\n"
    "codebooks that disagree; 2 usage error (bad option, not an OUTDIR, a\n"
    "table that cannot be read, unknown column or group, a doc_id in two\n"
    "OUTDIRs); 4 cannot write the output.\n";

static void S_print_error(const sectag_error *e) {
  char *msg = sectag_error_format(e);
  if (e->path)
    fprintf(stderr, "%s\n", msg);
  else
    fprintf(stderr, "sectag compare: %s\n", msg);
  free(msg);
}

static int S_usage_error(const char *fmt, const char *arg) {
  fputs("sectag compare: ", stderr);
  fprintf(stderr, fmt, arg);
  fputs("\nTry 'sectag compare --help'.\n", stderr);
  return EXIT_USAGE;
}

/* A whole number >= min, or -1. */
static long S_number(const char *s, long min) {
  char *end;
  if (!*s || *s == '-' || *s == '+') return -1;
  long v = strtol(s, &end, 10);
  return *end || v < min || v == LONG_MAX ? -1 : v;
}

/* Display width of a UTF-8 string (terminal columns, not bytes). */
static size_t S_width(const char *s) {
  size_t w = 0, n = strlen(s);
  for (size_t i = 0; i < n;) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t k =
        utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
    if (k <= 0) {
      w++;
      i++;
      continue;
    }
    int cw = utf8proc_charwidth(cp);
    w += cw > 0 ? (size_t)cw : 0;
    i += (size_t)k;
  }
  return w;
}

static void S_pad(sectag_buf *b, size_t n) {
  for (size_t i = 0; i < n; i++) sectag_buf_putc(b, ' ');
}

static void S_render_csv(const sectag_compare_result *r, sectag_buf *b) {
  for (size_t j = 0; j < r->ncols; j++) {
    if (j) sectag_buf_putc(b, ',');
    sectag_csv_field(b, r->cols[j], strlen(r->cols[j]));
  }
  sectag_buf_puts(b, "\r\n");
  for (size_t i = 0; i < r->nrows; i++) {
    for (size_t j = 0; j < r->ncols; j++) {
      const char *s = r->cells[i * r->ncols + j];
      if (j) sectag_buf_putc(b, ',');
      sectag_csv_field(b, s, strlen(s));
    }
    sectag_buf_puts(b, "\r\n");
  }
}

/* An aligned table of the first `top` rows (0 = all): text columns to the
 * left, numbers to the right, two spaces between columns. */
static void S_render_table(const sectag_compare_result *r, size_t top, sectag_buf *b) {
  size_t shown = top && top < r->nrows ? top : r->nrows;
  size_t *w = calloc(r->ncols, sizeof *w);
  if (!w) abort();
  for (size_t j = 0; j < r->ncols; j++) w[j] = S_width(r->cols[j]);
  for (size_t i = 0; i < shown; i++)
    for (size_t j = 0; j < r->ncols; j++) {
      size_t x = S_width(r->cells[i * r->ncols + j]);
      if (x > w[j]) w[j] = x;
    }
  for (size_t i = 0; i <= shown; i++) {
    size_t line = b->len;
    for (size_t j = 0; j < r->ncols; j++) {
      const char *s = i == 0 ? r->cols[j] : r->cells[(i - 1) * r->ncols + j];
      size_t pad = w[j] - S_width(s);
      if (j) sectag_buf_puts(b, "  ");
      if (r->numeric[j]) S_pad(b, pad);
      sectag_buf_puts(b, s);
      if (!r->numeric[j]) S_pad(b, pad);
    }
    while (b->len > line && b->ptr[b->len - 1] == ' ') b->len--; /* no trailing blanks */
    b->ptr[b->len] = '\0';
    sectag_buf_putc(b, '\n');
  }
  if (r->nrows == 0)
    sectag_buf_puts(b, "(no rows)\n");
  else if (shown < r->nrows)
    sectag_buf_printf(b, "(%zu of %zu rows shown; %zu left out: --top 0 shows all, -o FILE "
                         "writes them as CSV)\n",
                      shown, r->nrows, r->nrows - shown);
  free(w);
}

/* Where `--stopwords es` looks: $SECTAG_STOPWORDS_DIR, then next to the
 * executable (a build folder: ../corpora/stopwords; an install:
 * ../share/sectag/stopwords), then ./corpora/stopwords. */
static size_t S_stopword_dirs(char **dirs) {
  size_t n = 0;
  const char *env = getenv("SECTAG_STOPWORDS_DIR");
  if (env && *env) dirs[n++] = strdup(env);
  char exe[4096];
  ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (k > 0) {
    exe[k] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash) {
      *slash = '\0';
      sectag_buf p = SECTAG_BUF_INIT;
      sectag_buf_printf(&p, "%s/../corpora/stopwords", exe);
      dirs[n++] = sectag_buf_detach(&p);
      sectag_buf_printf(&p, "%s/../share/sectag/stopwords", exe);
      dirs[n++] = sectag_buf_detach(&p);
    }
  }
  dirs[n++] = strdup("corpora/stopwords");
  return n;
}

char *sectag_cli_stopwords_path(const char *name, sectag_error *err) {
  char *dirs[4];
  size_t nd = S_stopword_dirs(dirs);
  char *path = sectag_stopwords_path(name, (const char *const *)dirs, nd, err);
  for (size_t i = 0; i < nd; i++) free(dirs[i]);
  return path;
}

enum { O_BALANCE = 256, O_MIN_FREQ, O_STOPWORDS, O_FORMAT };

typedef struct {
  sectag_compare_options opt;
  const char *output, *format, *stopwords;
  long top;
  int kind_given;
} S_args;

static int S_run(S_args *a);

int sectag_cli_compare(int argc, char **argv) {
  static const struct option longopts[] = {{"by", required_argument, NULL, 'b'},
                                           {"target", required_argument, NULL, 't'},
                                           {"reference", required_argument, NULL, 'r'},
                                           {"kind", required_argument, NULL, 'k'},
                                           {"output", required_argument, NULL, 'o'},
                                           {"top", required_argument, NULL, 'n'},
                                           {"help", no_argument, NULL, 'h'},
                                           {"balance", no_argument, NULL, O_BALANCE},
                                           {"min-freq", required_argument, NULL, O_MIN_FREQ},
                                           {"stopwords", required_argument, NULL, O_STOPWORDS},
                                           {"format", required_argument, NULL, O_FORMAT},
                                           {NULL, 0, NULL, 0}};
  S_args a;
  memset(&a, 0, sizeof a);
  a.top = 20;
  int balance = 0, min_freq_given = 0, c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "b:t:r:k:o:n:h", longopts, NULL)) != -1) {
    switch (c) {
    case 'b':
      a.opt.by = optarg;
      break;
    case 't':
      a.opt.target = optarg;
      break;
    case 'r':
      a.opt.reference = optarg;
      break;
    case 'k':
      a.kind_given = 1;
      if (strcmp(optarg, "code") == 0)
        a.opt.kinds = SECTAG_KIND_CODE;
      else if (strcmp(optarg, "term") == 0)
        a.opt.kinds = SECTAG_KIND_TERM;
      else if (strcmp(optarg, "all") == 0)
        a.opt.kinds = SECTAG_KIND_ALL;
      else
        return S_usage_error("--kind is code, term or all, not '%s'", optarg);
      break;
    case 'o':
      a.output = optarg;
      break;
    case 'n':
      if ((a.top = S_number(optarg, 0)) < 0)
        return S_usage_error("--top needs a whole number (0 = all rows), not '%s'", optarg);
      break;
    case 'h':
      fputs(sectag_compare_usage, stdout);
      return 0;
    case O_BALANCE:
      balance = 1;
      break;
    case O_MIN_FREQ: {
      long v = S_number(optarg, 1);
      if (v < 0) return S_usage_error("--min-freq needs a whole number of 1 or more, not '%s'", optarg);
      a.opt.min_freq = (size_t)v;
      min_freq_given = 1;
      break;
    }
    case O_STOPWORDS:
      a.stopwords = optarg;
      break;
    case O_FORMAT:
      if (strcmp(optarg, "csv") != 0 && strcmp(optarg, "table") != 0)
        return S_usage_error("--format is csv or table, not '%s'", optarg);
      a.format = optarg;
      break;
    default:
      fputs("Try 'sectag compare --help'.\n", stderr);
      return EXIT_USAGE;
    }
  }
  if (optind >= argc)
    return S_usage_error("%s", "missing an OUTDIR (a folder written by sectag code -o OUTDIR)");
  if (balance && a.opt.target)
    return S_usage_error("%s", "--balance and --target are two reports; give one of them");
  if (a.opt.reference && !a.opt.target)
    return S_usage_error("%s", "--reference needs --target (the group to compare with it)");
  if (min_freq_given && !a.opt.target)
    return S_usage_error("%s", "--min-freq applies to keyness: give --target too");
  if (balance && (a.kind_given || a.stopwords))
    return S_usage_error("%s has no effect with --balance (it counts matches by polarity)",
                         a.kind_given ? "--kind" : "--stopwords");
  a.opt.report = balance        ? SECTAG_REPORT_BALANCE
                 : a.opt.target ? SECTAG_REPORT_KEYNESS
                                : SECTAG_REPORT_FREQUENCIES;
  a.opt.outdirs = (const char *const *)(argv + optind);
  a.opt.noutdirs = (size_t)(argc - optind);
  return S_run(&a);
}

static int S_run(S_args *a) {
  sectag_error err = SECTAG_ERROR_INIT;
  char *stop = NULL;
  if (a->stopwords) {
    stop = sectag_cli_stopwords_path(a->stopwords, &err);
    if (!stop) {
      S_print_error(&err);
      sectag_error_clear(&err);
      return EXIT_USAGE;
    }
    a->opt.stopwords = stop;
  }
  sectag_compare_result res;
  int rc = sectag_compare_run(&a->opt, &res, &err);
  free(stop);
  if (rc != 0) {
    S_print_error(&err);
    int st = err.code == SECTAG_ERR_INPUT ? EXIT_INPUT : EXIT_USAGE;
    sectag_error_clear(&err);
    return st;
  }
  for (size_t i = 0; i < res.nwarnings; i++) S_print_error(&res.warnings[i]);

  int table = a->format ? strcmp(a->format, "table") == 0 : !a->output && isatty(STDOUT_FILENO);
  sectag_buf out = SECTAG_BUF_INIT;
  if (table)
    S_render_table(&res, (size_t)a->top, &out);
  else
    S_render_csv(&res, &out);
  sectag_compare_result_free(&res);

  int status = 0;
  if (a->output) {
    if (sectag_write_file(a->output, out.ptr, out.len, &err) != 0) {
      S_print_error(&err);
      sectag_error_clear(&err);
      status = EXIT_OUTPUT;
    }
  } else if (fwrite(out.ptr, 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
    fputs("sectag compare: cannot write to standard output\n", stderr);
    status = EXIT_OUTPUT;
  }
  sectag_buf_free(&out);
  return status;
}
