/* report.c: the HTML report of a coded OUTDIR (library part). Being written: issue 8. */
#include "report.h"
typedef int S_being_written;
