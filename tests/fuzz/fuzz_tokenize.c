/* fuzz_tokenize.c: the tokenizer and the normalizer on arbitrary bytes.
 * sectag_doc_from_bytes validates (invalid UTF-8 and NUL bytes are errors,
 * not crashes); a document that loads is tokenized with accents kept and
 * stripped, and the token, sentence and paragraph offsets are checked
 * against the text and the shadow. sectag_normalize runs on the valid text
 * in the four casefold/strip modes. */
#include <string.h>

#include "buf.h"
#include "document.h"
#include "fuzz.h"
#include "sectag.h"

static void S_check_doc(const sectag_doc *doc) {
  size_t len, slen;
  sectag_doc_text(doc, &len);
  sectag_doc_shadow(doc, &slen);
  size_t nt = sectag_doc_token_count(doc);
  const sectag_token *t = sectag_doc_tokens(doc);
  size_t ns = sectag_doc_sentence_count(doc);
  for (size_t i = 0; i < nt; i++) {
    FUZZ_CHECK(t[i].start < t[i].end && t[i].end <= len);
    FUZZ_CHECK(t[i].nstart <= t[i].nend && t[i].nend <= slen);
    FUZZ_CHECK(i == 0 || t[i - 1].end <= t[i].start);
    FUZZ_CHECK(t[i].sentence < ns);
    FUZZ_CHECK(sectag_doc_orig_offset(doc, t[i].nstart) <= len);
  }
  const sectag_span *s = sectag_doc_sentences(doc);
  for (size_t i = 0; i < ns; i++) {
    FUZZ_CHECK(s[i].start <= s[i].end && s[i].end <= len);
    FUZZ_CHECK(s[i].first <= s[i].last && s[i].last <= nt);
  }
  size_t np = sectag_doc_paragraph_count(doc);
  const sectag_span *p = sectag_doc_paragraphs(doc);
  for (size_t i = 0; i < np; i++) FUZZ_CHECK(p[i].first <= p[i].last && p[i].last <= ns);
  FUZZ_CHECK(sectag_doc_word_count(doc) <= nt);
  unsigned long line, col;
  sectag_doc_line_col(doc, len, &line, &col);
  FUZZ_CHECK(line >= 1 && col >= 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > SECTAG_FUZZ_MAX) return 0;
  sectag_error err = SECTAG_ERROR_INIT;
  sectag_doc *doc = sectag_doc_from_bytes((const char *)data, size, "fuzz", NULL, &err);
  if (!doc) {
    FUZZ_CHECK(err.code != SECTAG_OK && err.message);
    sectag_error_clear(&err);
    return 0;
  }
  for (int strip = 0; strip <= 1; strip++) {
    sectag_doc_tokenize(doc, strip);
    S_check_doc(doc);
    sectag_doc_clear_tokens(doc);
  }
  size_t len;
  const char *text = sectag_doc_text(doc, &len);
  sectag_buf out = SECTAG_BUF_INIT;
  for (int mode = 0; mode < 4; mode++) {
    sectag_buf_clear(&out);
    sectag_normalize(text, len, mode & 1, mode >> 1, &out);
  }
  sectag_buf_free(&out);
  sectag_doc_free(doc);
  return 0;
}
