/* corpus.h: which documents a run reads. Turns the PATHs of the command line
 * into a sorted list of (path, doc_id); never parses text. */
#ifndef SECTAG_CORPUS_H
#define SECTAG_CORPUS_H

#include <stddef.h>

#include "sectag.h"

typedef struct sectag_input {
  char *path;   /* as found: the PATH given, joined with the relative path */
  char *doc_id; /* relative path below the directory given, without extension;
                   for a file given directly, its name without extension */
} sectag_input;

typedef struct sectag_corpus {
  sectag_input *inputs;
  size_t n;
} sectag_corpus;

/* Walks every PATH (a file, or a directory searched recursively for *.txt
 * and *.md, hidden entries skipped, symlinks followed, loops detected), in
 * sorted order. Non-fatal problems (a directory loop, an unreadable folder, a
 * doc_id used twice) go to report(). Returns 0, or -1 with err when a PATH
 * does not exist (SECTAG_ERR_USAGE). */
int sectag_corpus_collect(sectag_corpus *c, const char *const *paths, size_t npaths,
                          void (*report)(void *, const sectag_error *), void *userdata,
                          size_t *nproblems, sectag_error *err);
void sectag_corpus_free(sectag_corpus *c);

#endif
