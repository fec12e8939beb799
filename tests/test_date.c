/* test_date.c: dates and periods (src/date.c).
 *
 * Runs from the tests/ folder (meson's workdir) or from the project root;
 * fixtures are in tests/periods/, the shipped tables in corpora/periods/.
 * Every periods error is checked as the exact text sectag_error_format()
 * gives ("PATH:LINE:COL: MESSAGE"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "harness.h"
#include "sectag.h"

/* The path of a file, from either working directory: name is relative to
 * tests/ ("periods/x.tsv") or to the project root ("../corpora/..."). */
static const char *fixture(const char *name) {
  static char path[2][256];
  static int which = 0;
  which ^= 1;
  snprintf(path[which], sizeof path[which], "%s", name);
  FILE *f = fopen(path[which], "rb");
  if (f) {
    fclose(f);
    return path[which];
  }
  if (strncmp(name, "../", 3) == 0)
    snprintf(path[which], sizeof path[which], "%s", name + 3);
  else
    snprintf(path[which], sizeof path[which], "tests/%s", name);
  return path[which];
}

/* ---------------------------------------------------------------- parse */

static void parse(const char *s, const char *want) {
  char iso[11] = "";
  int rc = sectag_date_parse(s, strlen(s), iso);
  char name[200];
  snprintf(name, sizeof name, "parse '%s' -> %s", s, want ? want : "-1");
  if (want)
    TEST_EQ_STR(rc == 0 ? iso : "(-1)", want, name);
  else
    TEST_EQ_INT(rc, -1, name);
}

static void find(const char *s, const char *want) {
  char iso[11] = "";
  int rc = sectag_date_find(s, strlen(s), iso);
  char name[200];
  snprintf(name, sizeof name, "find in '%s' -> %s", s, want ? want : "-1");
  if (want)
    TEST_EQ_STR(rc == 0 ? iso : "(-1)", want, name);
  else
    TEST_EQ_INT(rc, -1, name);
}

static void test_parse(void) {
  /* ISO */
  parse("2020-06-15", "2020-06-15");
  parse("  2020-06-15 \t", "2020-06-15");
  parse("2020-06", "2020-06");
  parse("2020", "2020");
  /* day first, as in Mexico */
  parse("15/06/2020", "2020-06-15");
  parse("15-06-2020", "2020-06-15");
  parse("1/7/2020", "2020-07-01");
  /* Spanish */
  parse("15 de junio de 2020", "2020-06-15");
  parse("martes 15 de junio de 2020", "2020-06-15");
  parse("Martes, 15 de junio del 2020", "2020-06-15");
  parse("1o. de julio de 2020", "2020-07-01");
  parse("1º de julio de 2020", "2020-07-01");
  parse("1° de julio de 2020", "2020-07-01");
  parse("junio 15, 2020", "2020-06-15");
  parse("15 de jun. de 2020", "2020-06-15");
  parse("15 DE JUNIO DE 2020", "2020-06-15");
  parse("Miércoles 2 de septiembre de 2020", "2020-09-02");
  parse("miercoles 2 de setiembre de 2020", "2020-09-02");
  parse("2 de set. de 2020", "2020-09-02");
  parse("sábado 31 de diciembre de 2011", "2011-12-31");
  parse("15 de junio 2020", "2020-06-15");
  parse("junio de 2020", "2020-06");
  /* English */
  parse("June 15, 2020", "2020-06-15");
  parse("15 June 2020", "2020-06-15");
  parse("June 15th, 2020", "2020-06-15");
  parse("Monday, June 15, 2020", "2020-06-15");
  parse("Sept. 5, 2019", "2019-09-05");
  parse("the 1st of May, 1999", NULL);
  parse("1st of May, 1999", "1999-05-01");
  parse("June 2020", "2020-06");
  parse("Jan 3 2001", "2001-01-03");
  /* invalid dates */
  parse("2020-02-30", NULL);
  parse("2019-02-29", NULL);
  parse("2020-02-29", "2020-02-29");
  parse("1900-02-29", NULL);
  parse("2000-02-29", "2000-02-29");
  parse("31 de abril de 2020", NULL);
  parse("2020-13", NULL);
  parse("2020-00-10", NULL);
  parse("06/15/2020", NULL); /* month first is not read */
  parse("0999", NULL);
  parse("3000-01-01", NULL);
  parse("15 de junio", NULL);
  parse("2.3 millones", NULL);
  parse("", NULL);
  parse("junio", NULL);
  parse("15 de junio de 2020 en Palacio Nacional", NULL);
  parse("Palacio Nacional, 15 de junio de 2020", NULL);
  parse("15 set 2020", NULL); /* "set" is a month only as "set." */
  parse("20200615", NULL);
  {
    char iso[11] = "";
    TEST_EQ_INT(sectag_date_parse("\xff 2020", 6, iso), -1, "parse invalid UTF-8 -> -1");
    TEST_EQ_INT(sectag_date_parse("2020-06-15xyz", 10, iso), 0, "parse honours len");
    TEST_EQ_STR(iso, "2020-06-15", "parse honours len: value");
  }
}

static void test_find(void) {
  find("Presidencia de la República | 15 de junio de 2020", "2020-06-15");
  find("Palacio Nacional, 12 de marzo de 2019", "2019-03-12");
  find("Versión estenográfica. Ciudad de México, 1 de diciembre de 2018", "2018-12-01");
  find("Subcommittee hearing, March 15, 2012. Transcript edited for length.", "2012-03-15");
  find("Posted 2020-06-15 by the press office", "2020-06-15");
  find("Updated 2020-06-15T10:00:00Z", "2020-06-15");
  find("Ciudad de México, a 1o. de julio del 2020.", "2020-07-01");
  find("Mañanera del martes 15/06/2021", "2021-06-15");
  find("(Monday, June 15th, 2020)", "2020-06-15");
  find("del 1 al 15 de junio de 2020", "2020-06-15");
  find("Sept. 5, 2019, Washington", "2019-09-05");
  find("first 3 de marzo de 2019, then 4 de marzo de 2019", "2019-03-03");
  find("Ciudad de México, 30 de febrero de 2019; 1 de marzo de 2019", "2019-03-01");
  /* negatives */
  find("el 15 de junio", NULL);
  find("2.3 millones", NULL);
  find("el 15 de junio 2000 personas marcharon", NULL);
  find("el 15 de junio, 2000 personas marcharon", NULL);
  find("en 2020 hubo 15 homicidios", NULL);
  find("June 15 2000 people", NULL);
  find("we set 12, 2000 chairs", NULL);
  find("version 1.15/06/2020", NULL);
  find("ref2020-06-15", NULL);
  find("2020-06", NULL);
  find("", NULL);
}

/* -------------------------------------------------------------- periods */

/* Loads a file; returns the formatted error, or "OK". Checks that failure
 * means NULL + SECTAG_ERR_USAGE. */
static char *load_error(const char *path) {
  sectag_error err = SECTAG_ERROR_INIT;
  sectag_periods *p = sectag_periods_load(path, &err);
  char *out;
  if (p) {
    out = strdup(err.code == SECTAG_OK ? "OK" : "OK but err was set");
  } else if (err.code != SECTAG_ERR_USAGE) {
    out = strdup("NULL without SECTAG_ERR_USAGE");
  } else {
    out = sectag_error_format(&err);
  }
  sectag_periods_free(p);
  sectag_error_clear(&err);
  return out;
}

static void expect_error(const char *name, const char *where, const char *message) {
  const char *path = fixture(name);
  char want[1024];
  snprintf(want, sizeof want, "%s:%s: %s", path, where, message);
  char *got = load_error(path);
  char tname[200];
  snprintf(tname, sizeof tname, "error for %s", name);
  TEST_EQ_STR(got, want, tname);
  free(got);
}

static sectag_periods *load_ok(const char *name) {
  sectag_error err = SECTAG_ERROR_INIT;
  sectag_periods *p = sectag_periods_load(fixture(name), &err);
  if (!p) {
    char *s = sectag_error_format(&err);
    printf("# unexpected error: %s\n", s);
    free(s);
  }
  sectag_error_clear(&err);
  return p;
}

static void lookup(const sectag_periods *p, const char *iso, const char *want) {
  char name[200];
  snprintf(name, sizeof name, "lookup %s -> %s", iso ? iso : "NULL", want ? want : "NULL");
  TEST_EQ_STR(sectag_periods_lookup(p, iso), want, name);
}

static void test_mexico(void) {
  sectag_periods *p = load_ok("../corpora/periods/mexico-presidents.tsv");
  TEST_OK(p != NULL, "mexico-presidents.tsv loads (no overlaps)");
  if (!p) return;
  lookup(p, "2018-11-30", "Peña Nieto");
  lookup(p, "2018-12-01", "López Obrador");
  lookup(p, "2024-09-30", "López Obrador");
  lookup(p, "2024-10-01", "Sheinbaum");
  lookup(p, "2030-05-05", "Sheinbaum");
  lookup(p, "2000-12-01", "Fox");
  lookup(p, "2006-11-30", "Fox");
  lookup(p, "2006-12-01", "Calderón");
  lookup(p, "2012-11-30", "Calderón");
  lookup(p, "2012", NULL); /* Calderón and Peña Nieto */
  lookup(p, "2015", "Peña Nieto");
  lookup(p, "2018-11", "Peña Nieto");
  lookup(p, "2018-12", "López Obrador");
  lookup(p, "2024-09", "López Obrador");
  lookup(p, "2024", NULL);
  lookup(p, "2025", "Sheinbaum");
  lookup(p, "1900-01-01", NULL);
  lookup(p, "2018-11-31", NULL);
  lookup(p, "15 de junio de 2020", NULL);
  lookup(p, NULL, NULL);
  lookup(NULL, "2020-01-01", NULL);
  sectag_periods_free(p);
}

static void test_us(void) {
  sectag_periods *p = load_ok("../corpora/periods/us-presidents.tsv");
  TEST_OK(p != NULL, "us-presidents.tsv loads (no overlaps)");
  if (!p) return;
  lookup(p, "1789-04-30", "Washington");
  lookup(p, "1789-04-29", NULL);
  lookup(p, "1933-03-03", "Hoover");
  lookup(p, "1933-03-04", "Roosevelt, F. D.");
  lookup(p, "1945-04-12", "Truman");
  lookup(p, "1963-11-22", "Johnson, L. B.");
  lookup(p, "1974-08-09", "Ford");
  lookup(p, "2017-01-19", "Obama");
  lookup(p, "2017-01-20", "Trump (1st)");
  lookup(p, "2025-01-19", "Biden");
  lookup(p, "2025-01-20", "Trump (2nd)");
  lookup(p, "2022", "Biden");
  lookup(p, "2021", NULL);
  lookup(p, "2012-03", "Obama");
  sectag_periods_free(p);
}

static void test_periods_files(void) {
  sectag_periods *p = load_ok("periods/ok.tsv");
  TEST_OK(p != NULL, "ok.tsv (BOM, CRLF, header, ongoing) loads");
  lookup(p, "2000-01", "January");
  lookup(p, "2000-01-31", "January");
  lookup(p, "2000-02-01", "From February");
  lookup(p, "2000", NULL);
  lookup(p, "1999-12-31", NULL);
  sectag_periods_free(p);

  expect_error("periods/overlap.tsv", "4:1",
               "period 'Peña Nieto' (2012-12-01 to 2018-11-30) overlaps period 'Calderón' on "
               "line 3 (2006-12-01 to 2012-12-01); periods must not share a day");
  expect_error("periods/overlap-ongoing.tsv", "3:1",
               "period 'Sheinbaum' (2024-10-01 to 2030-01-01) overlaps period 'López Obrador' "
               "on line 1 (2018-12-01 to ongoing); periods must not share a day");
  expect_error("periods/bad-date.tsv", "4:12",
               "'2018-13-01' is not a date; write dates as YYYY-MM-DD (or leave the end empty "
               "for an ongoing period)");
  expect_error("periods/spaces.tsv", "2:1",
               "expected 3 tab-separated fields (start, end, label), found 1; separate the "
               "fields with tabs, not spaces");
  expect_error("periods/two-fields.tsv", "1:1",
               "expected 3 tab-separated fields (start, end, label), found 2; write "
               "start<TAB>end<TAB>label, with an empty end for an ongoing period");
  expect_error("periods/extra-field.tsv", "1:35",
               "expected 3 tab-separated fields (start, end, label), found 4; remove the "
               "extra tabs");
  expect_error("periods/end-before-start.tsv", "1:12",
               "period 'Peña Nieto' ends (2012-01-01) before it starts (2012-12-01); both "
               "dates are inclusive, so the end must be on or after the start");
  expect_error("periods/latin1.tsv", "1:25",
               "invalid UTF-8 (byte 0xF1); save the periods file as UTF-8, for example with "
               "`iconv -f WINDOWS-1252 -t UTF-8`");

  char *got = load_error("periods/does-not-exist.tsv");
  TEST_EQ_STR(got,
              "periods/does-not-exist.tsv: cannot open the periods file: No such file or "
              "directory; check the path",
              "error for a missing file");
  free(got);
}

int main(void) {
  test_parse();
  test_find();
  test_mexico();
  test_us();
  test_periods_files();
  return test_done();
}
