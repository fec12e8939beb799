/* tokenize.c: segmentation and normalization (utf8proc).
 *
 * One pass over the original bytes builds, side by side:
 *  - the shadow text rules are matched against: NFC, case-folded, marks
 *    stripped when accent-insensitive (ñ kept), default-ignorable code points
 *    dropped, every white-space run as one space;
 *  - map[]: for every shadow byte, the original offset of the character it
 *    came from, so a shadow match maps back to exact original bytes;
 *  - tokens (words and punctuation) with original and shadow offsets;
 *  - sentences and paragraphs, as token ranges.
 *
 * Normalization works one "cluster" at a time (a base character and the
 * combining marks after it), which is the unit NFC composes within, and which
 * keeps map[] exact: no shadow byte ever mixes two original characters. */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "buf.h"
#include "document.h"

/* ------------------------------------------------------------ classes */

static int S_is_space(utf8proc_int32_t c) {
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
      c == 0x85)
    return 1;
  if (c < 0x80) return 0;
  utf8proc_category_t cat = utf8proc_category(c);
  return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
         cat == UTF8PROC_CATEGORY_ZP;
}

static int S_is_mark(utf8proc_int32_t c) {
  if (c < 0x300) return 0;
  utf8proc_category_t cat = utf8proc_category(c);
  return cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC ||
         cat == UTF8PROC_CATEGORY_ME;
}

static int S_is_format(utf8proc_int32_t c) {
  return c >= 0x80 && utf8proc_category(c) == UTF8PROC_CATEGORY_CF;
}

/* Format characters that belong inside a word: soft hyphen, zero-width
 * (non-)joiners, word joiner. Zero-width space and a stray BOM separate. */
static int S_is_word_format(utf8proc_int32_t c) {
  return c == 0xAD || c == 0x200C || c == 0x200D || c == 0x2060;
}

static int S_is_word(utf8proc_int32_t c) {
  if (c < 0x80)
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  switch (utf8proc_category(c)) {
  case UTF8PROC_CATEGORY_LU:
  case UTF8PROC_CATEGORY_LL:
  case UTF8PROC_CATEGORY_LT:
  case UTF8PROC_CATEGORY_LM:
  case UTF8PROC_CATEGORY_LO:
  case UTF8PROC_CATEGORY_MN:
  case UTF8PROC_CATEGORY_MC:
  case UTF8PROC_CATEGORY_ME:
  case UTF8PROC_CATEGORY_ND:
  case UTF8PROC_CATEGORY_NL:
  case UTF8PROC_CATEGORY_NO:
    return 1;
  default:
    return 0;
  }
}

static int S_is_digit(utf8proc_int32_t c) {
  if (c < 0x80) return c >= '0' && c <= '9';
  return utf8proc_category(c) == UTF8PROC_CATEGORY_ND;
}

static int S_is_letter(utf8proc_int32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  utf8proc_category_t cat = utf8proc_category(c);
  return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

/* Apostrophes and hyphens that join two word characters into one token. */
static int S_is_joiner(utf8proc_int32_t c) {
  return c == '\'' || c == 0x2019 || c == 0x02BC || c == '-' || c == 0x2010 || c == 0x2011;
}

static int S_is_terminal(utf8proc_int32_t c) {
  return c == '.' || c == '!' || c == '?' || c == 0x2026 /* … */ || c == 0x203C ||
         c == 0x2047 || c == 0x2048 || c == 0x2049 || c == 0x3002 || c == 0xFF01 ||
         c == 0xFF1F;
}

/* Marks that open a sentence or a quotation: ¿ ¡ and the Ps/Pi categories
 * ( [ { “ ‘ « ‹. Straight quotes count as closing after a period. */
static int S_is_opening(utf8proc_int32_t c) {
  utf8proc_category_t cat = utf8proc_category(c);
  return c == 0xBF || c == 0xA1 || cat == UTF8PROC_CATEGORY_PS || cat == UTF8PROC_CATEGORY_PI;
}

/* ------------------------------------------------------------ normalize */

void sectag_normalize(const char *s, size_t len, int casefold, int strip_accents,
                      sectag_buf *out) {
  utf8proc_option_t opt = UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_IGNORE;
  if (casefold) opt |= UTF8PROC_CASEFOLD;
  utf8proc_int32_t small[64];
  utf8proc_int32_t *cps = small;
  utf8proc_ssize_t n = utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len,
                                          cps, 64, opt);
  if (n > 64) {
    cps = sectag_xmalloc((size_t)n * sizeof *cps);
    n = utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, cps, n, opt);
  }
  if (n < 0) { /* invalid UTF-8 cannot reach here (readers validate); copy */
    sectag_buf_put(out, s, len);
    if (cps != small) free(cps);
    return;
  }
  if (strip_accents) {
    utf8proc_ssize_t w = 0;
    for (utf8proc_ssize_t i = 0; i < n; i++) {
      utf8proc_int32_t c = cps[i];
      /* ñ is a letter of its own in Spanish: keep the tilde on n. */
      if (c == 0x0303 && w > 0 && (cps[w - 1] == 'n' || cps[w - 1] == 'N')) {
        cps[w++] = c;
        continue;
      }
      if (S_is_mark(c)) continue;
      cps[w++] = c;
    }
    n = w;
  }
  /* Canonical composition, then UTF-8 encoding into the same buffer (UTF-8
   * never needs more than 4 bytes per code point, which is what we have). */
  utf8proc_ssize_t k = utf8proc_reencode(cps, n, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
  if (k > 0) sectag_buf_put(out, cps, (size_t)k);
  if (cps != small) free(cps);
}

/* ------------------------------------------------------------ the pass */

typedef struct {
  sectag_doc *doc;
  const unsigned char *t;
  size_t len;
  sectag_buf shadow;
  uint32_t *map;
  size_t mapcap;
  int last_space; /* the shadow ends with a collapsed white-space run */
  /* growing arrays */
  size_t tokcap, sentcap, paracap;
  /* sentence state */
  size_t sent_first;  /* first token of the open sentence */
  size_t para_first;  /* first sentence of the open paragraph */
  int pending_end;    /* a terminal mark was seen; break before next token */
  int pending_soft;   /* that mark was ? ! or …: a lower-case word continues */
  /* shadow offsets of apostrophes that join two parts of a word */
  size_t *apos;
  size_t napos, aposcap;
} S_state;

static void S_push_apos(S_state *st, size_t j) {
  if (st->napos == st->aposcap) {
    st->aposcap = st->aposcap ? st->aposcap * 2 : 64;
    st->apos = sectag_xrealloc(st->apos, st->aposcap * sizeof *st->apos);
  }
  st->apos[st->napos++] = j;
}

static utf8proc_int32_t S_decode(const S_state *st, size_t pos, size_t *k) {
  if (pos >= st->len) {
    *k = 0;
    return -1;
  }
  unsigned char c = st->t[pos];
  if (c < 0x80) {
    *k = 1;
    return c;
  }
  utf8proc_int32_t cp;
  utf8proc_ssize_t n = utf8proc_iterate(st->t + pos, (utf8proc_ssize_t)(st->len - pos), &cp);
  if (n <= 0) { /* cannot happen on validated input; step one byte */
    *k = 1;
    return 0xFFFD;
  }
  *k = (size_t)n;
  return cp;
}

/* Makes room for map[0, need). */
static void S_map_reserve(S_state *st, size_t need) {
  if (need > st->mapcap) {
    size_t cap = st->mapcap ? st->mapcap : 256;
    while (cap < need) cap *= 2;
    st->map = sectag_xrealloc(st->map, cap * sizeof *st->map);
    st->mapcap = cap;
  }
}

static void S_map_to(S_state *st, size_t from, size_t orig) {
  S_map_reserve(st, st->shadow.len + 1);
  for (size_t i = from; i < st->shadow.len; i++) st->map[i] = (uint32_t)orig;
}

static void S_emit_space(S_state *st, size_t orig) {
  if (st->last_space) return;
  size_t at = st->shadow.len;
  sectag_buf_putc(&st->shadow, ' ');
  S_map_reserve(st, at + 2);
  st->map[at] = (uint32_t)orig;
  st->last_space = 1;
}

/* Emits the cluster starting at pos (a character and its combining marks)
 * and returns where it ends. */
static size_t S_emit_cluster(S_state *st, size_t pos) {
  size_t k;
  utf8proc_int32_t c = S_decode(st, pos, &k);
  size_t end = pos + k;
  size_t from = st->shadow.len;
  /* fast path: ASCII not followed by a combining mark */
  if (c < 0x80 && (end >= st->len || st->t[end] < 0x80)) {
    sectag_buf_putc(&st->shadow, (c >= 'A' && c <= 'Z') ? c + 32 : c);
  } else {
    for (;;) {
      size_t k2;
      utf8proc_int32_t m = S_decode(st, end, &k2);
      if (k2 == 0 || !S_is_mark(m)) break;
      end += k2;
    }
    sectag_normalize((const char *)st->t + pos, end - pos, 1, st->doc->strip_accents,
                     &st->shadow);
  }
  S_map_to(st, from, pos);
  st->last_space = 0;
  return end;
}

static sectag_token *S_push_token(S_state *st) {
  sectag_doc *d = st->doc;
  if (d->ntokens == st->tokcap) {
    st->tokcap = st->tokcap ? st->tokcap * 2 : 256;
    d->tokens = sectag_xrealloc(d->tokens, st->tokcap * sizeof *d->tokens);
  }
  sectag_token *tok = &d->tokens[d->ntokens++];
  memset(tok, 0, sizeof *tok);
  return tok;
}

static void S_close_sentence(S_state *st) {
  sectag_doc *d = st->doc;
  if (st->sent_first >= d->ntokens) return;
  if (d->nsentences == st->sentcap) {
    st->sentcap = st->sentcap ? st->sentcap * 2 : 64;
    d->sentences = sectag_xrealloc(d->sentences, st->sentcap * sizeof *d->sentences);
  }
  sectag_span *s = &d->sentences[d->nsentences];
  s->first = st->sent_first;
  s->last = d->ntokens;
  s->start = d->tokens[s->first].start;
  s->end = d->tokens[s->last - 1].end;
  for (size_t i = s->first; i < s->last; i++) d->tokens[i].sentence = (uint32_t)d->nsentences;
  d->nsentences++;
  st->sent_first = d->ntokens;
  st->pending_end = st->pending_soft = 0;
}

static void S_close_paragraph(S_state *st) {
  sectag_doc *d = st->doc;
  S_close_sentence(st);
  if (st->para_first >= d->nsentences) return;
  if (d->nparagraphs == st->paracap) {
    st->paracap = st->paracap ? st->paracap * 2 : 32;
    d->paragraphs = sectag_xrealloc(d->paragraphs, st->paracap * sizeof *d->paragraphs);
  }
  sectag_span *p = &d->paragraphs[d->nparagraphs++];
  p->first = st->para_first;
  p->last = d->nsentences;
  p->start = d->sentences[p->first].start;
  p->end = d->sentences[p->last - 1].end;
  st->para_first = d->nsentences;
}

/* Abbreviations whose final period does not end a sentence (compared with
 * the token's shadow form, so case and accents do not matter). */
static const char *const S_abbrevs[] = {
    /* es */ "sr", "sra", "srta", "sres", "sras", "dr", "dra", "lic", "licda", "gral", "ing",
    "arq", "mtro", "mtra", "prof", "profa", "ud", "uds", "vd", "lcdo", "lcda", "dip", "sen",
    "gob", "cmdte", "cap", "pag", "pág", "num", "núm", "art", "av", "depto", "admon", "edo",
    "cía", "cia", "ee.uu", "ss", "cd",
    /* en */ "mr", "mrs", "ms", "jr", "st", "gen", "gov", "rep", "rev", "hon", "lt", "sgt",
    "capt", "col", "adm", "cmdr", "vs", "dept", "mt", "ft", "u.s", "u.k", "u.n", "a.m", "p.m",
    "e.g", "i.e", NULL};

static int S_is_abbrev(const char *s, size_t n) {
  if (n == 0 || n > 6) return 0; /* the longest is "licda", "cmdte", "ee.uu" in bytes */
  for (const char *const *a = S_abbrevs; *a; a++)
    if ((*a)[0] == s[0] && strlen(*a) == n && memcmp(*a, s, n) == 0) return 1;
  return 0;
}

/* At pos, a dotted abbreviation such as EE.UU. or U.S.A.: two or more groups
 * of 1-3 letters each followed by '.', not followed by a word character.
 * Returns its end, or 0. */
static size_t S_dotted_abbrev(const S_state *st, size_t pos) {
  if (pos + 4 <= st->len) { /* four ASCII letters: no group of 1-3 */
    const unsigned char *t = st->t + pos;
    int letters = 0;
    for (int i = 0; i < 4; i++) letters += ((t[i] | 32) >= 'a' && (t[i] | 32) <= 'z');
    if (letters == 4) return 0;
  }
  size_t p = pos, groups = 0, end = pos;
  for (;;) {
    size_t letters = 0, k;
    utf8proc_int32_t c;
    while ((c = S_decode(st, p, &k)), k && S_is_letter(c)) {
      letters++;
      p += k;
    }
    if (letters == 0 || letters > 3) break;
    c = S_decode(st, p, &k);
    if (k == 0 || c != '.') break;
    p += k;
    end = p; /* just after this group's period */
    groups++;
  }
  if (groups < 2) return 0;
  size_t k;
  utf8proc_int32_t c = S_decode(st, end, &k);
  if (k && S_is_word(c)) return 0; /* www.gob.mx is not an abbreviation */
  return end;
}

/* ASCII letters and digits, by table: the tokenizer's inner loop. */
#define S_AN(c) [c] = 1
static const unsigned char S_alnum_tab[256] = {
    S_AN('0'), S_AN('1'), S_AN('2'), S_AN('3'), S_AN('4'), S_AN('5'), S_AN('6'), S_AN('7'),
    S_AN('8'), S_AN('9'), S_AN('A'), S_AN('B'), S_AN('C'), S_AN('D'), S_AN('E'), S_AN('F'),
    S_AN('G'), S_AN('H'), S_AN('I'), S_AN('J'), S_AN('K'), S_AN('L'), S_AN('M'), S_AN('N'),
    S_AN('O'), S_AN('P'), S_AN('Q'), S_AN('R'), S_AN('S'), S_AN('T'), S_AN('U'), S_AN('V'),
    S_AN('W'), S_AN('X'), S_AN('Y'), S_AN('Z'), S_AN('a'), S_AN('b'), S_AN('c'), S_AN('d'),
    S_AN('e'), S_AN('f'), S_AN('g'), S_AN('h'), S_AN('i'), S_AN('j'), S_AN('k'), S_AN('l'),
    S_AN('m'), S_AN('n'), S_AN('o'), S_AN('p'), S_AN('q'), S_AN('r'), S_AN('s'), S_AN('t'),
    S_AN('u'), S_AN('v'), S_AN('w'), S_AN('x'), S_AN('y'), S_AN('z')};
#undef S_AN

static int S_ascii_alnum(unsigned char c) { return S_alnum_tab[c]; }

/* ASCII letters and digits in lower case; 0 for every other byte. */
static const unsigned char S_lower_alnum[256] = {
    ['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4', ['5'] = '5',
    ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9', ['A'] = 'a', ['B'] = 'b',
    ['C'] = 'c', ['D'] = 'd', ['E'] = 'e', ['F'] = 'f', ['G'] = 'g', ['H'] = 'h',
    ['I'] = 'i', ['J'] = 'j', ['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n',
    ['O'] = 'o', ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't',
    ['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y', ['Z'] = 'z',
    ['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e', ['f'] = 'f',
    ['g'] = 'g', ['h'] = 'h', ['i'] = 'i', ['j'] = 'j', ['k'] = 'k', ['l'] = 'l',
    ['m'] = 'm', ['n'] = 'n', ['o'] = 'o', ['p'] = 'p', ['q'] = 'q', ['r'] = 'r',
    ['s'] = 's', ['t'] = 't', ['u'] = 'u', ['v'] = 'v', ['w'] = 'w', ['x'] = 'x',
    ['y'] = 'y', ['z'] = 'z',};

/* The fast path for ASCII letters and digits [p, q): each is a cluster of
 * its own (the caller made sure no combining mark follows the last), so the
 * shadow is the bytes in lower case and each maps to itself. */
static void S_emit_ascii(S_state *st, size_t p, size_t q) {
  size_t from = st->shadow.len, n = q - p;
  sectag_buf_grow(&st->shadow, n);
  S_map_reserve(st, from + n + 1);
  char *s = st->shadow.ptr + from;
  uint32_t *m = st->map + from;
  const unsigned char *t = st->t + p;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = t[i];
    s[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    m[i] = (uint32_t)(p + i);
  }
  st->shadow.len = from + n;
  st->shadow.ptr[st->shadow.len] = '\0';
  st->last_space = 0;
}

/* Scans a word token from pos; returns its end, emitting its shadow. */
static size_t S_word(S_state *st, size_t pos) {
  size_t dotted = S_dotted_abbrev(st, pos);
  if (dotted) {
    size_t p = pos;
    while (p < dotted) p = S_emit_cluster(st, p);
    return dotted;
  }
  size_t p = pos;
  utf8proc_int32_t prev = -1;
  for (;;) {
    size_t k;
    utf8proc_int32_t c = S_decode(st, p, &k);
    if (k == 0) break;
    if (c < 0x80 && S_ascii_alnum((unsigned char)c)) {
      size_t q = p + 1;
      while (q < st->len && S_ascii_alnum(st->t[q])) q++;
      if (q < st->len && st->t[q] >= 0x80) q--; /* it may take a combining mark */
      if (q > p) {
        S_emit_ascii(st, p, q);
        prev = st->t[q - 1];
        p = q;
        continue;
      }
    }
    if (S_is_word(c)) {
      prev = c;
      p = S_emit_cluster(st, p);
      continue;
    }
    /* a joiner, number separator or format character continues the word
     * only when a word character follows it */
    size_t k2;
    utf8proc_int32_t next = S_decode(st, p + k, &k2);
    int joins = 0;
    if (k2 && S_is_word(next)) {
      if (S_is_joiner(c) || S_is_word_format(c))
        joins = 1;
      else if ((c == '.' || c == ',') && S_is_digit(prev) && S_is_digit(next))
        joins = 1;
    }
    if (!joins) break;
    if (c == '\'' || c == 0x2019) S_push_apos(st, st->shadow.len);
    if (c == 0x2019 || c == 0x2010 || c == 0x2011) {
      /* typographic apostrophes and hyphens match the ASCII ones a
       * codebook author types: "nation’s" is shadowed as "nation's" */
      size_t from = st->shadow.len;
      sectag_buf_putc(&st->shadow, c == 0x2019 ? '\'' : '-');
      S_map_to(st, from, p);
      p += k;
      continue;
    }
    p = S_emit_cluster(st, p); /* format characters emit nothing (IGNORE) */
  }
  return p;
}

/* A hidden range that ends a paragraph: a label, a title or date line, or
 * anything that fills its lines (an image line, a rule line). */
static int S_hidden_is_block(const sectag_doc *d, const sectag_hidden *h) {
  if (h->kind == SECTAG_HIDDEN_LABEL || h->kind == SECTAG_HIDDEN_TITLE ||
      h->kind == SECTAG_HIDDEN_DATE)
    return 1;
  int at_start = h->start <= d->body || d->text[h->start - 1] == '\n' ||
                 d->text[h->start - 1] == '\r';
  int at_end = h->end >= d->len || d->text[h->end] == '\n' || d->text[h->end] == '\r';
  return at_start && at_end;
}

void sectag_doc_tokenize(sectag_doc *doc, int strip_accents) {
  if (doc->tokenized && doc->strip_accents == strip_accents) return;
  sectag_doc_clear_tokens(doc); /* anything from an earlier pass */
  doc->strip_accents = strip_accents;

  S_state st;
  memset(&st, 0, sizeof st);
  st.doc = doc;
  st.t = (const unsigned char *)doc->text;
  st.len = doc->len;
  sectag_buf_init(&st.shadow);
  /* the shadow is about as long as the text: one allocation, mostly */
  sectag_buf_grow(&st.shadow, doc->len + doc->len / 16 + 64);
  st.mapcap = doc->len + doc->len / 16 + 64;
  st.map = sectag_xmalloc(st.mapcap * sizeof *st.map);
  /* about one token per 5 bytes of prose: one allocation, mostly, instead
   * of a dozen doublings that copy the array each time */
  st.tokcap = doc->len / 5 + 256;
  doc->tokens = sectag_xmalloc(st.tokcap * sizeof *doc->tokens);

  /* The text is scanned in pieces: a hidden range is skipped as white space
   * (a whole hidden line, a label, a title or a date line ends the
   * paragraph), and a turn boundary ends the paragraph and puts a barrier in
   * the shadow that no match may cross. */
  const size_t full = st.len;
  size_t pos = doc->body, hi = 0, ti = 0, bcap = 0;
  long cur_turn = -2; /* no turn yet decided */
  while (pos < full) {
    while (hi < doc->nhidden && doc->hidden[hi].end <= pos) hi++;
    if (hi < doc->nhidden && doc->hidden[hi].start <= pos) {
      const sectag_hidden *h = &doc->hidden[hi++];
      if (S_hidden_is_block(doc, h)) S_close_paragraph(&st);
      S_emit_space(&st, pos);
      pos = h->end;
      continue;
    }
    long turn = -1;
    size_t lim = full;
    if (doc->nturns) {
      while (ti < doc->nturns && doc->turns[ti].end <= pos) ti++;
      if (ti < doc->nturns && doc->turns[ti].start <= pos) {
        turn = (long)ti;
        lim = doc->turns[ti].end;
      } else if (ti < doc->nturns) {
        lim = doc->turns[ti].start;
      }
      if (turn != cur_turn) {
        S_close_paragraph(&st);
        if (st.shadow.len > 0) {
          S_emit_space(&st, pos);
          if (doc->nbarriers == bcap) {
            bcap = bcap ? bcap * 2 : 16;
            doc->barriers = sectag_xrealloc(doc->barriers, bcap * sizeof *doc->barriers);
          }
          doc->barriers[doc->nbarriers++] = st.shadow.len;
        }
        cur_turn = turn;
      }
    }
    if (hi < doc->nhidden && doc->hidden[hi].start < lim) lim = doc->hidden[hi].start;
    st.len = lim;

    /* fast path: a run of ASCII white space that ends before an ASCII
     * character that is not white space (the general loop below does the
     * same, one decoded character at a time) */
    unsigned char b0 = st.t[pos];
    if (b0 == ' ' || b0 == '\n' || b0 == '\t' || b0 == '\r') {
      size_t p = pos;
      int breaks = 0;
      const unsigned char *const tx = st.t;
      const size_t tlen = st.len;
      for (; p < tlen; p++) {
        unsigned char d = tx[p];
        if (d == ' ' || d == '\t') continue;
        if (d == '\n')
          breaks++;
        else if (d == '\r')
          breaks += !(p + 1 < tlen && tx[p + 1] == '\n');
        else
          break;
      }
      if (p >= st.len || (st.t[p] < 0x80 && st.t[p] != '\v' && st.t[p] != '\f')) {
        S_emit_space(&st, pos);
        if (breaks >= 2) S_close_paragraph(&st);
        pos = p;
        st.len = full;
        continue;
      }
    }

    size_t nstart = st.shadow.len, napos0 = st.napos, end;
    sectag_token_kind kind;
    utf8proc_int32_t c;

    /* fast path: ASCII letters and digits followed by an ASCII character
     * that cannot continue the word (S_word would stop there too: no
     * joiner, no period of an abbreviation or a number, no combining
     * mark) */
    size_t q = pos;
    if (st.shadow.cap > nstart + (st.len - pos) + 1 && st.mapcap > nstart + (st.len - pos) + 1) {
      /* room for the rest of the piece: copy while scanning (if the word
       * is not plain after all, the slow path writes over the copy) */
      char *sh = st.shadow.ptr + nstart;
      uint32_t *mp = st.map + nstart;
      /* locals: the stores through sh and mp could alias st, which would
       * make the compiler reload st.t and st.len on every byte */
      const unsigned char *const tx = st.t;
      const size_t tlen = st.len;
      for (; q < tlen; q++) {
        unsigned char x = S_lower_alnum[tx[q]];
        if (!x) break;
        *sh++ = (char)x;
        *mp++ = (uint32_t)q;
      }
      if (q > pos && (q >= st.len || (st.t[q] < 0x80 && st.t[q] != '.' && st.t[q] != ',' &&
                                       st.t[q] != '\'' && st.t[q] != '-'))) {
        c = b0;
        kind = SECTAG_TOKEN_WORD;
        st.shadow.len = nstart + (q - pos);
        st.shadow.ptr[st.shadow.len] = '\0';
        st.last_space = 0;
        end = q;
        goto token;
      }
      st.shadow.ptr[nstart] = '\0';
    } else {
      while (q < st.len && S_ascii_alnum(st.t[q])) q++;
      if (q > pos && (q >= st.len || (st.t[q] < 0x80 && st.t[q] != '.' && st.t[q] != ',' &&
                                       st.t[q] != '\'' && st.t[q] != '-'))) {
        c = b0;
        kind = SECTAG_TOKEN_WORD;
        S_emit_ascii(&st, pos, q);
        end = q;
        goto token;
      }
    }

    size_t k;
    c = S_decode(&st, pos, &k);

    /* white space (and stray format characters): one shadow space */
    if (S_is_space(c) || S_is_format(c)) {
      size_t p = pos;
      int breaks = 0;
      for (;;) {
        size_t k2;
        utf8proc_int32_t d = S_decode(&st, p, &k2);
        if (k2 == 0 || !(S_is_space(d) || S_is_format(d))) break;
        if (d == '\n' || d == 0x85 || d == 0x2028 || d == 0x2029)
          breaks++;
        else if (d == '\r' && !(p + 1 < st.len && st.t[p + 1] == '\n'))
          breaks++;
        p += k2;
      }
      S_emit_space(&st, pos);
      if (breaks >= 2) S_close_paragraph(&st);
      pos = p;
      st.len = full;
      continue;
    }

    /* a token */
    if (S_is_word(c)) {
      kind = SECTAG_TOKEN_WORD;
      end = S_word(&st, pos);
      /* a known abbreviation keeps its period */
      size_t k2 = 0;
      int period = end < st.len && st.t[end] == '.' && st.t[end - 1] != '.';
      if (period) {
        utf8proc_int32_t after = S_decode(&st, end + 1, &k2);
        period = !(k2 && S_is_word(after)); /* "gob.mx" is no abbreviation */
      }
      if (period && S_is_abbrev(st.shadow.ptr + nstart, st.shadow.len - nstart)) {
        end = S_emit_cluster(&st, end);
      } else if (period && end - pos <= 4) {
        /* a single letter followed by a period is an initial (J. Smith) */
        S_decode(&st, pos, &k2);
        if (pos + k2 == end && S_is_letter(c)) end = S_emit_cluster(&st, end);
      }
    } else {
      kind = SECTAG_TOKEN_PUNCT;
      end = S_emit_cluster(&st, pos);
      /* a run of the same ASCII mark is one token: ... -- !! */
      while (c < 0x80 && end < st.len && st.t[end] == (unsigned char)c) end++;
      if (end > pos + 1 && c < 0x80) {
        size_t from = st.shadow.len;
        sectag_buf_put(&st.shadow, st.t + pos + 1, end - pos - 1);
        S_map_to(&st, from, pos + 1); /* refined below */
        for (size_t i = 0; i < end - pos - 1; i++) st.map[from + i] = (uint32_t)(pos + 1 + i);
      }
    }

  token:;
    /* sentence boundaries decided by the previous terminal mark */
    sectag_doc *d = doc;
    int adjacent = d->ntokens > st.sent_first && d->tokens[d->ntokens - 1].end == pos;
    if (st.pending_end) {
      int keep = 0;
      if (adjacent && kind == SECTAG_TOKEN_PUNCT && !S_is_opening(c))
        keep = 1; /* closing quote, bracket, "*" or another mark: same sentence */
      else if (adjacent && kind == SECTAG_TOKEN_WORD)
        keep = 1; /* "www.gob.mx", "fin.Luego": no space, no break */
      else if (st.pending_soft && kind == SECTAG_TOKEN_WORD) {
        if (utf8proc_category(c) == UTF8PROC_CATEGORY_LL) keep = 1; /* ¿verdad? dijo */
      } else if (st.pending_soft && (c == 0xBF || c == 0xA1)) {
        /* "con detalle... ¿verdad?": an inverted mark before a lower-case
         * word continues the sentence as the word itself would */
        size_t k2;
        utf8proc_int32_t next = S_decode(&st, end, &k2);
        if (k2 && utf8proc_category(next) == UTF8PROC_CATEGORY_LL) keep = 1;
      }
      if (!keep) S_close_sentence(&st);
      else if (!(adjacent && kind == SECTAG_TOKEN_PUNCT))
        st.pending_end = st.pending_soft = 0;
    }

    sectag_token *tok = S_push_token(&st);
    tok->start = pos;
    tok->end = end;
    tok->nstart = nstart;
    tok->nend = st.shadow.len;
    tok->kind = kind;
    if (kind == SECTAG_TOKEN_WORD) {
      d->nwords++;
      /* an apostrophe joined into the word is a boundary inside it, unless
       * it is the word's first or last shadow byte */
      size_t w = napos0;
      for (size_t i = napos0; i < st.napos; i++)
        if (st.apos[i] > tok->nstart && st.apos[i] + 1 < tok->nend) st.apos[w++] = st.apos[i];
      st.napos = w;
    }

    /* ? ! … (and "...") followed by a lower-case word do not end the
     * sentence: "¿verdad? dijo", "y… bueno". A single period always does. */
    if (kind == SECTAG_TOKEN_PUNCT && S_is_terminal(c)) {
      st.pending_end = 1;
      st.pending_soft = c != '.' || end - pos >= 3;
    }
    pos = end;
    st.len = full;
  }
  st.len = full;
  S_close_paragraph(&st);

  /* finish the map: one entry past the end */
  S_map_to(&st, st.shadow.len, st.len);
  st.map[st.shadow.len] = (uint32_t)st.len;
  doc->shadow_len = st.shadow.len;
  doc->shadow = sectag_buf_detach(&st.shadow);
  doc->map = st.map;
  doc->bound = sectag_xcalloc(doc->shadow_len + 1, 1);
  for (size_t i = 0; i < doc->ntokens; i++) {
    const sectag_token *t = &doc->tokens[i];
    doc->bound[t->nstart] |= SECTAG_BOUND_START;
    doc->bound[t->nend] |= SECTAG_BOUND_END;
  }
  /* an apostrophe inside a word is a boundary too: 'enemy' matches
   * "enemy's", 'etat' matches "l'état" */
  for (size_t i = 0; i < st.napos; i++) {
    doc->bound[st.apos[i]] |= SECTAG_BOUND_END;
    doc->bound[st.apos[i] + 1] |= SECTAG_BOUND_START;
  }
  free(st.apos);
  /* which turn each token is in, and how many words are counted */
  if (doc->nturns) {
    doc->tok_turn = sectag_xmalloc((doc->ntokens ? doc->ntokens : 1) * sizeof *doc->tok_turn);
    for (size_t i = 0; i < doc->ntokens; i++) {
      long t = sectag_doc_turn_at(doc, doc->tokens[i].start);
      doc->tok_turn[i] = t < 0 ? UINT32_MAX : (uint32_t)t;
    }
  }
  doc->ncounted = 0;
  if (!doc->tok_turn) /* no turns: every word counts, or (filtered) none */
    doc->ncounted = doc->filtered ? 0 : doc->nwords;
  else
    for (size_t i = 0; i < doc->ntokens; i++)
      if (doc->tokens[i].kind == SECTAG_TOKEN_WORD && sectag_doc_token_counted(doc, i))
        doc->ncounted++;
  doc->tokenized = 1;
}
