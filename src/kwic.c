/* kwic.c: concordance lines from an OUTDIR of `sectag code` (see kwic.h).
 *
 *   documents.csv ──▶ the documents, their dates, their sources
 *   tei/DOC_ID.xml ─▶ S_walk: the body's text content in document order,
 *                     <note> ranges hidden, <u who> ranges as turns, the
 *                     positions of <seg xml:id> and <anchor xml:id>;
 *                     S_align: the source's bytes where the TEI could not
 *                     keep them (a BOM, characters XML forbids);
 *                     standOff spans resolved to [start, end)
 *   sectag_doc_tokenize / sectag_doc_code ─▶ tokens (and --pattern matches)
 *   S_add_line ─▶ one line per match: keyword, context within the turn
 *   S_cmp_* ─▶ sorted, then limited
 *
 * Why rebuild from the TEI rather than read the sources again: the TEI is
 * what `sectag code` wrote, it travels with the tables, and its body holds
 * every byte of the text that was coded, with the hidden ranges and turns
 * marked; the sources may have moved or changed since. */
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "codebook.h"
#include "error.h"
#include "kwic.h"
#include "output.h"
#include "textbuild.h"
#include "xmlsafe.h"


/* ====================================================================== */
/* Reading the TEI                                                         */


/* An attribute as an owned string, or NULL. */
static char *S_attr(const xmlNode *n, const char *name) {
  xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
  if (!v) return NULL;
  char *s = sectag_xstrdup((const char *)v);
  xmlFree(v);
  return s;
}

/* A pointer "#ID" (or "FILE#ID") without what comes before the '#'. */
static const char *S_ref(const char *s) {
  if (!s) return NULL;
  const char *h = strrchr(s, '#');
  return h ? h + 1 : s;
}

typedef struct {
  char *id;
  size_t start, end;
} S_idpos;

typedef struct {
  size_t start, end;
  uint32_t speaker;
} S_turnrec;

typedef struct {
  sectag_buf text;
  sectag_doc *doc;
  sectag_hidden *hidden;
  size_t nhidden, caphidden;
  S_turnrec *turns;
  size_t nturns, capturns;
  S_idpos *ids; /* xml:ids of segs and anchors: where the matches are */
  size_t nids, capids;
  char **person_ids; /* per speaker: its xml:id in the file */
  size_t npersons;
  size_t *stack; /* text offsets where the open elements started */
  size_t depth, capstack;
} S_build;

static sectag_hidden_kind S_hidden_kind(const char *type) {
  if (!type) return SECTAG_HIDDEN_MARKUP;
  if (strcmp(type, "speaker") == 0) return SECTAG_HIDDEN_LABEL;
  if (strcmp(type, "title") == 0) return SECTAG_HIDDEN_TITLE;
  if (strcmp(type, "date") == 0) return SECTAG_HIDDEN_DATE;
  if (strcmp(type, "image") == 0) return SECTAG_HIDDEN_IMAGE;
  return SECTAG_HIDDEN_MARKUP;
}

static uint32_t S_add_speaker(sectag_doc *doc, const char *id, const char *label,
                              const char *role, int unknown) {
  doc->speakers = sectag_xrealloc(doc->speakers, (doc->nspeakers + 1) * sizeof *doc->speakers);
  sectag_speaker *s = &doc->speakers[doc->nspeakers];
  s->id = sectag_xstrdup(id);
  s->label = sectag_xstrdup(label ? label : "");
  s->role = role ? sectag_xstrdup(role) : NULL;
  s->selected = 1;
  s->unknown = unknown;
  return (uint32_t)doc->nspeakers++;
}

/* render_tei.c writes a speaker whose id clashes with another xml:id of the
 * file (s1, m2, a code, sectag-groups, group.*) as "speaker-ID"; this is
 * its id again. (A speaker whose own id is "speaker-s1" reads as "s1".) */
static const char *S_speaker_id(const char *xml_id, char *const *codes, size_t ncodes) {
  if (strncmp(xml_id, "speaker-", 8) != 0) return xml_id;
  const char *r = xml_id + 8;
  if ((r[0] == 's' || r[0] == 'm') && r[1] >= '0' && r[1] <= '9') return r;
  if (strcmp(r, "sectag-groups") == 0 || strncmp(r, "group.", 6) == 0) return r;
  for (size_t i = 0; i < ncodes; i++)
    if (strcmp(codes[i], r) == 0) return r;
  return xml_id;
}

/* The speakers of profileDesc/particDesc/listPerson, in file order (the
 * order in which the document met them). */
static void S_persons(S_build *b, xmlNode *header, char *const *codes, size_t ncodes) {
  xmlNode *lp = sectag_tei_child(sectag_tei_child(sectag_tei_child(header, "profileDesc"), "particDesc"), "listPerson");
  if (!lp) return;
  for (xmlNode *c = lp->children; c; c = c->next) {
    int grp = sectag_tei_is(c, "personGrp");
    if (!grp && !sectag_tei_is(c, "person")) continue;
    char *id = sectag_tei_xml_id(c);
    if (!id) continue;
    char *role = S_attr(c, "role");
    char *label = NULL;
    xmlNode *pn = sectag_tei_child(c, "persName");
    if (pn) {
      xmlChar *t = xmlNodeGetContent(pn);
      label = sectag_xstrdup(t ? (const char *)t : "");
      xmlFree(t);
    }
    /* the group of text before the first label: role "unknown" is
     * render_tei.c's stand-in for no role */
    S_add_speaker(b->doc, S_speaker_id(id, codes, ncodes), label,
                  grp && role && strcmp(role, "unknown") == 0 ? NULL : role, grp);
    b->person_ids = sectag_xrealloc(b->person_ids, (b->npersons + 1) * sizeof *b->person_ids);
    b->person_ids[b->npersons++] = id;
    free(role);
    free(label);
  }
}

static uint32_t S_speaker_of(S_build *b, const char *who) {
  for (size_t i = 0; i < b->npersons; i++)
    if (strcmp(b->person_ids[i], who) == 0) return (uint32_t)i;
  /* a <u> whose speaker is not listed: a speaker of its own */
  uint32_t sp = S_add_speaker(b->doc, who, NULL, NULL, strcmp(who, "unknown") == 0);
  b->person_ids = sectag_xrealloc(b->person_ids, (b->npersons + 1) * sizeof *b->person_ids);
  b->person_ids[b->npersons++] = sectag_xstrdup(who);
  return sp;
}

/* An element of the body ends: its text is [start, b->text.len). */
static void S_leave(S_build *b, xmlNode *n, size_t start) {
  size_t end = b->text.len;
  if (sectag_tei_is(n, "note")) {
    if (end <= start) return;
    char *type = S_attr(n, "type");
    if (b->nhidden == b->caphidden) {
      b->caphidden = b->caphidden ? 2 * b->caphidden : 64;
      b->hidden = sectag_xrealloc(b->hidden, b->caphidden * sizeof *b->hidden);
    }
    b->hidden[b->nhidden++] = (sectag_hidden){start, end, S_hidden_kind(type)};
    free(type);
  } else if (sectag_tei_is(n, "u")) {
    char *who = S_attr(n, "who");
    const char *id = S_ref(who);
    if (end > start && id && *id) {
      uint32_t sp = S_speaker_of(b, id);
      if (b->nturns == b->capturns) {
        b->capturns = b->capturns ? 2 * b->capturns : 64;
        b->turns = sectag_xrealloc(b->turns, b->capturns * sizeof *b->turns);
      }
      b->turns[b->nturns++] = (S_turnrec){start, end, sp};
    }
    free(who);
  } else if (sectag_tei_is(n, "seg") || sectag_tei_is(n, "anchor")) {
    char *id = sectag_tei_xml_id(n);
    if (!id) return;
    if (b->nids == b->capids) {
      b->capids = b->capids ? 2 * b->capids : 64;
      b->ids = sectag_xrealloc(b->ids, b->capids * sizeof *b->ids);
    }
    b->ids[b->nids++] = (S_idpos){id, start, end};
  }
}

static void S_push(S_build *b, size_t off) {
  if (b->depth == b->capstack) {
    b->capstack = b->capstack ? 2 * b->capstack : 64;
    b->stack = sectag_xrealloc(b->stack, b->capstack * sizeof *b->stack);
  }
  b->stack[b->depth++] = off;
}

/* The body's text content in document order, iteratively (no recursion:
 * a deep tree cannot overflow the stack). */
static void S_walk(S_build *b, xmlNode *body) {
  xmlNode *n = body->children;
  while (n) {
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      if (n->content) sectag_buf_puts(&b->text, (const char *)n->content);
    } else if (n->type == XML_ELEMENT_NODE) {
      S_push(b, b->text.len);
      if (n->children) {
        n = n->children;
        continue;
      }
      S_leave(b, n, b->stack[--b->depth]);
    }
    while (!n->next) {
      n = n->parent;
      if (!n || n == body) return;
      S_leave(b, n, b->stack[--b->depth]);
    }
    n = n->next;
  }
}

static int S_cmp_idpos(const void *a, const void *b) {
  return strcmp(((const S_idpos *)a)->id, ((const S_idpos *)b)->id);
}

static const S_idpos *S_find_id(const S_build *b, const char *id) {
  if (!id) return NULL;
  S_idpos key = {(char *)id, 0, 0};
  return bsearch(&key, b->ids, b->nids, sizeof *b->ids, S_cmp_idpos);
}

/* The codebook's categories: every <category xml:id> of the taxonomies
 * of classDecl but the groups'. */
static void S_taxonomy(sectag_tei_doc *t, xmlNode *header) {
  xmlNode *cd = sectag_tei_child(sectag_tei_child(header, "encodingDesc"), "classDecl");
  if (!cd) return;
  size_t cap = 0;
  for (xmlNode *tx = cd->children; tx; tx = tx->next) {
    if (!sectag_tei_is(tx, "taxonomy")) continue;
    char *tid = sectag_tei_xml_id(tx);
    int groups = tid && strcmp(tid, "sectag-groups") == 0;
    free(tid);
    if (groups) continue;
    /* depth-first, in file order */
    xmlNode *n = tx->children;
    while (n) {
      if (sectag_tei_is(n, "category")) {
        char *id = sectag_tei_xml_id(n);
        if (id) {
          if (t->ncodes == cap) {
            cap = cap ? 2 * cap : 32;
            t->codes = sectag_xrealloc(t->codes, cap * sizeof *t->codes);
          }
          t->codes[t->ncodes++] = id;
        }
        if (n->children) {
          n = n->children;
          continue;
        }
      }
      while (n && !n->next) {
        n = n->parent;
        if (n == tx) n = NULL;
      }
      if (n) n = n->next;
    }
  }
}

/* standOff/spanGrp[@type="sectag-matches"]/span, resolved through the ids
 * of the body. */
static void S_spans(sectag_tei_doc *t, const S_build *b, xmlNode *tei) {
  size_t cap = 0;
  for (xmlNode *so = tei->children; so; so = so->next) {
    if (!sectag_tei_is(so, "standOff")) continue;
    for (xmlNode *g = so->children; g; g = g->next) {
      if (!sectag_tei_is(g, "spanGrp")) continue;
      char *gt = S_attr(g, "type");
      int ours = gt && strcmp(gt, "sectag-matches") == 0;
      free(gt);
      if (!ours) continue;
      for (xmlNode *s = g->children; s; s = s->next) {
        if (!sectag_tei_is(s, "span")) continue;
        char *ana = S_attr(s, "ana"), *target = S_attr(s, "target");
        char *from = S_attr(s, "from"), *to = S_attr(s, "to");
        const S_idpos *a = NULL, *z = NULL;
        if (target) {
          a = z = S_find_id(b, S_ref(target));
        } else {
          a = S_find_id(b, S_ref(from));
          z = S_find_id(b, S_ref(to));
        }
        const char *code = S_ref(ana);
        if (a && z && code && *code && a->start <= z->end) {
          if (t->nspans == cap) {
            cap = cap ? 2 * cap : 64;
            t->spans = sectag_xrealloc(t->spans, cap * sizeof *t->spans);
          }
          sectag_tei_span *sp = &t->spans[t->nspans++];
          sp->start = a->start;
          sp->end = z->end;
          sp->code = sectag_xstrdup(code);
          sp->rule = S_attr(s, "n");
        } else {
          t->unresolved++;
        }
        free(ana);
        free(target);
        free(from);
        free(to);
      }
    }
  }
}

/* ---- parsing: xmlsafe.c, with any DOCTYPE refused (sectag never writes
 * one, and refusing it rules out entity expansion) */

xmlDocPtr sectag_tei_parse(const char *path, const char *src, size_t len, sectag_error *err) {
  sectag_xml_diag d;
  /* HUGE: a paragraph may be longer than libxml2's 10 MB text-node limit;
   * safe because no DTD (and so no entity) gets past the DOCTYPE check */
  xmlDocPtr x = sectag_xml_parse(src, len, SECTAG_XML_NO_DOCTYPE | SECTAG_XML_HUGE, &d);
  if (d.doctype) {
    sectag_error_set(err, SECTAG_ERR_INPUT, path, 0, 0,
                     "has a DOCTYPE, which sectag code never writes; this is not a TEI file of "
                     "sectag code: run sectag code again");
  } else if (!x) {
    sectag_error_set(err, SECTAG_ERR_INPUT, path, d.line, d.col,
                     "not well-formed XML: %s; run sectag code again to rewrite it",
                     d.msg ? d.msg : d.empty ? "the file is empty" : "the parser gave up");
  }
  sectag_xml_diag_free(&d);
  return x;
}

xmlDocPtr sectag_tei_parse_file(const char *path, sectag_error *err) {
  char *src = NULL;
  size_t len = 0;
  if (sectag_read_file(path, &src, &len, err) != 0) return NULL;
  xmlDocPtr x = sectag_tei_parse(path, src, len, err);
  free(src);
  return x;
}

static void S_build_free(S_build *b) {
  sectag_buf_free(&b->text);
  free(b->hidden);
  free(b->turns);
  for (size_t i = 0; i < b->nids; i++) free(b->ids[i].id);
  free(b->ids);
  for (size_t i = 0; i < b->npersons; i++) free(b->person_ids[i]);
  free(b->person_ids);
  free(b->stack);
}

/* ---- the source's bytes, when they are at hand: the TEI body is the
 * document's text but for a UTF-8 BOM (left out) and the characters XML
 * forbids (C0 controls, U+FFFE, U+FFFF: written as U+FFFD). If the source
 * differs from the rebuilt text only there, the document takes the
 * source's bytes, and every position found in the TEI moves with them. */

typedef struct {
  size_t at;  /* positions >= at (in the TEI text) ... */
  long delta; /* ... move by this much in all (cumulative) */
} S_shift;

/* Aligns the TEI text with the source. Returns the shifts (owned; *n may
 * be 0 when nothing moves), or NULL when they differ otherwise. */
static S_shift *S_align(const char *tei, size_t tn, const char *src, size_t sn, size_t *n) {
  static const char fffd[] = "\xEF\xBF\xBD";
  size_t cap = 4, i = 0, j = 0;
  long delta = 0;
  S_shift *v = sectag_xmalloc(cap * sizeof *v);
  *n = 0;
  if (sn >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0) {
    j = 3;
    delta = 3;
    v[(*n)++] = (S_shift){0, delta};
  }
  while (i < tn && j < sn) {
    if (tei[i] == src[j] && (unsigned char)tei[i] != 0xEF) {
      i++, j++;
      continue;
    }
    if (i + 3 <= tn && memcmp(tei + i, fffd, 3) == 0 &&
        !(j + 3 <= sn && memcmp(src + j, fffd, 3) == 0)) {
      unsigned char c = (unsigned char)src[j];
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
        i += 3, j += 1;
        delta -= 2;
        if (*n == cap) v = sectag_xrealloc(v, (cap *= 2) * sizeof *v);
        v[(*n)++] = (S_shift){i, delta};
        continue;
      }
      if (j + 3 <= sn && memcmp(src + j, "\xEF\xBF", 2) == 0 &&
          ((unsigned char)src[j + 2] == 0xBE || (unsigned char)src[j + 2] == 0xBF)) {
        i += 3, j += 3; /* U+FFFE, U+FFFF: the same length */
        continue;
      }
    } else if (tei[i] == src[j]) {
      i++, j++;
      continue;
    }
    break;
  }
  if (i != tn || j != sn) {
    free(v);
    return NULL;
  }
  return v;
}

static size_t S_move(size_t pos, const S_shift *v, size_t n) {
  size_t lo = 0, hi = n; /* the last shift with at <= pos */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (v[mid].at <= pos)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo ? (size_t)((long)pos + v[lo - 1].delta) : pos;
}

int sectag_tei_doc_load(sectag_tei_doc *t, const char *path, const char *doc_id,
                        const char *source, size_t source_len, sectag_error *err) {
  memset(t, 0, sizeof *t);
  xmlDocPtr x = sectag_tei_parse_file(path, err);
  if (!x) return -1;
  xmlNode *tei = xmlDocGetRootElement(x);
  xmlNode *body = sectag_tei_child(sectag_tei_child(tei, "text"), "body");
  if (!sectag_tei_is(tei, "TEI") || !body) {
    sectag_error_set(err, SECTAG_ERR_INPUT, path, 0, 0,
                     "not a TEI file of sectag code (no <TEI><text><body>); run sectag code "
                     "again");
    xmlFreeDoc(x);
    return -1;
  }
  xmlNode *header = sectag_tei_child(tei, "teiHeader");
  S_taxonomy(t, header);

  S_build b;
  memset(&b, 0, sizeof b);
  b.doc = sectag_doc_new(doc_id, path);
  b.doc->format = "tei";
  S_persons(&b, header, t->codes, t->ncodes);
  S_walk(&b, body);
  const char *text = b.text.ptr ? b.text.ptr : "";
  size_t tlen = b.text.len, nshift = 0;
  S_shift *shift = source ? S_align(text, tlen, source, source_len, &nshift) : NULL;
  if (shift) {
    text = source;
    tlen = source_len;
    for (size_t i = 0; nshift && i < b.nhidden; i++) {
      b.hidden[i].start = S_move(b.hidden[i].start, shift, nshift);
      b.hidden[i].end = S_move(b.hidden[i].end, shift, nshift);
    }
    for (size_t i = 0; nshift && i < b.nturns; i++) {
      b.turns[i].start = S_move(b.turns[i].start, shift, nshift);
      b.turns[i].end = S_move(b.turns[i].end, shift, nshift);
    }
    for (size_t i = 0; nshift && i < b.nids; i++) {
      b.ids[i].start = S_move(b.ids[i].start, shift, nshift);
      b.ids[i].end = S_move(b.ids[i].end, shift, nshift);
    }
    free(shift);
  }
  sectag_sort(b.ids, b.nids, sizeof *b.ids, S_cmp_idpos);
  S_spans(t, &b, tei);
  xmlFreeDoc(x);

  int rc = sectag_doc_set_text(b.doc, text, tlen, err);
  if (rc == 0) {
    sectag_doc_hide_all(b.doc, b.hidden, b.nhidden);
    for (size_t i = 0; i < b.nturns; i++)
      if (i == 0 || b.turns[i].start >= b.turns[i - 1].end) /* sorted, apart */
        sectag_doc_add_turn(b.doc, b.turns[i].start, b.turns[i].end, b.turns[i].speaker);
    t->doc = b.doc;
  } else {
    sectag_doc_free(b.doc);
    sectag_tei_doc_free(t);
  }
  S_build_free(&b);
  return rc;
}

void sectag_tei_doc_free(sectag_tei_doc *t) {
  if (!t) return;
  sectag_doc_free(t->doc);
  for (size_t i = 0; i < t->nspans; i++) {
    free(t->spans[i].code);
    free(t->spans[i].rule);
  }
  free(t->spans);
  for (size_t i = 0; i < t->ncodes; i++) free(t->codes[i]);
  free(t->codes);
  memset(t, 0, sizeof *t);
}

/* ====================================================================== */
/* Lines                                                                   */

typedef struct {
  const sectag_kwic_options *opt;
  sectag_kwic *k;
  long c_doc_id, c_date, c_speaker, c_path, c_format, c_tokens_all;
  sectag_buf tmp;
  char **lkeys, **rkeys; /* sort keys, parallel to k->lines until sorted */
  size_t nkeys;
  size_t gave_up; /* documents on which --pattern hit a PCRE2 limit */
} S_run;

static const char *S_keep(sectag_kwic *k, char *s) {
  if (k->nstrings == k->capstrings) {
    k->capstrings = k->capstrings ? 2 * k->capstrings : 256;
    k->strings = sectag_xrealloc(k->strings, k->capstrings * sizeof *k->strings);
  }
  k->strings[k->nstrings++] = s;
  return s;
}

static int S_is_ws(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Original bytes [from, to) on one line: white-space runs become one space,
 * hidden text is left out (as in matches.csv's context columns). */
static char *S_flat(const sectag_doc *doc, size_t from, size_t to, sectag_buf *tmp) {
  sectag_buf_clear(tmp);
  int space = 0;
  for (size_t i = from; i < to; i++) {
    char c = doc->text[i];
    if (S_is_ws(c) || (doc->nhidden && sectag_doc_is_hidden(doc, i))) {
      space = tmp->len > 0;
      continue;
    }
    if (space) sectag_buf_putc(tmp, ' ');
    space = 0;
    sectag_buf_putc(tmp, c);
  }
  return sectag_xstrndup(tmp->ptr ? tmp->ptr : "", tmp->len);
}

/* The words among tokens [a, b), nearest to the keyword first (from b - 1
 * down when backwards, for the left context), each case-folded and without
 * accents, joined by \x01 (below every character, so "war" sorts before
 * "warfare"): a sort key. Punctuation is skipped. */
static char *S_key(const sectag_doc *doc, size_t a, size_t b, int backwards, sectag_buf *tmp) {
  sectag_buf_clear(tmp);
  for (size_t j = 0; j < b - a; j++) {
    size_t i = backwards ? b - 1 - j : a + j;
    const sectag_token *t = &doc->tokens[i];
    if (t->kind != SECTAG_TOKEN_WORD) continue;
    if (tmp->len) sectag_buf_putc(tmp, '\x01');
    sectag_normalize(doc->text + t->start, t->end - t->start, 1, 1, tmp);
  }
  return sectag_xstrndup(tmp->ptr ? tmp->ptr : "", tmp->len);
}


static void S_add_line(S_run *r, const sectag_doc *doc, size_t row, const char *code,
                       size_t start, size_t end) {
  sectag_kwic *k = r->k;
  size_t win = r->opt->window;
  /* tokens as match.c counts them */
  size_t first = sectag_doc_token_after(doc, start), last = sectag_doc_token_after(doc, end);
  if (last < doc->ntokens && doc->tokens[last].start < end) last++;
  if (last < first) last = first;
  if (k->nlines == k->caplines) {
    k->caplines = k->caplines ? 2 * k->caplines : 256;
    k->lines = sectag_xrealloc(k->lines, k->caplines * sizeof *k->lines);
    r->lkeys = sectag_xrealloc(r->lkeys, k->caplines * sizeof *r->lkeys);
    r->rkeys = sectag_xrealloc(r->rkeys, k->caplines * sizeof *r->rkeys);
  }
  sectag_kwic_line *l = &k->lines[k->nlines];
  memset(l, 0, sizeof *l);
  l->doc = row;
  l->doc_id = sectag_table_get(&k->table, row, r->c_doc_id);
  l->date = sectag_table_get(&k->table, row, r->c_date);
  l->code = code ? S_keep(k, sectag_xstrdup(code)) : "";
  l->start = start;
  l->end = end;
  /* the speaker: the turn of the first token, as in matches.csv */
  int in_doc = first < doc->ntokens;
  uint32_t turn = doc->tok_turn && in_doc ? doc->tok_turn[first] : UINT32_MAX;
  if (turn != UINT32_MAX)
    l->speaker = S_keep(k, sectag_xstrdup(doc->speakers[doc->turns[turn].speaker].id));
  else
    l->speaker = sectag_table_get(&k->table, row, r->c_speaker);
  l->keyword = S_keep(k, sectag_xstrndup(doc->text + start, end - start));
  l->keyword_flat = S_keep(k, S_flat(doc, start, end, &r->tmp));
  /* context: up to `win` tokens, within the match's turn */
  size_t a = first > win ? first - win : 0;
  while (doc->tok_turn && a < first && doc->tok_turn[a] != turn) a++;
  size_t b = last + win < doc->ntokens ? last + win : doc->ntokens;
  if (b < last) b = last;
  while (doc->tok_turn && b > last && doc->tok_turn[b - 1] != turn) b--;
  l->left = S_keep(k, a < first ? S_flat(doc, doc->tokens[a].start, doc->tokens[first - 1].end,
                                         &r->tmp)
                                 : sectag_xstrdup(""));
  l->right = S_keep(k, last < b ? S_flat(doc, doc->tokens[last].start, doc->tokens[b - 1].end,
                                         &r->tmp)
                                : sectag_xstrdup(""));
  r->lkeys[k->nlines] = r->opt->sort == SECTAG_KWIC_SORT_LEFT ? S_key(doc, a, first, 1, &r->tmp)
                                                               : NULL;
  r->rkeys[k->nlines] = r->opt->sort == SECTAG_KWIC_SORT_RIGHT ? S_key(doc, last, b, 0, &r->tmp)
                                                                : NULL;
  r->nkeys = ++k->nlines;
}

/* ---- sorting: a total order, so the output never depends on qsort */

typedef struct {
  const sectag_kwic_line *l;
  const char *key;
  size_t i; /* the order found */
} S_sortrec;

static int S_cmp_pos(const S_sortrec *x, const S_sortrec *y) {
  if (x->l->doc != y->l->doc) return x->l->doc < y->l->doc ? -1 : 1;
  if (x->l->start != y->l->start) return x->l->start < y->l->start ? -1 : 1;
  if (x->l->end != y->l->end) return x->l->end > y->l->end ? -1 : 1; /* outer first */
  int c = strcmp(x->l->code, y->l->code);
  if (c) return c;
  return x->i < y->i ? -1 : x->i > y->i;
}

static int S_cmp_sort(const void *a, const void *b) {
  const S_sortrec *x = a, *y = b;
  if (x->key && y->key) {
    int c = strcmp(x->key, y->key);
    if (c) return c;
  }
  return S_cmp_pos(x, y);
}

static void S_sort(S_run *r) {
  sectag_kwic *k = r->k;
  if (k->nlines == 0) return;
  S_sortrec *v = sectag_xcalloc(k->nlines, sizeof *v);
  for (size_t i = 0; i < k->nlines; i++)
    v[i] = (S_sortrec){&k->lines[i], r->lkeys[i] ? r->lkeys[i] : r->rkeys[i], i};
  sectag_sort(v, k->nlines, sizeof *v, S_cmp_sort);
  size_t n = r->opt->limit && r->opt->limit < k->nlines ? r->opt->limit : k->nlines;
  sectag_kwic_line *sorted = sectag_xcalloc(n ? n : 1, sizeof *sorted);
  for (size_t i = 0; i < n; i++) sorted[i] = *v[i].l;
  free(v);
  free(k->lines);
  k->lines = sorted;
  k->nlines = n;
  k->caplines = n;
}

/* ====================================================================== */
/* The run                                                                 */

char *sectag_kwic_pattern_codebook(const char *pattern, int accents_sensitive) {
  sectag_buf y = SECTAG_BUF_INIT;
  sectag_buf_printf(&y,
                    "sectag: 1\nname: kwic\naccents: %s\ncodes:\n  kwic:\n    label: "
                    "'--pattern'\n    patterns:\n      - '",
                    accents_sensitive ? "sensitive" : "insensitive");
  /* a single-quoted YAML scalar: only ' needs escaping, as '' */
  for (const char *p = pattern; *p; p++) {
    if (*p == '\'') sectag_buf_putc(&y, '\'');
    sectag_buf_putc(&y, *p);
  }
  sectag_buf_puts(&y, "'\n");
  return sectag_buf_detach(&y);
}

/* A matcher error or warning about the one rule, said about --pattern. */
static void S_pattern_error(sectag_error *e) {
  static const char prefix[] = "rule 'kwic#1' (code kwic): ";
  const char *m = e->message ? e->message : "";
  if (strncmp(m, prefix, sizeof prefix - 1) == 0) m += sizeof prefix - 1;
  char *msg = NULL;
  sectag_buf b = SECTAG_BUF_INIT;
  sectag_buf_printf(&b, "--pattern: %s", m);
  msg = sectag_buf_detach(&b);
  free(e->message);
  e->message = msg;
  free(e->path);
  e->path = NULL;
  e->line = e->col = 0;
}

static sectag_matcher *S_pattern_matcher(const sectag_kwic_options *opt, sectag_codebook **cbp,
                                         sectag_error *err) {
  *cbp = NULL;
  for (const unsigned char *p = (const unsigned char *)opt->pattern; *p; p++)
    if (*p < 0x20 && *p != '\t') {
      sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0,
                       "--pattern: the pattern holds a control character (U+%04X); write it "
                       "as \\x{%X} or, for a line break, as a space (the text's white space "
                       "is one space)",
                       *p, *p);
      return NULL;
    }
  if (!*opt->pattern) {
    sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0, "--pattern: the pattern is empty");
    return NULL;
  }
  char *yaml = sectag_kwic_pattern_codebook(opt->pattern, opt->accents_sensitive);
  sectag_codebook *cb = sectag_codebook_parse(yaml, strlen(yaml), "--pattern", err);
  free(yaml);
  if (!cb) {
    S_pattern_error(err);
    err->code = SECTAG_ERR_USAGE;
    return NULL;
  }
  sectag_matcher *m = sectag_matcher_new(cb, err);
  if (!m) {
    S_pattern_error(err);
    err->code = SECTAG_ERR_USAGE;
    sectag_codebook_free(cb);
    return NULL;
  }
  for (size_t i = 0; i < sectag_matcher_warning_count(m); i++) {
    sectag_error w = SECTAG_ERROR_INIT;
    sectag_error_copy(&w, sectag_matcher_warning(m, i));
    S_pattern_error(&w);
    if (opt->report) opt->report(opt->userdata, &w);
    sectag_error_clear(&w);
  }
  *cbp = cb;
  return m;
}

static void S_report(const sectag_kwic_options *opt, const sectag_error *e) {
  if (opt->report) opt->report(opt->userdata, e);
}

char *sectag_outdir_source(const sectag_table *docs, size_t row, long c_format, long c_path,
                           size_t *len) {
  const char *format = sectag_table_get(docs, row, c_format);
  if (strcmp(format, "txt") != 0 && strcmp(format, "md") != 0) return NULL;
  const char *path = sectag_table_get(docs, row, c_path);
  if (!*path) return NULL;
  char *bytes = NULL;
  sectag_error e = SECTAG_ERROR_INIT;
  if (sectag_read_file(path, &bytes, len, &e) != 0) bytes = NULL; /* gone: the TEI will do */
  sectag_error_clear(&e);
  return bytes;
}

int sectag_outdir_check(const char *outdir, const char *no_tei_hint, sectag_error *err) {
  struct stat st;
  const char *why = NULL;
  char *docs = sectag_path_join(outdir, "documents.csv", NULL);
  char *tei = sectag_path_join(outdir, "tei", NULL);
  if (stat(outdir, &st) != 0)
    why = "the folder does not exist";
  else if (!S_ISDIR(st.st_mode))
    why = "it is not a folder";
  else if (stat(docs, &st) != 0)
    why = "documents.csv is missing";
  else if (stat(tei, &st) != 0 || !S_ISDIR(st.st_mode))
    why = "the tei folder is missing";
  free(docs);
  free(tei);
  if (!why) return 0;
  int tei_missing = strcmp(why, "the tei folder is missing") == 0;
  sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0,
                   "%s is not an OUTDIR of sectag code: %s%s%s; run sectag code first", outdir, why,
                   tei_missing && no_tei_hint ? " " : "", tei_missing && no_tei_hint ? no_tei_hint : "");
  return -1;
}

int sectag_outdir_safe_id(const char *id) {
  if (!*id || id[0] == '/') return 0;
  for (const char *p = id; *p;) {
    size_t n = strcspn(p, "/");
    if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.') || n == 0) return 0;
    p += n;
    if (*p == '/') p++;
  }
  return 1;
}

/* Whether a span's code is CODE or one of its sub-codes. */
static int S_code_in(const char *code, const char *want) {
  size_t n = strlen(want);
  return strncmp(code, want, n) == 0 && (code[n] == '\0' || code[n] == '.');
}

static int S_has_prefix_ci(const char *s, const char *prefix, size_t n) {
  for (size_t i = 0; i < n; i++) {
    char a = s[i], b = prefix[i];
    if (!a) return 0;
    if (a >= 'A' && a <= 'Z') a = (char)(a + 32);
    if (b >= 'A' && b <= 'Z') b = (char)(b + 32);
    if (a != b) return 0;
  }
  return 1;
}

/* The error for a code that is not in the taxonomy: codes that share its
 * longest prefix (by dotted parts, then by characters), else the top-level
 * codes. */
static void S_unknown_code(const char *outdir, const char *code, const sectag_tei_doc *t,
                           sectag_error *err) {
  sectag_buf list = SECTAG_BUF_INIT;
  size_t shown = 0;
  /* the longest prefix of `code` that starts some codes */
  size_t n = strlen(code);
  for (; n > 0 && !shown; n--) {
    for (size_t i = 0; i < t->ncodes && shown < 12; i++)
      if (S_has_prefix_ci(t->codes[i], code, n)) {
        sectag_buf_printf(&list, "%s%s", shown ? ", " : "", t->codes[i]);
        shown++;
      }
    if (shown) break;
  }
  if (shown) {
    sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0,
                     "unknown code '%s': it is not in the codebook of %s; similar codes: %s",
                     code, outdir, list.ptr);
  } else {
    for (size_t i = 0; i < t->ncodes; i++)
      if (!strchr(t->codes[i], '.')) {
        sectag_buf_printf(&list, "%s%s", shown ? ", " : "", t->codes[i]);
        shown++;
      }
    sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0,
                     "unknown code '%s': it is not in the codebook of %s; the top-level codes "
                     "are: %s",
                     code, outdir, shown ? list.ptr : "(none)");
  }
  sectag_buf_free(&list);
}

/* Documents named when a --pattern gives up (one line each), before a
 * count of the others. */
#define S_MAX_GAVE_UP 3

static int S_has_code(const sectag_tei_doc *t, const char *code) {
  for (size_t i = 0; i < t->ncodes; i++)
    if (strcmp(t->codes[i], code) == 0) return 1;
  return 0;
}

/* Loads the document of documents.csv row `row` from OUTDIR/tei. Returns
 * 0, or -1 after reporting why not. */
static int S_load_row(S_run *r, size_t row, sectag_tei_doc *t) {
  sectag_kwic *k = r->k;
  const char *doc_id = sectag_table_get(&k->table, row, r->c_doc_id);
  sectag_error e = SECTAG_ERROR_INIT;
  int rc;
  memset(t, 0, sizeof *t);
  if (!sectag_outdir_safe_id(doc_id)) {
    sectag_error_set(&e, SECTAG_ERR_INPUT, k->table.path, k->table.lines[row], 0,
                     "the doc_id '%s' is not a safe file name; skipped", doc_id);
    rc = -1;
  } else {
    char *dir = sectag_path_join(r->opt->outdir, "tei/", NULL);
    char *path = sectag_path_join(dir, doc_id, ".xml");
    size_t slen = 0;
    char *src = sectag_outdir_source(&r->k->table, row, r->c_format, r->c_path, &slen);
    rc = sectag_tei_doc_load(t, path, doc_id, src, slen, &e);
    free(src);
    free(path);
    free(dir);
  }
  if (rc != 0) S_report(r->opt, &e);
  sectag_error_clear(&e);
  return rc;
}

/* A cheap check that the TEI file is the one documents.csv describes: the
 * same number of words. */
static void S_check_words(const S_run *r, size_t row, const sectag_doc *doc) {
  if (r->c_tokens_all < 0) return;
  const char *want = sectag_table_get(&r->k->table, row, r->c_tokens_all);
  char *end = NULL;
  unsigned long long nw = strtoull(want, &end, 10);
  if (!*want || !end || *end || nw == doc->nwords) return;
  sectag_error e = SECTAG_ERROR_INIT;
  sectag_error_set(&e, SECTAG_WARNING, doc->path, 0, 0,
                   "the text rebuilt from this file has %zu words, documents.csv says %llu; "
                   "the file may be from another run, and lines may be off",
                   doc->nwords, nw);
  S_report(r->opt, &e);
  sectag_error_clear(&e);
}

/* --pattern hit a PCRE2 limit on a document. The rule's error names a
 * codebook line; this says it of --pattern, and only for the first few
 * documents (a pattern that backtracks fails on most). */
static void S_gave_up(S_run *r, const char *doc_id, sectag_error *e) {
  if (++r->gave_up <= S_MAX_GAVE_UP) {
    const char *why = e->message ? strstr(e->message, "gave up: ") : NULL;
    char *reason = why ? sectag_xstrndup(why + 9, strcspn(why + 9, ";")) : NULL;
    sectag_error_set(e, SECTAG_ERR_MATCH, NULL, 0, 0,
                     "%s: --pattern gave up on this document: %s; simplify the pattern", doc_id,
                     reason ? reason : "a PCRE2 limit");
    free(reason);
    S_report(r->opt, e);
  }
  sectag_error_clear(e);
}

sectag_status sectag_kwic_run(const sectag_kwic_options *opt, sectag_kwic *k,
                              sectag_error *err) {
  memset(k, 0, sizeof *k);
  if (!opt->outdir || (!opt->code) == (!opt->pattern)) {
    sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0,
                     "give an OUTDIR and one of --code CODE and --pattern REGEX");
    return SECTAG_ERR_USAGE;
  }
  if (opt->window < 1 || opt->window > SECTAG_KWIC_WINDOW_MAX) {
    sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0,
                     "--window must be from 1 to %d tokens", SECTAG_KWIC_WINDOW_MAX);
    return SECTAG_ERR_USAGE;
  }
  if (sectag_outdir_check(opt->outdir, NULL, err) != 0) return SECTAG_ERR_USAGE;

  S_run r;
  memset(&r, 0, sizeof r);
  r.opt = opt;
  r.k = k;
  sectag_codebook *cb = NULL;
  sectag_matcher *m = NULL;
  if (opt->pattern && !(m = S_pattern_matcher(opt, &cb, err))) return SECTAG_ERR_USAGE;

  char *docs = sectag_path_join(opt->outdir, "documents.csv", NULL);
  int rc = sectag_table_load(&k->table, docs, err);
  free(docs);
  if (rc == 0 && (r.c_doc_id = sectag_table_col(&k->table, "doc_id")) < 0) {
    sectag_error_set(err, SECTAG_ERR_USAGE, k->table.path, 1, 0,
                     "no doc_id column; this is not a documents.csv of sectag code");
    rc = -1;
  }
  if (rc != 0) {
    err->code = SECTAG_ERR_USAGE;
    sectag_matcher_free(m);
    sectag_codebook_free(cb);
    sectag_kwic_free(k);
    return SECTAG_ERR_USAGE;
  }
  r.c_date = sectag_table_col(&k->table, "date");
  r.c_speaker = sectag_table_col(&k->table, "speaker");
  r.c_path = sectag_table_col(&k->table, "path");
  r.c_format = sectag_table_col(&k->table, "format");
  r.c_tokens_all = sectag_table_col(&k->table, "tokens_all");

  sectag_status status = SECTAG_OK;
  int code_checked = 0;
  sectag_error derr = SECTAG_ERROR_INIT;
  for (size_t row = 0; row < k->table.nrows; row++) {
    sectag_tei_doc t;
    if (S_load_row(&r, row, &t) != 0) {
      k->failed++;
      continue;
    }
    k->documents++;
    sectag_doc *doc = t.doc;
    if (opt->code && !code_checked) {
      /* every document of one run has the same taxonomy: the first one
       * says whether the code exists */
      code_checked = 1;
      if (!S_has_code(&t, opt->code)) {
        S_unknown_code(opt->outdir, opt->code, &t, err);
        status = SECTAG_ERR_USAGE;
        sectag_tei_doc_free(&t);
        break;
      }
    }
    if (t.unresolved) {
      sectag_error_set(&derr, SECTAG_WARNING, doc->path, 0, 0,
                       "%zu stand-off span%s point to no <seg> or <anchor> of the body; "
                       "left out",
                       t.unresolved, t.unresolved == 1 ? "" : "s");
      S_report(opt, &derr);
      sectag_error_clear(&derr);
    }
    size_t wanted = 0;
    for (size_t i = 0; opt->code && i < t.nspans; i++)
      wanted += (size_t)S_code_in(t.spans[i].code, opt->code);
    int tokenized = 0;
    if (opt->pattern) {
      if (sectag_doc_code(doc, m, &derr) != 0) {
        S_gave_up(&r, doc->doc_id, &derr);
        k->failed++;
        sectag_tei_doc_free(&t);
        continue;
      }
      tokenized = 1;
      for (size_t i = 0; i < doc->nmatches; i++)
        S_add_line(&r, doc, row, NULL, doc->matches[i].start, doc->matches[i].end);
    } else if (wanted || opt->on_doc) { /* no lines, no need for tokens */
      sectag_doc_tokenize(doc, 1);
      tokenized = 1;
      for (size_t i = 0; i < t.nspans; i++)
        if (S_code_in(t.spans[i].code, opt->code))
          S_add_line(&r, doc, row, t.spans[i].code, t.spans[i].start, t.spans[i].end);
    }
    if (tokenized) S_check_words(&r, row, doc);
    if (tokenized && opt->on_doc) opt->on_doc(opt->userdata, doc);
    sectag_tei_doc_free(&t);
  }
  if (r.gave_up > S_MAX_GAVE_UP) {
    size_t more = r.gave_up - S_MAX_GAVE_UP;
    sectag_error_set(&derr, SECTAG_ERR_MATCH, NULL, 0, 0,
                     "--pattern gave up on %zu more document%s", more, more == 1 ? "" : "s");
    S_report(opt, &derr);
    sectag_error_clear(&derr);
  }
  if (status == SECTAG_OK) S_sort(&r); /* before the keys are freed */
  for (size_t i = 0; i < r.nkeys; i++) {
    free(r.lkeys[i]);
    free(r.rkeys[i]);
  }
  free(r.lkeys);
  free(r.rkeys);
  sectag_matcher_free(m);
  sectag_codebook_free(cb);
  sectag_buf_free(&r.tmp);
  if (status == SECTAG_ERR_USAGE) {
    sectag_kwic_free(k);
    return status;
  }
  return k->failed ? SECTAG_ERR_INPUT : SECTAG_OK;
}

void sectag_kwic_free(sectag_kwic *k) {
  if (!k) return;
  free(k->lines);
  for (size_t i = 0; i < k->nstrings; i++) free(k->strings[i]);
  free(k->strings);
  sectag_table_free(&k->table);
  memset(k, 0, sizeof *k);
}
