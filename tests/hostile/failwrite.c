/* failwrite.c: an LD_PRELOAD shim for failure-injection tests
 * (tests/hostile/run.sh, docs/reliability.md). It wraps write(2),
 * rename(2) and open(2) of the program it is loaded into; what it does is
 * set by environment variables:
 *
 *   FAILWRITE_WRITE=N    the Nth write to a file descriptor above 2 fails
 *                        with ENOSPC (standard output and error are spared,
 *                        so the program can still report)
 *   FAILWRITE_RENAME=N   the Nth rename fails with EIO
 *   FAILWRITE_SHORT=K    every write to a descriptor above 2 writes at most
 *                        K bytes (a short write; the caller must retry)
 *   FAILWRITE_VANISH=S   a file whose path ends in S is deleted just before
 *                        it is opened (a file that vanishes mid-run)
 *   FAILWRITE_COUNT=FILE at exit, writes "writes renames" counted to FILE
 *
 * With no variable set it changes nothing. */
#undef _FILE_OFFSET_BITS /* so that open and open64 are two symbols */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static long S_writes, S_renames;

static long S_env(const char *name) {
  const char *v = getenv(name);
  return v && *v ? atol(v) : 0;
}

static void S_report(void) {
  const char *path = getenv("FAILWRITE_COUNT");
  if (!path || !*path) return;
  FILE *f = fopen(path, "w");
  if (!f) return;
  fprintf(f, "%ld %ld\n", S_writes, S_renames);
  fclose(f);
}

__attribute__((constructor)) static void S_init(void) { atexit(S_report); }

ssize_t write(int fd, const void *buf, size_t len) {
  static ssize_t (*real)(int, const void *, size_t);
  if (!real) *(void **)&real = dlsym(RTLD_NEXT, "write");
  if (fd > 2) {
    S_writes++;
    long fail = S_env("FAILWRITE_WRITE");
    if (fail > 0 && S_writes == fail) {
      errno = ENOSPC;
      return -1;
    }
    long most = S_env("FAILWRITE_SHORT");
    if (most > 0 && len > (size_t)most) len = (size_t)most;
  }
  return real(fd, buf, len);
}

int rename(const char *from, const char *to) {
  static int (*real)(const char *, const char *);
  if (!real) *(void **)&real = dlsym(RTLD_NEXT, "rename");
  S_renames++;
  long fail = S_env("FAILWRITE_RENAME");
  if (fail > 0 && S_renames == fail) {
    errno = EIO;
    return -1;
  }
  return real(from, to);
}

static void S_vanish(const char *path) {
  const char *s = getenv("FAILWRITE_VANISH");
  if (!s || !*s || !path) return;
  size_t n = strlen(path), k = strlen(s);
  if (n >= k && strcmp(path + n - k, s) == 0) unlink(path);
}

#define OPEN_WRAPPER(NAME)                                                   \
  int NAME(const char *path, int flags, ...) {                               \
    static int (*real)(const char *, int, ...);                              \
    if (!real) *(void **)&real = dlsym(RTLD_NEXT, #NAME);                      \
    mode_t mode = 0;                                                         \
    if (flags & (O_CREAT | O_TMPFILE)) {                                     \
      va_list ap;                                                            \
      va_start(ap, flags);                                                   \
      mode = (mode_t)va_arg(ap, int);                                        \
      va_end(ap);                                                            \
    }                                                                        \
    if (!(flags & O_CREAT)) S_vanish(path);                                  \
    return real(path, flags, mode);                                          \
  }
OPEN_WRAPPER(open)
OPEN_WRAPPER(open64)
