/* fuzz_pipeline.c: the whole path of one document. The first byte chooses
 * the reader (txt, md, html, tei); the rest is the file. The document is
 * coded with a small fixed codebook (regex and words: rules, a partial rule,
 * context rules; parsed once), rendered as TEI, and the TEI must be
 * well-formed XML (libxml2, no network): sectag promises valid TEI for any
 * input it accepts. Then every CSV table's rows are rendered. */
#include <libxml/parser.h>
#include <string.h>

#include "buf.h"
#include "codebook.h"
#include "document.h"
#include "fuzz.h"
#include "reader.h"
#include "render.h"
#include "sectag.h"
#include "speakers.h"

static const char S_yaml[] =
    "sectag: 1\n"
    "name: fuzz\n"
    "accents: insensitive\n"
    "overlap: longest\n"
    "codes:\n"
    "  sec:\n"
    "    label: Securitizing\n"
    "    polarity: securitizing\n"
    "  sec.war:\n"
    "    label: War\n"
    "    words: ['guerra*', 'war', 'crimen organizado', 'a?enaz*']\n"
    "    unless: ['no hay', 'not at']\n"
    "    window: {before: 3, after: 1}\n"
    "  sec.threat:\n"
    "    label: \"Threat <&> \\\"quoted\\\"\"\n"
    "    patterns:\n"
    "      - 'amenaza(s)?'\n"
    "      - pattern: 'threat'\n"
    "        near: [{code: sec.war}, 'nation']\n"
    "        window: sentence\n"
    "      - pattern: 'ci[oó]n'\n"
    "        partial: true\n"
    "  desec:\n"
    "    label: Desecuritizing\n"
    "    polarity: desecuritizing\n"
    "    patterns: ['(ya )?no hay guerra', 'the war is over', '\\d+ %']\n"
    "    words: ['paz', 'peace', 'ñ*']\n";

static sectag_codebook *S_cb;
static sectag_matcher *S_m;
static sectag_speakers *S_speakers;

static void S_silent(void *ctx, const char *msg, ...) {}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  sectag_error err = SECTAG_ERROR_INIT;
  S_cb = sectag_codebook_parse(S_yaml, sizeof S_yaml - 1, "fuzz.yaml", &err);
  if (!S_cb) fprintf(stderr, "%s\n", err.message);
  FUZZ_CHECK(S_cb != NULL);
  S_m = sectag_matcher_new(S_cb, &err);
  if (!S_m) fprintf(stderr, "%s\n", err.message);
  FUZZ_CHECK(S_m != NULL);
  S_speakers = sectag_speakers_new(NULL, NULL, NULL, 0, NULL, 0, &err);
  FUZZ_CHECK(S_speakers != NULL);
  xmlInitParser();
  xmlSetGenericErrorFunc(NULL, S_silent);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > SECTAG_FUZZ_MAX) return 0;
  static const sectag_reader *const readers[4] = {&sectag_reader_txt, &sectag_reader_md,
                                                  &sectag_reader_html, &sectag_reader_tei};
  const sectag_reader *r = readers[data[0] & 3];
  sectag_read_ctx ctx = {S_speakers, NULL};
  sectag_error err = SECTAG_ERROR_INIT;
  sectag_doc *doc = sectag_doc_new("fuzz", "fuzz");
  if (r->parse(doc, (const char *)data + 1, size - 1, &ctx, &err) != 0) {
    sectag_error_clear(&err);
    sectag_doc_free(doc);
    return 0;
  }
  if (sectag_doc_code(doc, S_m, &err) != 0) {
    FUZZ_CHECK(err.code == SECTAG_ERR_MATCH && err.message);
    sectag_error_clear(&err);
  }
  size_t len, slen;
  sectag_doc_text(doc, &len);
  sectag_doc_shadow(doc, &slen);
  size_t nt = sectag_doc_token_count(doc);
  const sectag_match *mt = sectag_doc_matches(doc);
  for (size_t i = 0; i < sectag_doc_match_count(doc); i++) {
    FUZZ_CHECK(mt[i].start <= mt[i].end && mt[i].end <= len);
    FUZZ_CHECK(mt[i].nstart <= mt[i].nend && mt[i].nend <= slen);
    FUZZ_CHECK(mt[i].first_tok <= mt[i].end_tok && mt[i].end_tok <= nt);
    FUZZ_CHECK(mt[i].code < S_cb->ncodes && mt[i].rule < S_cb->nrules);
  }

  sectag_buf out = SECTAG_BUF_INIT;
  if (sectag_render_tei(doc, S_cb, &out, &err) != 0) {
    FUZZ_CHECK(err.message != NULL);
    sectag_error_clear(&err);
  } else {
    FUZZ_CHECK(out.len <= (size_t)0x7fffffff);
    xmlDocPtr x = xmlReadMemory(out.ptr, (int)out.len, "fuzz.xml", NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!x) {
      fwrite(out.ptr, 1, out.len, stderr);
      fprintf(stderr, "\nsectag_render_tei wrote XML that is not well-formed\n");
      abort();
    }
    xmlFreeDoc(x);
    /* the part every file of a run shares, rendered once, gives the same
     * bytes */
    sectag_tei_shared *sh = sectag_tei_shared_new(S_cb);
    sectag_buf again = SECTAG_BUF_INIT;
    FUZZ_CHECK(sh != NULL);
    FUZZ_CHECK(sectag_render_tei_shared(doc, S_cb, sh, &again, &err) == 0);
    FUZZ_CHECK(again.len == out.len && memcmp(again.ptr, out.ptr, out.len) == 0);
    sectag_buf_free(&again);
    sectag_tei_shared_free(sh);
  }
  for (int t = 0; t < SECTAG_TABLE_COUNT; t++) {
    sectag_buf_clear(&out);
    sectag_columns cols = {NULL, 0};
    sectag_csv_header(&out, t, &cols);
  }
  sectag_csv_codes(doc, S_cb, &out);
  sectag_csv_terms(doc, &out);
  sectag_csv_matches(doc, S_cb, &out);
  sectag_csv_documents(doc, S_cb, &out);
  sectag_csv_speakers(doc, S_cb, &out);
  size_t counts[3];
  sectag_doc_polarity_counts(doc, S_cb, counts);
  sectag_buf_free(&out);
  sectag_doc_free(doc);
  return 0;
}
