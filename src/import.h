/* import.h: dictionaries of other programs read into one tree of categories
 * (sectag_dict), then written as a sectag codebook (internal; used by
 * `sectag import`, cmd_import.c).
 *
 * Formats: LIWC .dic, quanteda YAML, Yoshikoder .ykd, Lexicoder .lc3 and
 * WordStat .cat (docs/import.md says what each keeps and skips). Every
 * reader builds the same tree: categories with a name (as written), a code
 * id (the name slugged, with the parent's id and a dot in front), a parent
 * and a list of entries. An entry is a glob on whole words (`*` any
 * characters, `?` one character); a space separates the words of a
 * phrase. Entries are case-folded (NFC) when read; duplicates are dropped.
 *
 * What a reader skips (LIWC conditional entries, WordStat macros, ...) is
 * kept as a warning with the file, line and what was skipped; the library
 * never prints.
 *
 * Ownership: sectag_dict_read/parse return an owned tree; free it with
 * sectag_dict_free() (NULL is a no-op). Strings in it are owned by it. */
#ifndef SECTAG_IMPORT_H
#define SECTAG_IMPORT_H

#include <stddef.h>

#include "buf.h"
#include "sectag.h"

typedef enum sectag_dict_format {
  SECTAG_DICT_UNKNOWN = 0,
  SECTAG_DICT_LIWC,       /* .dic */
  SECTAG_DICT_QUANTEDA,   /* .yml, .yaml */
  SECTAG_DICT_YOSHIKODER, /* .ykd */
  SECTAG_DICT_LEXICODER,  /* .lc3 */
  SECTAG_DICT_WORDSTAT    /* .cat */
} sectag_dict_format;

typedef struct sectag_dict_cat {
  char *name;       /* as written; white space runs made one space */
  char *id;         /* the code id, e.g. "security.threat" */
  long parent;      /* index of the parent category, -1 at the top */
  char **entries;   /* globs, case-folded, in file order, no duplicates */
  size_t nentries;
  size_t cap;
  sectag_polarity polarity; /* given with sectag_dict_set_polarity() */
  int polarity_set;
  unsigned long line; /* where the category is declared (0 = unknown) */
} sectag_dict_cat;

typedef struct sectag_dict {
  char *path;               /* as given */
  sectag_dict_format format;
  sectag_dict_cat *cats;    /* a parent comes before its children */
  size_t ncats;
  sectag_error *warnings;   /* SECTAG_WARNING, with path and line */
  size_t nwarnings;
} sectag_dict;

/* "liwc", "quanteda", "yoshikoder", "lexicoder", "wordstat" -> the format,
 * or SECTAG_DICT_UNKNOWN. */
sectag_dict_format sectag_dict_format_named(const char *name);
/* The format a file name's extension says (case-insensitive), or
 * SECTAG_DICT_UNKNOWN. */
sectag_dict_format sectag_dict_format_of_path(const char *path);
/* A format's name for people: "LIWC", "quanteda YAML", ... */
const char *sectag_dict_format_title(sectag_dict_format f);

/* Reads and parses a dictionary file. encoding: NULL or "utf-8" for UTF-8,
 * else any name iconv knows (not for Yoshikoder files, whose XML
 * declaration names their encoding). Returns the tree, or NULL with err:
 * SECTAG_ERR_USAGE when the file cannot be read or the encoding is
 * unknown; SECTAG_ERR_INPUT when the file is malformed (path, line and,
 * where it helps, column, and what to do). */
sectag_dict *sectag_dict_read(const char *path, sectag_dict_format format,
                              const char *encoding, sectag_error *err);
/* The same from bytes already in memory (UTF-8, or the XML's own encoding
 * for Yoshikoder). path is used in messages only. */
sectag_dict *sectag_dict_parse(const char *bytes, size_t len, const char *path,
                               sectag_dict_format format, sectag_error *err);
void sectag_dict_free(sectag_dict *d);

/* Gives the category KEY (a code id, else a category name as written) the
 * polarity VALUE (securitizing, desecuritizing or neutral); its
 * sub-categories inherit it. Returns 0, or -1 with err (SECTAG_ERR_USAGE:
 * unknown category, naming the top-level ids, or unknown value). */
int sectag_dict_set_polarity(sectag_dict *d, const char *key, const char *value,
                             sectag_error *err);
/* After every sectag_dict_set_polarity(): a sub-category may not be given a
 * polarity other than that of an ancestor that is securitizing or
 * desecuritizing (the ancestor counts its matches). Returns 0, or -1 with
 * err (SECTAG_ERR_USAGE). */
int sectag_dict_check_polarity(const sectag_dict *d, sectag_error *err);

typedef struct sectag_dict_yaml_options {
  const char *name;  /* the codebook's `name:` (required) */
  const char *file;  /* the file name shown in `description:` */
  int accents_sensitive; /* `accents: sensitive`; default insensitive */
} sectag_dict_yaml_options;

typedef struct sectag_dict_yaml_stats {
  size_t codes;     /* codes written */
  size_t entries;   /* `words:` entries written */
  size_t redundant; /* entries left out because a broader entry of the same
                       category or of a sub-category already finds them */
  size_t doubled;   /* entries written that a broader entry of an ancestor
                       finds too, so that the ancestor counts such a word
                       twice; the first one (pointers into the dict): */
  const char *doubled_entry, *doubled_code, *doubled_parent;
} sectag_dict_yaml_stats;

/* Appends the codebook to out: `sectag: 1`, name, description, accents,
 * `overlap: all` (every entry counts, as in a dictionary), then one code per
 * category in tree order with its label (the name), its polarity when
 * securitizing or desecuritizing, and its entries. An entry is left out
 * when a broader (or equal) entry of the same category, or of one of its
 * sub-categories, finds every word it finds, so that no word is counted
 * twice for one code (a parent counts its sub-categories' matches).
 * stats may be NULL. */
void sectag_dict_to_yaml(const sectag_dict *d, const sectag_dict_yaml_options *opt,
                         sectag_buf *out, sectag_dict_yaml_stats *stats);

/* The slug of a category name as one code id segment: accents removed,
 * lower case, characters other than a-z, 0-9, '_' and '-' made '_' (runs of
 * them one '_', none at either end); "category" when nothing is left; a
 * "c_" prefix when it would start with a digit, '-' or be a reserved id
 * (s1, m2). Returns an owned string. */
char *sectag_dict_slug(const char *name);

#endif
