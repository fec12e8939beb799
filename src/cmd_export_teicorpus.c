/* cmd_export_teicorpus.c: `sectag export teicorpus`.
 * (Being written: see issue 8.) */
#include <stdio.h>

#include "cli.h"

int sectag_cli_export_teicorpus(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fputs("sectag export teicorpus: not available yet\n", stderr);
  return 2;
}
