/* codebook.c: reads a YAML codebook (docs/codebook-format.md) into the
 * struct of codebook.h and validates it.
 *
 * It walks libyaml's event stream with a small recursive descent (no
 * document tree): anchors and aliases are refused, so an "anchor bomb"
 * cannot blow up, and every node type is checked as soon as its first event
 * arrives, so nesting never goes deeper than the format itself (5 levels).
 * Every error names the file, the 1-based line and byte column of the
 * offending node, what is wrong and what to write instead. */
#include "codebook.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "buf.h"
#include "error.h"

#define MAX_DEPTH 16                      /* safety net; the format needs 5 */
#define MAX_FILE_SIZE (64UL * 1024 * 1024) /* codebooks are small text files */

static const char *const S_top_keys[] = {"sectag",  "name",    "language", "description",
                                         "accents", "overlap", "codes"};
enum { TOP_SECTAG, TOP_NAME, TOP_LANGUAGE, TOP_DESCRIPTION, TOP_ACCENTS, TOP_OVERLAP,
       TOP_CODES, TOP_NKEYS };

static const char *const S_code_keys[] = {
    "label",    "polarity", "definition",      "include", "exclude", "source", "patterns",
    "examples", "counterexamples", "words",    "unless",  "near",    "window"};
enum { CODE_LABEL, CODE_POLARITY, CODE_DEFINITION, CODE_INCLUDE, CODE_EXCLUDE, CODE_SOURCE,
       CODE_PATTERNS, CODE_EXAMPLES, CODE_COUNTEREXAMPLES, CODE_WORDS, CODE_UNLESS, CODE_NEAR,
       CODE_WINDOW, CODE_NKEYS };

static const char *const S_rule_keys[] = {"id", "pattern", "partial", "unless", "near",
                                          "window"};
enum { RULE_ID, RULE_PATTERN, RULE_PARTIAL, RULE_UNLESS, RULE_NEAR, RULE_WINDOW, RULE_NKEYS };

/* ------------------------------------------------------------ id sets */

/* An open-addressing hash set of strings owned elsewhere (code and rule
 * ids, which are heap strings that do not move when their arrays grow). */
typedef struct S_slot {
  const char *key;
  size_t idx;
} S_slot;

typedef struct S_set {
  S_slot *slots;
  size_t cap, n;
} S_set;

static size_t S_hash(const char *s) {
  size_t h = 14695981039346656037ULL & (size_t)-1;
  for (; *s; ++s) h = (h ^ (unsigned char)*s) * (size_t)1099511628211ULL;
  return h;
}

/* Returns the index stored for key, or (size_t)-1. */
static size_t S_set_find(const S_set *set, const char *key) {
  if (!set->cap) return (size_t)-1;
  size_t i = S_hash(key) & (set->cap - 1);
  while (set->slots[i].key) {
    if (strcmp(set->slots[i].key, key) == 0) return set->slots[i].idx;
    i = (i + 1) & (set->cap - 1);
  }
  return (size_t)-1;
}

static void S_set_add(S_set *set, const char *key, size_t idx) {
  if ((set->n + 1) * 2 > set->cap) {
    size_t ncap = set->cap ? set->cap * 2 : 64;
    S_slot *ns = sectag_xcalloc(ncap, sizeof *ns);
    for (size_t j = 0; j < set->cap; ++j) {
      if (!set->slots[j].key) continue;
      size_t i = S_hash(set->slots[j].key) & (ncap - 1);
      while (ns[i].key) i = (i + 1) & (ncap - 1);
      ns[i] = set->slots[j];
    }
    free(set->slots);
    set->slots = ns;
    set->cap = ncap;
  }
  size_t i = S_hash(key) & (set->cap - 1);
  while (set->slots[i].key) i = (i + 1) & (set->cap - 1);
  set->slots[i].key = key;
  set->slots[i].idx = idx;
  ++set->n;
}

static void S_set_free(S_set *set) {
  free(set->slots);
  set->slots = NULL;
  set->cap = set->n = 0;
}

/* ------------------------------------------------------------- parser */

typedef struct S_pos {
  unsigned long line, col; /* 1-based; byte column */
} S_pos;

typedef struct S_parser {
  yaml_parser_t yp;
  yaml_event_t ev;
  int have_ev;
  int depth;
  const unsigned char *input;
  size_t len;
  const char *path;
  sectag_error *err;
  int failed;
  sectag_codebook *cb;
  size_t codes_cap, rules_cap;
  S_set code_ids, rule_ids;
  S_pos *rule_id_pos; /* where each rule's id was given (parallel to rules) */
  /* character index -> byte position cache (marks mostly move forward) */
  size_t c_index, c_byte, c_line_start;
  unsigned long c_line;
} S_parser;

static void S_fail(S_parser *p, S_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void S_fail(S_parser *p, S_pos pos, const char *fmt, ...) {
  if (p->failed) return;
  p->failed = 1;
  sectag_buf b = SECTAG_BUF_INIT;
  va_list ap;
  va_start(ap, fmt);
  sectag_buf_vprintf(&b, fmt, ap);
  va_end(ap);
  sectag_error_set(p->err, SECTAG_ERR_CODEBOOK, p->path, pos.line, pos.col, "%s",
                   sectag_buf_cstr(&b));
  sectag_buf_free(&b);
}

/* The line and byte column of a byte offset into the input. Lines end at
 * LF, CRLF or CR. */
static S_pos S_pos_of_byte(const S_parser *p, size_t off) {
  unsigned long line = 1;
  size_t start = 0;
  if (off > p->len) off = p->len;
  for (size_t i = 0; i < off; ++i) {
    unsigned char c = p->input[i];
    if (c == '\n' || (c == '\r' && !(i + 1 < p->len && p->input[i + 1] == '\n'))) {
      ++line;
      start = i + 1;
    }
  }
  S_pos pos = {line, (unsigned long)(off - start) + 1};
  return pos;
}

/* libyaml marks count characters (mark.index); sectag reports byte columns
 * and counts lines the way editors do, so walk the (valid UTF-8) input. */
static S_pos S_pos_of_mark(S_parser *p, yaml_mark_t m) {
  if (m.index < p->c_index) {
    p->c_index = p->c_byte = p->c_line_start = 0;
    p->c_line = 1;
  }
  while (p->c_index < m.index && p->c_byte < p->len) {
    size_t i = p->c_byte;
    unsigned char c = p->input[i++];
    while (i < p->len && (p->input[i] & 0xC0) == 0x80) ++i;
    if (c == '\n' || (c == '\r' && !(i < p->len && p->input[i] == '\n'))) {
      ++p->c_line;
      p->c_line_start = i;
    }
    p->c_byte = i;
    ++p->c_index;
  }
  S_pos pos = {p->c_line, (unsigned long)(p->c_byte - p->c_line_start) + 1};
  return pos;
}

static S_pos S_here(S_parser *p) { return S_pos_of_mark(p, p->ev.start_mark); }

static void S_yaml_error(S_parser *p) {
  yaml_parser_t *yp = &p->yp;
  const char *problem = yp->problem ? yp->problem : "unknown error";
  if (yp->error == YAML_READER_ERROR) {
    S_pos pos = S_pos_of_byte(p, yp->problem_offset);
    if (strcmp(problem, "control characters are not allowed") == 0) {
      if (yp->problem_value == 0)
        S_fail(p, pos,
               "the codebook contains a NUL byte; a codebook must be a UTF-8 text file");
      else
        S_fail(p, pos,
               "the codebook contains the control character 0x%02X; a codebook must be "
               "a UTF-8 text file",
               (unsigned)yp->problem_value);
    } else if (yp->problem_value >= 0) {
      S_fail(p, pos, "invalid UTF-8 in codebook: %s (0x%02X); save the file as UTF-8",
             problem, (unsigned)yp->problem_value);
    } else {
      S_fail(p, pos, "invalid UTF-8 in codebook: %s; save the file as UTF-8", problem);
    }
  } else if (yp->error == YAML_MEMORY_ERROR) {
    S_pos none = {0, 0};
    S_fail(p, none, "out of memory while reading the codebook");
  } else {
    S_pos pos = S_pos_of_mark(p, yp->problem_mark);
    /* the two mistakes codebook authors make most, with what to do */
    const char *hint = "";
    size_t at = p->c_byte; /* set by S_pos_of_mark */
    if (strstr(problem, "mapping values are not allowed"))
      hint = "; quote a value that contains \": \" (source: \"Buzan (1998): Security\") "
             "and line a key up with the keys beside it";
    else if (at < p->len && p->input[at] == '\t')
      hint = "; YAML does not allow tabs for indentation: indent with spaces";
    if (yp->context)
      S_fail(p, pos, "YAML syntax error: %s (%s)%s", problem, yp->context, hint);
    else
      S_fail(p, pos, "YAML syntax error: %s%s", problem, hint);
  }
}

/* Fetches the next event into p->ev. Refuses anchors, aliases and nesting
 * beyond MAX_DEPTH. Returns 0, or -1 with the error set. */
static int S_next(S_parser *p) {
  if (p->have_ev) {
    yaml_event_delete(&p->ev);
    p->have_ev = 0;
  }
  if (!yaml_parser_parse(&p->yp, &p->ev)) {
    S_yaml_error(p);
    return -1;
  }
  p->have_ev = 1;
  const yaml_char_t *anchor = NULL;
  switch (p->ev.type) {
  case YAML_ALIAS_EVENT:
    S_fail(p, S_here(p), "anchors and aliases (&name, *name) are not supported in codebooks");
    return -1;
  case YAML_SCALAR_EVENT: anchor = p->ev.data.scalar.anchor; break;
  case YAML_SEQUENCE_START_EVENT: anchor = p->ev.data.sequence_start.anchor; break;
  case YAML_MAPPING_START_EVENT: anchor = p->ev.data.mapping_start.anchor; break;
  default: break;
  }
  if (anchor) {
    S_fail(p, S_here(p), "anchors and aliases (&name, *name) are not supported in codebooks");
    return -1;
  }
  if (p->ev.type == YAML_SEQUENCE_START_EVENT || p->ev.type == YAML_MAPPING_START_EVENT) {
    if (++p->depth > MAX_DEPTH) {
      S_fail(p, S_here(p), "YAML nesting is too deep (more than %d levels)", MAX_DEPTH);
      return -1;
    }
  } else if (p->ev.type == YAML_SEQUENCE_END_EVENT || p->ev.type == YAML_MAPPING_END_EVENT) {
    --p->depth;
  }
  return 0;
}

static int S_is_scalar(const S_parser *p) { return p->ev.type == YAML_SCALAR_EVENT; }

/* An empty plain scalar: what `key:` with nothing after it gives. The only
 * "null" a codebook knows (`~` and `null` are ordinary strings). */
static int S_is_null(const S_parser *p) {
  return p->ev.type == YAML_SCALAR_EVENT && p->ev.data.scalar.length == 0 &&
         p->ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

static const char *S_scalar(const S_parser *p) { return (const char *)p->ev.data.scalar.value; }

/* Position for a complaint about a value: the value itself, or the key when
 * the value is empty (libyaml places an empty value after the colon). */
static S_pos S_value_pos(S_parser *p, S_pos key) { return S_is_null(p) ? key : S_here(p); }

/* Copies the current scalar. Scalars with an escaped NUL ("\0") are refused:
 * they would be cut short as C strings. */
static int S_take_scalar(S_parser *p, char **dst) {
  const char *v = S_scalar(p);
  size_t n = p->ev.data.scalar.length;
  if (memchr(v, '\0', n)) {
    S_fail(p, S_here(p), "a string in a codebook cannot contain a NUL character (\\0)");
    return -1;
  }
  *dst = sectag_xstrndup(v, n);
  return 0;
}

/* Optimal string alignment distance (edits and transpositions), for
 * "did you mean". Only called for short strings. */
static size_t S_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  size_t d[33][33];
  if (la > 32 || lb > 32) return (size_t)-1;
  for (size_t i = 0; i <= la; ++i) d[i][0] = i;
  for (size_t j = 0; j <= lb; ++j) d[0][j] = j;
  for (size_t i = 1; i <= la; ++i) {
    for (size_t j = 1; j <= lb; ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      size_t v = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
      if (d[i - 1][j - 1] + cost < v) v = d[i - 1][j - 1] + cost;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
          d[i - 2][j - 2] + 1 < v)
        v = d[i - 2][j - 2] + 1;
      d[i][j] = v;
    }
  }
  return d[la][lb];
}

static int S_key_index(const char *key, const char *const *keys, int nkeys) {
  for (int i = 0; i < nkeys; ++i)
    if (strcmp(key, keys[i]) == 0) return i;
  return -1;
}

/* "unknown key 'X' WHERE; expected one of: a, b, c (did you mean 'b'?)" */
static void S_unknown_key(S_parser *p, S_pos pos, const char *key, const char *where,
                          const char *const *keys, int nkeys) {
  sectag_buf b = SECTAG_BUF_INIT;
  sectag_buf_printf(&b, "unknown key '%s' %s; expected one of: ", key, where);
  const char *best = NULL;
  size_t best_d = 3;
  for (int i = 0; i < nkeys; ++i) {
    if (i) sectag_buf_puts(&b, ", ");
    sectag_buf_puts(&b, keys[i]);
    size_t d = S_distance(key, keys[i]);
    if (d < best_d && d < strlen(keys[i])) {
      best_d = d;
      best = keys[i];
    }
  }
  if (best) sectag_buf_printf(&b, " (did you mean '%s'?)", best);
  S_fail(p, pos, "%s", sectag_buf_cstr(&b));
  sectag_buf_free(&b);
}

/* Reads the next mapping key: 1 with *key (owned) and *pos set, 0 at the end
 * of the mapping, -1 on error. */
static int S_next_key(S_parser *p, const char *where, char **key, S_pos *pos) {
  if (S_next(p) < 0) return -1;
  if (p->ev.type == YAML_MAPPING_END_EVENT) return 0;
  *pos = S_here(p);
  if (!S_is_scalar(p)) {
    S_fail(p, *pos, "keys %s must be plain strings, not lists or mappings", where);
    return -1;
  }
  if (S_take_scalar(p, key) < 0) return -1;
  return 1;
}

/* Reads a string value into *dst (replacing nothing: keys are unique). An
 * empty value leaves *dst NULL. */
static int S_string_value(S_parser *p, const char *key, const char *where, char **dst) {
  if (S_next(p) < 0) return -1;
  if (!S_is_scalar(p)) {
    S_fail(p, S_here(p), "'%s' %s must be a string", key, where);
    return -1;
  }
  if (S_is_null(p)) return 0;
  return S_take_scalar(p, dst);
}

/* ------------------------------------------------------------- codes */

/* Lower-case segments of [a-z][a-z0-9_-]*, separated by dots. */
static int S_valid_code_id(const char *id) {
  const char *s = id;
  for (;;) {
    if (!(*s >= 'a' && *s <= 'z')) return 0;
    ++s;
    while ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-')
      ++s;
    if (*s == '\0') return 1;
    if (*s != '.') return 0;
    ++s;
  }
}

/* First segment ^[sm][0-9]+$: clashes with TEI sentence / match ids. */
static int S_reserved_code_id(const char *id) {
  if (id[0] != 's' && id[0] != 'm') return 0;
  const char *s = id + 1;
  if (!(*s >= '0' && *s <= '9')) return 0;
  while (*s >= '0' && *s <= '9') ++s;
  return *s == '\0' || *s == '.';
}

static int S_parse_polarity(const char *s, sectag_polarity *pol) {
  if (strcmp(s, "securitizing") == 0) *pol = SECTAG_SECURITIZING;
  else if (strcmp(s, "desecuritizing") == 0) *pol = SECTAG_DESECURITIZING;
  else if (strcmp(s, "neutral") == 0) *pol = SECTAG_NEUTRAL;
  else return -1;
  return 0;
}

/* A list of strings (examples, counterexamples). */
static int S_string_list(S_parser *p, const char *key, const char *code_id, S_pos key_pos,
                         char ***items, size_t *nitems) {
  if (S_next(p) < 0) return -1;
  if (S_is_null(p)) return 0;
  if (p->ev.type != YAML_SEQUENCE_START_EVENT) {
    S_fail(p, S_value_pos(p, key_pos), "'%s' in code '%s' must be a list of strings", key,
           code_id);
    return -1;
  }
  size_t cap = 0;
  for (size_t n = 1;; ++n) {
    if (S_next(p) < 0) return -1;
    if (p->ev.type == YAML_SEQUENCE_END_EVENT) return 0;
    if (!S_is_scalar(p)) {
      S_fail(p, S_here(p), "item %zu of '%s' in code '%s' must be a string", n, key, code_id);
      return -1;
    }
    if (*nitems == cap) {
      cap = cap ? cap * 2 : 4;
      *items = sectag_xrealloc(*items, cap * sizeof **items);
    }
    if (S_take_scalar(p, &(*items)[*nitems]) < 0) return -1;
    ++*nitems;
  }
}

static int S_parse_bool(const char *s, int *v) {
  static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES"};
  static const char *const no[] = {"false", "False", "FALSE", "no", "No", "NO"};
  for (size_t i = 0; i < sizeof yes / sizeof *yes; ++i) {
    if (strcmp(s, yes[i]) == 0) {
      *v = 1;
      return 0;
    }
    if (strcmp(s, no[i]) == 0) {
      *v = 0;
      return 0;
    }
  }
  return -1;
}

/* Appends a rule (taking id and pattern) after checking its id is unique. */
static int S_add_rule(S_parser *p, size_t code, char *id, S_pos id_pos, char *pattern,
                      S_pos pat_pos, int partial, int words, long context) {
  sectag_codebook *cb = p->cb;
  size_t first = S_set_find(&p->rule_ids, id);
  if (first != (size_t)-1) {
    S_fail(p, id_pos, "duplicate rule id '%s' (first used at line %lu)", id,
           p->rule_id_pos[first].line);
    free(id);
    free(pattern);
    return -1;
  }
  if (cb->nrules == p->rules_cap) {
    p->rules_cap = p->rules_cap ? p->rules_cap * 2 : 16;
    cb->rules = sectag_xrealloc(cb->rules, p->rules_cap * sizeof *cb->rules);
    p->rule_id_pos = sectag_xrealloc(p->rule_id_pos, p->rules_cap * sizeof *p->rule_id_pos);
  }
  sectag_rule *r = &cb->rules[cb->nrules];
  r->id = id;
  r->pattern = pattern;
  r->code = code;
  r->partial = partial;
  r->words = words;
  r->context = context;
  r->line = pat_pos.line;
  r->col = pat_pos.col;
  p->rule_id_pos[cb->nrules] = id_pos;
  S_set_add(&p->rule_ids, id, cb->nrules);
  ++cb->nrules;
  return 0;
}

/* ------------------------------------------------------------ contexts */

static long S_new_context(S_parser *p) {
  sectag_codebook *cb = p->cb;
  cb->contexts = sectag_xrealloc(cb->contexts, (cb->ncontexts + 1) * sizeof *cb->contexts);
  sectag_context *x = &cb->contexts[cb->ncontexts];
  memset(x, 0, sizeof *x);
  x->sentence = 1; /* the default window */
  return (long)cb->ncontexts++;
}

/* `unless:` or `near:`: a list of regexes and {code: ID} items. */
static int S_ctx_list(S_parser *p, const char *key, const char *w, S_pos key_pos,
                      sectag_ctxpat **items, size_t *nitems) {
  if (S_next(p) < 0) return -1;
  if (S_is_null(p)) return 0;
  if (p->ev.type != YAML_SEQUENCE_START_EVENT) {
    S_fail(p, S_value_pos(p, key_pos),
           "'%s' %s must be a list of patterns (regexes) or {code: ID} items", key, w);
    return -1;
  }
  for (size_t n = 1;; ++n) {
    if (S_next(p) < 0) return -1;
    if (p->ev.type == YAML_SEQUENCE_END_EVENT) return 0;
    sectag_ctxpat cp = {NULL, NULL, -1, 0, 0};
    S_pos pos = S_here(p);
    cp.line = pos.line;
    cp.col = pos.col;
    if (S_is_scalar(p)) {
      if (p->ev.data.scalar.length == 0) {
        S_fail(p, pos, "item %zu of '%s' %s is empty; write a pattern or remove it", n, key, w);
        return -1;
      }
      if (S_take_scalar(p, &cp.pattern) < 0) return -1;
    } else if (p->ev.type == YAML_MAPPING_START_EVENT) {
      char *k = NULL;
      S_pos kpos;
      int r;
      while ((r = S_next_key(p, w, &k, &kpos)) > 0) {
        int is_code = strcmp(k, "code") == 0;
        if (!is_code || cp.code) {
          S_fail(p, kpos, "item %zu of '%s' %s: %s", n, key, w,
                 is_code ? "duplicate key 'code'"
                         : "a mapping item takes one key, 'code' (e.g. {code: sec.military})");
          free(k);
          free(cp.code);
          return -1;
        }
        free(k);
        if (S_next(p) < 0) return -1;
        if (!S_is_scalar(p)) {
          S_fail(p, S_here(p), "'code' in item %zu of '%s' %s must be a code id", n, key, w);
          return -1;
        }
        S_pos vpos = S_here(p);
        cp.line = vpos.line;
        cp.col = vpos.col;
        if (S_take_scalar(p, &cp.code) < 0) return -1;
      }
      if (r < 0) {
        free(cp.code);
        return -1;
      }
      if (!cp.code) {
        S_fail(p, pos, "item %zu of '%s' %s is an empty mapping; write {code: ID}", n, key, w);
        return -1;
      }
    } else {
      S_fail(p, pos, "item %zu of '%s' %s must be a pattern or {code: ID}", n, key, w);
      return -1;
    }
    *items = sectag_xrealloc(*items, (*nitems + 1) * sizeof **items);
    (*items)[(*nitems)++] = cp;
  }
}

static int S_window_count(S_parser *p, const char *v, S_pos pos, const char *w, unsigned *out) {
  char *end;
  unsigned long n = strtoul(v, &end, 10);
  if (!*v || *end || n > 1000) {
    S_fail(p, pos,
           "window %s: '%s' is not a number of tokens from 0 to 1000; write "
           "{before: N, after: N}, N, or sentence",
           w, v);
    return -1;
  }
  *out = (unsigned)n;
  return 0;
}

/* `window:` sentence | N | {before: N, after: N} */
static int S_window(S_parser *p, const char *w, S_pos key_pos, long ctx) {
  if (S_next(p) < 0) return -1;
  sectag_context *x = &p->cb->contexts[ctx];
  if (S_is_scalar(p) && !S_is_null(p)) {
    const char *v = S_scalar(p);
    if (strcmp(v, "sentence") == 0) {
      x->sentence = 1;
      return 0;
    }
    unsigned n;
    if (S_window_count(p, v, S_here(p), w, &n) < 0) return -1;
    x->sentence = 0;
    x->before = x->after = n;
    return 0;
  }
  if (p->ev.type != YAML_MAPPING_START_EVENT) {
    S_fail(p, S_value_pos(p, key_pos),
           "'window' %s must be sentence, a number of tokens, or {before: N, after: N}", w);
    return -1;
  }
  x->sentence = 0;
  x->before = x->after = 0;
  char *k = NULL;
  S_pos kpos;
  int r;
  while ((r = S_next_key(p, w, &k, &kpos)) > 0) {
    int before = strcmp(k, "before") == 0, after = strcmp(k, "after") == 0;
    if (!before && !after) {
      S_fail(p, kpos, "unknown key '%s' in 'window' %s; expected before and after", k, w);
      free(k);
      return -1;
    }
    free(k);
    if (S_next(p) < 0) return -1;
    if (!S_is_scalar(p)) {
      S_fail(p, S_here(p), "'window' %s: before and after take a number of tokens", w);
      return -1;
    }
    x = &p->cb->contexts[ctx];
    if (S_window_count(p, S_scalar(p), S_here(p), w, before ? &x->before : &x->after) < 0)
      return -1;
  }
  return r < 0 ? -1 : 0;
}

/* unless / near / window of a code or a pattern, into context *ctx (created
 * on first use). */
static int S_context_key(S_parser *p, const char *key, const char *w, S_pos key_pos,
                         long *ctx) {
  if (*ctx < 0) *ctx = S_new_context(p);
  if (strcmp(key, "window") == 0) return S_window(p, w, key_pos, *ctx);
  sectag_ctxpat *items = NULL;
  size_t n = 0;
  int rc = S_ctx_list(p, key, w, key_pos, &items, &n);
  sectag_context *x = &p->cb->contexts[*ctx];
  if (strcmp(key, "unless") == 0) {
    x->unless = items;
    x->nunless = n;
  } else {
    x->near = items;
    x->nnear = n;
  }
  return rc;
}

/* `words:` a list of globs ("amenaz*", "crimen organizado"); each is a rule
 * named CODE:GLOB. */
static int S_words(S_parser *p, size_t code, S_pos key_pos) {
  const char *code_id = p->cb->codes[code].id;
  if (S_next(p) < 0) return -1;
  if (S_is_null(p)) return 0;
  if (p->ev.type != YAML_SEQUENCE_START_EVENT) {
    S_fail(p, S_value_pos(p, key_pos),
           "'words' in code '%s' must be a list of words or phrases (e.g. [amenaz*, crimen "
           "organizado])",
           code_id);
    return -1;
  }
  for (size_t n = 1;; ++n) {
    if (S_next(p) < 0) return -1;
    if (p->ev.type == YAML_SEQUENCE_END_EVENT) return 0;
    S_pos pos = S_here(p);
    if (!S_is_scalar(p)) {
      S_fail(p, pos, "item %zu of 'words' in code '%s' must be a word or a phrase", n, code_id);
      return -1;
    }
    char *glob = NULL;
    if (S_take_scalar(p, &glob) < 0) return -1;
    int blank = 1;
    for (const char *g = glob; *g; g++) blank &= *g == ' ' || *g == '\t';
    if (blank || strspn(glob, "*? \t") == strlen(glob)) {
      S_fail(p, pos,
             "item %zu of 'words' in code '%s' has no letters; write a word such as amenaz*",
             n, p->cb->codes[code].id);
      free(glob);
      return -1;
    }
    sectag_buf b = SECTAG_BUF_INIT;
    sectag_buf_printf(&b, "%s:%s", p->cb->codes[code].id, glob);
    if (S_add_rule(p, code, sectag_buf_detach(&b), pos, glob, pos, 0, 1, -1) < 0) return -1;
  }
}

/* One item of `patterns:` (the current event is its first). */
static int S_pattern_item(S_parser *p, size_t code, size_t n) {
  const char *code_id = p->cb->codes[code].id;
  char *pattern = NULL, *id = NULL;
  S_pos pat_pos = {0, 0}, id_pos = {0, 0};
  int partial = 0;
  long ctx = -1;
  sectag_buf where = SECTAG_BUF_INIT;
  sectag_buf_printf(&where, "in pattern %zu of code '%s'", n, code_id);
  const char *w = sectag_buf_cstr(&where);

  if (S_is_scalar(p)) {
    pat_pos = S_here(p);
    if (S_take_scalar(p, &pattern) < 0) goto fail;
  } else if (p->ev.type == YAML_MAPPING_START_EVENT) {
    S_pos map_pos = S_here(p);
    int seen[RULE_NKEYS] = {0};
    char *key = NULL;
    S_pos key_pos;
    int r;
    while ((r = S_next_key(p, w, &key, &key_pos)) > 0) {
      int k = S_key_index(key, S_rule_keys, RULE_NKEYS);
      if (k < 0) {
        S_unknown_key(p, key_pos, key, w, S_rule_keys, RULE_NKEYS);
      } else if (seen[k]) {
        S_fail(p, key_pos, "duplicate key '%s' %s", key, w);
      } else if (k == RULE_UNLESS || k == RULE_NEAR || k == RULE_WINDOW) {
        seen[k] = 1;
        S_context_key(p, key, w, key_pos, &ctx);
      } else {
        seen[k] = 1;
        if (S_next(p) < 0) {
          free(key);
          goto fail;
        }
        if (!S_is_scalar(p)) {
          S_fail(p, S_here(p), "'%s' %s must be a %s", key, w,
                 k == RULE_PARTIAL ? "boolean (true or false)" : "string");
        } else if (k == RULE_PATTERN) {
          pat_pos = S_value_pos(p, key_pos);
          S_take_scalar(p, &pattern);
        } else if (k == RULE_ID) {
          id_pos = S_value_pos(p, key_pos);
          if (p->ev.data.scalar.length == 0)
            S_fail(p, id_pos, "'id' %s is empty; give the rule a name or remove 'id'", w);
          else
            S_take_scalar(p, &id);
        } else if (S_parse_bool(S_scalar(p), &partial) < 0) {
          S_fail(p, S_value_pos(p, key_pos), "'partial' %s must be true or false, not '%s'",
                 w, S_scalar(p));
        }
      }
      free(key);
      key = NULL;
      if (p->failed) goto fail;
    }
    if (r < 0) goto fail;
    if (!seen[RULE_PATTERN]) {
      S_fail(p, map_pos,
             "pattern %zu of code '%s' has no 'pattern' key; write {pattern: '...'}", n,
             code_id);
      goto fail;
    }
  } else {
    S_fail(p, S_here(p),
           "pattern %zu of code '%s' must be a string or a mapping with 'pattern' (and "
           "optionally 'id', 'partial', 'unless', 'near' and 'window')",
           n, code_id);
    goto fail;
  }
  if (pattern[0] == '\0') {
    S_fail(p, pat_pos,
           "pattern %zu of code '%s' is empty; write a regular expression or remove it", n,
           code_id);
    goto fail;
  }
  if (!id) {
    sectag_buf b = SECTAG_BUF_INIT;
    sectag_buf_printf(&b, "%s#%zu", code_id, n);
    id = sectag_buf_detach(&b);
    id_pos = pat_pos;
  }
  sectag_buf_free(&where);
  return S_add_rule(p, code, id, id_pos, pattern, pat_pos, partial, 0, ctx);

fail:
  free(pattern);
  free(id);
  sectag_buf_free(&where);
  return -1;
}

static int S_patterns(S_parser *p, size_t code, S_pos key_pos) {
  if (S_next(p) < 0) return -1;
  if (S_is_null(p)) return 0;
  if (p->ev.type != YAML_SEQUENCE_START_EVENT) {
    S_fail(p, S_value_pos(p, key_pos), "'patterns' in code '%s' must be a list of patterns",
           p->cb->codes[code].id);
    return -1;
  }
  for (size_t n = 1;; ++n) {
    if (S_next(p) < 0) return -1;
    if (p->ev.type == YAML_SEQUENCE_END_EVENT) return 0;
    if (S_pattern_item(p, code, n) < 0) return -1;
  }
}

/* One entry of `codes:`; id is owned (and kept by the codebook). */
static int S_code(S_parser *p, char *id, S_pos id_pos) {
  sectag_codebook *cb = p->cb;
  if (!S_valid_code_id(id)) {
    S_fail(p, id_pos,
           "invalid code id '%s': use lower-case segments of letters, digits, '-' and '_', "
           "separated by dots, each starting with a letter (e.g. sec.war)",
           id);
    free(id);
    return -1;
  }
  if (S_reserved_code_id(id)) {
    S_fail(p, id_pos,
           "code id '%s' is reserved (s<N> and m<N> are used for sentence and match ids in "
           "TEI); choose another id",
           id);
    free(id);
    return -1;
  }
  size_t first = S_set_find(&p->code_ids, id);
  if (first != (size_t)-1) {
    S_fail(p, id_pos, "duplicate code id '%s' (first defined at line %lu)", id,
           cb->codes[first].line);
    free(id);
    return -1;
  }
  if (cb->ncodes == p->codes_cap) {
    p->codes_cap = p->codes_cap ? p->codes_cap * 2 : 16;
    cb->codes = sectag_xrealloc(cb->codes, p->codes_cap * sizeof *cb->codes);
  }
  size_t ci = cb->ncodes++;
  sectag_code *c = &cb->codes[ci];
  memset(c, 0, sizeof *c);
  c->id = id;
  c->parent = -1;
  c->context = -1;
  c->line = id_pos.line;
  c->col = id_pos.col;
  S_set_add(&p->code_ids, id, ci);

  if (S_next(p) < 0) return -1;
  if (p->ev.type != YAML_MAPPING_START_EVENT) {
    S_fail(p, S_value_pos(p, id_pos),
           "code '%s' must be a mapping with keys such as label, polarity and patterns", id);
    return -1;
  }
  sectag_buf where = SECTAG_BUF_INIT;
  sectag_buf_printf(&where, "in code '%s'", id);
  const char *w = sectag_buf_cstr(&where);
  int seen[CODE_NKEYS] = {0};
  char *key = NULL;
  S_pos key_pos;
  int r;
  while ((r = S_next_key(p, w, &key, &key_pos)) > 0) {
    int k = S_key_index(key, S_code_keys, CODE_NKEYS);
    c = &cb->codes[ci];
    if (k < 0) {
      S_unknown_key(p, key_pos, key, w, S_code_keys, CODE_NKEYS);
    } else if (seen[k]) {
      S_fail(p, key_pos, "duplicate key '%s' %s", key, w);
    } else {
      seen[k] = 1;
      switch (k) {
      case CODE_LABEL: S_string_value(p, key, w, &c->label); break;
      case CODE_DEFINITION: S_string_value(p, key, w, &c->definition); break;
      case CODE_INCLUDE: S_string_value(p, key, w, &c->include); break;
      case CODE_EXCLUDE: S_string_value(p, key, w, &c->exclude); break;
      case CODE_SOURCE: S_string_value(p, key, w, &c->source); break;
      case CODE_POLARITY: {
        char *v = NULL;
        if (S_string_value(p, key, w, &v) < 0) break;
        S_pos vpos = S_value_pos(p, key_pos);
        if (!v || S_parse_polarity(v, &c->polarity) < 0)
          S_fail(p, vpos,
                 "unknown polarity '%s' in code '%s'; use securitizing, desecuritizing or "
                 "neutral",
                 v ? v : "", id);
        else
          c->polarity_set = 1;
        free(v);
        break;
      }
      case CODE_PATTERNS: S_patterns(p, ci, key_pos); break;
      case CODE_WORDS: S_words(p, ci, key_pos); break;
      case CODE_UNLESS:
      case CODE_NEAR:
      case CODE_WINDOW: {
        long x = c->context;
        S_context_key(p, key, w, key_pos, &x);
        cb->codes[ci].context = x;
        break;
      }
      case CODE_EXAMPLES:
        S_string_list(p, key, id, key_pos, &c->examples, &c->nexamples);
        break;
      case CODE_COUNTEREXAMPLES:
        S_string_list(p, key, id, key_pos, &c->counterexamples, &c->ncounterexamples);
        break;
      default: break;
      }
    }
    free(key);
    key = NULL;
    if (p->failed) break;
  }
  sectag_buf_free(&where);
  if (r < 0 || p->failed) return -1;
  c = &cb->codes[ci];
  if (!c->label) c->label = sectag_xstrdup(c->id);
  return 0;
}

static int S_codes(S_parser *p, S_pos key_pos) {
  if (S_next(p) < 0) return -1;
  if (S_is_null(p)) {
    S_fail(p, key_pos, "'codes' is empty; a codebook needs at least one code");
    return -1;
  }
  if (p->ev.type != YAML_MAPPING_START_EVENT) {
    S_fail(p, S_here(p),
           "'codes' must be a mapping from code ids to codes (e.g. sec.war: {label: ...})");
    return -1;
  }
  char *id = NULL;
  S_pos id_pos;
  int r;
  while ((r = S_next_key(p, "in 'codes'", &id, &id_pos)) > 0)
    if (S_code(p, id, id_pos) < 0) return -1;
  if (r < 0) return -1;
  if (p->cb->ncodes == 0) {
    S_fail(p, key_pos, "'codes' is empty; a codebook needs at least one code");
    return -1;
  }
  return 0;
}

/* Parents, depths and effective polarities, once every code is known. */
static int S_link_codes(S_parser *p) {
  sectag_codebook *cb = p->cb;
  for (size_t i = 0; i < cb->ncodes; ++i) {
    sectag_code *c = &cb->codes[i];
    const char *dot = strrchr(c->id, '.');
    c->depth = 0;
    for (const char *s = c->id; *s; ++s) c->depth += *s == '.';
    if (!dot) continue;
    char *parent = sectag_xstrndup(c->id, (size_t)(dot - c->id));
    size_t pi = S_set_find(&p->code_ids, parent);
    if (pi == (size_t)-1) {
      S_pos pos = {c->line, c->col};
      S_fail(p, pos, "code '%s' has no parent: declare '%s' with a label and polarity", c->id,
             parent);
      free(parent);
      return -1;
    }
    free(parent);
    c->parent = (long)pi;
  }
  /* a child may repeat its parent's polarity but not contradict it: a
   * parent's count includes its children's matches */
  for (size_t i = 0; i < cb->ncodes; ++i) {
    const sectag_code *c = &cb->codes[i];
    if (!c->polarity_set) continue;
    for (long j = c->parent; j >= 0; j = cb->codes[j].parent) {
      const sectag_code *a = &cb->codes[j];
      if (!a->polarity_set) continue;
      if (a->polarity != c->polarity) {
        S_pos pos = {c->line, c->col};
        S_fail(p, pos,
               "code '%s' is %s but its parent '%s' is %s; a parent counts its children's "
               "matches, so remove the child's polarity or move the code under another parent",
               c->id, sectag_polarity_name(c->polarity), a->id,
               sectag_polarity_name(a->polarity));
        return -1;
      }
      break;
    }
  }
  /* a pattern without context rules of its own takes its code's; {code: ID}
   * items name known codes */
  for (size_t i = 0; i < cb->nrules; ++i)
    if (cb->rules[i].context < 0) cb->rules[i].context = cb->codes[cb->rules[i].code].context;
  for (size_t i = 0; i < cb->ncontexts; ++i) {
    sectag_context *x = &cb->contexts[i];
    for (int list = 0; list < 2; list++) {
      sectag_ctxpat *it = list ? x->near : x->unless;
      size_t n = list ? x->nnear : x->nunless;
      for (size_t j = 0; j < n; j++) {
        if (!it[j].code) continue;
        size_t ci = S_set_find(&p->code_ids, it[j].code);
        if (ci == (size_t)-1) {
          S_pos pos = {it[j].line, it[j].col};
          S_fail(p, pos, "'%s' names code '%s', which this codebook does not define",
                 list ? "near" : "unless", it[j].code);
          return -1;
        }
        it[j].code_index = (long)ci;
      }
    }
  }
  for (size_t i = 0; i < cb->ncodes; ++i) {
    sectag_code *c = &cb->codes[i];
    if (c->polarity_set) continue;
    c->polarity = SECTAG_NEUTRAL;
    for (long j = c->parent; j >= 0; j = cb->codes[j].parent) {
      if (cb->codes[j].polarity_set) {
        c->polarity = cb->codes[j].polarity;
        break;
      }
    }
  }
  return 0;
}

static int S_top(S_parser *p) {
  sectag_codebook *cb = p->cb;
  S_pos map_pos = S_here(p);
  int seen[TOP_NKEYS] = {0};
  char *key = NULL;
  S_pos key_pos;
  int r;
  while ((r = S_next_key(p, "at top level", &key, &key_pos)) > 0) {
    int k = S_key_index(key, S_top_keys, TOP_NKEYS);
    if (k < 0) {
      S_unknown_key(p, key_pos, key, "at top level", S_top_keys, TOP_NKEYS);
    } else if (seen[k]) {
      S_fail(p, key_pos, "duplicate key '%s' at top level", key);
    } else {
      seen[k] = 1;
      switch (k) {
      case TOP_SECTAG:
        if (S_next(p) < 0) break;
        if (S_is_null(p))
          S_fail(p, key_pos, "missing 'sectag: 1' (the format version) at top level");
        else if (!S_is_scalar(p) || strcmp(S_scalar(p), "1") != 0)
          S_fail(p, S_here(p),
                 "unsupported format version 'sectag: %s'; this sectag reads version %d",
                 S_is_scalar(p) ? S_scalar(p) : "...", SECTAG_CODEBOOK_FORMAT);
        else
          cb->version = 1;
        break;
      case TOP_NAME:
        if (S_string_value(p, key, "at top level", &cb->name) == 0 && !cb->name)
          S_fail(p, key_pos,
                 "'name' at top level is empty; give the codebook a name (e.g. name: "
                 "securitization-es)");
        break;
      case TOP_LANGUAGE: S_string_value(p, key, "at top level", &cb->language); break;
      case TOP_DESCRIPTION:
        S_string_value(p, key, "at top level", &cb->description);
        break;
      case TOP_ACCENTS:
      case TOP_OVERLAP: {
        char *v = NULL;
        if (S_string_value(p, key, "at top level", &v) < 0) break;
        S_pos vpos = S_value_pos(p, key_pos);
        const char *s = v ? v : "";
        if (k == TOP_ACCENTS && strcmp(s, "insensitive") == 0) cb->strip_accents = 1;
        else if (k == TOP_ACCENTS && strcmp(s, "sensitive") == 0) cb->strip_accents = 0;
        else if (k == TOP_OVERLAP && strcmp(s, "longest") == 0) cb->overlap_all = 0;
        else if (k == TOP_OVERLAP && strcmp(s, "all") == 0) cb->overlap_all = 1;
        else if (k == TOP_ACCENTS)
          S_fail(p, vpos,
                 "unknown value 'accents: %s'; use insensitive (the default: accents are "
                 "ignored when matching) or sensitive",
                 s);
        else
          S_fail(p, vpos,
                 "unknown value 'overlap: %s'; use longest (the default: keep the longest "
                 "of overlapping matches of a code) or all",
                 s);
        free(v);
        break;
      }
      case TOP_CODES: S_codes(p, key_pos); break;
      default: break;
      }
    }
    free(key);
    key = NULL;
    if (p->failed) return -1;
  }
  if (r < 0) return -1;
  if (!seen[TOP_SECTAG]) {
    S_fail(p, map_pos, "missing 'sectag: 1' (the format version) at top level");
    return -1;
  }
  if (!seen[TOP_NAME]) {
    S_fail(p, map_pos, "missing 'name' at top level; give the codebook a name (e.g. name: "
           "securitization-es)");
    return -1;
  }
  if (!seen[TOP_CODES]) {
    S_fail(p, map_pos, "missing 'codes' at top level; a codebook needs at least one code");
    return -1;
  }
  return S_link_codes(p);
}

static int S_stream(S_parser *p) {
  S_pos none = {0, 0};
  if (S_next(p) < 0) return -1; /* STREAM-START */
  if (S_next(p) < 0) return -1;
  if (p->ev.type == YAML_STREAM_END_EVENT) {
    S_fail(p, none, "codebook is empty; see docs/codebook-format.md");
    return -1;
  }
  if (S_next(p) < 0) return -1; /* the root node */
  if (S_is_null(p)) {
    S_fail(p, none, "codebook is empty; see docs/codebook-format.md");
    return -1;
  }
  if (p->ev.type != YAML_MAPPING_START_EVENT) {
    S_fail(p, S_here(p),
           "the top level of a codebook must be a mapping with keys such as sectag, name and "
           "codes; see docs/codebook-format.md");
    return -1;
  }
  if (S_top(p) < 0) return -1;
  if (S_next(p) < 0) return -1; /* DOCUMENT-END */
  if (S_next(p) < 0) return -1;
  if (p->ev.type == YAML_DOCUMENT_START_EVENT) {
    S_fail(p, S_here(p),
           "a codebook file must hold a single YAML document; remove the second document "
           "(from this '---' on)");
    return -1;
  }
  return 0;
}

/* ------------------------------------------------------------- public */

sectag_codebook *sectag_codebook_parse(const char *yaml, size_t len, const char *path,
                                       sectag_error *err) {
  S_parser p;
  memset(&p, 0, sizeof p);
  /* A UTF-8 byte order mark is dropped: columns count from after it. */
  if (len >= 3 && memcmp(yaml, "\xEF\xBB\xBF", 3) == 0) {
    yaml += 3;
    len -= 3;
  }
  p.input = (const unsigned char *)yaml;
  p.len = len;
  p.path = path;
  p.err = err;
  p.c_line = 1;
  p.cb = sectag_xcalloc(1, sizeof *p.cb);
  p.cb->path = path ? sectag_xstrdup(path) : NULL;
  p.cb->strip_accents = 1;
  if (!yaml_parser_initialize(&p.yp)) {
    S_pos none = {0, 0};
    S_fail(&p, none, "out of memory while reading the codebook");
    sectag_codebook_free(p.cb);
    return NULL;
  }
  yaml_parser_set_input_string(&p.yp, p.input, len);
  yaml_parser_set_encoding(&p.yp, YAML_UTF8_ENCODING);

  int rc = S_stream(&p);

  if (p.have_ev) yaml_event_delete(&p.ev);
  yaml_parser_delete(&p.yp);
  S_set_free(&p.code_ids);
  S_set_free(&p.rule_ids);
  free(p.rule_id_pos);
  if (rc < 0 || p.failed) {
    sectag_codebook_free(p.cb);
    return NULL;
  }
  return p.cb;
}

sectag_codebook *sectag_codebook_load(const char *path, sectag_error *err) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    sectag_error_set(err, SECTAG_ERR_CODEBOOK, path, 0, 0,
                     "cannot read codebook: %s; check the path given with -c",
                     strerror(errno));
    return NULL;
  }
  sectag_buf b = SECTAG_BUF_INIT;
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
    if (b.len + n > MAX_FILE_SIZE) {
      fclose(f);
      sectag_buf_free(&b);
      sectag_error_set(err, SECTAG_ERR_CODEBOOK, path, 0, 0,
                       "codebook is too large (more than %lu MiB); is this the right file?",
                       MAX_FILE_SIZE / (1024 * 1024));
      return NULL;
    }
    sectag_buf_put(&b, chunk, n);
  }
  if (ferror(f)) {
    int e = errno;
    fclose(f);
    sectag_buf_free(&b);
    sectag_error_set(err, SECTAG_ERR_CODEBOOK, path, 0, 0,
                     "cannot read codebook: %s; check the path given with -c", strerror(e));
    return NULL;
  }
  fclose(f);
  sectag_codebook *cb = sectag_codebook_parse(b.ptr ? b.ptr : "", b.len, path, err);
  sectag_buf_free(&b);
  return cb;
}

static void S_free_strings(char **v, size_t n) {
  for (size_t i = 0; i < n; ++i) free(v[i]);
  free(v);
}

void sectag_codebook_free(sectag_codebook *cb) {
  if (!cb) return;
  for (size_t i = 0; i < cb->ncodes; ++i) {
    sectag_code *c = &cb->codes[i];
    free(c->id);
    free(c->label);
    free(c->definition);
    free(c->include);
    free(c->exclude);
    free(c->source);
    S_free_strings(c->examples, c->nexamples);
    S_free_strings(c->counterexamples, c->ncounterexamples);
  }
  free(cb->codes);
  for (size_t i = 0; i < cb->nrules; ++i) {
    free(cb->rules[i].id);
    free(cb->rules[i].pattern);
  }
  free(cb->rules);
  for (size_t i = 0; i < cb->ncontexts; ++i) {
    sectag_context *x = &cb->contexts[i];
    for (size_t j = 0; j < x->nunless; j++) {
      free(x->unless[j].pattern);
      free(x->unless[j].code);
    }
    for (size_t j = 0; j < x->nnear; j++) {
      free(x->near[j].pattern);
      free(x->near[j].code);
    }
    free(x->unless);
    free(x->near);
  }
  free(cb->contexts);
  free(cb->path);
  free(cb->name);
  free(cb->language);
  free(cb->description);
  free(cb);
}

const char *sectag_polarity_name(sectag_polarity pol) {
  switch (pol) {
  case SECTAG_SECURITIZING: return "securitizing";
  case SECTAG_DESECURITIZING: return "desecuritizing";
  case SECTAG_NEUTRAL: break;
  }
  return "neutral";
}

const char *sectag_codebook_name(const sectag_codebook *cb) { return cb ? cb->name : NULL; }

size_t sectag_codebook_code_count(const sectag_codebook *cb) { return cb ? cb->ncodes : 0; }

size_t sectag_codebook_rule_count(const sectag_codebook *cb) { return cb ? cb->nrules : 0; }

const char *sectag_codebook_code_id(const sectag_codebook *cb, size_t i) {
  return cb && i < cb->ncodes ? cb->codes[i].id : NULL;
}

const char *sectag_codebook_code_label(const sectag_codebook *cb, size_t i) {
  return cb && i < cb->ncodes ? cb->codes[i].label : NULL;
}

sectag_polarity sectag_codebook_code_polarity(const sectag_codebook *cb, size_t i) {
  return cb && i < cb->ncodes ? cb->codes[i].polarity : SECTAG_NEUTRAL;
}

int sectag_glob_match(const char *g, size_t gn, const char *s, size_t n) {
  size_t gi = 0, si = 0, star_g = (size_t)-1, star_s = 0;
  while (si < n) {
    if (gi < gn && g[gi] == '*') {
      star_g = gi++;
      star_s = si;
    } else if (gi < gn && (g[gi] == '?' || g[gi] == s[si])) {
      if (g[gi] == '?')
        while (si + 1 < n && ((unsigned char)s[si + 1] & 0xC0) == 0x80) si++;
      gi++;
      si++;
    } else if (star_g != (size_t)-1) {
      gi = star_g + 1;
      si = ++star_s;
      while (si < n && ((unsigned char)s[si] & 0xC0) == 0x80) si = ++star_s;
    } else {
      return 0;
    }
  }
  while (gi < gn && g[gi] == '*') gi++;
  return gi == gn;
}
