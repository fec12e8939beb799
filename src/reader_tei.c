/* reader_tei.c: the TEI reader (.xml, TEI P5).
 *
 * What is taken:
 *  - title: teiHeader/fileDesc/titleStmt/title (the first);
 *  - date: the first <date> that parses (its @when, else its text) in
 *    profileDesc/settingDesc, then profileDesc/creation, then
 *    fileDesc/sourceDesc, then fileDesc/publicationStmt;
 *  - text: the prose of <text><body>. Each block (p, head, ab, l, item, u,
 *    a <seg> directly in a <u>, a table row...) becomes one paragraph,
 *    blocks separated by exactly one blank line; inside a block white space
 *    runs become one space and <lb/> is a line break (textbuild.h, the
 *    same rules as for HTML). Not text: note, speaker, stage, incident,
 *    kinesic, vocal, gap, pause, fw, figDesc, sic/orig/abbr inside a
 *    choice (corr/reg/expan are kept), and stand-off annotation elements
 *    (span, interp, link...);
 *  - turns: each outermost <u> and <sp> is one turn. Its label is the first
 *    token of @who without the '#' (who="#amlo #int1" -> "amlo"), else, for
 *    an <sp>, the text of its <speaker> without a trailing colon. A turn
 *    covers its own text only; text outside every u/sp (a <head>) belongs to
 *    no turn. A body without any u/sp is split at speaker labels at line
 *    starts, like a .txt file.
 *
 * The document's text is this extracted text: offsets point into it.
 *
 * Safety (sectag_xml_parse, xmlsafe.c). sectag reads files from strangers,
 * so the parser never loads a DTD, never fetches anything (XML_PARSE_NONET,
 * no DTDLOAD/DTDATTR/NOENT, the external-subset callback removed) and never
 * expands an entity: a file
 * whose DOCTYPE declares any entity (general or parameter) is refused at
 * the first <!ENTITY, before anything is expanded. This one rule covers
 * external entities (SYSTEM "file:///etc/passwd"), parameter-entity
 * tricks and "billion laughs", whatever the libxml2 version; TEI files
 * have no need for a DTD of their own. An entity that is used but not
 * declared (&nbsp; with a DOCTYPE naming an external DTD) is an error too,
 * rather than text silently lost. */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "date.h"
#include "encoding.h"
#include "error.h"
#include "reader.h"
#include "speakers.h"
#include "textbuild.h"
#include "xmlsafe.h"


/* ---------------------------------------------------------------------- */
/* Tree helpers.                                                           */


/* The first element `name` strictly below root. */
static xmlNode *S_find(xmlNode *root, const char *name) {
  if (!root) return NULL;
  for (xmlNode *n = sectag_textbuild_next(root, root, 0); n; n = sectag_textbuild_next(n, root, 0))
    if (sectag_tei_is(n, name)) return n;
  return NULL;
}

/* ---------------------------------------------------------------------- */
/* Header: title and date.                                                  */

static int S_try_date(const char *s, char iso[11]) {
  if (!s) return -1;
  size_t n = strlen(s);
  if (sectag_date_parse(s, n > 10 ? 10 : n, iso) == 0) return 0;
  return n > 10 ? sectag_date_parse(s, n, iso) : -1;
}

/* The first <date> under root (root itself may be one) whose @when, else
 * whose text, is a date. */
static int S_date_under(xmlNode *root, char iso[11]) {
  for (xmlNode *n = root; n; n = sectag_textbuild_next(n, root, 0)) {
    if (!sectag_tei_is(n, "date")) continue;
    xmlChar *when = xmlGetNoNsProp(n, (const xmlChar *)"when");
    char *c = when ? sectag_textbuild_collapse((const char *)when) : sectag_textbuild_node_text(n);
    xmlFree(when);
    int r = S_try_date(c, iso);
    free(c);
    if (r == 0) return 0;
  }
  return -1;
}

static void S_header(sectag_doc *doc, xmlNode *tei) {
  xmlNode *h = sectag_tei_child(tei, "teiHeader");
  xmlNode *file = sectag_tei_child(h, "fileDesc"), *profile = sectag_tei_child(h, "profileDesc");
  char *title = sectag_textbuild_node_text(sectag_tei_child(sectag_tei_child(file, "titleStmt"), "title"));
  if (title) sectag_doc_set_str(&doc->title, title);
  free(title);
  xmlNode *where[] = {sectag_tei_child(profile, "settingDesc"), sectag_tei_child(profile, "creation"),
                      sectag_tei_child(file, "sourceDesc"), sectag_tei_child(file, "publicationStmt")};
  char iso[11];
  for (size_t i = 0; i < sizeof where / sizeof *where; i++) {
    if (!where[i]) continue;
    int found;
    if (i == 3) { /* publicationStmt/date only, not a date deeper inside */
      found = -1;
      for (xmlNode *c = where[i]->children; c && found != 0; c = c->next)
        if (sectag_tei_is(c, "date")) found = S_date_under(c, iso);
    } else {
      found = S_date_under(where[i], iso);
    }
    if (found == 0) {
      sectag_doc_set_str(&doc->date, iso);
      return;
    }
  }
}

/* ---------------------------------------------------------------------- */
/* Body: text and turns.                                                    */

enum { S_DROP = 1, S_BLOCK = 2, S_CELL = 4, S_BR = 8, S_TURN = 16 };

static const char *const S_drop[] = {
    "note", "speaker", "stage", "incident", "kinesic", "vocal", "gap", "pause", "fw",
    "figDesc", "teiHeader", "span", "spanGrp", "interp", "interpGrp", "link", "linkGrp",
    "join", "joinGrp", "alt", "altGrp", "standOff", NULL};

static const char *const S_blocks[] = {
    "p", "head", "ab", "l", "lg", "item", "list", "div", "div1", "div2", "div3",
    "div4", "div5", "div6", "div7", "body", "front", "back", "table", "row", "trailer",
    "byline", "dateline", "opener", "closer", "salute", "signed", "epigraph", "argument",
    "postscript", "figure", "castList", "castItem", "listBibl", "floatingText",
    "u", "sp", NULL};

static int S_in(const xmlNode *n, const char *const *names) {
  for (; *names; names++)
    if (sectag_tei_is(n, *names)) return 1;
  return 0;
}

static unsigned S_flags(const xmlNode *n) {
  if (n->type != XML_ELEMENT_NODE) return 0;
  if (S_in(n, S_drop)) return S_DROP;
  if (sectag_tei_is(n->parent, "choice") && (sectag_tei_is(n, "sic") || sectag_tei_is(n, "orig") || sectag_tei_is(n, "abbr")))
    return S_DROP;
  if (sectag_tei_is(n, "u") || sectag_tei_is(n, "sp")) return S_BLOCK | S_TURN;
  if (S_in(n, S_blocks)) return S_BLOCK;
  if (sectag_tei_is(n, "seg") && sectag_tei_is(n->parent, "u")) return S_BLOCK;
  if (sectag_tei_is(n, "cell")) return S_CELL;
  if (sectag_tei_is(n, "lb")) return S_BR;
  return 0;
}

typedef struct {
  size_t start, end;
  char *label; /* owned; NULL: the unknown speaker */
} S_turn;

typedef struct {
  S_turn *v;
  size_t n, cap;
  size_t nelems; /* u and sp elements seen, with text or not */
} S_turns;

/* The label of a turn element: the first token of @who without its
 * '#' (the part after the last '#', so "people.xml#amlo" is "amlo"), else
 * the <speaker> of an <sp>, without a trailing colon. Owned, or NULL. */
static char *S_label(xmlNode *n) {
  xmlChar *who = xmlGetNoNsProp(n, (const xmlChar *)"who");
  char *c = who ? sectag_textbuild_collapse((const char *)who) : NULL;
  xmlFree(who);
  if (c) {
    char *sp = strchr(c, ' ');
    if (sp) *sp = '\0';
    char *hash = strrchr(c, '#');
    if (hash) memmove(c, hash + 1, strlen(hash + 1) + 1);
    if (*c) return c;
    free(c);
    c = NULL;
  }
  if (!sectag_tei_is(n, "sp")) return NULL;
  c = sectag_textbuild_node_text(sectag_tei_child(n, "speaker"));
  if (!c) return NULL;
  size_t k = strlen(c);
  while (k > 0 && (c[k - 1] == ':' || c[k - 1] == ' ')) c[--k] = '\0';
  if (k == 0) {
    free(c);
    return NULL;
  }
  return c;
}

static void S_walk(sectag_textbuild *t, S_turns *turns, xmlNode *root) {
  xmlNode *turn = NULL; /* the open u/sp (the outermost one) */
  char *label = NULL;
  xmlNode *n = root;
  while (n) {
    unsigned f = S_flags(n);
    int descend = 0;
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      if (n->content)
        sectag_textbuild_chars(t, (const char *)n->content, (size_t)xmlStrlen(n->content), 0);
    } else if (n->type == XML_ELEMENT_NODE && !(f & S_DROP)) {
      if (f & S_BLOCK) sectag_textbuild_block(t);
      if (f & S_BR) sectag_textbuild_br(t);
      if (f & S_CELL) sectag_textbuild_cell(t);
      if ((f & S_TURN) && !turn) {
        turn = n;
        label = S_label(n);
        t->want_mark = 1;
        turns->nelems++;
      }
      descend = 1;
    }
    if (descend && n->children) {
      n = n->children;
      continue;
    }
    while (n) {
      f = S_flags(n);
      if ((f & S_BLOCK) && !(f & S_DROP)) sectag_textbuild_block(t);
      if (n == turn) {
        if (!t->want_mark) { /* the turn has text */
          if (turns->n == turns->cap) {
            turns->cap = turns->cap ? 2 * turns->cap : 16;
            turns->v = sectag_xrealloc(turns->v, turns->cap * sizeof *turns->v);
          }
          turns->v[turns->n++] = (S_turn){t->mark, t->out.len, label};
        } else {
          free(label);
        }
        label = NULL;
        turn = NULL;
        t->want_mark = 0;
      }
      if (n == root) {
        free(label);
        return;
      }
      if (n->next) {
        n = n->next;
        break;
      }
      n = n->parent;
    }
  }
  free(label);
}

/* Parses src; returns the tree, or NULL with err. */
static xmlDocPtr S_read(const char *where, const char *src, size_t len, sectag_error *err) {
  sectag_xml_diag d;
  xmlDocPtr xdoc = sectag_xml_parse(src, len, 0, &d);
  if (xdoc) {
    sectag_xml_diag_free(&d);
    return xdoc;
  }
  if (d.entity) {
    sectag_error_set(err, SECTAG_ERR_INPUT, where, d.eline, d.ecol,
                     "the XML declares entities in a DTD (<!ENTITY %s%s ...>); sectag never "
                     "expands or fetches entities: remove the DOCTYPE and write the "
                     "characters themselves",
                     d.pe ? "% " : "", d.entity);
  } else if (d.msg && (d.code == XML_ERR_UNDECLARED_ENTITY ||
                       d.code == XML_WAR_UNDECLARED_ENTITY)) {
    sectag_error_set(err, SECTAG_ERR_INPUT, where, d.line, d.col,
                     "the XML uses the entity &%s; but does not declare it; sectag loads no "
                     "DTD: write the character itself or a character reference (&#160;)",
                     d.str1 ? d.str1 : "?");
  } else if (d.msg && d.code == XML_ERR_INVALID_CHAR && strstr(d.msg, "UTF-8")) {
    sectag_error_set(err, SECTAG_ERR_INPUT, where, d.line, d.col,
                     "the file is not valid UTF-8 and its XML declaration names no other "
                     "encoding; add encoding=\"...\" to <?xml ...?> (e.g. ISO-8859-1) or "
                     "convert it to UTF-8");
  } else if (d.msg || d.empty) {
    sectag_error_set(err, SECTAG_ERR_INPUT, where, d.line, d.col,
                     "the file is not well-formed XML: %s; fix it (xmllint --noout lists "
                     "every error) or convert it",
                     d.msg ? d.msg : "Document is empty");
  } else {
    sectag_error_set(err, SECTAG_ERR_INPUT, where, 0, 0,
                     "the file could not be parsed as XML; check it with xmllint --noout");
  }
  sectag_xml_diag_free(&d);
  return NULL;
}

/* ---------------------------------------------------------------------- */

static int S_parse(sectag_doc *doc, const char *src, size_t len, const sectag_read_ctx *ctx,
                   sectag_error *err) {
  const char *where = doc->path ? doc->path : doc->doc_id;
  doc->format = "tei";
  if (sectag_reader_check_size(where, len, err) != 0) return -1;
  xmlDocPtr xdoc = S_read(where, src, len, err);
  if (!xdoc) return -1;

  xmlNode *root = xmlDocGetRootElement(xdoc);
  xmlNode *tei = NULL;
  if (sectag_tei_is(root, "TEI")) {
    tei = root;
  } else if (sectag_tei_is(root, "teiCorpus")) {
    size_t more = 0;
    for (xmlNode *n = sectag_textbuild_next(root, root, 0); n;
         n = sectag_textbuild_next(n, root, sectag_tei_is(n, "TEI")))
      if (sectag_tei_is(n, "TEI")) {
        if (!tei)
          tei = n;
        else
          more++;
      }
    if (more)
      sectag_doc_warn(doc, (size_t)-1,
                      "the teiCorpus holds %zu TEI documents; sectag read only the first "
                      "(split the corpus into one file per <TEI> to code them all)",
                      more + 1);
  }
  if (!tei) {
    sectag_buf name = SECTAG_BUF_INIT;
    if (root && root->ns && root->ns->href)
      sectag_buf_printf(&name, "<%s xmlns=\"%s\">", (const char *)root->name,
                        (const char *)root->ns->href);
    else
      sectag_buf_printf(&name, "<%s>", root ? (const char *)root->name : "");
    sectag_error_set(err, SECTAG_ERR_INPUT, where, root ? (unsigned long)xmlGetLineNo(root) : 0, 0,
                     "not a TEI document (root element %s); sectag reads TEI P5 files with a "
                     "<text><body>",
                     sectag_buf_cstr(&name));
    sectag_buf_free(&name);
    xmlFreeDoc(xdoc);
    return -1;
  }
  xmlNode *text = sectag_tei_child(tei, "text");
  xmlNode *body = sectag_tei_child(text, "body");
  if (!body) body = S_find(text, "body"); /* <text><group><text><body> */
  if (!body) {
    sectag_error_set(err, SECTAG_ERR_INPUT, where, (unsigned long)xmlGetLineNo(tei), 0,
                     "the TEI document has no <text><body>; sectag reads TEI P5 files with a "
                     "<text><body>");
    xmlFreeDoc(xdoc);
    return -1;
  }

  S_header(doc, tei);
  sectag_textbuild t = SECTAG_TEXTBUILD_INIT;
  S_turns turns = {NULL, 0, 0, 0};
  S_walk(&t, &turns, body);
  xmlFreeDoc(xdoc);

  int rc = sectag_doc_set_text(doc, t.out.ptr ? t.out.ptr : "", t.out.len, err);
  sectag_buf_free(&t.out);
  if (rc == 0 && ctx && ctx->speakers) {
    if (turns.nelems == 0) {
      sectag_reader_split_turns(doc, 0, ctx);
    } else {
      for (size_t i = 0; i < turns.n; i++) {
        const char *l = turns.v[i].label;
        uint32_t sp = sectag_speakers_intern(ctx->speakers, doc, l, l ? strlen(l) : 0);
        sectag_doc_add_turn(doc, turns.v[i].start, turns.v[i].end, sp);
      }
    }
  }
  for (size_t i = 0; i < turns.n; i++) free(turns.v[i].label);
  free(turns.v);
  return rc == 0 ? 0 : -1;
}

static const char *const S_extensions[] = {".xml", NULL};

const sectag_reader sectag_reader_tei = {"tei", S_extensions, S_parse};
