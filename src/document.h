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

/* A speaker of a transcript. Speakers are per document, in order of first
 * appearance. */
typedef struct sectag_speaker {
  char *id;     /* from the alias table, else a slug of the label ("unknown"
                   for text before the first label) */
  char *label;  /* the label as first seen, e.g. "PRESIDENTE ANDRÉS MANUEL
                   LÓPEZ OBRADOR"; "" for unknown */
  char *role;   /* from the alias table, or NULL */
  int selected; /* coded and counted (--speaker / --role); 1 when no filter */
  int unknown;  /* the text before the first label (a TEI personGrp) */
} sectag_speaker;

/* A speaker turn: [start, end) of the text (after the label), original
 * bytes. Turns are sorted and do not overlap. */
typedef struct sectag_turn {
  size_t start, end;
  uint32_t speaker;    /* index into speakers */
} sectag_turn;

/* A part of the text that is kept in the source but never tokenized, coded
 * or counted: a speaker label, a Markdown title or date line, an image. */
typedef enum sectag_hidden_kind {
  SECTAG_HIDDEN_LABEL = 1,
  SECTAG_HIDDEN_TITLE,
  SECTAG_HIDDEN_DATE,
  SECTAG_HIDDEN_IMAGE,
  SECTAG_HIDDEN_MARKUP /* other markup (e.g. a Markdown rule line) */
} sectag_hidden_kind;

typedef struct sectag_hidden {
  size_t start, end;   /* original bytes */
  sectag_hidden_kind kind;
} sectag_hidden;

/* Metadata of one document, as (key, value) pairs; the run decides the
 * column order (see corpus.h). */
typedef struct sectag_kv {
  char *key;
  char *value;
} sectag_kv;

struct sectag_doc {
  char *doc_id;
  char *path;          /* may be NULL */
  const char *format;  /* reader name: "txt", "md", "html", "tei", "jsonl",
                          "csv"; static */
  char *title;         /* owned or NULL: from the source (Markdown #, HTML
                          <title>, TEI titleStmt) */
  char *date;          /* owned or NULL: ISO 8601 (YYYY-MM-DD, YYYY-MM or
                          YYYY) */
  char *group;         /* owned or NULL: e.g. the administration */
  char *speaker;       /* owned or NULL: the speaker of the whole document,
                          from a `speaker` metadata column; it speaks the
                          text outside every turn */
  sectag_kv *meta;     /* owned: further metadata (manifest, file name, JSON
                          fields), in the run's column order */
  size_t nmeta;

  sectag_speaker *speakers; /* owned; empty when the text has no turns */
  size_t nspeakers;
  sectag_turn *turns;       /* owned, sorted */
  size_t nturns;
  sectag_hidden *hidden;    /* owned, sorted, not overlapping */
  size_t nhidden;
  int filtered;             /* a speaker filter is set: text outside every
                               turn is not counted */

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
  size_t nwords;       /* all word tokens */
  size_t ncounted;     /* word tokens of selected speakers (= nwords when no
                          speaker filter is set) */
  uint32_t *tok_turn;  /* ntokens entries when nturns > 0: the turn of each
                          token; NULL otherwise */
  size_t *barriers;    /* shadow offsets where a turn starts; a match never
                          crosses one */
  size_t nbarriers;
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

/* ---- building a document (readers) ---- */

/* Reads a whole regular file (at most SECTAG_MAX_DOC_BYTES). Returns 0 with
 * an owned, NUL-terminated *bytes, or -1 with err (SECTAG_ERR_INPUT). */
int sectag_read_file(const char *path, char **bytes, size_t *len, sectag_error *err);

/* A new document with no text yet (readers then call sectag_doc_set_text). */
sectag_doc *sectag_doc_new(const char *doc_id, const char *path);
/* Takes the text (UTF-8, validated here: NUL bytes and invalid UTF-8 are
 * errors with line and column), drops a BOM and indexes the lines. bytes is
 * copied. Returns 0 or -1 with err (SECTAG_ERR_INPUT). */
int sectag_doc_set_text(sectag_doc *doc, const char *bytes, size_t len, sectag_error *err);
/* Marks [start, end) hidden (see sectag_hidden), keeping the ranges sorted.
 * Returns 0, or -1 (and adds nothing) when the range is empty, out of the
 * text or overlaps a hidden range. */
int sectag_doc_hide(sectag_doc *doc, size_t start, size_t end, sectag_hidden_kind kind);
/* Adds n hidden ranges, sorted by start, in one pass; a range that is empty
 * or overlaps another is left out. */
void sectag_doc_hide_all(sectag_doc *doc, const sectag_hidden *r, size_t n);
/* Whether original offset off is inside a hidden range. */
int sectag_doc_is_hidden(const sectag_doc *doc, size_t off);
/* Adds a turn of the speaker with this index (see speakers.h for how a label
 * becomes a speaker). Turns must be added in order. */
void sectag_doc_add_turn(sectag_doc *doc, size_t start, size_t end, uint32_t speaker);
/* Sets or replaces a string field (title, date, group): *field = copy of s
 * (NULL clears). */
void sectag_doc_set_str(char **field, const char *s);
/* The first token whose original end is after off (ntokens if none). */
size_t sectag_doc_token_after(const sectag_doc *d, size_t off);
/* The turn holding original offset off, or -1. */
long sectag_doc_turn_at(const sectag_doc *doc, size_t off);
/* Whether token i is counted (its speaker is selected, or there is no
 * filter). */
int sectag_doc_token_counted(const sectag_doc *doc, size_t i);

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
