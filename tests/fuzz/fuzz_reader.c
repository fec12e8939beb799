/* fuzz_reader.c: one document reader (txt, md, html or tei; meson builds
 * this file once per reader with -DFUZZ_READER=sectag_reader_NAME) on
 * arbitrary bytes, with the default speaker pattern so that turns are split
 * too, then the tokenizer. The reader may refuse the input, but only with an
 * error that has a message; a document it returns must have its turns and
 * hidden ranges inside its text. */
#include "document.h"
#include "fuzz.h"
#include "reader.h"
#include "sectag.h"
#include "speakers.h"

#ifndef FUZZ_READER
#error "build with -DFUZZ_READER=sectag_reader_txt (or _md, _html, _tei)"
#endif

static sectag_speakers *S_speakers;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  sectag_error err = SECTAG_ERROR_INIT;
  S_speakers = sectag_speakers_new(NULL, NULL, NULL, 0, NULL, 0, &err);
  FUZZ_CHECK(S_speakers != NULL);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > SECTAG_FUZZ_MAX) return 0;
  sectag_read_ctx ctx = {S_speakers, NULL};
  sectag_error err = SECTAG_ERROR_INIT;
  sectag_doc *doc = sectag_doc_new("fuzz", "fuzz");
  if (FUZZ_READER.parse(doc, (const char *)data, size, &ctx, &err) != 0) {
    FUZZ_CHECK(err.code != SECTAG_OK && err.message);
    sectag_error_clear(&err);
    sectag_doc_free(doc);
    return 0;
  }
  size_t len;
  sectag_doc_text(doc, &len);
  size_t nsp = sectag_doc_speaker_count(doc);
  for (size_t i = 0; i < sectag_doc_turn_count(doc); i++) {
    size_t a, b, sp;
    sectag_doc_turn(doc, i, &a, &b, &sp);
    FUZZ_CHECK(a <= b && b <= len);
    FUZZ_CHECK(sp < nsp);
  }
  for (size_t i = 0; i < nsp; i++) FUZZ_CHECK(sectag_doc_speaker_id(doc, i) != NULL);
  for (int strip = 0; strip <= 1; strip++) {
    sectag_doc_tokenize(doc, strip);
    size_t nt = sectag_doc_token_count(doc);
    const sectag_token *t = sectag_doc_tokens(doc);
    for (size_t i = 0; i < nt; i++) {
      FUZZ_CHECK(t[i].start < t[i].end && t[i].end <= len);
      long s = sectag_doc_token_speaker(doc, i);
      FUZZ_CHECK(s >= -1 && s < (long)nsp);
    }
    sectag_doc_clear_tokens(doc);
  }
  sectag_doc_free(doc);
  return 0;
}
