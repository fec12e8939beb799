/* cmd_export_qdpx.c: `sectag export qdpx` and `sectag export qdc`.
 * (Being written: see issue 8.) */
#include <stdio.h>

#include "cli.h"

int sectag_cli_export_qdpx(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fputs("sectag export qdpx: not available yet\n", stderr);
  return 2;
}

int sectag_cli_export_qdc(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fputs("sectag export qdc: not available yet\n", stderr);
  return 2;
}
