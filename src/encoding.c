/* encoding.c: legacy encodings to UTF-8 (glibc iconv), UTF-8 validation
 * (utf8proc), and the guesses that make an error message say what a file
 * probably is (Latin-1, UTF-16, binary). Nothing here prints; errors are
 * sectag_error values. */
#include "encoding.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "buf.h"
#include "error.h"

/* "utf-8", "UTF8", "utf_8": a plain copy, no iconv. */
static int S_is_utf8(const char *enc) {
  char norm[8];
  size_t n = 0;
  for (const char *p = enc; *p; p++) {
    if (*p == '-' || *p == '_') continue;
    if (n + 1 >= sizeof norm) return 0;
    norm[n++] = *p;
  }
  norm[n] = '\0';
  return strcasecmp(norm, "utf8") == 0;
}

/* Names some iconv builds do not know, and what they mean. */
static const char *S_alias(const char *enc) {
  static const char *const table[][2] = {
      {"latin1", "ISO-8859-1"},   {"latin-1", "ISO-8859-1"},  {"cp1252", "WINDOWS-1252"},
      {"cp-1252", "WINDOWS-1252"}, {"win1252", "WINDOWS-1252"}, {"latin9", "ISO-8859-15"},
      {"utf16", "UTF-16"},        {"utf32", "UTF-32"},
  };
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
    if (strcasecmp(enc, table[i][0]) == 0) return table[i][1];
  return NULL;
}

/* Bytes per code unit of the source encoding: 2 for UTF-16/UCS-2, 4 for
 * UTF-32/UCS-4, else 1 (ASCII-compatible, where '\n' is the byte 0x0A). */
static int S_unit(const char *enc) {
  char norm[16];
  size_t n = 0;
  for (const char *p = enc; *p && n + 1 < sizeof norm; p++)
    if (*p != '-' && *p != '_') norm[n++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
  norm[n] = '\0';
  if (strncmp(norm, "UTF16", 5) == 0 || strncmp(norm, "UCS2", 4) == 0) return 2;
  if (strncmp(norm, "UTF32", 5) == 0 || strncmp(norm, "UCS4", 4) == 0) return 4;
  return 1;
}

/* Line and byte column, in the source, of source offset pos. The line is
 * counted in the UTF-8 already produced (out[0..outlen)), which is right for
 * every encoding. The column counts source bytes since the line start: for
 * an ASCII-compatible encoding by scanning back to the byte 0x0A; for UTF-16
 * and UTF-32, from the characters converted since the last newline. */
static void S_position(const char *src, size_t pos, const char *out, size_t outlen, int unit,
                       unsigned long *line, unsigned long *col) {
  unsigned long ln = 1;
  size_t last_nl = (size_t)-1; /* index in out of the last '\n' */
  for (size_t i = 0; i < outlen; i++)
    if (out[i] == '\n') {
      ln++;
      last_nl = i;
    }
  *line = ln;
  if (unit == 1) {
    size_t start = pos;
    while (start > 0 && src[start - 1] != '\n') start--;
    *col = (unsigned long)(pos - start) + 1;
    return;
  }
  if (last_nl == (size_t)-1) { /* first line: the offset itself (BOM included) */
    *col = (unsigned long)pos + 1;
    return;
  }
  unsigned long bytes = 0;
  for (size_t i = last_nl + 1; i < outlen; i++) {
    unsigned char c = (unsigned char)out[i];
    if ((c & 0xC0) == 0x80) continue;
    bytes += (unit == 2 && c >= 0xF0) ? 4 : (unsigned long)unit;
  }
  *col = bytes + 1;
}

char *sectag_to_utf8(const char *enc, const char *src, size_t len, size_t *outlen,
                     const char *path, sectag_error *err) {
  if (S_is_utf8(enc)) {
    char *copy = sectag_xmalloc(len + 1);
    if (len) memcpy(copy, src, len);
    copy[len] = '\0';
    *outlen = len;
    return copy;
  }
  iconv_t cd = iconv_open("UTF-8", enc);
  if (cd == (iconv_t)-1 && S_alias(enc)) cd = iconv_open("UTF-8", S_alias(enc));
  if (cd == (iconv_t)-1) {
    sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0,
                     "unknown encoding '%s'; `iconv -l` lists the names this system knows "
                     "(e.g. latin1, cp1252, utf-16)",
                     enc);
    return NULL;
  }
  sectag_buf out = SECTAG_BUF_INIT;
  /* Latin-1 grows at most 2x; start near there and let E2BIG grow the rest */
  sectag_buf_grow(&out, len < 4096 ? 4096 : len + len / 2 + 16);
  char *in = (char *)src;
  size_t inleft = len;
  for (;;) {
    size_t room = out.cap - out.len - 1; /* keep a byte for the NUL */
    char *o = out.ptr + out.len;
    /* once the input is used up, a call with NULL writes any shift bytes */
    int flushing = inleft == 0;
    size_t r = flushing ? iconv(cd, NULL, NULL, &o, &room) : iconv(cd, &in, &inleft, &o, &room);
    int e = errno;
    out.len = (size_t)(o - out.ptr);
    if (r != (size_t)-1) {
      if (flushing) break;
      continue;
    }
    if (e == E2BIG) {
      sectag_buf_grow(&out, out.cap);
      continue;
    }
    size_t pos = (size_t)(in - src);
    unsigned long line, col;
    S_position(src, pos, out.ptr, out.len, S_unit(enc), &line, &col);
    if (e == EILSEQ)
      sectag_error_set(err, SECTAG_ERR_INPUT, path, line, col,
                       "byte 0x%02X is not a valid %s character; check --encoding (`file -i` "
                       "may tell the file's encoding)",
                       (unsigned char)src[pos], enc);
    else /* EINVAL: an incomplete sequence at the end */
      sectag_error_set(err, SECTAG_ERR_INPUT, path, line, col,
                       "the file ends in the middle of a %s character; check --encoding, or "
                       "whether the file was cut short",
                       enc);
    iconv_close(cd);
    sectag_buf_free(&out);
    return NULL;
  }
  out.ptr[out.len] = '\0';
  iconv_close(cd);
  *outlen = out.len;
  return sectag_buf_detach(&out);
}

/* A byte of Latin-1/Windows-1252 that is a letter (À..ÿ, Š, Œ, Ž, š, œ,
 * ž, Ÿ, ª, º) or punctuation common in prose (¡ ¿ « » ° and the cp1252
 * quotes, dashes and ellipsis). */
static int S_latin1_letter(unsigned char c) {
  return (c >= 0xC0 && c != 0xD7 && c != 0xF7) || c == 0x8A || c == 0x8C || c == 0x8E ||
         c == 0x9A || c == 0x9C || c == 0x9E || c == 0x9F || c == 0xAA || c == 0xBA;
}

static int S_latin1_punct(unsigned char c) {
  return c == 0xA1 || c == 0xBF || c == 0xAB || c == 0xBB || c == 0xB0 || c == 0x85 ||
         c == 0x91 || c == 0x92 || c == 0x93 || c == 0x94 || c == 0x96 || c == 0x97 ||
         c == 0xA0 || c == 0xB4 || c == 0xA7;
}

static int S_ascii_alpha(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

int sectag_looks_latin1(const char *s, size_t len) {
  const unsigned char *u = (const unsigned char *)s;
  size_t high = 0, good = 0;
  for (size_t i = 0; i < len; i++) {
    if (u[i] == 0) return 0;
    if (u[i] < 0x80) continue;
    high++;
    /* in UTF-8, a high byte always has a high neighbour; in Latin-1 text a
     * letter stands alone among ASCII letters */
    int prev_hi = i > 0 && u[i - 1] >= 0x80;
    int next_hi = i + 1 < len && u[i + 1] >= 0x80;
    if (prev_hi || next_hi) continue;
    int by_letter = (i > 0 && S_ascii_alpha(u[i - 1])) || (i + 1 < len && S_ascii_alpha(u[i + 1]));
    if ((S_latin1_letter(u[i]) && by_letter) || S_latin1_punct(u[i])) good++;
  }
  return high > 0 && good * 10 >= high * 8;
}

int sectag_looks_utf16(const char *s, size_t len) {
  const unsigned char *u = (const unsigned char *)s;
  if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) return 1;
  size_t n = len < 512 ? len : 512;
  n &= ~(size_t)1;
  if (n < 4) return 0;
  size_t pairs = n / 2, nul_even = 0, nul_odd = 0;
  for (size_t i = 0; i < n; i += 2) {
    if (u[i] == 0) nul_even++;
    if (u[i + 1] == 0) nul_odd++;
  }
  /* ASCII text in UTF-16: NUL is the high byte of (nearly) every unit */
  if (nul_odd * 4 >= pairs * 3 && nul_even * 8 < pairs) return 1; /* LE */
  if (nul_even * 4 >= pairs * 3 && nul_odd * 8 < pairs) return 1; /* BE */
  return 0;
}

int sectag_looks_binary(const char *s, size_t len) {
  static const struct {
    const char *magic;
    size_t len;
  } magic[] = {
      {"%PDF-", 5},          {"\x89PNG\r\n\x1a\n", 8}, {"\xFF\xD8\xFF", 3}, {"GIF87a", 6},
      {"GIF89a", 6},         {"PK\x03\x04", 4},        {"PK\x05\x06", 4},   {"\x1F\x8B", 2},
      {"\x7F" "ELF", 4},
  };
  for (size_t i = 0; i < sizeof magic / sizeof magic[0]; i++)
    if (len >= magic[i].len && memcmp(s, magic[i].magic, magic[i].len) == 0) return 1;
  if (sectag_looks_utf16(s, len)) return 0;
  size_t n = len < 4096 ? len : 4096, ctl = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' &&
         c != 0x1B) ||
        c == 0x7F)
      ctl++;
  }
  /* at least 8 control bytes, and more than 1 in 20: a text file with a few
   * stray control or NUL bytes is still text, and the reader's message about
   * them (line, column, what to do) is more useful than "binary" */
  return ctl >= 8 && ctl * 20 > n;
}

size_t sectag_utf8_invalid_at(const char *s, size_t len) {
  size_t i = 0;
  while (i < len) {
    if ((unsigned char)s[i] < 0x80) {
      i++;
      continue;
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                          (utf8proc_ssize_t)(len - i), &cp);
    if (k <= 0) return i;
    i += (size_t)k;
  }
  return (size_t)-1;
}

void sectag_line_col(const char *s, size_t off, unsigned long *line, unsigned long *col) {
  unsigned long l = 1;
  size_t start = 0;
  for (size_t i = 0; i < off; i++)
    if (s[i] == '\n') {
      l++;
      start = i + 1;
    }
  *line = l;
  *col = (unsigned long)(off - start) + 1;
}
