/* cmd_kwic.c: `sectag kwic` (being written). */
#include "cli.h"

const char sectag_kwic_usage[] = "Usage: sectag kwic [OPTIONS] OUTDIR (--code CODE | --pattern REGEX)\n";
int sectag_cli_kwic(int argc, char **argv) {
  (void)argc;
  (void)argv;
  return 2;
}
