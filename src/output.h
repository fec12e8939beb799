/* output.h: atomic output files. Every output is written to a temporary file
 * in the same directory (".NAME.XXXXXX") and renamed into place only when it
 * is complete, so a crash, a full disk or a failed document never leaves a
 * half-written file behind. */
#ifndef SECTAG_OUTPUT_H
#define SECTAG_OUTPUT_H

#include <stddef.h>

#include "sectag.h"

/* Writes go through a 64 KiB buffer straight to write(2) (no stdio), so a
 * failing write is seen where it happens, and tests can make write(2) or
 * rename(2) fail with an LD_PRELOAD shim (tests/hostile/failwrite.c). */
#define SECTAG_OUT_BUFSIZE 65536

typedef struct sectag_out {
  char *path; /* final path, owned */
  char *tmp;  /* temporary path, owned */
  int fd;     /* -1 when closed */
  int failed; /* a write failed; errno_ holds why */
  int errno_;
  size_t len; /* bytes in buf */
  char *buf;  /* SECTAG_OUT_BUFSIZE bytes, owned */
} sectag_out;

/* Creates the temporary file. Returns 0, or -1 with err (SECTAG_ERR_OUTPUT). */
int sectag_out_open(sectag_out *o, const char *path, sectag_error *err);
void sectag_out_write(sectag_out *o, const void *data, size_t len);
/* The two halves of commit, for a set of files that should go into place
 * together: finish (flush and close) them all, then rename them all. Each
 * returns 0, or -1 with err, having removed the temporary file. */
int sectag_out_finish(sectag_out *o, sectag_error *err);
int sectag_out_rename(sectag_out *o, sectag_error *err);
/* Flushes, closes and renames into place. Returns 0, or -1 with err; on
 * failure the temporary file is removed. */
int sectag_out_commit(sectag_out *o, sectag_error *err);
/* Closes and removes the temporary file (safe after commit, and on a zeroed
 * struct). */
void sectag_out_abort(sectag_out *o);

/* Writes a whole file atomically. */
int sectag_write_file(const char *path, const void *data, size_t len, sectag_error *err);

/* dir + "/" (unless dir is empty or ends with one) + name + suffix (may be
 * NULL); owned. */
char *sectag_path_join(const char *dir, const char *name, const char *suffix);

/* mkdir -p; returns 0 or -1 with err naming the directory. */
int sectag_mkdirs(const char *path, sectag_error *err);

#endif
