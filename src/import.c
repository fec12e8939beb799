/* import.c: `sectag import`: a dictionary of another program (LIWC,
 * quanteda YAML, Yoshikoder, Lexicoder, WordStat) -> a tree of categories
 * (sectag_dict) -> a sectag codebook in YAML. One reader per format fills
 * the tree; the writer only walks it (see import.h). */
#include "import.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>
#include <yaml.h>

#include "codebook.h"
#include "document.h"
#include "encoding.h"
#include "error.h"
#include "xmlsafe.h"

/* Deeper trees than this are refused (no real dictionary comes close). */
#define MAX_DEPTH 32

/* ------------------------------------------------------------ formats */

static const struct {
  const char *name, *title, *ext[2];
} S_formats[] = {
    {"", "unknown", {NULL, NULL}},
    {"liwc", "LIWC", {"dic", NULL}},
    {"quanteda", "quanteda YAML", {"yml", "yaml"}},
    {"yoshikoder", "Yoshikoder", {"ykd", NULL}},
    {"lexicoder", "Lexicoder", {"lc3", NULL}},
    {"wordstat", "WordStat", {"cat", NULL}},
};
#define NFORMATS (sizeof S_formats / sizeof S_formats[0])

sectag_dict_format sectag_dict_format_named(const char *name) {
  for (size_t i = 1; i < NFORMATS; i++)
    if (strcmp(name, S_formats[i].name) == 0) return (sectag_dict_format)i;
  return SECTAG_DICT_UNKNOWN;
}

sectag_dict_format sectag_dict_format_of_path(const char *path) {
  const char *slash = strrchr(path, '/');
  const char *dot = strrchr(slash ? slash + 1 : path, '.');
  if (!dot) return SECTAG_DICT_UNKNOWN;
  for (size_t i = 1; i < NFORMATS; i++)
    for (size_t k = 0; k < 2 && S_formats[i].ext[k]; k++)
      if (strcasecmp(dot + 1, S_formats[i].ext[k]) == 0) return (sectag_dict_format)i;
  return SECTAG_DICT_UNKNOWN;
}

const char *sectag_dict_format_title(sectag_dict_format f) {
  return (size_t)f < NFORMATS ? S_formats[f].title : "unknown";
}

/* ------------------------------------------------------------ strings */

static int S_is_space_cp(utf8proc_int32_t cp) {
  if (cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85) return 1;
  utf8proc_category_t cat = utf8proc_category(cp);
  return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
         cat == UTF8PROC_CATEGORY_ZP;
}

/* s[0..n) (valid UTF-8) with every run of white space made one space, none
 * at either end, and the characters a YAML file cannot hold (controls,
 * U+FEFF, U+FFFE, U+FFFF) left out. Returns an owned string. */
static char *S_clean(const char *s, size_t n) {
  sectag_buf b = SECTAG_BUF_INIT;
  int space = 0;
  for (size_t i = 0; i < n;) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t k =
        utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
    if (k <= 0) { /* cannot happen on validated input; drop the byte */
      i++;
      continue;
    }
    if (S_is_space_cp(cp)) {
      space = 1;
    } else if (!(cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || cp == 0xFEFF || cp == 0xFFFE ||
                 cp == 0xFFFF)) {
      if (space && b.len) sectag_buf_putc(&b, ' ');
      space = 0;
      sectag_buf_put(&b, s + i, (size_t)k);
    }
    i += (size_t)k;
  }
  return sectag_buf_detach(&b);
}

char *sectag_dict_slug(const char *name) {
  utf8proc_uint8_t *folded = NULL;
  utf8proc_ssize_t k = utf8proc_map((const utf8proc_uint8_t *)name, 0, &folded,
                                    UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_DECOMPOSE |
                                        UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD);
  const char *src = k >= 0 ? (const char *)folded : name;
  sectag_buf b = SECTAG_BUF_INIT;
  for (const unsigned char *p = (const unsigned char *)src; *p;) {
    char ch = '_';
    if (*p >= 0x80) { /* a letter without an ASCII base (after marks are gone) */
      for (p++; (*p & 0xC0) == 0x80; p++) {}
    } else {
      ch = (char)*p++;
      if (ch >= 'A' && ch <= 'Z') ch = (char)(ch - 'A' + 'a');
      if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'))
        ch = '_';
    }
    if ((ch == '_' || ch == '-') && b.len == 0) continue;
    if (ch == '_' && b.ptr[b.len - 1] == '_') continue;
    sectag_buf_putc(&b, ch);
  }
  free(folded);
  while (b.len && (b.ptr[b.len - 1] == '_' || b.ptr[b.len - 1] == '-')) b.len--;
  if (b.len) b.ptr[b.len] = '\0';
  if (b.len == 0) {
    sectag_buf_free(&b);
    return sectag_xstrdup("category");
  }
  char *slug = sectag_buf_detach(&b);
  /* a segment starts with a letter; s<N> and m<N> are TEI ids */
  int reserved = (slug[0] == 's' || slug[0] == 'm') && slug[1] &&
                 strspn(slug + 1, "0123456789") == strlen(slug + 1);
  if ((slug[0] >= '0' && slug[0] <= '9') || reserved) {
    sectag_buf p = SECTAG_BUF_INIT;
    sectag_buf_printf(&p, "c_%s", slug);
    free(slug);
    slug = sectag_buf_detach(&p);
  }
  return slug;
}

/* ------------------------------------------------------------ a set of strings */

/* Open addressing over (tag, string) pairs; the strings are borrowed. */
typedef struct {
  const char *s;
  size_t tag;
  size_t value;
} S_slot;

typedef struct {
  S_slot *b;
  size_t cap, n;
} S_set;

static size_t S_set_hash(size_t tag, const char *s, size_t n) {
  return (size_t)(sectag_hash(s, n) ^ ((uint64_t)tag * 0x9E3779B97F4A7C15ULL));
}

static S_slot *S_set_slot(const S_set *set, size_t tag, const char *s, size_t n) {
  size_t h = S_set_hash(tag, s, n) & (set->cap - 1);
  for (;; h = (h + 1) & (set->cap - 1)) {
    S_slot *x = &set->b[h];
    if (!x->s || (x->tag == tag && strlen(x->s) == n && memcmp(x->s, s, n) == 0)) return x;
  }
}

/* The slot of (tag, s[0..n)), or NULL. */
static const S_slot *S_set_get(const S_set *set, size_t tag, const char *s, size_t n) {
  if (!set->cap) return NULL;
  const S_slot *x = S_set_slot(set, tag, s, n);
  return x->s ? x : NULL;
}

/* Adds (tag, s) with value unless present. Returns 1 if added. */
static int S_set_add(S_set *set, size_t tag, const char *s, size_t value) {
  if (2 * (set->n + 1) > set->cap) {
    S_set old = *set;
    set->cap = old.cap ? old.cap * 2 : 64;
    set->b = sectag_xcalloc(set->cap, sizeof *set->b);
    set->n = 0;
    for (size_t i = 0; i < old.cap; i++)
      if (old.b[i].s) *S_set_slot(set, old.b[i].tag, old.b[i].s, strlen(old.b[i].s)) = old.b[i];
    set->n = old.n;
    free(old.b);
  }
  S_slot *x = S_set_slot(set, tag, s, strlen(s));
  if (x->s) return 0;
  x->s = s;
  x->tag = tag;
  x->value = value;
  set->n++;
  return 1;
}

static void S_set_free(S_set *set) {
  free(set->b);
  set->b = NULL;
  set->cap = set->n = 0;
}

/* ------------------------------------------------------------ the tree */

typedef struct {
  sectag_dict *d;
  const char *src; /* the bytes being parsed */
  size_t len;
  sectag_error *err;
  S_set seen; /* (category, entry) pairs already added */
} S_ctx;

static void S_warn(S_ctx *c, unsigned long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void S_warn(S_ctx *c, unsigned long line, const char *fmt, ...) {
  sectag_dict *d = c->d;
  sectag_buf b = SECTAG_BUF_INIT;
  va_list ap;
  va_start(ap, fmt);
  sectag_buf_vprintf(&b, fmt, ap);
  va_end(ap);
  d->warnings = sectag_xrealloc(d->warnings, (d->nwarnings + 1) * sizeof *d->warnings);
  sectag_error *w = &d->warnings[d->nwarnings++];
  sectag_error z = SECTAG_ERROR_INIT;
  *w = z;
  sectag_error_set(w, SECTAG_WARNING, d->path, line, 0, "%s", sectag_buf_cstr(&b));
  sectag_buf_free(&b);
}

static int S_id_taken(const sectag_dict *d, const char *id) {
  for (size_t i = 0; i < d->ncats; i++)
    if (strcmp(d->cats[i].id, id) == 0) return 1;
  return 0;
}

/* The category `name` (cleaned, non-empty) under parent: an existing
 * sibling of the same name, or a new category with a unique id. */
static long S_cat(S_ctx *c, long parent, const char *name, unsigned long line) {
  sectag_dict *d = c->d;
  for (size_t i = 0; i < d->ncats; i++)
    if (d->cats[i].parent == parent && strcmp(d->cats[i].name, name) == 0) return (long)i;
  char *slug = sectag_dict_slug(name);
  sectag_buf id = SECTAG_BUF_INIT;
  if (parent >= 0) sectag_buf_printf(&id, "%s.", d->cats[parent].id);
  sectag_buf_puts(&id, slug);
  size_t base = id.len;
  for (unsigned n = 2; S_id_taken(d, id.ptr); n++) {
    id.len = base;
    sectag_buf_printf(&id, "_%u", n);
  }
  free(slug);
  d->cats = sectag_xrealloc(d->cats, (d->ncats + 1) * sizeof *d->cats);
  sectag_dict_cat *k = &d->cats[d->ncats];
  memset(k, 0, sizeof *k);
  k->name = sectag_xstrdup(name);
  k->id = sectag_buf_detach(&id);
  k->parent = parent;
  k->polarity = SECTAG_NEUTRAL;
  k->line = line;
  return (long)d->ncats++;
}

/* Adds the entry raw[0..n) to category cat: '_' made a space, cleaned,
 * runs of '*' made one, case-folded; an entry of wildcards only, or without
 * a letter or digit, is skipped with a warning, a duplicate silently. */
static void S_entry(S_ctx *c, long cat, const char *raw, size_t n, unsigned long line) {
  /* '_' joins the words of a phrase (quanteda's compound tokens): it is
   * never part of a word in sectag */
  char *under = sectag_xstrndup(raw, n);
  for (char *p = under; *p; p++)
    if (*p == '_') *p = ' ';
  char *clean = S_clean(under, strlen(under));
  free(under);
  size_t j = 0;
  for (size_t i = 0; clean[i]; i++)
    if (!(clean[i] == '*' && j > 0 && clean[j - 1] == '*')) clean[j++] = clean[i];
  clean[j] = '\0';
  if (!*clean) {
    S_warn(c, line, "skipped an empty entry in category '%s'", c->d->cats[cat].name);
    free(clean);
    return;
  }
  if (strspn(clean, "*? ") == j) {
    S_warn(c, line,
           "skipped the entry '%s' in category '%s': it has only wildcards, so it would "
           "match every word",
           clean, c->d->cats[cat].name);
    free(clean);
    return;
  }
  int letter = 0;
  for (size_t i = 0; i < j && !letter;) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t k =
        utf8proc_iterate((const utf8proc_uint8_t *)clean + i, (utf8proc_ssize_t)(j - i), &cp);
    if (k <= 0) break;
    utf8proc_category_t gc = utf8proc_category(cp);
    letter = (gc >= UTF8PROC_CATEGORY_LU && gc <= UTF8PROC_CATEGORY_LO) ||
             (gc >= UTF8PROC_CATEGORY_ND && gc <= UTF8PROC_CATEGORY_NO);
    i += (size_t)k;
  }
  if (!letter) {
    S_warn(c, line,
           "skipped the entry '%s' in category '%s': it has no letter or digit, and sectag "
           "matches entries on words",
           clean, c->d->cats[cat].name);
    free(clean);
    return;
  }
  sectag_buf folded = SECTAG_BUF_INIT;
  sectag_normalize(clean, j, 1, 0, &folded);
  free(clean);
  char *glob = sectag_buf_detach(&folded);
  sectag_dict_cat *k = &c->d->cats[cat];
  if (k->nentries == k->cap) {
    k->cap = k->cap ? 2 * k->cap : 8;
    k->entries = sectag_xrealloc(k->entries, k->cap * sizeof *k->entries);
  }
  if (!S_set_add(&c->seen, (size_t)cat, glob, 0)) {
    free(glob);
    return;
  }
  k->entries[k->nentries++] = glob;
}

void sectag_dict_free(sectag_dict *d) {
  if (!d) return;
  for (size_t i = 0; i < d->ncats; i++) {
    free(d->cats[i].name);
    free(d->cats[i].id);
    for (size_t k = 0; k < d->cats[i].nentries; k++) free(d->cats[i].entries[k]);
    free(d->cats[i].entries);
  }
  free(d->cats);
  for (size_t i = 0; i < d->nwarnings; i++) sectag_error_clear(&d->warnings[i]);
  free(d->warnings);
  free(d->path);
  free(d);
}

/* ------------------------------------------------------------ lines */

typedef struct {
  const char *s;
  size_t len, pos;
  unsigned long line;
  const char *text; /* the current line, without its line break */
  size_t n;
} S_lines;

static void S_lines_init(S_lines *it, const char *s, size_t len) {
  memset(it, 0, sizeof *it);
  it->s = s;
  it->len = len;
  if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) it->pos = 3; /* BOM */
}

static int S_next_line(S_lines *it) {
  if (it->pos >= it->len) return 0;
  size_t a = it->pos, b = a;
  while (b < it->len && it->s[b] != '\n' && it->s[b] != '\r') b++;
  it->text = it->s + a;
  it->n = b - a;
  it->line++;
  if (b + 1 < it->len && it->s[b] == '\r' && it->s[b + 1] == '\n')
    b += 2;
  else if (b < it->len)
    b++;
  it->pos = b;
  return 1;
}

static int S_blank(char ch) { return ch == ' ' || ch == '\t' || ch == '\f' || ch == '\v'; }

/* Trims ASCII blanks from both ends of [*s, *s + *n). */
static void S_trim(const char **s, size_t *n) {
  while (*n && S_blank(**s)) (*s)++, (*n)--;
  while (*n && S_blank((*s)[*n - 1])) (*n)--;
}

/* A line quoted in a message: cleaned, at most 60 bytes. Owned. */
static char *S_quote_line(const char *s, size_t n) {
  char *q = S_clean(s, n);
  size_t len = strlen(q);
  if (len > 60) {
    size_t cut = 57;
    while (cut > 0 && ((unsigned char)q[cut] & 0xC0) == 0x80) cut--;
    memcpy(q + cut, "...", 4);
  }
  return q;
}

static int S_fail(S_ctx *c, unsigned long line, unsigned long col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int S_fail(S_ctx *c, unsigned long line, unsigned long col, const char *fmt, ...) {
  sectag_buf b = SECTAG_BUF_INIT;
  va_list ap;
  va_start(ap, fmt);
  sectag_buf_vprintf(&b, fmt, ap);
  va_end(ap);
  sectag_error_set(c->err, SECTAG_ERR_INPUT, c->d->path, line, col, "%s", sectag_buf_cstr(&b));
  sectag_buf_free(&b);
  return -1;
}

/* A category name from a line: cleaned; an error when nothing is left. */
static long S_cat_from(S_ctx *c, long parent, const char *s, size_t n, unsigned long line,
                       unsigned long col, const char *what) {
  char *name = S_clean(s, n);
  if (!*name) {
    free(name);
    return S_fail(c, line, col, "%s", what);
  }
  long k = S_cat(c, parent, name, line);
  free(name);
  return k;
}

/* ------------------------------------------------------------ LIWC .dic */

/* strspn within s[0, n): the buffers here are not NUL-terminated. */
static size_t S_span(const char *s, size_t n, const char *set) {
  size_t k = 0;
  while (k < n && s[k] && strchr(set, s[k])) k++;
  return k;
}

/* Whether two LIWC category numbers are the same ("02" is "2"). */
static int S_liwc_same(const char *a, size_t an, const char *b, size_t bn) {
  int digits = an && bn && S_span(a, an, "0123456789") >= an && S_span(b, bn, "0123456789") >= bn;
  if (digits) {
    while (an > 1 && *a == '0') a++, an--;
    while (bn > 1 && *b == '0') b++, bn--;
  }
  return an == bn && memcmp(a, b, an) == 0;
}

typedef struct {
  char *num; /* the category's number as written */
  long cat;
  unsigned long line;
} S_liwc_cat;

/* LIWC: '%', one "NUMBER<TAB>name" line per category (a leading tab per
 * level of nesting, as quanteda writes LIWC 2015 hierarchies), '%', then
 * "word<TAB>NUMBER<TAB>NUMBER..." lines. */
static int S_liwc(S_ctx *c) {
  S_lines it;
  S_lines_init(&it, c->src, c->len);
  S_liwc_cat *nums = NULL;
  size_t nnums = 0;
  long stack[MAX_DEPTH];
  int nstack = 0, rc = -1, closed = 0;
  unsigned long open = 0;
  /* the header */
  while (S_next_line(&it)) {
    const char *s = it.text;
    size_t n = it.n;
    size_t tabs = 0;
    while (tabs < n && s[tabs] == '\t') tabs++;
    S_trim(&s, &n);
    if (!n) continue;
    if (!open) {
      if (n != 1 || *s != '%') {
        char *q = S_quote_line(s, n);
        S_fail(c, it.line, 1,
               "a LIWC dictionary starts with a line holding only '%%', then one "
               "'NUMBER<TAB>name' line per category and another '%%' line; found '%s' (is "
               "this a LIWC .dic file? if not, give --format)",
               q);
        free(q);
        goto done;
      }
      open = it.line;
      continue;
    }
    if (n == 1 && *s == '%') {
      open = 0;
      closed = 1;
      break;
    }
    size_t k = 0;
    while (k < n && !S_blank(s[k])) k++;
    const char *name = s + k;
    size_t nn = n - k;
    S_trim(&name, &nn);
    if (!nn) {
      char *q = S_quote_line(s, n);
      S_fail(c, it.line, (unsigned long)(s - it.text) + 1,
             "the category line '%s' has no name; write the category's number, a tab and "
             "its name (1<TAB>threat)",
             q);
      free(q);
      goto done;
    }
    for (size_t i = 0; i < nnums; i++)
      if (S_liwc_same(nums[i].num, strlen(nums[i].num), s, k)) {
        S_fail(c, it.line, (unsigned long)(s - it.text) + 1,
               "category number %.*s is declared twice (first at line %lu); give each "
               "category its own number",
               (int)k, s, nums[i].line);
        goto done;
      }
    if ((int)tabs > nstack || tabs >= MAX_DEPTH) {
      S_fail(c, it.line, 1,
             "the category '%.*s' is indented %zu tab%s, more than one tab deeper than the "
             "category above it; indent a sub-category one tab more than its parent",
             (int)nn, name, tabs, tabs == 1 ? "" : "s");
      goto done;
    }
    long parent = tabs ? stack[tabs - 1] : -1;
    long cat = S_cat_from(c, parent, name, nn, it.line, 1,
                          "a category name with nothing left once control characters are "
                          "removed; give the category a name");
    if (cat < 0) goto done;
    stack[tabs] = cat;
    nstack = (int)tabs + 1;
    nums = sectag_xrealloc(nums, (nnums + 1) * sizeof *nums);
    nums[nnums].num = sectag_xstrndup(s, k);
    nums[nnums].cat = cat;
    nums[nnums].line = it.line;
    nnums++;
  }
  if (!closed && !open) {
    S_fail(c, 0, 0,
           "the file is empty; a LIWC dictionary lists its categories between two '%%' "
           "lines, then its words");
    goto done;
  }
  if (open) {
    S_fail(c, open, 1,
           "the category list opened by this '%%' is never closed; add a line holding only "
           "'%%' after the last category");
    goto done;
  }
  if (!nnums) {
    S_fail(c, it.line, 1,
           "no categories between the two '%%' lines; list them as 'NUMBER<TAB>name' lines");
    goto done;
  }
  /* the words */
  while (S_next_line(&it)) {
    const char *s = it.text;
    size_t n = it.n;
    S_trim(&s, &n);
    if (!n) continue;
    if (memchr(s, '(', n) || memchr(s, '<', n)) {
      const char *tab = memchr(s, '\t', n); /* the line is not NUL-terminated */
      size_t w = tab ? (size_t)(tab - s) : n;
      char *word = S_quote_line(s, w);
      char *rest = S_quote_line(s + w, n - w);
      S_warn(c, it.line,
             "skipped the conditional entry '%s' (%s): sectag does not import LIWC 2007 "
             "categories that depend on the neighbouring words; add the word to a code "
             "by hand",
             word, rest);
      free(word);
      free(rest);
      continue;
    }
    /* the word ends at the first tab; without a tab, the numbers at the end
     * are the categories */
    size_t wend;
    const char *tab = memchr(s, '\t', n);
    if (tab) {
      wend = (size_t)(tab - s);
    } else {
      wend = n;
      for (;;) {
        size_t e = wend;
        while (e && S_blank(s[e - 1])) e--;
        size_t b = e;
        while (b && s[b - 1] >= '0' && s[b - 1] <= '9') b--;
        if (b == e || b == 0 || !S_blank(s[b - 1])) break;
        wend = b;
      }
    }
    const char *word = s;
    size_t wn = wend;
    S_trim(&word, &wn);
    /* the categories */
    size_t ncat = 0;
    long cats[64];
    for (size_t i = wend; i < n;) {
      while (i < n && S_blank(s[i])) i++;
      if (i >= n) break;
      size_t j = i;
      while (j < n && !S_blank(s[j])) j++;
      long cat = -1;
      for (size_t q = 0; q < nnums && cat < 0; q++)
        if (S_liwc_same(nums[q].num, strlen(nums[q].num), s + i, j - i)) cat = nums[q].cat;
      if (cat < 0) {
        char *w = S_quote_line(word, wn);
        S_fail(c, it.line, (unsigned long)(s + i - it.text) + 1,
               "category %.*s of '%s' is not declared between the '%%' lines; declare it "
               "there or remove it from this line",
               (int)(j - i), s + i, w);
        free(w);
        goto done;
      }
      if (ncat < sizeof cats / sizeof cats[0]) cats[ncat++] = cat;
      i = j;
    }
    if (!ncat) {
      char *w = S_quote_line(word, wn);
      S_warn(c, it.line, "skipped the entry '%s': it names no category", w);
      free(w);
      continue;
    }
    for (size_t q = 0; q < ncat; q++) S_entry(c, cats[q], word, wn, it.line);
  }
  rc = 0;
done:
  for (size_t i = 0; i < nnums; i++) free(nums[i].num);
  free(nums);
  return rc;
}

/* ------------------------------------------------------------ Lexicoder .lc3 */

/* Lexicoder: "+category" starts a category (a colour such as "#AA0000"
 * after the name is dropped); the lines after it are its entries. */
static int S_lexicoder(S_ctx *c) {
  S_lines it;
  S_lines_init(&it, c->src, c->len);
  long cat = -1;
  while (S_next_line(&it)) {
    const char *s = it.text;
    size_t n = it.n;
    S_trim(&s, &n);
    if (!n) continue;
    if (*s == '+') {
      s++, n--;
      if (n >= 7 && s[n - 7] == '#' && S_span(s + n - 6, 6, "0123456789abcdefABCDEF") >= 6)
        n -= 7;
      cat = S_cat_from(c, -1, s, n, it.line, 1,
                       "a '+' line without a category name; write the name after the '+' "
                       "(+threat)");
      if (cat < 0) return -1;
      continue;
    }
    if (cat < 0) {
      char *q = S_quote_line(s, n);
      S_fail(c, it.line, (unsigned long)(s - it.text) + 1,
             "the entry '%s' comes before the first category; a Lexicoder dictionary "
             "starts each category with a '+name' line (is this a .lc3 file? if not, give "
             "--format)",
             q);
      free(q);
      return -1;
    }
    S_entry(c, cat, s, n, it.line);
  }
  if (c->d->ncats == 0)
    return S_fail(c, 0, 0,
                  "no categories; a Lexicoder dictionary starts each category with a "
                  "'+name' line");
  return 0;
}

/* ------------------------------------------------------------ WordStat .cat */

/* The length of s[0..n) without a trailing weight " (1)", or n when there
 * is none. */
static size_t S_wordstat_weight(const char *s, size_t n) {
  if (!n || s[n - 1] != ')') return n;
  size_t i = n - 1;
  while (i && S_blank(s[i - 1])) i--;
  size_t e = i;
  while (i && ((s[i - 1] >= '0' && s[i - 1] <= '9') || s[i - 1] == '.' || s[i - 1] == '-'))
    i--;
  if (i == e) return n;
  while (i && S_blank(s[i - 1])) i--;
  if (!i || s[i - 1] != '(') return n;
  i--;
  while (i && S_blank(s[i - 1])) i--;
  return i;
}

/* WordStat: one tab per level. A line that ends with a weight such as
 * "(1)" is an entry of the category one level up; any other line is a
 * category. Lines starting with '@' are macros (skipped). */
static int S_wordstat(S_ctx *c) {
  S_lines it;
  S_lines_init(&it, c->src, c->len);
  long stack[MAX_DEPTH];
  size_t nstack = 0;
  while (S_next_line(&it)) {
    const char *s = it.text;
    size_t n = it.n;
    size_t tabs = 0;
    while (tabs < n && s[tabs] == '\t') tabs++;
    S_trim(&s, &n);
    if (!n) continue;
    if (s != it.text + tabs) {
      return S_fail(c, it.line, 1,
                    "the line is indented with spaces; WordStat dictionaries indent with "
                    "one tab per level: replace the spaces with tabs");
    }
    char *q = S_quote_line(s, n);
    if (*s == '@') {
      S_warn(c, it.line,
             "skipped the macro '%s': sectag does not expand WordStat macros; copy the "
             "words it stands for into the category",
             q);
      free(q);
      continue;
    }
    size_t wn = S_wordstat_weight(s, n);
    if (wn < n) { /* an entry */
      if (tabs == 0 || tabs > nstack) {
        S_fail(c, it.line, 1,
               tabs == 0 ? "the entry '%s' is not inside a category; indent an entry one tab "
                           "more than its category"
                         : "the entry '%s' is indented more than one tab deeper than its "
                           "category; indent an entry one tab more than its category",
               q);
        free(q);
        return -1;
      }
      free(q);
      if (wn == 0) {
        S_warn(c, it.line, "skipped an entry that is only a weight");
        continue;
      }
      S_entry(c, stack[tabs - 1], s, wn, it.line);
      nstack = tabs;
      continue;
    }
    if (tabs > nstack || tabs >= MAX_DEPTH) {
      S_fail(c, it.line, 1,
             "the category '%s' is indented more than one tab deeper than the category "
             "above it; indent a sub-category one tab more than its category",
             q);
      free(q);
      return -1;
    }
    free(q);
    long cat = S_cat_from(c, tabs ? stack[tabs - 1] : -1, s, n, it.line, 1, "empty category");
    if (cat < 0) return -1;
    stack[tabs] = cat;
    nstack = tabs + 1;
  }
  if (c->d->ncats == 0)
    return S_fail(c, 0, 0,
                  "no categories; a WordStat dictionary has category names at the left "
                  "and entries such as 'AMENAZA* (1)' one tab deeper");
  return 0;
}

/* The 1-based byte column of the col-th character (1-based) of line `line`
 * (lines end at LF, CRLF or CR); parsers count characters, sectag bytes. */
static unsigned long S_byte_col(const char *s, size_t len, unsigned long line,
                                unsigned long col) {
  if (line == 0 || col == 0) return col;
  size_t i = 0;
  for (unsigned long l = 1; l < line && i < len; i++)
    if (s[i] == '\n' || (s[i] == '\r' && !(i + 1 < len && s[i + 1] == '\n'))) l++;
  size_t start = i;
  for (unsigned long k = 1; k < col && i < len && s[i] != '\n' && s[i] != '\r'; k++) {
    i++;
    while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80) i++;
  }
  return (unsigned long)(i - start) + 1;
}

/* ------------------------------------------------------------ Yoshikoder .ykd */

static char *S_attr(xmlNodePtr node, const char *name) {
  xmlChar *v = xmlGetProp(node, (const xmlChar *)name);
  if (!v) return NULL;
  char *s = sectag_xstrdup((const char *)v);
  xmlFree(v);
  return s;
}

static int S_ykd_node(S_ctx *c, xmlNodePtr node, long cat, int depth) {
  for (xmlNodePtr ch = node->children; ch; ch = ch->next) {
    if (ch->type != XML_ELEMENT_NODE) continue;
    unsigned long line = (unsigned long)xmlGetLineNo(ch);
    const char *tag = (const char *)ch->name;
    int is_c = strcmp(tag, "cnode") == 0, is_p = strcmp(tag, "pnode") == 0;
    if (!is_c && !is_p) {
      S_warn(c, line, "skipped the element <%s>: a Yoshikoder dictionary holds <cnode> "
                      "(categories) and <pnode> (patterns)",
             tag);
      continue;
    }
    char *name = S_attr(ch, "name");
    if (!name) {
      S_fail(c, line, 0,
             "<%s> has no name attribute; give it one (<%s name=\"%s\">)", tag, tag,
             is_c ? "threat" : "amenaz*");
      return -1;
    }
    if (is_p) {
      if (cat < 0)
        S_warn(c, line,
               "skipped the pattern '%s': it is outside every category (<cnode>); move it "
               "into one",
               name);
      else
        S_entry(c, cat, name, strlen(name), line);
      free(name);
      continue;
    }
    if (depth + 1 >= MAX_DEPTH) {
      free(name);
      return S_fail(c, line, 0, "categories are nested more than %d levels deep", MAX_DEPTH);
    }
    long k = S_cat_from(c, cat, name, strlen(name), line, 0,
                        "<cnode> has an empty name; give the category a name");
    free(name);
    if (k < 0 || S_ykd_node(c, ch, k, depth + 1) < 0) return -1;
  }
  return 0;
}

/* Yoshikoder: <dictionary> with nested <cnode name=...> (categories) and
 * <pnode name=...> (patterns). Parsed without network, DTD or entities. */
static int S_yoshikoder(S_ctx *c) {
  if (c->len > INT_MAX) return S_fail(c, 0, 0, "the file is too large for the XML parser");
  sectag_xml_diag d;
  xmlDocPtr doc = sectag_xml_parse(c->src, c->len, 0, &d);
  int rc = -1;
  if (d.entity) {
    S_fail(c, d.eline, d.ecol,
           "the XML declares entities in a DTD (<!ENTITY %s%s ...>); sectag never expands or "
           "fetches entities: remove the DOCTYPE and write the characters themselves",
           d.pe ? "% " : "", d.entity);
  } else if (!doc) {
    S_fail(c, d.line, d.col,
           "the file is not well-formed XML: %s; fix it (xmllint --noout lists every error)",
           d.msg ? d.msg : d.empty ? "Document is empty" : "not well-formed");
  } else if (!doc || !xmlDocGetRootElement(doc) ||
             strcmp((const char *)xmlDocGetRootElement(doc)->name, "dictionary") != 0) {
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    S_fail(c, root ? (unsigned long)xmlGetLineNo(root) : 0, 0,
           "the root element is <%s>, not <dictionary>; is this a Yoshikoder .ykd file? if "
           "not, give --format",
           root ? (const char *)root->name : "?");
  } else if (S_ykd_node(c, xmlDocGetRootElement(doc), -1, 0) == 0) {
    rc = 0;
    if (c->d->ncats == 0)
      rc = S_fail(c, 0, 0,
                  "no categories; a Yoshikoder dictionary holds <cnode name=\"...\"> "
                  "elements with <pnode name=\"...\"/> patterns inside");
  }
  sectag_xml_diag_free(&d);
  xmlFreeDoc(doc);
  return rc;
}

/* ------------------------------------------------------------ quanteda YAML */

typedef struct {
  S_ctx *c;
  yaml_parser_t yp;
  yaml_event_t ev;
  int have; /* ev holds an event to delete */
} S_yaml;

static int S_yfail_at(S_yaml *y, yaml_mark_t m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int S_yfail_at(S_yaml *y, yaml_mark_t m, const char *fmt, ...) {
  unsigned long line = (unsigned long)m.line + 1;
  sectag_buf b = SECTAG_BUF_INIT;
  va_list ap;
  va_start(ap, fmt);
  sectag_buf_vprintf(&b, fmt, ap);
  va_end(ap);
  S_fail(y->c, line, S_byte_col(y->c->src, y->c->len, line, (unsigned long)m.column + 1), "%s",
         sectag_buf_cstr(&b));
  sectag_buf_free(&b);
  return -1;
}

static int S_ynext(S_yaml *y) {
  if (y->have) yaml_event_delete(&y->ev);
  y->have = 0;
  if (!yaml_parser_parse(&y->yp, &y->ev)) {
    yaml_parser_t *p = &y->yp;
    const char *problem = p->problem ? p->problem : "unknown error";
    if (p->error == YAML_READER_ERROR) {
      unsigned long line, col;
      sectag_line_col(y->c->src, p->problem_offset, &line, &col);
      return S_fail(y->c, line, col,
                    "the file holds a character YAML does not allow (%s, 0x%02X); remove it",
                    problem, (unsigned)p->problem_value);
    }
    sectag_buf b = SECTAG_BUF_INIT;
    sectag_buf_printf(&b, "YAML syntax error: %s", problem);
    if (p->context) sectag_buf_printf(&b, " (%s)", p->context);
    unsigned long line = (unsigned long)p->problem_mark.line + 1;
    unsigned long col = S_byte_col(y->c->src, y->c->len, line,
                                   (unsigned long)p->problem_mark.column + 1);
    size_t at = 0;
    for (unsigned long l = 1; l < line && at < y->c->len; at++)
      if (y->c->src[at] == '\n') l++;
    at += col - 1;
    if (strstr(problem, "tab") || (at < y->c->len && y->c->src[at] == '\t'))
      sectag_buf_puts(&b, "; YAML does not allow tabs for indentation: indent with spaces");
    else
      sectag_buf_puts(&b, "; check the indentation, and quote an entry that contains ': ' "
                          "or starts with a character such as '*', '&', '[' or '{'");
    int rc = S_yfail_at(y, p->problem_mark, "%s", sectag_buf_cstr(&b));
    sectag_buf_free(&b);
    return rc;
  }
  y->have = 1;
  const yaml_event_t *e = &y->ev;
  if (e->type == YAML_ALIAS_EVENT)
    return S_yfail_at(y, e->start_mark,
                      "a YAML alias (*%s); quote an entry that starts with '*' ('*%s'), else "
                      "YAML reads it as an alias",
                      (const char *)e->data.alias.anchor, (const char *)e->data.alias.anchor);
  const yaml_char_t *anchor = e->type == YAML_SCALAR_EVENT           ? e->data.scalar.anchor
                              : e->type == YAML_SEQUENCE_START_EVENT ? e->data.sequence_start.anchor
                              : e->type == YAML_MAPPING_START_EVENT  ? e->data.mapping_start.anchor
                                                                     : NULL;
  if (anchor)
    return S_yfail_at(y, e->start_mark,
                      "a YAML anchor (&%s); quote an entry that starts with '&', else YAML "
                      "reads it as an anchor",
                      (const char *)anchor);
  return 0;
}

static int S_ymap(S_yaml *y, long parent, int depth);

/* The value of category cat (the current event is its first). */
static int S_yvalue(S_yaml *y, long cat, int depth) {
  S_ctx *c = y->c;
  if (depth >= MAX_DEPTH)
    return S_yfail_at(y, y->ev.start_mark, "categories are nested more than %d levels deep",
                      MAX_DEPTH);
  switch (y->ev.type) {
  case YAML_SCALAR_EVENT:
    if (y->ev.data.scalar.length || y->ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
      S_entry(c, cat, (const char *)y->ev.data.scalar.value, y->ev.data.scalar.length,
              (unsigned long)y->ev.start_mark.line + 1);
    return 0;
  case YAML_MAPPING_START_EVENT:
    return S_ymap(y, cat, depth);
  case YAML_SEQUENCE_START_EVENT:
    for (;;) {
      if (S_ynext(y) < 0) return -1;
      switch (y->ev.type) {
      case YAML_SEQUENCE_END_EVENT:
        return 0;
      case YAML_SCALAR_EVENT:
        S_entry(c, cat, (const char *)y->ev.data.scalar.value, y->ev.data.scalar.length,
                (unsigned long)y->ev.start_mark.line + 1);
        break;
      case YAML_MAPPING_START_EVENT: /* sub-categories among the entries */
        if (S_ymap(y, cat, depth) < 0) return -1;
        break;
      default:
        return S_yfail_at(y, y->ev.start_mark,
                          "a list inside the list of entries of '%s'; write entries as "
                          "strings, and sub-categories as 'name: [entries]'",
                          c->d->cats[cat].name);
      }
    }
  default:
    return S_yfail_at(y, y->ev.start_mark, "%s", "unexpected YAML event");
  }
}

/* A mapping of categories (the current event is its MAPPING_START). */
static int S_ymap(S_yaml *y, long parent, int depth) {
  S_ctx *c = y->c;
  for (;;) {
    if (S_ynext(y) < 0) return -1;
    if (y->ev.type == YAML_MAPPING_END_EVENT) return 0;
    if (y->ev.type != YAML_SCALAR_EVENT)
      return S_yfail_at(y, y->ev.start_mark, "%s",
                        "a category name must be a string, not a list or a mapping");
    unsigned long line = (unsigned long)y->ev.start_mark.line + 1;
    unsigned long col =
        S_byte_col(c->src, c->len, line, (unsigned long)y->ev.start_mark.column + 1);
    if (parent < 0 && strcmp((const char *)y->ev.data.scalar.value, "sectag") == 0)
      return S_fail(c, line, col,
                    "this is a sectag codebook already (it has a 'sectag:' key); use it with "
                    "sectag code -c");
    long cat = S_cat_from(c, parent, (const char *)y->ev.data.scalar.value,
                          y->ev.data.scalar.length, line, col,
                          "an empty category name; give the category a name");
    if (cat < 0 || S_ynext(y) < 0 || S_yvalue(y, cat, depth + 1) < 0) return -1;
  }
}

/* quanteda YAML: nested mappings of categories; a category's value is a
 * list of entries (or one entry), or a mapping of sub-categories. */
static int S_quanteda(S_ctx *c) {
  S_yaml y;
  memset(&y, 0, sizeof y);
  y.c = c;
  if (!yaml_parser_initialize(&y.yp)) return S_fail(c, 0, 0, "out of memory");
  yaml_parser_set_input_string(&y.yp, (const unsigned char *)c->src, c->len);
  yaml_parser_set_encoding(&y.yp, YAML_UTF8_ENCODING);
  int rc = -1;
  if (S_ynext(&y) < 0 || S_ynext(&y) < 0) goto done; /* stream, document start */
  if (y.ev.type == YAML_STREAM_END_EVENT) {
    S_fail(c, 0, 0,
           "the file is empty; a quanteda dictionary maps category names to lists of "
           "entries (threat: [amenaz*, peligro])");
    goto done;
  }
  if (S_ynext(&y) < 0) goto done;
  if (y.ev.type != YAML_MAPPING_START_EVENT) {
    S_yfail_at(&y, y.ev.start_mark, "%s",
               "a quanteda dictionary is a mapping of category names to lists of entries "
               "(threat: [amenaz*, peligro]); this file holds a list or a string (if it is "
               "not a quanteda dictionary, give --format)");
    goto done;
  }
  if (S_ymap(&y, -1, 0) < 0 || S_ynext(&y) < 0) goto done; /* document end */
  if (c->d->ncats == 0) {
    S_fail(c, 0, 0, "no categories; a quanteda dictionary maps category names to lists of "
                    "entries (threat: [amenaz*, peligro])");
    goto done;
  }
  if (S_ynext(&y) < 0) goto done;
  if (y.ev.type != YAML_STREAM_END_EVENT) {
    S_yfail_at(&y, y.ev.start_mark, "%s",
               "the file holds a second YAML document; a dictionary is a single document");
    goto done;
  }
  rc = 0;
done:
  if (y.have) yaml_event_delete(&y.ev);
  yaml_parser_delete(&y.yp);
  return rc;
}

/* ------------------------------------------------------------ reading */

/* Text formats must be UTF-8 without NUL bytes. */
static int S_check_utf8(S_ctx *c) {
  const char *nul = memchr(c->src, '\0', c->len);
  size_t bad = sectag_utf8_invalid_at(c->src, c->len);
  if (nul && (bad == (size_t)-1 || (size_t)(nul - c->src) < bad)) {
    unsigned long line, col;
    sectag_line_col(c->src, (size_t)(nul - c->src), &line, &col);
    return S_fail(c, line, col,
                  "the file contains a NUL byte; if it is UTF-16, give --encoding utf-16");
  }
  if (bad == (size_t)-1) return 0;
  unsigned long line, col;
  sectag_line_col(c->src, bad, &line, &col);
  return S_fail(c, line, col,
                "the file is not valid UTF-8 (byte 0x%02X); %s",
                (unsigned)(unsigned char)c->src[bad],
                sectag_looks_latin1(c->src, c->len)
                    ? "it looks like Latin-1 or Windows-1252: give --encoding cp1252"
                    : "give its encoding with --encoding (for example cp1252 or latin1)");
}

sectag_dict *sectag_dict_parse(const char *bytes, size_t len, const char *path,
                               sectag_dict_format format, sectag_error *err) {
  sectag_dict *d = sectag_xcalloc(1, sizeof *d);
  d->path = sectag_xstrdup(path);
  d->format = format;
  S_ctx c;
  memset(&c, 0, sizeof c);
  c.d = d;
  c.src = bytes;
  c.len = len;
  c.err = err;
  int rc;
  if (format != SECTAG_DICT_YOSHIKODER && S_check_utf8(&c) < 0) {
    rc = -1;
  } else {
    switch (format) {
    case SECTAG_DICT_LIWC: rc = S_liwc(&c); break;
    case SECTAG_DICT_QUANTEDA: rc = S_quanteda(&c); break;
    case SECTAG_DICT_YOSHIKODER: rc = S_yoshikoder(&c); break;
    case SECTAG_DICT_LEXICODER: rc = S_lexicoder(&c); break;
    case SECTAG_DICT_WORDSTAT: rc = S_wordstat(&c); break;
    default:
      sectag_error_set(err, SECTAG_ERR_USAGE, path, 0, 0,
                       "unknown dictionary format; give --format liwc, quanteda, yoshikoder, "
                       "lexicoder or wordstat");
      rc = -1;
    }
  }
  S_set_free(&c.seen);
  if (rc < 0) {
    sectag_dict_free(d);
    return NULL;
  }
  return d;
}

sectag_dict *sectag_dict_read(const char *path, sectag_dict_format format,
                              const char *encoding, sectag_error *err) {
  int utf8 = !encoding || strcasecmp(encoding, "utf-8") == 0 || strcasecmp(encoding, "utf8") == 0;
  if (!utf8 && format == SECTAG_DICT_YOSHIKODER) {
    sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0,
                     "--encoding does not apply to Yoshikoder files: their XML declaration "
                     "names the encoding");
    return NULL;
  }
  char *bytes = NULL;
  size_t len = 0;
  if (sectag_read_file(path, &bytes, &len, err) != 0) {
    err->code = SECTAG_ERR_USAGE;
    return NULL;
  }
  if (!utf8) {
    size_t n = 0;
    char *conv = sectag_to_utf8(encoding, bytes, len, &n, path, err);
    free(bytes);
    if (!conv) return NULL;
    bytes = conv;
    len = n;
  }
  sectag_dict *d = sectag_dict_parse(bytes, len, path, format, err);
  free(bytes);
  return d;
}

/* ------------------------------------------------------------ polarity */

int sectag_dict_set_polarity(sectag_dict *d, const char *key, const char *value,
                             sectag_error *err) {
  sectag_polarity pol;
  if (strcmp(value, "securitizing") == 0)
    pol = SECTAG_SECURITIZING;
  else if (strcmp(value, "desecuritizing") == 0)
    pol = SECTAG_DESECURITIZING;
  else if (strcmp(value, "neutral") == 0)
    pol = SECTAG_NEUTRAL;
  else {
    sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0,
                     "--polarity %s=%s: the polarity is securitizing, desecuritizing or "
                     "neutral",
                     key, value);
    return -1;
  }
  long found = -1;
  for (size_t i = 0; i < d->ncats && found < 0; i++)
    if (strcmp(d->cats[i].id, key) == 0) found = (long)i;
  for (size_t i = 0; i < d->ncats && found < 0; i++)
    if (strcmp(d->cats[i].name, key) == 0) found = (long)i;
  if (found < 0) {
    sectag_buf b = SECTAG_BUF_INIT;
    size_t shown = 0;
    for (size_t i = 0; i < d->ncats; i++) {
      if (d->cats[i].parent >= 0) continue;
      if (shown == 12) {
        sectag_buf_puts(&b, ", ...");
        break;
      }
      sectag_buf_printf(&b, "%s%s", shown++ ? ", " : "", d->cats[i].id);
    }
    sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0,
                     "--polarity %s=%s: no category '%s' in %s; give a code id (the "
                     "top-level ones are: %s), or a sub-category as PARENT.CHILD",
                     key, value, key, d->path, sectag_buf_cstr(&b));
    sectag_buf_free(&b);
    return -1;
  }
  d->cats[found].polarity = pol;
  d->cats[found].polarity_set = 1;
  return 0;
}

static const char *S_pol_name(sectag_polarity p) {
  return p == SECTAG_SECURITIZING     ? "securitizing"
         : p == SECTAG_DESECURITIZING ? "desecuritizing"
                                      : "neutral";
}

int sectag_dict_check_polarity(const sectag_dict *d, sectag_error *err) {
  for (size_t i = 0; i < d->ncats; i++) {
    const sectag_dict_cat *k = &d->cats[i];
    if (!k->polarity_set) continue;
    for (long a = k->parent; a >= 0; a = d->cats[a].parent) {
      const sectag_dict_cat *p = &d->cats[a];
      if (!p->polarity_set || p->polarity == SECTAG_NEUTRAL || p->polarity == k->polarity)
        continue;
      sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0,
                       "--polarity makes '%s' %s but its parent '%s' %s; a parent counts its "
                       "sub-categories' matches, so give the polarity to the parent's other "
                       "sub-categories one by one instead",
                       k->id, S_pol_name(k->polarity), p->id, S_pol_name(p->polarity));
      return -1;
    }
  }
  return 0;
}

/* ------------------------------------------------------------ which entries cover which */

/* The bytes before the first wildcard. */
static size_t S_head(const char *s, size_t n) {
  size_t h = 0;
  while (h < n && s[h] != '*' && s[h] != '?') h++;
  return h;
}

/* "P*" with no other wildcard. */
static int S_is_prefix_glob(const char *s, size_t n) {
  return n > 1 && s[n - 1] == '*' && S_head(s, n) == n - 1;
}

/* Whether every word that the one-word glob s finds, g finds too. */
static int S_covers_word(const char *g, size_t gn, const char *s, size_t sn) {
  size_t gh = S_head(g, gn), sh = S_head(s, sn);
  if (gh == gn) return sh == sn && gn == sn && memcmp(g, s, gn) == 0;
  if (sh == sn) return sectag_glob_match(g, gn, s, sn);
  if (S_is_prefix_glob(g, gn)) return sh >= gh && memcmp(g, s, gh) == 0;
  return gn == sn && memcmp(g, s, gn) == 0;
}

/* The same for phrases (words separated by one space): as many words, each
 * covered. */
static int S_covers(const char *g, const char *s) {
  for (;;) {
    size_t gn = strcspn(g, " "), sn = strcspn(s, " ");
    if (!S_covers_word(g, gn, s, sn)) return 0;
    if (!g[gn] || !s[sn]) return !g[gn] && !s[sn];
    g += gn + 1;
    s += sn + 1;
  }
}

/* The entries of a set of categories, indexed to answer "does one of them
 * cover this entry?" without comparing every pair. */
typedef struct {
  S_set exact;        /* every entry (borrowed) */
  S_set prefix;       /* P of each one-word "P*" (owned by heads) */
  char **heads;
  size_t nheads;
  const char **other; /* one-word globs with '?' or an inner '*', and phrases */
  size_t nother;
} S_index;

/* Adds key (borrowed); returns 0 when an equal key is there already. */
static int S_index_add(S_index *x, const char *key) {
  size_t n = strlen(key);
  if (!S_set_add(&x->exact, 0, key, 0)) return 0;
  if (!strchr(key, ' ') && S_is_prefix_glob(key, n)) {
    char *p = sectag_xstrndup(key, n - 1);
    x->heads = sectag_xrealloc(x->heads, (x->nheads + 1) * sizeof *x->heads);
    x->heads[x->nheads++] = p;
    S_set_add(&x->prefix, 0, p, 0);
  } else if (strchr(key, ' ') || S_head(key, n) < n) {
    x->other = sectag_xrealloc(x->other, (x->nother + 1) * sizeof *x->other);
    x->other[x->nother++] = key;
  }
  return 1;
}

static void S_index_free(S_index *x) {
  S_set_free(&x->exact);
  S_set_free(&x->prefix);
  for (size_t i = 0; i < x->nheads; i++) free(x->heads[i]);
  free(x->heads);
  free(x->other);
  memset(x, 0, sizeof *x);
}

/* Whether an entry of x other than key itself covers key; with equal,
 * an equal entry counts too. */
static int S_index_covers(const S_index *x, const char *key, int equal) {
  size_t n = strlen(key);
  if (equal && S_set_get(&x->exact, 0, key, n)) return 1;
  int phrase = strchr(key, ' ') != NULL;
  if (!phrase) {
    size_t h = S_head(key, n);
    for (size_t k = 1; k <= h; k++) {
      if (k < n && (((unsigned char)key[k] & 0xC0) == 0x80)) continue; /* inside a character */
      if (!S_set_get(&x->prefix, 0, key, k)) continue;
      int same = k == n - 1 && key[n - 1] == '*' && h == k;
      if (!same || equal) return 1;
    }
  }
  for (size_t i = 0; i < x->nother; i++) {
    const char *g = x->other[i];
    if (strcmp(g, key) == 0) {
      if (equal) return 1;
      continue;
    }
    if (S_covers(g, key)) return 1;
  }
  return 0;
}

/* ------------------------------------------------------------ the codebook */

/* A YAML single-quoted scalar (the strings are cleaned: no line breaks or
 * control characters). */
static void S_quoted(sectag_buf *out, const char *s) {
  sectag_buf_putc(out, '\'');
  for (; *s; s++) {
    if (*s == '\'') sectag_buf_putc(out, '\'');
    sectag_buf_putc(out, *s);
  }
  sectag_buf_putc(out, '\'');
}

static int S_is_below(const sectag_dict *d, size_t j, size_t i) {
  for (long a = d->cats[j].parent; a >= 0; a = d->cats[a].parent)
    if ((size_t)a == i) return 1;
  return 0;
}

typedef struct {
  const sectag_dict *d;
  const sectag_dict_yaml_options *opt;
  char ***keys; /* per category, per entry: the entry as the matcher sees it */
  char **keep;  /* per category, per entry: written (set in tree order) */
  sectag_buf *out;
  sectag_dict_yaml_stats st;
} S_writer;

static void S_write_cat(S_writer *w, size_t i) {
  const sectag_dict *d = w->d;
  const sectag_dict_cat *k = &d->cats[i];
  sectag_buf *out = w->out;
  sectag_buf_printf(out, "  %s:\n    label: ", k->id);
  S_quoted(out, k->name);
  sectag_buf_putc(out, '\n');
  if (k->polarity_set && k->polarity != SECTAG_NEUTRAL)
    sectag_buf_printf(out, "    polarity: %s\n", S_pol_name(k->polarity));
  /* what the sub-categories find already */
  S_index below, own;
  memset(&below, 0, sizeof below);
  memset(&own, 0, sizeof own);
  for (size_t j = i + 1; j < d->ncats; j++)
    if (S_is_below(d, j, i))
      for (size_t e = 0; e < d->cats[j].nentries; e++) S_index_add(&below, w->keys[j][e]);
  char *keep = w->keep[i] = sectag_xcalloc(k->nentries + 1, 1);
  for (size_t e = 0; e < k->nentries; e++) keep[e] = (char)S_index_add(&own, w->keys[i][e]);
  size_t n = 0;
  for (size_t e = 0; e < k->nentries; e++) {
    if (keep[e] && (S_index_covers(&own, w->keys[i][e], 0) ||
                    S_index_covers(&below, w->keys[i][e], 1)))
      keep[e] = 0;
    if (keep[e])
      n++;
    else
      w->st.redundant++;
  }
  if (n) {
    sectag_buf_puts(out, "    words:\n");
    for (size_t e = 0; e < k->nentries; e++) {
      if (!keep[e]) continue;
      sectag_buf_puts(out, "      - ");
      S_quoted(out, k->entries[e]);
      sectag_buf_putc(out, '\n');
    }
  }
  w->st.codes++;
  w->st.entries += n;
  /* an entry that a broader entry of an ancestor finds too: the ancestor
   * counts such a word twice (its own match and this code's) */
  for (long a = k->parent; a >= 0 && n; a = d->cats[a].parent) {
    S_index up;
    memset(&up, 0, sizeof up);
    for (size_t e = 0; e < d->cats[a].nentries; e++)
      if (w->keep[a][e]) S_index_add(&up, w->keys[a][e]);
    for (size_t e = 0; e < k->nentries; e++) {
      if (keep[e] != 1 || !S_index_covers(&up, w->keys[i][e], 1)) continue;
      if (!w->st.doubled++) {
        w->st.doubled_entry = k->entries[e];
        w->st.doubled_code = k->id;
        w->st.doubled_parent = d->cats[a].id;
      }
      keep[e] = 2; /* counted once, whatever the number of ancestors */
    }
    S_index_free(&up);
  }
  for (size_t e = 0; e < k->nentries; e++)
    if (keep[e] == 2) keep[e] = 1;
  S_index_free(&below);
  S_index_free(&own);
  for (size_t j = i + 1; j < d->ncats; j++)
    if (d->cats[j].parent == (long)i) S_write_cat(w, j);
}

void sectag_dict_to_yaml(const sectag_dict *d, const sectag_dict_yaml_options *opt,
                         sectag_buf *out, sectag_dict_yaml_stats *stats) {
  S_writer w;
  memset(&w, 0, sizeof w);
  w.d = d;
  w.opt = opt;
  w.out = out;
  w.keys = sectag_xcalloc(d->ncats + 1, sizeof *w.keys);
  w.keep = sectag_xcalloc(d->ncats + 1, sizeof *w.keep);
  sectag_buf b = SECTAG_BUF_INIT;
  for (size_t i = 0; i < d->ncats; i++) {
    w.keys[i] = sectag_xcalloc(d->cats[i].nentries + 1, sizeof *w.keys[i]);
    for (size_t e = 0; e < d->cats[i].nentries; e++) {
      const char *g = d->cats[i].entries[e];
      sectag_normalize(g, strlen(g), 1, !opt->accents_sensitive, &b);
      w.keys[i][e] = sectag_buf_detach(&b);
    }
  }
  const char *title = sectag_dict_format_title(d->format);
  sectag_buf_printf(out, "# A sectag codebook made by `sectag import` from the %s dictionary ",
                    title);
  char *file = S_clean(opt->file, strlen(opt->file));
  sectag_buf_printf(out, "%s.\n", file);
  sectag_buf_puts(out, "# Entries are globs on whole words: * is any characters, ? one "
                       "character,\n# a space separates the words of a phrase. See "
                       "docs/import.md.\n");
  if (d->nwarnings) {
    sectag_buf_puts(out, "#\n# Left out:\n");
    for (size_t i = 0; i < d->nwarnings; i++) {
      const sectag_error *e = &d->warnings[i];
      char *msg = S_clean(e->message, strlen(e->message));
      if (e->line)
        sectag_buf_printf(out, "#   line %lu: %s\n", e->line, msg);
      else
        sectag_buf_printf(out, "#   %s\n", msg);
      free(msg);
    }
  }
  sectag_buf_puts(out, "sectag: 1\nname: ");
  char *name = S_clean(opt->name, strlen(opt->name));
  S_quoted(out, *name ? name : "imported");
  sectag_buf_puts(out, "\ndescription: ");
  sectag_buf_printf(&b, "imported from %s file %s by sectag import", title, file);
  S_quoted(out, sectag_buf_cstr(&b));
  sectag_buf_free(&b);
  sectag_buf_printf(out, "\naccents: %s\noverlap: all\ncodes:\n",
                    opt->accents_sensitive ? "sensitive" : "insensitive");
  for (size_t i = 0; i < d->ncats; i++)
    if (d->cats[i].parent < 0) S_write_cat(&w, i);
  for (size_t i = 0; i < d->ncats; i++) {
    for (size_t e = 0; e < d->cats[i].nentries; e++) free(w.keys[i][e]);
    free(w.keys[i]);
    free(w.keep[i]);
  }
  free(w.keys);
  free(w.keep);
  free(file);
  free(name);
  if (stats) *stats = w.st;
}
