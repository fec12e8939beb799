/* cmd_kwic.c: `sectag kwic OUTDIR (--code CODE | --pattern REGEX)`.
 * Options -> sectag_kwic_run() (kwic.c) -> aligned text or CSV -> exit
 * status. The only part of kwic that prints. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <utf8proc.h>

#include "buf.h"
#include "cli.h"
#include "kwic.h"
#include "output.h"
#include "render.h"

enum { EXIT_DOCS = 1, EXIT_USAGE = 2, EXIT_OUTPUT = 4 };

/* Display columns of each context in text output; longer contexts are cut
 * at the far end with an ellipsis. */
#define S_CONTEXT_COLS 40

const char sectag_kwic_usage[] =
    "Usage: sectag kwic [OPTIONS] OUTDIR --code CODE\n"
    "       sectag kwic [OPTIONS] OUTDIR --pattern REGEX\n"
    "\n"
    "Concordance lines (keyword in context) from the OUTDIR of a sectag code run:\n"
    "every match of a code, or of a regex, with the words around it, the\n"
    "document's id and date, and the speaker. The texts are rebuilt from\n"
    "OUTDIR/tei/DOC_ID.xml and the documents listed in OUTDIR/documents.csv.\n"
    "\n"
    "What to show (one of):\n"
    "      --code CODE          the matches of CODE and its sub-codes (--code sec takes\n"
    "                           sec.war, sec.military.guard...): the rows of matches.csv\n"
    "      --pattern REGEX      a PCRE2 regex, matched as codebook rules are: against\n"
    "                           the lower-case text without accents, whole tokens only,\n"
    "                           never across speaker turns or into hidden text\n"
    "      --accents MODE       with --pattern: insensitive (default: 'ejercito' finds\n"
    "                           'Ejército') or sensitive (accents in REGEX must match)\n"
    "\n"
    "How to show it:\n"
    "  -w, --window N           tokens of context on each side, 1 to 100 (default 8);\n"
    "                           the context stops at the edges of the speaker's turn\n"
    "      --sort KEY           doc: by document (documents.csv order), then position\n"
    "                           (default); left: by the words to the left, nearest\n"
    "                           first; right: by the words to the right\n"
    "      --limit N            print the first N lines after sorting\n"
    "      --format FORMAT      text: aligned columns, the keywords in one column\n"
    "                           (default on a terminal); csv: RFC 4180 with a header\n"
    "                           doc_id,speaker,date,code,start,end,left,keyword,right\n"
    "                           (default otherwise, and with -o)\n"
    "  -o, --output FILE        write to FILE (atomically) instead of standard output\n"
    "  -h, --help               show this help\n"
    "\n"
    "start and end are byte offsets into the document's text, as in matches.csv.\n"
    "See docs/kwic.md.\n"
    "\n"
    "Examples:\n"
    "  sectag kwic out/sample-es --code sec.war --sort left\n"
    "  sectag kwic out/sample-es --pattern 'mano (dura|firme)' --window 5\n"
    "  sectag kwic out/sample-es --code desec --format csv -o desec.csv\n"
    "\n"
    "Exit status: 0 success; 1 some documents failed: a TEI file could not be\n"
    "read, or the regex backtracked too much (the other documents' lines were\n"
    "printed); 2 usage error (bad option, not an OUTDIR, unknown code, invalid\n"
    "regex); 4 cannot write the output.\n";

enum { O_CODE = 256, O_PATTERN, O_ACCENTS, O_SORT, O_LIMIT, O_FORMAT, O_DEBUG_TEXT };

static void S_print_error(const sectag_error *e) {
  char *msg = sectag_error_format(e);
  if (e->path)
    fprintf(stderr, "%s\n", msg);
  else
    fprintf(stderr, "sectag kwic: %s\n", msg);
  free(msg);
}

static void S_report(void *ud, const sectag_error *e) {
  (void)ud;
  S_print_error(e);
}

/* SECTAG_KWIC_TEXT_DIR=DIR (for tests): each rebuilt text goes to
 * DIR/DOC_ID.txt, '/' in the doc_id written as "__". */
static void S_dump_text(void *ud, const sectag_doc *doc) {
  const char *dir = ud;
  if (!dir) return;
  sectag_buf p = SECTAG_BUF_INIT;
  sectag_buf_printf(&p, "%s/", dir);
  for (const char *c = sectag_doc_id(doc); *c; c++) {
    if (*c == '/')
      sectag_buf_puts(&p, "__");
    else
      sectag_buf_putc(&p, *c);
  }
  sectag_buf_puts(&p, ".txt");
  size_t len;
  const char *text = sectag_doc_text(doc, &len);
  FILE *f = fopen(p.ptr, "wb");
  if (f) {
    fwrite(text, 1, len, f);
    fclose(f);
  }
  sectag_buf_free(&p);
}

static int S_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int S_usage_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("sectag kwic: ", stderr);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputs("\nTry 'sectag kwic --help'.\n", stderr);
  return EXIT_USAGE;
}

/* A whole number in [lo, hi], or -1. */
static long S_number(const char *s, long lo, long hi) {
  if (!s || !*s) return -1;
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || *end || v < lo || v > hi) return -1;
  return v;
}

/* ---- display width (utf8proc_charwidth), for the text columns */

static size_t S_width(const char *s) {
  size_t w = 0, n = strlen(s);
  for (size_t i = 0; i < n;) {
    utf8proc_int32_t c;
    utf8proc_ssize_t k =
        utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &c);
    if (k <= 0) {
      i++;
      w++;
      continue;
    }
    int cw = utf8proc_charwidth(c);
    if (cw > 0) w += (size_t)cw;
    i += (size_t)k;
  }
  return w;
}

static void S_spaces(sectag_buf *o, size_t n) {
  for (size_t i = 0; i < n; i++) sectag_buf_putc(o, ' ');
}

/* The start of each code point of s, and its width: one entry per code
 * point, plus the end. */
typedef struct {
  size_t *off;
  int *w;
  size_t n;
} S_cps;

static S_cps S_codepoints(const char *s) {
  size_t len = strlen(s);
  S_cps c = {sectag_xcalloc(len + 1, sizeof *c.off), sectag_xcalloc(len + 1, sizeof *c.w), 0};
  for (size_t i = 0; i < len;) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t k =
        utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
    int cw = k > 0 ? utf8proc_charwidth(cp) : 1;
    c.off[c.n] = i;
    c.w[c.n++] = cw < 0 ? 0 : cw;
    i += k > 0 ? (size_t)k : 1;
  }
  c.off[c.n] = len;
  return c;
}

/* s in `cols` display columns, right-aligned: cut at the left with "…" when
 * it is wider (never leaving a combining mark without its letter). */
static void S_put_left(sectag_buf *o, const char *s, size_t cols) {
  size_t w = S_width(s);
  if (w <= cols) {
    S_spaces(o, cols - w);
    sectag_buf_puts(o, s);
    return;
  }
  S_cps c = S_codepoints(s);
  size_t i = c.n, used = 0;
  while (i > 0 && used + (size_t)c.w[i - 1] + 1 <= cols) used += (size_t)c.w[--i];
  while (i < c.n && c.w[i] == 0) i++; /* marks of a letter that was cut */
  S_spaces(o, cols - 1 - used);
  sectag_buf_puts(o, "\xE2\x80\xA6");
  sectag_buf_puts(o, s + c.off[i]);
  free(c.off);
  free(c.w);
}

/* s in at most `cols` columns, cut at the right with "…". */
static void S_put_right(sectag_buf *o, const char *s, size_t cols) {
  if (S_width(s) <= cols) {
    sectag_buf_puts(o, s);
    return;
  }
  S_cps c = S_codepoints(s);
  size_t i = 0, used = 0;
  while (i < c.n && used + (size_t)c.w[i] + 1 <= cols) used += (size_t)c.w[i++];
  while (i < c.n && c.w[i] == 0) i++; /* keep a letter's marks with it */
  sectag_buf_put(o, s, c.off[i]);
  sectag_buf_puts(o, "\xE2\x80\xA6");
  free(c.off);
  free(c.w);
}

static void S_put_col(sectag_buf *o, const char *s, size_t cols) {
  if (!cols) return;
  sectag_buf_puts(o, s);
  S_spaces(o, cols - S_width(s));
  sectag_buf_puts(o, "  ");
}

/* Text: doc_id, speaker, date (and code), then the left context
 * right-aligned, the keyword, the right context; the keyword starts in the
 * same screen column on every line. An empty column is left out. */
static void S_text(const sectag_kwic *k, int with_code, sectag_buf *o) {
  size_t wd = 0, ws = 0, wt = 0, wc = 0, wl = 0;
  for (size_t i = 0; i < k->nlines; i++) {
    const sectag_kwic_line *l = &k->lines[i];
    size_t w;
    if ((w = S_width(l->doc_id)) > wd) wd = w;
    if ((w = S_width(l->speaker)) > ws) ws = w;
    if ((w = S_width(l->date)) > wt) wt = w;
    if (with_code && (w = S_width(l->code)) > wc) wc = w;
    if ((w = S_width(l->left)) > wl) wl = w;
  }
  if (wl > S_CONTEXT_COLS) wl = S_CONTEXT_COLS;
  for (size_t i = 0; i < k->nlines; i++) {
    const sectag_kwic_line *l = &k->lines[i];
    size_t line_start = o->len;
    S_put_col(o, l->doc_id, wd);
    S_put_col(o, l->speaker, ws);
    S_put_col(o, l->date, wt);
    S_put_col(o, l->code, wc);
    if (wl) {
      S_put_left(o, l->left, wl);
      sectag_buf_puts(o, "  ");
    }
    sectag_buf_puts(o, l->keyword_flat);
    sectag_buf_puts(o, "  ");
    S_put_right(o, l->right, S_CONTEXT_COLS);
    while (o->len > line_start && o->ptr[o->len - 1] == ' ') o->len--;
    sectag_buf_putc(o, '\n');
  }
}

static void S_field(sectag_buf *o, const char *s) { sectag_csv_field(o, s, strlen(s)); }

static void S_csv(const sectag_kwic *k, sectag_buf *o) {
  sectag_buf_puts(o, "doc_id,speaker,date,code,start,end,left,keyword,right\r\n");
  for (size_t i = 0; i < k->nlines; i++) {
    const sectag_kwic_line *l = &k->lines[i];
    S_field(o, l->doc_id);
    sectag_buf_putc(o, ',');
    S_field(o, l->speaker);
    sectag_buf_putc(o, ',');
    S_field(o, l->date);
    sectag_buf_putc(o, ',');
    S_field(o, l->code);
    sectag_buf_printf(o, ",%zu,%zu,", l->start, l->end);
    S_field(o, l->left);
    sectag_buf_putc(o, ',');
    S_field(o, l->keyword);
    sectag_buf_putc(o, ',');
    S_field(o, l->right);
    sectag_buf_puts(o, "\r\n");
  }
}

static int S_write(const char *path, const sectag_buf *o) {
  if (path) {
    sectag_out out;
    memset(&out, 0, sizeof out);
    sectag_error err = SECTAG_ERROR_INIT;
    if (sectag_out_open(&out, path, &err) != 0) {
      S_print_error(&err);
      sectag_error_clear(&err);
      return EXIT_OUTPUT;
    }
    sectag_out_write(&out, o->ptr ? o->ptr : "", o->len);
    if (sectag_out_commit(&out, &err) != 0) {
      S_print_error(&err);
      sectag_error_clear(&err);
      return EXIT_OUTPUT;
    }
    return 0;
  }
  if ((o->len && fwrite(o->ptr, 1, o->len, stdout) != o->len) || fflush(stdout) != 0) {
    fprintf(stderr, "sectag kwic: cannot write to standard output: %s\n", strerror(errno));
    return EXIT_OUTPUT;
  }
  return 0;
}

static int S_kwic(sectag_kwic_options *opt, int text, const char *output) {
  sectag_kwic k;
  sectag_error err = SECTAG_ERROR_INIT;
  sectag_status st = sectag_kwic_run(opt, &k, &err);
  if (st == SECTAG_ERR_USAGE) {
    S_print_error(&err);
    sectag_error_clear(&err);
    return EXIT_USAGE;
  }
  sectag_error_clear(&err);
  sectag_buf o = SECTAG_BUF_INIT;
  if (text)
    S_text(&k, opt->code != NULL, &o);
  else
    S_csv(&k, &o);
  if (k.nlines == 0)
    fprintf(stderr, "sectag kwic: no lines: %s '%s' has no match in the %zu document%s read\n",
            opt->code ? "the code" : "the pattern", opt->code ? opt->code : opt->pattern,
            k.documents, k.documents == 1 ? "" : "s");
  int rc = S_write(output, &o);
  sectag_buf_free(&o);
  sectag_kwic_free(&k);
  if (rc) return rc;
  return st == SECTAG_OK ? 0 : EXIT_DOCS;
}

int sectag_cli_kwic(int argc, char **argv) {
  static const struct option longopts[] = {{"code", required_argument, NULL, O_CODE},
                                           {"pattern", required_argument, NULL, O_PATTERN},
                                           {"accents", required_argument, NULL, O_ACCENTS},
                                           {"window", required_argument, NULL, 'w'},
                                           {"sort", required_argument, NULL, O_SORT},
                                           {"limit", required_argument, NULL, O_LIMIT},
                                           {"format", required_argument, NULL, O_FORMAT},
                                           {"output", required_argument, NULL, 'o'},
                                           {"help", no_argument, NULL, 'h'},
                                           {NULL, 0, NULL, 0}};
  sectag_kwic_options opt;
  memset(&opt, 0, sizeof opt);
  opt.window = SECTAG_KWIC_WINDOW_DEFAULT;
  const char *output = NULL, *accents = NULL;
  int format = -1; /* 1 text, 0 csv, -1 by the output */
  int c;
  optind = 1;
  argv[0] = (char *)"sectag kwic"; /* getopt's messages name the command */
  while ((c = getopt_long(argc, argv, "w:o:h", longopts, NULL)) != -1) {
    long v;
    switch (c) {
    case O_CODE:
      if (opt.code) return S_usage_error("give --code once (--code %s takes its sub-codes too)", opt.code);
      opt.code = optarg;
      break;
    case O_PATTERN:
      if (opt.pattern) return S_usage_error("give --pattern once; join alternatives with |");
      opt.pattern = optarg;
      break;
    case O_ACCENTS:
      if (strcmp(optarg, "sensitive") != 0 && strcmp(optarg, "insensitive") != 0)
        return S_usage_error("--accents must be sensitive or insensitive, not '%s'", optarg);
      accents = optarg;
      break;
    case 'w':
      if ((v = S_number(optarg, 1, SECTAG_KWIC_WINDOW_MAX)) < 0)
        return S_usage_error("--window must be a whole number of tokens from 1 to 100, not '%s'",
                             optarg);
      opt.window = (size_t)v;
      break;
    case O_SORT:
      if (strcmp(optarg, "doc") == 0)
        opt.sort = SECTAG_KWIC_SORT_DOC;
      else if (strcmp(optarg, "left") == 0)
        opt.sort = SECTAG_KWIC_SORT_LEFT;
      else if (strcmp(optarg, "right") == 0)
        opt.sort = SECTAG_KWIC_SORT_RIGHT;
      else
        return S_usage_error("--sort must be left, right or doc, not '%s'", optarg);
      break;
    case O_LIMIT:
      if ((v = S_number(optarg, 1, 2147483647L)) < 0)
        return S_usage_error("--limit must be a whole number of lines, 1 or more, not '%s'",
                             optarg);
      opt.limit = (size_t)v;
      break;
    case O_FORMAT:
      if (strcmp(optarg, "text") == 0)
        format = 1;
      else if (strcmp(optarg, "csv") == 0)
        format = 0;
      else
        return S_usage_error("--format must be text or csv, not '%s'", optarg);
      break;
    case 'o':
      output = optarg;
      break;
    case 'h':
      fputs(sectag_kwic_usage, stdout);
      return 0;
    default:
      fputs("Try 'sectag kwic --help'.\n", stderr);
      return EXIT_USAGE;
    }
  }
  if (optind >= argc)
    return S_usage_error("missing OUTDIR, the folder sectag code wrote (-o OUTDIR)");
  if (optind + 1 < argc)
    return S_usage_error("one OUTDIR only; '%s' is one too many", argv[optind + 1]);
  opt.outdir = argv[optind];
  if (!opt.code && !opt.pattern)
    return S_usage_error("missing --code CODE or --pattern REGEX (for example --code sec.war)");
  if (opt.code && opt.pattern)
    return S_usage_error("give --code or --pattern, not both");
  if (accents && !opt.pattern)
    return S_usage_error("--accents goes with --pattern; the matches of --code are those of "
                         "sectag code");
  opt.accents_sensitive = accents && strcmp(accents, "sensitive") == 0;
  if (format < 0) format = !output && isatty(STDOUT_FILENO);
  opt.report = S_report;
  const char *dump = getenv("SECTAG_KWIC_TEXT_DIR");
  if (dump && *dump) {
    opt.on_doc = S_dump_text;
    opt.userdata = (void *)dump;
  }
  return S_kwic(&opt, format, output);
}
