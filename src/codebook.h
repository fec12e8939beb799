/* codebook.h: the parsed codebook (internal). Built by codebook.c from YAML,
 * read by match.c (rules), render_tei.c (taxonomy) and stats (roll-ups).
 *
 * Ownership: the codebook owns every string and array below; free it all
 * with sectag_codebook_free(). */
#ifndef SECTAG_CODEBOOK_H
#define SECTAG_CODEBOOK_H

#include <stddef.h>
#include <stdint.h>

#include "sectag.h"

/* A pattern of a context rule: a regex, or (code != NULL) "a match of this
 * code or of one of its sub-codes". */
typedef struct sectag_ctxpat {
  char *pattern;           /* NULL for a code reference */
  char *code;              /* the code id of {code: ID}, else NULL */
  long code_index;         /* resolved after parsing, -1 for a regex */
  unsigned long line, col; /* where it is in the file */
} sectag_ctxpat;

/* Context rules (`unless`, `near`, `window`) of a code or of one pattern.
 * A match is dropped when an `unless` pattern matches within the window
 * around it, and kept only if a `near` pattern (when there are any) matches
 * within the window. The window is `sentence` (the sentences the match
 * touches; the default) or `before`/`after` tokens around the match; it
 * never leaves the match's speaker turn. */
typedef struct sectag_context {
  sectag_ctxpat *unless;
  size_t nunless;
  sectag_ctxpat *near;
  size_t nnear;
  int sentence;            /* window: sentence */
  unsigned before, after;  /* window in tokens, when !sentence */
} sectag_context;

typedef struct sectag_rule {
  char *id;        /* explicit `id:`, or "CODE#N" (N = 1-based position of the
                      pattern within its code's `patterns` list) */
  char *pattern;   /* the PCRE2 pattern exactly as written in the YAML */
  size_t code;     /* index into codebook->codes */
  int partial;     /* `partial: true`: no token-boundary constraint */
  int words;       /* from `words:`: pattern is a glob phrase matched on whole
                      tokens ("amenaz*", "crimen organizado"), not a regex */
  long context;    /* index into codebook->contexts (the rule's own, else
                      its code's), or -1 */
  unsigned long line, col; /* where the pattern's scalar starts in the file */
} sectag_rule;

typedef struct sectag_code {
  char *id;          /* dotted id, e.g. "sec.war" */
  char *label;       /* `label:`, or the id when absent */
  char *definition;  /* NULL when absent */
  char *include;     /* qualitative notes, NULL when absent */
  char *exclude;
  char *source;
  sectag_polarity polarity; /* effective: own, else inherited, else neutral */
  int polarity_set;         /* 1 if the code itself declares `polarity:` */
  long parent;              /* index of the parent code, -1 for top level */
  int depth;                /* 0 for top level */
  char **examples;          /* `examples:` strings */
  size_t nexamples;
  char **counterexamples;
  size_t ncounterexamples;
  unsigned long line, col;  /* where the code's key is in the file */
  long context;             /* its `unless`/`near`/`window`, or -1 */
} sectag_code;

struct sectag_codebook {
  char *path;            /* as given to load, or the path passed to parse */
  int version;           /* `sectag:` (must be 1) */
  char *name;            /* `name:` (required) */
  char *language;        /* `language:` or NULL */
  char *description;     /* `description:` or NULL */
  int strip_accents;     /* `accents: insensitive` (the default) */
  int overlap_all;       /* `overlap: all`; default `longest` */
  sectag_code *codes;    /* in file order */
  size_t ncodes;
  sectag_rule *rules;    /* in file order: code by code, its patterns then its
                            words */
  size_t nrules;
  sectag_context *contexts; /* owned; referenced by index from codes and rules */
  size_t ncontexts;
};

/* Whether the word s[0..n) (no wildcards) matches the `words:` glob
 * g[0..gn): '*' any characters, '?' one (UTF-8) character. A '*' never
 * resumes inside a character. Used by the matcher and by `sectag import`. */
int sectag_glob_match(const char *g, size_t gn, const char *s, size_t n);

#endif
