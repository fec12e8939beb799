/* render.h: renderers. They only read the annotated document (plus the
 * codebook for names); they never tokenize or match. Output goes into a
 * buffer; the caller writes it atomically. */
#ifndef SECTAG_RENDER_H
#define SECTAG_RENDER_H

#include "buf.h"
#include "codebook.h"
#include "document.h"

/* TEI P5 (valid against tei_all.rng). Adds a warning to the document when
 * characters that XML 1.0 forbids had to be replaced by U+FFFD. Returns 0, or
 * -1 with err set if libxml2 failed. */
int sectag_render_tei(sectag_doc *doc, const sectag_codebook *cb, sectag_buf *out,
                      sectag_error *err);

/* What the TEI files of one codebook share (its categories), rendered once
 * so that a run does not write them again for every document: 4,000 rules
 * in a few hundred codes made the taxonomy a tenth of the run. NULL when
 * libxml2 failed (then sectag_render_tei_shared writes them itself). */
typedef struct sectag_tei_shared sectag_tei_shared;
sectag_tei_shared *sectag_tei_shared_new(const sectag_codebook *cb);
void sectag_tei_shared_free(sectag_tei_shared *sh);
/* sectag_render_tei with the shared part made by sectag_tei_shared_new for
 * the same codebook (or NULL): the same bytes, faster. */
int sectag_render_tei_shared(sectag_doc *doc, const sectag_codebook *cb,
                             const sectag_tei_shared *shared, sectag_buf *out,
                             sectag_error *err);

/* CSV (RFC 4180: CRLF line ends, fields quoted when they hold a comma, a
 * quote, CR or LF). A header, then the rows of one document at a time.
 *
 * Every table starts with doc_id,date,group, then (all but speakers.csv)
 * speaker, then the run's metadata columns; doc->meta holds the values of a
 * document in that order. Rows of codes and terms are per document x speaker
 * (speaker empty when the document has no turns). */
/* SECTAG_TABLE_CODES... are in sectag.h. */
extern const char *const sectag_table_names[SECTAG_TABLE_COUNT];

typedef struct sectag_columns {
  char *const *keys; /* metadata column names (not date or group) */
  size_t nkeys;
} sectag_columns;

void sectag_csv_field(sectag_buf *out, const char *s, size_t len);
/* n per 10,000 words with 4 decimals, as printf("%.4f") writes it, or "NA"
 * for no words; returns the length (NUL-terminated). */
size_t sectag_per_10k(char buf[48], size_t n, size_t words);
void sectag_csv_header(sectag_buf *out, int table, const sectag_columns *cols);
void sectag_csv_codes(const sectag_doc *doc, const sectag_codebook *cb, sectag_buf *out);
void sectag_csv_terms(const sectag_doc *doc, sectag_buf *out);
void sectag_csv_matches(const sectag_doc *doc, const sectag_codebook *cb, sectag_buf *out);
/* The same rows; the left and right contexts are cut from a one-line copy
 * of the text (flat_context 1), or each is made by a scan of its tokens
 * (0), or whichever is faster for the document (-1, what
 * sectag_csv_matches does). For tests, which compare the two. */
void sectag_csv_matches_how(const sectag_doc *doc, const sectag_codebook *cb, sectag_buf *out,
                            int flat_context);
void sectag_csv_documents(const sectag_doc *doc, const sectag_codebook *cb, sectag_buf *out);
/* One row per speaker of a document with turns (none otherwise). */
void sectag_csv_speakers(const sectag_doc *doc, const sectag_codebook *cb, sectag_buf *out);

/* Matches per polarity in a document (each match counted under its code's
 * polarity). */
void sectag_doc_polarity_counts(const sectag_doc *doc, const sectag_codebook *cb,
                                size_t counts[3]);

#endif
