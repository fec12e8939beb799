/* render_csv.c: the tidy count tables (RFC 4180). One function per table
 * appends the rows of one document; run.c writes the headers once and the
 * rows of every document that was coded. */
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
  sectag_buf_puts(out, "\r\n");
}

void sectag_csv_field(sectag_buf *out, const char *s, size_t len) {
  int quote = 0;
  for (size_t i = 0; i < len && !quote; i++)
    if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n') quote = 1;
  if (!quote) {
    sectag_buf_put(out, s, len);
    return;
  }
  sectag_buf_putc(out, '"');
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '"') sectag_buf_putc(out, '"');
    sectag_buf_putc(out, s[i]);
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

static void S_rate(sectag_buf *out, size_t n, size_t words) {
  if (words == 0)
    sectag_buf_puts(out, "NA");
  else
    sectag_buf_printf(out, "%.4f", (double)n * 10000.0 / (double)words);
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
  for (size_t i = 0; i < doc->ntokens; i++)
    if (doc->tokens[i].kind == SECTAG_TOKEN_WORD && sectag_doc_token_counted(doc, i))
      words[S_group_of_token(doc, i)]++;
  /* roll up: a match counts for its code and every ancestor */
  for (size_t i = 0; i < doc->nmatches; i++) {
    size_t g = S_group_of_token(doc, doc->matches[i].first_tok);
    for (long c = (long)doc->matches[i].code; c >= 0; c = cb->codes[c].parent) n[g * nc + c]++;
  }
  for (size_t g = 0; g < ng; g++)
    for (size_t c = 0; c < nc; c++) {
      size_t k = n[g * nc + c];
      if (!k) continue;
      S_prefix(out, doc, 1, S_group_name(doc, g));
      S_str(out, cb->codes[c].id);
      sectag_buf_printf(out, ",%s,%zu,%zu,", sectag_polarity_name(cb->codes[c].polarity), k,
                        words[g]);
      S_rate(out, k, words[g]);
      sectag_buf_puts(out, "\r\n");
    }
  free(n);
  free(words);
}

/* ---- terms: an open-addressing table of shadow word forms ---- */

typedef struct {
  const char *s; /* into the shadow text */
  size_t len;
  size_t count;
  uint64_t hash;
  uint64_t key; /* the first 8 bytes, big-endian: most comparisons stop here */
} S_term;

static uint64_t S_key8(const char *s, size_t n) {
  uint64_t k = 0;
  for (size_t i = 0; i < 8; i++) k = (k << 8) | (i < n ? (unsigned char)s[i] : 0);
  return k;
}


static int S_cmp_terms(const void *a, const void *b) {
  const S_term *x = a, *y = b;
  if (x->count != y->count) return x->count > y->count ? -1 : 1;
  if (x->key != y->key) return x->key < y->key ? -1 : 1;
  size_t n = x->len < y->len ? x->len : y->len;
  int r = memcmp(x->s, y->s, n);
  if (r) return r;
  return x->len < y->len ? -1 : x->len > y->len;
}

/* Adds count occurrences of s[0, n) (hash hv) to the table; returns 1 if
 * the form is new to it. */
static int S_term_add(S_term *tab, size_t cap, const char *s, size_t n, uint64_t hv,
                      size_t count) {
  size_t h = (size_t)hv & (cap - 1);
  while (tab[h].s && !(tab[h].len == n && memcmp(tab[h].s, s, n) == 0)) h = (h + 1) & (cap - 1);
  int fresh = !tab[h].s;
  if (fresh) {
    tab[h].s = s;
    tab[h].len = n;
    tab[h].hash = hv;
  }
  tab[h].count += count;
  return fresh;
}

/* One group's terms (g = 0: the whole document, g = k: speaker k - 1).
 * The table grows as distinct forms come (most documents have far fewer
 * distinct forms than words). */
static void S_terms_group(const sectag_doc *doc, size_t g, sectag_buf *out) {
  size_t cap = 1024, used = 0;
  S_term *tab = sectag_xcalloc(cap, sizeof *tab);
  for (size_t i = 0; i < doc->ntokens; i++) {
    const sectag_token *t = &doc->tokens[i];
    if (t->kind != SECTAG_TOKEN_WORD || t->nend == t->nstart) continue;
    if (!sectag_doc_token_counted(doc, i) || S_group_of_token(doc, i) != g) continue;
    const char *s = doc->shadow + t->nstart;
    size_t n = t->nend - t->nstart;
    if (2 * (used + 1) > cap) { /* grow and rehash */
      size_t ncap = cap * 2;
      S_term *nt = sectag_xcalloc(ncap, sizeof *nt);
      for (size_t k = 0; k < cap; k++)
        if (tab[k].s) S_term_add(nt, ncap, tab[k].s, tab[k].len, tab[k].hash, tab[k].count);
      free(tab);
      tab = nt;
      cap = ncap;
    }
    used += (size_t)S_term_add(tab, cap, s, n, sectag_hash(s, n), 1);
  }
  size_t w = 0;
  for (size_t i = 0; i < cap; i++)
    if (tab[i].s) {
      tab[w] = tab[i];
      tab[w].key = S_key8(tab[w].s, tab[w].len);
      w++;
    }
  sectag_sort(tab, w, sizeof *tab, S_cmp_terms);
  sectag_buf prefix = SECTAG_BUF_INIT; /* the same for every row of the group */
  S_prefix(&prefix, doc, 1, S_group_name(doc, g));
  for (size_t i = 0; i < w; i++) {
    sectag_buf_put(out, prefix.ptr, prefix.len);
    sectag_csv_field(out, tab[i].s, tab[i].len);
    sectag_buf_putc(out, ',');
    sectag_buf_put_size(out, tab[i].count);
    sectag_buf_puts(out, "\r\n");
  }
  sectag_buf_free(&prefix);
  free(tab);
}

void sectag_csv_terms(const sectag_doc *doc, sectag_buf *out) {
  for (size_t g = 0; g <= doc->nspeakers; g++) S_terms_group(doc, g, out);
}

/* Original text of tokens [a, b) on one line: white-space runs become one
 * space. */
static void S_context(const sectag_doc *doc, size_t a, size_t b, sectag_buf *tmp) {
  sectag_buf_clear(tmp);
  if (a >= b) return;
  size_t from = doc->tokens[a].start, to = doc->tokens[b - 1].end;
  int space = 0;
  for (size_t i = from; i < to; i++) {
    char c = doc->text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
        (doc->nhidden && sectag_doc_is_hidden(doc, i))) {
      space = 1;
      continue;
    }
    if (space) sectag_buf_putc(tmp, ' ');
    space = 0;
    sectag_buf_putc(tmp, c);
  }
}

#define SECTAG_CONTEXT_TOKENS 8

void sectag_csv_matches(const sectag_doc *doc, const sectag_codebook *cb, sectag_buf *out) {
  sectag_buf tmp = SECTAG_BUF_INIT;
  for (size_t i = 0; i < doc->nmatches; i++) {
    const sectag_match *m = &doc->matches[i];
    unsigned long line;
    sectag_doc_line_col(doc, m->start, &line, NULL);
    S_prefix(out, doc, 1, S_group_name(doc, S_group_of_token(doc, m->first_tok)));
    S_str(out, cb->codes[m->code].id);
    sectag_buf_putc(out, ',');
    S_str(out, cb->rules[m->rule].id);
    sectag_buf_printf(out, ",%zu,%zu,%lu,", m->start, m->end, line);
    sectag_csv_field(out, doc->text + m->start, m->end - m->start);
    sectag_buf_putc(out, ',');
    /* context stays within the match's speaker turn */
    uint32_t turn = doc->tok_turn ? doc->tok_turn[m->first_tok] : 0;
    size_t a = m->first_tok > SECTAG_CONTEXT_TOKENS ? m->first_tok - SECTAG_CONTEXT_TOKENS : 0;
    while (doc->tok_turn && a < m->first_tok && doc->tok_turn[a] != turn) a++;
    S_context(doc, a, m->first_tok, &tmp);
    sectag_csv_field(out, tmp.ptr ? tmp.ptr : "", tmp.len);
    sectag_buf_putc(out, ',');
    size_t b = m->end_tok + SECTAG_CONTEXT_TOKENS;
    if (b > doc->ntokens) b = doc->ntokens;
    while (doc->tok_turn && b > m->end_tok && doc->tok_turn[b - 1] != turn) b--;
    S_context(doc, m->end_tok, b, &tmp);
    sectag_csv_field(out, tmp.ptr ? tmp.ptr : "", tmp.len);
    sectag_buf_puts(out, "\r\n");
  }
  sectag_buf_free(&tmp);
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
  for (size_t i = 0; i < doc->ntokens; i++) {
    long sp = sectag_doc_token_speaker(doc, i);
    if (sp >= 0 && doc->tokens[i].kind == SECTAG_TOKEN_WORD) words[sp]++;
  }
  for (size_t i = 0; i < doc->nmatches; i++) {
    long sp = sectag_doc_token_speaker(doc, doc->matches[i].first_tok);
    if (sp >= 0) pol[(size_t)sp * 3 + cb->codes[doc->matches[i].code].polarity]++;
  }
  for (size_t s = 0; s < ns; s++) {
    const sectag_speaker *sp = &doc->speakers[s];
    S_prefix(out, doc, 0, NULL);
    S_str(out, sp->id);
    sectag_buf_putc(out, ',');
    S_opt(out, sp->role);
    sectag_buf_putc(out, ',');
    S_str(out, sp->label);
    sectag_buf_printf(out, ",%s,%zu,%zu,%zu,%zu\r\n", sp->selected ? "TRUE" : "FALSE",
                      turns[s], words[s], pol[s * 3 + SECTAG_SECURITIZING],
                      pol[s * 3 + SECTAG_DESECURITIZING]);
  }
  free(turns);
  free(words);
  free(pol);
}
