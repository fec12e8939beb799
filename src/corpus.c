/* corpus.c: enumerating the documents of a run (fts, sorted, loop-safe). */
#include "corpus.h"

#include <errno.h>
#include <fts.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "buf.h"
#include "error.h"

static int S_cmp_names(const FTSENT **a, const FTSENT **b) {
  return strcmp((*a)->fts_name, (*b)->fts_name);
}

static int S_wanted(const char *name) {
  const char *dot = strrchr(name, '.');
  return dot && (strcasecmp(dot, ".txt") == 0 || strcasecmp(dot, ".md") == 0);
}

/* name without its extension */
static char *S_strip_ext(const char *name) {
  const char *slash = strrchr(name, '/');
  const char *dot = strrchr(name, '.');
  if (!dot || (slash && dot < slash) || dot == name || (slash && dot == slash + 1))
    return sectag_xstrdup(name);
  return sectag_xstrndup(name, (size_t)(dot - name));
}

static void S_report(void (*report)(void *, const sectag_error *), void *ud, size_t *nproblems,
                     sectag_status code, const char *path, const char *fmt, const char *arg) {
  sectag_error e = SECTAG_ERROR_INIT;
  sectag_error_set(&e, code, path, 0, 0, fmt, arg);
  if (report) report(ud, &e);
  if (nproblems && code != SECTAG_WARNING) (*nproblems)++;
  sectag_error_clear(&e);
}

static void S_add(sectag_corpus *c, size_t *cap, const char *path, char *doc_id) {
  if (c->n == *cap) {
    *cap = *cap ? *cap * 2 : 64;
    c->inputs = sectag_xrealloc(c->inputs, *cap * sizeof *c->inputs);
  }
  c->inputs[c->n].path = sectag_xstrdup(path);
  c->inputs[c->n].doc_id = doc_id;
  c->n++;
}

static int S_cmp_ids(const void *a, const void *b) {
  const sectag_input *x = a, *y = b;
  int r = strcmp(x->doc_id, y->doc_id);
  return r ? r : strcmp(x->path, y->path);
}

int sectag_corpus_collect(sectag_corpus *c, const char *const *paths, size_t npaths,
                          const sectag_corpus_options *opt,
                          void (*report)(void *, const sectag_error *), void *ud,
                          size_t *nproblems, sectag_error *err) {
  memset(c, 0, sizeof *c);
  size_t cap = 0;
  for (size_t i = 0; i < npaths; i++) {
    struct stat st;
    if (stat(paths[i], &st) != 0) {
      sectag_error_set(err, SECTAG_ERR_USAGE, paths[i], 0, 0,
                       "cannot read input: %s; check the PATH arguments", strerror(errno));
      sectag_corpus_free(c);
      return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
      const char *base = strrchr(paths[i], '/');
      S_add(c, &cap, paths[i], S_strip_ext(base ? base + 1 : paths[i]));
      continue;
    }
    char *argv[2] = {(char *)paths[i], NULL};
    FTS *fts = fts_open(argv, FTS_LOGICAL | FTS_NOCHDIR, S_cmp_names);
    if (!fts) {
      sectag_error_set(err, SECTAG_ERR_USAGE, paths[i], 0, 0, "cannot read directory: %s",
                       strerror(errno));
      sectag_corpus_free(c);
      return -1;
    }
    size_t rootlen = strlen(paths[i]);
    while (rootlen > 1 && paths[i][rootlen - 1] == '/') rootlen--;
    FTSENT *e;
    while ((e = fts_read(fts)) != NULL) {
      int hidden = e->fts_level > 0 && e->fts_name[0] == '.';
      switch (e->fts_info) {
      case FTS_D:
        if (hidden) fts_set(fts, e, FTS_SKIP);
        break;
      case FTS_DC:
        S_report(report, ud, nproblems, SECTAG_WARNING, e->fts_path,
                 "directory loop (a symbolic link back to a parent%s); skipped", "");
        break;
      case FTS_DNR:
      case FTS_ERR:
        S_report(report, ud, nproblems, SECTAG_ERR_INPUT, e->fts_path,
                 "cannot read directory: %s", strerror(e->fts_errno));
        break;
      case FTS_F:
        if (hidden || !S_wanted(e->fts_name)) break;
        {
          const char *rel = e->fts_path + rootlen;
          while (*rel == '/') rel++;
          S_add(c, &cap, e->fts_path, S_strip_ext(rel));
        }
        break;
      case FTS_SLNONE:
        if (!hidden && S_wanted(e->fts_name))
          S_report(report, ud, nproblems, SECTAG_ERR_INPUT, e->fts_path,
                   "broken symbolic link%s; skipped", "");
        break;
      default:
        break;
      }
    }
    fts_close(fts);
  }
  /* sort by doc_id; a doc_id used twice keeps its first file only */
  qsort(c->inputs, c->n, sizeof *c->inputs, S_cmp_ids);
  size_t w = 0;
  for (size_t i = 0; i < c->n; i++) {
    if (w > 0 && strcmp(c->inputs[w - 1].doc_id, c->inputs[i].doc_id) == 0) {
      sectag_buf msg = SECTAG_BUF_INIT;
      sectag_buf_printf(&msg,
                        "doc_id '%s' is already used by %s; this file was not coded (rename "
                        "one of them)",
                        c->inputs[i].doc_id, c->inputs[w - 1].path);
      S_report(report, ud, nproblems, SECTAG_ERR_INPUT, c->inputs[i].path, "%s", msg.ptr);
      sectag_buf_free(&msg);
      free(c->inputs[i].path);
      free(c->inputs[i].doc_id);
      continue;
    }
    c->inputs[w++] = c->inputs[i];
  }
  c->n = w;
  return 0;
}

void sectag_corpus_free(sectag_corpus *c) {
  for (size_t i = 0; i < c->n; i++) {
    free(c->inputs[i].path);
    free(c->inputs[i].doc_id);
  }
  free(c->inputs);
  memset(c, 0, sizeof *c);
}
