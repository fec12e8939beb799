/* reader_html.c: the HTML reader (.html, .htm, .xhtml).
 *
 * libxml2's HTML parser builds a tree from whatever the page holds (unclosed
 * <p>, stray end tags, no <html>), and this file keeps the prose of it:
 *
 *  - Where: the first <main> (or role="main"), else the first <article>,
 *    else <body>. Navigation and page furniture are dropped wherever they
 *    are (script, style, nav, header, footer, form, aside, ...), and so is
 *    anything hidden (hidden, aria-hidden="true", style="display:none").
 *  - Shape: each block (p, h1-h6, li, blockquote, pre, dd/dt, a table row,
 *    text loose in a div/section/article) becomes one paragraph of the text,
 *    blocks separated by exactly one blank line. Inside a block, inline
 *    elements are concatenated, white space runs become one space, <br> is a
 *    line break, and table cells are joined by " | " (textbuild.h, shared
 *    with the TEI reader).
 *  - Speaker turns: a paragraph "<p><strong>INTERLOCUTORA:</strong> ..."
 *    becomes the plain line "INTERLOCUTORA: ...", which the label pattern
 *    finds (sectag_reader_split_turns).
 *
 * The document's text is this extracted text, so every offset sectag reports
 * for an HTML file is an offset into it, not into the HTML source.
 *
 * Encoding: a page that declares its charset (meta charset, http-equiv, an
 * XML declaration, a BOM) is decoded by libxml2 as declared. A page that
 * declares none must be UTF-8; invalid UTF-8 is then an error with its line
 * and column, as for a .txt file. */
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "date.h"
#include "encoding.h"
#include "error.h"
#include "reader.h"
#include "textbuild.h"
#include "xmlsafe.h"

/* ---------------------------------------------------------------------- */
/* Which elements are prose.                                               */

enum { S_DROP = 1, S_BLOCK = 2, S_CELL = 4, S_BR = 8, S_PRE = 16 };

typedef struct {
  const char *name;
  unsigned flags;
} S_elem;

/* Elements by name (libxml2's HTML parser lower-cases names). Anything not
 * here is inline: its text joins the block around it. */
static const S_elem S_elems[] = {
    /* page furniture and non-prose, dropped with everything inside */
    {"script", S_DROP}, {"style", S_DROP}, {"noscript", S_DROP},
    {"nav", S_DROP | S_BLOCK}, {"header", S_DROP | S_BLOCK}, {"footer", S_DROP | S_BLOCK},
    {"form", S_DROP | S_BLOCK}, {"aside", S_DROP | S_BLOCK}, {"button", S_DROP},
    {"select", S_DROP}, {"template", S_DROP}, {"svg", S_DROP}, {"iframe", S_DROP},
    {"head", S_DROP | S_BLOCK}, {"title", S_DROP}, {"textarea", S_DROP}, {"object", S_DROP},
    {"embed", S_DROP}, {"canvas", S_DROP}, {"audio", S_DROP}, {"video", S_DROP},
    {"math", S_DROP}, {"map", S_DROP}, {"datalist", S_DROP}, {"dialog", S_DROP | S_BLOCK},
    /* blocks */
    {"p", S_BLOCK}, {"h1", S_BLOCK}, {"h2", S_BLOCK}, {"h3", S_BLOCK}, {"h4", S_BLOCK},
    {"h5", S_BLOCK}, {"h6", S_BLOCK}, {"li", S_BLOCK}, {"blockquote", S_BLOCK},
    {"pre", S_BLOCK | S_PRE}, {"listing", S_BLOCK | S_PRE}, {"dd", S_BLOCK}, {"dt", S_BLOCK},
    {"dl", S_BLOCK}, {"ul", S_BLOCK}, {"ol", S_BLOCK}, {"menu", S_BLOCK}, {"dir", S_BLOCK},
    {"div", S_BLOCK}, {"article", S_BLOCK}, {"section", S_BLOCK}, {"main", S_BLOCK},
    {"body", S_BLOCK}, {"html", S_BLOCK}, {"address", S_BLOCK}, {"center", S_BLOCK},
    {"details", S_BLOCK}, {"summary", S_BLOCK}, {"fieldset", S_BLOCK}, {"legend", S_BLOCK},
    {"figure", S_BLOCK}, {"figcaption", S_BLOCK}, {"hgroup", S_BLOCK}, {"hr", S_BLOCK},
    {"table", S_BLOCK}, {"caption", S_BLOCK}, {"thead", S_BLOCK}, {"tbody", S_BLOCK},
    {"tfoot", S_BLOCK}, {"tr", S_BLOCK}, {"td", S_CELL}, {"th", S_CELL}, {"br", S_BR},
};

/* ARIA roles of page furniture. */
static const char *const S_drop_roles[] = {"navigation", "banner", "contentinfo", "complementary",
                                           "search", "dialog", "alertdialog", NULL};

static int S_name_is(const xmlNode *n, const char *name) {
  return n->type == XML_ELEMENT_NODE && xmlStrcasecmp(n->name, (const xmlChar *)name) == 0;
}

/* Whether attribute attr of n equals one of vals (trimmed, any case). */
static int S_attr_in(const xmlNode *n, const char *attr, const char *const *vals) {
  xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)attr);
  if (!v) return 0;
  char *c = sectag_textbuild_collapse((const char *)v);
  int hit = 0;
  for (; c && *vals && !hit; vals++) hit = xmlStrcasecmp((xmlChar *)c, (const xmlChar *)*vals) == 0;
  free(c);
  xmlFree(v);
  return hit;
}

/* Whether a style attribute hides the element (display:none). */
static int S_style_hidden(const xmlNode *n) {
  xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)"style");
  if (!v) return 0;
  char squeezed[256];
  size_t k = 0;
  for (const xmlChar *p = v; *p && k + 1 < sizeof squeezed; p++)
    if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
      squeezed[k++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
  squeezed[k] = '\0';
  xmlFree(v);
  return strstr(squeezed, "display:none") != NULL;
}

static unsigned S_flags(const xmlNode *n) {
  if (n->type != XML_ELEMENT_NODE) return 0;
  unsigned f = 0;
  for (size_t i = 0; i < sizeof S_elems / sizeof *S_elems; i++)
    if (xmlStrcasecmp(n->name, (const xmlChar *)S_elems[i].name) == 0) {
      f = S_elems[i].flags;
      break;
    }
  if (f & S_DROP) return f;
  static const char *const yes[] = {"true", NULL};
  if (xmlHasProp(n, (const xmlChar *)"hidden") || S_attr_in(n, "aria-hidden", yes) ||
      S_attr_in(n, "role", S_drop_roles) || S_style_hidden(n))
    f |= S_DROP;
  return f;
}

/* Appends the prose of the subtree at root to t. The walk is iterative
 * (parent/next pointers), so a page of a million nested <div>s cannot
 * overflow the stack. */
static void S_walk(sectag_textbuild *t, xmlNode *root) {
  int pre = 0; /* depth of <pre> elements around the current node */
  xmlNode *n = root;
  while (n) {
    unsigned f = S_flags(n);
    int descend = 0;
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      if (n->content)
        sectag_textbuild_chars(t, (const char *)n->content, (size_t)xmlStrlen(n->content),
                               pre > 0);
    } else if (n->type == XML_ELEMENT_NODE) {
      if (f & S_BLOCK) sectag_textbuild_block(t);
      if (!(f & S_DROP)) {
        if (f & S_BR) sectag_textbuild_br(t);
        if (f & S_CELL) sectag_textbuild_cell(t);
        if (f & S_PRE) pre++;
        descend = 1;
      }
    }
    if (descend && n->children) {
      n = n->children;
      continue;
    }
    while (n) { /* leave n, then go to the next node */
      f = S_flags(n);
      if (f & S_BLOCK) sectag_textbuild_block(t);
      if ((f & S_PRE) && !(f & S_DROP)) pre--;
      if (n == root) return;
      if (n->next) {
        n = n->next;
        break;
      }
      n = n->parent;
    }
  }
}

/* The first element named name under root (root included), not looking
 * inside dropped elements when skip_dropped is set. */
static xmlNode *S_find(xmlNode *root, const char *name, int skip_dropped) {
  for (xmlNode *n = root; n;) {
    if (S_name_is(n, name)) return n;
    n = sectag_textbuild_next(n, root, skip_dropped && (S_flags(n) & S_DROP));
  }
  return NULL;
}

/* The main content: the first <main> or role="main", else the first
 * <article>, outside dropped elements. NULL when there is neither. */
static xmlNode *S_find_main(xmlNode *root) {
  static const char *const main_role[] = {"main", NULL};
  xmlNode *article = NULL;
  for (xmlNode *n = root; n;) {
    unsigned f = S_flags(n);
    if (n->type == XML_ELEMENT_NODE && !(f & S_DROP)) {
      if (S_name_is(n, "main") || S_attr_in(n, "role", main_role)) return n;
      if (!article && S_name_is(n, "article")) article = n;
    }
    n = sectag_textbuild_next(n, root, (f & S_DROP) != 0);
  }
  return article;
}

/* ---------------------------------------------------------------------- */
/* Title and date.                                                          */

/* The page's <title> (not an <svg>'s), else the first <h1> of the main
 * content, else the first <h1> of the page. */
static char *S_title(xmlNode *root, xmlNode *content) {
  xmlNode *n = root;
  while (n && !S_name_is(n, "title"))
    n = sectag_textbuild_next(n, root, S_name_is(n, "svg") || S_name_is(n, "math"));
  char *c = sectag_textbuild_node_text(n);
  if (!c && content) c = sectag_textbuild_node_text(S_find(content, "h1", 1));
  if (!c) c = sectag_textbuild_node_text(S_find(root, "h1", 0));
  return c;
}

/* Tries s as a date: its first 10 characters (2020-06-15T10:00:00Z), then
 * the whole value (June 15, 2020). */
static int S_try_date(const xmlChar *s, char iso[11]) {
  if (!s) return -1;
  char *c = sectag_textbuild_collapse((const char *)s);
  int r = -1;
  if (c) {
    size_t n = strlen(c);
    r = sectag_date_parse(c, n > 10 ? 10 : n, iso);
    if (r != 0 && n > 10) r = sectag_date_parse(c, n, iso);
  }
  free(c);
  return r;
}

/* A date from <meta name|property="date" ... content=...>, else from the
 * first <time> that parses (its datetime, else its text). */
static int S_date(xmlNode *root, char iso[11]) {
  static const char *const names[] = {"date", "dcterms.date", "dc.date", "dc.date.issued",
                                      "dcterms.issued", "dcterms.created",
                                      "article:published_time", "pubdate",
                                      "citation_publication_date", "citation_date", NULL};
  for (xmlNode *n = root; n; n = sectag_textbuild_next(n, root, 0)) {
    if (!S_name_is(n, "meta")) continue;
    if (!S_attr_in(n, "name", names) && !S_attr_in(n, "property", names)) continue;
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)"content");
    int r = S_try_date(v, iso);
    xmlFree(v);
    if (r == 0) return 0;
  }
  for (xmlNode *n = root; n; n = sectag_textbuild_next(n, root, 0)) {
    if (!S_name_is(n, "time")) continue;
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)"datetime");
    if (!v) v = xmlNodeGetContent(n); /* <time>15 de junio de 2020</time> */
    int r = S_try_date(v, iso);
    xmlFree(v);
    if (r == 0) return 0;
  }
  return -1;
}

/* ---------------------------------------------------------------------- */
/* Encoding.                                                                */

static const char *S_memcasemem(const char *h, size_t hn, const char *needle) {
  size_t nn = strlen(needle);
  for (size_t i = 0; i + nn <= hn; i++) {
    size_t k = 0;
    while (k < nn) {
      char c = h[i + k];
      if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
      if (c != needle[k]) break;
      k++;
    }
    if (k == nn) return h + i;
  }
  return NULL;
}

/* Whether the page says what its encoding is: a BOM, or "charset" (meta
 * charset, http-equiv Content-Type) or an XML declaration's encoding before
 * <body> (looking at most at the first 64 KiB). libxml2 then follows it. */
static int S_declares_charset(const char *s, size_t len) {
  const unsigned char *u = (const unsigned char *)s;
  if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) return 1;
  if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) return 1;
  size_t n = len < 65536 ? len : 65536;
  const char *body = S_memcasemem(s, n, "<body");
  if (body) n = (size_t)(body - s);
  if (S_memcasemem(s, n, "charset")) return 1;
  const char *xml = S_memcasemem(s, n, "<?xml");
  if (xml) {
    const char *end = S_memcasemem(xml, n - (size_t)(xml - s), "?>");
    if (end && S_memcasemem(xml, (size_t)(end - xml), "encoding")) return 1;
  }
  return 0;
}

/* What the parse reported. libxml2 reports HTML errors to a structured
 * handler even with HTML_PARSE_NOERROR, and a few (encoding conversion) go
 * to the generic handler, which prints; this handler, installed for the
 * parse, keeps the library silent and keeps the two errors that matter. */
typedef struct {
  int bad_utf8;       /* "Input is not proper UTF-8": libxml2 then reads the
                         rest of the page as Latin-1, silently */
  char *unknown_enc;  /* a declared charset libxml2 does not know (owned) */
} S_state;

static void S_on_error(void *data, sectag_xml_error e) {
  S_state *st = data;
  if (!e) return;
  if (e->code == XML_ERR_INVALID_ENCODING) st->bad_utf8 = 1;
  if (e->code == XML_ERR_UNSUPPORTED_ENCODING && !st->unknown_enc)
    st->unknown_enc = sectag_xstrdup(e->str1 ? e->str1 : "?");
}

/* Without XML_PARSE_HUGE, libxml2's HTML parser silently stops at 256
 * open elements and the rest of the page is lost; old pages with hundreds
 * of unclosed <font> tags get there. HTML has no entities to expand, the
 * document size is capped by SECTAG_MAX_DOC_BYTES, and the walks here and
 * in libxml2 (xmlFreeDoc, xmlNodeGetContent) are iterative, so lifting the
 * limit is safe. */
#define S_NO_DEPTH_LIMIT XML_PARSE_HUGE

/* ---------------------------------------------------------------------- */

static int S_parse(sectag_doc *doc, const char *src, size_t len, const sectag_read_ctx *ctx,
                   sectag_error *err) {
  const char *where = doc->path ? doc->path : doc->doc_id;
  doc->format = "html";
  if (sectag_reader_check_size(where, len, err) != 0) return -1;
  const char *encoding = NULL;
  int declared = S_declares_charset(src, len);
  char *converted = NULL; /* a page that declares no charset, in --encoding */
  if (!declared) {
    encoding = "UTF-8";
    const char *enc = ctx ? ctx->encoding : NULL;
    if (enc && strcasecmp(enc, "utf-8") != 0 && strcasecmp(enc, "utf8") != 0) {
      size_t n;
      converted = sectag_to_utf8(enc, src, len, &n, where, err);
      if (!converted) return -1;
      src = converted;
      len = n;
    }
  }

  S_state st = {0, NULL};
  xmlStructuredErrorFunc old_handler = xmlStructuredError;
  void *old_data = xmlStructuredErrorContext;
  xmlSetStructuredErrorFunc(&st, S_on_error);
  htmlDocPtr hdoc = NULL;
  size_t bad = declared ? (size_t)-1 : sectag_utf8_invalid_at(src, len);
  if (bad == (size_t)-1 && len > 0) {
    hdoc = htmlReadMemory(src, (int)len, NULL, encoding,
                          HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                              HTML_PARSE_NONET | S_NO_DEPTH_LIMIT);
    if (st.bad_utf8) bad = sectag_utf8_invalid_at(src, len);
  }
  xmlSetStructuredErrorFunc(old_data, old_handler);
  if (bad != (size_t)-1) {
    /* No charset declared and not UTF-8, or declared as UTF-8 (or as a
     * charset libxml2 does not know) and not UTF-8. */
    unsigned long line, col;
    sectag_line_col(src, bad, &line, &col);
    sectag_error_set(err, SECTAG_ERR_INPUT, where, line, col,
                     "the page is not valid UTF-8 (byte 0x%02X) and declares no other charset "
                     "that sectag knows; run again with --encoding (e.g. --encoding cp1252), "
                     "or name its encoding with <meta charset=\"...\">",
                     (unsigned)(unsigned char)src[bad]);
    free(st.unknown_enc);
    free(converted);
    if (hdoc) xmlFreeDoc(hdoc);
    return -1;
  }
  if (st.unknown_enc)
    sectag_doc_warn(doc, (size_t)-1,
                    "the page declares a charset sectag does not know (%s); it was read as "
                    "UTF-8",
                    st.unknown_enc);
  free(st.unknown_enc);

  sectag_textbuild t = SECTAG_TEXTBUILD_INIT;
  xmlNode *root = hdoc ? xmlDocGetRootElement(hdoc) : NULL;
  xmlNode *content = NULL;
  if (root) {
    content = S_find_main(root);
    if (content) S_walk(&t, content);
    if (t.out.len == 0) { /* no <main>/<article>, or an empty one */
      sectag_textbuild_block(&t);
      t.sep = 0;
      xmlNode *body = S_find(root, "body", 0);
      S_walk(&t, body ? body : root);
    }
    char *title = S_title(root, content);
    if (title) sectag_doc_set_str(&doc->title, title);
    free(title);
    char iso[11];
    if (S_date(root, iso) == 0) sectag_doc_set_str(&doc->date, iso);
  }
  if (hdoc) xmlFreeDoc(hdoc);
  free(converted);

  int rc = sectag_doc_set_text(doc, t.out.ptr ? t.out.ptr : "", t.out.len, err);
  sectag_buf_free(&t.out);
  if (rc != 0) return -1;
  if (ctx && ctx->speakers) sectag_reader_split_turns(doc, 0, ctx);
  return 0;
}

static const char *const S_extensions[] = {".html", ".htm", ".xhtml", NULL};

const sectag_reader sectag_reader_html = {"html", S_extensions, S_parse};
