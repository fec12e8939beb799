/* error.h: internal helpers to fill in a sectag_error (see sectag.h). */
#ifndef SECTAG_ERROR_H
#define SECTAG_ERROR_H

#include "sectag.h"

/* Sets err (clearing what it held). path may be NULL; line/col 0 = unknown. */
void sectag_error_set(sectag_error *err, sectag_status code, const char *path,
                      unsigned long line, unsigned long col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Attaches a detail block (owned copy). */
void sectag_error_set_detail(sectag_error *err, const char *detail);
/* Moves src into dst (dst cleared first, src left cleared). */
void sectag_error_move(sectag_error *dst, sectag_error *src);
/* A deep copy. */
void sectag_error_copy(sectag_error *dst, const sectag_error *src);

#endif
