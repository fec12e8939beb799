/* cmd_export_teicorpus.c: `sectag export teicorpus OUTDIR -o CORPUS.xml`.
 * Options -> sectag_teicorpus_export() (teicorpus.c) -> messages and exit
 * status. The only part of the TEI corpus export that prints. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "teicorpus.h"

enum { EXIT_DOCS = 1, EXIT_USAGE = 2, EXIT_OUTPUT = 4 };

static const char S_usage[] =
    "Usage: sectag export teicorpus [OPTIONS] OUTDIR -o CORPUS.xml\n"
    "\n"
    "One TEI P5 teiCorpus from the OUTDIR of a sectag code run, for TXM and other\n"
    "TEI tools: a corpus header with the codebook taxonomy once (and the groups),\n"
    "then one <TEI> per row of OUTDIR/documents.csv, in its order, each the\n"
    "document's OUTDIR/tei/DOC_ID.xml without the taxonomy. Every xml:id of a\n"
    "document gets the document's text id as a prefix (s1 -> ID.s1) and the\n"
    "pointers to it follow, so ids are unique in the corpus and every ana,\n"
    "target, from, to and who still resolves. A metadata.csv (TXM's format: the\n"
    "text id first, then the columns of documents.csv) is written next to\n"
    "CORPUS.xml.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE        the corpus file (required)\n"
    "      --words              a <w> around every word token, with norm=\"FORM\" (the\n"
    "                           word as codebook rules see it: lower case, accents\n"
    "                           stripped unless the codebook says accents: sensitive)\n"
    "                           and, inside a coded passage, ana=\"#CODE\"; punctuation\n"
    "                           stays text. The body's text is unchanged\n"
    "      --accents MODE       with --words: insensitive or sensitive (norm keeps\n"
    "                           accents); default: the codebook's accents: setting,\n"
    "                           which the TEI files record (insensitive in files of\n"
    "                           sectag versions that did not)\n"
    "      --metadata FILE      write metadata.csv to FILE instead of next to CORPUS.xml\n"
    "      --split DIR          also one TEI file per text, DIR/ID.xml (each with the\n"
    "                           taxonomy in its header), and DIR/metadata.csv: the\n"
    "                           folder to give TXM's XML-TEI Zero import (one text\n"
    "                           per file). Keep CORPUS.xml out of DIR\n"
    "      --title TEXT         the corpus title (default: OUTDIR's folder name)\n"
    "  -h, --help               show this help\n"
    "\n"
    "A text id is the doc_id as an XML name: accents stripped, characters other\n"
    "than ASCII letters, digits, '-' and '_' replaced by '-', 'doc-' before a\n"
    "leading digit, and '-2', '-3'... when two would be the same.\n"
    "\n"
    "All or nothing: when a TEI file is missing, not well-formed or from another\n"
    "codebook, each is reported (FILE:LINE:COL) and nothing is written; outputs\n"
    "go to temporary files renamed into place at the end. See docs/teicorpus.md.\n"
    "\n"
    "Examples:\n"
    "  sectag code -c codebooks/securitization-es.yaml -o out/es corpora/sample/es\n"
    "  sectag export teicorpus out/es -o es-corpus.xml\n"
    "  sectag export teicorpus out/es -o es-corpus.xml --words\n"
    "  sectag export teicorpus out/es -o export/corpus.xml --words --split export/txm\n"
    "  xmllint --noout --relaxng tei_all.rng es-corpus.xml\n"
    "\n"
    "Exit status: 0 written; 1 a TEI file is missing or unreadable (nothing\n"
    "written); 2 usage error (bad option, not an OUTDIR of sectag code, no\n"
    "documents); 4 an output cannot be written.\n";

enum { O_WORDS = 256, O_ACCENTS, O_METADATA, O_SPLIT, O_TITLE };

static void S_print_error(const sectag_error *e) {
  char *msg = sectag_error_format(e);
  if (e->path)
    fprintf(stderr, "%s\n", msg);
  else
    fprintf(stderr, "sectag export teicorpus: %s\n", msg);
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
  fputs("sectag export teicorpus: ", stderr);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputs("\nTry 'sectag export teicorpus --help'.\n", stderr);
  return EXIT_USAGE;
}

int sectag_cli_export_teicorpus(int argc, char **argv) {
  static const struct option longopts[] = {{"output", required_argument, NULL, 'o'},
                                           {"words", no_argument, NULL, O_WORDS},
                                           {"accents", required_argument, NULL, O_ACCENTS},
                                           {"metadata", required_argument, NULL, O_METADATA},
                                           {"split", required_argument, NULL, O_SPLIT},
                                           {"title", required_argument, NULL, O_TITLE},
                                           {"help", no_argument, NULL, 'h'},
                                           {NULL, 0, NULL, 0}};
  sectag_teicorpus_options opt;
  memset(&opt, 0, sizeof opt);
  const char *accents = NULL;
  int c;
  optind = 1;
  argv[0] = (char *)"sectag export teicorpus"; /* getopt's messages name the command */
  while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
    switch (c) {
    case 'o':
      opt.output = optarg;
      break;
    case O_WORDS:
      opt.words = 1;
      break;
    case O_ACCENTS:
      if (strcmp(optarg, "sensitive") != 0 && strcmp(optarg, "insensitive") != 0)
        return S_usage_error("--accents must be sensitive or insensitive, not '%s'", optarg);
      accents = optarg;
      break;
    case O_METADATA:
      opt.metadata = optarg;
      break;
    case O_SPLIT:
      opt.split_dir = optarg;
      break;
    case O_TITLE:
      opt.title = optarg;
      break;
    case 'h':
      fputs(S_usage, stdout);
      return 0;
    default:
      fputs("Try 'sectag export teicorpus --help'.\n", stderr);
      return EXIT_USAGE;
    }
  }
  if (optind >= argc)
    return S_usage_error("missing OUTDIR, the folder sectag code wrote (-o OUTDIR)");
  if (optind + 1 < argc)
    return S_usage_error("one OUTDIR only; '%s' is one too many", argv[optind + 1]);
  opt.outdir = argv[optind];
  if (!opt.output) return S_usage_error("missing -o CORPUS.xml, the file to write");
  if (!*opt.output) return S_usage_error("-o needs a file name");
  if (accents && !opt.words)
    return S_usage_error("--accents goes with --words (it sets the norm of each <w>)");
  opt.accents = !accents                              ? SECTAG_TEICORPUS_ACCENTS_CODEBOOK
                : strcmp(accents, "sensitive") == 0 ? SECTAG_TEICORPUS_ACCENTS_SENSITIVE
                                                    : SECTAG_TEICORPUS_ACCENTS_INSENSITIVE;
  opt.report = S_report;

  sectag_teicorpus_summary sum;
  sectag_error err = SECTAG_ERROR_INIT;
  sectag_status st = sectag_teicorpus_export(&opt, &sum, &err);
  if (st != SECTAG_OK) S_print_error(&err);
  sectag_error_clear(&err);
  switch (st) {
  case SECTAG_OK:
    break;
  case SECTAG_ERR_USAGE:
    return EXIT_USAGE;
  case SECTAG_ERR_OUTPUT:
    return EXIT_OUTPUT;
  default:
    return EXIT_DOCS;
  }
  if (sum.unwrapped)
    fprintf(stderr,
            "sectag export teicorpus: note: %zu word token%s left without <w>: %s inside "
            "a coded passage that begins or ends within the word (a partial rule)\n",
            sum.unwrapped, sum.unwrapped == 1 ? "" : "s", sum.unwrapped == 1 ? "it is" : "each is");
  return 0;
}
