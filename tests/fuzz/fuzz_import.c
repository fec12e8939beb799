/* fuzz_import.c: the dictionary readers of `sectag import` (LIWC .dic,
 * quanteda YAML, Yoshikoder .ykd, Lexicoder .lc3, WordStat .cat). The first
 * byte chooses the format; the rest is the file. A dictionary that parses
 * is written as a codebook (sectag_dict_to_yaml), and that codebook is
 * parsed and compiled again: what import writes, sectag must be able to
 * read. */
#include <string.h>

#include "buf.h"
#include "fuzz.h"
#include "import.h"
#include "sectag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > SECTAG_FUZZ_MAX) return 0;
  static const sectag_dict_format formats[5] = {SECTAG_DICT_LIWC, SECTAG_DICT_QUANTEDA,
                                                SECTAG_DICT_YOSHIKODER, SECTAG_DICT_LEXICODER,
                                                SECTAG_DICT_WORDSTAT};
  sectag_dict_format fmt = formats[data[0] % 5];
  sectag_error err = SECTAG_ERROR_INIT;
  sectag_dict *d = sectag_dict_parse((const char *)data + 1, size - 1, "fuzz", fmt, &err);
  if (!d) {
    FUZZ_CHECK(err.code != SECTAG_OK && err.message);
    sectag_error_clear(&err);
    return 0;
  }
  for (size_t i = 0; i < d->ncats; i++) {
    FUZZ_CHECK(d->cats[i].id && d->cats[i].name);
    FUZZ_CHECK(d->cats[i].parent < (long)i);
  }
  sectag_dict_yaml_options opt = {"fuzz", "fuzz", 0};
  sectag_buf yaml = SECTAG_BUF_INIT;
  sectag_dict_yaml_stats st;
  sectag_dict_to_yaml(d, &opt, &yaml, &st);
  sectag_codebook *cb = sectag_codebook_parse(yaml.ptr, yaml.len, "import.yaml", &err);
  if (!cb) fprintf(stderr, "import wrote a codebook sectag refuses: %s\n%s\n", err.message, yaml.ptr);
  FUZZ_CHECK(cb != NULL);
  {
    sectag_matcher *m = sectag_matcher_new(cb, &err);
    sectag_matcher_free(m);
  }
  sectag_error_clear(&err);
  sectag_codebook_free(cb);
  sectag_buf_free(&yaml);
  sectag_dict_free(d);
  return 0;
}
