/* xmlsafe.c: see xmlsafe.h. */
#include "xmlsafe.h"

#include <libxml/parser.h>
#include <libxml/SAX2.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "encoding.h"

typedef struct {
  sectag_xml_diag *d;
  int no_doctype;
} S_state;

static void S_on_error(void *data, sectag_xml_error e) {
  sectag_xml_diag *d = ((S_state *)data)->d;
  if (!e || e->level < XML_ERR_ERROR || d->msg) return;
  const char *m = e->message ? e->message : "unknown error";
  size_t k = strcspn(m, "\n");
  while (k > 0 && (m[k - 1] == ' ' || m[k - 1] == '\r')) k--;
  d->msg = sectag_xstrndup(m, k);
  d->str1 = e->str1 ? sectag_xstrdup(e->str1) : NULL;
  d->code = e->code;
  d->line = e->line > 0 ? (unsigned long)e->line : 0;
  d->col = e->int2 > 0 ? (unsigned long)e->int2 : 0; /* characters, for now */
}

/* The SAX internalSubset callback (with SECTAG_XML_NO_DOCTYPE): a DOCTYPE
 * stops the parse before its internal subset is read. */
static void S_internal_subset(void *ctx, const xmlChar *name, const xmlChar *external_id,
                              const xmlChar *system_id) {
  (void)name;
  (void)external_id;
  (void)system_id;
  xmlParserCtxtPtr c = ctx;
  S_state *st = c->_private;
  if (!st->no_doctype) {
    xmlSAX2InternalSubset(ctx, name, external_id, system_id);
    return;
  }
  st->d->doctype = 1;
  xmlStopParser(c);
}

/* The SAX entityDecl callback: the first <!ENTITY stops the parse. */
static void S_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
                          const xmlChar *system_id, xmlChar *content) {
  (void)public_id;
  (void)system_id;
  (void)content;
  xmlParserCtxtPtr c = ctx;
  sectag_xml_diag *d = ((S_state *)c->_private)->d;
  if (!d->entity) {
    d->entity = sectag_xstrdup(name ? (const char *)name : "?");
    d->pe = type == XML_INTERNAL_PARAMETER_ENTITY || type == XML_EXTERNAL_PARAMETER_ENTITY;
    d->eline = c->input ? (unsigned long)c->input->line : 0;
    d->ecol = c->input ? (unsigned long)c->input->col : 0;
  }
  xmlStopParser(c);
}

unsigned long sectag_xml_byte_col(const char *src, size_t len, unsigned long line,
                                  unsigned long col) {
  if (line == 0 || col == 0) return col;
  size_t i = 0;
  for (unsigned long l = 1; l < line; l++) {
    const char *nl = memchr(src + i, '\n', len - i);
    if (!nl) return col;
    i = (size_t)(nl - src) + 1;
  }
  size_t start = i;
  for (unsigned long c = 1; c < col && i < len && src[i] != '\n'; c++) {
    const unsigned char *p = (const unsigned char *)src + i;
    size_t k = *p < 0xC0 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
    if (k > len - i) k = 1;
    for (size_t j = 1; j < k; j++)
      if ((p[j] & 0xC0) != 0x80) k = 1; /* not UTF-8 here: count bytes */
    i += k;
  }
  return (unsigned long)(i - start) + 1;
}

static const char *S_memmem(const char *h, size_t hn, const char *needle) {
  size_t nn = strlen(needle);
  for (size_t i = 0; i + nn <= hn; i++)
    if (memcmp(h + i, needle, nn) == 0) return h + i;
  return NULL;
}

xmlDocPtr sectag_xml_parse(const char *src, size_t len, int flags, sectag_xml_diag *d) {
  memset(d, 0, sizeof *d);
  if (len == 0) {
    d->empty = 1; /* libxml2 makes no context for "" */
    return NULL;
  }
  if (len > INT_MAX) {
    d->msg = sectag_xstrdup("the file is 2 GB or larger, more than libxml2 can parse");
    return NULL;
  }
  S_state st = {d, (flags & SECTAG_XML_NO_DOCTYPE) != 0};
  xmlStructuredErrorFunc old_handler = xmlStructuredError;
  void *old_data = xmlStructuredErrorContext;
  xmlSetStructuredErrorFunc(&st, S_on_error);
  xmlDocPtr x = NULL;
  int well_formed = 0;
  xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(src, (int)len);
  if (ctxt) {
    xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOCDATA |
                                ((flags & SECTAG_XML_HUGE) ? XML_PARSE_HUGE : 0));
    /* whatever a process-wide default says: no DTD, no substitution */
    ctxt->replaceEntities = 0;
    ctxt->loadsubset = 0;
    ctxt->validate = 0;
    ctxt->_private = &st;
    ctxt->sax->internalSubset = S_internal_subset;
    ctxt->sax->entityDecl = S_entity_decl;
    ctxt->sax->externalSubset = NULL;
    xmlParseDocument(ctxt);
    x = ctxt->myDoc;
    ctxt->myDoc = NULL;
    well_formed = ctxt->wellFormed;
    xmlFreeParserCtxt(ctxt);
  }
  xmlSetStructuredErrorFunc(old_data, old_handler);

  d->col = sectag_xml_byte_col(src, len, d->line, d->col);
  if (d->entity) {
    const char *decl = S_memmem(src, len, "<!ENTITY");
    if (decl)
      sectag_line_col(src, (size_t)(decl - src), &d->eline, &d->ecol);
    else
      d->ecol = sectag_xml_byte_col(src, len, d->eline, d->ecol);
  }
  if (!x || !well_formed || d->msg || d->doctype || d->entity) {
    if (x) xmlFreeDoc(x);
    return NULL;
  }
  return x;
}

void sectag_xml_diag_free(sectag_xml_diag *d) {
  free(d->msg);
  free(d->str1);
  free(d->entity);
  memset(d, 0, sizeof *d);
}
