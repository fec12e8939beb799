/* test_import.c: unit tests of import.c (sectag import's library part):
 * slugs, formats by extension, each reader on bytes in memory (CRLF, BOM,
 * what is skipped, errors with line and column), which entries a broader
 * one covers, --polarity, and that every codebook written loads. The CLI is
 * tested by tests/e2e/import.sh. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "import.h"
#include "sectag.h"
#include "harness.h"

static void S_slug(const char *name, const char *want) {
  char *got = sectag_dict_slug(name);
  char label[200];
  snprintf(label, sizeof label, "slug of '%s'", name);
  TEST_EQ_STR(got, want, label);
  free(got);
}

static sectag_dict *S_parse(const char *src, sectag_dict_format f, sectag_error *err) {
  return sectag_dict_parse(src, strlen(src), "d.txt", f, err);
}

/* The codebook of d, or "ERROR ..." when it does not load. */
static char *S_yaml(const sectag_dict *d, int sensitive, sectag_dict_yaml_stats *st) {
  sectag_dict_yaml_options opt = {"t", "d.txt", sensitive};
  sectag_buf b = SECTAG_BUF_INIT;
  sectag_dict_to_yaml(d, &opt, &b, st);
  sectag_error err = SECTAG_ERROR_INIT;
  sectag_codebook *cb = sectag_codebook_parse(b.ptr, b.len, "t.yaml", &err);
  sectag_matcher *m = cb ? sectag_matcher_new(cb, &err) : NULL;
  if (!m) {
    char *msg = sectag_error_format(&err);
    sectag_buf_clear(&b);
    sectag_buf_printf(&b, "ERROR %s", msg);
    free(msg);
  }
  sectag_matcher_free(m);
  sectag_codebook_free(cb);
  sectag_error_clear(&err);
  return sectag_buf_detach(&b);
}

/* The `codes:` part of the codebook (what follows "codes:\n"). */
static const char *S_codes(const char *yaml) {
  const char *c = strstr(yaml, "codes:\n");
  return c ? c + 7 : yaml;
}

/* The entries written for a one-category dictionary (Lexicoder) as
 * "a b c", after the codebook loaded. */
static char *S_kept(const char *entries, int sensitive) {
  sectag_buf src = SECTAG_BUF_INIT;
  sectag_buf_printf(&src, "+x\n%s", entries);
  sectag_error err = SECTAG_ERROR_INIT;
  sectag_dict *d = S_parse(src.ptr, SECTAG_DICT_LEXICODER, &err);
  sectag_buf_free(&src);
  if (!d) {
    sectag_error_clear(&err);
    return sectag_xstrdup("PARSE ERROR");
  }
  char *y = S_yaml(d, sensitive, NULL);
  sectag_buf out = SECTAG_BUF_INIT;
  for (const char *p = strstr(y, "      - '"); p; p = strstr(p, "      - '")) {
    p += 9;
    const char *e = strstr(p, "'\n");
    if (out.len) sectag_buf_putc(&out, ' ');
    sectag_buf_put(&out, p, (size_t)(e - p));
  }
  if (strncmp(y, "ERROR", 5) == 0) sectag_buf_puts(&out, y);
  free(y);
  sectag_dict_free(d);
  return sectag_buf_detach(&out);
}

static void S_kept_is(const char *entries, int sensitive, const char *want, const char *name) {
  char *got = S_kept(entries, sensitive);
  TEST_EQ_STR(got, want, name);
  free(got);
}

/* The first error of parsing src, formatted. */
static void S_error_is(const char *src, sectag_dict_format f, const char *want,
                       const char *name) {
  sectag_error err = SECTAG_ERROR_INIT;
  sectag_dict *d = S_parse(src, f, &err);
  char *msg = d ? sectag_xstrdup("(no error)") : sectag_error_format(&err);
  TEST_EQ_STR(msg, want, name);
  TEST_EQ_INT(err.code, d ? SECTAG_OK : SECTAG_ERR_INPUT, name);
  free(msg);
  sectag_error_clear(&err);
  sectag_dict_free(d);
}

int main(void) {
  /* ---- slugs */
  S_slug("threat", "threat");
  S_slug("Seguridad Pública", "seguridad_publica");
  S_slug("  Amenaza, directa!  ", "amenaza_directa");
  S_slug("+STATE+", "state");
  S_slug("-STATE-", "state");
  S_slug("CULTURE-HIGH", "culture-high");
  S_slug("año", "ano");
  S_slug("Straße", "strasse");
  S_slug("2019", "c_2019");
  S_slug("S1", "c_s1");
  S_slug("m22", "c_m22");
  S_slug("s1x", "s1x");
  S_slug("Безопасность", "category");
  S_slug("...", "category");
  S_slug("a.b", "a_b");
  S_slug("ÉXITO_total", "exito_total");

  /* ---- formats */
  TEST_EQ_INT(sectag_dict_format_of_path("x/LIWC2015.DIC"), SECTAG_DICT_LIWC, "format: .DIC");
  TEST_EQ_INT(sectag_dict_format_of_path("d.yaml"), SECTAG_DICT_QUANTEDA, "format: .yaml");
  TEST_EQ_INT(sectag_dict_format_of_path("d.yml"), SECTAG_DICT_QUANTEDA, "format: .yml");
  TEST_EQ_INT(sectag_dict_format_of_path("d.ykd"), SECTAG_DICT_YOSHIKODER, "format: .ykd");
  TEST_EQ_INT(sectag_dict_format_of_path("d.lc3"), SECTAG_DICT_LEXICODER, "format: .lc3");
  TEST_EQ_INT(sectag_dict_format_of_path("d.cat"), SECTAG_DICT_WORDSTAT, "format: .cat");
  TEST_EQ_INT(sectag_dict_format_of_path("dir.dic/file"), SECTAG_DICT_UNKNOWN,
              "format: a dot in a folder name is not an extension");
  TEST_EQ_INT(sectag_dict_format_of_path("d.txt"), SECTAG_DICT_UNKNOWN, "format: .txt");
  TEST_EQ_INT(sectag_dict_format_named("wordstat"), SECTAG_DICT_WORDSTAT, "format named");
  TEST_EQ_INT(sectag_dict_format_named("WordStat"), SECTAG_DICT_UNKNOWN,
              "format names are lower case");

  /* ---- LIWC: BOM, CRLF, spaces for tabs, numbers with zeros, phrases */
  sectag_error err = SECTAG_ERROR_INIT;
  sectag_dict *d = S_parse("\xEF\xBB\xBF%\r\n1\tposemo\r\n02 negemo feelings\r\n%\r\n"
                           "good*\t1\r\nbad 2\r\nkind of 1 02\r\n2 1\r\nalone\r\n"
                           "like\t02 134(02 131)53\r\nkind\t<of>/(02 134)125/464\r\n",
                           SECTAG_DICT_LIWC, &err);
  TEST_OK(d != NULL, "LIWC: parsed");
  if (d) {
    TEST_EQ_INT(d->ncats, 2, "LIWC: two categories");
    TEST_EQ_STR(d->cats[1].name, "negemo feelings", "LIWC: a name with a space");
    TEST_EQ_STR(d->cats[1].id, "negemo_feelings", "LIWC: its id");
    TEST_EQ_INT(d->cats[0].nentries, 3, "LIWC: category 1 has three entries");
    TEST_EQ_STR(d->cats[0].entries[1], "kind of", "LIWC: a phrase without tabs");
    TEST_EQ_STR(d->cats[0].entries[2], "2", "LIWC: the word '2'");
    TEST_EQ_INT(d->cats[1].nentries, 2, "LIWC: category 02 is category 2");
    TEST_EQ_INT(d->nwarnings, 3, "LIWC: three warnings");
    TEST_EQ_INT(d->warnings[0].line, 9, "LIWC: an entry without a category, at line 9");
    TEST_EQ_INT(d->warnings[1].line, 10, "LIWC: a conditional entry, at line 10");
    TEST_EQ_INT(d->warnings[2].line, 11, "LIWC: an <of> entry, at line 11");
    TEST_EQ_STR(d->warnings[2].message,
                "skipped the conditional entry 'kind' (<of>/(02 134)125/464): sectag does not "
                "import LIWC 2007 categories that depend on the neighbouring words; add the "
                "word to a code by hand",
                "LIWC: the warning says what was skipped");
    char *y = S_yaml(d, 0, NULL);
    TEST_EQ_STR(S_codes(y),
                "  posemo:\n    label: 'posemo'\n    words:\n      - 'good*'\n      - 'kind of'\n"
                "      - '2'\n  negemo_feelings:\n    label: 'negemo feelings'\n    words:\n"
                "      - 'bad'\n      - 'kind of'\n",
                "LIWC: the codes");
    free(y);
  }
  sectag_dict_free(d);
  sectag_error_clear(&err);

  /* ---- the readers' errors */
  S_error_is("%\n1\tx\n%\nw\t1 9\n", SECTAG_DICT_LIWC,
             "d.txt:4:5: category 9 of 'w' is not declared between the '%' lines; declare it "
             "there or remove it from this line",
             "LIWC: undeclared category, with its column");
  S_error_is("   \n\n", SECTAG_DICT_LIWC,
             "d.txt: the file is empty; a LIWC dictionary lists its categories between two '%' "
             "lines, then its words",
             "LIWC: blank file");
  S_error_is("A\n\tB (1)\n\t\t\tC (1)\n", SECTAG_DICT_WORDSTAT,
             "d.txt:3:1: the entry 'C (1)' is indented more than one tab deeper than its "
             "category; indent an entry one tab more than its category",
             "WordStat: entry too deep");
  S_error_is("x: [a, b\n", SECTAG_DICT_QUANTEDA,
             "d.txt:2:1: YAML syntax error: did not find expected ',' or ']' (while parsing a "
             "flow sequence); check the indentation, and quote an entry that contains ': ' or "
             "starts with a character such as '*', '&', '[' or '{'",
             "quanteda: unclosed list");
  S_error_is("x: &a [b]\n", SECTAG_DICT_QUANTEDA,
             "d.txt:1:4: a YAML anchor (&a); quote an entry that starts with '&', else YAML "
             "reads it as an anchor",
             "quanteda: anchor");
  S_error_is("x: [a]\n---\ny: [b]\n", SECTAG_DICT_QUANTEDA,
             "d.txt:2:1: the file holds a second YAML document; a dictionary is a single "
             "document",
             "quanteda: two documents");
  S_error_is("{}\n", SECTAG_DICT_QUANTEDA,
             "d.txt: no categories; a quanteda dictionary maps category names to lists of "
             "entries (threat: [amenaz*, peligro])",
             "quanteda: an empty mapping");
  S_error_is("x: [[a]]\n", SECTAG_DICT_QUANTEDA,
             "d.txt:1:5: a list inside the list of entries of 'x'; write entries as strings, "
             "and sub-categories as 'name: [entries]'",
             "quanteda: a list in a list");
  S_error_is("+x\nguerra\n\xEF\xBF\xBE\n", SECTAG_DICT_LEXICODER, "(no error)",
             "U+FFFE is valid UTF-8 (and left out of the entry)");

  /* ---- quanteda: single strings, empty values, merged keys, an empty entry */
  d = S_parse("a:\n  b: amenaza\n  c:\n  d: ['', '*', ':)', 'x  y']\na: {e: [f]}\n",
              SECTAG_DICT_QUANTEDA, &err);
  TEST_OK(d != NULL, "quanteda: parsed");
  if (d) {
    TEST_EQ_INT(d->ncats, 5, "quanteda: a, a.b, a.c, a.d, a.e (the second 'a' merged)");
    TEST_EQ_STR(d->cats[4].id, "a.e", "quanteda: a repeated key merges");
    TEST_EQ_INT(d->cats[1].nentries, 1, "quanteda: a string is one entry");
    TEST_EQ_INT(d->cats[2].nentries, 0, "quanteda: nothing after the colon, no entry");
    TEST_EQ_INT(d->cats[3].nentries, 1, "quanteda: '', '*' and ':)' skipped");
    TEST_EQ_STR(d->cats[3].nentries ? d->cats[3].entries[0] : "", "x y",
                "quanteda: white space in an entry made one space");
    TEST_EQ_INT(d->nwarnings, 3, "quanteda: three skipped entries reported");
    TEST_EQ_INT(d->nwarnings ? d->warnings[0].line : 0, 4, "quanteda: at line 4");
  }
  sectag_dict_free(d);
  sectag_error_clear(&err);

  /* ---- Yoshikoder: a pattern outside every category, another element */
  d = S_parse("<dictionary><pnode name=\"x\"/>\n<cnode name=\"A\"><foo/>"
              "<pnode name=\"AMENAZ*\"/></cnode></dictionary>",
              SECTAG_DICT_YOSHIKODER, &err);
  TEST_OK(d != NULL, "Yoshikoder: parsed");
  if (d) {
    TEST_EQ_INT(d->nwarnings, 2, "Yoshikoder: two warnings");
    TEST_EQ_STR(d->nwarnings ? d->warnings[0].message : "",
                "skipped the pattern 'x': it is outside every category (<cnode>); move it "
                "into one",
                "Yoshikoder: a pattern outside every category");
    TEST_EQ_STR(d->cats[0].nentries ? d->cats[0].entries[0] : "", "amenaz*",
                "Yoshikoder: entries are lower-cased");
  }
  sectag_dict_free(d);
  sectag_error_clear(&err);

  /* ---- which entries are left out */
  S_kept_is("amenaza\namenaz*\npeligro*\npeligros*\nPELIGRO*\n", 0, "amenaz* peligro*",
            "an entry a broader one covers is left out; duplicates once");
  S_kept_is("peligró\npeligro\n", 0, "peligró",
            "accent-insensitive: peligró and peligro are one entry");
  S_kept_is("peligró\npeligro\n", 1, "peligró peligro", "accent-sensitive: two entries");
  S_kept_is("am?naza\namenaz*\n", 0, "am?naza amenaz*",
            "am?naza is not covered by amenaz* (amxnaza)");
  S_kept_is("amenaza\nam?naza\n", 0, "am?naza", "amenaza is covered by am?naza");
  S_kept_is("crimen organizado\ncrimen organiz*\ncrimen*\n", 0, "crimen organiz* crimen*",
            "phrases: covered word by word, never by a single word");
  S_kept_is("*narco*\nnarco\nnarcos*\n", 0, "*narco* narcos*",
            "a general glob covers plain words only");
  S_kept_is("a*\nab*\nabc\n", 0, "a*", "a chain of prefixes");
  S_kept_is("niño\nnino\n", 0, "niño nino", "ñ is not n");
  S_kept_is("heckl**\nheckle\n", 0, "heckl*", "** is *");
  S_kept_is("crimen_organizado\ncrimen organizado\n_x_\n", 0, "crimen organizado x",
            "_ is a space");

  /* ---- a parent does not count twice what a sub-category finds */
  d = S_parse("A\n\tAMENAZA (1)\n\tPAZ* (1)\n\tB\n\t\tAMENAZ* (1)\n\t\tPAZ (1)\n",
              SECTAG_DICT_WORDSTAT, &err);
  TEST_OK(d != NULL, "WordStat: parsed");
  if (d) {
    sectag_dict_yaml_stats st;
    char *y = S_yaml(d, 0, &st);
    TEST_EQ_STR(S_codes(y),
                "  a:\n    label: 'A'\n    words:\n      - 'paz*'\n  a.b:\n    label: 'B'\n"
                "    words:\n      - 'amenaz*'\n      - 'paz'\n",
                "a parent's entry that a sub-category covers is left out");
    TEST_EQ_INT(st.redundant, 1, "one entry left out");
    TEST_EQ_INT(st.entries, 3, "three entries written");
    TEST_EQ_INT(st.codes, 2, "two codes");
    TEST_EQ_INT(st.doubled, 1, "paz in B is also found by paz* in A");
    TEST_EQ_STR(st.doubled_entry, "paz", "... the entry");
    TEST_EQ_STR(st.doubled_code, "a.b", "... its code");
    TEST_EQ_STR(st.doubled_parent, "a", "... the ancestor");
    free(y);
  }

  /* ---- polarity */
  if (d) {
    TEST_EQ_INT(sectag_dict_set_polarity(d, "a", "securitizing", &err), 0, "polarity by id");
    TEST_EQ_INT(sectag_dict_set_polarity(d, "B", "securitizing", &err), 0, "polarity by name");
    TEST_EQ_INT(sectag_dict_check_polarity(d, &err), 0, "a child may repeat its parent");
    TEST_EQ_INT(sectag_dict_set_polarity(d, "a.b", "neutral", &err), 0, "neutral is allowed");
    TEST_EQ_INT(sectag_dict_check_polarity(d, &err), -1, "but not under a securitizing parent");
    TEST_EQ_STR(err.message,
                "--polarity makes 'a.b' neutral but its parent 'a' securitizing; a parent "
                "counts its sub-categories' matches, so give the polarity to the parent's "
                "other sub-categories one by one instead",
                "the conflict's message");
    TEST_EQ_INT(err.code, SECTAG_ERR_USAGE, "a usage error");
    sectag_error_clear(&err);
    TEST_EQ_INT(sectag_dict_set_polarity(d, "a", "neutral", &err), 0, "the parent neutral");
    TEST_EQ_INT(sectag_dict_check_polarity(d, &err), 0,
                "a neutral parent groups children of any polarity");
    TEST_EQ_INT(sectag_dict_set_polarity(d, "c", "neutral", &err), -1, "unknown category");
    TEST_EQ_STR(err.message,
                "--polarity c=neutral: no category 'c' in d.txt; give a code id (the "
                "top-level ones are: a), or a sub-category as PARENT.CHILD",
                "unknown category: the top-level ids are listed");
    sectag_error_clear(&err);
    TEST_EQ_INT(sectag_dict_set_polarity(d, "a", "positive", &err), -1, "unknown polarity");
    sectag_error_clear(&err);
  }
  sectag_dict_free(d);

  /* ---- names that need care in YAML */
  d = S_parse("+it's: \"x\" #1\nl'état\n+yes\nnull\n+x\x09y\n", SECTAG_DICT_LEXICODER, &err);
  TEST_OK(d != NULL, "Lexicoder: parsed");
  if (d) {
    char *y = S_yaml(d, 0, NULL);
    TEST_EQ_STR(S_codes(y),
                "  it_s_x_1:\n    label: 'it''s: \"x\" #1'\n    words:\n      - 'l''état'\n"
                "  yes:\n    label: 'yes'\n    words:\n      - 'null'\n  x_y:\n    label: 'x y'\n",
                "quotes, colons, # and YAML words in names and entries");
    free(y);
  }
  sectag_dict_free(d);
  sectag_error_clear(&err);
  return test_done();
}
