/* prefilter.h: finding where a rule can match without running it
 * everywhere.
 *
 * For most codebook rules, every match starts with one of a few literal
 * strings: `guerra|guerras` with "guerra", `(?:war|fight)\s+on\s+drugs` with
 * "war" or "fight", `mano\s+dura` with "mano". sectag_regex_prefixes finds
 * such a set for a pattern, or says there is none (a pattern that may start
 * with \w, a class, a back-reference or a construct it does not know). The
 * analysis is conservative: a set it returns is a guarantee, never a guess.
 *
 * A sectag_prefilter holds the literals of every rule that has a set and
 * finds all their occurrences in a text in one pass (Vectorscan's literal
 * matcher, when sectag is built with it). Each occurrence is a candidate
 * start for the rules of that literal; match.c then runs each rule only at its
 * candidate starts, anchored, in order, which gives exactly the matches of a
 * scan of the whole text (see match.c). Rules without a set are scanned in
 * full, as before. */
#ifndef SECTAG_PREFILTER_H
#define SECTAG_PREFILTER_H

#include <stddef.h>
#include <stdint.h>

/* Literal strings (not NUL-terminated, bytes of the normalized pattern). */
typedef struct {
  char **s;
  size_t *len;
  size_t n;
} sectag_litset;

/* The set of literals one of which starts every match of PATTERN (as
 * compiled by match.c: UTF, UCP, no flags). Returns 1 and fills out (free
 * with sectag_litset_free), or 0 when no such set is known. */
int sectag_regex_prefixes(const char *pattern, size_t len, sectag_litset *out);
void sectag_litset_free(sectag_litset *ls);

typedef struct sectag_prefilter sectag_prefilter;

/* A candidate: rule `rule` may match starting at byte `pos`. */
typedef struct {
  size_t pos;
  uint32_t rule;
} sectag_cand_pos;

/* Whether this build can prefilter (built with Vectorscan and the CPU is
 * supported), and it is not switched off with SECTAG_NO_PREFILTER=1. */
int sectag_prefilter_available(void);

sectag_prefilter *sectag_prefilter_new(void);
/* Adds a literal whose occurrences are candidate starts of `rule`.
 * `anywhere`: the rule may start inside a token (a `partial: true` rule);
 * otherwise only occurrences at a token start are candidates (see
 * sectag_prefilter_scan). */
void sectag_prefilter_add(sectag_prefilter *pf, const char *lit, size_t len, uint32_t rule,
                          int anywhere);
/* Builds the matcher. Returns 0, or -1 (then the prefilter cannot be used:
 * scan every rule in full). */
int sectag_prefilter_compile(sectag_prefilter *pf);
/* All candidates in text[0, len), sorted by rule, then position, without
 * duplicates. With `starts` (len + 1 flags, bit `start_bit` set where a
 * token starts), an occurrence that is not at a token start is a candidate
 * only of the rules added with `anywhere`: most occurrences of a short
 * literal are inside other words. *out is reallocated as needed (free it).
 * Returns 0 or -1. */
int sectag_prefilter_scan(const sectag_prefilter *pf, const char *text, size_t len,
                          const unsigned char *starts, unsigned start_bit,
                          sectag_cand_pos **out, size_t *n, size_t *cap);
size_t sectag_prefilter_literal_count(const sectag_prefilter *pf);
void sectag_prefilter_free(sectag_prefilter *pf);

#endif
