/* spec_runner.c: runs spec-style example files against the library (the
 * cmark spec.txt / jq.test habit). An example is
 *
 *   ```` MODE: title
 *   section
 *   .
 *   section
 *   ````
 *
 * MODE is one of
 *   tokens   input . expected   one line per sentence: "pN sN: tok | tok | ..."
 *   offsets  input . expected   one line per token: "START-END NSTART-NEND KIND «orig» «shadow»"
 *   shadow   input . expected   the shadow text between | |
 *   match    codebook . input . expected   one line per match:
 *            "CODE RULE START-END «original»", or "error: MESSAGE" lines;
 *            with [md] or [txt] in the title the input is read by that reader
 *            (speaker turns split with the default label pattern) and each
 *            line ends with " @SPEAKER"; [speaker=ID] sets a speaker filter
 *   turns    input . expected   the reader's structure: "title: ...",
 *            "date: ...", "hidden KIND START-END «text»" and
 *            "turn SPEAKER START-END «text»" lines; [txt] reads the input
 *            as plain text, else as Markdown
 *   stats    input . expected   input "F_TARGET F_REFERENCE N_TARGET N_REFERENCE"
 *            gives the lines "G2 ...", "p ...", "chi2 ...", "log_ratio ...",
 *            "pct_diff ..."; input "K N" gives "share ...", "low ...",
 *            "high ..." (the 95% Wilson interval), formatted as sectag
 *            compare prints them (stats.c; docs/statistics.md)
 * tokens/offsets/shadow accept "accents=sensitive" after the title, in [ ].
 * In inputs, → is a tab, <CR> a carriage return, <BOM> a byte-order mark and
 * <U+XXXX> any code point, <0xHH> any byte. In outputs, a line break is shown as \n, a
 * carriage return as \r. Lines outside examples are prose. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "codebook.h"
#include "document.h"
#include "harness.h"
#include "reader.h"
#include "sectag.h"
#include "speakers.h"
#include "stats.h"

static void S_put_utf8(sectag_buf *b, unsigned long cp) {
  char u[4];
  if (cp < 0x80) {
    sectag_buf_putc(b, (int)cp);
  } else if (cp < 0x800) {
    u[0] = (char)(0xC0 | (cp >> 6));
    u[1] = (char)(0x80 | (cp & 0x3F));
    sectag_buf_put(b, u, 2);
  } else if (cp < 0x10000) {
    u[0] = (char)(0xE0 | (cp >> 12));
    u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    u[2] = (char)(0x80 | (cp & 0x3F));
    sectag_buf_put(b, u, 3);
  } else {
    u[0] = (char)(0xF0 | (cp >> 18));
    u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    u[3] = (char)(0x80 | (cp & 0x3F));
    sectag_buf_put(b, u, 4);
  }
}

/* Expands the escapes of an input section. */
static void S_unescape(const char *s, size_t n, sectag_buf *out) {
  for (size_t i = 0; i < n;) {
    if (n - i >= 3 && memcmp(s + i, "\xE2\x86\x92", 3) == 0) { /* → */
      sectag_buf_putc(out, '\t');
      i += 3;
    } else if (n - i >= 4 && memcmp(s + i, "<CR>", 4) == 0) {
      sectag_buf_putc(out, '\r');
      i += 4;
    } else if (n - i >= 5 && memcmp(s + i, "<BOM>", 5) == 0) {
      sectag_buf_puts(out, "\xEF\xBB\xBF");
      i += 5;
    } else if (n - i >= 6 && memcmp(s + i, "<0x", 3) == 0 && s[i + 5] == '>') {
      sectag_buf_putc(out, (int)strtoul((char[]){s[i + 3], s[i + 4], 0}, NULL, 16));
      i += 6;
    } else if (n - i >= 8 && memcmp(s + i, "<U+", 3) == 0 && memchr(s + i, '>', n - i)) {
      char *end;
      unsigned long cp = strtoul(s + i + 3, &end, 16);
      S_put_utf8(out, cp);
      i = (size_t)(end - s) + 1;
    } else {
      sectag_buf_putc(out, s[i++]);
    }
  }
}

static void S_show(sectag_buf *b, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '\n')
      sectag_buf_puts(b, "\\n");
    else if (s[i] == '\r')
      sectag_buf_puts(b, "\\r");
    else if (s[i] == '\t')
      sectag_buf_puts(b, "\\t");
    else
      sectag_buf_putc(b, s[i]);
  }
}

static void S_dump_tokens(const sectag_doc *d, sectag_buf *out) {
  size_t np = sectag_doc_paragraph_count(d);
  const sectag_span *ps = sectag_doc_paragraphs(d), *ss = sectag_doc_sentences(d);
  const sectag_token *tk = sectag_doc_tokens(d);
  for (size_t p = 0; p < np; p++)
    for (size_t s = ps[p].first; s < ps[p].last; s++) {
      sectag_buf_printf(out, "p%zu s%zu:", p + 1, s + 1);
      for (size_t t = ss[s].first; t < ss[s].last; t++) {
        sectag_buf_puts(out, t == ss[s].first ? " " : " | ");
        S_show(out, d->text + tk[t].start, tk[t].end - tk[t].start);
      }
      sectag_buf_putc(out, '\n');
    }
}

static void S_dump_offsets(const sectag_doc *d, sectag_buf *out) {
  const sectag_token *tk = sectag_doc_tokens(d);
  for (size_t t = 0; t < sectag_doc_token_count(d); t++) {
    sectag_buf_printf(out, "%zu-%zu %zu-%zu %s «", tk[t].start, tk[t].end, tk[t].nstart,
                      tk[t].nend, tk[t].kind == SECTAG_TOKEN_WORD ? "word" : "punct");
    S_show(out, d->text + tk[t].start, tk[t].end - tk[t].start);
    sectag_buf_puts(out, "» «");
    S_show(out, d->shadow + tk[t].nstart, tk[t].nend - tk[t].nstart);
    sectag_buf_puts(out, "»\n");
  }
}

/* Reads text with the reader named in the title ([md] or [txt]; NULL if
 * neither), splitting speaker turns; [speaker=ID] sets a filter. */
static sectag_doc *S_read_as(const char *title, const char *text, size_t tlen,
                             sectag_error *err) {
  const sectag_reader *r = strstr(title, "[md]")    ? &sectag_reader_md
                           : strstr(title, "[txt]") ? &sectag_reader_txt
                                                    : NULL;
  if (!r) return NULL;
  char id[64] = "";
  const char *f = strstr(title, "[speaker=");
  if (f) sscanf(f + 9, "%63[^]]", id);
  const char *ids[1] = {id};
  sectag_speakers *sp = sectag_speakers_new(NULL, NULL, ids, id[0] ? 1 : 0, NULL, 0, err);
  if (!sp) return NULL;
  sectag_read_ctx ctx = {sp, NULL};
  sectag_doc *d = sectag_doc_new("doc", r == &sectag_reader_md ? "doc.md" : "doc.txt");
  if (r->parse(d, text, tlen, &ctx, err) != 0) {
    sectag_doc_free(d);
    d = NULL;
  }
  sectag_speakers_free(sp);
  return d;
}

static const char *S_kind(sectag_hidden_kind k) {
  static const char *const names[] = {"?", "label", "title", "date", "image", "markup"};
  return k >= 1 && k <= 5 ? names[k] : "?";
}

static void S_dump_turns(const sectag_doc *d, sectag_buf *out) {
  if (d->title) sectag_buf_printf(out, "title: %s\n", d->title);
  if (d->date) sectag_buf_printf(out, "date: %s\n", d->date);
  for (size_t i = 0; i < d->nhidden; i++) {
    const sectag_hidden *h = &d->hidden[i];
    sectag_buf_printf(out, "hidden %s %zu-%zu «", S_kind(h->kind), h->start, h->end);
    S_show(out, d->text + h->start, h->end - h->start);
    sectag_buf_puts(out, "»\n");
  }
  for (size_t i = 0; i < sectag_doc_turn_count(d); i++) { /* the public accessors */
    size_t a, b, sp;
    sectag_doc_turn(d, i, &a, &b, &sp);
    sectag_buf_printf(out, "turn %s %zu-%zu «", sectag_doc_speaker_id(d, sp), a, b);
    S_show(out, d->text + a, b - a);
    sectag_buf_puts(out, "»\n");
  }
}

/* A statistic as sectag compare prints it: %.4f (p: %.6g), NA, Inf. */
static void S_stat(sectag_buf *out, const char *name, double v, const char *fmt) {
  sectag_buf_printf(out, "%s ", name);
  if (isnan(v))
    sectag_buf_puts(out, "NA");
  else if (isinf(v))
    sectag_buf_puts(out, v > 0 ? "Inf" : "-Inf");
  else
    sectag_buf_printf(out, fmt, v);
  sectag_buf_putc(out, '\n');
}

static void S_run_stats(const char *input, sectag_buf *out) {
  double x[4];
  int n = sscanf(input, "%lf %lf %lf %lf", &x[0], &x[1], &x[2], &x[3]);
  if (n == 4) {
    double g2 = sectag_stats_g2(x[0], x[1], x[2], x[3]);
    S_stat(out, "G2", g2, "%.4f");
    S_stat(out, "p", sectag_stats_p_chi2_1df(fabs(g2)), "%.6g");
    S_stat(out, "chi2", sectag_stats_chi2(x[0], x[1], x[2], x[3]), "%.4f");
    S_stat(out, "log_ratio", sectag_stats_log_ratio(x[0], x[1], x[2], x[3]), "%.4f");
    S_stat(out, "pct_diff", sectag_stats_pct_diff(x[0], x[1], x[2], x[3]), "%.4f");
  } else if (n == 2) {
    double lo, hi;
    sectag_stats_wilson(x[0], x[1], SECTAG_Z95, &lo, &hi);
    S_stat(out, "share", x[1] > 0 ? x[0] / x[1] : NAN, "%.4f");
    S_stat(out, "low", lo, "%.4f");
    S_stat(out, "high", hi, "%.4f");
  } else {
    sectag_buf_puts(out, "error: give 4 counts (keyness) or 2 (Wilson)\n");
  }
}

static void S_run_match(const char *title, const char *yaml, size_t ylen, const char *text,
                        size_t tlen, sectag_buf *out) {
  sectag_error err = SECTAG_ERROR_INIT;
  sectag_codebook *cb = sectag_codebook_parse(yaml, ylen, "codebook.yaml", &err);
  sectag_matcher *m = cb ? sectag_matcher_new(cb, &err) : NULL;
  for (size_t i = 0; m && i < sectag_matcher_warning_count(m); i++) {
    char *msg = sectag_error_format(sectag_matcher_warning(m, i));
    sectag_buf_printf(out, "%s\n", msg);
    free(msg);
  }
  int reader = strstr(title, "[md]") || strstr(title, "[txt]");
  sectag_doc *d = !m       ? NULL
                  : reader ? S_read_as(title, text, tlen, &err)
                           : sectag_doc_from_bytes(text, tlen, "doc", "doc.txt", &err);
  if (d && sectag_doc_code(d, m, &err) == 0) {
    const sectag_match *mt = sectag_doc_matches(d);
    for (size_t i = 0; i < sectag_doc_match_count(d); i++) {
      sectag_buf_printf(out, "%s %s %zu-%zu «", cb->codes[mt[i].code].id,
                        cb->rules[mt[i].rule].id, mt[i].start, mt[i].end);
      S_show(out, d->text + mt[i].start, mt[i].end - mt[i].start);
      sectag_buf_puts(out, "»");
      if (reader) {
        long sp = sectag_doc_token_speaker(d, mt[i].first_tok);
        sectag_buf_printf(out, " @%s", sp < 0 ? "-" : d->speakers[sp].id);
      }
      sectag_buf_putc(out, '\n');
    }
  }
  if (err.code != SECTAG_OK) {
    char *msg = sectag_error_format(&err);
    sectag_buf_puts(out, "error: ");
    sectag_buf_puts(out, msg);
    sectag_buf_putc(out, '\n');
    free(msg);
  }
  sectag_error_clear(&err);
  sectag_doc_free(d);
  sectag_matcher_free(m);
  sectag_codebook_free(cb);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: spec_runner FILE\n");
    return 2;
  }
  FILE *f = fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 2;
  }
  sectag_buf file = SECTAG_BUF_INIT;
  char chunk[65536];
  size_t r;
  while ((r = fread(chunk, 1, sizeof chunk, f)) > 0) sectag_buf_put(&file, chunk, r);
  fclose(f);

  /* split into lines */
  char *p = file.ptr, *end = file.ptr + file.len;
  sectag_buf sec[4];
  for (int i = 0; i < 4; i++) sectag_buf_init(&sec[i]);
  char mode[32] = "", title[512] = "";
  int in_ex = 0, nsec = 0, lineno = 0, ex_line = 0;
  while (p < end) {
    char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    lineno++;
    if (!in_ex) {
      if (n > 5 && memcmp(p, "```` ", 5) == 0) {
        const char *colon = memchr(p, ':', n);
        size_t ml = colon ? (size_t)(colon - p - 5) : 0;
        if (ml >= sizeof mode) ml = sizeof mode - 1;
        memcpy(mode, p + 5, ml);
        mode[ml] = 0;
        size_t tl = colon ? n - (size_t)(colon + 2 - p) : 0;
        if (tl >= sizeof title) tl = sizeof title - 1;
        memcpy(title, colon + 2, tl);
        title[tl] = 0;
        in_ex = 1;
        nsec = 0;
        ex_line = lineno;
        for (int i = 0; i < 4; i++) sectag_buf_clear(&sec[i]);
      }
    } else if (n == 4 && memcmp(p, "````", 4) == 0) {
      in_ex = 0;
      int sensitive = strstr(title, "[accents=sensitive]") != NULL;
      sectag_buf input = SECTAG_BUF_INIT, got = SECTAG_BUF_INIT, name = SECTAG_BUF_INIT;
      sectag_buf_printf(&name, "%s (line %d): %s", mode, ex_line, title);
      int input_sec = strcmp(mode, "match") == 0 ? 1 : 0;
      /* drop the line break that precedes the '.' separator */
      for (int i = 0; i <= nsec; i++)
        if (sec[i].len && sec[i].ptr[sec[i].len - 1] == '\n') sec[i].ptr[--sec[i].len] = 0;
      S_unescape(sec[input_sec].ptr ? sec[input_sec].ptr : "", sec[input_sec].len, &input);
      sectag_error err = SECTAG_ERROR_INIT;
      if (strcmp(mode, "match") == 0) {
        S_run_match(title, sec[0].ptr ? sec[0].ptr : "", sec[0].len,
                    input.ptr ? input.ptr : "", input.len, &got);
      } else if (strcmp(mode, "stats") == 0) {
        S_run_stats(input.ptr ? input.ptr : "", &got);
      } else if (strcmp(mode, "turns") == 0) {
        char full[600];
        snprintf(full, sizeof full, "%s%s", title, strstr(title, "[txt]") ? "" : " [md]");
        sectag_doc *d = S_read_as(full, input.ptr ? input.ptr : "", input.len, &err);
        if (d) S_dump_turns(d, &got);
        if (err.code != SECTAG_OK) {
          char *msg = sectag_error_format(&err);
          sectag_buf_printf(&got, "error: %s\n", msg);
          free(msg);
        }
        sectag_doc_free(d);
        sectag_error_clear(&err);
      } else {
        sectag_doc *d = sectag_doc_from_bytes(input.ptr ? input.ptr : "", input.len, "doc",
                                              "doc.txt", &err);
        if (!d) {
          char *msg = sectag_error_format(&err);
          sectag_buf_printf(&got, "error: %s\n", msg);
          free(msg);
        } else {
          sectag_doc_tokenize(d, !sensitive);
          if (strcmp(mode, "tokens") == 0)
            S_dump_tokens(d, &got);
          else if (strcmp(mode, "offsets") == 0)
            S_dump_offsets(d, &got);
          else {
            sectag_buf_putc(&got, '|');
            sectag_buf_put(&got, d->shadow, d->shadow_len);
            sectag_buf_puts(&got, "|\n");
          }
        }
        sectag_doc_free(d);
        sectag_error_clear(&err);
      }
      if (got.len && got.ptr[got.len - 1] == '\n') got.ptr[--got.len] = 0;
      int exp_sec = input_sec + 1;
      TEST_EQ_STR(sectag_buf_cstr(&got), sectag_buf_cstr(&sec[exp_sec]),
                  sectag_buf_cstr(&name));
      sectag_buf_free(&input);
      sectag_buf_free(&got);
      sectag_buf_free(&name);
    } else if (n == 1 && p[0] == '.') {
      if (nsec < 3) nsec++;
    } else {
      sectag_buf_put(&sec[nsec], p, n);
      sectag_buf_putc(&sec[nsec], '\n');
    }
    p = nl ? nl + 1 : end;
  }
  for (int i = 0; i < 4; i++) sectag_buf_free(&sec[i]);
  sectag_buf_free(&file);
  return test_done();
}
