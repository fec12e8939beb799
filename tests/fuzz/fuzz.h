/* fuzz.h: what the libFuzzer targets of tests/fuzz share (see
 * docs/reliability.md, "Fuzzing"). Each target is one .c file with
 * LLVMFuzzerTestOneInput; the library is built with the sanitizers, so a
 * target only has to drive it and check the invariants it can state. */
#ifndef SECTAG_FUZZ_H
#define SECTAG_FUZZ_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Inputs above this are not interesting and only slow the fuzzer down. */
#define SECTAG_FUZZ_MAX (64 * 1024)

/* An invariant broke: say which, and crash so that libFuzzer keeps the
 * input. */
#define FUZZ_CHECK(cond)                                                          \
  do {                                                                            \
    if (!(cond)) {                                                                \
      fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      abort();                                                                    \
    }                                                                             \
  } while (0)

#endif
