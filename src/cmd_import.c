/* cmd_import.c: `sectag import`. argv -> options -> sectag_dict_read()
 * (import.c) -> the codebook in memory -> checked by loading it like
 * `sectag code` would -> written atomically -> exit status. The formats
 * and the conversion live in the library; this file only parses, prints
 * and chooses the exit status. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "cli.h"
#include "import.h"
#include "output.h"
#include "sectag.h"

enum { EXIT_INPUT = 1, EXIT_USAGE = 2, EXIT_OUTPUT = 4 };

const char sectag_import_usage[] =
    "Usage: sectag import [OPTIONS] FILE -o CODEBOOK.yaml\n"
    "\n"
    "Convert a dictionary of another program into a sectag codebook. Each\n"
    "category becomes a code (nested categories become dotted ids such as\n"
    "security.threat), and its entries become `words:`, globs matched on whole\n"
    "words: amenaz* (any ending), ? (one character), crimen organizado (a\n"
    "phrase). The codebook has `overlap: all`: as in the dictionary, every entry\n"
    "counts, and a word listed in two categories counts in both.\n"
    "\n"
    "Formats (chosen by FILE's extension, or --format):\n"
    "  liwc        LIWC .dic: categories between two '%' lines, then word<TAB>ids;\n"
    "              conditional entries (like 02 134(02 131)53) are skipped\n"
    "  quanteda    quanteda YAML (.yml, .yaml): nested keys, lists of globs\n"
    "  yoshikoder  Yoshikoder .ykd (XML): <cnode> categories, <pnode> patterns\n"
    "  lexicoder   Lexicoder .lc3: '+category' lines, then one entry per line\n"
    "  wordstat    WordStat .cat: one tab per level, entries like AMENAZA* (1);\n"
    "              macros (@NAME) are skipped\n"
    "What is skipped is reported as FILE:LINE: warning: ... and listed at the top\n"
    "of the codebook. Category names become code ids (accents removed, lower\n"
    "case, other characters '_'); the name itself is the code's label.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE        the codebook to write (required; an existing file is\n"
    "                           replaced whole, through a temporary file)\n"
    "  -f, --format FORMAT      liwc, quanteda, yoshikoder, lexicoder or wordstat\n"
    "  -p, --polarity KEY=POL   give the code KEY (an id as written in the codebook,\n"
    "                           or a category name) the polarity POL: securitizing,\n"
    "                           desecuritizing or neutral (the default); its\n"
    "                           sub-categories inherit it. Repeatable\n"
    "      --accents MODE       insensitive (the default: ejercito finds ejército)\n"
    "                           or sensitive\n"
    "      --encoding NAME      the file's encoding if not UTF-8, e.g. cp1252 (not for\n"
    "                           .ykd files, whose XML declaration names it)\n"
    "  -q, --quiet              no summary line (warnings are still shown)\n"
    "  -h, --help               show this help\n"
    "\n"
    "Example:\n"
    "  sectag import security.dic -o codebooks/security.yaml \\\n"
    "      --polarity threat=securitizing --polarity peace=desecuritizing\n"
    "  sectag code -c codebooks/security.yaml -o out/security corpora/sample/es\n"
    "\n"
    "See docs/import.md.\n"
    "\n"
    "Exit status: 0 written (skipped entries are warnings); 1 the dictionary is\n"
    "malformed (FILE:LINE:COL says where, nothing written); 2 usage error (bad\n"
    "option, unknown format, a file that cannot be read, unknown --polarity\n"
    "category); 4 cannot write CODEBOOK.yaml.\n";

static void S_print_error(const sectag_error *e) {
  char *msg = sectag_error_format(e);
  if (e->path)
    fprintf(stderr, "%s\n", msg);
  else
    fprintf(stderr, "sectag import: %s\n", msg);
  free(msg);
}

static int S_usage_error(const char *fmt, const char *arg) {
  fputs("sectag import: ", stderr);
  fprintf(stderr, fmt, arg);
  fputs("\nTry 'sectag import --help'.\n", stderr);
  return EXIT_USAGE;
}

/* The codebook's name: the file name without folder and extension. */
static char *S_name_of(const char *path) {
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  const char *dot = strrchr(base, '.');
  size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
  return sectag_xstrndup(base, n);
}

static int S_same_file(const char *a, const char *b) {
  struct stat sa, sb;
  return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

enum { O_ACCENTS = 256, O_ENCODING };

static int S_run(const char *input, const char *output, sectag_dict_format format,
                 char **polarity, size_t npolarity, const char *encoding, int sensitive,
                 int quiet);

int sectag_cli_import(int argc, char **argv) {
  static const struct option longopts[] = {{"output", required_argument, NULL, 'o'},
                                           {"format", required_argument, NULL, 'f'},
                                           {"polarity", required_argument, NULL, 'p'},
                                           {"quiet", no_argument, NULL, 'q'},
                                           {"help", no_argument, NULL, 'h'},
                                           {"accents", required_argument, NULL, O_ACCENTS},
                                           {"encoding", required_argument, NULL, O_ENCODING},
                                           {NULL, 0, NULL, 0}};
  const char *output = NULL, *encoding = NULL;
  sectag_dict_format format = SECTAG_DICT_UNKNOWN;
  int sensitive = 0, quiet = 0, c, rc = -1;
  char **polarity = sectag_xcalloc((size_t)argc + 1, sizeof *polarity);
  size_t npolarity = 0;
  optind = 1;
  while (rc < 0 && (c = getopt_long(argc, argv, "o:f:p:qh", longopts, NULL)) != -1) {
    switch (c) {
    case 'o':
      output = optarg;
      break;
    case 'f':
      format = sectag_dict_format_named(optarg);
      if (format == SECTAG_DICT_UNKNOWN)
        rc = S_usage_error("--format is liwc, quanteda, yoshikoder, lexicoder or wordstat, "
                           "not '%s'",
                           optarg);
      break;
    case 'p':
      if (!strchr(optarg, '=') || optarg[0] == '=')
        rc = S_usage_error("--polarity takes KEY=POLARITY (threat=securitizing), not '%s'",
                           optarg);
      else
        polarity[npolarity++] = optarg;
      break;
    case 'q':
      quiet = 1;
      break;
    case 'h':
      fputs(sectag_import_usage, stdout);
      rc = 0;
      break;
    case O_ACCENTS:
      if (strcmp(optarg, "sensitive") == 0)
        sensitive = 1;
      else if (strcmp(optarg, "insensitive") == 0)
        sensitive = 0;
      else
        rc = S_usage_error("--accents is insensitive or sensitive, not '%s'", optarg);
      break;
    case O_ENCODING:
      encoding = optarg;
      break;
    default:
      fputs("Try 'sectag import --help'.\n", stderr);
      rc = EXIT_USAGE;
      break;
    }
  }
  if (rc < 0) {
    if (optind >= argc)
      rc = S_usage_error("%s", "missing the dictionary FILE (a .dic, .yml, .ykd, .lc3 or "
                               ".cat file)");
    else if (argc - optind > 1)
      rc = S_usage_error("one dictionary at a time; '%s' is one too many (import each into "
                         "its own codebook)",
                         argv[optind + 1]);
    else if (!output)
      rc = S_usage_error("%s", "missing the codebook to write: -o CODEBOOK.yaml");
  }
  if (rc < 0)
    rc = S_run(argv[optind], output, format, polarity, npolarity, encoding, sensitive, quiet);
  free(polarity);
  return rc;
}

static int S_run(const char *input, const char *output, sectag_dict_format format,
                 char **polarity, size_t npolarity, const char *encoding, int sensitive,
                 int quiet) {
  if (format == SECTAG_DICT_UNKNOWN) format = sectag_dict_format_of_path(input);
  if (format == SECTAG_DICT_UNKNOWN)
    return S_usage_error("cannot tell the format of '%s' from its extension (.dic, .yml, "
                         ".yaml, .ykd, .lc3, .cat); give --format liwc, quanteda, "
                         "yoshikoder, lexicoder or wordstat",
                         input);
  if (S_same_file(input, output))
    return S_usage_error("-o %s is the dictionary itself; write the codebook to another file",
                         output);
  sectag_error err = SECTAG_ERROR_INIT;
  sectag_dict *d = sectag_dict_read(input, format, encoding, &err);
  if (!d) {
    S_print_error(&err);
    int st = err.code == SECTAG_ERR_INPUT ? EXIT_INPUT : EXIT_USAGE;
    sectag_error_clear(&err);
    return st;
  }
  for (size_t i = 0; i < npolarity; i++) {
    char *eq = strchr(polarity[i], '=');
    *eq = '\0';
    int bad = sectag_dict_set_polarity(d, polarity[i], eq + 1, &err);
    *eq = '=';
    if (bad) break;
  }
  if (err.code == SECTAG_OK) sectag_dict_check_polarity(d, &err);
  if (err.code != SECTAG_OK) {
    S_print_error(&err);
    fputs("Try 'sectag import --help'.\n", stderr);
    sectag_error_clear(&err);
    sectag_dict_free(d);
    return EXIT_USAGE;
  }
  for (size_t i = 0; i < d->nwarnings; i++) S_print_error(&d->warnings[i]);

  const char *slash = strrchr(input, '/');
  char *name = S_name_of(input);
  sectag_dict_yaml_options opt = {name, slash ? slash + 1 : input, sensitive};
  sectag_dict_yaml_stats st;
  sectag_buf yaml = SECTAG_BUF_INIT;
  sectag_dict_to_yaml(d, &opt, &yaml, &st);
  free(name);

  /* Load what was made, as `sectag code -c` will: an import must never
   * hand over a codebook that does not load. */
  int status = 0;
  sectag_codebook *cb = sectag_codebook_parse(yaml.ptr, yaml.len, output, &err);
  sectag_matcher *m = cb ? sectag_matcher_new(cb, &err) : NULL;
  if (!m) {
    char *msg = sectag_error_format(&err);
    fprintf(stderr,
            "sectag import: the codebook made from %s does not load, so it was not written "
            "(this is a bug in sectag import; please report it with the dictionary):\n%s\n",
            input, msg);
    free(msg);
    status = EXIT_INPUT;
  }
  sectag_matcher_free(m);
  sectag_codebook_free(cb);
  sectag_error_clear(&err);

  if (status == 0 && sectag_write_file(output, yaml.ptr, yaml.len, &err) != 0) {
    S_print_error(&err);
    sectag_error_clear(&err);
    status = EXIT_OUTPUT;
  }
  if (status == 0 && st.doubled)
    fprintf(stderr,
            "sectag import: warning: '%s' in %s is also found by a broader entry of %s, "
            "which counts its sub-categories' matches too, so such a word counts twice for "
            "%s (%zu entr%s like this); remove one of the two entries if that is not what "
            "the dictionary means\n",
            st.doubled_entry, st.doubled_code, st.doubled_parent, st.doubled_parent,
            st.doubled, st.doubled == 1 ? "y" : "ies");
  if (status == 0 && !quiet) {
    fprintf(stderr, "sectag import: wrote %s: %zu code%s and %zu word%s from the %s dictionary %s",
            output, st.codes, st.codes == 1 ? "" : "s", st.entries, st.entries == 1 ? "" : "s",
            sectag_dict_format_title(d->format), input);
    if (d->nwarnings)
      fprintf(stderr, "; %zu skipped (see the warnings above)", d->nwarnings);
    if (st.redundant)
      fprintf(stderr,
              "; %zu entr%s left out that a broader entry or a sub-category finds already",
              st.redundant, st.redundant == 1 ? "y" : "ies");
    fputs("\n", stderr);
  }
  sectag_buf_free(&yaml);
  sectag_dict_free(d);
  return status;
}
