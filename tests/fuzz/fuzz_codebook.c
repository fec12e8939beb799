/* fuzz_codebook.c: the codebook parser (YAML -> codes, rules, contexts) and
 * the rule compiler. Either may refuse an input, but only with an error
 * value that has a message. */
#include "fuzz.h"
#include "sectag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > SECTAG_FUZZ_MAX) return 0;
  sectag_error err = SECTAG_ERROR_INIT;
  sectag_codebook *cb = sectag_codebook_parse((const char *)data, size, "fuzz.yaml", &err);
  if (!cb) {
    FUZZ_CHECK(err.code == SECTAG_ERR_CODEBOOK && err.message);
    char *msg = sectag_error_format(&err);
    free(msg);
    sectag_error_clear(&err);
    return 0;
  }
  for (size_t i = 0; i < sectag_codebook_code_count(cb); i++) {
    FUZZ_CHECK(sectag_codebook_code_id(cb, i) != NULL);
    FUZZ_CHECK(sectag_codebook_code_label(cb, i) != NULL);
  }
  sectag_matcher *m = sectag_matcher_new(cb, &err);
  if (!m) {
    FUZZ_CHECK(err.code == SECTAG_ERR_CODEBOOK && err.message);
    char *msg = sectag_error_format(&err);
    free(msg);
    sectag_error_clear(&err);
  } else {
    for (size_t i = 0; i < sectag_matcher_warning_count(m); i++)
      FUZZ_CHECK(sectag_matcher_warning(m, i)->message != NULL);
  }
  sectag_matcher_free(m);
  sectag_codebook_free(cb);
  return 0;
}
