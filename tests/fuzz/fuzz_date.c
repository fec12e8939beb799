/* fuzz_date.c: sectag_date_parse and sectag_date_find on arbitrary bytes
 * (they come from file names, manifests, Markdown date lines and HTML
 * metadata). A date they return must be ISO 8601 and parse again to
 * itself. */
#include <string.h>

#include "date.h"
#include "fuzz.h"

static void S_check_iso(const char iso[11]) {
  size_t n = strnlen(iso, 11);
  FUZZ_CHECK(n == 4 || n == 7 || n == 10);
  char again[11];
  FUZZ_CHECK(sectag_date_parse(iso, n, again) == 0);
  FUZZ_CHECK(strcmp(iso, again) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096) return 0;
  char iso[11];
  memset(iso, 0, sizeof iso);
  if (sectag_date_parse((const char *)data, size, iso) == 0) S_check_iso(iso);
  memset(iso, 0, sizeof iso);
  if (sectag_date_find((const char *)data, size, iso) == 0) {
    S_check_iso(iso);
    FUZZ_CHECK(strlen(iso) == 10); /* only full dates are found in prose */
  }
  return 0;
}
