/* cmd_report.c: `sectag report OUTDIR -o report.html`.
 * (Being written: see issue 8.) */
#include <stdio.h>

#include "cli.h"

const char sectag_report_usage[] = "Usage: sectag report [OPTIONS] OUTDIR -o REPORT.html\n";

int sectag_cli_report(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fputs("sectag report: not available yet\n", stderr);
  return 2;
}
