/* replay.c: runs a fuzz target's LLVMFuzzerTestOneInput on the crash
 * reproducers of tests/fuzz/crashes, in the ordinary build (TAP), so every
 * crash the fuzzers found stays a regression test: in .ci/run's sanitizer
 * pass an overflow aborts the run, and a broken invariant (FUZZ_CHECK)
 * aborts in every build. Usage: replay DIR PREFIX (files of DIR whose names
 * start with PREFIX). Each input is read into a buffer of its exact size,
 * as libFuzzer does. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* not every target has one */
#pragma weak LLVMFuzzerInitialize

static int S_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: replay DIR PREFIX\n");
    return 2;
  }
  DIR *d = opendir(argv[1]);
  if (!d) {
    printf("not ok 1 - cannot open %s\n1..1\n", argv[1]);
    return 1;
  }
  char *names[256];
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 256)
    if (strncmp(e->d_name, argv[2], strlen(argv[2])) == 0) names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, n, sizeof *names, S_cmp);
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  for (size_t i = 0; i < n; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", argv[1], names[i]);
    FILE *f = fopen(path, "rb");
    if (!f) {
      printf("not ok %zu - cannot read %s\n", i + 1, names[i]);
      continue;
    }
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(len > 0 ? (size_t)len : 1);
    size_t got = buf ? fread(buf, 1, (size_t)len, f) : 0;
    fclose(f);
    LLVMFuzzerTestOneInput(buf, got); /* a crash ends the program: the test fails */
    free(buf);
    printf("ok %zu - %s: no crash, no broken invariant\n", i + 1, names[i]);
    free(names[i]);
  }
  printf("1..%zu\n", n);
  return n == 0;
}
