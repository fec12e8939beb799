/* check.h: `sectag check` as a library call. Checks a codebook against
 * itself: it must load and compile (as for `sectag code`), every example
 * must be coded with its code, and no counterexample may be.
 *
 * An example is coded with code X when, run as a one-document corpus through
 * the matcher `sectag code` uses (so the overlap policy and the context
 * rules apply), it gets a match of X or of a code below X. A counterexample
 * fails when it gets such a match; the failure names the rule.
 *
 * Warnings (the checks still pass):
 *  - the matcher's own (an upper-case letter in a pattern, ...);
 *  - a part of a pattern that can never match the normalized text: two
 *    spaces in a row, \n \t \r \f \v \R or a literal line break or tab, or an
 *    escaped character (\x{e9}, \x41) that normalization changes (accents
 *    stripped, case folded), outside character classes;
 *  - two rules with the same pattern after normalization (NFC, accents
 *    stripped when the codebook is accent-insensitive), in one code or in
 *    two; the warning is at the second and names the first;
 *  - an example matched by rules of both polarities (securitizing and
 *    desecuritizing) at overlapping places, when every rule runs and every
 *    match is kept (overlap: all); `overlap: longest` may resolve it on
 *    purpose ("se acabó la guerra" beats "guerra"), so it is a warning;
 *  - a code with rules but without examples, or without counterexamples.
 *
 * Positions: a rule's warning is at the rule's line and column; an
 * example's result is at the line of its string in the YAML (column 0, so
 * it formats as FILE:LINE). codebook.c does not keep the examples'
 * positions, so this module re-reads the YAML events to find them.
 *
 * Ownership: a result owns its items; free it with sectag_check_result_free().
 * The library never prints: cmd_check.c formats the items. */
#ifndef SECTAG_CHECK_H
#define SECTAG_CHECK_H

#include <stddef.h>

#include "sectag.h"

typedef enum sectag_check_kind {
  SECTAG_CHECK_PASSED = 0, /* an example coded, a counterexample not coded */
  SECTAG_CHECK_FAILED,     /* the opposite, or the text could not be coded */
  SECTAG_CHECK_WARNING     /* not a failure unless the caller is strict */
} sectag_check_kind;

typedef struct sectag_check_item {
  sectag_check_kind kind;
  /* The message with its place. e.code is SECTAG_OK for a passed check,
   * SECTAG_ERR_MATCH for a failed one and SECTAG_WARNING for a warning, so
   * sectag_error_format() gives "FILE:LINE: code X: example "..."",
   * "FILE:LINE: code X: example "..." not matched" or "FILE:LINE:COL:
   * warning: ...". e.detail holds indented lines that explain a failure or
   * a warning (the rule's pattern, what matched), or NULL. Quoted texts are
   * escaped like C strings (\" \\ \n \t) so that a message is one line. */
  sectag_error e;
} sectag_check_item;

typedef struct sectag_check_result {
  sectag_check_item *items; /* in file order: by line, then column */
  size_t nitems;
  size_t ncodes, nrules;
  size_t nexamples, ncounterexamples; /* checked */
  size_t nfailed;   /* items of kind SECTAG_CHECK_FAILED */
  size_t nwarnings; /* items of kind SECTAG_CHECK_WARNING */
} sectag_check_result;

/* Loads the codebook at path and checks it. Returns 0 with *res filled
 * (whether or not the checks passed), or -1 with err set (SECTAG_ERR_CODEBOOK,
 * the message `sectag code` gives) and *res empty when the codebook does not
 * load or a rule does not compile. */
int sectag_check_codebook(const char *path, sectag_check_result *res, sectag_error *err);

/* The same for a codebook in memory; path is only used in messages. */
int sectag_check_parse(const char *yaml, size_t len, const char *path,
                       sectag_check_result *res, sectag_error *err);

/* Frees what the result owns and empties it. NULL is a no-op. */
void sectag_check_result_free(sectag_check_result *res);

#endif
