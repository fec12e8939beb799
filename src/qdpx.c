/* qdpx.c: REFI-QDA exports (see qdpx.h): a project (.qdpx) from an OUTDIR
 * of `sectag code`, a codebook (.qdc) from a codebook file.
 *
 *   documents.csv ──▶ rows, metadata columns (between speaker and path)
 *   tei/DOC_ID.xml ─▶ sectag_tei_doc_load (kwic.c): text, turns, spans
 *                  ─▶ S_text: BOM dropped, CRLF/CR as LF; byte offsets of
 *                     the spans as code points of that text
 *                  ─▶ sources/GUID.txt, added to an in-memory ZIP
 *   first TEI's taxonomy ─▶ S_codes (the codebook)
 *   all of it ─▶ S_project: project.qde (xmlTextWriter) ─▶ the ZIP's first
 *                entry ─▶ the ZIP's bytes ─▶ sectag_write_file (atomic)
 *
 * Why the ZIP is built in memory: libzip's own zip_close writes a
 * temporary "NAME.XXXXXX" next to the target, which a crash would leave
 * behind under a name the project's temporary-file conventions do not
 * cover; sectag_write_file (output.c) writes ".NAME.XXXXXX" and renames,
 * like every other output, and is what the I/O failure tests exercise. */
#include "qdpx.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>
#include <utf8proc.h>
#include <zip.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "buf.h"
#include "codebook.h"
#include "csvread.h"
#include "document.h"
#include "error.h"
#include "kwic.h"
#include "output.h"
#include "textbuild.h"

#define S_PROJECT_NS "urn:QDA-XML:project:1.0"
#define S_CODEBOOK_NS "urn:QDA-XML:codebook:1.0"
#define S_ORIGIN "sectag " SECTAG_VERSION
/* Code points of a selection's text kept in its name. */
#define S_NAME_CPS 60

const char *sectag_qdpx_color(sectag_polarity p) {
  switch (p) {
  case SECTAG_SECURITIZING:
    return "#D55E00";
  case SECTAG_DESECURITIZING:
    return "#0072B2";
  default:
    return "#999999";
  }
}

/* ====================================================================== */
/* SHA-1 (FIPS 180-4) and version-5 UUIDs (RFC 4122 section 4.3)          */

typedef struct {
  uint32_t h[5];
  uint64_t bytes;
  unsigned char blk[64];
  size_t n;
} S_sha1;

static uint32_t S_rol(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

static void S_sha1_block(S_sha1 *s, const unsigned char *p) {
  uint32_t w[80];
  for (int i = 0; i < 16; i++)
    w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 |
           (uint32_t)p[4 * i + 3];
  for (int i = 16; i < 80; i++) w[i] = S_rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
  uint32_t a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4];
  for (int i = 0; i < 80; i++) {
    uint32_t f, k;
    if (i < 20)
      f = (b & c) | (~b & d), k = 0x5A827999u;
    else if (i < 40)
      f = b ^ c ^ d, k = 0x6ED9EBA1u;
    else if (i < 60)
      f = (b & c) | (b & d) | (c & d), k = 0x8F1BBCDCu;
    else
      f = b ^ c ^ d, k = 0xCA62C1D6u;
    uint32_t t = S_rol(a, 5) + f + e + k + w[i];
    e = d, d = c, c = S_rol(b, 30), b = a, a = t;
  }
  s->h[0] += a, s->h[1] += b, s->h[2] += c, s->h[3] += d, s->h[4] += e;
}

static void S_sha1_init(S_sha1 *s) {
  static const uint32_t h0[5] = {0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u,
                                 0xC3D2E1F0u};
  memcpy(s->h, h0, sizeof h0);
  s->bytes = 0;
  s->n = 0;
}

static void S_sha1_put(S_sha1 *s, const void *data, size_t len) {
  const unsigned char *p = data;
  s->bytes += len;
  while (len) {
    size_t k = 64 - s->n < len ? 64 - s->n : len;
    memcpy(s->blk + s->n, p, k);
    s->n += k, p += k, len -= k;
    if (s->n == 64) {
      S_sha1_block(s, s->blk);
      s->n = 0;
    }
  }
}

static void S_sha1_end(S_sha1 *s, unsigned char out[20]) {
  uint64_t bits = s->bytes * 8;
  unsigned char pad = 0x80;
  S_sha1_put(s, &pad, 1);
  pad = 0;
  while (s->n != 56) S_sha1_put(s, &pad, 1);
  unsigned char len[8];
  for (int i = 0; i < 8; i++) len[i] = (unsigned char)(bits >> (56 - 8 * i));
  S_sha1_put(s, len, 8);
  for (int i = 0; i < 20; i++) out[i] = (unsigned char)(s->h[i / 4] >> (24 - 8 * (i % 4)));
}

/* uuid5(NAMESPACE_URL, "urn:sectag:refi-qda") */
static const unsigned char S_namespace[16] = {0xcd, 0x08, 0x63, 0xc0, 0xed, 0x33, 0x53, 0x02,
                                              0x9c, 0x56, 0xe1, 0x7d, 0xa1, 0xf1, 0x28, 0x10};

void sectag_qdpx_guid(const char *name, char out[37]) {
  S_sha1 s;
  unsigned char h[20];
  S_sha1_init(&s);
  S_sha1_put(&s, S_namespace, sizeof S_namespace);
  S_sha1_put(&s, name, strlen(name));
  S_sha1_end(&s, h);
  h[6] = (unsigned char)((h[6] & 0x0F) | 0x50); /* version 5 */
  h[8] = (unsigned char)((h[8] & 0x3F) | 0x80); /* RFC 4122 variant */
  static const char hex[] = "0123456789abcdef";
  char *o = out;
  for (int i = 0; i < 16; i++) {
    if (i == 4 || i == 6 || i == 8 || i == 10) *o++ = '-';
    *o++ = hex[h[i] >> 4];
    *o++ = hex[h[i] & 15];
  }
  *o = '\0';
}

/* The GUID of PREFIX + a + (":" + n when n >= 0). */
static void S_guid(char out[37], sectag_buf *tmp, const char *prefix, const char *a, long n) {
  sectag_buf_clear(tmp);
  sectag_buf_puts(tmp, prefix);
  sectag_buf_puts(tmp, a);
  if (n >= 0) sectag_buf_printf(tmp, ":%ld", n);
  sectag_qdpx_guid(sectag_buf_cstr(tmp), out);
}

/* ====================================================================== */
/* XML writing                                                             */

typedef struct {
  xmlTextWriterPtr w;
  xmlBufferPtr xb;
  int rc;
  sectag_buf clean; /* S_clean's result */
} S_xml;

#define X(call)                                                                          \
  do {                                                                                   \
    if ((call) < 0) x->rc = -1;                                                          \
  } while (0)

/* s as text XML can hold: invalid UTF-8 and the characters XML 1.0 forbids
 * (C0 controls but tab and line ends, U+FFFE, U+FFFF) become U+FFFD.
 * Valid until the next call. */
static const char *S_clean(S_xml *x, const char *s) {
  size_t n = strlen(s), i = 0;
  for (; i < n; i++) { /* most strings need nothing */
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x80 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r')) break;
  }
  if (i == n) return s;
  sectag_buf_clear(&x->clean);
  sectag_buf_put(&x->clean, s, i);
  while (i < n) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t k =
        utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
    if (k <= 0 || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xFFFE ||
        cp == 0xFFFF) {
      sectag_buf_puts(&x->clean, "\xEF\xBF\xBD");
      i += k > 0 ? (size_t)k : 1;
      continue;
    }
    sectag_buf_put(&x->clean, s + i, (size_t)k);
    i += (size_t)k;
  }
  return sectag_buf_cstr(&x->clean);
}

static int S_xml_open(S_xml *x) {
  memset(x, 0, sizeof *x);
  x->xb = xmlBufferCreate();
  if (!x->xb) return -1;
  xmlBufferSetAllocationScheme(x->xb, XML_BUFFER_ALLOC_DOUBLEIT);
  x->w = xmlNewTextWriterMemory(x->xb, 0);
  if (!x->w) {
    xmlBufferFree(x->xb);
    x->xb = NULL;
    return -1;
  }
  X(xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL));
  X(xmlTextWriterSetIndent(x->w, 1));
  X(xmlTextWriterSetIndentString(x->w, BAD_CAST "  "));
  return 0;
}

/* Ends the document; the bytes (owned) go to *out. Returns 0 or -1. */
static int S_xml_close(S_xml *x, char **out, size_t *len) {
  X(xmlTextWriterEndDocument(x->w));
  xmlFreeTextWriter(x->w); /* flushes into xb */
  x->w = NULL;
  int rc = x->rc;
  if (rc == 0) {
    sectag_buf b = SECTAG_BUF_INIT;
    sectag_buf_put(&b, xmlBufferContent(x->xb), (size_t)xmlBufferLength(x->xb));
    if (b.len && b.ptr[b.len - 1] != '\n') sectag_buf_putc(&b, '\n');
    *len = b.len;
    *out = sectag_buf_detach(&b);
  }
  xmlBufferFree(x->xb);
  x->xb = NULL;
  sectag_buf_free(&x->clean);
  return rc;
}

static void S_start(S_xml *x, const char *name) {
  X(xmlTextWriterStartElement(x->w, BAD_CAST name));
}
static void S_end(S_xml *x) { X(xmlTextWriterEndElement(x->w)); }
static void S_attr(S_xml *x, const char *name, const char *value) {
  X(xmlTextWriterWriteAttribute(x->w, BAD_CAST name, BAD_CAST S_clean(x, value)));
}
static void S_elem(S_xml *x, const char *name, const char *text) {
  X(xmlTextWriterWriteElement(x->w, BAD_CAST name, BAD_CAST S_clean(x, text)));
}
/* <NAME targetGUID="GUID"/> */
static void S_ref(S_xml *x, const char *name, const char *guid) {
  S_start(x, name);
  S_attr(x, "targetGUID", guid);
  S_end(x);
}

/* ====================================================================== */
/* The codebook                                                            */

typedef struct {
  char *id, *label, *definition; /* owned; definition may be NULL */
  sectag_polarity polarity;
  long parent; /* index, -1 at the top; codes are in depth-first order */
  char guid[37];
} S_code;

typedef struct {
  S_code *v;
  size_t n, cap;
  size_t *by_id; /* indices sorted by id, for S_code_find */
  char *name;    /* the codebook's name, or NULL */
} S_codes;

static sectag_polarity S_polarity(const char *s) {
  if (s && strcmp(s, "securitizing") == 0) return SECTAG_SECURITIZING;
  if (s && strcmp(s, "desecuritizing") == 0) return SECTAG_DESECURITIZING;
  return SECTAG_NEUTRAL;
}

static size_t S_code_add(S_codes *c, const char *id, const char *label, const char *definition,
                         sectag_polarity pol, long parent, sectag_buf *tmp) {
  if (c->n == c->cap) {
    c->cap = c->cap ? 2 * c->cap : 32;
    c->v = sectag_xrealloc(c->v, c->cap * sizeof *c->v);
  }
  S_code *k = &c->v[c->n];
  k->id = sectag_xstrdup(id);
  k->label = sectag_xstrdup(label && *label ? label : id);
  k->definition = definition && *definition ? sectag_xstrdup(definition) : NULL;
  k->polarity = pol;
  k->parent = parent;
  S_guid(k->guid, tmp, "code:", id, -1);
  return c->n++;
}

static void S_codes_free(S_codes *c) {
  for (size_t i = 0; i < c->n; i++) {
    free(c->v[i].id);
    free(c->v[i].label);
    free(c->v[i].definition);
  }
  free(c->v);
  free(c->by_id);
  free(c->name);
  memset(c, 0, sizeof *c);
}

static const S_codes *S_sort_codes; /* qsort has no user data */
static int S_cmp_code_idx(const void *a, const void *b) {
  return strcmp(S_sort_codes->v[*(const size_t *)a].id, S_sort_codes->v[*(const size_t *)b].id);
}

static void S_codes_index(S_codes *c) {
  free(c->by_id);
  c->by_id = sectag_xcalloc(c->n ? c->n : 1, sizeof *c->by_id);
  for (size_t i = 0; i < c->n; i++) c->by_id[i] = i;
  S_sort_codes = c;
  sectag_sort(c->by_id, c->n, sizeof *c->by_id, S_cmp_code_idx);
}

static long S_code_find(const S_codes *c, const char *id) {
  size_t lo = 0, hi = c->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int r = strcmp(c->v[c->by_id[mid]].id, id);
    if (r == 0) return (long)c->by_id[mid];
    if (r < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return -1;
}

/* <category xml:id n="POLARITY"><catDesc><term>LABEL</term>: DEFINITION
 * </catDesc> ... (render_tei.c S_category): one code. */
static size_t S_category(S_codes *c, xmlNode *cat, const char *id, long parent,
                         sectag_buf *tmp) {
  xmlChar *n = xmlGetNoNsProp(cat, BAD_CAST "n");
  xmlNode *desc = sectag_tei_child(cat, "catDesc");
  sectag_buf label = SECTAG_BUF_INIT, def = SECTAG_BUF_INIT;
  int in_def = 0;
  for (xmlNode *k = desc ? desc->children : NULL; k; k = k->next) {
    xmlChar *t = xmlNodeGetContent(k);
    if (sectag_tei_is(k, "term") && !in_def) {
      sectag_buf_puts(&label, t ? (const char *)t : "");
      in_def = 1;
    } else if (t) {
      sectag_buf_puts(in_def ? &def : &label, (const char *)t);
    }
    xmlFree(t);
  }
  const char *d = def.ptr ? def.ptr : "";
  if (strncmp(d, ": ", 2) == 0) d += 2;
  size_t i = S_code_add(c, id, label.ptr, d, S_polarity((const char *)n), parent, tmp);
  xmlFree(n);
  sectag_buf_free(&label);
  sectag_buf_free(&def);
  return i;
}

/* The codebook of a TEI file of sectag code: its classDecl's taxonomy
 * (not the groups' one), depth-first, and the codebook's name from the
 * taxonomy's bibl/title. Without recursion: a hostile file cannot
 * overflow the stack. Returns 0, or -1 when the file does not parse. */
static int S_codes_from_tei(S_codes *c, const char *path, sectag_buf *tmp) {
  sectag_error e = SECTAG_ERROR_INIT;
  xmlDocPtr x = sectag_tei_parse_file(path, &e); /* as sectag_tei_doc_load does */
  sectag_error_clear(&e);
  if (!x) return -1;
  xmlNode *header = sectag_tei_child(xmlDocGetRootElement(x), "teiHeader");
  xmlNode *cd = sectag_tei_child(sectag_tei_child(header, "encodingDesc"), "classDecl");
  for (xmlNode *tx = cd ? cd->children : NULL; tx; tx = tx->next) {
    if (!sectag_tei_is(tx, "taxonomy")) continue;
    char *tid = sectag_tei_xml_id(tx);
    int groups = tid && strcmp(tid, "sectag-groups") == 0;
    free(tid);
    if (groups) continue;
    xmlNode *bibl = sectag_tei_child(tx, "bibl");
    xmlNode *title = sectag_tei_child(bibl, "title");
    if (title && !c->name) {
      xmlChar *t = xmlNodeGetContent(title);
      if (t && *t) c->name = sectag_xstrdup((const char *)t);
      xmlFree(t);
    }
    /* parents[]: the code index of each open category, by depth */
    long *parents = NULL;
    size_t depth = 0, cap = 0;
    xmlNode *n = tx->children;
    while (n) {
      if (sectag_tei_is(n, "category")) {
        char *id = sectag_tei_xml_id(n);
        long me = -1;
        if (id && S_code_find(c, id) < 0) {
          me = (long)S_category(c, n, id, depth ? parents[depth - 1] : -1, tmp);
          S_codes_index(c);
        }
        free(id);
        if (me >= 0 && sectag_tei_child(n, "category")) {
          if (depth == cap) parents = sectag_xrealloc(parents, (cap = cap ? 2 * cap : 16) * sizeof *parents);
          parents[depth++] = me;
          n = n->children;
          continue;
        }
      }
      while (n && !n->next) {
        n = n->parent;
        if (n == tx) {
          n = NULL;
          break;
        }
        if (sectag_tei_is(n, "category") && depth) depth--;
      }
      if (n) n = n->next;
    }
    free(parents);
  }
  xmlFreeDoc(x);
  return 0;
}

/* The codes of a codebook, depth-first (the codebook keeps them in file
 * order, where a child may come before a sibling of its parent); nesting
 * is at most 16 deep (codebook.c), so recursion is safe. */
static void S_codes_from_cb_at(S_codes *c, const sectag_codebook *cb, long parent_cb,
                               long parent, sectag_buf *tmp) {
  for (size_t i = 0; i < cb->ncodes; i++) {
    const sectag_code *k = &cb->codes[i];
    if (k->parent != parent_cb) continue;
    size_t me = S_code_add(c, k->id, k->label, k->definition, k->polarity, parent, tmp);
    S_codes_from_cb_at(c, cb, (long)i, (long)me, tmp);
  }
}

/* A code's description: its definition, then its id and polarity (the
 * names the sectag tables use). */
static void S_code_desc(const S_code *k, sectag_buf *b) {
  sectag_buf_clear(b);
  if (k->definition) sectag_buf_printf(b, "%s\n\n", k->definition);
  sectag_buf_printf(b, "sectag code: %s; polarity: %s.", k->id, sectag_polarity_name(k->polarity));
}

/* Codes as nested <Code> elements, depth-first; children are closed
 * through a stack of open codes (no recursion). */
static const S_codes *S_sort_labels; /* qsort has no user data */
static int S_cmp_code_label(const void *a, const void *b) {
  return strcmp(S_sort_labels->v[*(const size_t *)a].label,
                S_sort_labels->v[*(const size_t *)b].label);
}

/* Per code, whether another code has the same label. Such codes are
 * named "LABEL (ID)": QualCoder keeps one code per name and drops the
 * codings of the others, and in any tool two codes of one name cannot be
 * told apart. */
static unsigned char *S_shared_labels(const S_codes *c) {
  unsigned char *shared = sectag_xcalloc(c->n ? c->n : 1, 1);
  size_t *v = sectag_xcalloc(c->n ? c->n : 1, sizeof *v);
  for (size_t i = 0; i < c->n; i++) v[i] = i;
  S_sort_labels = c;
  sectag_sort(v, c->n, sizeof *v, S_cmp_code_label);
  for (size_t i = 1; i < c->n; i++)
    if (strcmp(c->v[v[i - 1]].label, c->v[v[i]].label) == 0) shared[v[i - 1]] = shared[v[i]] = 1;
  free(v);
  return shared;
}

static void S_write_codes(S_xml *x, const S_codes *c, sectag_buf *tmp) {
  long *open = sectag_xcalloc(c->n + 1, sizeof *open);
  unsigned char *shared = S_shared_labels(c);
  size_t depth = 0;
  S_start(x, "Codes");
  for (size_t i = 0; i < c->n; i++) {
    const S_code *k = &c->v[i];
    while (depth && open[depth - 1] != k->parent) {
      S_end(x);
      depth--;
    }
    S_start(x, "Code");
    S_attr(x, "guid", k->guid);
    if (shared[i]) {
      sectag_buf_clear(tmp);
      sectag_buf_printf(tmp, "%s (%s)", k->label, k->id);
      S_attr(x, "name", sectag_buf_cstr(tmp));
    } else {
      S_attr(x, "name", k->label);
    }
    S_attr(x, "isCodable", "true");
    S_attr(x, "color", sectag_qdpx_color(k->polarity));
    S_code_desc(k, tmp);
    S_elem(x, "Description", sectag_buf_cstr(tmp));
    open[depth++] = (long)i;
  }
  while (depth--) S_end(x);
  S_end(x); /* Codes */
  free(open);
  free(shared);
}

/* ====================================================================== */
/* Documents                                                               */

typedef struct {
  size_t start, end; /* code points of the written text */
  size_t code;       /* index into the codes */
  long speaker;      /* index into the cases, -1 */
  char *rule;        /* owned or NULL */
  char *name;        /* owned: the text, on one line, cut */
} S_sel;

typedef struct {
  size_t row; /* in documents.csv */
  char guid[37];
  S_sel *sels;
  size_t nsels;
  long set;  /* index into the sets, -1 */
} S_src;

typedef struct {
  char *id, *role; /* owned; role may be NULL */
  char **labels;   /* distinct labels seen, at most S_MAX_LABELS */
  size_t nlabels;
  int unknown; /* text before the first label */
  char guid[37];
  size_t *srcs; /* documents it speaks whole: source indices */
  size_t nsrcs;
  size_t *sels; /* its coded selections: (source, selection) pairs */
  size_t nsels, capsels;
} S_case;
#define S_MAX_LABELS 8

typedef struct {
  char *name; /* owned */
  char guid[37];
} S_set;

typedef struct {
  const char *name; /* the variable's name (a column's, or "role") */
  long col;         /* documents.csv column, -1 for the cases' role */
  int date;         /* typed Date */
  char guid[37];
} S_var;

typedef struct {
  const sectag_qdpx_options *opt;
  sectag_table table;
  long c_doc_id, c_date, c_group, c_speaker, c_path, c_format, c_title;
  S_codes codes;
  S_src *srcs;
  size_t nsrcs;
  S_case *cases;
  size_t ncases;
  S_set *sets;
  size_t nsets;
  S_var *vars;
  size_t nvars;
  char user[37];
  zip_t *za;
  sectag_buf tmp;
  char *role_name; /* owned */
} S_proj;

static void S_report(const sectag_qdpx_options *opt, const sectag_error *e) {
  if (opt->report) opt->report(opt->userdata, e);
}

/* A position to convert: a span's start or end. */
typedef struct {
  size_t pos;
  size_t *dst;  /* receives the code-point offset */
  size_t *byte; /* receives the byte offset in the written text */
} S_pos;

static int S_cmp_pos(const void *a, const void *b) {
  size_t x = ((const S_pos *)a)->pos, y = ((const S_pos *)b)->pos;
  return x < y ? -1 : x > y;
}

/* The text written to sources/: text without a leading BOM, CRLF and CR as
 * LF, into out. Each *p[i].dst receives the number of code points written
 * for the bytes before p[i].pos (sorted here), *p[i].byte the number of
 * bytes: a byte offset of the text becomes offsets of the written text. */
static void S_text(const char *text, size_t len, S_pos *p, size_t np, sectag_buf *out) {
  sectag_sort(p, np, sizeof *p, S_cmp_pos);
  size_t i = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0, cp = 0, k = 0;
  sectag_buf_grow(out, len);
  for (; k < np && p[k].pos <= i; k++) *p[k].dst = *p[k].byte = 0;
  for (; i < len; i++) {
    for (; k < np && p[k].pos == i; k++) *p[k].dst = cp, *p[k].byte = out->len;
    unsigned char c = (unsigned char)text[i];
    if (c == '\r') {
      if (i + 1 < len && text[i + 1] == '\n') continue; /* the LF counts */
      sectag_buf_putc(out, '\n');
      cp++;
      continue;
    }
    sectag_buf_putc(out, c);
    if ((c & 0xC0) != 0x80) cp++;
  }
  for (; k < np; k++) *p[k].dst = cp, *p[k].byte = out->len;
}

/* A selection's name: the written text's bytes [from, to), white-space
 * runs as one space, cut after S_NAME_CPS code points. */
static char *S_sel_name(const char *w, size_t from, size_t to) {
  sectag_buf o = SECTAG_BUF_INIT;
  size_t cps = 0;
  int space = 0;
  for (size_t i = from; i < to; i++) {
    unsigned char c = (unsigned char)w[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f') {
      space = o.len > 0;
      continue;
    }
    if ((c & 0xC0) != 0x80) {
      if (cps + space >= S_NAME_CPS) {
        sectag_buf_puts(&o, "\xE2\x80\xA6");
        break;
      }
      if (space) {
        sectag_buf_putc(&o, ' ');
        cps++;
      }
      cps++;
    }
    space = 0;
    sectag_buf_putc(&o, c);
  }
  return sectag_buf_detach(&o);
}

static long S_case_of(S_proj *p, const char *id, const char *role, const char *label,
                      int unknown) {
  long at = -1;
  for (size_t i = 0; i < p->ncases; i++)
    if (strcmp(p->cases[i].id, id) == 0) {
      at = (long)i;
      break;
    }
  if (at < 0) {
    p->cases = sectag_xrealloc(p->cases, (p->ncases + 1) * sizeof *p->cases);
    S_case *c = &p->cases[p->ncases];
    memset(c, 0, sizeof *c);
    c->id = sectag_xstrdup(id);
    c->unknown = unknown;
    S_guid(c->guid, &p->tmp, "case:", id, -1);
    at = (long)p->ncases++;
  }
  S_case *c = &p->cases[at];
  if (role && *role && !c->role) c->role = sectag_xstrdup(role);
  if (label && *label && c->nlabels < S_MAX_LABELS) {
    int seen = 0;
    for (size_t i = 0; i < c->nlabels && !seen; i++) seen = strcmp(c->labels[i], label) == 0;
    if (!seen) {
      c->labels = sectag_xrealloc(c->labels, (c->nlabels + 1) * sizeof *c->labels);
      c->labels[c->nlabels++] = sectag_xstrdup(label);
    }
  }
  return at;
}

static long S_set_of(S_proj *p, const char *name) {
  for (size_t i = 0; i < p->nsets; i++)
    if (strcmp(p->sets[i].name, name) == 0) return (long)i;
  p->sets = sectag_xrealloc(p->sets, (p->nsets + 1) * sizeof *p->sets);
  S_set *s = &p->sets[p->nsets];
  s->name = sectag_xstrdup(name);
  S_guid(s->guid, &p->tmp, "set:", name, -1);
  return (long)p->nsets++;
}

/* Adds a ZIP entry whose bytes (owned) the archive takes. Returns its
 * index, or -1. */
static zip_int64_t S_zip_add(zip_t *za, const char *name, char *data, size_t len) {
  if (len == 0) { /* libzip does not take (or free) an empty buffer */
    free(data);
    data = NULL;
  }
  zip_source_t *s = zip_source_buffer(za, data, len, 1);
  if (!s) {
    free(data);
    return -1;
  }
  zip_int64_t idx = zip_file_add(za, name, s, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
  if (idx < 0) {
    zip_source_free(s);
    return -1;
  }
  /* a fixed time, the same on every machine: libzip writes the local time
   * of a time_t (MS-DOS time), so the time_t of a local time is given */
  struct tm tm;
  memset(&tm, 0, sizeof tm);
  tm.tm_year = 100;
  tm.tm_mday = 1;
  tm.tm_hour = 12;
  tm.tm_isdst = -1;
  if (zip_file_set_mtime(za, (zip_uint64_t)idx, mktime(&tm), 0) != 0) return -1;
  return idx;
}

/* One document: load its TEI, write its text into the ZIP, keep its
 * selections. Returns 0, or -1 after reporting why it was left out. */
static int S_document(S_proj *p, size_t row, int *codes_read) {
  const char *doc_id = sectag_table_get(&p->table, row, p->c_doc_id);
  sectag_error e = SECTAG_ERROR_INIT;
  if (!sectag_outdir_safe_id(doc_id)) {
    sectag_error_set(&e, SECTAG_ERR_INPUT, p->table.path, p->table.lines[row], 0,
                     "the doc_id '%s' is not a safe file name; the document is left out",
                     doc_id);
    S_report(p->opt, &e);
    sectag_error_clear(&e);
    return -1;
  }
  char *path = sectag_path_join(p->opt->outdir, "tei/", NULL);
  char *file = sectag_path_join(path, doc_id, ".xml");
  free(path);
  size_t slen = 0;
  char *src = sectag_outdir_source(&p->table, row, p->c_format, p->c_path, &slen);
  sectag_tei_doc t;
  int rc = sectag_tei_doc_load(&t, file, doc_id, src, slen, &e);
  free(src);
  if (rc != 0) {
    /* sectag_error_set clears e first: take copies */
    char *msg = sectag_xstrdup(e.message ? e.message : "cannot be read");
    char *where = sectag_xstrdup(e.path ? e.path : file);
    unsigned long line = e.line, col = e.col;
    sectag_error_set(&e, SECTAG_ERR_INPUT, where, line, col,
                     "%s; the document %s is left out of the project", msg, doc_id);
    free(msg);
    free(where);
    S_report(p->opt, &e);
    sectag_error_clear(&e);
    free(file);
    return -1;
  }
  if (!*codes_read) {
    if (S_codes_from_tei(&p->codes, file, &p->tmp) == 0) *codes_read = 1;
  }
  if (t.unresolved) {
    sectag_error_set(&e, SECTAG_WARNING, file, 0, 0,
                     "%zu stand-off span%s point to no <seg> or <anchor> of the body; left out",
                     t.unresolved, t.unresolved == 1 ? "" : "s");
    S_report(p->opt, &e);
    sectag_error_clear(&e);
  }
  free(file);

  const sectag_doc *doc = t.doc;
  S_src *s = &p->srcs[p->nsrcs];
  memset(s, 0, sizeof *s);
  s->row = row;
  s->set = -1;
  S_guid(s->guid, &p->tmp, "source:", doc_id, -1);
  const char *group = sectag_table_get(&p->table, row, p->c_group);
  if (*group) s->set = S_set_of(p, group);

  /* speakers: cases, in the order the documents meet them */
  long *case_of = sectag_xcalloc(doc->nspeakers + 1, sizeof *case_of);
  for (size_t i = 0; i < doc->nspeakers; i++) {
    const sectag_speaker *sp = &doc->speakers[i];
    case_of[i] = S_case_of(p, sp->id, sp->role, sp->label, sp->unknown);
  }
  const char *doc_speaker = sectag_table_get(&p->table, row, p->c_speaker);
  long doc_case = *doc_speaker ? S_case_of(p, doc_speaker, NULL, NULL, 0) : -1;
  /* one speaker speaks the whole text (no turns, or every turn is the
   * same speaker's): the case holds the document; otherwise it holds the
   * selections in its turns */
  long single = doc->nturns ? case_of[doc->turns[0].speaker] : doc_case;
  for (size_t i = 1; i < doc->nturns && single >= 0; i++)
    if (case_of[doc->turns[i].speaker] != single) single = -1;
  if (single >= 0) {
    S_case *c = &p->cases[single];
    c->srcs = sectag_xrealloc(c->srcs, (c->nsrcs + 1) * sizeof *c->srcs);
    c->srcs[c->nsrcs++] = p->nsrcs;
  }

  /* selections: positions converted in one pass over the text */
  s->nsels = t.nspans;
  s->sels = sectag_xcalloc(t.nspans ? t.nspans : 1, sizeof *s->sels);
  S_pos *pos = sectag_xcalloc(2 * t.nspans + 1, sizeof *pos);
  size_t *wb = sectag_xcalloc(2 * t.nspans + 1, sizeof *wb);
  for (size_t i = 0; i < t.nspans; i++) {
    pos[2 * i] = (S_pos){t.spans[i].start, &s->sels[i].start, &wb[2 * i]};
    pos[2 * i + 1] = (S_pos){t.spans[i].end, &s->sels[i].end, &wb[2 * i + 1]};
  }
  sectag_buf w = SECTAG_BUF_INIT;
  S_text(doc->text, doc->len, pos, 2 * t.nspans, &w);
  free(pos);
  for (size_t i = 0; i < t.nspans; i++) {
    S_sel *sel = &s->sels[i];
    const sectag_tei_span *sp = &t.spans[i];
    long code = S_code_find(&p->codes, sp->code);
    if (code < 0) { /* not in the taxonomy: a code of its own */
      code = (long)S_code_add(&p->codes, sp->code, sp->code, NULL, SECTAG_NEUTRAL, -1, &p->tmp);
      S_codes_index(&p->codes);
    }
    sel->code = (size_t)code;
    long turn = sectag_doc_turn_at(doc, sp->start);
    sel->speaker = turn >= 0 ? case_of[doc->turns[turn].speaker] : doc_case;
    if (single < 0 && sel->speaker >= 0) {
      S_case *c = &p->cases[sel->speaker];
      if (c->nsels + 2 > c->capsels) {
        c->capsels = c->capsels ? 2 * c->capsels : 32;
        c->sels = sectag_xrealloc(c->sels, c->capsels * sizeof *c->sels);
      }
      c->sels[c->nsels++] = p->nsrcs;
      c->sels[c->nsels++] = i;
    }
    sel->rule = sp->rule ? sectag_xstrdup(sp->rule) : NULL;
    sel->name = S_sel_name(w.ptr ? w.ptr : "", wb[2 * i], wb[2 * i + 1]);
  }
  free(case_of);
  free(wb);
  sectag_tei_doc_free(&t);

  sectag_buf name = SECTAG_BUF_INIT;
  sectag_buf_printf(&name, "sources/%s.txt", s->guid);
  size_t wlen = w.len;
  int zrc = S_zip_add(p->za, name.ptr, sectag_buf_detach(&w), wlen) < 0 ? -1 : 0;
  sectag_buf_free(&name);
  p->nsrcs++;
  return zrc == 0 ? 0 : -2;
}

/* ====================================================================== */
/* project.qde                                                             */

/* Whether every non-empty value of column col among the sources is a full
 * date (YYYY-MM-DD): then the variable is typed Date. */
static int S_all_dates(const S_proj *p, long col) {
  for (size_t i = 0; i < p->nsrcs; i++) {
    const char *v = sectag_table_get(&p->table, p->srcs[i].row, col);
    if (!*v) continue;
    if (strlen(v) != 10 || v[4] != '-' || v[7] != '-') return 0;
    for (int k = 0; k < 10; k++)
      if (k != 4 && k != 7 && (v[k] < '0' || v[k] > '9')) return 0;
  }
  return 1;
}

static int S_has_value(const S_proj *p, long col) {
  for (size_t i = 0; col >= 0 && i < p->nsrcs; i++)
    if (*sectag_table_get(&p->table, p->srcs[i].row, col)) return 1;
  return 0;
}

static void S_add_var(S_proj *p, const char *name, long col, int date) {
  p->vars = sectag_xrealloc(p->vars, (p->nvars + 1) * sizeof *p->vars);
  S_var *v = &p->vars[p->nvars++];
  v->name = name;
  v->col = col;
  v->date = date;
  S_guid(v->guid, &p->tmp, "variable:", name, -1);
}

/* The variables: date, group, speaker, the metadata columns (between
 * speaker and path), each when some document has a value; "role" (or
 * "speaker role" when a column is called role) when some case has one. */
static void S_variables(S_proj *p) {
  if (S_has_value(p, p->c_date)) S_add_var(p, "date", p->c_date, S_all_dates(p, p->c_date));
  if (S_has_value(p, p->c_group)) S_add_var(p, "group", p->c_group, 0);
  if (S_has_value(p, p->c_speaker)) S_add_var(p, "speaker", p->c_speaker, 0);
  long first = (p->c_speaker >= 0 ? p->c_speaker : p->c_group) + 1;
  long last = p->c_path >= 0 ? p->c_path : first;
  int role_col = 0;
  for (long c = first; c > 0 && c < last; c++) {
    if (strcmp(p->table.cols[c], "role") == 0) role_col = 1;
    if (S_has_value(p, c)) S_add_var(p, p->table.cols[c], c, 0);
  }
  int roles = 0;
  for (size_t i = 0; i < p->ncases && !roles; i++) roles = p->cases[i].role != NULL;
  if (roles) {
    p->role_name = sectag_xstrdup(role_col ? "speaker role" : "role");
    S_add_var(p, p->role_name, -1, 0);
  }
}

static void S_value(S_xml *x, const S_var *v, const char *value) {
  S_start(x, "VariableValue");
  S_ref(x, "VariableRef", v->guid);
  S_elem(x, v->date ? "DateValue" : "TextValue", value);
  S_end(x);
}

static void S_write_project(S_proj *p, S_xml *x) {
  sectag_buf *tmp = &p->tmp;
  S_start(x, "Project");
  S_attr(x, "xmlns", S_PROJECT_NS);
  const char *name = p->opt->name;
  char *base = NULL;
  if (!name || !*name) {
    base = sectag_xstrdup(p->opt->outdir);
    size_t n = strlen(base);
    while (n > 1 && base[n - 1] == '/') base[--n] = '\0';
    const char *slash = strrchr(base, '/');
    name = slash && slash[1] ? slash + 1 : base;
  }
  S_attr(x, "name", name);
  free(base);
  S_attr(x, "origin", S_ORIGIN);
  S_attr(x, "creatingUserGUID", p->user);

  S_start(x, "Users");
  S_start(x, "User");
  S_attr(x, "guid", p->user);
  S_attr(x, "name", "sectag");
  S_attr(x, "id", "sectag");
  S_end(x);
  S_end(x);

  if (p->codes.n) {
    S_start(x, "CodeBook");
    S_write_codes(x, &p->codes, tmp);
    S_end(x);
  }

  if (p->nvars) {
    S_start(x, "Variables");
    for (size_t i = 0; i < p->nvars; i++) {
      const S_var *v = &p->vars[i];
      S_start(x, "Variable");
      S_attr(x, "guid", v->guid);
      S_attr(x, "name", v->name);
      S_attr(x, "typeOfVariable", v->date ? "Date" : "Text");
      sectag_buf_clear(tmp);
      if (v->col >= 0)
        sectag_buf_printf(tmp, "The documents.csv column '%s' of sectag code.", v->name);
      else
        sectag_buf_puts(tmp, "The speaker's role (the speaker table of sectag code).");
      S_elem(x, "Description", sectag_buf_cstr(tmp));
      S_end(x);
    }
    S_end(x);
  }

  const S_var *role = p->role_name ? &p->vars[p->nvars - 1] : NULL;
  if (p->ncases) {
    S_start(x, "Cases");
    for (size_t i = 0; i < p->ncases; i++) {
      const S_case *c = &p->cases[i];
      S_start(x, "Case");
      S_attr(x, "guid", c->guid);
      S_attr(x, "name", c->id);
      sectag_buf_clear(tmp);
      if (c->unknown)
        sectag_buf_printf(tmp, "Speaker '%s': the text before the first speaker label.", c->id);
      else
        sectag_buf_printf(tmp, "Speaker '%s' of the sectag tables.", c->id);
      for (size_t k = 0; k < c->nlabels; k++)
        sectag_buf_printf(tmp, "%s%s", k ? "; " : " Labels in the texts: ", c->labels[k]);
      S_elem(x, "Description", sectag_buf_cstr(tmp));
      if (role && c->role) S_value(x, role, c->role);
      /* the documents it speaks whole, then its coded selections in the
       * documents of several speakers */
      for (size_t k = 0; k < c->nsrcs; k++) S_ref(x, "SourceRef", p->srcs[c->srcs[k]].guid);
      char g[37];
      for (size_t k = 0; k + 1 < c->nsels; k += 2) {
        const S_src *s = &p->srcs[c->sels[k]];
        S_guid(g, tmp, "selection:", sectag_table_get(&p->table, s->row, p->c_doc_id),
               (long)c->sels[k + 1]);
        S_ref(x, "SelectionRef", g);
      }
      S_end(x);
    }
    S_end(x);
  }

  S_start(x, "Sources");
  for (size_t d = 0; d < p->nsrcs; d++) {
    const S_src *s = &p->srcs[d];
    const char *doc_id = sectag_table_get(&p->table, s->row, p->c_doc_id);
    S_start(x, "TextSource");
    S_attr(x, "guid", s->guid);
    S_attr(x, "name", doc_id);
    sectag_buf_clear(tmp);
    sectag_buf_printf(tmp, "internal://%s.txt", s->guid);
    S_attr(x, "plainTextPath", sectag_buf_cstr(tmp));
    S_attr(x, "creatingUser", p->user);
    const char *title = sectag_table_get(&p->table, s->row, p->c_title);
    if (*title) S_elem(x, "Description", title);
    char g[37];
    for (size_t k = 0; k < s->nsels; k++) {
      const S_sel *sel = &s->sels[k];
      S_start(x, "PlainTextSelection");
      S_guid(g, tmp, "selection:", doc_id, (long)k);
      S_attr(x, "guid", g);
      S_attr(x, "name", sel->name);
      char num[32];
      snprintf(num, sizeof num, "%zu", sel->start);
      S_attr(x, "startPosition", num);
      snprintf(num, sizeof num, "%zu", sel->end);
      S_attr(x, "endPosition", num);
      S_attr(x, "creatingUser", p->user);
      if (sel->rule) {
        sectag_buf_clear(tmp);
        sectag_buf_printf(tmp, "sectag rule: %s", sel->rule);
        S_elem(x, "Description", sectag_buf_cstr(tmp));
      }
      S_start(x, "Coding");
      S_guid(g, tmp, "coding:", doc_id, (long)k);
      S_attr(x, "guid", g);
      S_attr(x, "creatingUser", p->user);
      S_ref(x, "CodeRef", p->codes.v[sel->code].guid);
      S_end(x); /* Coding */
      S_end(x); /* PlainTextSelection */
    }
    for (size_t i = 0; i < p->nvars; i++) {
      const S_var *v = &p->vars[i];
      if (v->col < 0) continue;
      const char *value = sectag_table_get(&p->table, s->row, v->col);
      if (*value) S_value(x, v, value);
    }
    S_end(x); /* TextSource */
  }
  S_end(x); /* Sources */

  if (p->nsets) {
    S_start(x, "Sets");
    for (size_t i = 0; i < p->nsets; i++) {
      S_start(x, "Set");
      S_attr(x, "guid", p->sets[i].guid);
      S_attr(x, "name", p->sets[i].name);
      sectag_buf_clear(tmp);
      sectag_buf_printf(tmp, "The documents of the group '%s' (the documents.csv column group).",
                        p->sets[i].name);
      S_elem(x, "Description", sectag_buf_cstr(tmp));
      for (size_t d = 0; d < p->nsrcs; d++)
        if (p->srcs[d].set == (long)i) S_ref(x, "MemberSource", p->srcs[d].guid);
      S_end(x);
    }
    S_end(x);
  }

  size_t nsel = 0;
  for (size_t d = 0; d < p->nsrcs; d++) nsel += p->srcs[d].nsels;
  sectag_buf_clear(tmp);
  sectag_buf_printf(tmp,
                    "Coded by %s%s%s%s: %zu document%s, %zu coded selection%s (one per match "
                    "of a codebook rule; the rule is the selection's description). The texts "
                    "are the documents as coded, without a BOM, with LF line ends; positions "
                    "are Unicode code points.",
                    S_ORIGIN, p->codes.name ? " with the codebook '" : "",
                    p->codes.name ? p->codes.name : "", p->codes.name ? "'" : "", p->nsrcs,
                    p->nsrcs == 1 ? "" : "s", nsel, nsel == 1 ? "" : "s");
  S_elem(x, "Description", sectag_buf_cstr(tmp));
  S_end(x); /* Project */
}

/* ====================================================================== */
/* Writing the files                                                       */

/* Creates the folder of path. */
static int S_parent_dir(const char *path, sectag_error *err) {
  const char *slash = strrchr(path, '/');
  if (!slash || slash == path) return 0;
  char *dir = sectag_xstrndup(path, (size_t)(slash - path));
  int rc = sectag_mkdirs(dir, err);
  free(dir);
  return rc;
}

static int S_check_output(const char *path, sectag_error *err) {
  struct stat st;
  if (!path || !*path) {
    sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0, "no output file given (-o FILE)");
    return -1;
  }
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
    sectag_error_set(err, SECTAG_ERR_OUTPUT, path, 0, 0,
                     "is a folder; give -o a file name, such as %s/project.qdpx", path);
    return -1;
  }
  return S_parent_dir(path, err);
}

/* The archive's bytes after zip_close (owned), or NULL. */
static char *S_zip_bytes(zip_source_t *zs, size_t *len) {
  if (zip_source_is_deleted(zs) || zip_source_open(zs) < 0) return NULL;
  char *data = NULL;
  zip_stat_t st;
  if (zip_source_stat(zs, &st) == 0 && (st.valid & ZIP_STAT_SIZE)) {
    data = sectag_xmalloc(st.size ? st.size : 1);
    zip_int64_t n = zip_source_read(zs, data, st.size);
    if (n < 0 || (zip_uint64_t)n != st.size) {
      free(data);
      data = NULL;
    } else {
      *len = (size_t)st.size;
    }
  }
  zip_source_close(zs);
  return data;
}

static void S_proj_free(S_proj *p) {
  for (size_t d = 0; d < p->nsrcs; d++) {
    for (size_t k = 0; k < p->srcs[d].nsels; k++) {
      free(p->srcs[d].sels[k].rule);
      free(p->srcs[d].sels[k].name);
    }
    free(p->srcs[d].sels);
  }
  free(p->srcs);
  for (size_t i = 0; i < p->ncases; i++) {
    free(p->cases[i].id);
    free(p->cases[i].role);
    for (size_t k = 0; k < p->cases[i].nlabels; k++) free(p->cases[i].labels[k]);
    free(p->cases[i].labels);
    free(p->cases[i].srcs);
    free(p->cases[i].sels);
  }
  free(p->cases);
  for (size_t i = 0; i < p->nsets; i++) free(p->sets[i].name);
  free(p->sets);
  free(p->vars);
  free(p->role_name);
  S_codes_free(&p->codes);
  sectag_table_free(&p->table);
  sectag_buf_free(&p->tmp);
}

static void S_zip_error(sectag_error *err, const char *path, const char *what, zip_error_t *ze) {
  sectag_error_set(err, SECTAG_ERR_OUTPUT, path, 0, 0, "cannot build the archive (%s: %s)",
                   what, ze ? zip_error_strerror(ze) : "libzip failed");
}

sectag_status sectag_qdpx_export(const sectag_qdpx_options *opt, sectag_qdpx_summary *summary,
                                 sectag_error *err) {
  sectag_qdpx_summary sum;
  memset(&sum, 0, sizeof sum);
  if (summary) *summary = sum;
  if (!opt->outdir) {
    sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0, "no OUTDIR given");
    return SECTAG_ERR_USAGE;
  }
  if (sectag_outdir_check(opt->outdir, "(coded with --no-tei or --counts-only?)", err) != 0) return SECTAG_ERR_USAGE;
  if (S_check_output(opt->output, err) != 0) return err->code;

  S_proj p;
  memset(&p, 0, sizeof p);
  p.opt = opt;
  char *docs = sectag_path_join(opt->outdir, "documents.csv", NULL);
  int rc = sectag_table_load(&p.table, docs, err);
  free(docs);
  if (rc == 0 && (p.c_doc_id = sectag_table_col(&p.table, "doc_id")) < 0) {
    sectag_error_set(err, SECTAG_ERR_USAGE, p.table.path, 1, 0,
                     "no doc_id column; this is not a documents.csv of sectag code");
    rc = -1;
  }
  if (rc == 0 && p.table.nrows == 0) {
    sectag_error_set(err, SECTAG_ERR_USAGE, p.table.path, 0, 0,
                     "lists no document; run sectag code on a corpus first");
    rc = -1;
  }
  if (rc != 0) {
    err->code = SECTAG_ERR_USAGE;
    S_proj_free(&p);
    return SECTAG_ERR_USAGE;
  }
  p.c_date = sectag_table_col(&p.table, "date");
  p.c_group = sectag_table_col(&p.table, "group");
  p.c_speaker = sectag_table_col(&p.table, "speaker");
  p.c_path = sectag_table_col(&p.table, "path");
  p.c_format = sectag_table_col(&p.table, "format");
  p.c_title = sectag_table_col(&p.table, "title");
  sectag_qdpx_guid("user:sectag", p.user);

  zip_error_t ze;
  zip_error_init(&ze);
  zip_source_t *zs = zip_source_buffer_create(NULL, 0, 0, &ze);
  p.za = zs ? zip_open_from_source(zs, ZIP_TRUNCATE, &ze) : NULL;
  if (!p.za) {
    S_zip_error(err, opt->output, "open", &ze);
    if (zs) zip_source_free(zs);
    zip_error_fini(&ze);
    S_proj_free(&p);
    return SECTAG_ERR_OUTPUT;
  }
  zip_source_keep(zs);
  sectag_status st = SECTAG_OK;
  /* project.qde comes first; its bytes replace this placeholder at the end */
  zip_int64_t qde = S_zip_add(p.za, "project.qde", NULL, 0);
  if (qde < 0) st = SECTAG_ERR_OUTPUT;

  p.srcs = sectag_xcalloc(p.table.nrows, sizeof *p.srcs);
  int codes_read = 0;
  for (size_t row = 0; row < p.table.nrows && st == SECTAG_OK; row++) {
    int r = S_document(&p, row, &codes_read);
    if (r == -1) sum.failed++;
    if (r == -2) st = SECTAG_ERR_OUTPUT;
  }
  if (st == SECTAG_OK && p.nsrcs == 0) {
    sectag_error_set(err, SECTAG_ERR_INPUT, NULL, 0, 0,
                     "no document of %s could be read, so no project was written; run sectag "
                     "code again",
                     opt->outdir);
    st = SECTAG_ERR_INPUT;
  } else if (st == SECTAG_ERR_OUTPUT) {
    S_zip_error(err, opt->output, "a text", zip_get_error(p.za));
  }

  char *bytes = NULL;
  size_t len = 0;
  if (st == SECTAG_OK) {
    S_variables(&p);
    S_xml x;
    char *qx = NULL;
    size_t qlen = 0;
    if (S_xml_open(&x) != 0 || (S_write_project(&p, &x), S_xml_close(&x, &qx, &qlen)) != 0) {
      if (x.w) xmlFreeTextWriter(x.w);
      if (x.xb) xmlBufferFree(x.xb);
      sectag_buf_free(&x.clean);
      sectag_error_set(err, SECTAG_ERR_OUTPUT, opt->output, 0, 0,
                       "cannot write project.qde (libxml2's writer failed; out of memory?)");
      st = SECTAG_ERR_OUTPUT;
    } else {
      zip_source_t *qs = zip_source_buffer(p.za, qx, qlen, 1);
      if (!qs || zip_file_replace(p.za, (zip_uint64_t)qde, qs, 0) != 0) {
        if (qs) zip_source_free(qs);
        else free(qx);
        S_zip_error(err, opt->output, "project.qde", zip_get_error(p.za));
        st = SECTAG_ERR_OUTPUT;
      }
    }
  }
  if (st == SECTAG_OK) {
    if (zip_close(p.za) != 0) {
      S_zip_error(err, opt->output, "close", zip_get_error(p.za));
      zip_discard(p.za);
      st = SECTAG_ERR_OUTPUT;
    } else if (!(bytes = S_zip_bytes(zs, &len))) {
      sectag_error_set(err, SECTAG_ERR_OUTPUT, opt->output, 0, 0,
                       "cannot read back the archive built in memory");
      st = SECTAG_ERR_OUTPUT;
    }
  } else {
    zip_discard(p.za);
  }
  zip_source_free(zs);
  zip_error_fini(&ze);

  if (st == SECTAG_OK && sectag_write_file(opt->output, bytes, len, err) != 0)
    st = SECTAG_ERR_OUTPUT;
  free(bytes);

  if (st == SECTAG_OK) {
    sum.documents = p.nsrcs;
    for (size_t d = 0; d < p.nsrcs; d++) sum.selections += p.srcs[d].nsels;
    sum.codes = p.codes.n;
    sum.variables = p.nvars;
    sum.cases = p.ncases;
    sum.sets = p.nsets;
    sum.bytes = len;
    if (sum.failed) st = SECTAG_ERR_INPUT;
  }
  if (summary) *summary = sum;
  S_proj_free(&p);
  return st;
}

/* ====================================================================== */
/* The codebook file                                                       */

sectag_status sectag_qdc_export(const char *codebook, const char *output, size_t *ncodes,
                                 sectag_error *err) {
  if (ncodes) *ncodes = 0;
  sectag_codebook *cb = sectag_codebook_load(codebook, err);
  if (!cb) return SECTAG_ERR_CODEBOOK;
  if (S_check_output(output, err) != 0) {
    sectag_codebook_free(cb);
    return err->code;
  }
  S_codes c;
  memset(&c, 0, sizeof c);
  sectag_buf tmp = SECTAG_BUF_INIT;
  S_codes_from_cb_at(&c, cb, -1, -1, &tmp);
  sectag_codebook_free(cb);

  S_xml x;
  char *data = NULL;
  size_t len = 0;
  int rc = S_xml_open(&x);
  if (rc == 0) {
    S_start(&x, "CodeBook");
    S_attr(&x, "xmlns", S_CODEBOOK_NS);
    S_attr(&x, "origin", S_ORIGIN);
    S_write_codes(&x, &c, &tmp);
    S_end(&x);
    rc = S_xml_close(&x, &data, &len);
  }
  sectag_status st = SECTAG_OK;
  if (rc != 0) {
    sectag_error_set(err, SECTAG_ERR_OUTPUT, output, 0, 0,
                     "cannot write the codebook (libxml2's writer failed; out of memory?)");
    st = SECTAG_ERR_OUTPUT;
  } else if (sectag_write_file(output, data, len, err) != 0) {
    st = SECTAG_ERR_OUTPUT;
  }
  if (ncodes && st == SECTAG_OK) *ncodes = c.n;
  free(data);
  sectag_buf_free(&tmp);
  S_codes_free(&c);
  return st;
}
