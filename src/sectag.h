/* sectag.h: the public interface of libsectag.
 *
 * libsectag codes political discourse: it reads speech texts, tokenizes them
 * with their original byte offsets, matches the regex rules of a codebook
 * against a normalized "shadow" of the text, and renders the annotated
 * document as TEI-XML and tidy CSV tables.
 *
 * Conventions (the same in every module):
 *  - Every function and type starts with sectag_ / SECTAG_.
 *  - Objects are opaque; create them with *_new / *_load / *_read and free
 *    them with the matching *_free. Passing NULL to any *_free is a no-op.
 *  - The library never prints and never exits. A function that can fail
 *    takes a `sectag_error *err` and fills it in: a status code, a message a
 *    researcher can act on, and where known the file, line and column.
 *    Clear it with sectag_error_clear() before reuse.
 *  - Strings are UTF-8. Text is passed with an explicit length, because a
 *    corpus file may contain NUL bytes.
 *  - Offsets are byte offsets into the original file, 0-based, half-open
 *    [start, end). Lines and columns are 1-based; columns count bytes.
 */
#ifndef SECTAG_H
#define SECTAG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SECTAG_VERSION "0.1.0"
#define SECTAG_CODEBOOK_FORMAT 1 /* the `sectag:` version a codebook declares */

/* ---------------------------------------------------------------- errors */

typedef enum sectag_status {
  SECTAG_OK = 0,
  SECTAG_ERR_USAGE,    /* a bad option or argument */
  SECTAG_ERR_CODEBOOK, /* the codebook cannot be read, parsed or compiled */
  SECTAG_ERR_INPUT,    /* a document cannot be read or decoded */
  SECTAG_ERR_MATCH,    /* a rule failed on a document (match limit, ...) */
  SECTAG_ERR_OUTPUT,   /* an output cannot be written */
  SECTAG_WARNING       /* not an error: something the researcher should know */
} sectag_status;

typedef struct sectag_error {
  sectag_status code;
  char *message;      /* owned; what went wrong and what to do, one line */
  char *path;         /* owned or NULL: the file concerned */
  unsigned long line; /* 1-based, 0 when unknown */
  unsigned long col;  /* 1-based byte column, 0 when unknown */
  char *detail;       /* owned or NULL: more lines, e.g. a pattern and a caret */
} sectag_error;

#define SECTAG_ERROR_INIT {SECTAG_OK, NULL, NULL, 0, 0, NULL}

/* Frees what the error owns and resets it to SECTAG_OK. */
void sectag_error_clear(sectag_error *err);

/* Formats an error as "PATH:LINE:COL: MESSAGE\nDETAIL" (the parts that are
 * known). Returns an owned string; free it with free(). */
char *sectag_error_format(const sectag_error *err);

/* -------------------------------------------------------------- codebook */

typedef enum sectag_polarity {
  SECTAG_NEUTRAL = 0,
  SECTAG_SECURITIZING,
  SECTAG_DESECURITIZING
} sectag_polarity;

/* "securitizing", "desecuritizing" or "neutral". Static string. */
const char *sectag_polarity_name(sectag_polarity p);

typedef struct sectag_codebook sectag_codebook;

/* Reads and validates a YAML codebook (see docs/codebook-format.md).
 * Returns an owned codebook, or NULL with err set (code SECTAG_ERR_CODEBOOK,
 * with path, line and column of the offending YAML node). */
sectag_codebook *sectag_codebook_load(const char *path, sectag_error *err);
/* The same, from a string in memory; `path` is only used in messages. */
sectag_codebook *sectag_codebook_parse(const char *yaml, size_t len, const char *path,
                                       sectag_error *err);
void sectag_codebook_free(sectag_codebook *cb);

const char *sectag_codebook_name(const sectag_codebook *cb);
size_t sectag_codebook_code_count(const sectag_codebook *cb);
size_t sectag_codebook_rule_count(const sectag_codebook *cb);
/* Code i, in file order: its dotted id, label and effective polarity. */
const char *sectag_codebook_code_id(const sectag_codebook *cb, size_t i);
const char *sectag_codebook_code_label(const sectag_codebook *cb, size_t i);
sectag_polarity sectag_codebook_code_polarity(const sectag_codebook *cb, size_t i);

/* --------------------------------------------------------------- matcher */

typedef struct sectag_matcher sectag_matcher;

/* Compiles every rule of the codebook (PCRE2, JIT where available). The
 * matcher borrows cb: keep cb alive until the matcher is freed. Returns NULL
 * with err set (SECTAG_ERR_CODEBOOK; detail holds the pattern and a caret)
 * when a pattern is invalid. */
sectag_matcher *sectag_matcher_new(const sectag_codebook *cb, sectag_error *err);
void sectag_matcher_free(sectag_matcher *m);
/* Warnings about rules that compile but cannot work as the author meant
 * (an upper-case letter in a pattern never matches case-folded text). The
 * errors belong to the matcher. */
size_t sectag_matcher_warning_count(const sectag_matcher *m);
const sectag_error *sectag_matcher_warning(const sectag_matcher *m, size_t i);

/* -------------------------------------------------------------- document */

typedef struct sectag_doc sectag_doc;

/* Reads a plain-text document (UTF-8; a BOM is dropped; LF, CRLF and CR line
 * endings are accepted). doc_id names it in every output. Returns an owned
 * document, or NULL with err set (SECTAG_ERR_INPUT: invalid UTF-8, NUL
 * bytes, unreadable or too large). */
sectag_doc *sectag_doc_read(const char *path, const char *doc_id, sectag_error *err);
/* The same, from bytes in memory (copied). path may be NULL. */
sectag_doc *sectag_doc_from_bytes(const char *bytes, size_t len, const char *doc_id,
                                  const char *path, sectag_error *err);
void sectag_doc_free(sectag_doc *doc);

/* Tokenizes the document and builds its normalized shadow text. With
 * strip_accents, combining marks are removed from the shadow (but ñ is kept:
 * it is a letter of its own). Called by sectag_doc_code(); exposed for tests
 * and for tools that only need tokens. */
void sectag_doc_tokenize(sectag_doc *doc, int strip_accents);

/* Tokenizes (if needed) and matches the codebook. Returns 0, or -1 with err
 * set (SECTAG_ERR_MATCH, naming the rule) when a rule hit the PCRE2 match
 * limit; the document then has no matches. */
int sectag_doc_code(sectag_doc *doc, const sectag_matcher *m, sectag_error *err);

/* Warnings collected while reading or rendering the document (for example
 * characters that XML forbids). The array belongs to the document. */
size_t sectag_doc_warning_count(const sectag_doc *doc);
const sectag_error *sectag_doc_warning(const sectag_doc *doc, size_t i);

/* --- read-only access to the annotated document (for renderers, tests) --- */

typedef enum sectag_token_kind {
  SECTAG_TOKEN_WORD = 1, /* letters, marks, digits (with internal ' - . ,) */
  SECTAG_TOKEN_PUNCT = 2 /* anything else that is not white space */
} sectag_token_kind;

typedef struct sectag_token {
  size_t start, end;   /* original bytes */
  size_t nstart, nend; /* bytes of the shadow text */
  uint32_t sentence;   /* index of its sentence */
  sectag_token_kind kind;
} sectag_token;

/* A sentence or a paragraph. For a sentence, [first, last) are token
 * indexes; for a paragraph, they are sentence indexes. */
typedef struct sectag_span {
  size_t start, end;        /* original bytes */
  size_t first, last;
} sectag_span;

typedef struct sectag_match {
  size_t start, end;       /* original bytes */
  size_t nstart, nend;     /* shadow bytes */
  size_t first_tok, end_tok; /* tokens [first_tok, end_tok); equal when it
                                covers no whole token (partial rules) */
  uint32_t code;           /* index of the code */
  uint32_t rule;           /* index of the rule */
  uint32_t sentence;       /* sentence of the first token */
  uint32_t end_sentence;   /* sentence of the last token */
} sectag_match;

const char *sectag_doc_id(const sectag_doc *doc);
const char *sectag_doc_path(const sectag_doc *doc);     /* may be NULL */
const char *sectag_doc_text(const sectag_doc *doc, size_t *len); /* original */
const char *sectag_doc_shadow(const sectag_doc *doc, size_t *len);
size_t sectag_doc_token_count(const sectag_doc *doc);
const sectag_token *sectag_doc_tokens(const sectag_doc *doc);
size_t sectag_doc_word_count(const sectag_doc *doc);
size_t sectag_doc_sentence_count(const sectag_doc *doc);
const sectag_span *sectag_doc_sentences(const sectag_doc *doc);
size_t sectag_doc_paragraph_count(const sectag_doc *doc);
const sectag_span *sectag_doc_paragraphs(const sectag_doc *doc);
size_t sectag_doc_match_count(const sectag_doc *doc);
const sectag_match *sectag_doc_matches(const sectag_doc *doc);
/* Structure found by the reader (see docs/corpora.md). Strings may be NULL
 * (title, date, group, role); they belong to the document. */
const char *sectag_doc_title(const sectag_doc *doc);
const char *sectag_doc_date(const sectag_doc *doc);   /* ISO 8601 */
const char *sectag_doc_group(const sectag_doc *doc);
const char *sectag_doc_format(const sectag_doc *doc); /* "txt", "md", "html"... */
size_t sectag_doc_speaker_count(const sectag_doc *doc);
const char *sectag_doc_speaker_id(const sectag_doc *doc, size_t i);
const char *sectag_doc_speaker_role(const sectag_doc *doc, size_t i);
const char *sectag_doc_speaker_label(const sectag_doc *doc, size_t i);
size_t sectag_doc_turn_count(const sectag_doc *doc);
/* Turn i: its text [*start, *end) in original bytes and its speaker index. */
void sectag_doc_turn(const sectag_doc *doc, size_t i, size_t *start, size_t *end,
                     size_t *speaker);
/* The speaker index of token i, or -1 outside every turn. */
long sectag_doc_token_speaker(const sectag_doc *doc, size_t i);
/* Original byte offset of a shadow offset (rounding a shadow offset inside
 * one original character to that character's start). */
size_t sectag_doc_orig_offset(const sectag_doc *doc, size_t shadow_off);
/* 1-based line and byte column of an original offset. */
void sectag_doc_line_col(const sectag_doc *doc, size_t off, unsigned long *line,
                         unsigned long *col);

/* ---------------------------------------------------------------- running */

/* One `sectag code` run: paths in, OUTDIR out. See docs/sectag.1. */
/* The tables of a run, in the order they are written (codes.csv,
 * terms.csv, matches.csv, documents.csv, speakers.csv). */
enum {
  SECTAG_TABLE_CODES,
  SECTAG_TABLE_TERMS,
  SECTAG_TABLE_MATCHES,
  SECTAG_TABLE_DOCUMENTS,
  SECTAG_TABLE_SPEAKERS,
  SECTAG_TABLE_COUNT
};

typedef struct sectag_code_options {
  const char *codebook_path;
  const char *outdir;
  const char *const *paths;
  size_t npaths;
  /* Inputs and metadata (see docs/corpora.md). All may be NULL / 0. */
  const char *manifest;        /* --manifest FILE.csv */
  const char *name_pattern;    /* --meta-from-name '{date}_{speaker}.txt' */
  const char *text_field;      /* --text-field (JSONL/CSV records) */
  const char *id_field;        /* --id-field */
  const char *encoding;        /* --encoding latin1|cp1252|...; NULL: UTF-8 */
  const char *periods;         /* --periods FILE.tsv: date -> group */
  const char *group_field;     /* --group-field KEY: group from a metadata column */
  /* Speakers (see docs/corpora.md). */
  const char *speaker_pattern; /* --speaker-pattern REGEX; NULL: the default */
  const char *speakers_table;  /* --speakers FILE.tsv */
  const char *const *speaker_ids; /* --speaker ID (repeatable) */
  size_t nspeaker_ids;
  const char *const *roles;    /* --role ROLE (repeatable) */
  size_t nroles;
  int no_speakers;             /* --no-speakers: do not split turns */
  /* Outputs and speed (see docs/performance.md). */
  int no_tei;                  /* --no-tei: write no TEI files */
  unsigned tables;             /* bit SECTAG_TABLE_*: tables to write; 0: all five */
  size_t jobs;                 /* --jobs N: worker threads; 0: one per processor.
                                  Outputs are the same for every N. */
  /* Called for every warning and every per-document error as it happens
   * (the library itself never prints). May be NULL. */
  void (*report)(void *userdata, const sectag_error *e);
  /* Called after each document: done of total, with the document's id. */
  void (*progress)(void *userdata, size_t done, size_t total, const char *doc_id);
  /* Asked before each document and before the tables are renamed into
   * place: nonzero stops the run, which then ends like an output error
   * (SECTAG_ERR_OUTPUT; no table is written, no temporary file is left; TEI
   * files of documents coded before stay, complete). The library never
   * handles signals itself: the CLI's SIGINT/SIGTERM handler sets a flag this
   * callback reads. A single huge document is not interrupted. May be NULL. */
  int (*cancelled)(void *userdata);
  void *userdata;
} sectag_code_options;

typedef struct sectag_code_summary {
  size_t documents, failed, skipped; /* skipped: binary files (a warning) */
  size_t speakers_docs;              /* documents with speaker turns */
  size_t tokens, words, sentences, bytes;
  size_t matches[3]; /* by sectag_polarity */
  double seconds;
  size_t tables_written; /* tables put into place (after an output error:
                            fewer than tables_wanted) */
  size_t tables_wanted;  /* tables asked for (opt->tables) */
} sectag_code_summary;

/* Runs the whole job. Returns SECTAG_OK when every document was coded;
 * SECTAG_ERR_INPUT / SECTAG_ERR_MATCH when some documents failed (they were
 * reported, the others written); or a fatal status (codebook, output, usage)
 * with err set, in which case nothing was written. */
sectag_status sectag_code_run(const sectag_code_options *opt, sectag_code_summary *sum,
                              sectag_error *err);

#ifdef __cplusplus
}
#endif
#endif
