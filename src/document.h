/* document.h: the document model (internal). A reader fills in the original
 * bytes; the tokenizer adds tokens, sentences, paragraphs and the shadow text;
 * the matcher adds matches. Renderers only read it.
 *
 * Every offset is a byte offset into `text` (the original file bytes, BOM
 * included), so a researcher can cut a match out of the source file with the
 * numbers sectag prints. */
#ifndef SECTAG_DOCUMENT_H
#define SECTAG_DOCUMENT_H

#include <stddef.h>
#include <stdint.h>

#include "sectag.h"

/* Documents larger than this are refused with a clear error (offsets are
 * 32-bit inside the shadow map, and a single speech is never this large). */
#define SECTAG_MAX_DOC_BYTES ((size_t)1 << 30)

struct sectag_doc {
  char *doc_id;
  char *path;          /* may be NULL */
  char *text;          /* original bytes, owned, NUL-terminated for safety */
  size_t len;
  size_t body;         /* where the text starts: 3 after a UTF-8 BOM, else 0 */

  /* line starts (original offsets), for line/column look-ups */
  size_t *lines;
  size_t nlines;

  /* tokenizer output */
  int tokenized;
  int strip_accents;
  char *shadow;        /* normalized text, owned */
  size_t shadow_len;
  uint32_t *map;       /* shadow_len + 1 entries: original offset of each
                          shadow byte's source character; map[shadow_len] =
                          end of the last character */
  sectag_token *tokens;
  size_t ntokens;
  size_t nwords;
  sectag_span *sentences;
  size_t nsentences;
  sectag_span *paragraphs;
  size_t nparagraphs;
  unsigned char *bound; /* shadow_len + 1 flags: TOKEN_START / TOKEN_END */

  /* matcher output, sorted by (start, end, rule) */
  sectag_match *matches;
  size_t nmatches;

  /* warnings (reader, renderer) */
  sectag_error *warnings;
  size_t nwarnings;
};

#define SECTAG_BOUND_START 1
#define SECTAG_BOUND_END 2

/* Adds a warning to the document (formatted message, at original offset off,
 * or (size_t)-1 for none). */
/* Frees the tokenizer's results (shadow, map, tokens, sentences,
 * paragraphs, boundaries) and marks the document untokenized. */
void sectag_doc_clear_tokens(sectag_doc *doc);

void sectag_doc_warn(sectag_doc *doc, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Original offset of the end of a shadow range ending at shadow offset e
 * (rounded up to the end of the character it falls in). */
size_t sectag_doc_orig_end(const sectag_doc *doc, size_t e);

/* Normalizes text the way the shadow is built (NFC, case folding unless
 * !casefold, marks stripped when strip_accents but ñ kept, default-ignorable
 * code points dropped), appending to out. Whitespace is NOT collapsed here.
 * Used for patterns (casefold = 0) and by the tokenizer. The input must be
 * valid UTF-8. */
struct sectag_buf;
void sectag_normalize(const char *s, size_t len, int casefold, int strip_accents,
                      struct sectag_buf *out);

#endif
