/* corpus.h: which documents a run reads, and their metadata. Turns the PATHs
 * of the command line (and a manifest) into a sorted list of inputs. It reads
 * no document text, except that a record corpus (JSONL, CSV) is one file that
 * holds many documents: each record becomes an input that carries its text.
 *
 * Metadata columns: every input has one value (or NULL) per corpus key. Keys
 * come, in this order, from the manifest's header (after its first column),
 * from the --meta-from-name pattern's fields, then from record fields, each
 * key once. The keys `date` and `group` are special: run.c takes them as the
 * document's date and group (see date.h), and they are not repeated among
 * the other columns. */
#ifndef SECTAG_CORPUS_H
#define SECTAG_CORPUS_H

#include <stddef.h>

#include "sectag.h"

typedef struct sectag_input {
  char *path;   /* as found: the PATH given, joined with the relative path;
                   for a record, the corpus file */
  char *doc_id; /* relative path below the directory given, without extension;
                   for a file given directly, its name without extension; for
                   a record, the id field or FILE-STEM/N (N = 1-based record
                   number) */
  const char *format; /* NULL: the reader is chosen by the path's ending;
                         "jsonl"/"csv" for a record */
  char *text;         /* a record's text field (owned, may be invalid UTF-8:
                         the reader checks), else NULL */
  size_t text_len;
  unsigned long line; /* a record's line in its file (1-based), else 0 */
  char **values;      /* nkeys entries, owned, NULL = no value */
} sectag_input;

typedef struct sectag_corpus {
  sectag_input *inputs;
  size_t n;
  char **keys; /* metadata column names, owned */
  size_t nkeys;
} sectag_corpus;

typedef struct sectag_corpus_options {
  const char *manifest;     /* --manifest FILE.csv, or NULL */
  const char *name_pattern; /* --meta-from-name '{date}_{speaker}.md', or NULL */
  const char *text_field;   /* records: --text-field (default "text") */
  const char *id_field;     /* records: --id-field (default "id") */
  const char *encoding;     /* --encoding, or NULL for UTF-8; record corpus
                               files are converted with it too */
} sectag_corpus_options;

/* Walks every PATH (a file, or a directory searched recursively for the
 * endings a reader claims -- .txt .md .markdown .html .htm .xml .jsonl
 * .ndjson -- hidden entries skipped, symlinks followed, loops detected), in
 * sorted order; expands record corpora (.jsonl/.ndjson anywhere; .csv only
 * when named directly as a PATH or in the manifest) into one input per
 * record; applies the manifest and the name pattern. With a manifest and no
 * PATHs, the manifest lists the documents.
 *
 * Non-fatal problems go to report() and are counted in *nproblems (warnings
 * are reported but not counted): a directory loop, an unreadable folder, a
 * doc_id used twice, a record line that does not parse (line and field
 * named), a manifest row naming a missing file. Returns 0, or -1 with err
 * (SECTAG_ERR_USAGE) when a PATH does not exist, or the manifest cannot be
 * read or is malformed, or the name pattern is malformed. */
int sectag_corpus_collect(sectag_corpus *c, const char *const *paths, size_t npaths,
                          const sectag_corpus_options *opt,
                          void (*report)(void *, const sectag_error *), void *userdata,
                          size_t *nproblems, sectag_error *err);
void sectag_corpus_free(sectag_corpus *c);

#endif
