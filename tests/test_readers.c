/* test_readers.c: the HTML and TEI readers (src/reader_html.c,
 * src/reader_tei.c).
 *
 * Runs from the tests/ folder (meson's workdir) or from the project root;
 * fixtures are in tests/readers/. For each fixture the extracted text is
 * compared byte for byte with readers/NAME.expected.txt, then the title,
 * date, turns (their speaker ids and their exact text) are checked. Hostile
 * XML files (external entities, billion laughs, malformed, not TEI) must
 * fail with the exact message sectag_error_format() gives. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "document.h"
#include "harness.h"
#include "reader.h"
#include "sectag.h"
#include "speakers.h"

static sectag_speakers *speakers;

/* The path of a fixture, from either working directory. */
static const char *fixture(const char *name) {
  static char path[2][256];
  static int which = 0;
  which ^= 1;
  snprintf(path[which], sizeof path[which], "readers/%s", name);
  FILE *f = fopen(path[which], "rb");
  if (f) {
    fclose(f);
    return path[which];
  }
  snprintf(path[which], sizeof path[which], "tests/readers/%s", name);
  return path[which];
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    *len = 0;
    char *e = malloc(1);
    *e = '\0';
    return e;
  }
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  size_t k;
  while ((k = fread(buf + n, 1, cap - n - 1, f)) > 0) {
    n += k;
    if (cap - n < 2) buf = realloc(buf, cap *= 2);
  }
  fclose(f);
  buf[n] = '\0';
  *len = n;
  return buf;
}

static char *copy(const char *s) {
  size_t n = strlen(s) + 1;
  char *p = malloc(n);
  memcpy(p, s, n);
  return p;
}

/* Parses src with reader r as the document at `path`; on failure returns
 * NULL and *error = the formatted error (or a note that the status was
 * wrong). */
static sectag_doc *parse_mem(const sectag_reader *r, const char *path, const char *src,
                             size_t len, const sectag_read_ctx *ctx, char **error) {
  sectag_error err = SECTAG_ERROR_INIT;
  sectag_doc *doc = sectag_doc_new("id", path);
  *error = NULL;
  if (r->parse(doc, src, len, ctx, &err) != 0) {
    *error = err.code == SECTAG_ERR_INPUT ? sectag_error_format(&err)
                                          : copy("failed without SECTAG_ERR_INPUT");
    sectag_doc_free(doc);
    doc = NULL;
  } else if (err.code != SECTAG_OK) {
    *error = copy("succeeded but err was set");
  }
  sectag_error_clear(&err);
  return doc;
}

static sectag_doc *parse_file(const sectag_reader *r, const char *name, char **error) {
  const char *path = fixture(name);
  size_t len;
  char *src = slurp(path, &len);
  sectag_read_ctx ctx = {speakers, NULL};
  sectag_doc *doc = parse_mem(r, path, src, len, &ctx, error);
  free(src);
  return doc;
}

/* The error for a source that must fail; "OK" when it parsed. */
static char *fail_mem(const sectag_reader *r, const char *path, const char *src) {
  char *error;
  sectag_read_ctx ctx = {speakers, NULL};
  sectag_doc *doc = parse_mem(r, path, src, strlen(src), &ctx, &error);
  sectag_doc_free(doc);
  return error ? error : copy("OK");
}

static void expect_fail(const sectag_reader *r, const char *src, const char *want,
                        const char *name) {
  char *got = fail_mem(r, r == &sectag_reader_tei ? "x.xml" : "x.html", src);
  TEST_EQ_STR(got, want, name);
  free(got);
}

/* The text of a parsed source, or the error. */
static char *text_mem(const sectag_reader *r, const char *src, const sectag_read_ctx *ctx) {
  char *error;
  sectag_doc *doc = parse_mem(r, "x", src, strlen(src), ctx, &error);
  if (!doc) return error;
  char *t = copy(doc->text);
  sectag_doc_free(doc);
  free(error);
  return t;
}

static void expect_text(const sectag_reader *r, const char *src, const char *want,
                        const char *name) {
  sectag_read_ctx ctx = {speakers, NULL};
  char *got = text_mem(r, src, &ctx);
  TEST_EQ_STR(got, want, name);
  free(got);
}

/* The text of turn i, with trailing white space removed (a turn found by
 * label runs up to the next label's line). */
static char *turn_text(const sectag_doc *doc, size_t i) {
  if (i >= doc->nturns) return copy("(no such turn)");
  size_t s = doc->turns[i].start, e = doc->turns[i].end;
  while (e > s && (doc->text[e - 1] == '\n' || doc->text[e - 1] == ' ')) e--;
  char *p = malloc(e - s + 1);
  memcpy(p, doc->text + s, e - s);
  p[e - s] = '\0';
  return p;
}

/* The speaker ids of all turns, joined with ','. */
static char *turn_ids(const sectag_doc *doc) {
  size_t cap = 16;
  for (size_t i = 0; i < doc->nturns; i++) cap += strlen(doc->speakers[doc->turns[i].speaker].id) + 1;
  char *s = malloc(cap);
  s[0] = '\0';
  for (size_t i = 0; i < doc->nturns; i++) {
    if (i) strcat(s, ",");
    strcat(s, doc->speakers[doc->turns[i].speaker].id);
  }
  return s;
}

static void check_turn_ids(const sectag_doc *doc, const char *want, const char *name) {
  char *got = turn_ids(doc);
  TEST_EQ_STR(got, want, name);
  free(got);
}

static void check_turn(const sectag_doc *doc, size_t i, const char *want, const char *name) {
  char *got = turn_text(doc, i);
  TEST_EQ_STR(got, want, name);
  free(got);
}

/* Turns are in order, inside the text and not overlapping. */
static int turns_sane(const sectag_doc *doc) {
  size_t prev = 0;
  for (size_t i = 0; i < doc->nturns; i++) {
    const sectag_turn *t = &doc->turns[i];
    if (t->start < prev || t->end < t->start || t->end > doc->len) return 0;
    if (t->speaker >= doc->nspeakers) return 0;
    prev = t->end;
  }
  return 1;
}

static void check_expected_text(const sectag_doc *doc, const char *expected_name,
                                const char *name) {
  size_t n;
  char *want = slurp(fixture(expected_name), &n);
  TEST_EQ_STR(doc ? doc->text : NULL, want, name);
  free(want);
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------------ HTML */

static void test_press_html(void) {
  char *error;
  sectag_doc *doc = parse_file(&sectag_reader_html, "press.html", &error);
  TEST_EQ_STR(error, NULL, "press.html parses");
  free(error);
  if (!doc) return;
  TEST_EQ_STR(doc->format, "html", "press.html: format");
  check_expected_text(doc, "press.expected.txt", "press.html: extracted text");
  TEST_EQ_STR(doc->title,
              "Versión estenográfica de la conferencia de prensa matutina | Presidencia",
              "press.html: title from <title>, white space collapsed");
  TEST_EQ_STR(doc->date, "2020-06-15", "press.html: date from <meta name=date>");
  TEST_EQ_INT(doc->nturns, 5, "press.html: 5 turns (text before the first label + 4 labels)");
  check_turn_ids(doc,
                 "unknown,presidente-andres-manuel-lopez-obrador,interlocutora,"
                 "presidente-andres-manuel-lopez-obrador,secretario-de-seguridad",
                 "press.html: speaker of each turn");
  TEST_EQ_INT(doc->nspeakers, 4, "press.html: 4 speakers");
  check_turn(doc, 1,
             "Buenos días. Vamos a informar sobre la estrategia de seguridad.\n\n"
             "Lo he dicho muchas veces: se acabó la guerra. Nuestra política es abrazos, no "
             "balazos, y la vamos a sostener.",
             "press.html: the president's first turn (two paragraphs, label left out)");
  check_turn(doc, 4,
             "Complemento con cifras.\nHomicidios: bajaron 4 %.\nRobos: sin cambio.\n\n"
             "Mes | Homicidios dolosos\n\nmayo | 2 890\n\njunio | s/d",
             "press.html: the secretary's turn runs to the end (<br> lines, table rows)");
  TEST_OK(turns_sane(doc), "press.html: turns sorted, inside the text");
  TEST_OK(!strchr(doc->text, '<') && !strstr(doc->text, "**") && !strstr(doc->text, "cookies") &&
              !strstr(doc->text, "visitas") && !strstr(doc->text, "Borrador"),
          "press.html: no markup, script, cookie form or hidden text");
  sectag_doc_free(doc);
}

static void test_latin1_html(void) {
  char *error;
  sectag_doc *doc = parse_file(&sectag_reader_html, "press-latin1.html", &error);
  TEST_EQ_STR(error, NULL, "press-latin1.html parses");
  free(error);
  if (!doc) return;
  check_expected_text(doc, "press-latin1.expected.txt",
                      "press-latin1.html: ISO-8859-1 decoded as declared; only the first "
                      "<article>, without its <header>");
  TEST_EQ_STR(doc->title, "Comunicado 143: la Guardia Nacional cumple un año",
              "press-latin1.html: title decoded");
  TEST_EQ_STR(doc->date, "2020-06-30", "press-latin1.html: date from <time datetime>");
  TEST_EQ_INT(doc->nturns, 0, "press-latin1.html: no labels, no turns");
  TEST_EQ_INT(doc->nwarnings, 0, "press-latin1.html: no warnings");
  sectag_doc_free(doc);
}

static void test_briefing_html(void) {
  char *error;
  sectag_doc *doc = parse_file(&sectag_reader_html, "briefing.html", &error);
  TEST_EQ_STR(error, NULL, "briefing.html parses");
  free(error);
  if (!doc) return;
  check_expected_text(doc, "briefing.expected.txt",
                      "briefing.html: only <main>; <pre> keeps its lines; hidden and svg "
                      "dropped");
  TEST_EQ_STR(doc->title, "Press Briefing by the Press Secretary on Border Security",
              "briefing.html: title");
  TEST_EQ_STR(doc->date, "2021-08-03", "briefing.html: date from article:published_time");
  check_turn_ids(doc, "unknown,ms-alvarado,q,ms-alvarado,mr-halvorsen",
                 "briefing.html: English labels (MS. ALVARADO, Q)");
  check_turn(doc, 2, "Is the administration sending troops to the border?",
             "briefing.html: the question's turn");
  sectag_doc_free(doc);
}

static void test_html_inline(void) {
  const sectag_reader *h = &sectag_reader_html;
  expect_text(h, "<p>Uno<p>Dos</div></span><div>Tres</p> cuatro<li>cinco", "Uno\n\nDos\n\nTres cuatro\n\ncinco",
              "html: no <html>/<body>, unclosed <p>, stray end tags");
  expect_text(h, "<p>a<br><br><br><br>b <br> c</p>", "a\n\nb\nc",
              "html: <br> is a line break; never more than one blank line");
  expect_text(h, "<p>  caf&eacute; &amp; <b>pan</b>dulce\t\n</p>", "café & pandulce",
              "html: entities, inline elements joined, block trimmed");
  expect_text(h, "", "", "html: an empty file gives an empty text");
  expect_text(h, "<body><article><p>A</p></article><main><p>B</p></main></body>", "B",
              "html: <main> wins over an earlier <article>");
  expect_text(h, "<main>  </main><p>fuera</p>", "fuera",
              "html: an empty <main> falls back to <body>");
  expect_text(h,
              "<div>visible<span hidden>oculto</span> <div aria-hidden=\"TRUE\">no</div>"
              "<nav>menú</nav>sí</div>",
              "visible\n\nsí", "html: hidden, aria-hidden and nav dropped");
  sectag_read_ctx ctx = {speakers, NULL};
  char *got = text_mem(h,
                       "<!DOCTYPE html [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;\">]>"
                       "<p>&b;</p>",
                       &ctx);
  TEST_OK(strstr(got, "&b;") && !strstr(got, "aaaaaaaaaa"),
          "html: entities declared in a DOCTYPE are not expanded");
  free(got);

  sectag_doc *doc;
  char *error;
  const char *no_title = "<body><header><h1>Sitio</h1></header><main><h1>Informe   de "
                         "seguridad</h1><p>x</p></main>";
  doc = parse_mem(h, "x.html", no_title, strlen(no_title), NULL, &error);
  TEST_EQ_STR(doc ? doc->title : error, "Informe de seguridad",
              "html: no <title>: the first <h1> of the main content");
  sectag_doc_free(doc);
  free(error);

  const char *dated = "<meta name=\"DC.Date.Issued\" content=\"nada\"><p>Hoy, <time>martes 15 "
                      "de junio de 2021</time>.</p>";
  doc = parse_mem(h, "x.html", dated, strlen(dated), NULL, &error);
  TEST_EQ_STR(doc ? doc->date : error, "2021-06-15",
              "html: a <meta> date that does not parse is skipped; <time> text");
  sectag_doc_free(doc);
  free(error);

  const char *labels = "<p><b>PRESIDENTE:</b> Hola.</p><p><b>REPORTERO:</b> Pregunta.</p>";
  doc = parse_mem(h, "x.html", labels, strlen(labels), NULL, &error);
  TEST_EQ_INT(doc ? (long long)doc->nturns : -1, 0, "html: ctx NULL: no turns");
  sectag_doc_free(doc);
  free(error);
  sectag_read_ctx none = {NULL, NULL};
  doc = parse_mem(h, "x.html", labels, strlen(labels), &none, &error);
  TEST_EQ_INT(doc ? (long long)doc->nturns : -1, 0, "html: ctx->speakers NULL: no turns");
  sectag_doc_free(doc);
  free(error);

  expect_fail(h, "<p>Hola</p>\n<p>Le\xE9n</p>",
              "x.html:2:6: the page is not valid UTF-8 (byte 0xE9) and declares no other "
              "charset that sectag knows; run again with --encoding (e.g. --encoding cp1252), "
              "or name its encoding with <meta charset=\"...\">",
              "html: no charset and invalid UTF-8 is an error with line and column");
  expect_fail(h, "<meta charset=\"utf-8\">\n<p>M\xC3\xA9xico\n<p>Le\xF3n y despu\xC3\xA9s</p>",
              "x.html:3:6: the page is not valid UTF-8 (byte 0xF3) and declares no other "
              "charset that sectag knows; run again with --encoding (e.g. --encoding cp1252), "
              "or name its encoding with <meta charset=\"...\">",
              "html: declared UTF-8 but not UTF-8 is an error (libxml2 would go on in Latin-1)");
  expect_text(h, "<meta charset=\"windows-1252\"><p>M\xE9xico: \x93" "abrazos\x94</p>",
              "México: “abrazos”", "html: windows-1252 as declared");
  {
    sectag_read_ctx cp = {NULL, "cp1252"};
    sectag_doc *d = sectag_doc_new("id", "x.html");
    sectag_error e = SECTAG_ERROR_INIT;
    const char *src = "<p>Le\xF3n, M\xE9xico</p>";
    int rc = sectag_reader_html.parse(d, src, strlen(src), &cp, &e);
    TEST_EQ_STR(rc == 0 ? d->text : e.message, "León, México",
                "html: no charset declared: --encoding cp1252 is used");
    sectag_error_clear(&e);
    sectag_doc_free(d);
  }
  const char *unknown = "<meta charset=\"x-desconocido\"><p>Le\xC3\xB3n</p>";
  doc = parse_mem(h, "x.html", unknown, strlen(unknown), NULL, &error);
  TEST_EQ_STR(doc ? doc->text : error, "León", "html: an unknown charset: read as UTF-8");
  TEST_EQ_STR(doc && doc->nwarnings ? doc->warnings[0].message : NULL,
              "the page declares a charset sectag does not know (x-desconocido); it was read "
              "as UTF-8",
              "html: an unknown charset: a warning");
  sectag_doc_free(doc);
  free(error);

  /* 100,000 unclosed <div>s: past libxml2's default depth limit (256), and
   * no stack overflow in the walk. */
  size_t depth = 100000;
  char *deep = malloc(depth * 5 + 32);
  for (size_t i = 0; i < depth; i++) memcpy(deep + i * 5, "<div>", 5);
  strcpy(deep + depth * 5, "hondo");
  expect_text(h, deep, "hondo", "html: 100,000 nested <div>s");
  free(deep);
}

/* ------------------------------------------------------------------- TEI */

static void test_transcript_xml(void) {
  char *error;
  sectag_doc *doc = parse_file(&sectag_reader_tei, "transcript.xml", &error);
  TEST_EQ_STR(error, NULL, "transcript.xml parses");
  free(error);
  if (!doc) return;
  TEST_EQ_STR(doc->format, "tei", "transcript.xml: format");
  check_expected_text(doc, "transcript.expected.txt",
                      "transcript.xml: body text (no speaker, stage, note, incident, sic)");
  TEST_EQ_STR(doc->title, "Conferencia de prensa matutina del 12 de marzo de 2019",
              "transcript.xml: the first titleStmt/title");
  TEST_EQ_STR(doc->date, "2019-03-12", "transcript.xml: settingDesc date first");
  TEST_EQ_INT(doc->nturns, 4, "transcript.xml: 4 turns (2 u, 2 sp)");
  check_turn_ids(doc, "amlo,int1,reportera,amlo",
                 "transcript.xml: ids from @who (first token, no '#'), else <speaker>");
  TEST_EQ_INT(doc->nspeakers, 3, "transcript.xml: 3 speakers");
  TEST_EQ_STR(doc->nspeakers >= 3 ? doc->speakers[2].label : NULL, "REPORTERA",
              "transcript.xml: <speaker> label without its colon");
  check_turn(doc, 0,
             "Buenos días. Se acabó la guerra.\n\nVamos a seguir con la estrategia de abrazos, "
             "no balazos.",
             "transcript.xml: turn 1 = its two <seg>s");
  check_turn(doc, 1,
             "¿Y la militarización? La Guardia Nacional ya está en las calles. ¿No es lo mismo?",
             "transcript.xml: turn 2");
  check_turn(doc, 2,
             "Presidente, una pregunta sobre la Guardia Nacional.\n\n¿Cuántos elementos hay\n"
             "en Sinaloa?",
             "transcript.xml: turn 3 = two <p>s of the <sp>, <lb/> a line break");
  check_turn(doc, 3, "Más de ochenta mil en todo el país, “sin violar” derechos & garantías.",
             "transcript.xml: turn 4");
  int exact = doc->nturns == 4;
  for (size_t i = 0; exact && i < doc->nturns; i++) {
    const sectag_turn *t = &doc->turns[i];
    exact = t->end > t->start && doc->text[t->start] != ' ' && doc->text[t->start] != '\n' &&
            doc->text[t->end - 1] != ' ' && doc->text[t->end - 1] != '\n';
  }
  TEST_OK(exact && turns_sane(doc), "transcript.xml: each turn covers exactly its text");
  TEST_OK(doc->nturns == 4 && doc->turns[0].start == strlen("Versión estenográfica\n\n"),
          "transcript.xml: the <head> belongs to no turn");
  sectag_doc_free(doc);
}

static void expect_file_fail(const char *name, const char *where, const char *msg,
                             const char *test) {
  char *error;
  sectag_doc *doc = parse_file(&sectag_reader_tei, name, &error);
  char want[1024];
  snprintf(want, sizeof want, "%s%s: %s", fixture(name), where, msg);
  TEST_EQ_STR(error ? error : "OK", want, test);
  sectag_doc_free(doc);
  free(error);
}

static void test_hostile_xml(void) {
  expect_file_fail("entities.xml", ":3:3",
                   "the XML declares entities in a DTD (<!ENTITY xxe ...>); sectag never "
                   "expands or fetches entities: remove the DOCTYPE and write the characters "
                   "themselves",
                   "entities.xml: external entity refused, not fetched");
  double t0 = now();
  expect_file_fail("laughs.xml", ":3:2",
                   "the XML declares entities in a DTD (<!ENTITY lol ...>); sectag never "
                   "expands or fetches entities: remove the DOCTYPE and write the characters "
                   "themselves",
                   "laughs.xml: billion laughs refused");
  double dt = now() - t0;
  TEST_OK(dt < 0.25, "laughs.xml: fails in well under a second");
  if (dt >= 0.25) printf("#   took %.3f s\n", dt);
  expect_file_fail("malformed.xml", ":8:64",
                   "the file is not well-formed XML: Opening and ending tag mismatch: hi line 8 "
                   "and p; fix it (xmllint --noout lists every error) or convert it",
                   "malformed.xml: first error with line and byte column");
  expect_file_fail("not-tei.xml", ":2",
                   "not a TEI document (root element <rss>); sectag reads TEI P5 files with a "
                   "<text><body>",
                   "not-tei.xml: other root element");
}

static void test_tei_inline(void) {
  const sectag_reader *t = &sectag_reader_tei;
  const char *head = "<TEI xmlns=\"http://www.tei-c.org/ns/1.0\"><text><body>";
  const char *tail = "</body></text></TEI>";
  char src[2048];

  expect_fail(t,
              "<?xml version=\"1.0\"?>\n<!DOCTYPE TEI [\n<!ENTITY % ext SYSTEM "
              "\"http://evil.example/x.dtd\">\n%ext;\n]>\n<TEI/>",
              "x.xml:3:1: the XML declares entities in a DTD (<!ENTITY % ext ...>); sectag "
              "never expands or fetches entities: remove the DOCTYPE and write the characters "
              "themselves",
              "tei: parameter entity refused");
  snprintf(src, sizeof src, "<!DOCTYPE TEI SYSTEM \"http://www.tei-c.org/tei_all.dtd\">\n%s"
                            "<p>Guardia Nacional</p>%s", head, tail);
  expect_text(t, src, "Guardia Nacional", "tei: a DOCTYPE naming a DTD is read, not fetched");
  snprintf(src, sizeof src, "<!DOCTYPE TEI SYSTEM \"tei_all.dtd\">\n%s\n<p>paz&nbsp;y "
                            "seguridad</p>%s", head, tail);
  expect_fail(t, src,
              "x.xml:3:13: the XML uses the entity &nbsp; but does not declare it; sectag loads "
              "no DTD: write the character itself or a character reference (&#160;)",
              "tei: undeclared entity (external DTD not loaded) is an error");
  snprintf(src, sizeof src, "%s<p>Se acab\xF3 la guerra</p>%s", head, tail);
  expect_fail(t, src,
              "x.xml:1:64: the file is not valid UTF-8 and its XML declaration names no other "
              "encoding; add encoding=\"...\" to <?xml ...?> (e.g. ISO-8859-1) or convert it to "
              "UTF-8",
              "tei: invalid UTF-8");
  snprintf(src, sizeof src, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n%s<p>Se acab\xF3 "
                            "la guerra</p>%s", head, tail);
  expect_text(t, src, "Se acabó la guerra", "tei: the XML declaration's encoding is followed");
  expect_fail(t, "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body/></html>",
              "x.xml:1: not a TEI document (root element <html "
              "xmlns=\"http://www.w3.org/1999/xhtml\">); sectag reads TEI P5 files with a "
              "<text><body>",
              "tei: XHTML root is not TEI");
  expect_fail(t, "<TEI xmlns=\"http://www.tei-c.org/ns/1.0\">\n<teiHeader/>\n</TEI>",
              "x.xml:1: the TEI document has no <text><body>; sectag reads TEI P5 files with a "
              "<text><body>",
              "tei: no body");
  expect_fail(t, "",
              "x.xml: the file is not well-formed XML: Document is empty; fix it (xmllint "
              "--noout lists every error) or convert it",
              "tei: empty file");
  expect_text(t, "<TEI><text><body><p>Sin espacio de nombres</p></body></text></TEI>",
              "Sin espacio de nombres", "tei: a TEI root without namespace is accepted");
  expect_text(t,
              "<TEI xmlns=\"http://www.tei-c.org/ns/1.0\"><text><body><div><head>Uno</head>"
              "<p>a <note place=\"foot\">nota</note>b</p><table><row><cell>x</cell><cell>y"
              "</cell></row></table><list><item>i1</item><item>i2</item></list><l>verso</l>"
              "</div></body></text></TEI>",
              "Uno\n\na b\n\nx | y\n\ni1\n\ni2\n\nverso", "tei: head, p, note, table, list, l");

  /* teiCorpus: the first TEI, and a warning */
  sectag_read_ctx ctx = {speakers, NULL};
  char *error;
  const char *corpus = "<teiCorpus xmlns=\"http://www.tei-c.org/ns/1.0\"><teiHeader/>"
                       "<TEI><text><body><p>uno</p></body></text></TEI>"
                       "<TEI><text><body><p>dos</p></body></text></TEI></teiCorpus>";
  sectag_doc *doc = parse_mem(t, "x.xml", corpus, strlen(corpus), &ctx, &error);
  TEST_EQ_STR(doc ? doc->text : error, "uno", "tei: teiCorpus: the first TEI is read");
  TEST_EQ_INT(doc ? (long long)sectag_doc_warning_count(doc) : -1, 1,
              "tei: teiCorpus: a warning says the others were not");
  sectag_doc_free(doc);
  free(error);

  /* no u/sp: labels at line starts in <p>s make turns */
  snprintf(src, sizeof src, "%s<head>Mañanera</head><p>PRESIDENTE: Se acabó la guerra.</p>"
                            "<p>INTERLOCUTOR: ¿Y la Guardia Nacional?</p>%s", head, tail);
  doc = parse_mem(t, "x.xml", src, strlen(src), &ctx, &error);
  if (doc) {
    check_turn_ids(doc, "unknown,presidente,interlocutor", "tei: no u/sp: labels in <p>s");
    check_turn(doc, 1, "Se acabó la guerra.", "tei: no u/sp: the turn's text");
  } else {
    TEST_EQ_STR(error, NULL, "tei: no u/sp: parses");
  }
  sectag_doc_free(doc);
  free(error);

  /* u without who: the unknown speaker; an empty u makes no turn */
  snprintf(src, sizeof src, "%s<u who=\"#a\"/><u>  hola </u><u who=\"x.xml#b\">adiós</u>%s",
           head, tail);
  doc = parse_mem(t, "x.xml", src, strlen(src), &ctx, &error);
  if (doc) {
    check_turn_ids(doc, "unknown,b", "tei: <u> without who; who with a file part; empty <u>");
    TEST_EQ_STR(doc->text, "hola\n\nadiós", "tei: text of those turns");
  } else {
    TEST_EQ_STR(error, NULL, "tei: u without who parses");
  }
  sectag_doc_free(doc);
  free(error);

  /* no speakers in ctx: no turns */
  snprintf(src, sizeof src, "%s<u who=\"#a\">uno</u>%s", head, tail);
  doc = parse_mem(t, "x.xml", src, strlen(src), NULL, &error);
  TEST_EQ_INT(doc ? (long long)doc->nturns : -1, 0, "tei: ctx NULL: no turns");
  sectag_doc_free(doc);
  free(error);
  sectag_read_ctx none = {NULL, NULL};
  doc = parse_mem(t, "x.xml", src, strlen(src), &none, &error);
  TEST_EQ_INT(doc ? (long long)doc->nturns : -1, 0, "tei: ctx->speakers NULL: no turns");
  sectag_doc_free(doc);
  free(error);

  /* dates: creation when there is no settingDesc; text when there is no @when */
  snprintf(src, sizeof src,
           "<TEI xmlns=\"http://www.tei-c.org/ns/1.0\"><teiHeader><fileDesc><titleStmt><title/>"
           "</titleStmt><publicationStmt><date>1 de julio de 2018</date></publicationStmt>"
           "</fileDesc><profileDesc><creation><date when=\"2018-12\"/></creation></profileDesc>"
           "</teiHeader><text><body><p>x</p></body></text></TEI>");
  doc = parse_mem(t, "x.xml", src, strlen(src), &ctx, &error);
  TEST_EQ_STR(doc ? doc->date : error, "2018-12", "tei: creation/date/@when (a month)");
  TEST_EQ_STR(doc ? doc->title : error, NULL, "tei: an empty title is no title");
  sectag_doc_free(doc);
  free(error);
  snprintf(src, sizeof src,
           "<TEI xmlns=\"http://www.tei-c.org/ns/1.0\"><teiHeader><fileDesc><publicationStmt>"
           "<date>1o. de julio de 2018</date></publicationStmt></fileDesc></teiHeader>"
           "<text><body><p>x</p></body></text></TEI>");
  doc = parse_mem(t, "x.xml", src, strlen(src), &ctx, &error);
  TEST_EQ_STR(doc ? doc->date : error, "2018-07-01", "tei: publicationStmt/date text");
  sectag_doc_free(doc);
  free(error);
}

int main(void) {
  sectag_error err = SECTAG_ERROR_INIT;
  speakers = sectag_speakers_new(NULL, NULL, NULL, 0, NULL, 0, &err);
  TEST_OK(speakers != NULL, "default speaker pattern compiles");
  sectag_error_clear(&err);

  test_press_html();
  test_latin1_html();
  test_briefing_html();
  test_html_inline();
  test_transcript_xml();
  test_hostile_xml();
  test_tei_inline();

  sectag_speakers_free(speakers);
  return test_done();
}
