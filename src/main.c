/* main.c: the sectag command line. argv -> options -> library call -> exit
 * status. The only file that prints to the terminal or calls exit().
 *
 * Exit statuses: 0 success; 1 some documents failed (the others were
 * written); 2 usage error; 3 codebook error (nothing written); 4 output error. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sectag.h"

enum { EXIT_DOCS = 1, EXIT_USAGE = 2, EXIT_CODEBOOK = 3, EXIT_OUTPUT = 4 };

static const char S_usage[] =
    "Usage: sectag COMMAND [OPTIONS] ...\n"
    "\n"
    "Code political discourse with a codebook of regex rules; export TEI-XML\n"
    "and frequency tables.\n"
    "\n"
    "Commands:\n"
    "  code      code texts with a codebook: sectag code -c CODEBOOK -o OUTDIR PATH...\n"
    "  help      show help for a command: sectag help code\n"
    "\n"
    "Options:\n"
    "  -h, --help       show this help\n"
    "  -V, --version    show the version\n"
    "\n"
    "Example:\n"
    "  sectag code -c codebooks/securitization-es.yaml -o out/es corpora/sample/es\n"
    "\n"
    "See `man sectag` (docs/sectag.1) and docs/codebook-format.md.\n";

static const char S_code_usage[] =
    "Usage: sectag code [OPTIONS] -c CODEBOOK -o OUTDIR PATH...\n"
    "\n"
    "Tokenize the texts, match the codebook's rules, and write:\n"
    "  OUTDIR/tei/DOC_ID.xml   one TEI P5 document per input, codes marked as <seg>\n"
    "                          and listed in <standOff>\n"
    "  OUTDIR/codes.csv        doc_id,code,polarity,matches,tokens,per_10k\n"
    "  OUTDIR/terms.csv        doc_id,term,frequency\n"
    "  OUTDIR/matches.csv      doc_id,code,rule,start,end,line,text,left,right\n"
    "  OUTDIR/documents.csv    doc_id,path,tokens,sentences,securitizing,desecuritizing\n"
    "\n"
    "A PATH is a UTF-8 text file, or a directory searched recursively for *.txt\n"
    "and *.md files. DOC_ID is the path below that directory without extension.\n"
    "\n"
    "Options:\n"
    "  -c, --codebook FILE   the YAML codebook (required), e.g.\n"
    "                        codebooks/securitization-es.yaml\n"
    "  -o, --outdir DIR      where outputs go (created if missing; required)\n"
    "  -q, --quiet           no progress line and no summary (errors still shown)\n"
    "  -h, --help            show this help\n"
    "\n"
    "Every output is written to a temporary file and renamed when complete. A\n"
    "document that cannot be read is reported and skipped; the others are coded.\n"
    "\n"
    "Exit status: 0 all coded; 1 some documents failed; 2 usage error;\n"
    "3 codebook error (nothing written); 4 cannot write outputs.\n";

typedef struct {
  int tty;
  int quiet;
  double start, last;
  int shown; /* a progress line is on screen */
} S_ui;

static double S_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void S_clear_progress(S_ui *ui) {
  if (ui->shown) {
    fputs("\r\033[K", stderr);
    ui->shown = 0;
  }
}

static void S_print_error(S_ui *ui, const sectag_error *e) {
  if (ui) S_clear_progress(ui);
  char *msg = sectag_error_format(e);
  if (e->path)
    fprintf(stderr, "%s\n", msg);
  else
    fprintf(stderr, "sectag: %s\n", msg);
  free(msg);
}

static void S_report(void *ud, const sectag_error *e) { S_print_error(ud, e); }

static void S_progress(void *ud, size_t done, size_t total, const char *doc_id) {
  S_ui *ui = ud;
  if (!ui->tty || ui->quiet) return;
  double now = S_now();
  if (done < total && (now - ui->start < 0.5 || now - ui->last < 0.1)) return;
  ui->last = now;
  fprintf(stderr, "\r\033[Ksectag: %zu/%zu documents (%.0f%%) %.40s", done, total,
          100.0 * (double)done / (double)total, doc_id);
  ui->shown = 1;
}

/* 12345678 -> "12,345,678" */
static const char *S_thousands(size_t n, char *buf, size_t size) {
  char tmp[32];
  int len = snprintf(tmp, sizeof tmp, "%zu", n);
  size_t j = 0;
  for (int i = 0; i < len && j + 2 < size; i++) {
    if (i > 0 && (len - i) % 3 == 0) buf[j++] = ',';
    buf[j++] = tmp[i];
  }
  buf[j] = '\0';
  return buf;
}

static int S_cmd_code(int argc, char **argv) {
  static const struct option longopts[] = {{"codebook", required_argument, NULL, 'c'},
                                           {"outdir", required_argument, NULL, 'o'},
                                           {"quiet", no_argument, NULL, 'q'},
                                           {"help", no_argument, NULL, 'h'},
                                           {NULL, 0, NULL, 0}};
  sectag_code_options opt;
  memset(&opt, 0, sizeof opt);
  S_ui ui;
  memset(&ui, 0, sizeof ui);
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "c:o:qh", longopts, NULL)) != -1) {
    switch (c) {
    case 'c':
      opt.codebook_path = optarg;
      break;
    case 'o':
      opt.outdir = optarg;
      break;
    case 'q':
      ui.quiet = 1;
      break;
    case 'h':
      fputs(S_code_usage, stdout);
      return 0;
    default:
      fputs("Try 'sectag code --help'.\n", stderr);
      return EXIT_USAGE;
    }
  }
  const char *missing = !opt.codebook_path ? "a codebook: -c CODEBOOK (for example -c "
                                             "codebooks/securitization-es.yaml)"
                        : !opt.outdir      ? "an output folder: -o OUTDIR"
                        : optind >= argc   ? "at least one PATH (a text file or a folder)"
                                           : NULL;
  if (missing) {
    fprintf(stderr, "sectag code: missing %s\nTry 'sectag code --help'.\n", missing);
    return EXIT_USAGE;
  }
  opt.paths = (const char *const *)(argv + optind);
  opt.npaths = (size_t)(argc - optind);
  opt.report = S_report;
  opt.progress = S_progress;
  opt.userdata = &ui;
  ui.tty = isatty(STDERR_FILENO);
  ui.start = S_now();

  sectag_code_summary sum;
  sectag_error err = SECTAG_ERROR_INIT;
  sectag_status st = sectag_code_run(&opt, &sum, &err);
  S_clear_progress(&ui);
  if (err.code != SECTAG_OK) S_print_error(&ui, &err);
  sectag_error_clear(&err);
  switch (st) {
  case SECTAG_ERR_USAGE:
    return EXIT_USAGE;
  case SECTAG_ERR_CODEBOOK:
    return EXIT_CODEBOOK;
  case SECTAG_ERR_OUTPUT:
    fputs("sectag: no tables were written; TEI files of documents coded before the error "
          "are complete\n",
          stderr);
    return EXIT_OUTPUT;
  default:
    break;
  }
  if (!ui.quiet) {
    char a[32], b[32], m1[32], m2[32], m3[32];
    double mb = (double)sum.bytes / 1e6;
    fprintf(stderr,
            "sectag: coded %zu document%s (%zu failed): %s words in %s sentences; "
            "%s securitizing, %s desecuritizing and %s neutral matches; "
            "%.2f s (%.1f MB/s). Outputs are in %s/.\n",
            sum.documents, sum.documents == 1 ? "" : "s", sum.failed,
            S_thousands(sum.words, a, sizeof a), S_thousands(sum.sentences, b, sizeof b),
            S_thousands(sum.matches[SECTAG_SECURITIZING], m1, sizeof m1),
            S_thousands(sum.matches[SECTAG_DESECURITIZING], m2, sizeof m2),
            S_thousands(sum.matches[SECTAG_NEUTRAL], m3, sizeof m3), sum.seconds,
            sum.seconds > 0 ? mb / sum.seconds : 0.0, opt.outdir);
  }
  return st == SECTAG_OK ? 0 : EXIT_DOCS;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs(S_usage, stderr);
    return EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
    fputs(S_usage, stdout);
    return 0;
  }
  if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
    printf("sectag %s\n", SECTAG_VERSION);
    return 0;
  }
  if (strcmp(cmd, "help") == 0) {
    if (argc > 2 && strcmp(argv[2], "code") == 0)
      fputs(S_code_usage, stdout);
    else
      fputs(S_usage, stdout);
    return 0;
  }
  if (strcmp(cmd, "code") == 0) return S_cmd_code(argc - 1, argv + 1);
  fprintf(stderr, "sectag: unknown command '%s'\nTry 'sectag --help'.\n", cmd);
  return EXIT_USAGE;
}
