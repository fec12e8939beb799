/* report.h: the HTML report of a coded OUTDIR (library part of `sectag
 * report`; cmd_report.c parses options and prints).
 *
 * One self-contained HTML file: inline CSS and inline SVG, no script, and
 * nothing fetched from a network. It is written with libxml2's
 * xmlTextWriter (so every string from the data is escaped by the library)
 * and shows, from OUTDIR/documents.csv, codes.csv, matches.csv,
 * speakers.csv, terms.csv and tei/DOC_ID.xml:
 *
 *  - corpus totals: documents, words, matches by polarity, groups,
 *    speakers, date range;
 *  - a bar chart of securitizing and desecuritizing matches per 10,000
 *    words by group (the numbers of `sectag compare --balance`: matches.csv
 *    rows under their code's polarity, over the group's words);
 *  - a time series per code (matches per 10,000 words, codes.csv counts,
 *    which include sub-codes) by year, or by month when the dated
 *    documents span at most 36 months;
 *  - per group: its most frequent codes, and its key terms (signed
 *    log-likelihood G2 of terms.csv counts, the group against all the
 *    others, computed by sectag_compare_run; only with two groups or more);
 *  - KWIC tables per code (matches.csv rows, keyword highlighted);
 *  - the text of the first documents (documents.csv order), rebuilt from
 *    the TEI with sectag_tei_doc_load, matches highlighted in their
 *    polarity's colour and line style, code and rule in the title.
 *
 * The same OUTDIR and options give byte-identical HTML: nothing in it
 * comes from the clock, the host or the order of a hash table.
 * docs/report.md describes every part and how it is computed.
 *
 * Ownership: the options are borrowed; sectag_report_build appends to a
 * buffer the caller owns. */
#ifndef SECTAG_REPORT_H
#define SECTAG_REPORT_H

#include <stddef.h>

#include "buf.h"
#include "sectag.h"

#define SECTAG_REPORT_KWIC_LIMIT 20 /* KWIC rows per code */
#define SECTAG_REPORT_DOCS 5        /* documents in the document view */
#define SECTAG_REPORT_DOC_BYTES 100000 /* bytes of text per document shown */
#define SECTAG_REPORT_TOP 10        /* codes and key terms per group */

typedef struct sectag_report_options {
  const char *outdir;
  const char *title;     /* the page's title; NULL: "sectag report" */
  size_t kwic_limit;     /* KWIC rows per code; 0 = all */
  size_t docs;           /* documents shown in full; 0 = all */
  size_t doc_bytes;      /* a longer text is cut there (at a character
                            boundary); 0 = never cut */
  size_t top;            /* codes and key terms listed per group; 0 = all */
  const char *stopwords; /* a stopword file for the key terms (resolve a
                            list name with sectag_stopwords_path); NULL: none */
  size_t min_freq;       /* key terms: f_group + f_rest >= min_freq; 0 = 1 */
  /* Called for warnings and for each TEI file that cannot be read (the
   * library never prints). May be NULL. */
  void (*report)(void *userdata, const sectag_error *e);
  void *userdata;
} sectag_report_options;

typedef struct sectag_report_summary {
  size_t documents; /* rows of documents.csv */
  size_t shown;     /* documents in the document view */
  size_t failed;    /* of those, TEI files that could not be read (the
                       page says so where the text would be) */
} sectag_report_summary;

/* Builds the HTML into *html. Returns 0 (the summary says whether TEI files
 * failed), or -1 with err and nothing appended:
 *   SECTAG_ERR_USAGE   OUTDIR is not a folder sectag code wrote (a table or
 *                      the tei folder is missing), a table lacks a column;
 *   SECTAG_ERR_INPUT   a table does not parse (FILE:LINE:COL);
 *   SECTAG_ERR_OUTPUT  the HTML writer failed. */
int sectag_report_build(const sectag_report_options *opt, sectag_buf *html,
                        sectag_report_summary *sum, sectag_error *err);

/* sectag_report_build, then writes path atomically (output.h: a temporary
 * file renamed into place; nothing is left behind on failure). Same
 * returns, plus SECTAG_ERR_OUTPUT when path cannot be written. */
int sectag_report_write(const sectag_report_options *opt, const char *path,
                        sectag_report_summary *sum, sectag_error *err);

#endif
