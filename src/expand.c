/* expand.c: finite patterns as ordered lists of strings. See expand.h.
 *
 * The strings are bytes of the pattern's literals, with two marker bytes
 * (literal bytes below 0x20 make the reader give up, so they cannot clash):
 *   S_ONE   `\s`: exactly one white-space character;
 *   S_RUN   `\s+`: a run of white space.
 * A pattern may end with a `\w*` or `\w+` tail, which applies to every
 * string. The order of the list is PCRE2's: alternatives left to right, a
 * greedy `?` tries the item first and then goes without, a lazy `??` the
 * other way round, and a sequence tries the first item's choices in order,
 * each with all choices of the rest. */
#include "expand.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

#define S_MAX_STRINGS 256
#define S_MAX_LEN 256
#define S_MAX_DEPTH 32

enum { S_ONE = 0x01, S_RUN = 0x02 };
enum { S_TAIL_NONE, S_TAIL_STAR, S_TAIL_PLUS };

/* An ordered list of strings. */
typedef struct {
  char **s;
  size_t *len;
  size_t n;
} S_list;

struct sectag_expand {
  S_list l;
  int tail;
};

static void S_list_free(S_list *l) {
  for (size_t i = 0; i < l->n; i++) free(l->s[i]);
  free(l->s);
  free(l->len);
  memset(l, 0, sizeof *l);
}

static void S_push(S_list *l, const char *s, size_t len) {
  l->s = sectag_xrealloc(l->s, (l->n + 1) * sizeof *l->s);
  l->len = sectag_xrealloc(l->len, (l->n + 1) * sizeof *l->len);
  l->s[l->n] = sectag_xmalloc(len ? len : 1);
  if (len) memcpy(l->s[l->n], s, len);
  l->len[l->n++] = len;
}

/* The reader's state: `bail` is set on anything it does not know or on a
 * list that grows too large. */
typedef struct {
  const char *p;
  size_t i, n;
  int bail, depth;
} S_reader;

static S_list S_alt(S_reader *r);

/* a ++ b: every string of a followed by every string of b, in order */
static S_list S_concat(S_reader *r, S_list a, S_list b) {
  S_list out = {0};
  if (a.n * b.n > S_MAX_STRINGS) {
    r->bail = 1;
  } else {
    sectag_buf t = SECTAG_BUF_INIT;
    for (size_t i = 0; i < a.n && !r->bail; i++)
      for (size_t j = 0; j < b.n && !r->bail; j++) {
        if (a.len[i] + b.len[j] > S_MAX_LEN) {
          r->bail = 1;
          break;
        }
        sectag_buf_clear(&t);
        sectag_buf_put(&t, a.s[i], a.len[i]);
        sectag_buf_put(&t, b.s[j], b.len[j]);
        S_push(&out, t.ptr ? t.ptr : "", t.len);
      }
    sectag_buf_free(&t);
  }
  S_list_free(&a);
  S_list_free(&b);
  return out;
}

/* a, then b */
static S_list S_append(S_reader *r, S_list a, S_list b) {
  if (a.n + b.n > S_MAX_STRINGS) r->bail = 1;
  for (size_t j = 0; j < b.n && !r->bail; j++) S_push(&a, b.s[j], b.len[j]);
  S_list_free(&b);
  return a;
}

static S_list S_one(const char *s, size_t len) {
  S_list l = {0};
  S_push(&l, s, len);
  return l;
}

static size_t S_utf8_len(const S_reader *r) {
  unsigned char c = (unsigned char)r->p[r->i];
  size_t k = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  return r->i + k <= r->n ? k : 1;
}

/* A class of plain members, such as [sz] or [áa]; anything else (ranges,
 * negation, escapes, POSIX classes, a leading ]) gives up. */
static S_list S_class(S_reader *r) {
  S_list l = {0};
  r->i++; /* [ */
  while (r->i < r->n && r->p[r->i] != ']') {
    char c = r->p[r->i];
    if (c == '^' || c == '-' || c == '\\' || c == '[' || (unsigned char)c < 0x20) {
      r->bail = 1;
      return l;
    }
    size_t k = S_utf8_len(r);
    for (size_t j = 0; j < l.n; j++) /* a repeated member adds nothing */
      if (l.len[j] == k && memcmp(l.s[j], r->p + r->i, k) == 0) goto next;
    S_push(&l, r->p + r->i, k);
  next:
    r->i += k;
  }
  if (r->i >= r->n || l.n == 0) {
    r->bail = 1;
    return l;
  }
  r->i++; /* ] */
  return l;
}

/* One atom: a literal character, an escaped punctuation character, \s (its
 * quantifier read here), a plain class, or a group. */
static S_list S_atom(S_reader *r) {
  const char *p = r->p;
  char c = p[r->i];
  S_list none = {0};
  switch (c) {
  case '(': {
    if (++r->depth > S_MAX_DEPTH) {
      r->bail = 1;
      return none;
    }
    r->i++;
    if (r->i < r->n && (p[r->i] == '?' || p[r->i] == '*')) {
      if (p[r->i] == '?' && r->i + 1 < r->n && p[r->i + 1] == ':') {
        r->i += 2; /* (?: */
      } else { /* flags, lookarounds, atomic or named groups, verbs */
        r->bail = 1;
        return none;
      }
    }
    S_list l = S_alt(r);
    if (r->bail || r->i >= r->n || p[r->i] != ')') {
      r->bail = 1;
      return l;
    }
    r->i++;
    r->depth--;
    return l;
  }
  case '[':
    return S_class(r);
  case '\\': {
    if (r->i + 1 >= r->n) {
      r->bail = 1;
      return none;
    }
    char d = p[r->i + 1];
    r->i += 2;
    if (d == 's') {
      char q = r->i < r->n ? p[r->i] : '\0';
      if (q == '{') { /* counted: leave it to PCRE2 */
        r->bail = 1;
        return none;
      }
      int quantified = q == '+' || q == '*' || q == '?';
      if (quantified) {
        char q2 = r->i + 1 < r->n ? p[r->i + 1] : '\0';
        if (q2 == '?' || q2 == '+' || q2 == '*' || q2 == '{') { /* lazy, possessive */
          r->bail = 1;
          return none;
        }
        r->i++;
      }
      char run = S_RUN, one = S_ONE;
      if (q == '+') return S_one(&run, 1);
      if (q == '*' || q == '?') {
        S_list l = S_one(q == '*' ? &run : &one, 1);
        S_push(&l, "", 0);
        return l;
      }
      return S_one(&one, 1);
    }
    if ((unsigned char)d < 0x80 && !(d >= '0' && d <= '9') && !(d >= 'a' && d <= 'z') &&
        !(d >= 'A' && d <= 'Z') && (unsigned char)d >= 0x20)
      return S_one(&d, 1); /* \. \- \, \( ... stand for themselves */
    r->bail = 1;         /* \w \b \x \Q \K \1 ..., and non-ASCII escapes */
    return none;
  }
  case '.': case '^': case '$': case '*': case '+': case '?': case '{': case '}': case ')':
  case '|':
    r->bail = 1;
    return none;
  default: {
    if ((unsigned char)c < 0x20) {
      r->bail = 1;
      return none;
    }
    size_t k = S_utf8_len(r);
    S_list l = S_one(p + r->i, k);
    r->i += k;
    return l;
  }
  }
}

/* An atom and an optional `?` (greedy) or `??` (lazy). Other quantifiers
 * make the list infinite or change backtracking: give up. */
static S_list S_item(S_reader *r) {
  S_list l = S_atom(r);
  if (r->bail || r->i >= r->n) return l;
  char q = r->p[r->i];
  if (q == '*' || q == '+' || q == '{') {
    r->bail = 1;
    return l;
  }
  if (q != '?') return l;
  r->i++;
  int lazy = r->i < r->n && r->p[r->i] == '?';
  if (r->i < r->n && r->p[r->i] == '+') { /* possessive */
    r->bail = 1;
    return l;
  }
  if (lazy) r->i++;
  if (r->i < r->n && (r->p[r->i] == '?' || r->p[r->i] == '*' || r->p[r->i] == '+' ||
                      r->p[r->i] == '{')) {
    r->bail = 1; /* a quantifier of a quantifier: leave it to PCRE2 */
    return l;
  }
  S_list empty = S_one("", 0);
  return lazy ? S_append(r, empty, l) : S_append(r, l, empty);
}

static S_list S_seq(S_reader *r) {
  S_list cur = S_one("", 0);
  while (!r->bail && r->i < r->n && r->p[r->i] != '|' && r->p[r->i] != ')')
    cur = S_concat(r, cur, S_item(r));
  return cur;
}

static S_list S_alt(S_reader *r) {
  S_list acc = S_seq(r);
  while (!r->bail && r->i < r->n && r->p[r->i] == '|') {
    r->i++;
    acc = S_append(r, acc, S_seq(r));
  }
  return acc;
}

/* Whether the pattern has a top-level '|' (outside groups and classes);
 * with a tail, `a|b\w*` is not `(?:a|b)\w*`. */
static int S_top_level_bar(const char *p, size_t n) {
  int depth = 0;
  for (size_t i = 0; i < n; i++) {
    if (p[i] == '\\') {
      i++;
    } else if (p[i] == '[') {
      while (i + 1 < n && p[i + 1] != ']') i++;
      i++;
    } else if (p[i] == '(') {
      depth++;
    } else if (p[i] == ')') {
      depth--;
    } else if (p[i] == '|' && depth == 0) {
      return 1;
    }
  }
  return 0;
}

sectag_expand *sectag_expand_new(const char *pattern, size_t len) {
  int tail = S_TAIL_NONE;
  if (len >= 3 && pattern[len - 3] == '\\' && pattern[len - 2] == 'w' &&
      (pattern[len - 1] == '*' || pattern[len - 1] == '+')) {
    size_t bs = 0; /* the backslash must not itself be escaped */
    while (bs < len - 3 && pattern[len - 4 - bs] == '\\') bs++;
    if (bs % 2 == 0) {
      tail = pattern[len - 1] == '*' ? S_TAIL_STAR : S_TAIL_PLUS;
      len -= 3;
      if (S_top_level_bar(pattern, len)) return NULL;
    }
  }
  if (len == 0) return NULL;
  S_reader r = {pattern, 0, len, 0, 0};
  S_list l = S_alt(&r);
  if (r.bail || r.i != len || l.n == 0) {
    S_list_free(&l);
    return NULL;
  }
  /* drop the empty string when there is no tail (the end callout refuses
   * an empty match), and repeats (a repeated string fails where it failed
   * before) */
  size_t k = 0;
  for (size_t i = 0; i < l.n; i++) {
    int drop = l.len[i] == 0 && tail == S_TAIL_NONE;
    for (size_t j = 0; j < k && !drop; j++)
      drop = l.len[j] == l.len[i] && memcmp(l.s[j], l.s[i], l.len[i]) == 0;
    if (drop) {
      free(l.s[i]);
      continue;
    }
    l.s[k] = l.s[i];
    l.len[k++] = l.len[i];
  }
  l.n = k;
  if (l.n == 0) {
    S_list_free(&l);
    return NULL;
  }
  sectag_expand *x = sectag_xcalloc(1, sizeof *x);
  x->l = l;
  x->tail = tail;
  return x;
}

void sectag_expand_free(sectag_expand *x) {
  if (!x) return;
  S_list_free(&x->l);
  free(x);
}

size_t sectag_expand_count(const sectag_expand *x) { return x ? x->l.n : 0; }

char *sectag_expand_describe(const sectag_expand *x, size_t i) {
  sectag_buf b = SECTAG_BUF_INIT;
  for (size_t j = 0; j < x->l.len[i]; j++) {
    char c = x->l.s[i][j];
    if (c == S_ONE)
      sectag_buf_puts(&b, "\\s");
    else if (c == S_RUN)
      sectag_buf_puts(&b, "\\s+");
    else
      sectag_buf_putc(&b, c);
  }
  if (x->tail != S_TAIL_NONE) sectag_buf_puts(&b, x->tail == S_TAIL_STAR ? "\\w*" : "\\w+");
  return sectag_buf_detach(&b);
}

/* What `\s` sees in byte c: 1 an ASCII space, 0 surely not white space,
 * -1 perhaps (other ASCII white space, or a non-ASCII character, which
 * PCRE2 may count as white space: no-break space, ideographic space...). */
static int S_space(unsigned char c) {
  if (c == ' ') return 1;
  if (c >= 0x80 || (c >= '\t' && c <= '\r')) return -1;
  return 0;
}

/* ASCII \w: letters, digits and '_' */
static int S_ascii_word(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_';
}

int sectag_expand_at(const sectag_expand *x, const char *text, size_t len, size_t start,
                     sectag_expand_accept accept, void *ctx, size_t *end) {
  const unsigned char *t = (const unsigned char *)text;
  for (size_t i = 0; i < x->l.n; i++) {
    const unsigned char *s = (const unsigned char *)x->l.s[i];
    size_t n = x->l.len[i], q = start, j = 0;
    for (; j < n; j++) {
      if (s[j] == S_ONE || s[j] == S_RUN) {
        if (q >= len) break;
        int sp = S_space(t[q]);
        if (sp < 0) return SECTAG_EXPAND_UNSURE;
        if (sp == 0) break;
        q++;
        /* \s+ would take a longer run: not what this list knows */
        if (s[j] == S_RUN && q < len && S_space(t[q]) != 0) return SECTAG_EXPAND_UNSURE;
        continue;
      }
      if (q >= len || t[q] != s[j]) break;
      q++;
    }
    if (j < n) continue; /* the text does not hold this string */
    if (x->tail == S_TAIL_NONE) {
      if (accept(start, q, ctx)) {
        *end = q;
        return SECTAG_EXPAND_MATCH;
      }
      continue;
    }
    /* \w* or \w+: greedy over ASCII word bytes, then back off one at a
     * time until the end is accepted */
    size_t e = q;
    while (e < len && S_ascii_word(t[e])) e++;
    if (e < len && t[e] >= 0x80) return SECTAG_EXPAND_UNSURE; /* a letter, a mark? */
    size_t least = q + (x->tail == S_TAIL_PLUS);
    for (; e >= least; e--) {
      if (accept(start, e, ctx)) {
        *end = e;
        return SECTAG_EXPAND_MATCH;
      }
      if (e == 0) break;
    }
  }
  return SECTAG_EXPAND_NOMATCH;
}
