/* speakers.c: speaker labels, the alias table and the speaker filter (see
 * speakers.h).
 *
 * A label is found with a PCRE2 pattern anchored at a line start. Labels are
 * compared through their slug (lower case, no accents, '-' between words),
 * so "ANDRÉS MANUEL LÓPEZ OBRADOR" in a transcript finds the table row
 * "Andrés Manuel López Obrador". */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "buf.h"
#include "error.h"
#include "speakers.h"

/* Line start, an optional dash or bullet, optional bold, then the label:
 * upper-case words (letters, marks, digits, ' . -), joined by spaces or
 * commas, where short lower-case connectives (de, del, la, y, of, the...)
 * may stand between them; then an optional closing bold, a colon, and an
 * optional closing bold. The colon must be followed by white space or the
 * end of the line, so "HTTPS://" is not a label. "Q:", "P:" and "R:"
 * (question, pregunta, respuesta) are labels too, and so is a lone "Q"
 * followed by a tab, two spaces, or a space and a capital, as in White
 * House transcripts ("Q    Mr. President", or "Q Mr. President" once a
 * web page's spaces are collapsed). */
const char sectag_default_speaker_pattern[] =
    "(?:[-\\x{2013}\\x{2014}>*]\\h*)?(?:\\*\\*|__)?\\h*"
    "(?|(?<label>"
    "(?:\\p{Lu}[\\p{Lu}\\p{M}\\p{Nd}'\\x{2019}.\\-]+|[QPR])"
    "(?:(?:\\h+|,\\h*)(?:\\p{Lu}[\\p{Lu}\\p{M}\\p{Nd}'\\x{2019}.\\-]*|\\p{Nd}+"
    "|(?:de|del|la|las|los|y|e|el|of|the|and|for|van|von|da|di|dos)(?=\\h)))"
    "{0,15}"
    ")"
    "\\h*(?:\\*\\*|__)?\\h*:(?:\\*\\*|__)?(?=\\s|$)"
    "|(?<label>Q)(?:\\*\\*|__)?(?=\\t|\\h\\h|\\h\\p{Lu}))\\h*";

typedef struct {
  char *key;  /* slug of the label */
  char *id;
  char *role; /* NULL when absent */
} S_alias;

struct sectag_speakers {
  pcre2_code *re;
  pcre2_match_data *md;   /* scratch, so one object serves one thread */
  pcre2_match_context *mc; /* limits: a label pattern must not hang a run */
  uint32_t label_group;
  S_alias *aliases;
  size_t naliases;
  char **ids; /* --speaker */
  size_t nids;
  char **roles; /* --role */
  size_t nroles;
};

char *sectag_slug(const char *s, size_t len) {
  sectag_buf norm = SECTAG_BUF_INIT, out = SECTAG_BUF_INIT;
  utf8proc_uint8_t *m = NULL;
  utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &m,
                                    UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
                                        UTF8PROC_STRIPMARK | UTF8PROC_IGNORE);
  if (n >= 0) sectag_buf_put(&norm, m, (size_t)n);
  free(m);
  int dash = 0;
  for (size_t i = 0; i < norm.len;) {
    utf8proc_int32_t c;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)norm.ptr + i,
                                          (utf8proc_ssize_t)(norm.len - i), &c);
    if (k <= 0) break;
    utf8proc_category_t cat = utf8proc_category(c);
    int word = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
               cat == UTF8PROC_CATEGORY_ND;
    if (word) {
      if (dash && out.len) sectag_buf_putc(&out, '-');
      dash = 0;
      sectag_buf_put(&out, norm.ptr + i, (size_t)k);
    } else if (c != '\'' && c != 0x2019) {
      dash = 1; /* "o'brien" -> "obrien", "lopez obrador" -> "lopez-obrador" */
    }
    i += (size_t)k;
  }
  sectag_buf_free(&norm);
  if (out.len == 0) sectag_buf_puts(&out, "speaker");
  return sectag_buf_detach(&out);
}

/* An id must be usable as an XML name in TEI (xml:id, who="#id"). */
static int S_valid_id(const char *s) {
  if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_')) return 0;
  for (const char *p = s + 1; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
          *p == '_' || *p == '-' || *p == '.'))
      return 0;
  return 1;
}

static void S_trim(char **s, char **e) {
  while (*s < *e && (**s == ' ' || **s == '\t' || **s == '\r')) (*s)++;
  while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r')) (*e)--;
}

/* Reads `label<TAB>speaker_id<TAB>role` rows. */
static int S_load_table(sectag_speakers *sp, const char *path, sectag_error *err) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    sectag_error_set(err, SECTAG_ERR_USAGE, path, 0, 0,
                     "cannot read the speaker table: %s; check the path given with --speakers",
                     strerror(errno));
    return -1;
  }
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  unsigned long lineno = 0;
  int rc = 0;
  while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
    lineno++;
    char *end = line + n;
    while (end > line && (end[-1] == '\n' || end[-1] == '\r')) end--;
    *end = '\0';
    char *p = line;
    if (lineno == 1 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
        (unsigned char)p[2] == 0xBF)
      p += 3;
    {
      const unsigned char *u = (const unsigned char *)p;
      size_t len = (size_t)(end - p), i = 0;
      while (i < len) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate(u + i, (utf8proc_ssize_t)(len - i), &c);
        if (k < 0 || c == 0) {
          sectag_error_set(err, SECTAG_ERR_USAGE, path, lineno, (unsigned long)(p - line + i) + 1,
                           "the speaker table is not UTF-8 text; convert it with iconv");
          rc = -1;
          break;
        }
        i += (size_t)k;
      }
      if (rc) break;
    }
    char *q = p;
    while (*q == ' ' || *q == '\t') q++;
    if (*q == '\0' || *q == '#') continue;
    char *f1 = p, *t1 = strchr(f1, '\t');
    char *f2 = t1 ? t1 + 1 : NULL, *t2 = f2 ? strchr(f2, '\t') : NULL;
    char *f3 = t2 ? t2 + 1 : NULL, *t3 = f3 ? strchr(f3, '\t') : NULL;
    if (!t1 || t3) {
      sectag_error_set(err, SECTAG_ERR_USAGE, path, lineno, t3 ? (unsigned long)(t3 - line) + 1 : 1,
                       "expected 2 or 3 fields separated by tabs (label, speaker_id, role), "
                       "found %d; separate the fields with one TAB each",
                       t3 ? 4 : 1);
      rc = -1;
      break;
    }
    char *e1 = t1, *e2 = t2 ? t2 : end, *e3 = f3 ? end : NULL;
    S_trim(&f1, &e1);
    S_trim(&f2, &e2);
    if (f3) S_trim(&f3, &e3);
    if (lineno == 1 && e1 - f1 == 5 && memcmp(f1, "label", 5) == 0) continue; /* header */
    if (e1 == f1 || e2 == f2) {
      sectag_error_set(err, SECTAG_ERR_USAGE, path, lineno,
                       (unsigned long)((e1 == f1 ? f1 : f2) - line) + 1,
                       "empty %s; every row needs a label and a speaker id",
                       e1 == f1 ? "label" : "speaker id");
      rc = -1;
      break;
    }
    char *id = sectag_xstrndup(f2, (size_t)(e2 - f2));
    if (S_valid_id(id) && strcmp(id, "unknown") == 0) {
      sectag_error_set(err, SECTAG_ERR_USAGE, path, lineno, (unsigned long)(f2 - line) + 1,
                       "speaker id 'unknown' is reserved for the text before the first label; "
                       "choose another id");
      free(id);
      rc = -1;
      break;
    }
    if (!S_valid_id(id)) {
      sectag_error_set(err, SECTAG_ERR_USAGE, path, lineno, (unsigned long)(f2 - line) + 1,
                       "speaker id '%s' cannot be used as a TEI identifier; use ASCII letters, "
                       "digits, '-', '_' and '.', starting with a letter or '_' (e.g. "
                       "lopez-obrador)",
                       id);
      free(id);
      rc = -1;
      break;
    }
    char *key = sectag_slug(f1, (size_t)(e1 - f1));
    for (size_t i = 0; i < sp->naliases; i++)
      if (strcmp(sp->aliases[i].key, key) == 0 && strcmp(sp->aliases[i].id, id) != 0) {
        sectag_error_set(err, SECTAG_ERR_USAGE, path, lineno, 1,
                         "label '%.*s' is already mapped to '%s'; a label can name one speaker "
                         "only",
                         (int)(e1 - f1), f1, sp->aliases[i].id);
        rc = -1;
      }
    if (rc) {
      free(id);
      free(key);
      break;
    }
    sp->aliases = sectag_xrealloc(sp->aliases, (sp->naliases + 1) * sizeof *sp->aliases);
    S_alias *a = &sp->aliases[sp->naliases++];
    a->key = key;
    a->id = id;
    a->role = f3 && e3 > f3 ? sectag_xstrndup(f3, (size_t)(e3 - f3)) : NULL;
  }
  free(line);
  fclose(f);
  return rc;
}

static char **S_copy_list(const char *const *v, size_t n) {
  if (!n) return NULL;
  char **out = sectag_xcalloc(n, sizeof *out);
  for (size_t i = 0; i < n; i++) out[i] = sectag_xstrdup(v[i]);
  return out;
}

sectag_speakers *sectag_speakers_new(const char *pattern, const char *table_path,
                                     const char *const *ids, size_t nids,
                                     const char *const *roles, size_t nroles,
                                     sectag_error *err) {
  sectag_speakers *sp = sectag_xcalloc(1, sizeof *sp);
  const char *pat = pattern ? pattern : sectag_default_speaker_pattern;
  int ec;
  PCRE2_SIZE eo;
  sp->re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
                         PCRE2_UTF | PCRE2_UCP | PCRE2_ANCHORED | PCRE2_MULTILINE, &ec, &eo,
                         NULL);
  if (!sp->re) {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(ec, msg, sizeof msg);
    sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0,
                     "--speaker-pattern: invalid regex: %s at offset %zu", (const char *)msg,
                     (size_t)eo);
    sectag_speakers_free(sp);
    return NULL;
  }
  int g = pcre2_substring_number_from_name(sp->re, (PCRE2_SPTR) "label");
  uint32_t ncap = 0;
  pcre2_pattern_info(sp->re, PCRE2_INFO_CAPTURECOUNT, &ncap);
  if (g > 0)
    sp->label_group = (uint32_t)g;
  else if (ncap >= 1)
    sp->label_group = 1;
  else
    sp->label_group = 0; /* the whole match, minus a trailing colon */
  const char *nojit = getenv("SECTAG_NO_JIT"); /* as in match.c: for valgrind */
  if (!(nojit && *nojit && strcmp(nojit, "0") != 0)) pcre2_jit_compile(sp->re, PCRE2_JIT_COMPLETE);
  sp->md = pcre2_match_data_create_from_pattern(sp->re, NULL);
  sp->mc = pcre2_match_context_create(NULL);
  pcre2_set_match_limit(sp->mc, 1000000u);
  pcre2_set_depth_limit(sp->mc, 100000u);
  pcre2_set_heap_limit(sp->mc, 65536u); /* KiB */
  if (table_path && S_load_table(sp, table_path, err) != 0) {
    sectag_speakers_free(sp);
    return NULL;
  }
  sp->ids = S_copy_list(ids, nids);
  sp->nids = nids;
  sp->roles = S_copy_list(roles, nroles);
  sp->nroles = nroles;
  return sp;
}

void sectag_speakers_free(sectag_speakers *sp) {
  if (!sp) return;
  pcre2_code_free(sp->re);
  pcre2_match_data_free(sp->md);
  pcre2_match_context_free(sp->mc);
  for (size_t i = 0; i < sp->naliases; i++) {
    free(sp->aliases[i].key);
    free(sp->aliases[i].id);
    free(sp->aliases[i].role);
  }
  free(sp->aliases);
  for (size_t i = 0; i < sp->nids; i++) free(sp->ids[i]);
  free(sp->ids);
  for (size_t i = 0; i < sp->nroles; i++) free(sp->roles[i]);
  free(sp->roles);
  free(sp);
}

int sectag_speakers_filtered(const sectag_speakers *sp) {
  return sp && (sp->nids > 0 || sp->nroles > 0);
}

int sectag_speakers_match_label(const sectag_speakers *sp, const char *text, size_t len,
                                size_t pos, size_t *lstart, size_t *lend, size_t *end) {
  /* a label is on one line: search no further than the line's end */
  const char *nl = memchr(text + pos, '\n', len - pos);
  size_t eol = nl ? (size_t)(nl - text) : len;
  const char *cr = memchr(text + pos, '\r', eol - pos);
  if (cr) eol = (size_t)(cr - text);
  if (eol == pos) return 0;
  int rc = pcre2_match(sp->re, (PCRE2_SPTR)text, eol, pos, PCRE2_NO_UTF_CHECK, sp->md, sp->mc);
  if (rc == PCRE2_ERROR_NOMATCH || rc == 0) return 0;
  if (rc < 0) return -1; /* a limit: the pattern backtracks too much */
  PCRE2_SIZE *ov = pcre2_get_ovector_pointer(sp->md);
  if (ov[1] <= ov[0]) return 0;
  size_t ls = ov[2 * sp->label_group], le = ov[2 * sp->label_group + 1];
  if (ls == PCRE2_UNSET || le <= ls) return 0;
  if (sp->label_group == 0) /* no group: the label is the match without ':' */
    while (le > ls && (text[le - 1] == ':' || text[le - 1] == ' ' || text[le - 1] == '*')) le--;
  while (le > ls && (text[le - 1] == ' ' || text[le - 1] == '\t')) le--;
  if (le <= ls) return 0;
  *lstart = ls;
  *lend = le;
  *end = ov[1];
  return 1;
}

static int S_in(char *const *list, size_t n, const char *s) {
  if (!s) return 0;
  for (size_t i = 0; i < n; i++)
    if (strcmp(list[i], s) == 0) return 1;
  return 0;
}

int sectag_speakers_known(const sectag_speakers *sp, const char *label, size_t len) {
  if (!sp || !sp->naliases) return 0;
  char *key = sectag_slug(label, len);
  int found = 0;
  for (size_t i = 0; i < sp->naliases && !found; i++) found = strcmp(sp->aliases[i].key, key) == 0;
  free(key);
  return found;
}

uint32_t sectag_speakers_intern(const sectag_speakers *sp, sectag_doc *doc, const char *label,
                                size_t len) {
  char *id = NULL;
  const char *role = NULL;
  if (!label) {
    id = sectag_xstrdup("unknown");
  } else {
    char *key = sectag_slug(label, len);
    for (size_t i = 0; sp && i < sp->naliases; i++)
      if (strcmp(sp->aliases[i].key, key) == 0) {
        id = sectag_xstrdup(sp->aliases[i].id);
        role = sp->aliases[i].role;
        break;
      }
    if (!id) {
      /* an XML name may not start with a digit */
      if (key[0] >= '0' && key[0] <= '9') {
        id = sectag_xstrdup("speaker-");
        id = sectag_xrealloc(id, strlen(key) + 9);
        strcat(id, key);
        free(key);
      } else if (strcmp(key, "unknown") == 0) {
        id = sectag_xstrdup("speaker-unknown"); /* "unknown" is the text before any label */
        free(key);
      } else {
        id = key;
      }
      key = NULL;
    }
    free(key);
  }
  for (size_t i = 0; i < doc->nspeakers; i++)
    if (strcmp(doc->speakers[i].id, id) == 0 && doc->speakers[i].unknown == (label == NULL)) {
      free(id);
      return (uint32_t)i;
    }
  doc->speakers = sectag_xrealloc(doc->speakers, (doc->nspeakers + 1) * sizeof *doc->speakers);
  sectag_speaker *s = &doc->speakers[doc->nspeakers];
  s->id = id;
  s->label = label ? sectag_xstrndup(label, len) : sectag_xstrdup("");
  s->role = role ? sectag_xstrdup(role) : NULL;
  s->unknown = label == NULL;
  s->selected = !sectag_speakers_filtered(sp) || S_in(sp->ids, sp->nids, id) ||
                S_in(sp->roles, sp->nroles, role);
  doc->filtered = sectag_speakers_filtered(sp);
  return (uint32_t)doc->nspeakers++;
}
