/* run.c: one `sectag code` run. Loads and compiles the codebook, collects
 * the documents, and for each one reads, tokenizes, matches and renders it.
 * TEI files are written one by one (atomically); the five CSV tables are
 * written to temporary files as documents succeed and renamed into place at
 * the end. A document that fails is reported and leaves no trace in any
 * output; the others go on. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "buf.h"
#include "codebook.h"
#include "corpus.h"
#include "date.h"
#include "encoding.h"
#include "document.h"
#include "error.h"
#include "output.h"
#include "reader.h"
#include "render.h"
#include "speakers.h"

enum { T_COUNT = SECTAG_TABLE_COUNT };

static double S_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void S_report(const sectag_code_options *opt, const sectag_error *e) {
  if (opt->report) opt->report(opt->userdata, e);
}

/* Whether the caller asked the run to stop (a signal, in the CLI); sets err
 * then. Checked between documents only. */
static int S_cancelled(const sectag_code_options *opt, sectag_error *err) {
  if (!opt->cancelled || !opt->cancelled(opt->userdata)) return 0;
  sectag_error_set(err, SECTAG_ERR_OUTPUT, NULL, 0, 0,
                   "interrupted; the temporary output files were removed");
  return 1;
}

static void S_warn(const sectag_code_options *opt, const char *fmt, const char *arg) {
  sectag_error e = SECTAG_ERROR_INIT;
  sectag_error_set(&e, SECTAG_WARNING, NULL, 0, 0, fmt, arg);
  S_report(opt, &e);
  sectag_error_clear(&e);
}

static char *S_join(const char *a, const char *b, const char *c) {
  sectag_buf p = SECTAG_BUF_INIT;
  sectag_buf_puts(&p, a);
  if (p.len && p.ptr[p.len - 1] != '/') sectag_buf_putc(&p, '/');
  sectag_buf_puts(&p, b);
  if (c) sectag_buf_puts(&p, c);
  return sectag_buf_detach(&p);
}

/* Whether a metadata key is taken as the date or the group, not as a column
 * of its own. */
static int S_special_key(const sectag_code_options *opt, const char *key) {
  if (opt->group_field) /* then a `group` column is an ordinary column */
    return strcmp(key, "date") == 0 || strcmp(key, "speaker") == 0 ||
           strcmp(key, opt->group_field) == 0;
  return strcmp(key, "date") == 0 || strcmp(key, "group") == 0 || strcmp(key, "speaker") == 0;
}

/* Column names the tables use themselves: a metadata column of the same
 * name is written as meta_NAME, so every header stays unique. */
static const char *const S_builtin_columns[] = {
    "doc_id", "group", "code",  "polarity", "matches",   "tokens",   "per_10k",        "term",
    "frequency", "rule", "start",  "end",       "line",     "text",           "left",
    "right",  "path",  "format",   "title",     "tokens_all", "sentences",    "speakers",
    "turns",  "securitizing", "desecuritizing", "role",     "label",          "coded",
    NULL};

static char *S_column_name(const char *key) {
  sectag_buf b = SECTAG_BUF_INIT;
  for (const char *const *c = S_builtin_columns; *c; c++)
    if (strcmp(*c, key) == 0) sectag_buf_puts(&b, "meta_");
  sectag_buf_puts(&b, key);
  return sectag_buf_detach(&b);
}

/* Gives the document its metadata, date and group. Problems are warnings:
 * the document is still coded. */
static void S_metadata(const sectag_code_options *opt, const sectag_corpus *corpus,
                       const sectag_input *in, const sectag_periods *periods, sectag_doc *doc) {
  const char *date = NULL, *group = NULL;
  doc->meta = sectag_xcalloc(corpus->nkeys + 1, sizeof *doc->meta);
  for (size_t k = 0; k < corpus->nkeys; k++) {
    const char *key = corpus->keys[k], *v = in->values ? in->values[k] : NULL;
    if (strcmp(key, "date") == 0) date = v;
    if (strcmp(key, "speaker") == 0 && v) sectag_doc_set_str(&doc->speaker, v);
    if (opt->group_field ? strcmp(key, opt->group_field) == 0 : strcmp(key, "group") == 0)
      group = v;
    if (S_special_key(opt, key)) continue;
    doc->meta[doc->nmeta].key = sectag_xstrdup(key);
    doc->meta[doc->nmeta].value = v ? sectag_xstrdup(v) : NULL;
    doc->nmeta++;
  }
  int bad_date = 0;
  if (date) { /* explicit metadata wins over a date found in the text */
    char iso[11];
    bad_date = sectag_date_parse(date, strlen(date), iso) != 0;
    if (!bad_date)
      sectag_doc_set_str(&doc->date, iso);
    else
      sectag_doc_warn(doc, (size_t)-1,
                      "date '%s' does not parse, so it is ignored (write dates as YYYY-MM-DD, "
                      "or as '15 de junio de 2020' / 'June 15, 2020')",
                      date);
  }
  if (!doc->date && !bad_date) { /* last, a date in the file name: mananera-2019-03-12 */
    const char *base = strrchr(doc->doc_id, '/');
    base = base ? base + 1 : doc->doc_id;
    char iso[11];
    if (sectag_date_find(base, strlen(base), iso) == 0) sectag_doc_set_str(&doc->date, iso);
  }
  if (group) {
    sectag_doc_set_str(&doc->group, group);
  } else if (periods && doc->date) {
    const char *label = sectag_periods_lookup(periods, doc->date);
    if (label)
      sectag_doc_set_str(&doc->group, label);
    else
      sectag_doc_warn(doc, (size_t)-1,
                      "date %s is in no period of %s (or, for a year or month, spans two); the "
                      "document has no group",
                      doc->date, opt->periods);
  } else if (periods && !bad_date) {
    sectag_doc_warn(doc, (size_t)-1,
                    "no date found, so no period of %s applies; give the date in a manifest "
                    "(--manifest), the file name (--meta-from-name '{date}.txt') or a date line",
                    opt->periods);
  }
}

/* ------------------------------------------------------------ documents
 * One document is a job: S_process reads, codes and renders it into a
 * S_job (TEI text, table rows, messages, counts), touching nothing shared;
 * S_consume, on the calling thread and in corpus order, writes the TEI
 * file, appends the rows, reports the messages and adds up the summary.
 * With --jobs N > 1, N worker threads run S_process ahead of S_consume
 * (at most S_AHEAD jobs per worker), so outputs and messages are the same
 * as with one job. */
#define S_AHEAD 4

typedef struct {
  const sectag_code_options *opt;
  const sectag_corpus *corpus;
  const sectag_codebook *cb;
  const sectag_matcher *m;
  const sectag_periods *periods;
  const sectag_columns *cols;
  unsigned tables; /* bit i: table i is written */
  int tei;         /* TEI files are written */
  const sectag_tei_shared *tei_shared; /* the part every TEI file shares */
} S_run;

enum { J_OK, J_FAILED, J_SKIPPED };

typedef struct {
  int outcome;
  sectag_error fail;    /* J_FAILED / J_SKIPPED: why */
  sectag_error *warns;  /* J_OK: reported once the TEI file is written */
  size_t nwarns;
  char *doc_id;
  sectag_buf xml;
  sectag_buf rows[T_COUNT];
  size_t pol[3], tokens, words, sentences, bytes;
  int has_turns;
  unsigned char *seen_id, *seen_role;
} S_job;

static void S_job_reset(S_job *j) {
  sectag_error_clear(&j->fail);
  for (size_t w = 0; w < j->nwarns; w++) sectag_error_clear(&j->warns[w]);
  free(j->warns);
  j->warns = NULL;
  j->nwarns = 0;
  free(j->doc_id);
  j->doc_id = NULL;
  sectag_buf_clear(&j->xml);
  for (int t = 0; t < T_COUNT; t++) sectag_buf_clear(&j->rows[t]);
  memset(j->pol, 0, sizeof j->pol);
  j->tokens = j->words = j->sentences = j->bytes = 0;
  j->has_turns = 0;
  j->outcome = J_OK;
}

static void S_job_free(S_job *j) {
  S_job_reset(j);
  sectag_buf_free(&j->xml);
  for (int t = 0; t < T_COUNT; t++) sectag_buf_free(&j->rows[t]);
  free(j->seen_id);
  free(j->seen_role);
}

static void S_job_init(S_job *j, const sectag_code_options *opt) {
  memset(j, 0, sizeof *j);
  j->fail = (sectag_error)SECTAG_ERROR_INIT;
  j->seen_id = sectag_xcalloc(opt->nspeaker_ids + 1, 1);
  j->seen_role = sectag_xcalloc(opt->nroles + 1, 1);
}

/* Reads, codes and renders document i into j. Thread-safe: it reads the
 * run and writes only j, the document, and speakers (one per thread). */
static void S_process(const S_run *r, sectag_speakers *speakers, size_t i, S_job *j) {
  const sectag_code_options *opt = r->opt;
  const sectag_input *in = &r->corpus->inputs[i];
  sectag_read_ctx ctx = {speakers, opt->encoding};
  sectag_error derr = SECTAG_ERROR_INIT;
  memset(j->seen_id, 0, opt->nspeaker_ids + 1);
  memset(j->seen_role, 0, opt->nroles + 1);
  sectag_doc *doc = sectag_doc_load(in->path, in->doc_id, in->format, in->text, in->text_len,
                                    opt->encoding, &ctx, &derr);
  if (doc) S_metadata(opt, r->corpus, in, r->periods, doc);
  if (doc && speakers) {
    /* a text without turns whose metadata names its speaker is one turn
     * of that speaker (mapped through the speaker table, filtered) */
    if (doc->nturns == 0 && doc->speaker && *doc->speaker) {
      uint32_t sp = sectag_speakers_intern(speakers, doc, doc->speaker, strlen(doc->speaker));
      sectag_doc_add_turn(doc, doc->body, doc->len, sp);
      sectag_doc_set_str(&doc->speaker, doc->speakers[sp].id); /* one name in every table */
    }
    doc->filtered = sectag_speakers_filtered(speakers);
  }
  for (size_t k = 0; doc && k < doc->nspeakers; k++) {
    for (size_t s = 0; s < opt->nspeaker_ids; s++)
      j->seen_id[s] |= strcmp(doc->speakers[k].id, opt->speaker_ids[s]) == 0;
    for (size_t s = 0; s < opt->nroles; s++)
      j->seen_role[s] |= doc->speakers[k].role && strcmp(doc->speakers[k].role, opt->roles[s]) == 0;
  }
  if (doc && sectag_doc_code(doc, r->m, &derr) != 0) {
    sectag_doc_free(doc);
    doc = NULL;
  }
  if (doc && r->tei && sectag_render_tei_shared(doc, r->cb, r->tei_shared, &j->xml, &derr) != 0) {
    sectag_doc_free(doc);
    doc = NULL;
  }
  if (!doc) {
    if (derr.code == SECTAG_WARNING && in->line) derr.line = in->line;
    if (derr.code == SECTAG_ERR_INPUT && !in->text && access(in->path, F_OK) != 0 &&
        errno == ENOENT) {
      /* the corpus walk found it, so it went away while the run went on */
      sectag_buf b = SECTAG_BUF_INIT;
      sectag_buf_printf(&b, "%s; it was deleted or moved after the run began (check the "
                            "path, or run again when nothing is changing it)",
                        derr.message);
      free(derr.message);
      derr.message = sectag_buf_detach(&b);
    }
    if (in->line && derr.code != SECTAG_WARNING && derr.path && in->text) {
      /* a record: say which line of the corpus file it is */
      char *msg = derr.message;
      sectag_buf b = SECTAG_BUF_INIT;
      sectag_buf_printf(&b, "record on line %lu (%s): %s", in->line, in->doc_id, msg);
      free(msg);
      derr.message = sectag_buf_detach(&b);
      derr.line = derr.col = 0;
    }
    j->outcome = derr.code == SECTAG_WARNING ? J_SKIPPED : J_FAILED;
    j->fail = derr;
    return;
  }
  if (doc->nwords == 0)
    sectag_doc_warn(doc, (size_t)-1, "no words in this document (it is empty or holds only "
                                     "punctuation); it is kept in the outputs with 0 tokens");
  for (size_t w = 0; w < doc->nwarnings; w++) {
    sectag_error *e = &doc->warnings[w];
    if (in->text && in->line) { /* a record: its line in the corpus file, its id */
      sectag_buf b = SECTAG_BUF_INIT;
      sectag_buf_printf(&b, "record %s: %s", in->doc_id, e->message);
      free(e->message);
      e->message = sectag_buf_detach(&b);
      e->line = in->line;
      e->col = 0;
    }
  }
  /* the warnings move to the job */
  j->warns = doc->warnings;
  j->nwarns = doc->nwarnings;
  doc->warnings = NULL;
  doc->nwarnings = 0;
  j->doc_id = sectag_xstrdup(doc->doc_id);
  if (r->tables & (1u << SECTAG_TABLE_CODES)) sectag_csv_codes(doc, r->cb, &j->rows[SECTAG_TABLE_CODES]);
  if (r->tables & (1u << SECTAG_TABLE_TERMS)) sectag_csv_terms(doc, &j->rows[SECTAG_TABLE_TERMS]);
  if (r->tables & (1u << SECTAG_TABLE_MATCHES))
    sectag_csv_matches(doc, r->cb, &j->rows[SECTAG_TABLE_MATCHES]);
  if (r->tables & (1u << SECTAG_TABLE_DOCUMENTS))
    sectag_csv_documents(doc, r->cb, &j->rows[SECTAG_TABLE_DOCUMENTS]);
  if (r->tables & (1u << SECTAG_TABLE_SPEAKERS))
    sectag_csv_speakers(doc, r->cb, &j->rows[SECTAG_TABLE_SPEAKERS]);
  sectag_doc_polarity_counts(doc, r->cb, j->pol);
  j->has_turns = doc->nturns > 0;
  j->tokens = doc->ntokens;
  j->words = doc->ncounted;
  j->sentences = doc->nsentences;
  j->bytes = doc->len;
  sectag_doc_free(doc);
}

/* Writes out job j (document i), in corpus order. Returns 0, or -1 with err
 * when its TEI file cannot be written (the run stops). */
static int S_consume(const S_run *r, const char *teidir, sectag_out *out, S_job *j, size_t i,
                     unsigned char *seen_id, unsigned char *seen_role, sectag_code_summary *sum,
                     sectag_error *err) {
  const sectag_code_options *opt = r->opt;
  if (j->outcome != J_OK) {
    S_report(opt, &j->fail);
    if (j->outcome == J_SKIPPED)
      sum->skipped++;
    else
      sum->failed++;
  } else {
    if (r->tei) {
      char *path = S_join(teidir, j->doc_id, ".xml");
      char *slash = strrchr(path, '/');
      int rc = 0;
      if (slash && slash > path + strlen(teidir)) { /* doc_ids with slashes: sub-folders */
        *slash = '\0';
        rc = sectag_mkdirs(path, err);
        *slash = '/';
      }
      if (rc == 0) rc = sectag_write_file(path, j->xml.ptr, j->xml.len, err);
      free(path);
      if (rc != 0) return -1;
    }
    for (size_t w = 0; w < j->nwarns; w++) S_report(opt, &j->warns[w]);
    for (int t = 0; t < T_COUNT; t++)
      if (r->tables & (1u << t)) sectag_out_write(&out[t], j->rows[t].ptr, j->rows[t].len);
    for (int p = 0; p < 3; p++) sum->matches[p] += j->pol[p];
    sum->documents++;
    if (j->has_turns) sum->speakers_docs++;
    sum->tokens += j->tokens;
    sum->words += j->words;
    sum->sentences += j->sentences;
    sum->bytes += j->bytes;
  }
  for (size_t s = 0; s < opt->nspeaker_ids; s++) seen_id[s] |= j->seen_id[s];
  for (size_t s = 0; s < opt->nroles; s++) seen_role[s] |= j->seen_role[s];
  if (opt->progress)
    opt->progress(opt->userdata, i + 1, r->corpus->n, r->corpus->inputs[i].doc_id);
  return 0;
}

typedef struct S_pool S_pool;
typedef struct {
  S_pool *pool;
  sectag_speakers *speakers; /* the thread's own (its PCRE2 match data) */
  pthread_t tid;
} S_worker;

struct S_pool {
  const S_run *run;
  S_job *slots;
  unsigned char *ready; /* per slot: its job is done */
  size_t nslots, next, consumed;
  int stop;
  pthread_mutex_t mu;
  pthread_cond_t work, done;
};

static void *S_work(void *arg) {
  S_worker *w = arg;
  S_pool *p = w->pool;
  size_t n = p->run->corpus->n;
  pthread_mutex_lock(&p->mu);
  for (;;) {
    while (!p->stop && p->next < n && p->next >= p->consumed + p->nslots)
      pthread_cond_wait(&p->work, &p->mu);
    if (p->stop || p->next >= n) break;
    size_t i = p->next++;
    pthread_mutex_unlock(&p->mu);
    S_process(p->run, w->speakers, i, &p->slots[i % p->nslots]);
    pthread_mutex_lock(&p->mu);
    p->ready[i % p->nslots] = 1;
    pthread_cond_broadcast(&p->done);
  }
  pthread_mutex_unlock(&p->mu);
  return NULL;
}

/* The number of worker threads: --jobs, or one per online processor. */
static size_t S_threads(const sectag_code_options *opt, size_t ndocs) {
  long n = opt->jobs > 0 ? (long)opt->jobs : sysconf(_SC_NPROCESSORS_ONLN);
  if (n < 1) n = 1;
  if (n > 256) n = 256;
  if ((size_t)n > ndocs) n = ndocs ? (long)ndocs : 1;
  return (size_t)n;
}

static sectag_status S_documents(const S_run *r, sectag_speakers *speakers, const char *teidir,
                                 sectag_out *out, unsigned char *seen_id,
                                 unsigned char *seen_role, sectag_code_summary *sum,
                                 sectag_error *err) {
  const sectag_code_options *opt = r->opt;
  size_t n = r->corpus->n, nthreads = S_threads(opt, n);
  sectag_status status = SECTAG_OK;
  if (nthreads <= 1) { /* inline: no threads at all */
    S_job j;
    S_job_init(&j, opt);
    for (size_t i = 0; i < n && status == SECTAG_OK; i++) {
      if (S_cancelled(opt, err)) {
        status = SECTAG_ERR_OUTPUT;
        break;
      }
      S_process(r, speakers, i, &j);
      if (S_consume(r, teidir, out, &j, i, seen_id, seen_role, sum, err) != 0)
        status = SECTAG_ERR_OUTPUT;
      S_job_reset(&j);
    }
    S_job_free(&j);
    return status;
  }

  xmlInitParser(); /* before threads: libxml2's global state */
  S_pool p;
  memset(&p, 0, sizeof p);
  p.run = r;
  p.nslots = nthreads * S_AHEAD;
  p.slots = sectag_xcalloc(p.nslots, sizeof *p.slots);
  p.ready = sectag_xcalloc(p.nslots, 1);
  for (size_t k = 0; k < p.nslots; k++) S_job_init(&p.slots[k], opt);
  pthread_mutex_init(&p.mu, NULL);
  pthread_cond_init(&p.work, NULL);
  pthread_cond_init(&p.done, NULL);
  S_worker *w = sectag_xcalloc(nthreads, sizeof *w);
  size_t started = 0;
  for (size_t k = 0; k < nthreads; k++) {
    w[k].pool = &p;
    if (speakers && k > 0) { /* the first worker borrows the run's */
      w[k].speakers = sectag_speakers_new(opt->speaker_pattern, opt->speakers_table,
                                          opt->speaker_ids, opt->nspeaker_ids, opt->roles,
                                          opt->nroles, err);
      if (!w[k].speakers) { /* it loaded once already: cannot really happen */
        status = SECTAG_ERR_USAGE;
        break;
      }
    } else {
      w[k].speakers = speakers;
    }
    if (pthread_create(&w[k].tid, NULL, S_work, &w[k]) != 0) {
      if (k > 0 && w[k].speakers != speakers) sectag_speakers_free(w[k].speakers);
      w[k].speakers = NULL;
      break; /* run with the threads there are */
    }
    started++;
  }
  if (started == 0 && status == SECTAG_OK) { /* no thread at all: do it here */
    for (size_t i = 0; i < n && status == SECTAG_OK; i++) {
      if (S_cancelled(opt, err)) {
        status = SECTAG_ERR_OUTPUT;
        break;
      }
      S_process(r, speakers, i, &p.slots[0]);
      if (S_consume(r, teidir, out, &p.slots[0], i, seen_id, seen_role, sum, err) != 0)
        status = SECTAG_ERR_OUTPUT;
      S_job_reset(&p.slots[0]);
    }
  }
  for (size_t i = 0; started && i < n && status == SECTAG_OK; i++) {
    if (S_cancelled(opt, err)) {
      status = SECTAG_ERR_OUTPUT;
      break;
    }
    size_t k = i % p.nslots;
    pthread_mutex_lock(&p.mu);
    while (!p.ready[k]) pthread_cond_wait(&p.done, &p.mu);
    pthread_mutex_unlock(&p.mu);
    if (S_consume(r, teidir, out, &p.slots[k], i, seen_id, seen_role, sum, err) != 0)
      status = SECTAG_ERR_OUTPUT;
    S_job_reset(&p.slots[k]);
    pthread_mutex_lock(&p.mu);
    p.ready[k] = 0;
    p.consumed = i + 1;
    pthread_cond_broadcast(&p.work);
    pthread_mutex_unlock(&p.mu);
  }
  pthread_mutex_lock(&p.mu);
  p.stop = 1;
  pthread_cond_broadcast(&p.work);
  pthread_mutex_unlock(&p.mu);
  for (size_t k = 0; k < nthreads; k++) {
    if (k < started) pthread_join(w[k].tid, NULL);
    if (w[k].speakers && w[k].speakers != speakers) sectag_speakers_free(w[k].speakers);
  }
  free(w);
  for (size_t k = 0; k < p.nslots; k++) S_job_free(&p.slots[k]);
  free(p.slots);
  free(p.ready);
  pthread_mutex_destroy(&p.mu);
  pthread_cond_destroy(&p.work);
  pthread_cond_destroy(&p.done);
  return status;
}

sectag_status sectag_code_run(const sectag_code_options *opt, sectag_code_summary *sum,
                              sectag_error *err) {
  double t0 = S_now();
  memset(sum, 0, sizeof *sum);
  sectag_status status = SECTAG_OK;
  sectag_corpus corpus;
  memset(&corpus, 0, sizeof corpus);
  sectag_out out[T_COUNT];
  memset(out, 0, sizeof out);
  char *teidir = NULL;
  sectag_buf rows = SECTAG_BUF_INIT;
  sectag_speakers *speakers = NULL;
  sectag_periods *periods = NULL;
  char **colkeys = NULL;
  unsigned char *seen_id = NULL, *seen_role = NULL;

  /* 1. everything that can fail before a byte is written */
  sectag_codebook *cb = sectag_codebook_load(opt->codebook_path, err);
  if (!cb) return SECTAG_ERR_CODEBOOK;
  sectag_matcher *m = sectag_matcher_new(cb, err);
  if (!m) {
    sectag_codebook_free(cb);
    return SECTAG_ERR_CODEBOOK;
  }
  for (size_t i = 0; i < sectag_matcher_warning_count(m); i++)
    S_report(opt, sectag_matcher_warning(m, i));
  if (!opt->no_speakers) {
    speakers = sectag_speakers_new(opt->speaker_pattern, opt->speakers_table, opt->speaker_ids,
                                   opt->nspeaker_ids, opt->roles, opt->nroles, err);
    if (!speakers) {
      status = SECTAG_ERR_USAGE;
      goto done;
    }
  } else if (opt->nspeaker_ids || opt->nroles) {
    sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0,
                     "--speaker and --role need speaker turns; drop --no-speakers");
    status = SECTAG_ERR_USAGE;
    goto done;
  }
  if (opt->encoding) { /* an unknown encoding stops the run before it starts */
    size_t n;
    char *probe = sectag_to_utf8(opt->encoding, "", 0, &n, "--encoding", err);
    if (!probe) {
      status = SECTAG_ERR_USAGE;
      goto done;
    }
    free(probe);
  }
  if (opt->periods && !(periods = sectag_periods_load(opt->periods, err))) {
    status = SECTAG_ERR_USAGE;
    goto done;
  }
  size_t problems = 0;
  sectag_corpus_options copt = {opt->manifest, opt->name_pattern, opt->text_field,
                                opt->id_field, opt->encoding};
  if (sectag_corpus_collect(&corpus, opt->paths, opt->npaths, &copt, opt->report,
                            opt->userdata, &problems, err) != 0) {
    status = SECTAG_ERR_USAGE;
    goto done;
  }
  sum->failed = problems;
  if (corpus.n == 0 && problems == 0) {
    sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0,
                     "no documents found: the PATHs hold no .txt, .md, .html, .xml or .jsonl "
                     "files");
    status = SECTAG_ERR_USAGE;
    goto done;
  }
  if (opt->group_field) {
    int found = 0;
    for (size_t k = 0; k < corpus.nkeys; k++) found |= strcmp(corpus.keys[k], opt->group_field) == 0;
    if (!found) {
      sectag_error_set(err, SECTAG_ERR_USAGE, NULL, 0, 0,
                       "--group-field '%s' is not a metadata column of this corpus; the columns "
                       "come from --manifest, --meta-from-name and JSONL/CSV record fields",
                       opt->group_field);
      status = SECTAG_ERR_USAGE;
      goto done;
    }
  }
  sectag_columns cols = {NULL, 0};
  colkeys = sectag_xcalloc(corpus.nkeys + 1, sizeof *colkeys);
  for (size_t k = 0; k < corpus.nkeys; k++)
    if (!S_special_key(opt, corpus.keys[k])) colkeys[cols.nkeys++] = S_column_name(corpus.keys[k]);
  cols.keys = colkeys;

  /* 2. the output folder and the tables */
  teidir = S_join(opt->outdir, "tei", NULL);
  if (sectag_mkdirs(opt->outdir, err) != 0 || (!opt->no_tei && sectag_mkdirs(teidir, err) != 0)) {
    status = SECTAG_ERR_OUTPUT;
    goto done;
  }
  unsigned tables = opt->tables ? opt->tables : (1u << T_COUNT) - 1;
  for (int i = 0; i < T_COUNT; i++) {
    if (!(tables & (1u << i))) continue;
    sum->tables_wanted++;
    char *path = S_join(opt->outdir, sectag_table_names[i], NULL);
    int rc = sectag_out_open(&out[i], path, err);
    free(path);
    if (rc != 0) {
      status = SECTAG_ERR_OUTPUT;
      goto done;
    }
    sectag_buf_clear(&rows);
    sectag_csv_header(&rows, i, &cols);
    sectag_out_write(&out[i], rows.ptr, rows.len);
  }

  /* which --speaker / --role values some document had */
  seen_id = sectag_xcalloc(opt->nspeaker_ids + 1, 1);
  seen_role = sectag_xcalloc(opt->nroles + 1, 1);

  /* 3. the documents: coded by the workers (or inline with one job), and
   * consumed here in corpus order, so every output is the same whatever
   * the number of threads */
  sectag_tei_shared *tei_shared = opt->no_tei ? NULL : sectag_tei_shared_new(cb);
  S_run run = {opt, &corpus, cb, m, periods, &cols, tables, !opt->no_tei, tei_shared};
  status = S_documents(&run, speakers, teidir, out, seen_id, seen_role, sum, err);
  sectag_tei_shared_free(tei_shared);
  if (status != SECTAG_OK) goto done;

  for (size_t j = 0; j < opt->nspeaker_ids; j++)
    if (!seen_id[j])
      S_warn(opt, "--speaker '%s' is the id of no speaker in these documents; see the speaker "
                  "column of speakers.csv for the ids there are",
             opt->speaker_ids[j]);
  for (size_t j = 0; j < opt->nroles; j++)
    if (!seen_role[j])
      S_warn(opt, "--role '%s' is the role of no speaker in these documents; roles come from "
                  "the third column of the --speakers table",
             opt->roles[j]);
  free(seen_id);
  free(seen_role);
  seen_id = seen_role = NULL;

  /* 4. the tables go into place together */
  if (S_cancelled(opt, err)) {
    status = SECTAG_ERR_OUTPUT;
    goto done;
  }
  /* all five are flushed and closed first, so that a full disk leaves none
   * of them; only a failing rename (rare) can leave some in place, and the
   * summary says how many */
  for (int i = 0; i < T_COUNT; i++)
    if ((tables & (1u << i)) && sectag_out_finish(&out[i], err) != 0) {
      status = SECTAG_ERR_OUTPUT;
      goto done;
    }
  for (int i = 0; i < T_COUNT; i++) {
    if (!(tables & (1u << i))) continue;
    if (sectag_out_rename(&out[i], err) != 0) {
      status = SECTAG_ERR_OUTPUT;
      goto done;
    }
    sum->tables_written++;
  }
  if (sum->failed) status = SECTAG_ERR_INPUT;

done:
  free(seen_id);
  free(seen_role);
  for (int i = 0; i < T_COUNT; i++) sectag_out_abort(&out[i]);
  sectag_buf_free(&rows);
  free(teidir);
  for (size_t k = 0; colkeys && colkeys[k]; k++) free(colkeys[k]);
  free(colkeys);
  sectag_corpus_free(&corpus);
  sectag_speakers_free(speakers);
  sectag_periods_free(periods);
  sectag_matcher_free(m);
  sectag_codebook_free(cb);
  sum->seconds = S_now() - t0;
  return status;
}
