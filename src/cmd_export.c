/* cmd_export.c: `sectag export FORMAT ...`, which hands a coded OUTDIR (or a
 * codebook) to the tools qualitative researchers use. Dispatches on FORMAT
 * to cmd_export_qdpx.c (qdpx, qdc) and cmd_export_teicorpus.c (teicorpus);
 * see docs/exports.md. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

enum { EXIT_USAGE = 2 };

const char sectag_export_usage[] =
    "Usage: sectag export qdpx [OPTIONS] OUTDIR -o PROJECT.qdpx\n"
    "       sectag export qdc [OPTIONS] CODEBOOK -o CODEBOOK.qdc\n"
    "       sectag export teicorpus [OPTIONS] OUTDIR -o CORPUS.xml\n"
    "\n"
    "Hand the coding of a `sectag code` run (its OUTDIR) to other tools:\n"
    "  qdpx        a REFI-QDA project (QDA-XML 1.0) for ATLAS.ti, MAXQDA, NVivo and\n"
    "              QualCoder: the texts, the codebook, and every match as a coded\n"
    "              selection, with speakers and groups as cases and sets\n"
    "  qdc         a REFI-QDA codebook (the codes only) from a codebook file\n"
    "  teicorpus   one TEI teiCorpus for TXM, the taxonomy once in its header, with\n"
    "              --words a <w> per token, and a metadata.csv next to it\n"
    "\n"
    "`sectag export FORMAT --help` shows a format's options. See docs/exports.md\n"
    "(REFI-QDA) and docs/teicorpus.md (TXM).\n";

int sectag_cli_export(int argc, char **argv) {
  if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
    fputs(sectag_export_usage, argc < 2 ? stderr : stdout);
    return argc < 2 ? EXIT_USAGE : 0;
  }
  const char *fmt = argv[1];
  if (strcmp(fmt, "qdpx") == 0) return sectag_cli_export_qdpx(argc - 1, argv + 1);
  if (strcmp(fmt, "qdc") == 0) return sectag_cli_export_qdc(argc - 1, argv + 1);
  if (strcmp(fmt, "teicorpus") == 0) return sectag_cli_export_teicorpus(argc - 1, argv + 1);
  fprintf(stderr,
          "sectag export: unknown format '%s'; the formats are qdpx, qdc and teicorpus\n"
          "Try 'sectag export --help'.\n",
          fmt);
  return EXIT_USAGE;
}
