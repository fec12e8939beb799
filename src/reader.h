/* reader.h: the reader table. A reader turns the bytes of one source (a
 * file, or one record of a JSONL/CSV corpus) into a sectag_doc: the text to
 * code (UTF-8), plus structure (title, date, speaker turns, hidden parts).
 *
 * Adding a format is one new reader_FORMAT.c with one sectag_reader and a
 * line in the table in reader.c.
 *
 * What the document's text is:
 *  - txt, md: the file's own bytes. Markup that is not prose (a Markdown
 *    title, a date line, an image, a speaker label) stays in the text but is
 *    marked hidden, so offsets are offsets into the source file.
 *  - html, tei: the text the reader extracted (block elements separated by a
 *    blank line). Offsets are offsets into that text, which is exactly the
 *    text of the TEI body sectag writes.
 *  - jsonl, csv records: the value of the text field.
 */
#ifndef SECTAG_READER_H
#define SECTAG_READER_H

#include <stddef.h>

#include "document.h"
#include "sectag.h"

struct sectag_speakers;

/* What every reader may need. */
typedef struct sectag_read_ctx {
  const struct sectag_speakers *speakers; /* label pattern, alias table and
                                             filter; NULL: no turns */
  const char *encoding; /* --encoding, or NULL. Text formats are converted
                           before parsing; HTML uses it when the page
                           declares no charset; XML declares its own */
} sectag_read_ctx;

typedef struct sectag_reader {
  const char *name; /* "txt", "md", "html", "tei" */
  /* Lower-case file name endings, with the dot, NULL-terminated. */
  const char *const *extensions;
  /* Fills doc (doc_id and path are set, text is not) from src[0..len),
   * which is UTF-8 (converted already if --encoding was given, not yet
   * validated). Sets doc->format. Returns 0, or -1 with err
   * (SECTAG_ERR_INPUT, with line and column in the source where known). */
  int (*parse)(sectag_doc *doc, const char *src, size_t len, const sectag_read_ctx *ctx,
               sectag_error *err);
} sectag_reader;

extern const sectag_reader sectag_reader_txt;
extern const sectag_reader sectag_reader_md;
extern const sectag_reader sectag_reader_html;
extern const sectag_reader sectag_reader_tei;

/* The reader for a file name (by its ending, case-insensitive), or NULL. */
const sectag_reader *sectag_reader_for_path(const char *path);
/* The reader with this name, or NULL. */
const sectag_reader *sectag_reader_by_name(const char *name);
/* Whether a folder walk takes this file name (a reader or a record corpus
 * claims its ending). */
int sectag_reader_wanted(const char *name);

/* Loads one document: reads the file at path (or takes text[0..text_len)
 * when text is not NULL: a record of a JSONL/CSV corpus, read as plain
 * text), converts it from `encoding` (NULL: UTF-8), chooses the reader (by
 * `format` if not NULL, else by the path's ending; txt when none claims
 * it) and parses. Returns an owned document, or NULL with err: a binary
 * file gives err->code == SECTAG_WARNING (skip it, it is not a failure);
 * anything else is SECTAG_ERR_INPUT or SECTAG_ERR_USAGE. */
sectag_doc *sectag_doc_load(const char *path, const char *doc_id, const char *format,
                            const char *text, size_t text_len, const char *encoding,
                            const sectag_read_ctx *ctx, sectag_error *err);

/* For readers that hand the bytes to libxml2 (an int length): 0 when len
 * is within SECTAG_MAX_DOC_BYTES and INT_MAX, else -1 with err. */
int sectag_reader_check_size(const char *where, size_t len, sectag_error *err);

/* Shared by the text-like readers (txt, md, html and records): splits
 * doc->text into speaker turns at labels found at line starts, from byte
 * `from` on, skipping hidden ranges (labels become hidden ranges). Does
 * nothing when ctx->speakers is NULL. A text with a single label (a
 * salutation such as "GENTLEMEN OF THE CONGRESS:") gets no turns unless the
 * speaker table names that label. Text before the first label belongs to
 * the speaker "unknown". */
void sectag_reader_split_turns(sectag_doc *doc, size_t from, const sectag_read_ctx *ctx);

#endif
