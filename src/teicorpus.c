/* teicorpus.c: one TEI teiCorpus from an OUTDIR of `sectag code` (see
 * teicorpus.h).
 *
 *   documents.csv ──▶ the documents in order, their text ids, the groups
 *   tei/DOC_ID.xml ─▶ S_parse (libxml2 tree, errors with line and column)
 *                  ─▶ S_check_taxonomy: the codebook taxonomy, the same in
 *                     every file (the corpus header carries it once)
 *                  ─▶ S_prefix_ids: xml:id X becomes ID.X, and pointers to
 *                     X (ana, target, from, to, who...) #ID.X
 *                  ─▶ S_words (--words): sectag_tei_doc_load (kwic.c)
 *                     rebuilds the text, sectag_doc_tokenize gives tokens
 *                     and shadow forms; text nodes are split into <w>
 *                  ─▶ xmlNodeDumpOutput into the corpus (and the split
 *                     file), then the tree is freed
 *
 * Why a tree per document rather than a reader/writer stream: a document
 * is small next to a corpus, and the id rewrite needs every id of the
 * document before the first pointer is written. Memory is bounded by the
 * largest document (twice, with --words: the tree and the rebuilt text).
 *
 * Why the id prefix is the text id and a '.': text ids never contain a
 * '.', so ID.X is split at its first '.' back into ID and X, which makes
 * the prefixed ids of different documents distinct; text ids are also kept
 * apart from the first part of every category id of the corpus header. */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <utf8proc.h>

#include "buf.h"
#include "csvread.h"
#include "document.h"
#include "error.h"
#include "kwic.h"
#include "output.h"
#include "render.h"
#include "speakers.h"
#include "teicorpus.h"
#include "textbuild.h"

#define XML_NS ((const xmlChar *)"http://www.w3.org/XML/1998/namespace")

/* ====================================================================== */
/* Small helpers                                                           */

static void S_report(const sectag_teicorpus_options *opt, const sectag_error *e) {
  if (opt->report) opt->report(opt->userdata, e);
}

/* A set of strings (open addressing), for the text ids in use. */
typedef struct {
  char **slot;
  size_t cap, n;
} S_set;

static int S_set_has(const S_set *s, const char *k) {
  if (!s->cap) return 0;
  size_t i = (size_t)sectag_hash(k, strlen(k)) & (s->cap - 1);
  while (s->slot[i]) {
    if (strcmp(s->slot[i], k) == 0) return 1;
    i = (i + 1) & (s->cap - 1);
  }
  return 0;
}

static void S_set_add(S_set *s, const char *k) {
  if (S_set_has(s, k)) return;
  if (2 * (s->n + 1) > s->cap) {
    S_set old = *s;
    s->cap = s->cap ? 2 * s->cap : 64;
    s->slot = sectag_xcalloc(s->cap, sizeof *s->slot);
    s->n = 0;
    for (size_t i = 0; i < old.cap; i++)
      if (old.slot[i]) {
        size_t j = (size_t)sectag_hash(old.slot[i], strlen(old.slot[i])) & (s->cap - 1);
        while (s->slot[j]) j = (j + 1) & (s->cap - 1);
        s->slot[j] = old.slot[i];
        s->n++;
      }
    free(old.slot);
  }
  size_t i = (size_t)sectag_hash(k, strlen(k)) & (s->cap - 1);
  while (s->slot[i]) i = (i + 1) & (s->cap - 1);
  s->slot[i] = sectag_xstrdup(k);
  s->n++;
}

static void S_set_free(S_set *s) {
  for (size_t i = 0; i < s->cap; i++) free(s->slot[i]);
  free(s->slot);
  memset(s, 0, sizeof *s);
}

/* ====================================================================== */
/* Text ids                                                                */

char *sectag_teicorpus_text_id(const char *doc_id) {
  /* accents off (é -> e, ñ -> n), then ASCII letters, digits, '-', '_' */
  utf8proc_uint8_t *plain = NULL;
  utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)doc_id, 0, &plain,
                                    UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_DECOMPOSE |
                                        UTF8PROC_STRIPMARK | UTF8PROC_COMPAT);
  const char *s = n >= 0 ? (const char *)plain : doc_id;
  sectag_buf b = SECTAG_BUF_INIT;
  for (const unsigned char *p = (const unsigned char *)s; *p;) {
    unsigned char c = *p;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
        c == '-') {
      sectag_buf_putc(&b, c);
      p++;
      continue;
    }
    /* one '-' for the whole character, and none after another */
    if (!b.len || b.ptr[b.len - 1] != '-') sectag_buf_putc(&b, '-');
    p++;
    while ((*p & 0xC0) == 0x80) p++;
  }
  free(plain);
  if (!b.len || (b.ptr[0] >= '0' && b.ptr[0] <= '9') || b.ptr[0] == '-') {
    sectag_buf t = SECTAG_BUF_INIT;
    sectag_buf_puts(&t, b.len && b.ptr[0] != '-' ? "doc-" : "doc");
    if (b.len) sectag_buf_put(&t, b.ptr, b.len);
    sectag_buf_free(&b);
    return sectag_buf_detach(&t);
  }
  return sectag_buf_detach(&b);
}

/* The text id of a document, unique in `used` (which it joins). */
static char *S_unique_id(const char *doc_id, S_set *used) {
  char *id = sectag_teicorpus_text_id(doc_id);
  if (S_set_has(used, id)) {
    sectag_buf b = SECTAG_BUF_INIT;
    for (unsigned long k = 2;; k++) {
      sectag_buf_clear(&b);
      sectag_buf_printf(&b, "%s-%lu", id, k);
      if (!S_set_has(used, b.ptr)) break;
    }
    free(id);
    id = sectag_buf_detach(&b);
  }
  S_set_add(used, id);
  return id;
}

/* ====================================================================== */
/* Parsing                                                                 */

/* Parses a TEI file as kwic.c does (no network, no DTD, no entities, CDATA
 * as text, blank text kept), so that its text nodes are those
 * sectag_tei_doc_load reads. */
static xmlDocPtr S_parse(const char *path, sectag_error *err) {
  xmlDocPtr x = sectag_tei_parse_file(path, err);
  if (!x) err->code = SECTAG_ERR_INPUT; /* a file that cannot be read too */
  return x;
}

/* ====================================================================== */
/* One document                                                            */

/* The taxonomies of classDecl: the codebook's (no xml:id) and the
 * groups' (xml:id sectag-groups). */
static void S_taxonomies(xmlNode *enc, xmlNode **codebook, xmlNode **groups) {
  *codebook = *groups = NULL;
  xmlNode *cd = sectag_tei_child(enc, "classDecl");
  for (xmlNode *t = cd ? cd->children : NULL; t; t = t->next) {
    if (!sectag_tei_is(t, "taxonomy")) continue;
    char *id = sectag_tei_xml_id(t);
    if (id && strcmp(id, "sectag-groups") == 0) {
      if (!*groups) *groups = t;
    } else if (!*codebook) {
      *codebook = t;
    }
    free(id);
  }
}

/* Serialized node (owned), to compare taxonomies. */
static char *S_dump(xmlDocPtr doc, xmlNode *n) {
  xmlBufferPtr b = xmlBufferCreate();
  if (!b) return sectag_xstrdup("");
  xmlNodeDump(b, doc, n, 0, 0);
  char *s = sectag_xstrndup((const char *)xmlBufferContent(b), (size_t)xmlBufferLength(b));
  xmlBufferFree(b);
  return s;
}

static int S_cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Pointer attributes whose "#X" may name an xml:id of the document. */
static const char *const S_pointer_attrs[] = {"ana",  "target", "from",   "to",   "who",
                                              "corresp", "sameAs", "ref",  "synch", "prev",
                                              "next", "scheme", "source", "spanTo", NULL};

typedef struct {
  char **ids; /* the document's own xml:ids, sorted */
  size_t nids, cap;
  const char *prefix;
  sectag_buf tmp;
} S_ids;

static int S_is_local(const S_ids *s, const char *id, size_t len) {
  char *k = sectag_xstrndup(id, len);
  int found = bsearch(&k, s->ids, s->nids, sizeof *s->ids, S_cmp_str) != NULL;
  free(k);
  return found;
}

/* The next element after n in document order under root, skipping the
 * subtree `skip` (the encodingDesc, whose ids are the corpus's). */
static xmlNode *S_next_elem(xmlNode *n, const xmlNode *root, const xmlNode *skip) {
  int down = n != skip;
  for (;;) {
    n = sectag_textbuild_next(n, root, !down);
    down = 1;
    if (!n) return NULL;
    if (n == skip) {
      down = 0;
      continue;
    }
    if (n->type == XML_ELEMENT_NODE) return n;
  }
}

static void S_collect_ids(S_ids *s, xmlNode *root, const xmlNode *skip) {
  for (xmlNode *n = root; n; n = S_next_elem(n, root, skip)) {
    char *id = sectag_tei_xml_id(n);
    if (!id) continue;
    if (s->nids == s->cap) {
      s->cap = s->cap ? 2 * s->cap : 64;
      s->ids = sectag_xrealloc(s->ids, s->cap * sizeof *s->ids);
    }
    s->ids[s->nids++] = id;
  }
  sectag_sort(s->ids, s->nids, sizeof *s->ids, S_cmp_str);
}

/* Rewrites every xml:id X of the document as PREFIX.X and each pointer
 * "#X" to one of them as "#PREFIX.X". */
static void S_prefix_ids(S_ids *s, xmlNode *root, const xmlNode *skip) {
  for (xmlNode *n = root; n; n = S_next_elem(n, root, skip)) {
    for (xmlAttr *a = n->properties; a; a = a->next) {
      int is_id = a->ns && xmlStrEqual(a->ns->href, XML_NS) && xmlStrEqual(a->name, BAD_CAST "id");
      int is_ptr = 0;
      for (size_t k = 0; !a->ns && S_pointer_attrs[k]; k++)
        if (xmlStrEqual(a->name, BAD_CAST S_pointer_attrs[k])) is_ptr = 1;
      if (!is_id && !is_ptr) continue;
      xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
      if (!v) continue;
      sectag_buf *t = &s->tmp;
      sectag_buf_clear(t);
      int changed = 0;
      if (is_id) {
        sectag_buf_printf(t, "%s.%s", s->prefix, (const char *)v);
        changed = 1;
      } else {
        const char *p = (const char *)v;
        while (*p) {
          size_t ws = strspn(p, " \t\r\n");
          sectag_buf_put(t, p, ws);
          p += ws;
          size_t tok = strcspn(p, " \t\r\n");
          if (!tok) break;
          if (p[0] == '#' && tok > 1 && S_is_local(s, p + 1, tok - 1)) {
            sectag_buf_printf(t, "#%s.", s->prefix);
            sectag_buf_put(t, p + 1, tok - 1);
            changed = 1;
          } else {
            sectag_buf_put(t, p, tok);
          }
          p += tok;
        }
      }
      xmlFree(v);
      if (changed) {
        sectag_buf_putc(t, '\0');
        xmlSetNsProp(n, a->ns, a->name, BAD_CAST t->ptr);
      }
    }
  }
}

/* One level deeper in the corpus than in its file: two more spaces after
 * each line break of the white space between elements, everywhere but in
 * the body (whose text is the document's and is never touched). */
static void S_indent(xmlNode *root, const xmlNode *body) {
  sectag_buf b = SECTAG_BUF_INIT;
  for (xmlNode *n = root; n; n = sectag_textbuild_next(n, root, n == body)) {
    if (n->type != XML_TEXT_NODE || !n->content) continue;
    const char *c = (const char *)n->content;
    if (c[strspn(c, " \t\r\n")] != '\0' || !strchr(c, '\n')) continue;
    sectag_buf_clear(&b);
    for (; *c; c++) {
      sectag_buf_putc(&b, *c);
      if (*c == '\n') sectag_buf_puts(&b, "  ");
    }
    sectag_buf_putc(&b, '\0');
    xmlNodeSetContent(n, BAD_CAST b.ptr);
  }
  sectag_buf_free(&b);
}

/* ---- --words */

typedef struct {
  xmlNode *node;
  size_t start, end; /* in the rebuilt text */
} S_textnode;

/* The body's text nodes in document order with their offsets: the walk of
 * kwic.c's S_walk (text and CDATA content, concatenated). */
static S_textnode *S_text_nodes(xmlNode *body, size_t *n, size_t *total) {
  size_t cap = 64, off = 0;
  S_textnode *v = sectag_xmalloc(cap * sizeof *v);
  *n = 0;
  for (xmlNode *c = sectag_textbuild_next(body, body, 0); c; c = sectag_textbuild_next(c, body, 0)) {
    if ((c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE) || !c->content) continue;
    size_t len = strlen((const char *)c->content);
    if (*n == cap) v = sectag_xrealloc(v, (cap *= 2) * sizeof *v);
    v[(*n)++] = (S_textnode){c, off, off + len};
    off += len;
  }
  *total = off;
  return v;
}

typedef struct {
  size_t start, end;
  const char *code;
  size_t order;
} S_span;

static int S_cmp_span(const void *a, const void *b) {
  const S_span *x = a, *y = b;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

/* The ana of [start, end): "#CODE" of every span holding it, in span
 * order, each code once. Returns 0 when there is none. */
static int S_codes(sectag_buf *o, S_span *active, size_t nactive, size_t start, size_t end) {
  sectag_buf_clear(o);
  for (size_t i = 0; i < nactive; i++) {
    if (active[i].start > start || active[i].end < end) continue;
    int dup = 0;
    for (size_t j = 0; j < i && !dup; j++)
      dup = active[j].start <= start && active[j].end >= end &&
            strcmp(active[j].code, active[i].code) == 0;
    if (dup) continue;
    if (o->len) sectag_buf_putc(o, ' ');
    sectag_buf_printf(o, "#%s", active[i].code);
  }
  sectag_buf_putc(o, '\0');
  return o->len > 1;
}

/* Splits the body's text nodes into text and <w> elements. Returns 0, or
 * -1 with err when the rebuilt text does not line up with the tree. */
static int S_words(xmlNode *root, xmlNode *body, const sectag_tei_doc *td,
                   sectag_teicorpus_summary *sum, const char *path, sectag_error *err) {
  const sectag_doc *d = td->doc;
  size_t nt = 0, total = 0;
  S_textnode *tn = S_text_nodes(body, &nt, &total);
  if (total != d->len) {
    sectag_error_set(err, SECTAG_ERR_INPUT, path, 0, 0,
                     "the body's text (%zu bytes) does not line up with the rebuilt text (%zu "
                     "bytes); run sectag code again",
                     total, d->len);
    free(tn);
    return -1;
  }
  S_span *spans = sectag_xcalloc(td->nspans + 1, sizeof *spans);
  for (size_t i = 0; i < td->nspans; i++)
    spans[i] = (S_span){td->spans[i].start, td->spans[i].end, td->spans[i].code, i};
  sectag_sort(spans, td->nspans, sizeof *spans, S_cmp_span);
  S_span *active = sectag_xcalloc(td->nspans + 1, sizeof *active);
  size_t nactive = 0, next_span = 0;
  sectag_buf ana = SECTAG_BUF_INIT, norm = SECTAG_BUF_INIT;

  size_t tok = 0;
  for (size_t k = 0; k < nt; k++) {
    xmlNode *n = tn[k].node;
    size_t a = tn[k].start, b = tn[k].end;
    const char *content = (const char *)n->content;
    xmlNode *prev = NULL; /* the last piece inserted */
    size_t done = a;      /* text of the node written up to here */
    for (; tok < d->ntokens && d->tokens[tok].start < b; tok++) {
      const sectag_token *t = &d->tokens[tok];
      if (t->kind != SECTAG_TOKEN_WORD) continue;
      /* a token that crosses an element boundary (a partial rule's seg
       * inside a word) stays text, counted once, where it starts */
      if (t->start < a) { /* began in an earlier text node */
        if (t->end > b) break;
        continue;
      }
      if (t->end > b) {
        sum->unwrapped++;
        break; /* met again by the next node, which skips it */
      }
      /* spans that start by this token, and none that ended before it */
      while (next_span < td->nspans && spans[next_span].start <= t->start)
        active[nactive++] = spans[next_span++];
      size_t keep = 0;
      for (size_t i = 0; i < nactive; i++)
        if (active[i].end > t->start) active[keep++] = active[i];
      nactive = keep;

      xmlNode *w = xmlNewDocNode(n->doc, root->ns, BAD_CAST "w", NULL);
      xmlAddChild(w, xmlNewDocTextLen(n->doc, BAD_CAST content + (t->start - a),
                                      (int)(t->end - t->start)));
      sectag_buf_clear(&norm);
      sectag_buf_put(&norm, d->shadow + t->nstart, t->nend - t->nstart);
      sectag_buf_putc(&norm, '\0');
      xmlNewProp(w, BAD_CAST "norm", BAD_CAST norm.ptr);
      if (S_codes(&ana, active, nactive, t->start, t->end))
        xmlNewProp(w, BAD_CAST "ana", BAD_CAST ana.ptr);
      sum->words++;
      xmlNode *before = t->start > done ? xmlNewDocTextLen(n->doc, BAD_CAST content + (done - a),
                                                          (int)(t->start - done))
                                        : NULL;
      /* the first piece takes the text node's place; the others follow it
       * (text and <w> alternate, so libxml2 merges no text nodes) */
      xmlNode *pieces[2] = {before, w};
      for (int p = 0; p < 2; p++) {
        if (!pieces[p]) continue;
        if (!prev)
          xmlReplaceNode(n, pieces[p]);
        else
          xmlAddNextSibling(prev, pieces[p]);
        prev = pieces[p];
      }
      done = t->end;
    }
    if (prev) {
      if (done < b)
        xmlAddNextSibling(prev, xmlNewDocTextLen(n->doc, BAD_CAST content + (done - a),
                                                 (int)(b - done)));
      xmlFreeNode(n);
    }
  }
  sectag_buf_free(&ana);
  sectag_buf_free(&norm);
  free(active);
  free(spans);
  free(tn);
  return 0;
}

/* ====================================================================== */
/* Output                                                                  */

static int S_ob_write(void *ctx, const char *buf, int len) {
  sectag_out *o = ctx;
  if (o->failed) return -1;
  sectag_out_write(o, buf, (size_t)len);
  return o->failed ? -1 : len;
}

static xmlOutputBufferPtr S_ob(sectag_out *o) {
  return xmlOutputBufferCreateIO(S_ob_write, NULL, o, NULL);
}

/* Closes an output buffer; -1 if libxml2 saw an error. */
static int S_ob_close(xmlOutputBufferPtr ob) {
  if (!ob) return -1;
  int bad = ob->error != 0;
  if (xmlOutputBufferClose(ob) < 0) bad = 1;
  return bad ? -1 : 0;
}

typedef struct {
  const sectag_teicorpus_options *opt;
  sectag_teicorpus_summary *sum;
  sectag_table table;
  long c_doc_id, c_group;
  char **text_ids; /* per row */
  char *tei_dir;

  xmlDocPtr first_doc; /* the document whose taxonomy the header copies */
  char *taxonomy;      /* its taxonomy, serialized, to compare */
  char *taxonomy_from; /* its path */
  S_set groups;        /* group category ids of documents.csv */
  int accents_sensitive; /* with words: @norm keeps accents */

  sectag_out corpus, meta, split_meta;
  xmlOutputBufferPtr ob;
  int have_split_meta;
  sectag_out *split; /* per row, finished and waiting for the rename */
  size_t nsplit;
  int output_failed;
  sectag_error out_err;
} S_run;

/* The group category id render_tei.c gives a group. */
static char *S_group_id(const char *group) {
  char *slug = sectag_slug(group, strlen(group));
  sectag_buf b = SECTAG_BUF_INIT;
  sectag_buf_printf(&b, "group.%s", slug);
  free(slug);
  return sectag_buf_detach(&b);
}

static xmlNode *S_add(xmlNode *parent, const char *name, const char *text) {
  return xmlNewTextChild(parent, parent->ns, BAD_CAST name, text ? BAD_CAST text : NULL);
}

/* Whether the codebook a taxonomy describes is accent-sensitive: its
 * <bibl><note type="accents">sensitive</note> (render_tei.c). Files without
 * the note (sectag before 0.1.0's accents note) count as insensitive, the
 * codebooks' default. */
static int S_codebook_accents_sensitive(xmlNode *taxonomy) {
  xmlNode *bibl = sectag_tei_child(taxonomy, "bibl");
  for (xmlNode *n = bibl ? bibl->children : NULL; n; n = n->next) {
    if (!sectag_tei_is(n, "note")) continue;
    xmlChar *type = xmlGetProp(n, BAD_CAST "type");
    int is_accents = type && xmlStrEqual(type, BAD_CAST "accents");
    xmlFree(type);
    if (!is_accents) continue;
    xmlChar *v = xmlNodeGetContent(n);
    int sensitive = v && xmlStrEqual(v, BAD_CAST "sensitive");
    xmlFree(v);
    return sensitive;
  }
  return 0;
}

/* The corpus header, as a tree of its own, written at level 1. */
static int S_write_header(S_run *r, xmlNode *taxonomy) {
  const sectag_teicorpus_options *opt = r->opt;
  xmlDocPtr hd = xmlNewDoc(BAD_CAST "1.0");
  xmlNode *corpus = xmlNewDocNode(hd, NULL, BAD_CAST "teiCorpus", NULL);
  xmlDocSetRootElement(hd, corpus);
  xmlNsPtr ns = xmlNewNs(corpus, BAD_CAST SECTAG_TEI_NS, NULL);
  xmlSetNs(corpus, ns);
  xmlNode *h = S_add(corpus, "teiHeader", NULL);
  xmlNode *fd = S_add(h, "fileDesc", NULL);
  xmlNode *ts = S_add(fd, "titleStmt", NULL);
  char *title = NULL;
  if (opt->title) {
    title = sectag_xstrdup(opt->title);
  } else {
    size_t n = strlen(opt->outdir);
    while (n > 1 && opt->outdir[n - 1] == '/') n--;
    size_t s = n;
    while (s > 0 && opt->outdir[s - 1] != '/') s--;
    title = sectag_xstrndup(opt->outdir + s, n - s);
  }
  char *clean = sectag_textbuild_collapse(title);
  S_add(ts, "title", clean ? clean : "sectag corpus");
  free(clean);
  free(title);
  xmlNode *rs = S_add(ts, "respStmt", NULL);
  S_add(rs, "resp", "Automatic coding");
  S_add(rs, "name", "sectag " SECTAG_VERSION);
  char num[64];
  snprintf(num, sizeof num, "%zu", r->table.nrows);
  xmlNode *ext = S_add(fd, "extent", NULL);
  sectag_buf b = SECTAG_BUF_INIT;
  sectag_buf_printf(&b, "%zu text%s", r->table.nrows, r->table.nrows == 1 ? "" : "s");
  xmlNode *m = S_add(ext, "measure", b.ptr);
  xmlNewProp(m, BAD_CAST "unit", BAD_CAST "texts");
  xmlNewProp(m, BAD_CAST "quantity", BAD_CAST num);
  xmlNode *ps = S_add(fd, "publicationStmt", NULL);
  S_add(ps, "p", "Exported by sectag " SECTAG_VERSION " (sectag export teicorpus); not published.");
  xmlNode *sd = S_add(fd, "sourceDesc", NULL);
  S_add(sd, "p", "The TEI files that sectag code wrote, one TEI element per row of its "
                 "documents.csv, in that order.");
  xmlNode *enc = S_add(h, "encodingDesc", NULL);
  xmlNode *ai = S_add(enc, "appInfo", NULL);
  xmlNode *app = S_add(ai, "application", NULL);
  xmlNewProp(app, BAD_CAST "ident", BAD_CAST "sectag");
  xmlNewProp(app, BAD_CAST "version", BAD_CAST SECTAG_VERSION);
  S_add(app, "label", "sectag");
  if (opt->words) {
    xmlNode *ed = S_add(enc, "editorialDecl", NULL);
    xmlNode *nz = S_add(ed, "normalization", NULL);
    S_add(nz, "p", r->accents_sensitive
                       ? "w/@norm: the word as sectag's rules see it: NFC, case-folded, accents "
                         "kept. w/@ana: the codes of the matches the word is in."
                       : "w/@norm: the word as sectag's rules see it: NFC, case-folded, accents "
                         "stripped (n with tilde kept). w/@ana: the codes of the matches the "
                         "word is in.");
  }
  xmlNode *cd = S_add(enc, "classDecl", NULL);
  int rc = 0;
  if (taxonomy) {
    xmlNode *copy = NULL;
    if (xmlDOMWrapCloneNode(NULL, taxonomy->doc, taxonomy, &copy, hd, cd, 1, 0) != 0 || !copy)
      rc = -1;
    else
      xmlAddChild(cd, copy);
  }
  /* one taxonomy of every group, in documents.csv order */
  xmlNode *gt = NULL;
  for (size_t row = 0; r->c_group >= 0 && row < r->table.nrows; row++) {
    const char *g = sectag_table_get(&r->table, row, r->c_group);
    if (!*g) continue;
    char *gid = S_group_id(g);
    if (!S_set_has(&r->groups, gid)) {
      S_set_add(&r->groups, gid);
      if (!gt) {
        gt = S_add(cd, "taxonomy", NULL);
        xmlSetNsProp(gt, xmlSearchNsByHref(hd, gt, XML_NS), BAD_CAST "id",
                     BAD_CAST "sectag-groups");
      }
      xmlNode *c = S_add(gt, "category", NULL);
      xmlSetNsProp(c, xmlSearchNsByHref(hd, c, XML_NS), BAD_CAST "id", BAD_CAST gid);
      S_add(c, "catDesc", g);
    }
    free(gid);
  }
  if (!cd->children) { /* classDecl needs a taxonomy */
    xmlUnlinkNode(cd);
    xmlFreeNode(cd);
  }
  sectag_buf_free(&b);
  xmlOutputBufferWriteString(r->ob, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                    "<teiCorpus xmlns=\"" SECTAG_TEI_NS "\">\n  ");
  xmlNodeDumpOutput(r->ob, hd, h, 1, 1, "UTF-8");
  xmlOutputBufferWriteString(r->ob, "\n");
  xmlFreeDoc(hd);
  return rc;
}

/* One TEI file: checked, rewritten, written to the corpus (and the split
 * folder). Returns 0, or -1 with err: SECTAG_ERR_INPUT (the document is
 * bad) or SECTAG_ERR_OUTPUT. */
static int S_document(S_run *r, size_t row, sectag_error *err) {
  const sectag_teicorpus_options *opt = r->opt;
  const char *doc_id = sectag_table_get(&r->table, row, r->c_doc_id);
  char *path = sectag_path_join(r->tei_dir, doc_id, ".xml");
  int rc = -1;
  xmlDocPtr x = S_parse(path, err);
  xmlNode *root = x ? xmlDocGetRootElement(x) : NULL;
  xmlNode *body = sectag_tei_child(sectag_tei_child(root, "text"), "body");
  xmlNode *header = sectag_tei_child(root, "teiHeader");
  xmlNode *enc = sectag_tei_child(header, "encodingDesc");
  xmlNode *tax = NULL, *groups = NULL;
  S_ids ids;
  memset(&ids, 0, sizeof ids);
  sectag_tei_doc td;
  memset(&td, 0, sizeof td);
  if (!x) goto done;
  if (!sectag_tei_is(root, "TEI") || !body || !header) {
    sectag_error_set(err, SECTAG_ERR_INPUT, path, 0, 0,
                     "not a TEI file of sectag code (no <TEI><teiHeader>...<text><body>); run "
                     "sectag code again");
    goto done;
  }
  S_taxonomies(enc, &tax, &groups);
  char *dump = tax ? S_dump(x, tax) : sectag_xstrdup("");
  if (!r->taxonomy) {
    /* the first document: the corpus header takes its taxonomy, and the
     * text ids keep clear of its categories' first parts */
    r->taxonomy = dump;
    r->taxonomy_from = sectag_xstrdup(path);
    S_set used = {NULL, 0, 0};
    S_set_add(&used, "sectag-groups");
    S_set_add(&used, "group");
    if (tax) {
      for (xmlNode *n = tax; n; n = sectag_textbuild_next(n, tax, 0)) {
        char *id = n->type == XML_ELEMENT_NODE ? sectag_tei_xml_id(n) : NULL;
        if (!id) continue;
        id[strcspn(id, ".")] = '\0';
        S_set_add(&used, id);
        free(id);
      }
    }
    for (size_t i = 0; i < r->table.nrows; i++)
      r->text_ids[i] = S_unique_id(sectag_table_get(&r->table, i, r->c_doc_id), &used);
    S_set_free(&used);
    r->accents_sensitive = opt->accents == SECTAG_TEICORPUS_ACCENTS_CODEBOOK
                               ? S_codebook_accents_sensitive(tax)
                               : opt->accents == SECTAG_TEICORPUS_ACCENTS_SENSITIVE;
    if (S_write_header(r, tax) != 0) {
      sectag_error_set(err, SECTAG_ERR_OUTPUT, opt->output, 0, 0,
                       "libxml2 could not copy the taxonomy of %s", path);
      goto done;
    }
  } else if (strcmp(dump, r->taxonomy) != 0) {
    free(dump);
    sectag_error_set(err, SECTAG_ERR_INPUT, path, 0, 0,
                     "its codebook taxonomy differs from that of %s: the documents were not "
                     "coded with one codebook; code them again in one run",
                     r->taxonomy_from);
    goto done;
  } else {
    free(dump);
  }
  /* the group, if any, must be one documents.csv announced */
  for (xmlNode *c = groups ? groups->children : NULL; c; c = c->next) {
    char *gid = sectag_tei_is(c, "category") ? sectag_tei_xml_id(c) : NULL;
    int known = !gid || S_set_has(&r->groups, gid);
    if (!known)
      sectag_error_set(err, SECTAG_ERR_INPUT, path, 0, 0,
                       "its group category '%s' is not the group documents.csv gives it; the "
                       "file may be from another run: run sectag code again",
                       gid);
    free(gid);
    if (!known) goto done;
  }

  const char *tid = r->text_ids[row];
  ids.prefix = tid;
  S_collect_ids(&ids, root, enc);
  S_prefix_ids(&ids, root, enc);
  xmlSetNsProp(root, xmlSearchNsByHref(x, root, XML_NS), BAD_CAST "id", BAD_CAST tid);

  if (opt->words) {
    /* the same text, hidden ranges and turns as the tree's body, offsets
     * of the body's text (no source) */
    if (sectag_tei_doc_load(&td, path, doc_id, NULL, 0, err) != 0) goto done;
    sectag_doc_tokenize(td.doc, !r->accents_sensitive);
    if (S_words(root, body, &td, r->sum, path, err) != 0) goto done;
  }

  if (opt->split_dir) { /* a standalone TEI file, its taxonomy with it */
    char *sp = sectag_path_join(opt->split_dir, tid, ".xml");
    sectag_out *o = &r->split[r->nsplit];
    int ok = sectag_out_open(o, sp, err) == 0;
    free(sp);
    if (!ok) goto done;
    r->nsplit++;
    xmlOutputBufferPtr ob = S_ob(o);
    if (ob) {
      xmlOutputBufferWriteString(ob, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
      xmlNodeDumpOutput(ob, x, root, 0, 0, "UTF-8");
      xmlOutputBufferWriteString(ob, "\n");
    }
    if (S_ob_close(ob) != 0 || o->failed) {
      if (!o->failed) o->errno_ = EIO;
      o->failed = 1;
    }
    if (sectag_out_finish(o, err) != 0) {
      r->nsplit--;
      goto done;
    }
    free(o->buf); /* finished: only the rename is left */
    o->buf = NULL;
  }

  if (enc) { /* the corpus header has the taxonomy and appInfo */
    xmlUnlinkNode(enc);
    xmlFreeNode(enc);
  }
  S_indent(root, body);
  xmlOutputBufferWriteString(r->ob, "  ");
  xmlNodeDumpOutput(r->ob, x, root, 1, 0, "UTF-8");
  xmlOutputBufferWriteString(r->ob, "\n");
  if (r->ob->error || r->corpus.failed) {
    sectag_error_set(err, SECTAG_ERR_OUTPUT, opt->output, 0, 0, "cannot write output file: %s",
                     strerror(r->corpus.errno_ ? r->corpus.errno_ : EIO));
    goto done;
  }
  r->sum->documents++;
  rc = 0;
done:
  sectag_tei_doc_free(&td);
  for (size_t i = 0; i < ids.nids; i++) free(ids.ids[i]);
  free(ids.ids);
  sectag_buf_free(&ids.tmp);
  if (x) xmlFreeDoc(x);
  free(path);
  return rc;
}

/* metadata.csv: id, then the columns of documents.csv. */
static void S_metadata(const S_run *r, sectag_buf *o) {
  sectag_buf_puts(o, "id");
  for (size_t c = 0; c < r->table.ncols; c++) {
    sectag_buf_putc(o, ',');
    const char *name = r->table.cols[c];
    /* TXM's first column is the id: a column of that name is renamed */
    if (strcmp(name, "id") == 0) name = "id_metadata";
    sectag_csv_field(o, name, strlen(name));
  }
  sectag_buf_puts(o, "\r\n");
  for (size_t row = 0; row < r->table.nrows; row++) {
    const char *id = r->text_ids[row];
    sectag_csv_field(o, id, strlen(id));
    for (size_t c = 0; c < r->table.ncols; c++) {
      sectag_buf_putc(o, ',');
      const char *v = sectag_table_get(&r->table, row, (long)c);
      sectag_csv_field(o, v, strlen(v));
    }
    sectag_buf_puts(o, "\r\n");
  }
}

/* The folder of a path with "metadata.csv" (owned). */
static char *S_metadata_next_to(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash) return sectag_xstrdup("metadata.csv");
  sectag_buf b = SECTAG_BUF_INIT;
  sectag_buf_put(&b, path, (size_t)(slash - path) + 1);
  sectag_buf_puts(&b, "metadata.csv");
  return sectag_buf_detach(&b);
}

static int S_write_all(sectag_out *o, const char *path, const sectag_buf *data,
                       sectag_error *err) {
  if (sectag_out_open(o, path, err) != 0) return -1;
  sectag_out_write(o, data->ptr ? data->ptr : "", data->len);
  return 0;
}

sectag_status sectag_teicorpus_export(const sectag_teicorpus_options *opt,
                                      sectag_teicorpus_summary *sum, sectag_error *err) {
  memset(sum, 0, sizeof *sum);
  if (!opt->outdir || !opt->output) {
    sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0, "give an OUTDIR and an output file");
    return SECTAG_ERR_USAGE;
  }
  if (sectag_outdir_check(opt->outdir, NULL, err) != 0) return SECTAG_ERR_USAGE;
  S_run r;
  memset(&r, 0, sizeof r);
  r.opt = opt;
  r.sum = sum;
  r.corpus.fd = r.meta.fd = r.split_meta.fd = -1;
  sectag_status status = SECTAG_OK;
  char *docs = sectag_path_join(opt->outdir, "documents.csv", NULL);
  int rc = sectag_table_load(&r.table, docs, err);
  free(docs);
  if (rc == 0 && (r.c_doc_id = sectag_table_col(&r.table, "doc_id")) < 0) {
    sectag_error_set(err, SECTAG_ERR_USAGE, r.table.path, 1, 0,
                     "no doc_id column; this is not a documents.csv of sectag code");
    rc = -1;
  }
  if (rc == 0 && r.table.nrows == 0) {
    sectag_error_set(err, SECTAG_ERR_USAGE, r.table.path, 0, 0,
                     "no documents: a teiCorpus needs at least one TEI; run sectag code on "
                     "some texts first");
    rc = -1;
  }
  for (size_t row = 0; rc == 0 && row < r.table.nrows; row++) {
    const char *id = sectag_table_get(&r.table, row, r.c_doc_id);
    if (!sectag_outdir_safe_id(id)) {
      sectag_error_set(err, SECTAG_ERR_USAGE, r.table.path, r.table.lines[row], 0,
                       "the doc_id '%s' is not a safe file name; this is not a documents.csv "
                       "of sectag code",
                       id);
      rc = -1;
    }
  }
  if (rc != 0) {
    err->code = SECTAG_ERR_USAGE;
    sectag_table_free(&r.table);
    return SECTAG_ERR_USAGE;
  }
  r.c_group = sectag_table_col(&r.table, "group");
  r.text_ids = sectag_xcalloc(r.table.nrows, sizeof *r.text_ids);
  r.tei_dir = sectag_path_join(opt->outdir, "tei/", NULL);
  char *meta_path = opt->metadata ? sectag_xstrdup(opt->metadata) : S_metadata_next_to(opt->output);
  char *split_meta_path = NULL;

  /* the outputs, as temporary files */
  if (opt->split_dir) {
    if (sectag_mkdirs(opt->split_dir, err) != 0) {
      status = SECTAG_ERR_OUTPUT;
      goto out;
    }
    r.split = sectag_xcalloc(r.table.nrows, sizeof *r.split);
    split_meta_path = sectag_path_join(opt->split_dir, "metadata.csv", NULL);
  }
  if (sectag_out_open(&r.corpus, opt->output, err) != 0 || !(r.ob = S_ob(&r.corpus))) {
    if (!err->message)
      sectag_error_set(err, SECTAG_ERR_OUTPUT, opt->output, 0, 0, "cannot create XML output");
    status = SECTAG_ERR_OUTPUT;
    goto out;
  }

  sectag_error de = SECTAG_ERROR_INIT;
  for (size_t row = 0; row < r.table.nrows; row++) {
    if (S_document(&r, row, &de) == 0) continue;
    if (de.code == SECTAG_ERR_OUTPUT) {
      sectag_error_move(err, &de);
      status = SECTAG_ERR_OUTPUT;
      goto out;
    }
    S_report(opt, &de);
    sectag_error_clear(&de);
    sum->failed++;
  }
  if (sum->failed) {
    sectag_error_set(err, SECTAG_ERR_INPUT, NULL, 0, 0,
                     "%zu of %zu document%s could not be read; nothing was written (a corpus "
                     "without them would be silently incomplete)",
                     sum->failed, r.table.nrows, r.table.nrows == 1 ? "" : "s");
    status = SECTAG_ERR_INPUT;
    goto out;
  }
  xmlOutputBufferWriteString(r.ob, "</teiCorpus>\n");
  rc = S_ob_close(r.ob);
  r.ob = NULL;
  if (rc != 0 && !r.corpus.failed) {
    r.corpus.failed = 1;
    r.corpus.errno_ = EIO;
  }
  sectag_buf mb = SECTAG_BUF_INIT;
  S_metadata(&r, &mb);
  rc = sectag_out_finish(&r.corpus, err);
  if (rc == 0) rc = S_write_all(&r.meta, meta_path, &mb, err);
  if (rc == 0) rc = sectag_out_finish(&r.meta, err);
  if (rc == 0 && split_meta_path && strcmp(split_meta_path, meta_path) != 0) {
    r.have_split_meta = 1;
    rc = S_write_all(&r.split_meta, split_meta_path, &mb, err);
    if (rc == 0) rc = sectag_out_finish(&r.split_meta, err);
  }
  sectag_buf_free(&mb);
  /* everything is complete: into place, the corpus last */
  for (size_t i = 0; rc == 0 && i < r.nsplit; i++) rc = sectag_out_rename(&r.split[i], err);
  if (rc == 0 && r.have_split_meta) rc = sectag_out_rename(&r.split_meta, err);
  if (rc == 0) rc = sectag_out_rename(&r.meta, err);
  if (rc == 0) rc = sectag_out_rename(&r.corpus, err);
  if (rc != 0) status = SECTAG_ERR_OUTPUT;

out:
  if (r.ob) xmlOutputBufferClose(r.ob);
  sectag_out_abort(&r.corpus);
  sectag_out_abort(&r.meta);
  sectag_out_abort(&r.split_meta);
  for (size_t i = 0; i < r.nsplit; i++) sectag_out_abort(&r.split[i]);
  free(r.split);
  for (size_t i = 0; i < r.table.nrows; i++) free(r.text_ids[i]);
  free(r.text_ids);
  free(r.tei_dir);
  free(r.taxonomy);
  free(r.taxonomy_from);
  S_set_free(&r.groups);
  free(meta_path);
  free(split_meta_path);
  sectag_table_free(&r.table);
  if (status != SECTAG_OK) sum->documents = 0;
  return status;
}
