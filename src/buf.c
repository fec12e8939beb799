/* buf.c: growable byte buffer and checked allocation. See buf.h. */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char S_empty[1] = "";

static void S_oom(void) {
  fputs("sectag: out of memory\n", stderr);
  abort();
}

void *sectag_xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) S_oom();
  return p;
}

void *sectag_xcalloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size ? size : 1);
  if (!p) S_oom();
  return p;
}

void *sectag_xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) S_oom();
  return q;
}

char *sectag_xstrndup(const char *s, size_t n) {
  char *p = sectag_xmalloc(n + 1);
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *sectag_xstrdup(const char *s) { return sectag_xstrndup(s, strlen(s)); }

void sectag_buf_init(sectag_buf *b) {
  b->ptr = NULL;
  b->len = 0;
  b->cap = 0;
}

void sectag_buf_free(sectag_buf *b) {
  free(b->ptr);
  sectag_buf_init(b);
}

void sectag_buf_clear(sectag_buf *b) {
  b->len = 0;
  if (b->ptr) b->ptr[0] = '\0';
}

void sectag_buf_grow(sectag_buf *b, size_t extra) {
  if (extra > (size_t)-1 / 2 - b->len) S_oom();
  size_t need = b->len + extra + 1;
  if (need <= b->cap) return;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < need) cap += cap / 2 + 64;
  b->ptr = sectag_xrealloc(b->ptr, cap);
  b->cap = cap;
}

void sectag_buf_put_grow(sectag_buf *b, const void *data, size_t len) {
  sectag_buf_grow(b, len);
  if (len) memcpy(b->ptr + b->len, data, len);
  b->len += len;
  b->ptr[b->len] = '\0';
}

void sectag_buf_puts(sectag_buf *b, const char *s) { sectag_buf_put(b, s, strlen(s)); }

void sectag_buf_putc_grow(sectag_buf *b, int c) {
  sectag_buf_grow(b, 1);
  b->ptr[b->len++] = (char)c;
  b->ptr[b->len] = '\0';
}

void sectag_buf_vprintf(sectag_buf *b, const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0) return;
  sectag_buf_grow(b, (size_t)n);
  vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
  b->len += (size_t)n;
}

void sectag_buf_printf(sectag_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  sectag_buf_vprintf(b, fmt, ap);
  va_end(ap);
}

char *sectag_buf_detach(sectag_buf *b) {
  char *p = b->ptr ? b->ptr : sectag_xstrdup("");
  sectag_buf_init(b);
  return p;
}

const char *sectag_buf_cstr(const sectag_buf *b) { return b->ptr ? b->ptr : S_empty; }

uint64_t sectag_hash(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ULL; /* FNV-1a */
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= 1099511628211ULL;
  }
  return h;
}

void sectag_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *)) {
  if (n > 1) qsort(base, n, size, cmp);
}

void sectag_buf_put_size(sectag_buf *b, size_t n) {
  char tmp[24];
  size_t i = sizeof tmp;
  do {
    tmp[--i] = (char)('0' + n % 10);
    n /= 10;
  } while (n);
  sectag_buf_put(b, tmp + i, sizeof tmp - i);
}
