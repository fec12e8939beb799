/* document.c: reading a plain-text document into the document model, and the
 * read-only accessors renderers use. Reading checks what would make offsets
 * or XML output wrong later: invalid UTF-8, NUL bytes, absurd sizes. */
#include "document.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <utf8proc.h>

#include "buf.h"
#include "encoding.h"
#include "error.h"

/* Builds the table of line starts (LF, CRLF and CR all end a line). */
static void S_index_lines(sectag_doc *doc) {
  size_t cap = 64, n = 0;
  size_t *lines = sectag_xmalloc(cap * sizeof *lines);
  lines[n++] = 0;
  const char *t = doc->text;
  /* a CR is rare: look for LF with memchr, and for CR only in texts that
   * have one */
  int cr = memchr(t, '\r', doc->len) != NULL;
  for (size_t i = 0; i < doc->len; i++) {
    if (!cr) {
      const char *nl = memchr(t + i, '\n', doc->len - i);
      if (!nl) break;
      i = (size_t)(nl - t);
    }
    char c = t[i];
    if (c != '\n' && c != '\r') continue;
    if (c == '\r' && i + 1 < doc->len && t[i + 1] == '\n') i++;
    if (n == cap) {
      cap *= 2;
      lines = sectag_xrealloc(lines, cap * sizeof *lines);
    }
    lines[n++] = i + 1;
  }
  doc->lines = lines;
  doc->nlines = n;
}

void sectag_doc_line_col(const sectag_doc *doc, size_t off, unsigned long *line,
                         unsigned long *col) {
  size_t lo = 0, hi = doc->nlines; /* find the last line start <= off */
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (doc->lines[mid] <= off)
      lo = mid;
    else
      hi = mid;
  }
  if (line) *line = (unsigned long)lo + 1;
  if (col) *col = (unsigned long)(off - doc->lines[lo]) + 1;
}

/* Describes why the bytes at s[0..n) do not start a valid UTF-8 sequence. */
static const char *S_utf8_problem(const unsigned char *s, size_t n) {
  unsigned char c = s[0];
  if (c >= 0x80 && c < 0xC0) return "a continuation byte without a lead byte";
  if (c == 0xC0 || c == 0xC1) return "an overlong encoding";
  if (c >= 0xF5) return "a byte that never occurs in UTF-8";
  size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
  for (size_t i = 1; i < need; i++)
    if (i >= n || (s[i] & 0xC0) != 0x80) return "a truncated multi-byte sequence";
  if (c == 0xE0 && s[1] < 0xA0) return "an overlong encoding";
  if (c == 0xF0 && s[1] < 0x90) return "an overlong encoding";
  if (c == 0xED && s[1] >= 0xA0) return "a UTF-16 surrogate";
  if (c == 0xF4 && s[1] >= 0x90) return "a code point above U+10FFFF";
  return "an invalid sequence";
}

/* Checks UTF-8 and NUL bytes; returns 0 or -1 with err set. */
static int S_validate(sectag_doc *doc, sectag_error *err) {
  const unsigned char *t = (const unsigned char *)doc->text;
  size_t i = doc->body, n = doc->len;
  const char *shown = doc->path ? doc->path : doc->doc_id;
  while (i < n) {
    /* eight ASCII bytes, none of them NUL, at a time */
    const uint64_t high = 0x8080808080808080u, ones = 0x0101010101010101u;
    while (i + 8 <= n) {
      uint64_t x;
      memcpy(&x, t + i, 8);
      if ((x & high) || ((x - ones) & ~x & high)) break;
      i += 8;
    }
    if (i >= n) break;
    unsigned char c = t[i];
    if (c >= 0x01 && c < 0x80) {
      i++;
      continue;
    }
    unsigned long line, col;
    if (c == 0) {
      sectag_doc_line_col(doc, i, &line, &col);
      sectag_error_set(err, SECTAG_ERR_INPUT, shown, line, col,
                       "NUL byte at byte offset %zu: this is not a UTF-8 text file; %s",
                       i,
                       sectag_looks_utf16(doc->text, doc->len)
                           ? "it looks like UTF-16: run again with --encoding utf-16"
                           : "if it is UTF-16, run again with --encoding utf-16");
      return -1;
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate(t + i, (utf8proc_ssize_t)(n - i), &cp);
    if (k < 0) {
      sectag_doc_line_col(doc, i, &line, &col);
      if (sectag_looks_latin1(doc->text + doc->body, doc->len - doc->body))
        sectag_error_set(err, SECTAG_ERR_INPUT, shown, line, col,
                         "invalid UTF-8 at byte offset %zu (byte 0x%02X: %s); the text looks "
                         "like Latin-1 or Windows-1252: run again with --encoding cp1252",
                         i, c, S_utf8_problem(t + i, n - i));
      else
        sectag_error_set(err, SECTAG_ERR_INPUT, shown, line, col,
                         "invalid UTF-8 at byte offset %zu (byte 0x%02X: %s); if the text "
                         "is in another encoding, name it with --encoding (e.g. --encoding "
                         "cp1252)",
                         i, c, S_utf8_problem(t + i, n - i));
      return -1;
    }
    i += (size_t)k;
  }
  return 0;
}

sectag_doc *sectag_doc_new(const char *doc_id, const char *path) {
  sectag_doc *doc = sectag_xcalloc(1, sizeof *doc);
  doc->doc_id = sectag_xstrdup(doc_id ? doc_id : "");
  doc->path = path ? sectag_xstrdup(path) : NULL;
  doc->format = "txt";
  doc->text = sectag_xstrdup("");
  S_index_lines(doc);
  return doc;
}

int sectag_doc_set_text(sectag_doc *doc, const char *bytes, size_t len, sectag_error *err) {
  if (len > SECTAG_MAX_DOC_BYTES) {
    sectag_error_set(err, SECTAG_ERR_INPUT, doc->path ? doc->path : doc->doc_id, 0, 0,
                     "document is %zu bytes, over the limit of %zu bytes for one document; "
                     "split it into smaller files",
                     len, SECTAG_MAX_DOC_BYTES);
    return -1;
  }
  free(doc->text);
  free(doc->lines);
  doc->text = sectag_xstrndup(bytes, len);
  doc->len = len;
  doc->body = len >= 3 && memcmp(bytes, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
  S_index_lines(doc);
  return S_validate(doc, err);
}

sectag_doc *sectag_doc_from_bytes(const char *bytes, size_t len, const char *doc_id,
                                  const char *path, sectag_error *err) {
  sectag_doc *doc = sectag_doc_new(doc_id, path);
  if (sectag_doc_set_text(doc, bytes, len, err) != 0) {
    sectag_doc_free(doc);
    return NULL;
  }
  return doc;
}

int sectag_doc_hide(sectag_doc *doc, size_t start, size_t end, sectag_hidden_kind kind) {
  if (end <= start || end > doc->len) return -1;
  size_t i = doc->nhidden; /* insert in order; refuse an overlap */
  while (i > 0 && doc->hidden[i - 1].start >= start) i--;
  if (i > 0 && doc->hidden[i - 1].end > start) return -1;
  if (i < doc->nhidden && doc->hidden[i].start < end) return -1;
  doc->hidden = sectag_xrealloc(doc->hidden, (doc->nhidden + 1) * sizeof *doc->hidden);
  memmove(doc->hidden + i + 1, doc->hidden + i, (doc->nhidden - i) * sizeof *doc->hidden);
  doc->hidden[i] = (sectag_hidden){start, end, kind};
  doc->nhidden++;
  return 0;
}

void sectag_doc_hide_all(sectag_doc *doc, const sectag_hidden *r, size_t n) {
  /* one merge of two sorted lists, instead of n insertions */
  sectag_hidden *m = sectag_xmalloc((doc->nhidden + n + 1) * sizeof *m);
  size_t i = 0, j = 0, k = 0;
  while (i < doc->nhidden || j < n) {
    if (j >= n || (i < doc->nhidden && doc->hidden[i].start <= r[j].start)) {
      m[k++] = doc->hidden[i++];
      continue;
    }
    const sectag_hidden *h = &r[j++];
    int clash = h->end <= h->start || h->end > doc->len || (k > 0 && m[k - 1].end > h->start) ||
                (i < doc->nhidden && doc->hidden[i].start < h->end);
    if (!clash) m[k++] = *h;
  }
  free(doc->hidden);
  doc->hidden = m;
  doc->nhidden = k;
}

int sectag_doc_is_hidden(const sectag_doc *doc, size_t off) {
  size_t lo = 0, hi = doc->nhidden; /* first range whose end is after off */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (doc->hidden[mid].end <= off)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < doc->nhidden && doc->hidden[lo].start <= off;
}

void sectag_doc_add_turn(sectag_doc *doc, size_t start, size_t end, uint32_t speaker) {
  doc->turns = sectag_xrealloc(doc->turns, (doc->nturns + 1) * sizeof *doc->turns);
  doc->turns[doc->nturns++] = (sectag_turn){start, end, speaker};
}

void sectag_doc_set_str(char **field, const char *s) {
  free(*field);
  *field = s ? sectag_xstrdup(s) : NULL;
}

long sectag_doc_turn_at(const sectag_doc *doc, size_t off) {
  size_t lo = 0, hi = doc->nturns; /* first turn whose end is after off */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (doc->turns[mid].end <= off)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo < doc->nturns && doc->turns[lo].start <= off) return (long)lo;
  return -1;
}

long sectag_doc_token_speaker(const sectag_doc *doc, size_t i) {
  if (!doc->tok_turn || i >= doc->ntokens || doc->tok_turn[i] == UINT32_MAX) return -1;
  return (long)doc->turns[doc->tok_turn[i]].speaker;
}

int sectag_doc_token_counted(const sectag_doc *doc, size_t i) {
  long sp = sectag_doc_token_speaker(doc, i);
  if (sp < 0) return !doc->filtered;
  return doc->speakers[sp].selected;
}

sectag_doc *sectag_doc_read(const char *path, const char *doc_id, sectag_error *err) {
  char *data;
  size_t len;
  if (sectag_read_file(path, &data, &len, err) != 0) return NULL;
  sectag_doc *doc = sectag_doc_from_bytes(data, len, doc_id, path, err);
  free(data);
  return doc;
}

int sectag_read_file(const char *path, char **bytes, size_t *lenp, sectag_error *err) {
  *bytes = NULL;
  *lenp = 0;
  /* O_NONBLOCK: opening a named pipe must not wait for a writer */
  int fd = open(path, O_RDONLY | O_NONBLOCK);
  if (fd < 0) {
    sectag_error_set(err, SECTAG_ERR_INPUT, path, 0, 0, "cannot open: %s%s", strerror(errno),
                     errno == EACCES ? "; check the file's permissions (chmod +r)" : "");
    return -1;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    sectag_error_set(err, SECTAG_ERR_INPUT, path, 0, 0,
                     "not a regular file (a folder, a pipe or a device); name text files "
                     "only");
    close(fd);
    return -1;
  }
  if ((unsigned long long)st.st_size > SECTAG_MAX_DOC_BYTES) {
    sectag_error_set(err, SECTAG_ERR_INPUT, path, 0, 0,
                     "file is %lld bytes, over the limit of %zu bytes for one document; "
                     "split it into smaller files (for example with `split -C 100M`)",
                     (long long)st.st_size, SECTAG_MAX_DOC_BYTES);
    close(fd);
    return -1;
  }
  size_t cap = (size_t)st.st_size, len = 0;
  char *data = sectag_xmalloc(cap + 1);
  for (;;) {
    if (len == cap) { /* the file grew while we read it */
      if (cap >= SECTAG_MAX_DOC_BYTES) break;
      cap = cap * 2 + 4096;
      data = sectag_xrealloc(data, cap + 1);
    }
    ssize_t r = read(fd, data + len, cap - len);
    if (r < 0) {
      if (errno == EINTR) continue;
      sectag_error_set(err, SECTAG_ERR_INPUT, path, 0, 0, "cannot read: %s", strerror(errno));
      free(data);
      close(fd);
      return -1;
    }
    if (r == 0) break;
    len += (size_t)r;
  }
  close(fd);
  data[len] = '\0';
  *bytes = data;
  *lenp = len;
  return 0;
}

void sectag_doc_clear_tokens(sectag_doc *doc) {
  free(doc->shadow);
  free(doc->map);
  free(doc->tokens);
  free(doc->sentences);
  free(doc->paragraphs);
  free(doc->bound);
  free(doc->tok_turn);
  free(doc->barriers);
  doc->tok_turn = NULL;
  doc->barriers = NULL;
  doc->nbarriers = 0;
  doc->ncounted = 0;
  doc->shadow = NULL;
  doc->map = NULL;
  doc->tokens = NULL;
  doc->sentences = doc->paragraphs = NULL;
  doc->bound = NULL;
  doc->ntokens = doc->nwords = doc->nsentences = doc->nparagraphs = 0;
  doc->tokenized = 0;
}

void sectag_doc_free(sectag_doc *doc) {
  if (!doc) return;
  free(doc->doc_id);
  free(doc->path);
  free(doc->text);
  free(doc->title);
  free(doc->date);
  free(doc->group);
  free(doc->speaker);
  for (size_t i = 0; i < doc->nmeta; i++) {
    free(doc->meta[i].key);
    free(doc->meta[i].value);
  }
  free(doc->meta);
  for (size_t i = 0; i < doc->nspeakers; i++) {
    free(doc->speakers[i].id);
    free(doc->speakers[i].label);
    free(doc->speakers[i].role);
  }
  free(doc->speakers);
  free(doc->turns);
  free(doc->hidden);
  free(doc->lines);
  sectag_doc_clear_tokens(doc);
  free(doc->matches);
  for (size_t i = 0; i < doc->nwarnings; i++) sectag_error_clear(&doc->warnings[i]);
  free(doc->warnings);
  free(doc);
}

void sectag_doc_warn(sectag_doc *doc, size_t off, const char *fmt, ...) {
  sectag_buf b = SECTAG_BUF_INIT;
  va_list ap;
  va_start(ap, fmt);
  sectag_buf_vprintf(&b, fmt, ap);
  va_end(ap);
  doc->warnings = sectag_xrealloc(doc->warnings, (doc->nwarnings + 1) * sizeof *doc->warnings);
  sectag_error *w = &doc->warnings[doc->nwarnings++];
  unsigned long line = 0, col = 0;
  if (off != (size_t)-1) sectag_doc_line_col(doc, off, &line, &col);
  w->code = SECTAG_WARNING;
  w->message = sectag_buf_detach(&b);
  w->path = sectag_xstrdup(doc->path ? doc->path : doc->doc_id);
  w->line = line;
  w->col = col;
  w->detail = NULL;
}

size_t sectag_doc_orig_offset(const sectag_doc *doc, size_t s) {
  if (!doc->map) return s;
  if (s > doc->shadow_len) s = doc->shadow_len;
  return doc->map[s];
}

size_t sectag_doc_orig_end(const sectag_doc *doc, size_t e) {
  if (!doc->map) return e;
  if (e >= doc->shadow_len) return doc->map[doc->shadow_len];
  if (e == 0) return doc->map[0];
  /* e falls inside one original character when the byte before it comes from
   * the same character: move on to where the next character starts. */
  while (e < doc->shadow_len && doc->map[e] == doc->map[e - 1]) e++;
  return doc->map[e];
}

size_t sectag_doc_warning_count(const sectag_doc *doc) { return doc->nwarnings; }
const sectag_error *sectag_doc_warning(const sectag_doc *doc, size_t i) {
  return i < doc->nwarnings ? &doc->warnings[i] : NULL;
}
const char *sectag_doc_id(const sectag_doc *doc) { return doc->doc_id; }
const char *sectag_doc_path(const sectag_doc *doc) { return doc->path; }
const char *sectag_doc_text(const sectag_doc *doc, size_t *len) {
  if (len) *len = doc->len;
  return doc->text;
}
const char *sectag_doc_shadow(const sectag_doc *doc, size_t *len) {
  if (len) *len = doc->shadow_len;
  return doc->shadow ? doc->shadow : "";
}
size_t sectag_doc_token_count(const sectag_doc *doc) { return doc->ntokens; }
const sectag_token *sectag_doc_tokens(const sectag_doc *doc) { return doc->tokens; }
size_t sectag_doc_word_count(const sectag_doc *doc) { return doc->nwords; }
size_t sectag_doc_sentence_count(const sectag_doc *doc) { return doc->nsentences; }
const sectag_span *sectag_doc_sentences(const sectag_doc *doc) { return doc->sentences; }
size_t sectag_doc_paragraph_count(const sectag_doc *doc) { return doc->nparagraphs; }
const sectag_span *sectag_doc_paragraphs(const sectag_doc *doc) { return doc->paragraphs; }
size_t sectag_doc_match_count(const sectag_doc *doc) { return doc->nmatches; }
const sectag_match *sectag_doc_matches(const sectag_doc *doc) { return doc->matches; }

const char *sectag_doc_title(const sectag_doc *doc) { return doc->title; }
const char *sectag_doc_date(const sectag_doc *doc) { return doc->date; }
const char *sectag_doc_group(const sectag_doc *doc) { return doc->group; }
const char *sectag_doc_format(const sectag_doc *doc) { return doc->format; }
size_t sectag_doc_speaker_count(const sectag_doc *doc) { return doc->nspeakers; }
const char *sectag_doc_speaker_id(const sectag_doc *doc, size_t i) {
  return i < doc->nspeakers ? doc->speakers[i].id : NULL;
}
const char *sectag_doc_speaker_role(const sectag_doc *doc, size_t i) {
  return i < doc->nspeakers ? doc->speakers[i].role : NULL;
}
const char *sectag_doc_speaker_label(const sectag_doc *doc, size_t i) {
  return i < doc->nspeakers ? doc->speakers[i].label : NULL;
}
size_t sectag_doc_turn_count(const sectag_doc *doc) { return doc->nturns; }
void sectag_doc_turn(const sectag_doc *doc, size_t i, size_t *start, size_t *end,
                     size_t *speaker) {
  if (i >= doc->nturns) return;
  if (start) *start = doc->turns[i].start;
  if (end) *end = doc->turns[i].end;
  if (speaker) *speaker = doc->turns[i].speaker;
}

size_t sectag_doc_token_after(const sectag_doc *d, size_t off) {
  size_t lo = 0, hi = d->ntokens;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (d->tokens[mid].end <= off)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}
