/* render_csv.c: the tidy count tables (RFC 4180). One function per table
 * appends the rows of one document; run.c writes the headers once and the
 * rows of every document that was coded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

/* The columns each table adds after the metadata columns. */
static const char *const S_tail[SECTAG_TABLE_COUNT] = {
    "code,polarity,matches,tokens,per_10k",
    "term,frequency",
    "code,rule,start,end,line,text,left,right",
    "path,format,title,tokens,tokens_all,sentences,speakers,turns,securitizing,desecuritizing",
    "speaker,role,label,coded,turns,tokens,securitizing,desecuritizing"};
/* Whether the table has a speaker column among the metadata columns. */
static const int S_has_speaker[SECTAG_TABLE_COUNT] = {1, 1, 1, 1, 0};

const char *const sectag_table_names[SECTAG_TABLE_COUNT] = {
    "codes.csv", "terms.csv", "matches.csv", "documents.csv", "speakers.csv"};

void sectag_csv_header(sectag_buf *out, int table, const sectag_columns *cols) {
  sectag_buf_puts(out, "doc_id,date,group");
  if (S_has_speaker[table]) sectag_buf_puts(out, ",speaker");
  for (size_t i = 0; i < cols->nkeys; i++) {
    sectag_buf_putc(out, ',');
    sectag_csv_field(out, cols->keys[i], strlen(cols->keys[i]));
  }
  sectag_buf_putc(out, ',');
  sectag_buf_puts(out, S_tail[table]);
  sectag_buf_put(out, "\r\n", 2);
}

/* The bytes that make a field quoted. */
static const unsigned char S_csv_special[256] = {[','] = 1, ['"'] = 1, ['\r'] = 1, ['\n'] = 1};

void sectag_csv_field(sectag_buf *out, const char *s, size_t len) {
  size_t i = 0;
  while (i < len && !S_csv_special[(unsigned char)s[i]]) i++;
  if (i == len) {
    sectag_buf_put(out, s, len);
    return;
  }
  /* quoted: runs up to and including each '"', which is then doubled */
  sectag_buf_putc(out, '"');
  const char *p = s, *end = s + len;
  while (p < end) {
    const char *q = memchr(p, '"', (size_t)(end - p));
    if (!q) {
      sectag_buf_put(out, p, (size_t)(end - p));
      break;
    }
    sectag_buf_put(out, p, (size_t)(q - p) + 1);
    sectag_buf_putc(out, '"');
    p = q + 1;
  }
  sectag_buf_putc(out, '"');
}

static void S_str(sectag_buf *out, const char *s) { sectag_csv_field(out, s, strlen(s)); }

static void S_opt(sectag_buf *out, const char *s) {
  if (s) S_str(out, s);
}

/* doc_id,date,group[,speaker],META..., and a comma. */
static void S_prefix(sectag_buf *out, const sectag_doc *doc, int with_speaker,
                     const char *speaker) {
  S_str(out, doc->doc_id);
  sectag_buf_putc(out, ',');
  S_opt(out, doc->date);
  sectag_buf_putc(out, ',');
  S_opt(out, doc->group);
  sectag_buf_putc(out, ',');
  if (with_speaker) {
    S_opt(out, speaker);
    sectag_buf_putc(out, ',');
  }
  for (size_t i = 0; i < doc->nmeta; i++) {
    S_opt(out, doc->meta[i].value);
    sectag_buf_putc(out, ',');
  }
}

/* Speaker groups of a document: one per speaker (index), and one more
 * (index nspeakers) for text outside every turn. */
static size_t S_group_of_token(const sectag_doc *doc, size_t i) {
  long sp = sectag_doc_token_speaker(doc, i);
  return sp < 0 ? doc->nspeakers : (size_t)sp;
}

static const char *S_group_name(const sectag_doc *doc, size_t g) {
  return g < doc->nspeakers ? doc->speakers[g].id : doc->speaker;
}

/* The group of token i if it is counted (sectag_doc_token_counted and
 * S_group_of_token in one step, for the loops over every token), or
 * (size_t)-1 if it is not. doc->tok_turn must be set and i < ntokens. */
static inline size_t S_counted_group(const sectag_doc *doc, size_t i) {
  uint32_t t = doc->tok_turn[i];
  if (t == UINT32_MAX) return doc->filtered ? (size_t)-1 : doc->nspeakers;
  size_t sp = doc->turns[t].speaker;
  return doc->speakers[sp].selected ? sp : (size_t)-1;
}

/* The row prefix of each group, built when first asked for. */
typedef struct {
  sectag_buf *bufs; /* one per group, len 0 until built */
  size_t n;
} S_prefixes;

static void S_prefixes_init(S_prefixes *p, const sectag_doc *doc) {
  p->n = doc->nspeakers + 1;
  p->bufs = sectag_xcalloc(p->n, sizeof *p->bufs);
}

static const sectag_buf *S_prefix_of(S_prefixes *p, const sectag_doc *doc, size_t g) {
  sectag_buf *b = &p->bufs[g];
  if (!b->len) S_prefix(b, doc, 1, S_group_name(doc, g)); /* never empty: 4 commas at least */
  return b;
}

static void S_prefixes_free(S_prefixes *p) {
  for (size_t g = 0; g < p->n; g++) sectag_buf_free(&p->bufs[g]);
  free(p->bufs);
}

/* ---- appending without a call per byte ---- */

/* Room for n more bytes (and the NUL); returns where they go. Finish with
 * S_commit. */
static inline char *S_room(sectag_buf *out, size_t n) {
  if (out->len + n + 1 > out->cap) sectag_buf_grow(out, n);
  return out->ptr + out->len;
}

static inline void S_commit(sectag_buf *out, char *end) {
  out->len = (size_t)(end - out->ptr);
  out->ptr[out->len] = '\0';
}

/* sectag_csv_field into room for 2 * len + 2 bytes. */
static inline char *S_field_at(char *p, const char *s, size_t len) {
  size_t i = 0;
  while (i < len && s[i] != ',' && s[i] != '"' && s[i] != '\r' && s[i] != '\n') i++;
  if (i == len) {
    memcpy(p, s, len);
    return p + len;
  }
  *p++ = '"';
  for (i = 0; i < len; i++) {
    if (s[i] == '"') *p++ = '"';
    *p++ = s[i];
  }
  *p++ = '"';
  return p;
}

/* n in decimal, as sectag_buf_put_size, into room for 20 bytes. */
static inline char *S_size_at(char *p, size_t n) {
  char tmp[24];
  size_t i = sizeof tmp;
  do {
    tmp[--i] = (char)('0' + n % 10);
    n /= 10;
  } while (n);
  memcpy(p, tmp + i, sizeof tmp - i);
  return p + (sizeof tmp - i);
}

static void S_crlf(sectag_buf *out) { sectag_buf_put(out, "\r\n", 2); }

size_t sectag_per_10k(char buf[48], size_t n, size_t words) {
  if (words == 0) {
    memcpy(buf, "NA", 3);
    return 2;
  }
  /* In units of 1e-4, the rate is q + r / words. printf rounds the double
   * n * 10000.0 / words, whose relative error is below 2^-53; unless the
   * exact value is within 5e-7 units of a rounding tie, both round the same
   * way, and the digits come from integers. Otherwise (and for huge or
   * rolled-up counts above the words) printf decides. */
  if (n <= words && words < ((size_t)1 << 36)) {
    uint64_t num = (uint64_t)n * 100000000u, q = num / words, r = num % words;
    uint64_t twice = 2 * r, gap = twice > words ? twice - words : words - twice;
    if (gap > words / 1000000 + 1) {
      uint64_t units = q + (twice > words);
      char *p = S_size_at(buf, (size_t)(units / 10000));
      uint64_t frac = units % 10000;
      p[0] = '.';
      p[1] = (char)('0' + frac / 1000);
      p[2] = (char)('0' + frac / 100 % 10);
      p[3] = (char)('0' + frac / 10 % 10);
      p[4] = (char)('0' + frac % 10);
      p[5] = '\0';
      return (size_t)(p + 5 - buf);
    }
  }
  int k = snprintf(buf, 48, "%.4f", (double)n * 10000.0 / (double)words);
  return k > 0 && k < 48 ? (size_t)k : 0;
}

static void S_rate(sectag_buf *out, size_t n, size_t words) {
  char buf[48];
  sectag_buf_put(out, buf, sectag_per_10k(buf, n, words));
}

void sectag_doc_polarity_counts(const sectag_doc *doc, const sectag_codebook *cb,
                                size_t counts[3]) {
  counts[0] = counts[1] = counts[2] = 0;
  for (size_t i = 0; i < doc->nmatches; i++) counts[cb->codes[doc->matches[i].code].polarity]++;
}

void sectag_csv_codes(const sectag_doc *doc, const sectag_codebook *cb, sectag_buf *out) {
  size_t ng = doc->nspeakers + 1, nc = cb->ncodes;
  size_t *n = sectag_xcalloc(ng * nc + 1, sizeof *n);
  size_t *words = sectag_xcalloc(ng, sizeof *words);
  if (!doc->tok_turn)
    /* no turns: every token is outside every turn (group nspeakers), and
     * the counted words are doc->ncounted (nwords, or 0 when filtered) */
    words[doc->nspeakers] = doc->ncounted;
  else
    for (size_t i = 0; i < doc->ntokens; i++) {
      if (doc->tokens[i].kind != SECTAG_TOKEN_WORD) continue;
      size_t g = S_counted_group(doc, i);
      if (g != (size_t)-1) words[g]++;
    }
  /* roll up: a match counts for its code and every ancestor */
  for (size_t i = 0; i < doc->nmatches; i++) {
    size_t g = S_group_of_token(doc, doc->matches[i].first_tok);
    for (long c = (long)doc->matches[i].code; c >= 0; c = cb->codes[c].parent) n[g * nc + c]++;
  }
  for (size_t g = 0; g < ng; g++) {
    sectag_buf prefix = SECTAG_BUF_INIT; /* built at the group's first row */
    for (size_t c = 0; c < nc; c++) {
      size_t k = n[g * nc + c];
      if (!k) continue;
      if (!prefix.len) S_prefix(&prefix, doc, 1, S_group_name(doc, g));
      sectag_buf_put(out, prefix.ptr, prefix.len);
      S_str(out, cb->codes[c].id);
      sectag_buf_putc(out, ',');
      sectag_buf_puts(out, sectag_polarity_name(cb->codes[c].polarity));
      char *p = S_room(out, 1 + 20 + 1 + 20 + 1);
      *p++ = ',';
      p = S_size_at(p, k);
      *p++ = ',';
      p = S_size_at(p, words[g]);
      *p++ = ',';
      S_commit(out, p);
      S_rate(out, k, words[g]);
      S_crlf(out);
    }
    sectag_buf_free(&prefix);
  }
  free(n);
  free(words);
}

/* ---- terms: an open-addressing table of shadow word forms per group ---- */

typedef struct {
  const char *s; /* into the shadow text; NULL: an empty slot */
  uint64_t key;  /* the first 8 bytes, big-endian, zero-padded: most
                    comparisons stop here */
  uint32_t len;   /* a document is shorter than 4 GiB (doc->map is 32-bit) */
  uint32_t count;
} S_term;

typedef struct {
  S_term *tab; /* NULL until the group's first word */
  size_t cap, used;
  size_t words; /* the group's counted words: sizes the table */
} S_table;

static size_t S_isqrt(size_t n) {
  size_t r = 0, b = (size_t)1 << (sizeof(size_t) * 8 - 2);
  while (b > n) b >>= 2;
  while (b) {
    if (n >= r + b) {
      n -= r + b;
      r = (r >> 1) + b;
    } else
      r >>= 1;
    b >>= 2;
  }
  return r;
}

/* Room for the distinct forms of so many words without growing, most
 * times: speeches have some 20-30 sqrt(words) of them (Heaps' law). */
static size_t S_initial_cap(size_t words) {
  size_t est = 32 * S_isqrt(words) + 32, cap = 16;
  if (est > words) est = words;
  while (cap < 2 * (est + 1)) cap *= 2;
  return cap;
}

static inline uint64_t S_load_be(const char *s) {
  uint64_t k;
  memcpy(&k, s, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  return k;
#else
  return __builtin_bswap64(k);
#endif
}

/* The first 8 bytes of s[0, n) (n > 0) big-endian and zero-padded; room:
 * whether 8 bytes can be read at s. */
static inline uint64_t S_key8(const char *s, size_t n, int room) {
  if (n >= 8) return S_load_be(s);
  if (room) return S_load_be(s) & (~(uint64_t)0 << (8 * (8 - n)));
  uint64_t k = 0;
  for (size_t i = 0; i < 8; i++) k = (k << 8) | (i < n ? (unsigned char)s[i] : 0);
  return k;
}

static inline uint64_t S_mix(uint64_t h) {
  h ^= h >> 32;
  h *= 0xD6E8FEB86659FD93ULL;
  h ^= h >> 32;
  h *= 0xD6E8FEB86659FD93ULL;
  h ^= h >> 32;
  return h;
}

/* The table's hash of a form with this key8 (the order of the output does
 * not depend on it: every group's rows are sorted). */
static inline uint64_t S_term_hash(const char *s, size_t n, uint64_t key) {
  uint64_t h = key ^ ((uint64_t)n * 0x9E3779B97F4A7C15ULL);
  for (size_t i = 8; i < n; i += 8) {
    uint64_t c = 0;
    if (n - i >= 8)
      memcpy(&c, s + i, 8);
    else
      for (size_t k = i; k < n; k++) c = (c << 8) | (unsigned char)s[k];
    h = (h ^ c) * 0x9E3779B97F4A7C15ULL;
    h ^= h >> 29;
  }
  return S_mix(h);
}

/* Adds count occurrences of s[0, n) to the table; returns 1 if the form is
 * new to it. */
static inline int S_term_add(S_term *tab, size_t cap, const char *s, size_t n, uint64_t key,
                             uint64_t hv, size_t count) {
  size_t h = (size_t)hv & (cap - 1);
  for (;;) {
    S_term *e = &tab[h];
    if (!e->s) {
      e->s = s;
      e->key = key;
      e->len = (uint32_t)n;
      e->count = (uint32_t)count;
      return 1;
    }
    if (e->key == key && e->len == n && (n <= 8 || memcmp(e->s + 8, s + 8, n - 8) == 0)) {
      e->count += (uint32_t)count;
      return 0;
    }
    h = (h + 1) & (cap - 1);
  }
}

/* The tables grow as distinct forms come (most documents have far fewer
 * distinct forms than words). */
static void S_table_add(S_table *t, const char *s, size_t n, uint64_t key, uint64_t hv) {
  if (!t->tab) {
    t->cap = S_initial_cap(t->words);
    t->tab = sectag_xcalloc(t->cap, sizeof *t->tab);
  } else if (2 * (t->used + 1) > t->cap) { /* grow and rehash */
    size_t ncap = t->cap * 2;
    S_term *nt = sectag_xcalloc(ncap, sizeof *nt);
    for (size_t k = 0; k < t->cap; k++) {
      const S_term *e = &t->tab[k];
      if (e->s) S_term_add(nt, ncap, e->s, e->len, e->key, S_term_hash(e->s, e->len, e->key), e->count);
    }
    free(t->tab);
    t->tab = nt;
    t->cap = ncap;
  }
  t->used += (size_t)S_term_add(t->tab, t->cap, s, n, key, hv, 1);
}

/* The rows' order: count descending, then the form (key8 first, then the
 * bytes, then the shorter first). Forms of a group are distinct, so the
 * order is total and any correct sort gives the same rows. */
typedef struct {
  uint64_t key;
  uint32_t count;
  uint32_t idx; /* into the compacted table */
} S_rank;

static inline int S_rank_less(const S_rank *x, const S_rank *y, const S_term *tab) {
  if (x->count != y->count) return x->count > y->count;
  if (x->key != y->key) return x->key < y->key;
  const S_term *a = &tab[x->idx], *b = &tab[y->idx];
  size_t n = a->len < b->len ? a->len : b->len;
  int r = memcmp(a->s, b->s, n);
  if (r) return r < 0;
  return a->len < b->len;
}

#define S_RUN 16 /* insertion-sorted runs before merging */

static void S_insertion_sort(S_rank *a, size_t n, const S_term *tab) {
  for (size_t i = 1; i < n; i++) {
    S_rank v = a[i];
    size_t j = i;
    while (j > 0 && S_rank_less(&v, &a[j - 1], tab)) {
      a[j] = a[j - 1];
      j--;
    }
    a[j] = v;
  }
}

/* Bottom-up merge sort: O(n log n) always; tmp has room for n. Returns
 * the array that holds the result (a or tmp). */
static S_rank *S_rank_sort(S_rank *a, S_rank *tmp, size_t n, const S_term *tab) {
  for (size_t i = 0; i < n; i += S_RUN) S_insertion_sort(a + i, n - i < S_RUN ? n - i : S_RUN, tab);
  S_rank *src = a, *dst = tmp;
  for (size_t width = S_RUN; width < n; width *= 2) {
    for (size_t lo = 0; lo < n; lo += 2 * width) {
      size_t mid = lo + width < n ? lo + width : n;
      size_t hi = mid + width < n ? mid + width : n;
      size_t i = lo, j = mid, k = lo;
      if (mid == hi || !S_rank_less(&src[mid], &src[mid - 1], tab)) {
        memcpy(dst + lo, src + lo, (hi - lo) * sizeof *src); /* already in order */
        continue;
      }
      while (i < mid && j < hi) dst[k++] = S_rank_less(&src[j], &src[i], tab) ? src[j++] : src[i++];
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    S_rank *t = src;
    src = dst;
    dst = t;
  }
  return src;
}

/* Digit d of a rank's sort key, least significant first: bytes 0-7 are
 * those of key8, bytes 8-11 those of UINT32_MAX - count (count descending). */
static inline unsigned S_digit(const S_rank *r, unsigned d) {
  return d < 8 ? (unsigned)(r->key >> (8 * d)) & 255u
               : (unsigned)((UINT32_MAX - r->count) >> (8 * (d - 8))) & 255u;
}

/* One stable counting pass on digit d; hist: the digit's counts. */
static void S_radix_pass(const S_rank *src, S_rank *dst, size_t n, const uint32_t *hist,
                         unsigned d) {
  size_t off[256], sum = 0;
  for (unsigned b = 0; b < 256; b++) {
    off[b] = sum;
    sum += hist[b];
  }
  if (d < 8) {
    unsigned shift = 8 * d;
    for (size_t i = 0; i < n; i++) dst[off[(unsigned)(src[i].key >> shift) & 255u]++] = src[i];
  } else {
    unsigned shift = 8 * (d - 8);
    for (size_t i = 0; i < n; i++)
      dst[off[((UINT32_MAX - src[i].count) >> shift) & 255u]++] = src[i];
  }
}

/* Sorts a[0, n) into the rows' order; tmp has room for n. Returns the array
 * that holds the result (a or tmp). A least-significant-digit radix sort on
 * (count, key8), then the rare runs that tie on both sorted by the full
 * comparison; small arrays go to the merge sort directly. */
static S_rank *S_rank_order(S_rank *a, S_rank *tmp, size_t n, const S_term *tab) {
  if (n < 64) return S_rank_sort(a, tmp, n, tab);
  uint32_t hist[12][256];
  memset(hist, 0, sizeof hist);
  for (size_t i = 0; i < n; i++) {
    uint64_t k = a[i].key;
    uint32_t c = UINT32_MAX - a[i].count;
    for (unsigned d = 0; d < 8; d++) hist[d][(k >> (8 * d)) & 255u]++;
    for (unsigned d = 0; d < 4; d++) hist[8 + d][(c >> (8 * d)) & 255u]++;
  }
  S_rank *src = a, *dst = tmp;
  for (unsigned d = 0; d < 12; d++) {
    if (hist[d][S_digit(&src[0], d)] == n) continue; /* one value: nothing moves */
    S_radix_pass(src, dst, n, hist[d], d);
    S_rank *t = src;
    src = dst;
    dst = t;
  }
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && src[j].count == src[i].count && src[j].key == src[i].key) j++;
    if (j - i > 1) {
      const S_rank *r = S_rank_sort(src + i, dst + i, j - i, tab);
      if (r != src + i) memcpy(src + i, r, (j - i) * sizeof *r);
    }
    i = j;
  }
  return src;
}

/* The rows of one group, sorted; frees the table. */
static void S_terms_rows(const sectag_doc *doc, size_t g, S_table *t, sectag_buf *out) {
  if (!t->tab) return;
  S_term *tab = t->tab;
  size_t w = 0, bytes = 0;
  for (size_t i = 0; i < t->cap; i++)
    if (tab[i].s) {
      tab[w] = tab[i];
      bytes += tab[w].len;
      w++;
    }
  S_rank *rank = sectag_xmalloc(2 * w * sizeof *rank);
  for (size_t i = 0; i < w; i++) rank[i] = (S_rank){tab[i].key, tab[i].count, (uint32_t)i};
  const S_rank *sorted = S_rank_order(rank, rank + w, w, tab);
  sectag_buf prefix = SECTAG_BUF_INIT; /* the same for every row of the group */
  S_prefix(&prefix, doc, 1, S_group_name(doc, g));
  /* a row: prefix, the form (quoted at worst: 2 len + 2), a comma, the
   * count (at most 10 digits), CRLF */
  char *p = S_room(out, w * (prefix.len + 2 + 1 + 10 + 2) + 2 * bytes);
  for (size_t i = 0; i < w; i++) {
    const S_term *e = &tab[sorted[i].idx];
    memcpy(p, prefix.ptr, prefix.len);
    p = S_field_at(p + prefix.len, e->s, e->len);
    *p++ = ',';
    p = S_size_at(p, e->count);
    *p++ = '\r';
    *p++ = '\n';
  }
  S_commit(out, p);
  sectag_buf_free(&prefix);
  free(rank);
  free(tab);
  t->tab = NULL;
}

/* Rows per group (speakers in index order, then the text outside every
 * turn), each group's forms by count. The tokens are walked once. */
void sectag_csv_terms(const sectag_doc *doc, sectag_buf *out) {
  size_t ng = doc->nspeakers + 1;
  S_table *tables = sectag_xcalloc(ng, sizeof *tables);
  const char *shadow = doc->shadow;
  size_t safe = doc->shadow_len >= 8 ? doc->shadow_len - 8 : 0; /* 8 bytes readable at < safe */
  if (!doc->tok_turn)
    tables[doc->nspeakers].words = doc->ncounted;
  else
    for (size_t i = 0; i < doc->ntokens; i++) {
      if (doc->tokens[i].kind != SECTAG_TOKEN_WORD) continue;
      size_t g = S_counted_group(doc, i);
      if (g != (size_t)-1) tables[g].words++;
    }
  if (doc->tok_turn || !doc->filtered)
    for (size_t i = 0; i < doc->ntokens; i++) {
      const sectag_token *tk = &doc->tokens[i];
      if (tk->kind != SECTAG_TOKEN_WORD || tk->nend == tk->nstart) continue;
      size_t g = doc->tok_turn ? S_counted_group(doc, i) : doc->nspeakers;
      if (g == (size_t)-1) continue;
      const char *s = shadow + tk->nstart;
      size_t n = tk->nend - tk->nstart;
      uint64_t key = S_key8(s, n, tk->nstart < safe);
      S_table_add(&tables[g], s, n, key, S_term_hash(s, n, key));
    }
  for (size_t g = 0; g < ng; g++) S_terms_rows(doc, g, &tables[g], out);
  free(tables);
}

/* Original text of tokens [a, b) on one line: white-space runs (and hidden
 * text) become one space. */
static void S_context(const sectag_doc *doc, size_t a, size_t b, sectag_buf *tmp) {
  sectag_buf_clear(tmp);
  if (a >= b) return;
  size_t from = doc->tokens[a].start, to = doc->tokens[b - 1].end;
  if (to <= from) return;
  /* the first hidden range whose end is after from (as sectag_doc_is_hidden;
   * the ranges are sorted and do not overlap, so their ends rise too) */
  size_t h = 0, nh = doc->nhidden;
  if (nh) {
    size_t hi = nh;
    while (h < hi) {
      size_t mid = h + (hi - h) / 2;
      if (doc->hidden[mid].end <= from)
        h = mid + 1;
      else
        hi = mid;
    }
  }
  char *q = S_room(tmp, to - from); /* never longer than the text */
  const char *text = doc->text;
  int space = 0;
  for (size_t i = from; i < to; i++) {
    char c = text[i];
    int hidden = 0;
    if (h < nh) {
      while (h < nh && doc->hidden[h].end <= i) h++;
      hidden = h < nh && doc->hidden[h].start <= i;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || hidden) {
      space = 1;
      continue;
    }
    if (space) *q++ = ' ';
    space = 0;
    *q++ = c;
  }
  S_commit(tmp, q);
}

#define SECTAG_CONTEXT_TOKENS 8

/* The text on one line, as S_context writes it: every run of white space
 * and hidden text is one space. A token's bytes are copied as they are, so
 * the context of tokens [a, b) is flat[fstart[a], fstart[b - 1] + the
 * length of token b - 1): one copy per context instead of a scan. Built for
 * a document with many matches (more than one per 100 bytes), where the
 * contexts would scan the text several times over. */
typedef struct {
  char *s;
  uint32_t *fstart; /* per token: where it starts in s */
} S_flat;

static int S_flat_build(S_flat *f, const sectag_doc *doc) {
  size_t len = doc->len, nt = doc->ntokens, nh = doc->nhidden;
  if (len >= UINT32_MAX || nt == 0) return -1;
  f->s = sectag_xmalloc(len + 1);
  f->fstart = sectag_xmalloc(nt * sizeof *f->fstart);
  const char *text = doc->text;
  size_t k = 0, h = 0, t = 0;
  int space = 0;
  for (size_t i = 0; i < len; i++) {
    char c = text[i];
    while (h < nh && doc->hidden[h].end <= i) h++;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
        (h < nh && doc->hidden[h].start <= i)) {
      space = 1;
      continue;
    }
    if (space) f->s[k++] = ' ';
    space = 0;
    if (t < nt && doc->tokens[t].start == i) f->fstart[t++] = (uint32_t)k;
    f->s[k++] = c;
  }
  if (t < nt) { /* a token that starts on white space or hidden text: the
                   scan of S_context handles it */
    free(f->s);
    free(f->fstart);
    return -1;
  }
  return 0;
}

/* The context of tokens [a, b) as a CSV field: a slice of the one-line
 * copy when there is one, else made by S_context in tmp. */
static void S_context_field(sectag_buf *out, const S_flat *f, const sectag_doc *doc, size_t a,
                            size_t b, sectag_buf *tmp) {
  if (!f) {
    S_context(doc, a, b, tmp);
    sectag_csv_field(out, tmp->ptr ? tmp->ptr : "", tmp->len);
    return;
  }
  size_t from = 0, to = 0;
  if (a < b) {
    const sectag_token *last = &doc->tokens[b - 1];
    from = f->fstart[a];
    to = f->fstart[b - 1] + (last->end - last->start);
  }
  sectag_csv_field(out, f->s + from, to > from ? to - from : 0);
}

void sectag_csv_matches(const sectag_doc *doc, const sectag_codebook *cb, sectag_buf *out) {
  sectag_csv_matches_how(doc, cb, out, -1);
}

void sectag_csv_matches_how(const sectag_doc *doc, const sectag_codebook *cb, sectag_buf *out,
                            int flat_context) {
  sectag_buf tmp = SECTAG_BUF_INIT;
  S_prefixes pre;
  S_prefixes_init(&pre, doc);
  S_flat flat = {NULL, NULL};
  int want = flat_context < 0 ? doc->nmatches > doc->len / 100 : flat_context;
  const S_flat *fp = want && S_flat_build(&flat, doc) == 0 ? &flat : NULL;
  for (size_t i = 0; i < doc->nmatches; i++) {
    const sectag_match *m = &doc->matches[i];
    unsigned long line;
    sectag_doc_line_col(doc, m->start, &line, NULL);
    const sectag_buf *prefix = S_prefix_of(&pre, doc, S_group_of_token(doc, m->first_tok));
    sectag_buf_put(out, prefix->ptr, prefix->len);
    S_str(out, cb->codes[m->code].id);
    sectag_buf_putc(out, ',');
    S_str(out, cb->rules[m->rule].id);
    char *p = S_room(out, 1 + 20 + 1 + 20 + 1 + 20 + 1);
    *p++ = ',';
    p = S_size_at(p, m->start);
    *p++ = ',';
    p = S_size_at(p, m->end);
    *p++ = ',';
    p = S_size_at(p, (size_t)line);
    *p++ = ',';
    S_commit(out, p);
    sectag_csv_field(out, doc->text + m->start, m->end - m->start);
    sectag_buf_putc(out, ',');
    /* context stays within the match's speaker turn */
    uint32_t turn = doc->tok_turn ? doc->tok_turn[m->first_tok] : 0;
    size_t a = m->first_tok > SECTAG_CONTEXT_TOKENS ? m->first_tok - SECTAG_CONTEXT_TOKENS : 0;
    while (doc->tok_turn && a < m->first_tok && doc->tok_turn[a] != turn) a++;
    S_context_field(out, fp, doc, a, m->first_tok, &tmp);
    sectag_buf_putc(out, ',');
    size_t b = m->end_tok + SECTAG_CONTEXT_TOKENS;
    if (b > doc->ntokens) b = doc->ntokens;
    while (doc->tok_turn && b > m->end_tok && doc->tok_turn[b - 1] != turn) b--;
    S_context_field(out, fp, doc, m->end_tok, b, &tmp);
    S_crlf(out);
  }
  S_prefixes_free(&pre);
  sectag_buf_free(&tmp);
  if (fp) {
    free(flat.s);
    free(flat.fstart);
  }
}

void sectag_csv_documents(const sectag_doc *doc, const sectag_codebook *cb, sectag_buf *out) {
  size_t pol[3];
  sectag_doc_polarity_counts(doc, cb, pol);
  S_prefix(out, doc, 1, doc->speaker);
  S_str(out, doc->path ? doc->path : "");
  sectag_buf_putc(out, ',');
  S_str(out, doc->format ? doc->format : "");
  sectag_buf_putc(out, ',');
  S_opt(out, doc->title);
  sectag_buf_printf(out, ",%zu,%zu,%zu,%zu,%zu,%zu,%zu\r\n", doc->ncounted, doc->nwords,
                    doc->nsentences, doc->nspeakers, doc->nturns, pol[SECTAG_SECURITIZING],
                    pol[SECTAG_DESECURITIZING]);
}

void sectag_csv_speakers(const sectag_doc *doc, const sectag_codebook *cb, sectag_buf *out) {
  if (!doc->nspeakers) return;
  size_t ns = doc->nspeakers;
  size_t *turns = sectag_xcalloc(ns, sizeof *turns);
  size_t *words = sectag_xcalloc(ns, sizeof *words);
  size_t *pol = sectag_xcalloc(ns * 3, sizeof *pol);
  for (size_t t = 0; t < doc->nturns; t++) turns[doc->turns[t].speaker]++;
  if (doc->tok_turn)
    for (size_t i = 0; i < doc->ntokens; i++) {
      uint32_t t = doc->tok_turn[i];
      if (t != UINT32_MAX && doc->tokens[i].kind == SECTAG_TOKEN_WORD)
        words[doc->turns[t].speaker]++;
    }
  for (size_t i = 0; i < doc->nmatches; i++) {
    long sp = sectag_doc_token_speaker(doc, doc->matches[i].first_tok);
    if (sp >= 0) pol[(size_t)sp * 3 + cb->codes[doc->matches[i].code].polarity]++;
  }
  sectag_buf prefix = SECTAG_BUF_INIT;
  S_prefix(&prefix, doc, 0, NULL);
  for (size_t s = 0; s < ns; s++) {
    const sectag_speaker *sp = &doc->speakers[s];
    sectag_buf_put(out, prefix.ptr, prefix.len);
    S_str(out, sp->id);
    sectag_buf_putc(out, ',');
    S_opt(out, sp->role);
    sectag_buf_putc(out, ',');
    S_str(out, sp->label);
    sectag_buf_printf(out, ",%s,%zu,%zu,%zu,%zu\r\n", sp->selected ? "TRUE" : "FALSE",
                      turns[s], words[s], pol[s * 3 + SECTAG_SECURITIZING],
                      pol[s * 3 + SECTAG_DESECURITIZING]);
  }
  sectag_buf_free(&prefix);
  free(turns);
  free(words);
  free(pol);
}
