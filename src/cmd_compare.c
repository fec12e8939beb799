/* cmd_compare.c: `sectag compare` (being written). */
#include "cli.h"

const char sectag_compare_usage[] = "Usage: sectag compare [OPTIONS] OUTDIR...\n";
int sectag_cli_compare(int argc, char **argv) {
  (void)argc;
  (void)argv;
  return 2;
}
