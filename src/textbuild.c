/* textbuild.c: the plain text of a markup document, block by block (see
 * textbuild.h). Shared by the HTML and TEI readers so both give the same
 * paragraphs, spaces, line breaks and cells for the same structure.
 *
 * Nothing is written eagerly: block ends, spaces, line breaks and cells
 * only set flags, and S_flush() turns the flags into bytes when the next
 * character of text arrives. That is what keeps blocks trimmed and stops
 * empty blocks from leaving blank lines. */
#include "textbuild.h"

#include <string.h>

void sectag_textbuild_block(sectag_textbuild *tb) {
  if (tb->in_block) tb->sep = 1;
  tb->in_block = tb->space = tb->nl = tb->cell = 0;
}

void sectag_textbuild_br(sectag_textbuild *tb) {
  if (tb->in_block && tb->nl < 2) tb->nl++;
  tb->space = tb->cell = 0;
}

void sectag_textbuild_cell(sectag_textbuild *tb) {
  if (tb->in_block) tb->cell = 1;
  tb->space = tb->nl = 0;
}

/* Byte length of the white-space character at s (n > 0 bytes), or 0. No-break
 * and other Unicode spaces count: a page's &nbsp; is layout, not prose. */
static size_t S_space_len(const unsigned char *s, size_t n) {
  if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f' || *s == '\v') return 1;
  if (n >= 2 && s[0] == 0xC2 && (s[1] == 0xA0 || s[1] == 0x85)) return 2;
  if (n >= 3 && s[0] == 0xE1 && s[1] == 0x9A && s[2] == 0x80) return 3; /* U+1680 */
  if (n >= 3 && s[0] == 0xE2 && s[1] == 0x80 &&
      (s[2] <= 0x8A || s[2] == 0xA8 || s[2] == 0xA9 || s[2] == 0xAF))
    return 3; /* U+2000..200A, U+2028, U+2029, U+202F */
  if (n >= 3 && s[0] == 0xE2 && s[1] == 0x81 && s[2] == 0x9F) return 3; /* U+205F */
  if (n >= 3 && s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80) return 3; /* U+3000 */
  return 0;
}

static int S_is_bom(const unsigned char *s, size_t n) {
  return n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF; /* U+FEFF: dropped */
}

static size_t S_char_len(const unsigned char *s, size_t n) {
  size_t k = *s < 0x80 ? 1 : *s < 0xE0 ? 2 : *s < 0xF0 ? 3 : 4;
  return k > n ? n : k;
}

/* Writes what is pending before the next character of text. */
static void S_flush(sectag_textbuild *tb) {
  if (!tb->in_block) {
    if (tb->sep && tb->out.len) sectag_buf_put(&tb->out, "\n\n", 2);
    tb->sep = 0;
    tb->in_block = 1;
    if (tb->want_mark) {
      tb->mark = tb->out.len;
      tb->want_mark = 0;
    }
  } else if (tb->cell) {
    sectag_buf_put(&tb->out, " | ", 3);
  } else if (tb->nl) {
    sectag_buf_put(&tb->out, "\n\n", (size_t)tb->nl);
  } else if (tb->space) {
    sectag_buf_putc(&tb->out, ' ');
  }
  tb->space = tb->nl = tb->cell = 0;
}

void sectag_textbuild_chars(sectag_textbuild *tb, const char *s, size_t n, int pre) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    if (pre && (p[i] == '\n' || p[i] == '\r')) {
      i += (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n') ? 2 : 1;
      sectag_textbuild_br(tb);
      continue;
    }
    size_t w = S_space_len(p + i, n - i);
    if (w) {
      if (tb->in_block && !tb->nl && !tb->cell) tb->space = 1;
      i += w;
      continue;
    }
    if (S_is_bom(p + i, n - i)) {
      i += 3;
      continue;
    }
    size_t j = i;
    while (j < n && !S_space_len(p + j, n - j) && !S_is_bom(p + j, n - j))
      j += S_char_len(p + j, n - j);
    S_flush(tb);
    sectag_buf_put(&tb->out, p + i, j - i);
    i = j;
  }
}

char *sectag_textbuild_collapse(const char *s) {
  if (!s) return NULL;
  sectag_textbuild tb = SECTAG_TEXTBUILD_INIT;
  sectag_textbuild_chars(&tb, s, strlen(s), 0);
  if (tb.out.len == 0) {
    sectag_buf_free(&tb.out);
    return NULL;
  }
  return sectag_buf_detach(&tb.out);
}

char *sectag_textbuild_node_text(const xmlNode *n) {
  if (!n) return NULL;
  xmlChar *s = xmlNodeGetContent(n);
  char *c = sectag_textbuild_collapse((const char *)s);
  xmlFree(s);
  return c;
}

xmlNode *sectag_textbuild_next(xmlNode *n, const xmlNode *root, int skip) {
  if (!skip && n->children) return n->children;
  while (n && n != root) {
    if (n->next) return n->next;
    n = n->parent;
  }
  return NULL;
}

int sectag_tei_is(const xmlNode *n, const char *name) {
  return n && n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, (const xmlChar *)name) &&
         (!n->ns || xmlStrEqual(n->ns->href, (const xmlChar *)SECTAG_TEI_NS));
}

char *sectag_tei_xml_id(const xmlNode *n) {
  xmlChar *v = xmlGetNsProp(n, (const xmlChar *)"id", XML_XML_NAMESPACE);
  if (!v) return NULL;
  char *s = sectag_xstrdup((const char *)v);
  xmlFree(v);
  return s;
}

xmlNode *sectag_tei_child(const xmlNode *n, const char *name) {
  if (!n) return NULL;
  for (xmlNode *c = n->children; c; c = c->next)
    if (sectag_tei_is(c, name)) return c;
  return NULL;
}
