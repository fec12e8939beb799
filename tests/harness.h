/* harness.h: a minimal TAP harness for the C tests (header-only).
 *
 *   TEST_EQ_STR(got, want, "name")   compares strings (NULL-safe)
 *   TEST_EQ_INT(got, want, "name")   compares integers
 *   TEST_OK(cond, "name")            a boolean check
 *   return test_done();              prints the plan; exit 1 if any failed
 *
 * Each check prints "ok N - name" or "not ok N - name" with the difference,
 * so meson (protocol: 'tap') counts every check. */
#ifndef SECTAG_TEST_HARNESS_H
#define SECTAG_TEST_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_n = 0, test_failed = 0;

static void test_result(int ok, const char *name) {
  ++test_n;
  if (!ok) ++test_failed;
  printf("%s %d - %s\n", ok ? "ok" : "not ok", test_n, name);
}

static void test_diag_lines(const char *label, const char *s) {
  printf("#   %s:\n", label);
  if (!s) {
    printf("#     (null)\n");
    return;
  }
  const char *p = s;
  while (*p) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    printf("#     |%.*s|\n", (int)n, p);
    if (!nl) break;
    p = nl + 1;
  }
}

#define TEST_OK(cond, name) test_result((cond) != 0, (name))

#define TEST_EQ_STR(got, want, name)                                              \
  do {                                                                             \
    const char *test_g_ = (got), *test_w_ = (want);                                \
    int test_ok_ = (test_g_ == NULL && test_w_ == NULL) ||                         \
                   (test_g_ && test_w_ && strcmp(test_g_, test_w_) == 0);          \
    test_result(test_ok_, (name));                                                 \
    if (!test_ok_) {                                                               \
      test_diag_lines("got", test_g_);                                             \
      test_diag_lines("expected", test_w_);                                        \
    }                                                                              \
  } while (0)

#define TEST_EQ_INT(got, want, name)                                              \
  do {                                                                             \
    long long test_g_ = (long long)(got), test_w_ = (long long)(want);             \
    test_result(test_g_ == test_w_, (name));                                       \
    if (test_g_ != test_w_) printf("#   got %lld, expected %lld\n", test_g_, test_w_); \
  } while (0)

/* The bytes of a file, NUL-terminated (free them), or NULL if it cannot be
 * read. */
static inline char *test_slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 65536, n = 0, k;
  char *buf = malloc(cap);
  while (buf && (k = fread(buf + n, 1, cap - n - 1, f)) > 0) {
    n += k;
    if (cap - n < 2) {
      char *more = realloc(buf, cap *= 2);
      if (!more) free(buf);
      buf = more;
    }
  }
  fclose(f);
  if (!buf) return NULL;
  buf[n] = '\0';
  *len = n;
  return buf;
}

static int test_done(void) {
  printf("1..%d\n", test_n);
  return test_failed ? 1 : 0;
}

#endif
