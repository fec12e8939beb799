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

/* CSV (RFC 4180: CRLF line ends, fields quoted when they hold a comma, a
 * quote, CR or LF). Headers, then the rows of one document each. */
void sectag_csv_field(sectag_buf *out, const char *s, size_t len);
extern const char sectag_csv_codes_header[];
extern const char sectag_csv_terms_header[];
extern const char sectag_csv_matches_header[];
extern const char sectag_csv_documents_header[];
void sectag_csv_codes(const sectag_doc *doc, const sectag_codebook *cb, sectag_buf *out);
void sectag_csv_terms(const sectag_doc *doc, sectag_buf *out);
void sectag_csv_matches(const sectag_doc *doc, const sectag_codebook *cb, sectag_buf *out);
void sectag_csv_documents(const sectag_doc *doc, const sectag_codebook *cb, sectag_buf *out);

/* Matches per polarity in a document (each match counted under its code's
 * polarity). */
void sectag_doc_polarity_counts(const sectag_doc *doc, const sectag_codebook *cb,
                                size_t counts[3]);

#endif
