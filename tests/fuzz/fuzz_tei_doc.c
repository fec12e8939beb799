/* fuzz_tei_doc.c: sectag_tei_doc_load (kwic.c), which rebuilds a document
 * and its stand-off matches from a TEI file of an OUTDIR; kwic, export qdpx,
 * export teicorpus and report all read OUTDIRs through it. The input is
 * written to a temporary file (the function reads a path). It may refuse
 * the file, but only with an error that has a message; a document it
 * returns must have its turns and matches inside its text and a code for
 * every match, and must tokenize. The first byte chooses whether the rest
 * is also passed as the "source" bytes (the path kwic takes when the source
 * file is still there). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "document.h"
#include "fuzz.h"
#include "kwic.h"
#include "sectag.h"

static char S_path[] = "/tmp/sectag-fuzz-tei.XXXXXX";
static int S_fd = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  S_fd = mkstemp(S_path);
  FUZZ_CHECK(S_fd >= 0);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > SECTAG_FUZZ_MAX) return 0;
  int with_source = data[0] & 1;
  data++;
  size--;
  FUZZ_CHECK(ftruncate(S_fd, 0) == 0);
  FUZZ_CHECK(pwrite(S_fd, data, size, 0) == (ssize_t)size);
  sectag_tei_doc t;
  memset(&t, 0, sizeof t);
  sectag_error err = SECTAG_ERROR_INIT;
  if (sectag_tei_doc_load(&t, S_path, "fuzz", with_source ? (const char *)data : NULL,
                          with_source ? size : 0, &err) != 0) {
    FUZZ_CHECK(err.code != SECTAG_OK && err.message);
    sectag_error_clear(&err);
    sectag_tei_doc_free(&t);
    return 0;
  }
  FUZZ_CHECK(t.doc != NULL);
  size_t len;
  sectag_doc_text(t.doc, &len);
  for (size_t i = 0; i < t.nspans; i++) {
    FUZZ_CHECK(t.spans[i].start <= t.spans[i].end && t.spans[i].end <= len);
    FUZZ_CHECK(t.spans[i].code != NULL);
  }
  size_t nsp = sectag_doc_speaker_count(t.doc);
  for (size_t i = 0; i < sectag_doc_turn_count(t.doc); i++) {
    size_t a, b, sp;
    sectag_doc_turn(t.doc, i, &a, &b, &sp);
    FUZZ_CHECK(a <= b && b <= len);
    FUZZ_CHECK(sp < nsp);
  }
  sectag_doc_tokenize(t.doc, 1);
  sectag_tei_doc_free(&t);
  return 0;
}
