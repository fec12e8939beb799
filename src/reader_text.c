/* reader_text.c: plain text (.txt) and Markdown (.md) transcripts.
 *
 * Both keep the file's bytes as the document's text, so every offset sectag
 * reports is an offset into the source file. What is not prose is marked
 * hidden instead of removed:
 *  - txt: speaker labels only. A date in the first lines before the first
 *    label ("Palacio Nacional, 12 de marzo de 2019") becomes the document's
 *    date, but stays in the coded text.
 *  - md: YAML front matter, the `# Title` line (the TEI title), a date line
 *    near the top ("Presidencia de la República | 15 de junio de 2020"),
 *    images `![alt](url)`, link targets `[text](url)` (the text is kept),
 *    heading markers `## `, rule lines (`---`, `+++++`) and speaker labels
 *    (`**PRESIDENTE ANDRÉS MANUEL LÓPEZ OBRADOR:**`). */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "date.h"
#include "reader.h"

/* How many lines at the top may hold the date line. */
#define S_DATE_LINES 12
/* A date line is short: longer lines are prose that mentions a date. */
#define S_DATE_LINE_MAX 200

static size_t S_line_end(const sectag_doc *doc, size_t pos) {
  while (pos < doc->len && doc->text[pos] != '\n' && doc->text[pos] != '\r') pos++;
  return pos;
}

static int S_blank(const char *s, size_t a, size_t b) {
  for (size_t i = a; i < b; i++)
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\f' && s[i] != '\v') return 0;
  return 1;
}

/* Whether every byte of [a, b) that is not white space is hidden. */
static int S_all_hidden(const sectag_doc *doc, size_t a, size_t b) {
  for (size_t i = a; i < b; i++) {
    char c = doc->text[i];
    if (c != ' ' && c != '\t' && !sectag_doc_is_hidden(doc, i)) return 0;
  }
  return 1;
}

/* Hides what is not hidden yet of [a, b), as kind. */
static void S_hide_rest(sectag_doc *doc, size_t a, size_t b, sectag_hidden_kind kind) {
  size_t i = a;
  while (i < b) {
    while (i < b && sectag_doc_is_hidden(doc, i)) i++;
    size_t j = i;
    while (j < b && !sectag_doc_is_hidden(doc, j)) j++;
    if (j > i) sectag_doc_hide(doc, i, j, kind);
    i = j;
  }
}

/* The first date in the lines before `stop` (at most S_DATE_LINES non-blank
 * lines). Returns the line's index, or -1. */
static long S_find_date_line(const sectag_doc *doc, size_t stop, char iso[11]) {
  int seen = 0;
  for (size_t l = 0; l < doc->nlines && seen < S_DATE_LINES; l++) {
    size_t a = doc->lines[l] < doc->body ? doc->body : doc->lines[l];
    if (a >= stop || a >= doc->len) break;
    /* only a short line can be a date line: look no further than that
     * (a transcript may be one line of megabytes) unless what was seen is
     * blank or hidden and the rest decides */
    size_t b = a;
    while (b < doc->len && b - a <= S_DATE_LINE_MAX && doc->text[b] != '\n' &&
           doc->text[b] != '\r')
      b++;
    int longer = b - a > S_DATE_LINE_MAX;
    if (S_blank(doc->text, a, b) || S_all_hidden(doc, a, b)) {
      if (!longer) continue;
      b = S_line_end(doc, a);
      if (S_blank(doc->text, a, b) || S_all_hidden(doc, a, b)) continue;
    }
    seen++;
    if (longer) continue;
    if (sectag_date_find(doc->text + a, b - a, iso) == 0) return (long)l;
  }
  return -1;
}

static int S_txt_parse(sectag_doc *doc, const char *src, size_t len, const sectag_read_ctx *ctx,
                       sectag_error *err) {
  doc->format = "txt";
  if (sectag_doc_set_text(doc, src, len, err) != 0) return -1;
  sectag_reader_split_turns(doc, 0, ctx);
  char iso[11];
  size_t stop = doc->nturns ? doc->turns[0].start : doc->len;
  if (doc->nturns && doc->speakers[doc->turns[0].speaker].unknown) stop = doc->turns[0].end;
  if (!doc->date && S_find_date_line(doc, stop, iso) >= 0) sectag_doc_set_str(&doc->date, iso);
  return 0;
}

/* ---------------------------------------------------------------- md */

/* At s[i] == '[' or "![": the end of `[text](target)` on one line, with the
 * position of "](" in *mid; 0 if there is none. Nested images inside the
 * text ([![alt](img)](link)) are allowed. */
static size_t S_link_end(const char *s, size_t i, size_t eol, size_t *mid) {
  if (s[i] == '!') i++;
  if (i >= eol || s[i] != '[') return 0;
  int depth = 0;
  size_t j = i;
  for (; j < eol; j++) {
    if (s[j] == '\\') {
      j++;
      continue;
    }
    if (s[j] == '[') depth++;
    if (s[j] == ']' && --depth == 0) break;
  }
  if (j >= eol || j + 1 >= eol || s[j + 1] != '(') return 0;
  *mid = j;
  size_t k = j + 2;
  int paren = 1;
  for (; k < eol; k++) {
    if (s[k] == '(') paren++;
    if (s[k] == ')' && --paren == 0) return k + 1;
  }
  return 0;
}

/* A thematic break or a decoration line: three or more of - * _ + = (and
 * spaces), maybe in bold. */
static int S_rule_line(const char *s, size_t a, size_t b) {
  size_t marks = 0, pipes = 0;
  char mark = 0;
  /* a table's delimiter row: | --- | :---: | */
  for (size_t i = a; i < b && (strchr("|-: \t", s[i]) != NULL); i++)
    if (i + 1 == b) {
      for (size_t k = a; k < b; k++) pipes += s[k] == '|', marks += s[k] == '-';
      if (pipes && marks >= 3) return 1;
      marks = 0;
    }
  for (size_t i = a; i < b; i++) {
    char c = s[i];
    if (c == ' ' || c == '\t') continue;
    if (c == '*' && i + 1 < b && s[i + 1] == '*' && mark != '*') {
      i++;
      continue;
    }
    if (!strchr("-*_+=", c)) return 0;
    if (mark && c != mark) return 0;
    mark = c;
    marks++;
  }
  return marks >= 3;
}

/* YAML front matter: "---" on the first line, closed by "---" or "...".
 * Simple `title:` and `date:` values are taken. Returns its end, or 0. */
static size_t S_front_matter(sectag_doc *doc) {
  const char *s = doc->text;
  size_t a = doc->body;
  size_t e = S_line_end(doc, a);
  if (e - a != 3 || memcmp(s + a, "---", 3) != 0) return 0;
  size_t pos = e;
  for (int lines = 0; pos < doc->len && lines < 200; lines++) {
    if (s[pos] == '\r' && pos + 1 < doc->len && s[pos + 1] == '\n') pos++;
    pos++;
    size_t le = S_line_end(doc, pos);
    if (le - pos == 3 && (memcmp(s + pos, "---", 3) == 0 || memcmp(s + pos, "...", 3) == 0))
      return le;
    for (int k = 0; k < 2; k++) {
      const char *key = k ? "date:" : "title:";
      size_t kl = strlen(key);
      if (le - pos > kl && memcmp(s + pos, key, kl) == 0) {
        size_t va = pos + kl, vb = le;
        while (va < vb && (s[va] == ' ' || s[va] == '\t')) va++;
        while (vb > va && (s[vb - 1] == ' ' || s[vb - 1] == '\t')) vb--;
        if (vb - va >= 2 && (s[va] == '"' || s[va] == '\'') && s[vb - 1] == s[va]) {
          va++;
          vb--;
        }
        char *v = sectag_xstrndup(s + va, vb - va);
        char iso[11];
        if (k == 0 && vb > va)
          sectag_doc_set_str(&doc->title, v);
        else if (k == 1 && sectag_date_parse(v, strlen(v), iso) == 0)
          sectag_doc_set_str(&doc->date, iso);
        free(v);
      }
    }
    pos = le;
  }
  return 0;
}

static int S_md_parse(sectag_doc *doc, const char *src, size_t len, const sectag_read_ctx *ctx,
                      sectag_error *err) {
  doc->format = "md";
  if (sectag_doc_set_text(doc, src, len, err) != 0) return -1;
  const char *s = doc->text;

  size_t fm = S_front_matter(doc);
  if (fm) sectag_doc_hide(doc, doc->body, fm, SECTAG_HIDDEN_MARKUP);

  /* line by line: title, rules, heading markers, images and links */
  int prose_seen = 0;
  for (size_t l = 0; l < doc->nlines; l++) {
    size_t a = doc->lines[l] < doc->body ? doc->body : doc->lines[l];
    if (a >= doc->len || (fm && a < fm)) continue;
    size_t b = S_line_end(doc, a);
    if (S_blank(s, a, b)) continue;
    size_t p = a;
    while (p < b && (s[p] == ' ' || s[p] == '\t')) p++;
    if (s[p] == '#') {
      size_t h = p;
      while (h < b && s[h] == '#') h++;
      if (h - p <= 6 && (h == b || s[h] == ' ' || s[h] == '\t')) {
        if (h - p == 1 && !prose_seen && !doc->title) {
          size_t ta = h, tb = b;
          while (ta < tb && (s[ta] == ' ' || s[ta] == '\t')) ta++;
          while (tb > ta && (s[tb - 1] == '#' || s[tb - 1] == ' ' || s[tb - 1] == '\t')) tb--;
          char *t = sectag_xstrndup(s + ta, tb - ta);
          sectag_doc_set_str(&doc->title, t);
          free(t);
          sectag_doc_hide(doc, a, b, SECTAG_HIDDEN_TITLE);
          continue;
        }
        while (h < b && (s[h] == ' ' || s[h] == '\t')) h++;
        sectag_doc_hide(doc, a, h, SECTAG_HIDDEN_MARKUP); /* the text is prose */
      }
    } else if (S_rule_line(s, a, b)) {
      sectag_doc_hide(doc, a, b, SECTAG_HIDDEN_MARKUP);
      continue;
    }
    /* images and links */
    int only_images = 1;
    size_t q = p;
    while (q < b) {
      size_t mid, end;
      if ((s[q] == '!' || s[q] == '[') && (end = S_link_end(s, q, b, &mid)) != 0) {
        int image = s[q] == '!' || (q + 1 < mid && s[q + 1] == '!');
        if (image) {
          q = end;
          continue;
        }
      }
      if (s[q] != ' ' && s[q] != '\t') only_images = 0;
      q++;
    }
    if (only_images) {
      sectag_doc_hide(doc, a, b, SECTAG_HIDDEN_IMAGE);
      continue;
    }
    for (q = p; q < b;) {
      size_t mid, end;
      if ((s[q] == '!' || s[q] == '[') && (end = S_link_end(s, q, b, &mid)) != 0) {
        int image = s[q] == '!' || (q + 1 < mid && s[q + 1] == '!');
        if (image) {
          sectag_doc_hide(doc, q, end, SECTAG_HIDDEN_IMAGE);
        } else { /* [text](url): keep the text */
          sectag_doc_hide(doc, q, q + 1, SECTAG_HIDDEN_MARKUP);
          sectag_doc_hide(doc, mid, end, SECTAG_HIDDEN_MARKUP);
        }
        q = end;
        continue;
      }
      q++;
    }
    prose_seen = 1;
  }

  sectag_reader_split_turns(doc, 0, ctx);

  /* a date line before the first turn's text */
  size_t stop = doc->len;
  if (doc->nturns) {
    stop = doc->turns[0].start;
    if (doc->speakers[doc->turns[0].speaker].unknown) stop = doc->turns[0].end;
  }
  char iso[11];
  long dl = S_find_date_line(doc, stop, iso);
  if (dl < 0 && doc->title && !doc->date &&
      sectag_date_find(doc->title, strlen(doc->title), iso) == 0)
    sectag_doc_set_str(&doc->date, iso); /* "Conferencia ... del 4 de enero de 2021" */
  if (dl >= 0) {
    size_t a = doc->lines[dl] < doc->body ? doc->body : doc->lines[dl];
    size_t b = S_line_end(doc, a);
    if (!doc->date) sectag_doc_set_str(&doc->date, iso);
    /* a label on the date line would have made it a turn: keep it */
    int label = 0;
    for (size_t t = 0; t < doc->nturns && !label; t++)
      label = doc->turns[t].start > a && doc->turns[t].start <= b &&
              !doc->speakers[doc->turns[t].speaker].unknown;
    if (!label) {
      S_hide_rest(doc, a, b, SECTAG_HIDDEN_DATE);
      /* the unknown turn may now hold nothing but hidden text */
      if (doc->nturns && doc->speakers[doc->turns[0].speaker].unknown) {
        int text = 0;
        for (size_t i = doc->turns[0].start; i < doc->turns[0].end && !text; i++) {
          char c = s[i];
          text = !(c == ' ' || c == '\t' || c == '\n' || c == '\r') &&
                 !sectag_doc_is_hidden(doc, i);
        }
        if (!text) {
          memmove(doc->turns, doc->turns + 1, (doc->nturns - 1) * sizeof *doc->turns);
          doc->nturns--;
          /* the unknown speaker has no turn left: drop it (it is speaker 0) */
          uint32_t u = 0;
          free(doc->speakers[u].id);
          free(doc->speakers[u].label);
          free(doc->speakers[u].role);
          memmove(doc->speakers, doc->speakers + 1,
                  (doc->nspeakers - 1) * sizeof *doc->speakers);
          doc->nspeakers--;
          for (size_t t = 0; t < doc->nturns; t++) doc->turns[t].speaker--;
        }
      }
    }
  }
  return 0;
}

static const char *const S_txt_ext[] = {".txt", ".text", NULL};
static const char *const S_md_ext[] = {".md", ".markdown", NULL};

const sectag_reader sectag_reader_txt = {"txt", S_txt_ext, S_txt_parse};
const sectag_reader sectag_reader_md = {"md", S_md_ext, S_md_parse};
