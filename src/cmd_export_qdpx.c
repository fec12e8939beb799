/* cmd_export_qdpx.c: `sectag export qdpx OUTDIR -o PROJECT.qdpx` and
 * `sectag export qdc CODEBOOK -o CODEBOOK.qdc`. Options ->
 * sectag_qdpx_export() / sectag_qdc_export() (qdpx.c) -> messages and exit
 * status. The only part of the REFI-QDA export that prints. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "qdpx.h"

enum { EXIT_DOCS = 1, EXIT_USAGE = 2, EXIT_CODEBOOK = 3, EXIT_OUTPUT = 4 };

static const char S_qdpx_usage[] =
    "Usage: sectag export qdpx [OPTIONS] OUTDIR -o PROJECT.qdpx\n"
    "\n"
    "A REFI-QDA project (QDA-XML 1.0, a .qdpx file) of a sectag code run, for\n"
    "ATLAS.ti, MAXQDA, NVivo, QualCoder and other tools that import REFI-QDA:\n"
    "  - the texts (rebuilt from OUTDIR/tei), UTF-8 without a BOM, with LF line ends;\n"
    "  - the codebook, nested as in the codebook file, each code with its label, its\n"
    "    definition and a colour by polarity: securitizing #D55E00 (vermillion),\n"
    "    desecuritizing #0072B2 (blue), neutral #999999 (grey);\n"
    "  - every match (each row of matches.csv) as a coded selection, the rule that\n"
    "    fired as its description;\n"
    "  - speakers as cases, holding their coded selections (or the documents they\n"
    "    speak alone);\n"
    "  - groups (e.g. the administration) as sets of documents;\n"
    "  - date, group, speaker and the metadata columns of documents.csv as variables.\n"
    "The same OUTDIR always gives the same bytes (GUIDs are derived from the ids).\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE        the project to write (required), e.g. project.qdpx;\n"
    "                           its folder is created; written atomically\n"
    "      --name NAME          the project's name (default: OUTDIR's last part)\n"
    "  -q, --quiet              no summary line\n"
    "  -h, --help               show this help\n"
    "\n"
    "A document whose TEI file cannot be read is reported and left out; the project\n"
    "holds the others, and the exit status is 1.\n"
    "\n"
    "Examples:\n"
    "  sectag code -c codebooks/securitization-es.yaml -o out/es corpora/sample/es\n"
    "  sectag export qdpx out/es -o out/es.qdpx\n"
    "  sectag export qdpx out/es -o ~/qda/mananeras.qdpx --name 'Mañaneras 2019'\n"
    "\n"
    "Open the file with the REFI-QDA project import of your tool (NVivo: File >\n"
    "Open, file type REFI-QDA Project; the menus of ATLAS.ti, MAXQDA and QualCoder\n"
    "are in docs/exports.md, with what each receives and the known pitfalls).\n"
    "\n"    "Exit status: 0 success; 1 some documents were left out (or none could be read:\n"
    "nothing written); 2 usage error (bad option, not an OUTDIR of sectag code);\n"
    "4 cannot write the project (no partial file is left).\n";

static const char S_qdc_usage[] =
    "Usage: sectag export qdc [OPTIONS] CODEBOOK -o CODEBOOK.qdc\n"
    "\n"
    "A REFI-QDA codebook (QDA-XML 1.0, a .qdc file) of a sectag codebook (YAML): its\n"
    "codes nested as in the file, each with its label as name, its definition (and\n"
    "its sectag id and polarity) as description and a colour by polarity:\n"
    "securitizing #D55E00, desecuritizing #0072B2, neutral #999999. Codes have the\n"
    "same GUIDs, names and colours as in `sectag export qdpx`, so the two files\n"
    "agree on their codes. Rules are not exported: REFI-QDA has no place for them.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE        the codebook to write (required), e.g. codebook.qdc;\n"
    "                           its folder is created; written atomically\n"
    "  -q, --quiet              no summary line\n"
    "  -h, --help               show this help\n"
    "\n"
    "Examples:\n"
    "  sectag export qdc codebooks/securitization-es.yaml -o securitization-es.qdc\n"
    "\n"
    "Import it with your tool's REFI-QDA codebook import (MAXQDA: Codes > Export/\n"
    "Import Code System; the others in docs/exports.md).\n"
    "\n"    "Exit status: 0 success; 2 usage error; 3 the codebook does not load (its\n"
    "errors are shown, as by `sectag check`); 4 cannot write the file.\n";

static void S_print_error(const char *cmd, const sectag_error *e) {
  char *msg = sectag_error_format(e);
  if (e->path)
    fprintf(stderr, "%s\n", msg);
  else
    fprintf(stderr, "%s: %s\n", cmd, msg);
  free(msg);
}

static void S_report(void *ud, const sectag_error *e) { S_print_error(ud, e); }

static int S_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int S_usage_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "%s: ", cmd);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nTry '%s --help'.\n", cmd);
  return EXIT_USAGE;
}

enum { O_NAME = 256 };

/* Parses the options both commands share (and --name for qdpx). Returns
 * -1 to go on, else an exit status. */
static int S_options(int argc, char **argv, const char *cmd, const char *usage, int qdpx,
                     const char **output, const char **name, int *quiet, const char **arg) {
  static const struct option longopts[] = {{"output", required_argument, NULL, 'o'},
                                           {"name", required_argument, NULL, O_NAME},
                                           {"quiet", no_argument, NULL, 'q'},
                                           {"help", no_argument, NULL, 'h'},
                                           {NULL, 0, NULL, 0}};
  int c;
  optind = 1;
  argv[0] = (char *)cmd; /* getopt's messages name the command */
  while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
    switch (c) {
    case 'o':
      if (*output) return S_usage_error(cmd, "give -o once");
      if (!*optarg) return S_usage_error(cmd, "-o needs a file name");
      *output = optarg;
      break;
    case O_NAME:
      if (!qdpx) return S_usage_error(cmd, "--name goes with sectag export qdpx");
      if (!*optarg) return S_usage_error(cmd, "--name needs a name");
      *name = optarg;
      break;
    case 'q':
      *quiet = 1;
      break;
    case 'h':
      fputs(usage, stdout);
      return 0;
    default:
      fprintf(stderr, "Try '%s --help'.\n", cmd);
      return EXIT_USAGE;
    }
  }
  const char *what = qdpx ? "OUTDIR, the folder sectag code wrote (-o OUTDIR)"
                          : "CODEBOOK, a codebook file (YAML)";
  if (optind >= argc) return S_usage_error(cmd, "missing %s", what);
  if (optind + 1 < argc)
    return S_usage_error(cmd, "one %s only; '%s' is one too many", qdpx ? "OUTDIR" : "CODEBOOK",
                         argv[optind + 1]);
  if (!*output)
    return S_usage_error(cmd, "missing -o FILE, the %s to write (e.g. -o %s)",
                         qdpx ? "project" : "codebook", qdpx ? "project.qdpx" : "codebook.qdc");
  *arg = argv[optind];
  return -1;
}

int sectag_cli_export_qdpx(int argc, char **argv) {
  const char *cmd = "sectag export qdpx";
  const char *output = NULL, *name = NULL, *outdir = NULL;
  int quiet = 0;
  int rc = S_options(argc, argv, cmd, S_qdpx_usage, 1, &output, &name, &quiet, &outdir);
  if (rc >= 0) return rc;
  sectag_qdpx_options opt;
  memset(&opt, 0, sizeof opt);
  opt.outdir = outdir;
  opt.output = output;
  opt.name = name;
  opt.report = S_report;
  opt.userdata = (void *)cmd;
  sectag_qdpx_summary sum;
  sectag_error err = SECTAG_ERROR_INIT;
  sectag_status st = sectag_qdpx_export(&opt, &sum, &err);
  if (err.code != SECTAG_OK) S_print_error(cmd, &err);
  sectag_error_clear(&err);
  switch (st) {
  case SECTAG_OK:
  case SECTAG_ERR_INPUT:
    break;
  case SECTAG_ERR_OUTPUT:
    return EXIT_OUTPUT;
  default:
    return EXIT_USAGE;
  }
  if (sum.documents && !quiet)
    fprintf(stderr,
            "%s: wrote %s: %zu document%s (%zu left out), %zu coded selection%s, %zu codes, "
            "%zu case%s, %zu set%s, %zu variable%s\n",
            cmd, output, sum.documents, sum.documents == 1 ? "" : "s", sum.failed,
            sum.selections, sum.selections == 1 ? "" : "s", sum.codes, sum.cases,
            sum.cases == 1 ? "" : "s", sum.sets, sum.sets == 1 ? "" : "s", sum.variables,
            sum.variables == 1 ? "" : "s");
  return st == SECTAG_OK ? 0 : EXIT_DOCS;
}

int sectag_cli_export_qdc(int argc, char **argv) {
  const char *cmd = "sectag export qdc";
  const char *output = NULL, *name = NULL, *codebook = NULL;
  int quiet = 0;
  int rc = S_options(argc, argv, cmd, S_qdc_usage, 0, &output, &name, &quiet, &codebook);
  if (rc >= 0) return rc;
  size_t ncodes = 0;
  sectag_error err = SECTAG_ERROR_INIT;
  sectag_status st = sectag_qdc_export(codebook, output, &ncodes, &err);
  if (err.code != SECTAG_OK) S_print_error(cmd, &err);
  sectag_error_clear(&err);
  switch (st) {
  case SECTAG_OK:
    break;
  case SECTAG_ERR_CODEBOOK:
    return EXIT_CODEBOOK;
  case SECTAG_ERR_OUTPUT:
    return EXIT_OUTPUT;
  default:
    return EXIT_USAGE;
  }
  if (!quiet) fprintf(stderr, "%s: wrote %s: %zu codes\n", cmd, output, ncodes);
  return 0;
}
