/* csvread.h: CSV input (see csvread.c), and a whole table in memory.
 *
 * Ownership: a row passed to a callback is borrowed (valid during the call).
 * sectag_table_load fills a table that owns every string; free it with
 * sectag_table_free. */
#ifndef SECTAG_CSVREAD_H
#define SECTAG_CSVREAD_H

#include <stddef.h>

#include "sectag.h"

typedef struct sectag_csv_row {
  char **f;           /* fields, NUL-terminated copies */
  size_t *len;        /* their lengths */
  size_t n;
  unsigned long line; /* where the row starts (1-based) */
  size_t off;         /* byte offset of that line in the data */
} sectag_csv_row;

typedef int (*sectag_csv_row_fn)(void *ud, const sectag_csv_row *row); /* nonzero stops */

/* Parses data[0..len) (after any BOM: offsets and columns count from there),
 * calling fn for every row. Returns 0, 1 when fn stopped, or -1 with err
 * (SECTAG_ERR_INPUT, FILE:LINE:COL) when the CSV does not parse. */
int sectag_csv_read(const char *data, size_t len, const char *path, sectag_csv_row_fn fn,
                    void *ud, sectag_error *err);

/* Reads a whole file (a BOM is dropped) and parses it with
 * sectag_csv_read. Returns as sectag_csv_read does; -1 with
 * SECTAG_ERR_USAGE when the file cannot be read. */
int sectag_csv_read_file(const char *path, sectag_csv_row_fn fn, void *ud, sectag_error *err);

/* Line and column of field k (0-based) of the row that starts at data[off],
 * on line `line`. */
void sectag_csv_locate(const char *data, size_t len, size_t off, unsigned long line, size_t k,
                       unsigned long *l, unsigned long *col);

/* A whole CSV file with a header row, in memory. */
typedef struct sectag_table {
  char *path;
  char **cols;     /* header names */
  size_t ncols;
  char **cells;    /* nrows * ncols, row-major; a short row is padded with "" */
  size_t nrows;
  unsigned long *lines; /* the line where each row starts */
} sectag_table;

/* Reads path (UTF-8 CSV with a header row; a BOM is dropped). Returns 0, or
 * -1 with err (SECTAG_ERR_USAGE: cannot read; SECTAG_ERR_INPUT: does not
 * parse, FILE:LINE:COL; a row with more fields than the header). */
int sectag_table_load(sectag_table *t, const char *path, sectag_error *err);
void sectag_table_free(sectag_table *t);
/* The index of a column, or -1. */
long sectag_table_col(const sectag_table *t, const char *name);
/* A cell ("" when col < 0). */
const char *sectag_table_get(const sectag_table *t, size_t row, long col);

#endif
