/* kwic.h: concordance lines (keyword in context) from an OUTDIR of
 * `sectag code` (library part of `sectag kwic`; cmd_kwic.c prints).
 *
 * Where the lines come from. OUTDIR/documents.csv lists the documents (in
 * doc_id order) with their date; OUTDIR/tei/DOC_ID.xml holds each one's
 * text. The TEI body holds every byte of the document's text, hidden text
 * (labels, titles, images) included as <note>, so the text is rebuilt from
 * it byte for byte, with its hidden ranges (<note type>) and speaker turns
 * (<u who>), and tokenized exactly as `sectag code` tokenized it. Then:
 *
 *  - --code CODE: the lines are the TEI's stand-off matches (<span ana>)
 *    of CODE and its sub-codes (CODE.*), located through the <seg xml:id>
 *    or the pair of <anchor>s they point to; the same matches, with the
 *    same offsets, as the rows of matches.csv;
 *  - --pattern REGEX: a one-code codebook is built in memory and matched
 *    against each rebuilt document, so the regex sees the shadow text that
 *    codebook rules see (lower case, accents stripped unless
 *    accents_sensitive, token boundaries, turns as barriers, hidden text
 *    never matched).
 *
 * Each line gives the match's original text (the keyword), up to `window`
 * tokens of context on each side within the match's speaker turn, and the
 * document's id, date and the turn's speaker.
 *
 * Two differences between the TEI body and the source are known: a UTF-8
 * byte-order mark is not in the TEI, and characters that XML forbids (C0
 * controls but tab and line ends, U+FFFE, U+FFFF) were written as U+FFFD.
 * When the source file named in documents.csv (txt or md) is still there
 * and differs only there, its bytes are used; otherwise offsets are 3 bytes
 * lower than matches.csv's after a BOM and 2 bytes higher after each C0
 * control character.
 *
 * Ownership: sectag_kwic_run fills a sectag_kwic that owns every line and
 * string; free it with sectag_kwic_free. sectag_tei_doc_load fills a
 * sectag_tei_doc that owns its document, spans and codes; free it with
 * sectag_tei_doc_free. Both are no-ops on a zeroed struct. */
#ifndef SECTAG_KWIC_H
#define SECTAG_KWIC_H

#include <libxml/tree.h>
#include <stddef.h>

#include "csvread.h"
#include "document.h"
#include "sectag.h"

/* ------------------------------------------- a document rebuilt from TEI */

/* One stand-off match of a TEI file: <span ana="#CODE" n="RULE">. */
typedef struct sectag_tei_span {
  size_t start, end; /* original bytes of the rebuilt text */
  char *code;        /* @ana without '#' */
  char *rule;        /* @n, or NULL */
} sectag_tei_span;

typedef struct sectag_tei_doc {
  sectag_doc *doc;        /* text, hidden ranges, speakers and turns; not
                             tokenized yet */
  sectag_tei_span *spans; /* in file order (the order of matches.csv) */
  size_t nspans;
  char **codes;           /* the codebook taxonomy's category ids, in file order */
  size_t ncodes;
  size_t unresolved;      /* spans whose target or anchors are missing (left out) */
} sectag_tei_doc;

/* Reads a TEI file that `sectag code` wrote and rebuilds the document.
 * source (may be NULL): the bytes of the source file. When the rebuilt text
 * equals them but for a leading UTF-8 BOM and U+FFFD where the source has a
 * character XML forbids, the document's text is the source's bytes, and
 * every position (hidden ranges, turns, spans) is moved to match, so that
 * offsets are those of matches.csv. Otherwise the rebuilt text is used.
 * Returns 0, or -1 with err (SECTAG_ERR_INPUT, naming path) when the file
 * cannot be read, is not well-formed, has a DOCTYPE, or is not a TEI
 * document with a <body>. */
/* Parses the bytes of a TEI file of `sectag code` safely: no network, no
 * DTD (a DOCTYPE is refused before its internal subset is read, so no
 * entity is expanded), CDATA as text, blank text kept, libxml2's messages
 * captured (nothing printed). Returns the tree (free with xmlFreeDoc), or
 * NULL with err (SECTAG_ERR_INPUT: path, line and column, what to do). */
xmlDocPtr sectag_tei_parse(const char *path, const char *src, size_t len, sectag_error *err);
/* The same for the file at path (err from sectag_read_file when it cannot
 * be read). */
xmlDocPtr sectag_tei_parse_file(const char *path, sectag_error *err);

int sectag_tei_doc_load(sectag_tei_doc *t, const char *path, const char *doc_id,
                        const char *source, size_t source_len, sectag_error *err);
void sectag_tei_doc_free(sectag_tei_doc *t);

/* The bytes (owned; *len set) of the source file that row of an OUTDIR's
 * documents.csv names, when its format (column c_format) is txt or md,
 * whose bytes are the document's text; NULL when it is another format or
 * cannot be read (the TEI alone will do). For sectag_tei_doc_load. */
char *sectag_outdir_source(const sectag_table *docs, size_t row, long c_format, long c_path,
                           size_t *len);
/* Whether OUTDIR is one that sectag code wrote (a folder with
 * documents.csv and tei/). Returns 0, or -1 with err (SECTAG_ERR_USAGE)
 * saying what is missing; no_tei_hint (may be NULL) is added after "the
 * tei folder is missing". */
int sectag_outdir_check(const char *outdir, const char *no_tei_hint, sectag_error *err);
/* Whether a doc_id can name a file under OUTDIR/tei/: not empty, no
 * leading '/', no empty, "." or ".." part. */
int sectag_outdir_safe_id(const char *id);

/* --------------------------------------------------------- concordances */

typedef enum sectag_kwic_sort {
  SECTAG_KWIC_SORT_DOC = 0, /* documents.csv order, then position */
  SECTAG_KWIC_SORT_LEFT,    /* by the words to the left: 1L, 2L, ... */
  SECTAG_KWIC_SORT_RIGHT    /* by the words to the right: 1R, 2R, ... */
} sectag_kwic_sort;

#define SECTAG_KWIC_WINDOW_DEFAULT 8
#define SECTAG_KWIC_WINDOW_MAX 100

typedef struct sectag_kwic_options {
  const char *outdir;
  const char *code;      /* --code: a code and its sub-codes */
  const char *pattern;   /* --pattern: a regex (exactly one of code, pattern) */
  int accents_sensitive; /* --accents sensitive (pattern only) */
  size_t window;         /* tokens of context on each side, 1..100 */
  sectag_kwic_sort sort;
  size_t limit;          /* keep the first `limit` lines after sorting; 0: all */
  /* Called for warnings and for each document that cannot be read (the
   * library never prints). May be NULL. */
  void (*report)(void *userdata, const sectag_error *e);
  /* Called with each rebuilt, tokenized document (for tests and tools that
   * want the text). May be NULL. */
  void (*on_doc)(void *userdata, const sectag_doc *doc);
  void *userdata;
} sectag_kwic_options;

typedef struct sectag_kwic_line {
  const char *doc_id;  /* as in documents.csv */
  const char *date;    /* "" when the document has none */
  const char *speaker; /* the turn's speaker id; outside every turn the
                          documents.csv `speaker` value, usually "" */
  const char *code;    /* the match's code; "" for --pattern */
  size_t start, end;   /* original byte offsets of the keyword */
  const char *keyword; /* the original text [start, end), unchanged */
  const char *keyword_flat; /* the same with white-space runs as one space
                               and hidden text left out */
  const char *left;    /* up to `window` tokens before, one line */
  const char *right;   /* up to `window` tokens after, one line */
  size_t doc;          /* row of the document in documents.csv */
} sectag_kwic_line;

typedef struct sectag_kwic {
  sectag_kwic_line *lines;
  size_t nlines;
  size_t documents; /* documents read */
  size_t failed;    /* documents whose TEI file could not be read */
  /* internal */
  sectag_table table;
  char **strings;
  size_t nstrings, capstrings;
  size_t caplines;
} sectag_kwic;

/* Finds, sorts and limits the lines. Returns SECTAG_OK; SECTAG_ERR_INPUT
 * when some documents failed: a TEI file could not be read, or --pattern
 * hit a PCRE2 limit (each was reported, at most three of the latter by
 * name; the lines of the others are in k); or SECTAG_ERR_USAGE with err set and no lines: a bad
 * option, an OUTDIR that `sectag code` did not write, a code that is not in
 * the taxonomy, an invalid regex (detail: the pattern and a caret). */
sectag_status sectag_kwic_run(const sectag_kwic_options *opt, sectag_kwic *k,
                              sectag_error *err);
void sectag_kwic_free(sectag_kwic *k);

/* The YAML codebook that --pattern builds (owned; free with free()). */
char *sectag_kwic_pattern_codebook(const char *pattern, int accents_sensitive);

#endif
