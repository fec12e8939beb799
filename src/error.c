/* error.c: error values with a location. The library never prints; main.c
 * formats errors with sectag_error_format() and maps codes to exit statuses. */
#include "error.h"

#include <stdarg.h>
#include <stdlib.h>

#include "buf.h"

void sectag_error_clear(sectag_error *err) {
  if (!err) return;
  free(err->message);
  free(err->path);
  free(err->detail);
  err->code = SECTAG_OK;
  err->message = err->path = err->detail = NULL;
  err->line = err->col = 0;
}

void sectag_error_set(sectag_error *err, sectag_status code, const char *path,
                      unsigned long line, unsigned long col, const char *fmt, ...) {
  if (!err) return;
  sectag_error_clear(err);
  sectag_buf b = SECTAG_BUF_INIT;
  va_list ap;
  va_start(ap, fmt);
  sectag_buf_vprintf(&b, fmt, ap);
  va_end(ap);
  err->code = code;
  err->message = sectag_buf_detach(&b);
  err->path = path ? sectag_xstrdup(path) : NULL;
  err->line = line;
  err->col = col;
}

void sectag_error_set_detail(sectag_error *err, const char *detail) {
  if (!err) return;
  free(err->detail);
  err->detail = detail ? sectag_xstrdup(detail) : NULL;
}

void sectag_error_move(sectag_error *dst, sectag_error *src) {
  sectag_error_clear(dst);
  *dst = *src;
  src->message = src->path = src->detail = NULL;
  sectag_error_clear(src);
}

void sectag_error_copy(sectag_error *dst, const sectag_error *src) {
  sectag_error_clear(dst);
  dst->code = src->code;
  dst->message = src->message ? sectag_xstrdup(src->message) : NULL;
  dst->path = src->path ? sectag_xstrdup(src->path) : NULL;
  dst->detail = src->detail ? sectag_xstrdup(src->detail) : NULL;
  dst->line = src->line;
  dst->col = src->col;
}

char *sectag_error_format(const sectag_error *err) {
  sectag_buf b = SECTAG_BUF_INIT;
  if (err->path) {
    sectag_buf_puts(&b, err->path);
    if (err->line) {
      sectag_buf_printf(&b, ":%lu", err->line);
      if (err->col) sectag_buf_printf(&b, ":%lu", err->col);
    }
    sectag_buf_puts(&b, ": ");
  }
  if (err->code == SECTAG_WARNING) sectag_buf_puts(&b, "warning: ");
  sectag_buf_puts(&b, err->message ? err->message : "unknown error");
  if (err->detail) {
    sectag_buf_putc(&b, '\n');
    sectag_buf_puts(&b, err->detail);
  }
  return sectag_buf_detach(&b);
}
