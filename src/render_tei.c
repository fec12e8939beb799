/* render_tei.c: one TEI P5 document per input (libxml2 xmlTextWriter).
 *
 *   teiHeader   title (doc_id), respStmt naming sectag, the source path, and
 *               the codebook as a taxonomy of nested categories
 *   text/body   <p> per paragraph, <s xml:id="sN"> per sentence; a match
 *               inside one sentence is wrapped in <seg xml:id="mN" type=...
 *               ana="#CODE">; a match that crosses sentences, or that would
 *               cross another seg, gets <anchor xml:id="mN.start"/> and
 *               <anchor xml:id="mN.end"/> instead
 *   standOff    one <span> per match: ana, target (seg) or from/to (anchors),
 *               and the rule id in n
 *
 * The body's text is the original text: only characters XML 1.0 forbids are
 * replaced (by U+FFFD, with a warning). */
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "error.h"
#include "render.h"
#include "speakers.h"

#define TEI_NS "http://www.tei-c.org/ns/1.0"

/* A piece of TEI that libxml2's writer wrote once, with "@N@" where a
 * number went: the text is piece[0], a number, piece[1] (and for two
 * numbers, another number and piece[2]). */
#define S_SLOT "@N@"
typedef struct {
  char *piece[3];
  size_t len[3];
  size_t n; /* pieces */
} S_tmpl;

struct sectag_tei_shared {
  char *categories; /* the codebook's categories as written in the taxonomy */
  size_t len;
  /* the elements written for every sentence and match (see S_body and
   * S_standoff), made by libxml2 once per run in the same context */
  S_tmpl s_open, s_close;          /* <s xml:id="sN">, </s> */
  S_tmpl anchor[2];                /* <anchor xml:id="mN.start"/>, ...end */
  S_tmpl *seg_open;                /* per code: <seg xml:id="mN" type ana> */
  S_tmpl seg_close;                /* </seg> */
  S_tmpl *span_seg, *span_anchors; /* per rule: a standOff span line */
  size_t ncodes, nrules;
};

typedef struct {
  xmlTextWriterPtr w;
  sectag_doc *doc;
  sectag_buf scratch;
  size_t bad_chars;     /* characters replaced */
  size_t first_bad_off; /* where the first one was */
  unsigned long first_bad_cp;
  int rc; /* < 0 once libxml2 failed */
  char **person_ids; /* per speaker: its xml:id in this file */
  char **code_refs;  /* per code: "#ID", the value of ana */
  const sectag_tei_shared *shared; /* what every file shares, or NULL */
  sectag_buf raw; /* text and elements made of templates, not yet handed to
                     the writer (one hand-over per run of them) */
  char *group_id;    /* the group's category xml:id */
} S_tei;

#define X(call)                                                                          \
  do {                                                                                   \
    if ((call) < 0) t->rc = -1;                                                          \
  } while (0)

/* Bytes S_plain must look at: control characters, what XML escapes in text,
 * and 0xEF (U+FFFE and U+FFFF begin with it). */
static const unsigned char S_special[256] = {
    [0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1, [0x06] = 1,
    [0x07] = 1, [0x08] = 1, [0x0B] = 1, [0x0C] = 1, [0x0D] = 1, [0x0E] = 1, [0x0F] = 1,
    [0x10] = 1, [0x11] = 1, [0x12] = 1, [0x13] = 1, [0x14] = 1, [0x15] = 1, [0x16] = 1,
    [0x17] = 1, [0x18] = 1, [0x19] = 1, [0x1A] = 1, [0x1B] = 1, [0x1C] = 1, [0x1D] = 1,
    [0x1E] = 1, [0x1F] = 1, ['&'] = 1,  ['<'] = 1,  ['>'] = 1,  ['"'] = 1,  [0xEF] = 1};

/* Writes original bytes [a, b) as text, replacing what XML 1.0 forbids.
 * The escaping is xmlTextWriterWriteString's (xmlEncodeSpecialChars: & < >
 * " and CR), done here in the same pass that looks for forbidden
 * characters, and the result goes to the writer as is: one copy of the
 * text instead of three. */
static void S_plain(S_tei *t, size_t a, size_t b) {
  if (a >= b) return;
  const unsigned char *s = (const unsigned char *)t->doc->text;
  sectag_buf *out = &t->raw;
  for (size_t i = a; i < b; i++) {
    /* copy the run of ordinary bytes up to the next one to look at */
    size_t run = i;
    while (run < b && !S_special[s[run]]) run++;
    if (run > i) {
      sectag_buf_put(out, s + i, run - i);
      i = run;
      if (i >= b) break;
    }
    unsigned char c = s[i];
    switch (c) {
    case '&': sectag_buf_put(out, "&amp;", 5); continue;
    case '<': sectag_buf_put(out, "&lt;", 4); continue;
    case '>': sectag_buf_put(out, "&gt;", 4); continue;
    case '"': sectag_buf_put(out, "&quot;", 6); continue;
    case '\r': sectag_buf_put(out, "&#13;", 5); continue;
    default: break;
    }
    int bad = 0;
    unsigned long cp = c;
    if (c < 0x20) bad = 1;
    /* U+FFFE and U+FFFF: EF BF BE / EF BF BF */
    if (c == 0xEF && i + 2 < b && s[i + 1] == 0xBF && (s[i + 2] == 0xBE || s[i + 2] == 0xBF)) {
      bad = 3;
      cp = s[i + 2] == 0xBE ? 0xFFFE : 0xFFFF;
    }
    if (bad) {
      if (t->bad_chars++ == 0) {
        t->first_bad_off = i;
        t->first_bad_cp = cp;
      }
      sectag_buf_puts(out, "\xEF\xBF\xBD");
      i += (size_t)bad - 1;
      continue;
    }
    sectag_buf_putc(out, c);
  }
}

/* Hands what S_plain and the templates wrote to the writer: before any
 * other call of the writer, so that everything stays in order. (The raw
 * bytes close a start tag the writer has open, as its own calls do.) */
static void S_flush(S_tei *t) {
  if (!t->raw.len) return;
  X(xmlTextWriterWriteRawLen(t->w, (const xmlChar *)t->raw.ptr, (int)t->raw.len));
  sectag_buf_clear(&t->raw);
}

static const char *S_hidden_name(sectag_hidden_kind k) {
  switch (k) {
  case SECTAG_HIDDEN_LABEL:
    return "speaker";
  case SECTAG_HIDDEN_TITLE:
    return "title";
  case SECTAG_HIDDEN_DATE:
    return "date";
  case SECTAG_HIDDEN_IMAGE:
    return "image";
  default:
    return "markup";
  }
}

/* Writes original bytes [a, b): hidden parts (labels, titles, images...)
 * become <note type="KIND">, so the body still holds every byte of the
 * source, and what was not coded is marked as such. */
static void S_text(S_tei *t, size_t a, size_t b) {
  const sectag_doc *d = t->doc;
  size_t lo = 0, hi = d->nhidden; /* first hidden range ending after a */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (d->hidden[mid].end <= a)
      lo = mid + 1;
    else
      hi = mid;
  }
  size_t i = a;
  for (size_t h = lo; h < d->nhidden && d->hidden[h].start < b; h++) {
    size_t hs = d->hidden[h].start > i ? d->hidden[h].start : i;
    size_t he = d->hidden[h].end < b ? d->hidden[h].end : b;
    S_plain(t, i, hs);
    S_flush(t);
    if (xmlTextWriterStartElement(t->w, BAD_CAST "note") < 0 ||
        xmlTextWriterWriteAttribute(t->w, BAD_CAST "type",
                                    BAD_CAST S_hidden_name(d->hidden[h].kind)) < 0)
      t->rc = -1;
    S_plain(t, hs, he);
    S_flush(t);
    if (xmlTextWriterEndElement(t->w) < 0) t->rc = -1;
    i = he;
  }
  S_plain(t, i, b);
}

/* A copy of a header string (a title, a label, a metadata value) with the
 * characters XML 1.0 forbids replaced by U+FFFD (found by fuzzing). */
static char *S_clean(const char *s) {
  const unsigned char *q = (const unsigned char *)s;
  while (*q >= 0x20 && *q != 0xEF) q++;
  if (!*q) return NULL; /* nothing to replace: the caller uses s */
  sectag_buf b = SECTAG_BUF_INIT;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
      sectag_buf_puts(&b, "\xEF\xBF\xBD");
    else if (p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF)) {
      sectag_buf_puts(&b, "\xEF\xBF\xBD");
      p += 2;
    } else
      sectag_buf_putc(&b, *p);
  }
  return sectag_buf_detach(&b);
}

static void S_elem_text(S_tei *t, const char *name, const char *text) {
  S_flush(t);
  char *c = S_clean(text);
  X(xmlTextWriterWriteElement(t->w, BAD_CAST name, BAD_CAST(c ? c : text)));
  free(c);
}

static void S_attr(S_tei *t, const char *name, const char *value) {
  S_flush(t);
  char *c = S_clean(value);
  X(xmlTextWriterWriteAttribute(t->w, BAD_CAST name, BAD_CAST(c ? c : value)));
  free(c);
}

/* An attribute whose value holds nothing XML would escape: an id or a
 * pointer built from code ids (XML names, checked by the codebook reader)
 * and numbers. Written as it is, without a scan for what to escape. */
static void S_attr_safe(S_tei *t, const char *name, const char *value, size_t len) {
  S_flush(t);
  X(xmlTextWriterStartAttribute(t->w, BAD_CAST name));
  X(xmlTextWriterWriteRawLen(t->w, BAD_CAST value, (int)len));
  X(xmlTextWriterEndAttribute(t->w));
}

/* PREFIX, n in decimal and SUFFIX into buf (room for 64 bytes); returns the
 * length. The ids of sentences and matches: s12, m3, #m3.start. */
static size_t S_fmt_id(char *buf, const char *prefix, size_t n, const char *suffix) {
  size_t len = strlen(prefix);
  memcpy(buf, prefix, len);
  char digits[24];
  size_t k = 0;
  do {
    digits[k++] = (char)('0' + n % 10);
    n /= 10;
  } while (n);
  while (k) buf[len++] = digits[--k];
  size_t sl = strlen(suffix);
  memcpy(buf + len, suffix, sl + 1);
  return len + sl;
}

static void S_start(S_tei *t, const char *name) {
  S_flush(t);
  X(xmlTextWriterStartElement(t->w, BAD_CAST name));
}

static void S_end(S_tei *t) {
  S_flush(t);
  X(xmlTextWriterEndElement(t->w));
}

/* ------------------------------------------------------------ templates
 * The elements of every sentence and match. Each is written by the writer
 * (S_s_open ... S_span) when there is no sectag_tei_shared; with one, the
 * bytes the writer wrote for it once, with "@N@" for its numbers, are
 * copied with the numbers filled in (S_put). Either way the bytes are the
 * writer's. */
static void S_s_open(S_tei *t, const char *id, size_t len) {
  S_start(t, "s");
  S_attr_safe(t, "xml:id", id, len);
}

static void S_seg_open(S_tei *t, const sectag_codebook *cb, size_t code, const char *id,
                       size_t len) {
  S_start(t, "seg");
  S_attr_safe(t, "xml:id", id, len);
  const char *pol = sectag_polarity_name(cb->codes[code].polarity);
  S_attr_safe(t, "type", pol, strlen(pol));
  const char *ref = t->code_refs[code];
  S_attr_safe(t, "ana", ref, strlen(ref));
}

static void S_anchor(S_tei *t, const char *id, size_t len) {
  S_start(t, "anchor");
  S_attr_safe(t, "xml:id", id, len);
  S_end(t);
}

/* A span of the standOff: target (a seg) or from and to (anchors). */
static void S_span(S_tei *t, const sectag_codebook *cb, size_t rule, const char *target,
                   size_t tlen, const char *from, size_t flen, const char *to, size_t tolen) {
  size_t code = cb->rules[rule].code;
  S_start(t, "span");
  const char *pol = sectag_polarity_name(cb->codes[code].polarity);
  S_attr_safe(t, "type", pol, strlen(pol));
  const char *ref = t->code_refs[code];
  S_attr_safe(t, "ana", ref, strlen(ref));
  if (target) {
    S_attr_safe(t, "target", target, tlen);
  } else {
    S_attr_safe(t, "from", from, flen);
    S_attr_safe(t, "to", to, tolen);
  }
  S_attr(t, "n", cb->rules[rule].id);
  S_end(t);
}

/* Template x with a (and b) in its slots, after what is waiting. */
static void S_put(S_tei *t, const S_tmpl *x, size_t a, size_t b) {
  sectag_buf_put(&t->raw, x->piece[0], x->len[0]);
  if (x->n > 1) {
    sectag_buf_put_size(&t->raw, a);
    sectag_buf_put(&t->raw, x->piece[1], x->len[1]);
  }
  if (x->n > 2) {
    sectag_buf_put_size(&t->raw, b);
    sectag_buf_put(&t->raw, x->piece[2], x->len[2]);
  }
}

/* <bibl><title>TITLE</title><idno type="path">PATH</idno>
 * <note type="accents">ACCENTS</note></bibl>, for the source text and for
 * the codebook; PATH and ACCENTS may be NULL. */
static void S_bibl(S_tei *t, const char *title, const char *path, const char *accents) {
  S_start(t, "bibl");
  S_elem_text(t, "title", title);
  if (path) {
    S_start(t, "idno");
    S_attr(t, "type", "path");
    X(xmlTextWriterWriteString(t->w, BAD_CAST path));
    S_end(t);
  }
  if (accents) {
    S_start(t, "note");
    S_attr(t, "type", "accents");
    X(xmlTextWriterWriteString(t->w, BAD_CAST accents));
    S_end(t);
  }
  S_end(t);
}

static void S_category(S_tei *t, const sectag_codebook *cb, size_t i) {
  const sectag_code *c = &cb->codes[i];
  S_start(t, "category");
  S_attr(t, "xml:id", c->id);
  S_attr(t, "n", sectag_polarity_name(c->polarity));
  S_start(t, "catDesc");
  X(xmlTextWriterSetIndent(t->w, 0)); /* mixed content */
  S_elem_text(t, "term", c->label);
  if (c->definition) {
    X(xmlTextWriterWriteString(t->w, BAD_CAST ": "));
    X(xmlTextWriterWriteString(t->w, BAD_CAST c->definition));
  }
  S_end(t);
  X(xmlTextWriterWriteRaw(t->w, BAD_CAST "\n"));
  X(xmlTextWriterSetIndent(t->w, 1));
  for (size_t j = 0; j < cb->ncodes; j++)
    if (cb->codes[j].parent == (long)i) S_category(t, cb, j);
  S_end(t);
}

static void S_header(S_tei *t, const sectag_codebook *cb) {
  sectag_doc *d = t->doc;
  char num[64];
  S_start(t, "teiHeader");
  S_start(t, "fileDesc");
  S_start(t, "titleStmt");
  S_elem_text(t, "title", d->title ? d->title : d->doc_id);
  S_start(t, "respStmt");
  S_elem_text(t, "resp", "Automatic coding");
  S_elem_text(t, "name", "sectag " SECTAG_VERSION);
  S_end(t);
  S_end(t); /* titleStmt */
  S_start(t, "extent");
  S_start(t, "measure");
  S_attr(t, "unit", "words");
  snprintf(num, sizeof num, "%zu", d->nwords);
  S_attr(t, "quantity", num);
  X(xmlTextWriterWriteString(t->w, BAD_CAST num));
  X(xmlTextWriterWriteString(t->w, BAD_CAST " words"));
  S_end(t);
  S_end(t); /* extent */
  S_start(t, "publicationStmt");
  S_elem_text(t, "p", "Coded by sectag " SECTAG_VERSION "; not published.");
  S_end(t);
  size_t nvalues = 0;
  for (size_t i = 0; i < d->nmeta; i++) nvalues += d->meta[i].value != NULL;
  if (nvalues) { /* metadata from the manifest, the file name or the record */
    S_start(t, "notesStmt");
    for (size_t i = 0; i < d->nmeta; i++) {
      if (!d->meta[i].value) continue;
      S_start(t, "note");
      /* @type is a token: white space in a column name becomes '_' */
      sectag_buf_clear(&t->scratch);
      for (const char *k = d->meta[i].key; *k; k++)
        sectag_buf_putc(&t->scratch, (*k == ' ' || *k == '\t' || *k == '\n' || *k == '\r')
                                         ? '_'
                                         : *k);
      S_attr(t, "type", t->scratch.len ? t->scratch.ptr : "meta");
      X(xmlTextWriterWriteString(t->w, BAD_CAST d->meta[i].value));
      S_end(t);
    }
    S_end(t);
  }
  S_start(t, "sourceDesc");
  S_bibl(t, d->title ? d->title : d->doc_id, d->path, NULL);
  S_end(t); /* sourceDesc */
  S_end(t); /* fileDesc */

  S_start(t, "encodingDesc");
  S_start(t, "appInfo");
  S_start(t, "application");
  S_attr(t, "ident", "sectag");
  S_attr(t, "version", SECTAG_VERSION);
  S_elem_text(t, "label", "sectag");
  S_end(t);
  S_end(t);
  S_start(t, "classDecl");
  S_start(t, "taxonomy");
  /* the codebook's accents: setting: `sectag export teicorpus --words`
   * gives each word the form the rules saw */
  S_bibl(t, cb->name, cb->path, cb->strip_accents ? "insensitive" : "sensitive");
  if (t->shared) { /* the same bytes S_category writes, made once per run */
    X(xmlTextWriterWriteRawLen(t->w, BAD_CAST t->shared->categories,
                               (int)t->shared->len));
    X(xmlTextWriterSetIndent(t->w, 1)); /* as after a category's end tag */
  } else {
    for (size_t i = 0; i < cb->ncodes; i++)
      if (cb->codes[i].parent < 0) S_category(t, cb, i);
  }
  S_end(t); /* taxonomy */
  if (d->group) { /* the group (e.g. the administration) as a category */
    S_start(t, "taxonomy");
    S_attr(t, "xml:id", "sectag-groups");
    S_start(t, "category");
    S_attr(t, "xml:id", t->group_id);
    S_start(t, "catDesc");
    X(xmlTextWriterWriteString(t->w, BAD_CAST d->group));
    S_end(t);
    S_end(t);
    S_end(t);
  }
  S_end(t); /* classDecl */
  S_end(t); /* encodingDesc */

  if (d->date || d->nspeakers || d->group) {
    S_start(t, "profileDesc");
    if (d->date) {
      S_start(t, "creation");
      S_start(t, "date");
      S_attr(t, "when", d->date);
      X(xmlTextWriterWriteString(t->w, BAD_CAST d->date));
      S_end(t);
      S_end(t);
    }
    if (d->nspeakers) {
      S_start(t, "particDesc");
      S_start(t, "listPerson");
      for (size_t i = 0; i < d->nspeakers; i++) {
        const sectag_speaker *sp = &d->speakers[i];
        S_start(t, sp->unknown ? "personGrp" : "person");
        S_attr(t, "xml:id", t->person_ids[i]);
        if (sp->role)
          S_attr(t, "role", sp->role);
        else if (sp->unknown)
          S_attr(t, "role", "unknown");
        if (!sp->unknown) {
          S_elem_text(t, "persName", sp->label);
        } else {
          S_start(t, "p");
          X(xmlTextWriterWriteString(t->w, BAD_CAST "Text before the first speaker label."));
          S_end(t);
        }
        S_end(t);
      }
      S_end(t); /* listPerson */
      S_end(t); /* particDesc */
    }
    if (d->group) {
      S_start(t, "textClass");
      S_start(t, "catRef");
      S_attr(t, "scheme", "#sectag-groups");
      sectag_buf_clear(&t->scratch);
      sectag_buf_printf(&t->scratch, "#%s", t->group_id);
      S_attr(t, "target", t->scratch.ptr);
      S_end(t);
      S_end(t);
    }
    S_end(t); /* profileDesc */
  }
  S_end(t); /* teiHeader */
}

/* Per match: how the body marks it. */
enum { MARK_SEG = 1, MARK_ANCHORS = 2 };

typedef struct {
  size_t sent; /* the sentence the event is written in */
  size_t off;
  int order; /* at one offset: 0 seg end, 1 end anchor, 2 start anchor, 3 seg start */
  size_t m;  /* match index */
  size_t len; /* for seg starts: longer (outer) first */
} S_event;

static int S_cmp_events(const void *a, const void *b) {
  const S_event *x = a, *y = b;
  if (x->sent != y->sent) return x->sent < y->sent ? -1 : 1;
  if (x->off != y->off) return x->off < y->off ? -1 : 1;
  if (x->order != y->order) return x->order - y->order;
  if (x->order == 3) { /* open outer segs first */
    if (x->len != y->len) return x->len > y->len ? -1 : 1;
    return x->m < y->m ? -1 : x->m > y->m;
  }
  if (x->order == 0) { /* close inner segs first */
    if (x->len != y->len) return x->len < y->len ? -1 : 1;
    return x->m > y->m ? -1 : x->m < y->m;
  }
  return x->m < y->m ? -1 : x->m > y->m;
}

/* Whether [a, b) holds only XML white space and hidden ranges (which are
 * written as <note>, allowed between elements). */
static int S_is_xml_ws(const sectag_doc *d, size_t a, size_t b) {
  for (size_t i = a; i < b; i++) {
    char c = d->text[i];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && !sectag_doc_is_hidden(d, i)) return 0;
  }
  return 1;
}

static void S_body(S_tei *t, const sectag_codebook *cb, const unsigned char *mark) {
  sectag_doc *d = t->doc;
  const sectag_tei_shared *sh = t->shared;
  const sectag_match *ms = d->matches;
  /* events per sentence: collected for all matches, sorted once */
  size_t nev = 0;
  S_event *ev = sectag_xcalloc(d->nmatches * 2 + 1, sizeof *ev);
  for (size_t i = 0; i < d->nmatches; i++) {
    size_t s0 = d->sentences[ms[i].sentence].start;
    size_t s1 = d->sentences[ms[i].end_sentence].end;
    size_t a = ms[i].start < s0 ? s0 : ms[i].start;
    size_t b = ms[i].end > s1 ? s1 : ms[i].end;
    int seg = mark[i] == MARK_SEG;
    ev[nev++] = (S_event){ms[i].sentence, a, seg ? 3 : 2, i, b - a};
    ev[nev++] = (S_event){ms[i].end_sentence, b, seg ? 0 : 1, i, b - a};
  }
  sectag_sort(ev, nev, sizeof *ev, S_cmp_events);

  size_t e = 0, pos = d->body;
  char id[64];
  long cur_turn = -1;
  for (size_t p = 0; p < d->nparagraphs; p++) {
    const sectag_span *ps = &d->paragraphs[p];
    /* a speaker turn is a <u>, its paragraphs <seg type="p"> */
    long turn = d->nturns ? sectag_doc_turn_at(d, ps->start) : -1;
    if (cur_turn >= 0 && turn != cur_turn) S_end(t); /* u */
    /* the gap before a paragraph: white space and hidden parts stay between
     * the elements; anything else (a stray format character) goes inside */
    int gap_ws = S_is_xml_ws(d, pos, ps->start);
    if (gap_ws) S_text(t, pos, ps->start);
    if (turn >= 0 && turn != cur_turn) {
      S_start(t, "u");
      sectag_buf_clear(&t->scratch);
      sectag_buf_printf(&t->scratch, "#%s", t->person_ids[d->turns[turn].speaker]);
      S_attr(t, "who", t->scratch.ptr);
    }
    cur_turn = turn;
    S_start(t, turn >= 0 ? "seg" : "p");
    if (turn >= 0) S_attr(t, "type", "p");
    if (gap_ws) pos = ps->start;
    for (size_t s = ps->first; s < ps->last; s++) {
      const sectag_span *ss = &d->sentences[s];
      S_text(t, pos, ss->start);
      if (sh)
        S_put(t, &sh->s_open, s + 1, 0);
      else
        S_s_open(t, id, S_fmt_id(id, "s", s + 1, ""));
      pos = ss->start;
      while (e < nev && ev[e].sent == s) {
        const S_event *v = &ev[e++];
        const sectag_match *mt = &ms[v->m];
        S_text(t, pos, v->off);
        pos = v->off;
        if (v->order == 0) {
          if (sh)
            S_put(t, &sh->seg_close, 0, 0);
          else
            S_end(t);
        } else if (v->order == 3) {
          if (sh)
            S_put(t, &sh->seg_open[mt->code], v->m + 1, 0);
          else
            S_seg_open(t, cb, mt->code, id, S_fmt_id(id, "m", v->m + 1, ""));
        } else if (sh) {
          S_put(t, &sh->anchor[v->order == 2 ? 0 : 1], v->m + 1, 0);
        } else {
          S_anchor(t, id, S_fmt_id(id, "m", v->m + 1, v->order == 2 ? ".start" : ".end"));
        }
      }
      S_text(t, pos, ss->end);
      pos = ss->end;
      if (sh)
        S_put(t, &sh->s_close, 0, 0);
      else
        S_end(t); /* s */
    }
    if (p + 1 == d->nparagraphs && !S_is_xml_ws(d, pos, d->len)) {
      S_text(t, pos, d->len);
      pos = d->len;
    }
    S_end(t); /* p */
  }
  if (cur_turn >= 0) S_end(t); /* u */
  if (d->nparagraphs == 0) { /* an empty document still has a body */
    S_start(t, "p");
    if (!S_is_xml_ws(d, pos, d->len)) {
      S_text(t, pos, d->len);
      pos = d->len;
    }
    S_end(t);
  }
  S_text(t, pos, d->len);
  S_flush(t);
  free(ev);
}

static void S_standoff(S_tei *t, const sectag_codebook *cb, const unsigned char *mark) {
  sectag_doc *d = t->doc;
  const sectag_tei_shared *sh = t->shared;
  if (d->nmatches == 0) return;
  char id[80], id2[80];
  S_start(t, "standOff");
  S_start(t, "spanGrp");
  S_attr(t, "type", "sectag-matches");
  for (size_t i = 0; i < d->nmatches; i++) {
    const sectag_match *mt = &d->matches[i];
    if (sh && i > 0) { /* the first closes the spanGrp tag: the writer's */
      S_put(t, mark[i] == MARK_SEG ? &sh->span_seg[mt->rule] : &sh->span_anchors[mt->rule],
            i + 1, i + 1);
    } else if (mark[i] == MARK_SEG) {
      S_span(t, cb, mt->rule, id, S_fmt_id(id, "#m", i + 1, ""), NULL, 0, NULL, 0);
    } else {
      S_span(t, cb, mt->rule, NULL, 0, id, S_fmt_id(id, "#m", i + 1, ".start"), id2,
             S_fmt_id(id2, "#m", i + 1, ".end"));
    }
  }
  S_flush(t);
  X(xmlTextWriterSetIndent(t->w, 1)); /* as after a span's end tag */
  S_end(t);
  S_end(t);
}

/* Chooses, per match, a seg (inside one sentence and properly nested with
 * the segs chosen before it) or a pair of anchors. Matches are sorted by
 * start, outer first, so a stack of open seg ends decides nesting. */
static unsigned char *S_marks(const sectag_doc *d) {
  unsigned char *mark = sectag_xcalloc(d->nmatches + 1, 1);
  size_t *stack = sectag_xcalloc(d->nmatches + 1, sizeof *stack);
  size_t depth = 0;
  for (size_t i = 0; i < d->nmatches; i++) {
    const sectag_match *m = &d->matches[i];
    while (depth && stack[depth - 1] <= m->start) depth--;
    int inside = m->sentence == m->end_sentence;
    int nests = depth == 0 || m->end <= stack[depth - 1];
    if (inside && nests) {
      mark[i] = MARK_SEG;
      stack[depth++] = m->end;
    } else {
      mark[i] = MARK_ANCHORS;
    }
  }
  free(stack);
  return mark;
}

/* Whether an xml:id is taken by the codebook's categories or by the ids
 * sectag gives sentences (sN) and matches (mN, mN.start). */
static int S_id_taken(const char *id, const sectag_codebook *cb) {
  if ((id[0] == 's' || id[0] == 'm') && id[1] >= '0' && id[1] <= '9') return 1;
  if (strcmp(id, "sectag-groups") == 0) return 1;
  if (strncmp(id, "group.", 6) == 0) return 1;
  for (size_t i = 0; i < cb->ncodes; i++)
    if (strcmp(cb->codes[i].id, id) == 0) return 1;
  return 0;
}

/* Per code, "#ID": the value of ana. */
static char **S_code_refs_new(const sectag_codebook *cb) {
  char **refs = sectag_xcalloc(cb->ncodes + 1, sizeof *refs);
  for (size_t i = 0; i < cb->ncodes; i++) {
    sectag_buf b = SECTAG_BUF_INIT;
    sectag_buf_putc(&b, '#');
    sectag_buf_puts(&b, cb->codes[i].id);
    refs[i] = sectag_buf_detach(&b);
  }
  return refs;
}

static void S_code_refs_free(char **refs, const sectag_codebook *cb) {
  for (size_t i = 0; refs && i < cb->ncodes; i++) free(refs[i]);
  free(refs);
}

/* The xml:ids of the speakers and of the group. A speaker id that clashes
 * with another id in the file is prefixed "speaker-". */
static void S_ids(S_tei *t, const sectag_codebook *cb) {
  const sectag_doc *d = t->doc;
  t->person_ids = sectag_xcalloc(d->nspeakers + 1, sizeof *t->person_ids);
  for (size_t i = 0; i < d->nspeakers; i++) {
    const char *id = d->speakers[i].id;
    sectag_buf b = SECTAG_BUF_INIT;
    if (S_id_taken(id, cb)) sectag_buf_puts(&b, "speaker-");
    sectag_buf_puts(&b, id);
    t->person_ids[i] = sectag_buf_detach(&b);
  }
  t->code_refs = S_code_refs_new(cb);
  if (d->group) {
    char *slug = sectag_slug(d->group, strlen(d->group));
    sectag_buf b = SECTAG_BUF_INIT;
    sectag_buf_printf(&b, "group.%s", slug);
    free(slug);
    t->group_id = sectag_buf_detach(&b);
  }
}

/* The writer's output: libxml2 hands over what it has buffered (4 KiB at a
 * time) and sectag appends it to the caller's buffer, with no xmlBuffer in
 * between and no copy of the whole document at the end. */
static int S_out_write(void *ctx, const char *buf, int len) {
  sectag_buf_put(ctx, buf, (size_t)len);
  return len;
}

static int S_out_close(void *ctx) {
  (void)ctx;
  return 0;
}

/* A writer that appends to buf, with the XML declaration and the
 * indentation of a TEI file: documents and templates start the same way, so
 * a template's bytes are what a document's writer would write. */
static int S_writer_start(S_tei *t, sectag_buf *buf) {
  xmlOutputBufferPtr ob = xmlOutputBufferCreateIO(S_out_write, S_out_close, buf, NULL);
  t->w = ob ? xmlNewTextWriter(ob) : NULL;
  if (!t->w) {
    if (ob) xmlOutputBufferClose(ob);
    return -1;
  }
  X(xmlTextWriterStartDocument(t->w, "1.0", "UTF-8", NULL));
  X(xmlTextWriterSetIndent(t->w, 1));
  X(xmlTextWriterSetIndentString(t->w, BAD_CAST "  "));
  return 0;
}

/* Ends a template writer: 0, or -1 if libxml2 failed. buf is emptied for
 * the next. */
static int S_tmpl_writer_end(S_tei *t, sectag_buf *buf) {
  xmlFreeTextWriter(t->w);
  t->w = NULL;
  sectag_buf_clear(buf);
  return t->rc == 0 ? 0 : -1;
}

/* Everything written so far is in buf: its length. */
static size_t S_mark(S_tei *t, const sectag_buf *buf) {
  S_flush(t);
  X(xmlTextWriterFlush(t->w));
  return buf->len;
}

/* x from buf[a, b), cut at the first `slots` "@N@". -1 if they are not
 * there. */
static int S_tmpl_cut(S_tmpl *x, const sectag_buf *buf, size_t a, size_t b, size_t slots) {
  const char *p = buf->ptr ? buf->ptr + a : "", *end = p + (b - a);
  memset(x, 0, sizeof *x);
  for (size_t k = 0; k <= slots; k++) {
    const char *q = end;
    if (k < slots) {
      q = NULL;
      for (const char *r = p; r + 3 <= end && !q; r++)
        if (memcmp(r, S_SLOT, 3) == 0) q = r;
      if (!q) return -1;
    }
    x->piece[k] = sectag_xstrndup(p, (size_t)(q - p));
    x->len[k] = (size_t)(q - p);
    x->n = k + 1;
    p = q + 3;
  }
  return 0;
}

static void S_tmpl_free(S_tmpl *x) {
  for (size_t k = 0; k < x->n; k++) free(x->piece[k]);
}

/* Each part is written by a writer of its own in the context it has in a
 * TEI file (the depth, the indentation, what comes before it), between two
 * flushes: the bytes in between are what sectag_render_tei would write.
 *  - the categories: after a bibl inside the taxonomy;
 *  - sentence and match elements: inside a paragraph of the body, where
 *    nothing is indented; numbers are "@N@";
 *  - standOff spans: after a first span of the spanGrp, one per rule, for a
 *    seg and for anchors. */
sectag_tei_shared *sectag_tei_shared_new(const sectag_codebook *cb) {
  sectag_tei_shared *sh = sectag_xcalloc(1, sizeof *sh);
  sh->ncodes = cb->ncodes;
  sh->nrules = cb->nrules;
  sh->seg_open = sectag_xcalloc(cb->ncodes + 1, sizeof *sh->seg_open);
  sh->span_seg = sectag_xcalloc(cb->nrules + 1, sizeof *sh->span_seg);
  sh->span_anchors = sectag_xcalloc(cb->nrules + 1, sizeof *sh->span_anchors);
  int ok = 1;
  sectag_buf buf = SECTAG_BUF_INIT;
  S_tei tt, *t = &tt;
  memset(t, 0, sizeof *t);
  t->code_refs = S_code_refs_new(cb);

  /* 1. the categories */
  if (S_writer_start(t, &buf) != 0) goto fail;
  static const char *const around[] = {"TEI", "teiHeader", "encodingDesc", "classDecl",
                                       "taxonomy"};
  for (size_t i = 0; i < sizeof around / sizeof *around; i++) S_start(t, around[i]);
  S_start(t, "bibl");
  S_end(t);
  size_t a = S_mark(t, &buf);
  for (size_t i = 0; i < cb->ncodes; i++)
    if (cb->codes[i].parent < 0) S_category(t, cb, i);
  size_t b = S_mark(t, &buf);
  sh->categories = sectag_xstrndup(buf.ptr ? buf.ptr + a : "", b - a);
  sh->len = b - a;
  ok = S_tmpl_writer_end(t, &buf) == 0;

  /* 2. the body's elements */
  if (S_writer_start(t, &buf) != 0) goto fail;
  S_start(t, "TEI");
  S_start(t, "text");
  S_start(t, "body");
  X(xmlTextWriterSetIndent(t->w, 0));
  S_start(t, "p");
  sectag_buf_puts(&t->raw, "x"); /* the paragraph's tag is closed */
  a = S_mark(t, &buf);
  S_s_open(t, "s" S_SLOT, strlen("s" S_SLOT));
  X(xmlTextWriterWriteRawLen(t->w, BAD_CAST "", 0)); /* its > */
  b = S_mark(t, &buf);
  ok = ok && S_tmpl_cut(&sh->s_open, &buf, a, b, 1) == 0;
  S_end(t);
  a = S_mark(t, &buf);
  ok = ok && S_tmpl_cut(&sh->s_close, &buf, b, a, 0) == 0;
  S_anchor(t, "m" S_SLOT ".start", strlen("m" S_SLOT ".start"));
  b = S_mark(t, &buf);
  ok = ok && S_tmpl_cut(&sh->anchor[0], &buf, a, b, 1) == 0;
  S_anchor(t, "m" S_SLOT ".end", strlen("m" S_SLOT ".end"));
  a = S_mark(t, &buf);
  ok = ok && S_tmpl_cut(&sh->anchor[1], &buf, b, a, 1) == 0;
  for (size_t c = 0; c < cb->ncodes && ok; c++) {
    S_seg_open(t, cb, c, "m" S_SLOT, strlen("m" S_SLOT));
    X(xmlTextWriterWriteRawLen(t->w, BAD_CAST "", 0));
    b = S_mark(t, &buf);
    ok = ok && S_tmpl_cut(&sh->seg_open[c], &buf, a, b, 1) == 0;
    S_end(t);
    a = S_mark(t, &buf);
    if (c == 0) ok = ok && S_tmpl_cut(&sh->seg_close, &buf, b, a, 0) == 0;
  }
  ok = S_tmpl_writer_end(t, &buf) == 0 && ok;

  /* 3. the standOff's spans */
  if (S_writer_start(t, &buf) != 0) goto fail;
  S_start(t, "TEI");
  S_start(t, "standOff");
  S_start(t, "spanGrp");
  S_attr(t, "type", "sectag-matches");
  if (cb->nrules) S_span(t, cb, 0, "#m1", 3, NULL, 0, NULL, 0);
  a = S_mark(t, &buf);
  for (size_t r = 0; r < cb->nrules && ok; r++) {
    S_span(t, cb, r, "#m" S_SLOT, strlen("#m" S_SLOT), NULL, 0, NULL, 0);
    b = S_mark(t, &buf);
    ok = ok && S_tmpl_cut(&sh->span_seg[r], &buf, a, b, 1) == 0;
    S_span(t, cb, r, NULL, 0, "#m" S_SLOT ".start", strlen("#m" S_SLOT ".start"),
           "#m" S_SLOT ".end", strlen("#m" S_SLOT ".end"));
    a = S_mark(t, &buf);
    ok = ok && S_tmpl_cut(&sh->span_anchors[r], &buf, b, a, 2) == 0;
  }
  ok = S_tmpl_writer_end(t, &buf) == 0 && ok;
  if (!ok) goto fail;
  S_code_refs_free(t->code_refs, cb);
  sectag_buf_free(&t->raw);
  sectag_buf_free(&buf);
  return sh;
fail:
  S_code_refs_free(t->code_refs, cb);
  sectag_buf_free(&t->raw);
  sectag_buf_free(&buf);
  sectag_tei_shared_free(sh);
  return NULL;
}

void sectag_tei_shared_free(sectag_tei_shared *sh) {
  if (!sh) return;
  free(sh->categories);
  S_tmpl_free(&sh->s_open);
  S_tmpl_free(&sh->s_close);
  S_tmpl_free(&sh->anchor[0]);
  S_tmpl_free(&sh->anchor[1]);
  S_tmpl_free(&sh->seg_close);
  for (size_t i = 0; i < sh->ncodes; i++) S_tmpl_free(&sh->seg_open[i]);
  for (size_t i = 0; i < sh->nrules; i++) {
    S_tmpl_free(&sh->span_seg[i]);
    S_tmpl_free(&sh->span_anchors[i]);
  }
  free(sh->seg_open);
  free(sh->span_seg);
  free(sh->span_anchors);
  free(sh);
}

int sectag_render_tei(sectag_doc *doc, const sectag_codebook *cb, sectag_buf *out,
                      sectag_error *err) {
  return sectag_render_tei_shared(doc, cb, NULL, out, err);
}

int sectag_render_tei_shared(sectag_doc *doc, const sectag_codebook *cb,
                             const sectag_tei_shared *shared, sectag_buf *out,
                             sectag_error *err) {
  const size_t out0 = out->len; /* what was there before: kept on failure */
  S_tei tt;
  memset(&tt, 0, sizeof tt);
  S_tei *t = &tt;
  t->doc = doc;
  t->shared = shared;
  if (S_writer_start(t, out) != 0) {
    sectag_error_set(err, SECTAG_ERR_OUTPUT, doc->doc_id, 0, 0, "cannot create XML writer");
    return -1;
  }
  unsigned char *mark = S_marks(doc);
  S_ids(t, cb);
  S_start(t, "TEI");
  S_attr(t, "xmlns", TEI_NS);
  S_header(t, cb);
  S_start(t, "text");
  S_start(t, "body");
  /* mixed content: no indentation inside the body, it would add text */
  X(xmlTextWriterSetIndent(t->w, 0));
  S_body(t, cb, mark);
  S_end(t); /* body */
  S_end(t); /* text */
  X(xmlTextWriterWriteRaw(t->w, BAD_CAST "\n"));
  X(xmlTextWriterSetIndent(t->w, 1));
  S_standoff(t, cb, mark);
  S_end(t); /* TEI */
  X(xmlTextWriterEndDocument(t->w));
  xmlFreeTextWriter(t->w); /* flushes the rest into out */
  if (out->len > out0 && out->ptr[out->len - 1] != '\n') sectag_buf_putc(out, '\n');
  free(mark);
  for (size_t i = 0; i < doc->nspeakers; i++) free(t->person_ids[i]);
  free(t->person_ids);
  S_code_refs_free(t->code_refs, cb);
  free(t->group_id);
  if (t->rc != 0) { /* nothing half-written */
    out->len = out0;
    if (out->ptr) out->ptr[out0] = '\0';
  }
  sectag_buf_free(&t->scratch);
  sectag_buf_free(&t->raw);
  if (t->bad_chars) {
    sectag_doc_warn(doc, t->first_bad_off,
                    "%zu character%s that XML 1.0 forbids (the first is U+%04lX) replaced by "
                    "U+FFFD in the TEI output",
                    t->bad_chars, t->bad_chars == 1 ? "" : "s", t->first_bad_cp);
  }
  if (t->rc != 0) {
    sectag_error_set(err, SECTAG_ERR_OUTPUT, doc->doc_id, 0, 0,
                     "libxml2 could not write the TEI document");
    return -1;
  }
  return 0;
}
