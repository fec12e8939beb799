/* teicorpus.h: one TEI teiCorpus from an OUTDIR of `sectag code` (library
 * part of `sectag export teicorpus`; cmd_export_teicorpus.c prints).
 *
 * What is written (see docs/teicorpus.md):
 *
 *   <teiCorpus>
 *     <teiHeader>   the corpus: title, number of texts, sectag, and the
 *                   codebook taxonomy ONCE (the classDecl every TEI file of
 *                   OUTDIR/tei repeats), plus one taxonomy of every group
 *     <TEI xml:id="ID"> ... one per row of OUTDIR/documents.csv, in its
 *                   order: the TEI file of the document, its header
 *                   without encodingDesc (the taxonomy is the corpus's),
 *                   every xml:id prefixed "ID." and every pointer to it
 *                   (ana, target, from, to, who, corresp...) rewritten
 *
 * ID is the document's text id: its doc_id made an XML name (accents
 * stripped, characters other than ASCII letters, digits, '-' and '_'
 * replaced by '-', "doc-" before a leading digit or '-'), unique in the
 * corpus and never the first part of a category id ("-2", "-3"... on a
 * clash). It is also the `id` column of metadata.csv and, with split_dir,
 * the file name (TXM's text id is the file name without extension).
 *
 * With words, every word token of the body (sectag's tokenizer, as in
 * `sectag code`) becomes <w norm="SHADOW"> (its lower-case form, accents
 * stripped unless accents_sensitive: the form rules see), with
 * ana="#CODE ..." when it is inside matches (seg or anchor range), outer
 * codes first. Punctuation stays text. The body's text is unchanged. A
 * token that crosses an element boundary (a `partial` rule's match inside
 * a word) is left unwrapped and counted.
 *
 * Streaming: one TEI file is parsed, rewritten, written and freed at a
 * time. Outputs are atomic: written to temporary files and renamed into
 * place only when every document succeeded; on any error nothing is
 * written (and no temporary file is left).
 *
 * Ownership: the options are borrowed; the summary holds no pointers. */
#ifndef SECTAG_TEICORPUS_H
#define SECTAG_TEICORPUS_H

#include <stddef.h>

#include "sectag.h"

enum {
  SECTAG_TEICORPUS_ACCENTS_CODEBOOK = 0,
  SECTAG_TEICORPUS_ACCENTS_INSENSITIVE,
  SECTAG_TEICORPUS_ACCENTS_SENSITIVE
};

typedef struct sectag_teicorpus_options {
  const char *outdir;    /* a `sectag code` OUTDIR (documents.csv, tei/) */
  const char *output;    /* the corpus file (required) */
  const char *metadata;  /* metadata.csv; NULL: "metadata.csv" next to output */
  const char *split_dir; /* NULL, or a folder for one TEI file per text (each
                            with the taxonomy in its own header) and a
                            metadata.csv: TXM's XML-TEI Zero import */
  const char *title;     /* the corpus title; NULL: OUTDIR's base name */
  int words;             /* <w> per word token */
  int accents;           /* with words, whether @norm keeps accents:
                            SECTAG_TEICORPUS_ACCENTS_CODEBOOK (0) as the
                            codebook's accents: setting, which the TEI files
                            record (insensitive when they do not),
                            ..._INSENSITIVE or ..._SENSITIVE */
  /* Called for each document that fails (and for warnings). May be NULL:
   * the library never prints. */
  void (*report)(void *userdata, const sectag_error *e);
  void *userdata;
} sectag_teicorpus_options;

typedef struct sectag_teicorpus_summary {
  size_t documents; /* TEI elements written */
  size_t failed;    /* documents whose TEI file could not be used */
  size_t words;     /* <w> elements written */
  size_t unwrapped; /* word tokens left as text (crossing an element) */
} sectag_teicorpus_summary;

/* Writes the corpus, metadata.csv and (split_dir) the per-text files.
 * Returns SECTAG_OK; SECTAG_ERR_USAGE (err set, nothing written): not an
 * OUTDIR (folder, documents.csv or tei/ missing), documents.csv without
 * doc_id or without rows, a doc_id that is not a safe file name;
 * SECTAG_ERR_INPUT (nothing written): a TEI file is missing, is not
 * well-formed (FILE:LINE:COL), is not a TEI file of sectag code, or was
 * coded with another codebook than the first; each was reported, err sums
 * up; SECTAG_ERR_OUTPUT (nothing written): an output cannot be written. */
sectag_status sectag_teicorpus_export(const sectag_teicorpus_options *opt,
                                      sectag_teicorpus_summary *sum, sectag_error *err);

/* The text id of a doc_id (owned; free with free()) before the corpus
 * makes it unique: exposed for tests and tools. */
char *sectag_teicorpus_text_id(const char *doc_id);

#endif
