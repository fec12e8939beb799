/* buf.h: the one growable byte buffer used everywhere (cmark_strbuf style).
 *
 * A sectag_buf always holds a NUL-terminated byte string (ptr is never NULL
 * once initialised), but its length is explicit: corpus text may contain NUL
 * bytes, so never rely on strlen(ptr).
 *
 * Ownership: the buffer owns ptr. sectag_buf_detach() hands ptr to the caller
 * (free it with free()) and leaves the buffer empty and reusable.
 * Allocation failure aborts the process (out of memory is not recoverable in a
 * command-line batch tool, and checking every append would hide the logic). */
#ifndef SECTAG_BUF_H
#define SECTAG_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct sectag_buf {
  char *ptr;
  size_t len;
  size_t cap;
} sectag_buf;

#define SECTAG_BUF_INIT {NULL, 0, 0}

void sectag_buf_init(sectag_buf *b);
void sectag_buf_free(sectag_buf *b);
void sectag_buf_clear(sectag_buf *b);            /* len = 0, keep memory */
void sectag_buf_grow(sectag_buf *b, size_t extra); /* room for extra more bytes */
void sectag_buf_put_grow(sectag_buf *b, const void *data, size_t len);
void sectag_buf_puts(sectag_buf *b, const char *s);
void sectag_buf_putc_grow(sectag_buf *b, int c);

/* Appends bytes, or one byte: inline while there is room (the tokenizer and
 * the writers append a few bytes at a time, millions of times). */
static inline void sectag_buf_put(sectag_buf *b, const void *data, size_t len) {
  if (b->ptr && len < b->cap - b->len) {
    memcpy(b->ptr + b->len, data, len);
    b->len += len;
    b->ptr[b->len] = '\0';
  } else {
    sectag_buf_put_grow(b, data, len);
  }
}

static inline void sectag_buf_putc(sectag_buf *b, int c) {
  if (b->len + 1 < b->cap) {
    b->ptr[b->len++] = (char)c;
    b->ptr[b->len] = '\0';
  } else {
    sectag_buf_putc_grow(b, c);
  }
}
void sectag_buf_printf(sectag_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sectag_buf_vprintf(sectag_buf *b, const char *fmt, va_list ap);
/* Returns the owned string (never NULL); the buffer is left empty. */
char *sectag_buf_detach(sectag_buf *b);
/* Returns a pointer that is valid until the next change to b (never NULL). */
const char *sectag_buf_cstr(const sectag_buf *b);

/* Helpers used across modules. xmalloc & co. abort on out of memory. */
void *sectag_xmalloc(size_t n);
void *sectag_xcalloc(size_t n, size_t size);
void *sectag_xrealloc(void *p, size_t n);
char *sectag_xstrdup(const char *s);
char *sectag_xstrndup(const char *s, size_t n);
/* FNV-1a hash of n bytes, for the hash tables of counts. */
uint64_t sectag_hash(const char *s, size_t n);

/* Appends n in decimal (faster than sectag_buf_printf for table cells). */
void sectag_buf_put_size(sectag_buf *b, size_t n);

/* qsort, except that nothing is done for fewer than 2 elements (qsort's
 * base must not be NULL even when n is 0, and an empty array often is). */
void sectag_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

#endif
