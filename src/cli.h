/* cli.h: the subcommands of the sectag command line other than `code`.
 * main.c dispatches to them; like main.c, these files (cmd_*.c) are the
 * only code that prints to the terminal or chooses an exit status, and they
 * are compiled into the executable, not the library. Each returns the exit
 * status: 0 success; 1 some input failed; 2 usage error; 4 output error. */
#ifndef SECTAG_CLI_H
#define SECTAG_CLI_H

#include "sectag.h"

/* argv[0] is the subcommand's name ("compare", "kwic"). */
int sectag_cli_compare(int argc, char **argv);
int sectag_cli_kwic(int argc, char **argv);
int sectag_cli_import(int argc, char **argv);
/* `sectag check CODEBOOK...`: exit 0 every check passed; 1 an example or
 * counterexample failed (or --strict and a warning); 2 usage; 3 a codebook
 * does not load or compile; 4 the report cannot be written. */
int sectag_cli_check(int argc, char **argv);

/* `sectag export FORMAT ...`: coded corpora for other tools (cmd_export.c
 * dispatches on FORMAT). */
int sectag_cli_export(int argc, char **argv);
/* `sectag export qdpx OUTDIR -o project.qdpx` (cmd_export_qdpx.c) */
int sectag_cli_export_qdpx(int argc, char **argv);
/* `sectag export qdc CODEBOOK -o codebook.qdc` (cmd_export_qdpx.c) */
int sectag_cli_export_qdc(int argc, char **argv);
/* `sectag export teicorpus OUTDIR -o corpus.xml` (cmd_export_teicorpus.c) */
int sectag_cli_export_teicorpus(int argc, char **argv);

/* `sectag report OUTDIR -o report.html` (cmd_report.c) */
int sectag_cli_report(int argc, char **argv);

/* The stop-word file that `--stopwords NAME` means (es, en or a path; owned):
 * looked for in $SECTAG_STOPWORDS_DIR, next to the executable (a build
 * folder's ../corpora/stopwords, an install's ../share/sectag/stopwords),
 * then ./corpora/stopwords. NULL with err when there is none. Defined in
 * cmd_compare.c; `sectag report` uses it too. */
char *sectag_cli_stopwords_path(const char *name, sectag_error *err);

/* The usage texts, for `sectag help compare` and `sectag help kwic`. */
extern const char sectag_compare_usage[];
extern const char sectag_kwic_usage[];
extern const char sectag_import_usage[];
extern const char sectag_check_usage[]; /* `sectag help check` */
extern const char sectag_export_usage[]; /* `sectag help export` */
extern const char sectag_report_usage[]; /* `sectag help report` */

#endif
