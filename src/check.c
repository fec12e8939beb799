/* check.c: `sectag check`, a codebook checked against its own examples and
 * counterexamples (see check.h for what is checked and reported).
 *
 * Every example runs twice as a one-document corpus: once through the
 * codebook as it is (what `sectag code` would code) and once through a copy
 * with `overlap: all` (every match of every rule, for the polarity check and
 * to say which rule lost to a longer match). The copy is parsed from the
 * same bytes, so the two matchers see the same rules.
 *
 * codebook.c keeps no position for an example string, so S_example_lines()
 * walks the YAML event stream once more and takes the line of every item
 * of codes.ID.examples and codes.ID.counterexamples. The file has already
 * been parsed and validated by then. */
#include "check.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <yaml.h>

#include "buf.h"
#include "codebook.h"
#include "document.h"
#include "error.h"

/* ------------------------------------------------------------ results */

typedef struct S_ctx {
  const char *path;
  const sectag_codebook *cb;
  const sectag_matcher *m;   /* the codebook as it is */
  const sectag_matcher *all; /* the same rules with overlap: all */
  unsigned long **ex_line, **cex_line; /* per code, per string: 1-based line or 0 */
  unsigned char *has_rules;            /* per code: it has patterns or words */
  sectag_check_result *res;
  size_t cap;
} S_ctx;

/* Appends an item: kind, place, message (taken from msg, which is cleared)
 * and detail (NULL or an owned string, taken). */
static void S_add(S_ctx *c, sectag_check_kind kind, unsigned long line, unsigned long col,
                  sectag_buf *msg, char *detail) {
  sectag_check_result *r = c->res;
  if (r->nitems == c->cap) {
    c->cap = c->cap ? c->cap * 2 : 32;
    r->items = sectag_xrealloc(r->items, c->cap * sizeof *r->items);
  }
  sectag_check_item *it = &r->items[r->nitems++];
  memset(it, 0, sizeof *it);
  it->kind = kind;
  sectag_status st = kind == SECTAG_CHECK_WARNING ? SECTAG_WARNING
                     : kind == SECTAG_CHECK_FAILED ? SECTAG_ERR_MATCH
                                                   : SECTAG_OK;
  sectag_error_set(&it->e, st, c->path, line, col, "%s", sectag_buf_cstr(msg));
  it->e.detail = detail;
  sectag_buf_clear(msg);
  if (kind == SECTAG_CHECK_FAILED) r->nfailed++;
  if (kind == SECTAG_CHECK_WARNING) r->nwarnings++;
}

/* A text in double quotes, escaped like a C string so the message stays on
 * one line. */
static void S_quote(sectag_buf *b, const char *s, size_t n) {
  sectag_buf_putc(b, '"');
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    switch (ch) {
    case '"': sectag_buf_puts(b, "\\\""); break;
    case '\\': sectag_buf_puts(b, "\\\\"); break;
    case '\n': sectag_buf_puts(b, "\\n"); break;
    case '\t': sectag_buf_puts(b, "\\t"); break;
    case '\r': sectag_buf_puts(b, "\\r"); break;
    default:
      if (ch < 0x20 || ch == 0x7f)
        sectag_buf_printf(b, "\\x%02x", ch);
      else
        sectag_buf_putc(b, ch);
    }
  }
  sectag_buf_putc(b, '"');
}

/* A pattern as shown in a detail line: control characters (a line break in
 * a (?x) pattern) become spaces, so the line stays one line. */
static void S_pattern_line(sectag_buf *b, const char *p) {
  for (; *p; p++) sectag_buf_putc(b, (unsigned char)*p < 0x20 ? ' ' : *p);
}

/* "    PATTERN\n    ^" with the caret under byte offset off (one column
 * per code point, like the matcher's carets). */
static char *S_caret(const char *pattern, size_t off) {
  sectag_buf b = SECTAG_BUF_INIT;
  sectag_buf_puts(&b, "    ");
  S_pattern_line(&b, pattern);
  sectag_buf_puts(&b, "\n    ");
  for (size_t i = 0; i < off && pattern[i]; i++)
    if (((unsigned char)pattern[i] & 0xC0) != 0x80) sectag_buf_putc(&b, ' ');
  sectag_buf_putc(&b, '^');
  return sectag_buf_detach(&b);
}

/* ------------------------------------------------ example positions */

typedef struct S_walk {
  yaml_parser_t yp;
  yaml_event_t ev;
  int have;
  const unsigned char *in;
  size_t len;
  size_t c_index, c_byte; /* character index -> byte (marks move forward) */
  unsigned long c_line;
} S_walk;

/* The 1-based line of a mark, counting LF, CRLF and CR like codebook.c (and
 * editors), not the other line breaks libyaml knows. */
static unsigned long S_line_of(S_walk *w, yaml_mark_t mk) {
  while (w->c_index < mk.index && w->c_byte < w->len) {
    size_t i = w->c_byte;
    unsigned char ch = w->in[i++];
    while (i < w->len && (w->in[i] & 0xC0) == 0x80) ++i;
    if (ch == '\n' || (ch == '\r' && !(i < w->len && w->in[i] == '\n'))) ++w->c_line;
    w->c_byte = i;
    ++w->c_index;
  }
  return w->c_line;
}

static int S_wnext(S_walk *w) {
  if (w->have) yaml_event_delete(&w->ev);
  w->have = 0;
  if (!yaml_parser_parse(&w->yp, &w->ev)) return -1;
  w->have = 1;
  return 0;
}

/* Skips the node whose first event is the current one. */
static int S_wskip(S_walk *w) {
  int depth = 0;
  for (;;) {
    yaml_event_type_t t = w->ev.type;
    if (t == YAML_SEQUENCE_START_EVENT || t == YAML_MAPPING_START_EVENT) depth++;
    if (t == YAML_SEQUENCE_END_EVENT || t == YAML_MAPPING_END_EVENT) depth--;
    if (depth <= 0) return 0;
    if (S_wnext(w) < 0) return -1;
  }
}

static int S_is_key(S_walk *w, const char *key) {
  return w->ev.type == YAML_SCALAR_EVENT && strcmp((const char *)w->ev.data.scalar.value, key) == 0;
}

/* The current event is the value of an examples/counterexamples key. */
static int S_wlist(S_walk *w, unsigned long *lines, size_t n) {
  if (w->ev.type != YAML_SEQUENCE_START_EVENT) return S_wskip(w);
  for (size_t i = 0;; i++) {
    if (S_wnext(w) < 0) return -1;
    if (w->ev.type == YAML_SEQUENCE_END_EVENT) return 0;
    if (i < n && w->ev.type == YAML_SCALAR_EVENT) lines[i] = S_line_of(w, w->ev.start_mark);
    if (S_wskip(w) < 0) return -1;
  }
}

/* The current event is the value of `codes`. */
static int S_wcodes(S_walk *w, S_ctx *c) {
  if (w->ev.type != YAML_MAPPING_START_EVENT) return S_wskip(w);
  for (;;) {
    if (S_wnext(w) < 0) return -1;
    if (w->ev.type == YAML_MAPPING_END_EVENT) return 0;
    long code = -1;
    for (size_t i = 0; w->ev.type == YAML_SCALAR_EVENT && i < c->cb->ncodes; i++)
      if (S_is_key(w, c->cb->codes[i].id)) code = (long)i;
    if (S_wskip(w) < 0 || S_wnext(w) < 0) return -1;
    if (code < 0 || w->ev.type != YAML_MAPPING_START_EVENT) {
      if (S_wskip(w) < 0) return -1;
      continue;
    }
    const sectag_code *cd = &c->cb->codes[code];
    for (;;) {
      if (S_wnext(w) < 0) return -1;
      if (w->ev.type == YAML_MAPPING_END_EVENT) break;
      int which = S_is_key(w, "examples") ? 1 : S_is_key(w, "counterexamples") ? 2 : 0;
      if (S_wskip(w) < 0 || S_wnext(w) < 0) return -1;
      int rc = which == 1   ? S_wlist(w, c->ex_line[code], cd->nexamples)
               : which == 2 ? S_wlist(w, c->cex_line[code], cd->ncounterexamples)
                            : S_wskip(w);
      if (rc < 0) return -1;
    }
  }
}

/* Fills c->ex_line and c->cex_line from the YAML (a line stays 0 if the
 * walk cannot find it, which a file that parsed never causes). */
static void S_example_lines(S_ctx *c, const char *yaml, size_t len) {
  if (len >= 3 && memcmp(yaml, "\xEF\xBB\xBF", 3) == 0) { /* as codebook.c */
    yaml += 3;
    len -= 3;
  }
  S_walk w;
  memset(&w, 0, sizeof w);
  w.in = (const unsigned char *)yaml;
  w.len = len;
  w.c_line = 1;
  if (!yaml_parser_initialize(&w.yp)) return;
  yaml_parser_set_input_string(&w.yp, w.in, len);
  yaml_parser_set_encoding(&w.yp, YAML_UTF8_ENCODING);
  /* stream start, document start, the top mapping */
  if (S_wnext(&w) == 0 && S_wnext(&w) == 0 && S_wnext(&w) == 0 &&
      w.ev.type == YAML_MAPPING_START_EVENT) {
    for (;;) {
      if (S_wnext(&w) < 0 || w.ev.type == YAML_MAPPING_END_EVENT) break;
      int codes = S_is_key(&w, "codes");
      if (S_wskip(&w) < 0 || S_wnext(&w) < 0) break;
      if ((codes ? S_wcodes(&w, c) : S_wskip(&w)) < 0) break;
    }
  }
  if (w.have) yaml_event_delete(&w.ev);
  yaml_parser_delete(&w.yp);
}

/* --------------------------------------------------- rule warnings */

/* Whether a flag group turns on extended mode ((?x), (?ix:...)): then
 * white space in the pattern is not literal, and is not checked. */
static int S_extended(const char *p) {
  for (size_t i = 0; p[i]; i++) {
    if (p[i] == '\\') {
      if (!p[++i]) break;
      continue;
    }
    if (p[i] != '(' || p[i + 1] != '?') continue;
    for (size_t j = i + 2; p[j] && p[j] != ')' && p[j] != ':'; j++) {
      if (p[j] == '-') break; /* flags after '-' are turned off */
      if (p[j] == 'x') return 1;
    }
  }
  return 0;
}

/* Why code point cp, written as an escape, can never match the normalized
 * text, or NULL. */
static const char *S_cp_never(utf8proc_int32_t cp, int strip_accents) {
  if (cp == ' ') return NULL;
  utf8proc_category_t cat = utf8proc_category(cp);
  if ((cp >= 9 && cp <= 13) || cp == 0x85 || cat == UTF8PROC_CATEGORY_ZS ||
      cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP)
    return "every run of white space in the text is one space; write ' ' or \\s";
  if (cp < 0x20 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return NULL;
  utf8proc_uint8_t enc[4];
  utf8proc_ssize_t n = utf8proc_encode_char(cp, enc);
  const char *why = NULL;
  sectag_buf a = SECTAG_BUF_INIT;
  sectag_normalize((const char *)enc, (size_t)n, 1, strip_accents, &a);
  if (a.len != (size_t)n || memcmp(a.ptr, enc, (size_t)n) != 0) {
    sectag_buf b = SECTAG_BUF_INIT;
    sectag_normalize((const char *)enc, (size_t)n, 0, strip_accents, &b);
    if (a.len == 0)
      why = "this character is removed from the text before matching";
    else if (b.len != (size_t)n || memcmp(b.ptr, enc, (size_t)n) != 0)
      why = "accents are stripped from the text (accents: insensitive); write the letter "
            "itself, which is stripped too";
    else
      why = "texts are matched in lower case; write the character in lower case";
    sectag_buf_free(&b);
  }
  sectag_buf_free(&a);
  return why;
}

/* Parses the code point of \x{...}, \xHH or \N{U+...} at p[i] (a
 * backslash). Returns the length of the escape, 0 if it is none of these. */
static size_t S_escape_cp(const char *p, size_t i, utf8proc_int32_t *cp) {
  size_t j = i + 2;
  if (p[i + 1] == 'N' && p[j] == '{' && p[j + 1] == 'U' && p[j + 2] == '+')
    j += 3;
  else if (p[i + 1] == 'x' && p[j] == '{')
    j += 1;
  else if (p[i + 1] == 'x') {
    long v = 0;
    size_t k = j;
    while (k < j + 2 && strchr("0123456789abcdefABCDEF", p[k]) && p[k]) {
      v = v * 16 + (p[k] <= '9' ? p[k] - '0' : (p[k] | 0x20) - 'a' + 10);
      k++;
    }
    *cp = (utf8proc_int32_t)v;
    return k - i;
  } else
    return 0;
  long v = 0;
  size_t start = j;
  while (p[j] && strchr("0123456789abcdefABCDEF", p[j]) && j - start < 8) {
    v = v * 16 + (p[j] <= '9' ? p[j] - '0' : (p[j] | 0x20) - 'a' + 10);
    j++;
  }
  if (p[j] != '}' || j == start) return 0;
  *cp = (utf8proc_int32_t)v;
  return j + 1 - i;
}

/* Finds a part of a regex pattern that can never match the normalized
 * text (see check.h). Returns its byte offset and sets *what (how to name
 * it, owned by b) and *why, or returns -1. Only the first is reported. */
static long S_never(const char *p, int strip_accents, sectag_buf *what, const char **why) {
  static const char ws[] = "every run of white space in the text is one space";
  int ext = S_extended(p), cls = 0, quoted = 0;
  size_t n = strlen(p);
  for (size_t i = 0; i < n;) {
    char ch = p[i];
    if (quoted) { /* \Q...\E: literal, even in extended mode */
      if (ch == '\\' && p[i + 1] == 'E') {
        quoted = 0;
        i += 2;
        continue;
      }
      if (ch == ' ' && p[i + 1] == ' ') {
        sectag_buf_puts(what, "two spaces in a row");
        *why = ws;
        return (long)i;
      }
      if (ch == '\n' || ch == '\t' || ch == '\r') {
        sectag_buf_puts(what, ch == '\t' ? "a tab" : "a line break");
        *why = ws;
        return (long)i;
      }
      i++;
      continue;
    }
    if (cls) { /* a character class may still match something else */
      if (ch == '\\' && i + 1 < n)
        i += 2;
      else if (ch == '[' && p[i + 1] == ':') {
        const char *end = strstr(p + i + 2, ":]");
        i = end ? (size_t)(end - p) + 2 : i + 1;
      } else {
        if (ch == ']') cls = 0;
        i++;
      }
      continue;
    }
    if (ch == '\\') {
      char e = p[i + 1];
      if (!e) break;
      if (e == 'Q') {
        quoted = 1;
        i += 2;
        continue;
      }
      if (strchr("nrtfvR", e)) {
        sectag_buf_printf(what, "'\\%c'", e);
        *why = e == 'R' || e == 'v' ? "there are no line breaks in the text: every run of "
                                      "white space is one space; write ' ' or \\s"
                                    : "every run of white space in the text is one space; "
                                      "write ' ' or \\s";
        return (long)i;
      }
      utf8proc_int32_t cp;
      size_t len = S_escape_cp(p, i, &cp);
      if (len) {
        const char *w = S_cp_never(cp, strip_accents);
        if (w) {
          sectag_buf_printf(what, "the escape '%.*s'", (int)len, p + i);
          *why = w;
          return (long)i;
        }
        i += len;
        continue;
      }
      i += 2;
      if (strchr("pPkgNo", e) && strchr("{<'", p[i]) && p[i]) { /* \p{..} \k<..> ... */
        char close = p[i] == '{' ? '}' : p[i] == '<' ? '>' : '\'';
        while (i < n && p[i] != close) i++;
        i++;
      }
      continue;
    }
    if (ch == '[') {
      cls = 1;
      i++;
      if (p[i] == '^') i++;
      if (p[i] == ']') i++; /* a ']' first is literal */
      continue;
    }
    if (ch == '(' && p[i + 1] == '?' && p[i + 2] == '#') { /* (?# comment ) */
      while (i < n && p[i] != ')') i++;
      continue;
    }
    if (!ext && ch == ' ' && p[i + 1] == ' ' && !strchr("?*{", p[i + 2] ? p[i + 2] : 'x')) {
      sectag_buf_puts(what, "two spaces in a row");
      *why = ws;
      return (long)i;
    }
    if (!ext && (ch == '\n' || ch == '\t' || ch == '\r' || ch == '\f' || ch == '\v')) {
      sectag_buf_puts(what, ch == '\t' ? "a tab" : "a line break");
      *why = ws;
      return (long)i;
    }
    i++;
  }
  return -1;
}

/* A warning for the first part of a regex that can never match. */
static void S_never_warning(S_ctx *c, const char *pattern, const char *rid, const char *cid,
                            unsigned long line, unsigned long col, sectag_buf *msg) {
  sectag_buf what = SECTAG_BUF_INIT;
  const char *why = NULL;
  long off = S_never(pattern, c->cb->strip_accents, &what, &why);
  if (off >= 0) {
    sectag_buf_printf(msg, "rule '%s' (code %s): %s can never match, because %s", rid, cid,
                      sectag_buf_cstr(&what), why);
    S_add(c, SECTAG_CHECK_WARNING, line, col, msg, S_caret(pattern, (size_t)off));
  }
  sectag_buf_free(&what);
}

/* The code named in messages about context k: the first code that has it,
 * else the code of the first rule that has it (as the matcher names it). */
static const char *S_context_code(const sectag_codebook *cb, long k) {
  for (size_t i = 0; i < cb->ncodes; i++)
    if (cb->codes[i].context == k) return cb->codes[i].id;
  for (size_t i = 0; i < cb->nrules; i++)
    if (cb->rules[i].context == k) return cb->codes[cb->rules[i].code].id;
  return "?";
}

static int S_same_ctxpats(const sectag_ctxpat *a, size_t na, const sectag_ctxpat *b,
                          size_t nb) {
  if (na != nb) return 0;
  for (size_t i = 0; i < na; i++) {
    if (!a[i].pattern != !b[i].pattern) return 0;
    if (a[i].pattern ? strcmp(a[i].pattern, b[i].pattern) != 0
                     : a[i].code_index != b[i].code_index)
      return 0;
  }
  return 1;
}

/* Whether two rules' contexts (indexes, -1 for none) work the same. */
static int S_same_context(const sectag_codebook *cb, long a, long b) {
  if (a == b) return 1;
  if (a < 0 || b < 0) return 0;
  const sectag_context *x = &cb->contexts[a], *y = &cb->contexts[b];
  return x->sentence == y->sentence && (x->sentence || (x->before == y->before &&
                                                        x->after == y->after)) &&
         S_same_ctxpats(x->unless, x->nunless, y->unless, y->nunless) &&
         S_same_ctxpats(x->near, x->nnear, y->near, y->nnear);
}

/* What a rule matches, as a string to compare: the pattern normalized as
 * the matcher normalizes it. A regex made only of letters, digits, spaces,
 * apostrophes and hyphens and a `words:` entry without * or ? match the
 * same tokens when they are equal, so they share a key. */
static char *S_rule_key(const sectag_codebook *cb, const sectag_rule *r) {
  sectag_buf n = SECTAG_BUF_INIT, key = SECTAG_BUF_INIT;
  const char *p = r->pattern;
  sectag_normalize(p, strlen(p), r->words, cb->strip_accents, &n);
  int literal = !r->partial;
  for (size_t i = 0; literal && p[i]; i++) {
    unsigned char ch = (unsigned char)p[i];
    literal = r->words ? ch != '*' && ch != '?'
                       : ch >= 0x80 || ch == ' ' || ch == '\'' || ch == '-' ||
                             (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
                             (ch >= 'A' && ch <= 'Z');
  }
  if (literal)
    sectag_buf_puts(&key, "literal ");
  else
    sectag_buf_puts(&key, r->words ? "words " : r->partial ? "partial " : "regex ");
  /* white space: one space (a words: phrase is split at any run of it) */
  int space = 0, started = 0;
  for (size_t i = 0; i < n.len; i++) {
    unsigned char ch = (unsigned char)n.ptr[i];
    int ws = ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
    if (ws && (literal || r->words)) {
      space = 1;
      continue;
    }
    if (space && started) sectag_buf_putc(&key, ' ');
    space = 0;
    started = 1;
    sectag_buf_putc(&key, ch);
  }
  sectag_buf_free(&n);
  return sectag_buf_detach(&key);
}

typedef struct S_keyed {
  char *key;
  size_t rule;
} S_keyed;

static int S_cmp_keyed(const void *a, const void *b) {
  const S_keyed *x = a, *y = b;
  int c = strcmp(x->key, y->key);
  return c ? c : x->rule < y->rule ? -1 : x->rule > y->rule;
}

static void S_rule_warnings(S_ctx *c) {
  const sectag_codebook *cb = c->cb;
  sectag_buf msg = SECTAG_BUF_INIT, what = SECTAG_BUF_INIT;
  /* the matcher's own (upper-case letters) */
  for (size_t i = 0; i < sectag_matcher_warning_count(c->m); i++) {
    const sectag_error *w = sectag_matcher_warning(c->m, i);
    sectag_buf_puts(&msg, w->message);
    S_add(c, SECTAG_CHECK_WARNING, w->line, w->col, &msg,
          w->detail ? sectag_xstrdup(w->detail) : NULL);
  }
  /* parts that can never match (regex patterns only: `words:` entries are
   * case-folded and split at white space like the text) */
  for (size_t i = 0; i < cb->nrules; i++) {
    const sectag_rule *r = &cb->rules[i];
    if (r->words) continue;
    S_never_warning(c, r->pattern, r->id, cb->codes[r->code].id, r->line, r->col, &msg);
  }
  for (size_t k = 0; k < cb->ncontexts; k++) {
    const sectag_context *x = &cb->contexts[k];
    const char *cid = S_context_code(cb, (long)k);
    char rid[32];
    for (int list = 0; list < 2; list++) {
      const sectag_ctxpat *it = list ? x->near : x->unless;
      size_t n = list ? x->nnear : x->nunless;
      for (size_t j = 0; j < n; j++) {
        if (!it[j].pattern) continue; /* {code: ID} */
        snprintf(rid, sizeof rid, "%s %zu", list ? "near" : "unless", j + 1);
        S_never_warning(c, it[j].pattern, rid, cid, it[j].line, it[j].col, &msg);
      }
    }
  }
  /* the same pattern twice, as the matcher sees it, with the same context
   * (in one code; across codes too unless the codebook has overlap: all):
   * sorted by key, so a dictionary of thousands of entries stays fast */
  S_keyed *keys = sectag_xcalloc(cb->nrules ? cb->nrules : 1, sizeof *keys);
  for (size_t i = 0; i < cb->nrules; i++) keys[i] = (S_keyed){S_rule_key(cb, &cb->rules[i]), i};
  sectag_sort(keys, cb->nrules, sizeof *keys, S_cmp_keyed);
  for (size_t a = 0, b; a < cb->nrules; a = b) {
    for (b = a + 1; b < cb->nrules && strcmp(keys[a].key, keys[b].key) == 0; b++) {}
    for (size_t k = a + 1; k < b; k++) {
      const sectag_rule *r = &cb->rules[keys[k].rule];
      for (size_t j = a; j < k; j++) {
        const sectag_rule *f = &cb->rules[keys[j].rule];
        if (!S_same_context(cb, f->context, r->context)) continue;
        /* with overlap: all, one entry in two codes is how a dictionary
         * (LIWC, imported) counts a word for both: not a mistake */
        if (cb->overlap_all && f->code != r->code) continue;
        sectag_buf_printf(&msg, "rule '%s' (code %s) has the same %s as rule '%s' (code %s) "
                                "at %s:%lu; keep one of them",
                          r->id, cb->codes[r->code].id, r->words ? "entry" : "pattern", f->id,
                          cb->codes[f->code].id, c->path, f->line);
        sectag_buf_clear(&what);
        sectag_buf_puts(&what, "    ");
        S_pattern_line(&what, r->pattern);
        S_add(c, SECTAG_CHECK_WARNING, r->line, r->col, &msg, sectag_buf_detach(&what));
        break;
      }
    }
  }
  for (size_t i = 0; i < cb->nrules; i++) free(keys[i].key);
  free(keys);
  sectag_buf_free(&msg);
  sectag_buf_free(&what);
}

/* ---------------------------------------------------------- examples */

/* Whether code c is x or below x. */
static int S_under(const sectag_codebook *cb, size_t c, size_t x) {
  for (long i = (long)c; i >= 0; i = cb->codes[i].parent)
    if ((size_t)i == x) return 1;
  return 0;
}

/* A text coded as a one-document corpus, or NULL with err set. */
static sectag_doc *S_code_text(const sectag_matcher *m, const char *text, sectag_error *err) {
  sectag_doc *d = sectag_doc_from_bytes(text, strlen(text), "example", NULL, err);
  if (!d) return NULL;
  if (sectag_doc_code(d, m, err) != 0) {
    sectag_doc_free(d);
    return NULL;
  }
  return d;
}

/* The text a match covers, quoted. */
static void S_match_text(sectag_buf *b, const sectag_doc *d, const sectag_match *mt) {
  size_t len;
  const char *t = sectag_doc_text(d, &len);
  S_quote(b, t + mt->start, mt->end - mt->start);
}

/* Whether doc d has a match of rule `rule` on the same shadow span. */
static int S_has_match(const sectag_doc *d, const sectag_match *mt) {
  const sectag_match *ms = sectag_doc_matches(d);
  for (size_t i = 0; i < sectag_doc_match_count(d); i++)
    if (ms[i].rule == mt->rule && ms[i].nstart == mt->nstart && ms[i].nend == mt->nend) return 1;
  return 0;
}

/* "rule 'ID'", and its code when it is not x. */
static void S_rule_name(sectag_buf *b, const sectag_codebook *cb, size_t rule, size_t x) {
  const sectag_rule *r = &cb->rules[rule];
  sectag_buf_printf(b, "rule '%s'", r->id);
  if (r->code != x) sectag_buf_printf(b, " (code %s)", cb->codes[r->code].id);
}

/* The warning for an example matched by rules of both polarities at
 * overlapping places (in the overlap: all run). */
static void S_polarity(S_ctx *c, size_t x, const char *text, unsigned long line,
                       const sectag_doc *all, const sectag_doc *real) {
  const sectag_codebook *cb = c->cb;
  const sectag_match *ms = sectag_doc_matches(all);
  size_t n = sectag_doc_match_count(all);
  unsigned char *inv = sectag_xcalloc(n ? n : 1, 1);
  long first_sec = -1, first_desec = -1;
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n; j++) {
      sectag_polarity pi = cb->codes[ms[i].code].polarity, pj = cb->codes[ms[j].code].polarity;
      if (pi == SECTAG_NEUTRAL || pj == SECTAG_NEUTRAL || pi == pj) continue;
      if (!(ms[i].nstart < ms[j].nend && ms[j].nstart < ms[i].nend)) continue;
      inv[i] = inv[j] = 1;
      if (first_sec < 0) {
        first_sec = (long)(pi == SECTAG_SECURITIZING ? i : j);
        first_desec = (long)(pi == SECTAG_SECURITIZING ? j : i);
      }
    }
  if (first_sec >= 0) {
    sectag_buf msg = SECTAG_BUF_INIT, det = SECTAG_BUF_INIT;
    sectag_buf_puts(&msg, "example ");
    S_quote(&msg, text, strlen(text));
    sectag_buf_printf(&msg,
                      " of code %s is matched by rule '%s' (securitizing) and rule '%s' "
                      "(desecuritizing)",
                      cb->codes[x].id, cb->rules[ms[first_sec].rule].id,
                      cb->rules[ms[first_desec].rule].id);
    for (size_t i = 0; i < n; i++) {
      if (!inv[i]) continue;
      if (det.len) sectag_buf_putc(&det, '\n');
      sectag_buf_printf(&det, "    rule '%s' (%s) matches ", cb->rules[ms[i].rule].id,
                        sectag_polarity_name(cb->codes[ms[i].code].polarity));
      S_match_text(&det, all, &ms[i]);
      if (!cb->overlap_all)
        sectag_buf_puts(&det, S_has_match(real, &ms[i]) ? ", kept by overlap longest"
                                                        : ", dropped by overlap longest");
    }
    S_add(c, SECTAG_CHECK_WARNING, line, 0, &msg, sectag_buf_detach(&det));
    sectag_buf_free(&msg);
  }
  free(inv);
}

/* The start of an example's or counterexample's check: counts it, writes
 * "code X: KIND \"TEXT\"" into msg, and codes the text. Returns the coded
 * document, or NULL after reporting the failure (msg freed). */
static sectag_doc *S_case(S_ctx *c, size_t x, const char *kind, const char *text,
                          unsigned long line, sectag_buf *msg) {
  sectag_error err = SECTAG_ERROR_INIT;
  sectag_buf_printf(msg, "code %s: %s ", c->cb->codes[x].id, kind);
  S_quote(msg, text, strlen(text));
  sectag_doc *d = S_code_text(c->m, text, &err);
  if (!d) {
    sectag_buf_printf(msg, " could not be coded: %s", err.message);
    S_add(c, SECTAG_CHECK_FAILED, line, 0, msg, NULL);
    sectag_error_clear(&err);
    sectag_buf_free(msg);
  }
  return d;
}

static void S_example(S_ctx *c, size_t x, size_t k) {
  const sectag_codebook *cb = c->cb;
  const char *text = cb->codes[x].examples[k];
  unsigned long line = c->ex_line[x][k];
  sectag_buf msg = SECTAG_BUF_INIT, det = SECTAG_BUF_INIT;
  sectag_error err = SECTAG_ERROR_INIT;
  c->res->nexamples++;
  sectag_doc *d = S_case(c, x, "example", text, line, &msg);
  if (!d) return;
  const sectag_match *ms = sectag_doc_matches(d);
  size_t n = sectag_doc_match_count(d), hit = 0;
  for (size_t i = 0; i < n && !hit; i++) hit = S_under(cb, ms[i].code, x);
  sectag_doc *all = S_code_text(c->all, text, &err);
  sectag_error_clear(&err);
  if (hit) {
    S_add(c, SECTAG_CHECK_PASSED, line, 0, &msg, NULL);
  } else {
    sectag_buf_puts(&msg, " not matched");
    /* what was coded instead, and which rules of x lost to a longer match */
    for (size_t i = 0; i < n; i++) {
      if (det.len) sectag_buf_putc(&det, '\n');
      sectag_buf_puts(&det, "    coded instead: ");
      S_match_text(&det, d, &ms[i]);
      sectag_buf_printf(&det, " as %s by rule '%s'", cb->codes[ms[i].code].id,
                        cb->rules[ms[i].rule].id);
    }
    const sectag_match *as = all ? sectag_doc_matches(all) : NULL;
    for (size_t i = 0; all && i < sectag_doc_match_count(all); i++) {
      if (!S_under(cb, as[i].code, x)) continue;
      if (det.len) sectag_buf_putc(&det, '\n');
      sectag_buf_puts(&det, "    ");
      S_rule_name(&det, cb, as[i].rule, x);
      sectag_buf_puts(&det, " matches ");
      S_match_text(&det, all, &as[i]);
      sectag_buf_puts(&det, ", but an overlapping match wins (overlap: longest)");
    }
    S_add(c, SECTAG_CHECK_FAILED, line, 0, &msg, det.len ? sectag_buf_detach(&det) : NULL);
  }
  if (all) S_polarity(c, x, text, line, all, d);
  sectag_doc_free(all);
  sectag_doc_free(d);
  sectag_buf_free(&msg);
  sectag_buf_free(&det);
}

static void S_counterexample(S_ctx *c, size_t x, size_t k) {
  const sectag_codebook *cb = c->cb;
  const char *text = cb->codes[x].counterexamples[k];
  unsigned long line = c->cex_line[x][k];
  sectag_buf msg = SECTAG_BUF_INIT, det = SECTAG_BUF_INIT;
  c->res->ncounterexamples++;
  sectag_doc *d = S_case(c, x, "counterexample", text, line, &msg);
  if (!d) return;
  const sectag_match *ms = sectag_doc_matches(d);
  long first = -1;
  for (size_t i = 0; i < sectag_doc_match_count(d); i++) {
    if (!S_under(cb, ms[i].code, x)) continue;
    if (first < 0) first = (long)i;
    const sectag_rule *r = &cb->rules[ms[i].rule];
    if (det.len) sectag_buf_putc(&det, '\n');
    sectag_buf_puts(&det, "    ");
    S_match_text(&det, d, &ms[i]);
    sectag_buf_printf(&det, " matched by rule '%s' (line %lu): ", r->id, r->line);
    S_pattern_line(&det, r->pattern);
  }
  if (first < 0) {
    S_add(c, SECTAG_CHECK_PASSED, line, 0, &msg, NULL);
  } else {
    sectag_buf_puts(&msg, " matched by ");
    S_rule_name(&msg, cb, ms[first].rule, x);
    S_add(c, SECTAG_CHECK_FAILED, line, 0, &msg, sectag_buf_detach(&det));
  }
  sectag_doc_free(d);
  sectag_buf_free(&msg);
  sectag_buf_free(&det);
}

static void S_code_warnings(S_ctx *c, size_t x) {
  const sectag_codebook *cb = c->cb;
  const sectag_code *cd = &cb->codes[x];
  if (!c->has_rules[x] || (cd->nexamples && cd->ncounterexamples)) return; /* groups need none */
  sectag_buf msg = SECTAG_BUF_INIT;
  if (!cd->nexamples && !cd->ncounterexamples)
    sectag_buf_printf(&msg, "code %s has no examples and no counterexamples; add sentences "
                            "it must code (examples) and sentences it must not "
                            "(counterexamples)",
                      cd->id);
  else if (!cd->nexamples)
    sectag_buf_printf(&msg, "code %s has no examples; add sentences it must code (examples)",
                      cd->id);
  else
    sectag_buf_printf(&msg, "code %s has no counterexamples; add sentences it must not code "
                            "(counterexamples)",
                      cd->id);
  S_add(c, SECTAG_CHECK_WARNING, cd->line, cd->col, &msg, NULL);
  sectag_buf_free(&msg);
}

/* ------------------------------------------------------------- the run */

typedef struct S_sorted {
  sectag_check_item item;
  size_t seq;
} S_sorted;

static int S_cmp_items(const void *a, const void *b) {
  const S_sorted *x = a, *y = b;
  /* an unknown line (0) goes last */
  unsigned long lx = x->item.e.line ? x->item.e.line : (unsigned long)-1;
  unsigned long ly = y->item.e.line ? y->item.e.line : (unsigned long)-1;
  if (lx != ly) return lx < ly ? -1 : 1;
  if (x->item.e.col != y->item.e.col) return x->item.e.col < y->item.e.col ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void S_sort(sectag_check_result *res) {
  S_sorted *s = sectag_xcalloc(res->nitems ? res->nitems : 1, sizeof *s);
  for (size_t i = 0; i < res->nitems; i++) s[i] = (S_sorted){res->items[i], i};
  sectag_sort(s, res->nitems, sizeof *s, S_cmp_items);
  for (size_t i = 0; i < res->nitems; i++) res->items[i] = s[i].item;
  free(s);
}

/* Checks cb, whose YAML is yaml[0, len). */
static int S_check(sectag_codebook *cb, const char *yaml, size_t len, const char *path,
                   sectag_check_result *res, sectag_error *err) {
  sectag_matcher *m = sectag_matcher_new(cb, err);
  if (!m) return -1;
  /* the same rules with overlap: all */
  sectag_codebook *cb_all = sectag_codebook_parse(yaml, len, path, err);
  sectag_matcher *all = NULL;
  if (cb_all) {
    cb_all->overlap_all = 1;
    all = sectag_matcher_new(cb_all, err);
  }
  if (!all) {
    sectag_matcher_free(m);
    sectag_codebook_free(cb_all);
    return -1;
  }
  S_ctx c;
  memset(&c, 0, sizeof c);
  c.path = path;
  c.cb = cb;
  c.m = m;
  c.all = all;
  c.res = res;
  res->ncodes = cb->ncodes;
  res->nrules = cb->nrules;
  c.ex_line = sectag_xcalloc(cb->ncodes ? cb->ncodes : 1, sizeof *c.ex_line);
  c.cex_line = sectag_xcalloc(cb->ncodes ? cb->ncodes : 1, sizeof *c.cex_line);
  for (size_t i = 0; i < cb->ncodes; i++) {
    c.ex_line[i] = sectag_xcalloc(cb->codes[i].nexamples + 1, sizeof **c.ex_line);
    c.cex_line[i] = sectag_xcalloc(cb->codes[i].ncounterexamples + 1, sizeof **c.cex_line);
  }
  S_example_lines(&c, yaml, len);
  c.has_rules = sectag_xcalloc(cb->ncodes + 1, 1);
  for (size_t i = 0; i < cb->nrules; i++) c.has_rules[cb->rules[i].code] = 1;

  S_rule_warnings(&c);
  for (size_t x = 0; x < cb->ncodes; x++) {
    S_code_warnings(&c, x);
    for (size_t k = 0; k < cb->codes[x].nexamples; k++) S_example(&c, x, k);
    for (size_t k = 0; k < cb->codes[x].ncounterexamples; k++) S_counterexample(&c, x, k);
  }
  S_sort(res);

  for (size_t i = 0; i < cb->ncodes; i++) {
    free(c.ex_line[i]);
    free(c.cex_line[i]);
  }
  free(c.ex_line);
  free(c.cex_line);
  free(c.has_rules);
  sectag_matcher_free(all);
  sectag_codebook_free(cb_all);
  sectag_matcher_free(m);
  return 0;
}

int sectag_check_parse(const char *yaml, size_t len, const char *path,
                       sectag_check_result *res, sectag_error *err) {
  memset(res, 0, sizeof *res);
  sectag_codebook *cb = sectag_codebook_parse(yaml, len, path, err);
  if (!cb) return -1;
  int rc = S_check(cb, yaml, len, path, res, err);
  sectag_codebook_free(cb);
  return rc;
}

int sectag_check_codebook(const char *path, sectag_check_result *res, sectag_error *err) {
  memset(res, 0, sizeof *res);
  /* loaded as `sectag code` loads it, so the messages are the same */
  sectag_codebook *cb = sectag_codebook_load(path, err);
  if (!cb) {
    /* `sectag code`'s hint names its option; check has none */
    static const char hint[] = "; check the path given with -c";
    size_t n = err->message ? strlen(err->message) : 0;
    if (n >= sizeof hint - 1 && strcmp(err->message + n - (sizeof hint - 1), hint) == 0)
      err->message[n - (sizeof hint - 1) + strlen("; check the path")] = '\0';
    return -1;
  }
  char *yaml = NULL;
  size_t len = 0;
  int rc = -1;
  if (sectag_read_file(path, &yaml, &len, err) == 0) {
    rc = S_check(cb, yaml, len, path, res, err);
  } else {
    err->code = SECTAG_ERR_CODEBOOK;
  }
  free(yaml);
  sectag_codebook_free(cb);
  return rc;
}

void sectag_check_result_free(sectag_check_result *res) {
  if (!res) return;
  for (size_t i = 0; i < res->nitems; i++) sectag_error_clear(&res->items[i].e);
  free(res->items);
  memset(res, 0, sizeof *res);
}
