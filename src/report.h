/* report.h: the HTML report of a coded OUTDIR. Being written: issue 8. */
#ifndef SECTAG_REPORT_H
#define SECTAG_REPORT_H
#endif
