/* expand.h: rules confirmed by comparing bytes instead of running PCRE2.
 *
 * Most codebook rules describe a short, finite list of strings:
 * `guerras?`, `enem(?:y|ies)`, `mano\s+dura`, `(?:the\s+)?war`,
 * `utili[sz]ed`, often followed by a `\w*` tail (`terroris\w*`). For such a
 * pattern sectag_expand_new lists the strings in the order PCRE2's
 * backtracking tries them. At a candidate start found by the prefilter,
 * sectag_expand_at then gives exactly what PCRE2 would give for the wrapped
 * pattern `(?C1)(?:P)(?C2)` of match.c, tried at that start alone: the first
 * string, in that order, that the text holds there and whose end the
 * caller's end check (the token-boundary callout) accepts.
 *
 * The answer is a guarantee or nothing: where the text is not plain enough
 * to be sure (white space other than one ASCII space, a non-ASCII byte where
 * `\s` or `\w` is asked), it answers SECTAG_EXPAND_UNSURE and the caller runs
 * PCRE2 as before. Patterns the reader does not fully understand get no
 * expansion at all. */
#ifndef SECTAG_EXPAND_H
#define SECTAG_EXPAND_H

#include <stddef.h>

typedef struct sectag_expand sectag_expand;

enum { SECTAG_EXPAND_UNSURE = -1, SECTAG_EXPAND_NOMATCH = 0, SECTAG_EXPAND_MATCH = 1 };

/* The expansion of PATTERN (as compiled by match.c: UTF, UCP, no flags), or
 * NULL when it has none (not finite, too many strings, or a construct this
 * reader does not know). */
sectag_expand *sectag_expand_new(const char *pattern, size_t len);
void sectag_expand_free(sectag_expand *x);

/* How many strings the expansion lists, and string i in a readable form:
 * `\s` for one white-space character, `\s+` for a run, and `\w*` or `\w+`
 * after it for a tail (for tests; free it). */
size_t sectag_expand_count(const sectag_expand *x);
char *sectag_expand_describe(const sectag_expand *x, size_t i);

/* Whether a match [start, end) is acceptable (the end callout). */
typedef int (*sectag_expand_accept)(size_t start, size_t end, void *ctx);

/* Tries the expansion at text[start] (a character boundary of valid UTF-8).
 * Returns SECTAG_EXPAND_MATCH with *end set, SECTAG_EXPAND_NOMATCH, or
 * SECTAG_EXPAND_UNSURE. */
int sectag_expand_at(const sectag_expand *x, const char *text, size_t len, size_t start,
                     sectag_expand_accept accept, void *ctx, size_t *end);

#endif
