/* xmlsafe.h: XML from strangers, parsed by libxml2 with nothing loaded,
 * fetched or expanded, and libxml2's messages kept instead of printed.
 *
 * Every XML reader of sectag goes through sectag_xml_parse: the TEI reader
 * (reader_tei.c), the Yoshikoder importer (import.c) and the reader of the
 * TEI files `sectag code` wrote (sectag_tei_parse in kwic.c, used by kwic,
 * both exports and the report). What it guarantees:
 *
 *  - no network (XML_PARSE_NONET), no DTD loaded (the external-subset
 *    callback removed, no DTDLOAD/DTDATTR/NOENT), no entity substituted,
 *    whatever a process-wide default of libxml2 says;
 *  - the parse stops at the first <!ENTITY, general or parameter, before
 *    anything is expanded: this covers external entities, parameter-entity
 *    tricks and "billion laughs" in every libxml2 version; with
 *    SECTAG_XML_NO_DOCTYPE it stops at any DOCTYPE, before its internal
 *    subset is read;
 *  - CDATA sections become text, blank text is kept;
 *  - the first error is recorded with its line and its column in bytes
 *    (libxml2 counts characters), so that sectag's messages say FILE:LINE:COL
 *    as everywhere else.
 *
 * The caller writes its own message from the diagnosis: what the input is
 * and what to do differ between a corpus file, a dictionary and an OUTDIR.
 *
 * Ownership: the returned tree is the caller's (xmlFreeDoc); the strings of
 * a sectag_xml_diag are freed by sectag_xml_diag_free. */
#ifndef SECTAG_XMLSAFE_H
#define SECTAG_XMLSAFE_H

#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>
#include <stddef.h>

/* What a structured error handler receives: libxml2 2.12 made it const. */
#if LIBXML_VERSION >= 21200
typedef const xmlError *sectag_xml_error;
#else
typedef xmlErrorPtr sectag_xml_error;
#endif

enum {
  SECTAG_XML_NO_DOCTYPE = 1, /* refuse any DOCTYPE (sectag's own files have none) */
  SECTAG_XML_HUGE = 2        /* XML_PARSE_HUGE: text nodes over 10 MB (a long
                                paragraph); safe because no entity gets through */
};

typedef struct sectag_xml_diag {
  char *msg;               /* the first error (level error or fatal), one line;
                              NULL when there was none */
  char *str1;              /* its first string argument (an undeclared entity's
                              name), or NULL */
  int code;                /* its libxml2 code (xmlParserErrors) */
  unsigned long line, col; /* where: 1-based, col in bytes; 0 when unknown */
  int doctype;             /* SECTAG_XML_NO_DOCTYPE was given and there is one */
  char *entity;            /* the first entity declared, or NULL */
  int pe;                  /* it is a parameter entity (<!ENTITY % ...>) */
  unsigned long eline, ecol; /* where it is declared: the first "<!ENTITY" of
                                the bytes, else where the parser stopped */
  int empty;               /* there were no bytes at all */
} sectag_xml_diag;

/* Parses src[0, len). Returns the tree when the document is well-formed and
 * none of the above stopped it; otherwise NULL, with d saying why: doctype,
 * entity, empty or msg (msg says so when len is 2 GB or more, which libxml2
 * cannot take), or none of them when libxml2 gave up without a message.
 * d is always filled: free it with sectag_xml_diag_free. */
xmlDocPtr sectag_xml_parse(const char *src, size_t len, int flags, sectag_xml_diag *d);
void sectag_xml_diag_free(sectag_xml_diag *d);

/* The byte column of a position libxml2 gives as (line, column in
 * characters) in src[0, len). Bytes that are not UTF-8 count one each. */
unsigned long sectag_xml_byte_col(const char *src, size_t len, unsigned long line,
                                  unsigned long col);

#endif
