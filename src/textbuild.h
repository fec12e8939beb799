/* textbuild.h: building a document's plain text from markup (HTML, TEI).
 *
 * The markup readers (reader_html.c, reader_tei.c) walk a libxml2 tree
 * (sectag_textbuild_next) and feed its text nodes and structure into one
 * sectag_textbuild, which applies the rules both share:
 *
 *  - each block (a paragraph, a heading, a list item, a table row, ...)
 *    becomes one paragraph of the text, blocks separated by exactly one
 *    blank line ("\n\n"); a block without text leaves no trace;
 *  - inside a block, white-space runs (ASCII and Unicode spaces, no-break
 *    space included) become one space, and blocks are trimmed;
 *  - a line break (<br>, <lb/>) is "\n", two or more in a row are "\n\n";
 *  - table cells of one row are joined by " | ";
 *  - U+FEFF (a BOM or zero-width no-break space) is dropped.
 *
 * Pending white space, line breaks and cell separators are only written
 * when more text follows, so the text never starts or ends with them.
 *
 * Ownership: the builder owns tb->out (a sectag_buf). The caller
 * initialises the builder with SECTAG_TEXTBUILD_INIT, reads the text from
 * tb->out.ptr/len (ptr is NULL while nothing was written), and either takes
 * it with sectag_buf_detach(&tb->out) or releases it with
 * sectag_buf_free(&tb->out). sectag_textbuild_collapse() and
 * sectag_textbuild_node_text() return owned strings: free them with
 * free(). Tree nodes are borrowed, never freed here. */
#ifndef SECTAG_TEXTBUILD_H
#define SECTAG_TEXTBUILD_H

#include <stddef.h>

#include <libxml/tree.h>

#include "buf.h"

typedef struct sectag_textbuild {
  sectag_buf out; /* the text so far (owned) */
  int in_block;   /* the current block has text */
  int sep;        /* a block with text ended: "\n\n" before the next text */
  int space;      /* a white-space run is pending */
  int nl;         /* line breaks pending, at most 2 */
  int cell;       /* " | " pending: a new table cell in a row */
  /* Marks: set want_mark to 1 to learn where the next block's text starts.
   * When that text is written, mark is set to its offset in out and
   * want_mark goes back to 0; want_mark still 1 means no text came (the
   * TEI reader uses this for the span of a speaker turn). */
  int want_mark;
  size_t mark;
} sectag_textbuild;

#define SECTAG_TEXTBUILD_INIT {SECTAG_BUF_INIT, 0, 0, 0, 0, 0, 0, 0}

/* Ends the current block: the next text starts a new paragraph. Pending
 * spaces, line breaks and cell separators are dropped (blocks are
 * trimmed). */
void sectag_textbuild_block(sectag_textbuild *tb);

/* A line break inside the current block (ignored before the block's first
 * text; at most two are kept). */
void sectag_textbuild_br(sectag_textbuild *tb);

/* A new table cell: " | " before the next text of the current block
 * (ignored before the block's first text). */
void sectag_textbuild_cell(sectag_textbuild *tb);

/* Appends the UTF-8 text s[0..n) (not NUL-terminated; may hold NUL bytes).
 * With pre != 0 (inside <pre>), "\n", "\r" and "\r\n" are line breaks as
 * for sectag_textbuild_br(); otherwise they are white space. */
void sectag_textbuild_chars(sectag_textbuild *tb, const char *s, size_t n, int pre);

/* A copy of the NUL-terminated s with white space collapsed and trimmed
 * (owned; free with free()), or NULL when s is NULL or nothing is left. */
char *sectag_textbuild_collapse(const char *s);

/* The collapsed text content of n and everything below it (as
 * sectag_textbuild_collapse; owned), or NULL when n is NULL or has no
 * text. For short fields: a title, a speaker label, a date. */
char *sectag_textbuild_node_text(const xmlNode *n);

/* The node after n in document order, not entering n's children when skip
 * is set; NULL after the last node under root. Iterative (parent and next
 * pointers), so deeply nested markup cannot overflow the stack. */
xmlNode *sectag_textbuild_next(xmlNode *n, const xmlNode *root, int skip);

#define SECTAG_TEI_NS "http://www.tei-c.org/ns/1.0"

/* Whether n is the TEI element `name` (in the TEI namespace, or in none). */
int sectag_tei_is(const xmlNode *n, const char *name);
/* The first child of n that is the TEI element `name`, or NULL. */
xmlNode *sectag_tei_child(const xmlNode *n, const char *name);
/* n's xml:id (owned, free with free()), or NULL when it has none. */
char *sectag_tei_xml_id(const xmlNode *n);

#endif
