/* cmd_check.c: `sectag check`. argv -> options -> sectag_check_codebook()
 * (check.c) for each CODEBOOK -> a text or TAP report on standard output ->
 * exit status. What is checked lives in the library; this file only parses
 * options, prints and chooses the exit status. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cli.h"
#include "sectag.h"

enum { EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_CODEBOOK = 3, EXIT_OUTPUT = 4 };

const char sectag_check_usage[] =
    "Usage: sectag check [OPTIONS] CODEBOOK...\n"
    "\n"
    "Check codebooks against themselves. Each must load and every rule must\n"
    "compile, as for sectag code. Every example must be coded with its code (or\n"
    "a code below it) and no counterexample may be, each run as a one-document\n"
    "corpus through the matcher of sectag code (overlap policy and context rules\n"
    "included).\n"
    "\n"
    "Warnings: rules that can never match the normalized text (an upper-case\n"
    "letter, two spaces in a row, \\n, an escaped accented letter); the same\n"
    "pattern twice; an example matched by a securitizing and a desecuritizing\n"
    "rule at overlapping places (with every match kept); a code with rules but\n"
    "no examples or no counterexamples.\n"
    "\n"
    "The report goes to standard output: one line per failure or warning,\n"
    "FILE:LINE: ..., with the rule's pattern and what matched on indented lines\n"
    "below it, then a summary line.\n"
    "\n"
    "Options:\n"
    "      --strict         warnings fail the check too (exit status 1)\n"
    "  -q, --quiet          print only the failures (no warnings, no summary)\n"
    "      --format FORMAT  text (default) or tap: one ok / not ok line per\n"
    "                       example and counterexample (Test Anything Protocol),\n"
    "                       warnings as # comments (with --strict, not ok lines)\n"
    "  -h, --help           show this help\n"
    "\n"
    "Example:\n"
    "  sectag check codebooks/securitization-es.yaml\n"
    "  sectag check --format tap codebooks/*.yaml > check.tap\n"
    "\n"
    "Exit status: 0 every check passed (warnings alone do not fail); 1 an\n"
    "example or counterexample failed, or --strict and a warning; 2 usage\n"
    "error; 3 a codebook does not load or a rule does not compile (the others\n"
    "are still checked); 4 cannot write the report. See docs/check.md.\n";

typedef struct {
  int tap, quiet, strict;
  size_t n; /* TAP test number */
} S_opts;

static int S_usage_error(const char *fmt, const char *arg) {
  fputs("sectag check: ", stderr);
  fprintf(stderr, fmt, arg);
  fputs("\nTry 'sectag check --help'.\n", stderr);
  return EXIT_USAGE;
}

/* An error or item as sectag prints it: "FILE:LINE: message\ndetail". */
static char *S_format(const sectag_error *e) {
  char *s = sectag_error_format(e);
  if (e->path) return s;
  size_t n = strlen(s) + sizeof "sectag check: ";
  char *t = malloc(n);
  if (!t) abort();
  snprintf(t, n, "sectag check: %s", s);
  free(s);
  return t;
}

/* One TAP line, "ok N - DESCRIPTION", and the lines after the first as
 * comments. A '#' after white space would start a directive (# SKIP), so
 * it is escaped as \# (TAP 14); rule ids such as sec#1 stay as they are. */
static void S_tap(S_opts *o, int ok, const char *text) {
  const char *nl = strchr(text, '\n');
  size_t first = nl ? (size_t)(nl - text) : strlen(text);
  printf("%s %zu - ", ok ? "ok" : "not ok", ++o->n);
  for (size_t i = 0; i < first; i++) {
    if (text[i] == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t')) putchar('\\');
    putchar(text[i]);
  }
  putchar('\n');
  while (nl) {
    const char *next = strchr(nl + 1, '\n');
    size_t len = next ? (size_t)(next - nl - 1) : strlen(nl + 1);
    printf("# %.*s\n", (int)len, nl + 1);
    nl = next;
  }
}

/* Every line as a TAP comment. */
static void S_comment(const char *text) {
  for (const char *p = text;;) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    printf("# %.*s\n", (int)len, p);
    if (!nl) break;
    p = nl + 1;
  }
}

/* Prints one item of a result. */
static void S_item(S_opts *o, const sectag_check_item *it) {
  int warn = it->kind == SECTAG_CHECK_WARNING;
  int fails = it->kind == SECTAG_CHECK_FAILED || (warn && o->strict);
  if (!o->tap && !fails && (it->kind == SECTAG_CHECK_PASSED || o->quiet)) return;
  char *s = S_format(&it->e);
  if (!o->tap)
    printf("%s\n", s);
  else if (warn && !o->strict) {
    if (!o->quiet) S_comment(s);
  } else
    S_tap(o, !fails, s);
  free(s);
}

static const char *S_s(size_t n) { return n == 1 ? "" : "s"; }

int sectag_cli_check(int argc, char **argv) {
  enum { O_STRICT = 256, O_FORMAT };
  static const struct option longopts[] = {{"quiet", no_argument, NULL, 'q'},
                                           {"help", no_argument, NULL, 'h'},
                                           {"strict", no_argument, NULL, O_STRICT},
                                           {"format", required_argument, NULL, O_FORMAT},
                                           {NULL, 0, NULL, 0}};
  S_opts o;
  memset(&o, 0, sizeof o);
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
    switch (c) {
    case 'q':
      o.quiet = 1;
      break;
    case 'h':
      fputs(sectag_check_usage, stdout);
      return 0;
    case O_STRICT:
      o.strict = 1;
      break;
    case O_FORMAT:
      if (strcmp(optarg, "text") == 0)
        o.tap = 0;
      else if (strcmp(optarg, "tap") == 0)
        o.tap = 1;
      else
        return S_usage_error("--format is text or tap, not '%s'", optarg);
      break;
    default:
      fputs("Try 'sectag check --help'.\n", stderr);
      return EXIT_USAGE;
    }
  }
  if (optind >= argc)
    return S_usage_error("%s", "missing a CODEBOOK (for example "
                               "codebooks/securitization-es.yaml)");

  size_t books = 0, unloaded = 0, codes = 0, rules = 0, ex = 0, cex = 0, failed = 0, warns = 0;
  if (o.tap) puts("TAP version 13");
  for (int i = optind; i < argc; i++) {
    sectag_check_result res;
    sectag_error err = SECTAG_ERROR_INIT;
    books++;
    if (sectag_check_codebook(argv[i], &res, &err) != 0) {
      unloaded++;
      char *s = S_format(&err);
      if (o.tap)
        S_tap(&o, 0, s);
      else
        printf("%s\n", s);
      free(s);
      sectag_error_clear(&err);
      continue;
    }
    for (size_t k = 0; k < res.nitems; k++) S_item(&o, &res.items[k]);
    codes += res.ncodes;
    rules += res.nrules;
    ex += res.nexamples;
    cex += res.ncounterexamples;
    failed += res.nfailed;
    warns += res.nwarnings;
    sectag_check_result_free(&res);
  }
  if (o.tap) printf("1..%zu\n", o.n);
  if (!o.quiet) {
    char not_loaded[64] = "";
    if (unloaded) snprintf(not_loaded, sizeof not_loaded, " (%zu did not load)", unloaded);
    printf("%ssectag check: %zu codebook%s%s, %zu code%s, %zu rule%s; %zu example%s and %zu "
           "counterexample%s checked: %zu failed, %zu warning%s%s\n",
           o.tap ? "# " : "", books, S_s(books), not_loaded, codes, S_s(codes), rules,
           S_s(rules), ex, S_s(ex), cex, S_s(cex), failed, warns, S_s(warns),
           o.strict && warns ? " (--strict: warnings fail)" : "");
  }
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fputs("sectag check: cannot write to standard output\n", stderr);
    return EXIT_OUTPUT;
  }
  if (unloaded) return EXIT_CODEBOOK;
  return failed || (o.strict && warns) ? EXIT_FAILED : 0;
}
