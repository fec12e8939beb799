/* output.c: atomic output files (temporary file + rename) and directory
 * creation. See output.h. */
#include "output.h"

#include <errno.h>
#include <stdio.h> /* rename */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "error.h"

int sectag_mkdirs(const char *path, sectag_error *err) {
  char *p = sectag_xstrdup(path);
  size_t n = strlen(p);
  while (n > 1 && p[n - 1] == '/') p[--n] = '\0';
  for (char *s = p + 1;; s++) {
    int last = *s == '\0';
    if (*s != '/' && !last) continue;
    *s = '\0';
    struct stat st;
    if (mkdir(p, 0777) != 0 && errno != EEXIST) {
      sectag_error_set(err, SECTAG_ERR_OUTPUT, p, 0, 0,
                       "cannot create output directory: %s; choose a writable OUTDIR with -o",
                       strerror(errno));
      free(p);
      return -1;
    }
    if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
      sectag_error_set(err, SECTAG_ERR_OUTPUT, p, 0, 0,
                       "cannot create output directory: a file of that name is in the way; "
                       "choose another OUTDIR with -o");
      free(p);
      return -1;
    }
    if (last) break;
    *s = '/';
  }
  free(p);
  return 0;
}

/* The process umask, read once (mkstemp creates files 0600; outputs should
 * get the permissions any other new file would). */
static mode_t S_umask(void) {
  static int known = 0;
  static mode_t mask;
  if (!known) {
    mask = umask(022);
    umask(mask);
    known = 1;
  }
  return mask;
}

int sectag_out_open(sectag_out *o, const char *path, sectag_error *err) {
  memset(o, 0, sizeof *o);
  o->fd = -1;
  const char *slash = strrchr(path, '/');
  size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
  sectag_buf t = SECTAG_BUF_INIT;
  sectag_buf_put(&t, path, dirlen);
  sectag_buf_putc(&t, '.');
  sectag_buf_puts(&t, path + dirlen);
  sectag_buf_puts(&t, ".XXXXXX");
  int fd = mkstemp(t.ptr);
  if (fd < 0) {
    sectag_error_set(err, SECTAG_ERR_OUTPUT, path, 0, 0,
                     "cannot create output file: %s; check that its folder exists and is "
                     "writable",
                     strerror(errno));
    sectag_buf_free(&t);
    return -1;
  }
  fchmod(fd, 0666 & ~S_umask());
  o->fd = fd;
  o->path = sectag_xstrdup(path);
  o->tmp = sectag_buf_detach(&t);
  o->buf = sectag_xmalloc(SECTAG_OUT_BUFSIZE);
  return 0;
}

/* Writes all of data to the file, retrying short writes and EINTR. */
static void S_write_all(sectag_out *o, const char *data, size_t len) {
  while (len > 0 && !o->failed) {
    ssize_t w = write(o->fd, data, len);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      o->failed = 1;
      o->errno_ = w < 0 && errno ? errno : EIO;
      return;
    }
    data += w;
    len -= (size_t)w;
  }
}

static void S_flush(sectag_out *o) {
  if (o->len > 0) S_write_all(o, o->buf, o->len);
  o->len = 0;
}

void sectag_out_write(sectag_out *o, const void *data, size_t len) {
  if (o->failed || !o->buf || len == 0) return;
  if (o->len + len <= SECTAG_OUT_BUFSIZE) {
    memcpy(o->buf + o->len, data, len);
    o->len += len;
    return;
  }
  S_flush(o);
  if (len >= SECTAG_OUT_BUFSIZE) {
    S_write_all(o, data, len);
  } else {
    memcpy(o->buf, data, len);
    o->len = len;
  }
}

void sectag_out_abort(sectag_out *o) {
  if (o->tmp && o->fd >= 0) close(o->fd); /* a zeroed struct has no file */
  if (o->tmp) unlink(o->tmp);
  free(o->tmp);
  free(o->path);
  free(o->buf);
  memset(o, 0, sizeof *o);
  o->fd = -1;
}

static int S_fail(sectag_out *o, sectag_error *err) {
  sectag_error_set(err, SECTAG_ERR_OUTPUT, o->path, 0, 0,
                   "cannot write output file: %s; nothing was left half-written (free "
                   "space or choose another OUTDIR)",
                   strerror(o->errno_));
  sectag_out_abort(o);
  return -1;
}

int sectag_out_finish(sectag_out *o, sectag_error *err) {
  if (!o->failed) S_flush(o);
  int rc = close(o->fd);
  o->fd = -1;
  if (!o->failed && rc != 0 && errno != EINTR) {
    o->failed = 1;
    o->errno_ = errno;
  }
  return o->failed ? S_fail(o, err) : 0;
}

int sectag_out_rename(sectag_out *o, sectag_error *err) {
  if (rename(o->tmp, o->path) != 0) {
    o->failed = 1;
    o->errno_ = errno;
    return S_fail(o, err);
  }
  free(o->tmp);
  free(o->path);
  free(o->buf);
  memset(o, 0, sizeof *o);
  o->fd = -1;
  return 0;
}

int sectag_out_commit(sectag_out *o, sectag_error *err) {
  if (sectag_out_finish(o, err) != 0) return -1;
  return sectag_out_rename(o, err);
}

int sectag_write_file(const char *path, const void *data, size_t len, sectag_error *err) {
  sectag_out o;
  if (sectag_out_open(&o, path, err) != 0) return -1;
  sectag_out_write(&o, data, len);
  return sectag_out_commit(&o, err);
}

char *sectag_path_join(const char *dir, const char *name, const char *suffix) {
  sectag_buf s = SECTAG_BUF_INIT;
  sectag_buf_puts(&s, dir);
  if (s.len && s.ptr[s.len - 1] != '/') sectag_buf_putc(&s, '/');
  sectag_buf_puts(&s, name);
  if (suffix) sectag_buf_puts(&s, suffix);
  return sectag_buf_detach(&s);
}
