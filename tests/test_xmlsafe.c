/* test_xmlsafe.c: sectag_xml_parse (src/xmlsafe.c), the one way sectag
 * parses XML, and sectag_tei_parse (src/kwic.c), its use for the TEI files
 * of `sectag code`: nothing loaded or expanded, the first error with its
 * line and byte column, libxml2's error handler left as it was. */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "harness.h"
#include "kwic.h"
#include "xmlsafe.h"

static xmlDocPtr S_parse(const char *src, int flags, sectag_xml_diag *d) {
  return sectag_xml_parse(src, strlen(src), flags, d);
}

static char *S_root_text(xmlDocPtr x) {
  xmlChar *t = xmlNodeGetContent(xmlDocGetRootElement(x));
  char *s = strdup(t ? (const char *)t : "");
  xmlFree(t);
  return s;
}

static void test_well_formed(void) {
  sectag_xml_diag d;
  xmlDocPtr x = S_parse("<?xml version=\"1.0\"?>\n<a>guerra <b>y</b> paz</a>", 0, &d);
  TEST_OK(x != NULL, "well-formed: a tree");
  TEST_OK(!d.msg && !d.entity && !d.doctype && !d.empty, "well-formed: nothing diagnosed");
  char *t = x ? S_root_text(x) : strdup("");
  TEST_EQ_STR(t, "guerra y paz", "well-formed: the text");
  free(t);
  xmlFreeDoc(x);
  sectag_xml_diag_free(&d);

  x = S_parse("<a><![CDATA[x < y & z]]></a>", 0, &d);
  TEST_OK(x && xmlDocGetRootElement(x)->children &&
              xmlDocGetRootElement(x)->children->type == XML_TEXT_NODE,
          "CDATA becomes a text node");
  t = x ? S_root_text(x) : strdup("");
  TEST_EQ_STR(t, "x < y & z", "CDATA: its text");
  free(t);
  xmlFreeDoc(x);
  sectag_xml_diag_free(&d);
}

static void test_errors(void) {
  sectag_xml_diag d;
  xmlDocPtr x = sectag_xml_parse("", 0, 0, &d);
  TEST_OK(!x && d.empty && !d.msg, "no bytes: empty");
  sectag_xml_diag_free(&d);

  /* columns count bytes: é and ñ are two each */
  x = S_parse("<a>x</b>", 0, &d);
  TEST_OK(!x && d.line == 1 && d.col == 9, "ASCII line: the column after </b>");
  TEST_EQ_STR(d.msg ? d.msg : "(none)", "Opening and ending tag mismatch: a line 1 and b",
              "the first error, one line, libxml2's words");
  sectag_xml_diag_free(&d);
  x = S_parse("<a>é</b>", 0, &d);
  TEST_EQ_INT((long)d.col, 10, "é before the error: the column counts its 2 bytes");
  sectag_xml_diag_free(&d);
  x = S_parse("<r>\n  <a>ñé</b>\n</r>", 0, &d);
  TEST_OK(!x && d.line == 2 && d.col == 14, "second line, ñé before the error: line 2, byte 14");
  sectag_xml_diag_free(&d);

  x = S_parse("<a>&nbsp;</a>", 0, &d);
  TEST_OK(!x && d.code == XML_ERR_UNDECLARED_ENTITY && d.str1 && strcmp(d.str1, "nbsp") == 0,
          "an undeclared entity: its code and name");
  sectag_xml_diag_free(&d);
}

static void test_entities(void) {
  sectag_xml_diag d;
  const char *laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE a [\n  <!ENTITY lol \"lol\">\n"
                       "  <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n]>\n"
                       "<a>&lol2;</a>";
  xmlDocPtr x = S_parse(laughs, 0, &d);
  TEST_OK(!x && d.entity && strcmp(d.entity, "lol") == 0 && !d.pe,
          "the first <!ENTITY stops the parse, named");
  TEST_OK(d.eline == 3 && d.ecol == 3, "... at the line and byte column of its <!ENTITY");
  sectag_xml_diag_free(&d);

  x = S_parse("<!DOCTYPE a [<!ENTITY % ext SYSTEM \"http://evil.example/x.dtd\">%ext;]><a/>", 0,
              &d);
  TEST_OK(!x && d.entity && d.pe && strcmp(d.entity, "ext") == 0,
          "a parameter entity: refused, not fetched");
  sectag_xml_diag_free(&d);

  x = S_parse("<!DOCTYPE a SYSTEM \"/etc/passwd\"><a>paz</a>", 0, &d);
  TEST_OK(x && !d.msg, "a DOCTYPE naming an external DTD: parsed, the DTD not loaded");
  xmlFreeDoc(x);
  sectag_xml_diag_free(&d);
  x = S_parse("<!DOCTYPE a SYSTEM \"/etc/passwd\"><a>paz</a>", SECTAG_XML_NO_DOCTYPE, &d);
  TEST_OK(!x && d.doctype, "SECTAG_XML_NO_DOCTYPE: any DOCTYPE refused");
  sectag_xml_diag_free(&d);
  x = S_parse(laughs, SECTAG_XML_NO_DOCTYPE, &d);
  TEST_OK(!x && d.doctype && !d.entity, "SECTAG_XML_NO_DOCTYPE: stops before the internal subset");
  sectag_xml_diag_free(&d);
}

static void S_mine(void *data, sectag_xml_error e) {
  (void)e;
  ++*(int *)data;
}

static void test_handler_kept(void) {
  int calls = 0;
  xmlSetStructuredErrorFunc(&calls, S_mine);
  sectag_xml_diag d;
  xmlDocPtr x = S_parse("<a>", 0, &d);
  TEST_OK(!x && d.msg && calls == 0, "errors go to the diagnosis, not to the caller's handler");
  sectag_xml_diag_free(&d);
  TEST_OK(xmlStructuredError == S_mine && xmlStructuredErrorContext == &calls,
          "the caller's handler is put back");
  xmlSetStructuredErrorFunc(NULL, NULL);
}

static void test_huge(void) {
  /* a text node over libxml2's 10 MB limit: a very long paragraph */
  size_t n = 11u * 1024 * 1024;
  char *s = malloc(n + 16);
  memcpy(s, "<p>", 3);
  memset(s + 3, 'a', n);
  memcpy(s + 3 + n, "</p>", 5);
  sectag_xml_diag d;
  xmlDocPtr x = S_parse(s, SECTAG_XML_HUGE, &d);
  TEST_OK(x && !d.msg, "an 11 MB text node with SECTAG_XML_HUGE: parsed");
  char *t = x ? S_root_text(x) : strdup("");
  TEST_EQ_INT((long)strlen(t), (long)n, "... whole");
  free(t);
  xmlFreeDoc(x);
  sectag_xml_diag_free(&d);
  free(s);
}

static void test_tei_parse(void) {
  sectag_error err = SECTAG_ERROR_INIT;
  const char *bad = "<TEI>\n<text><body><p>acabó</q>";
  xmlDocPtr x = sectag_tei_parse("out/tei/a.xml", bad, strlen(bad), &err);
  char *msg = sectag_error_format(&err);
  TEST_EQ_STR(msg,
              "out/tei/a.xml:2:26: not well-formed XML: Opening and ending tag mismatch: p line "
              "2 and q; run sectag code again to rewrite it",
              "sectag_tei_parse: path, line and byte column, what to do");
  free(msg);
  TEST_OK(!x && err.code == SECTAG_ERR_INPUT, "sectag_tei_parse: an input error");
  sectag_error_clear(&err);

  const char *dt = "<?xml version=\"1.0\"?><!DOCTYPE TEI [<!ENTITY x \"y\">]><TEI/>";
  x = sectag_tei_parse("t.xml", dt, strlen(dt), &err);
  msg = sectag_error_format(&err);
  TEST_EQ_STR(msg,
              "t.xml: has a DOCTYPE, which sectag code never writes; this is not a TEI file of "
              "sectag code: run sectag code again",
              "sectag_tei_parse: a DOCTYPE refused");
  free(msg);
  sectag_error_clear(&err);

  x = sectag_tei_parse("e.xml", "", 0, &err);
  msg = sectag_error_format(&err);
  TEST_EQ_STR(msg, "e.xml: not well-formed XML: the file is empty; run sectag code again to "
                   "rewrite it",
              "sectag_tei_parse: an empty file");
  free(msg);
  sectag_error_clear(&err);
}

int main(void) {
  test_well_formed();
  test_errors();
  test_entities();
  test_handler_kept();
  test_huge();
  test_tei_parse();
  return test_done();
}
