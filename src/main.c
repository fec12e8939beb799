/* main.c: the sectag command line. argv -> options -> library call -> exit
 * status. The only file that prints to the terminal or calls exit().
 *
 * Exit statuses: 0 success; 1 some documents failed (the others were
 * written); 2 usage error; 3 codebook error (nothing written); 4 output error. */
#include <getopt.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "sectag.h"

enum { EXIT_DOCS = 1, EXIT_USAGE = 2, EXIT_CODEBOOK = 3, EXIT_OUTPUT = 4 };

static const char S_usage[] =
    "Usage: sectag COMMAND [OPTIONS] ...\n"
    "\n"
    "Code political discourse with a codebook of regex rules; export TEI-XML\n"
    "and frequency tables.\n"
    "\n"
    "Commands:\n"
    "  code      code texts with a codebook: sectag code -c CODEBOOK -o OUTDIR PATH...\n"
    "  compare   compare groups (administrations, speakers, years) in the tables of\n"
    "            one or more OUTDIRs: frequencies, balance, keyness, time series\n"
    "  kwic      concordance lines for a code or a regex: sectag kwic OUTDIR --code sec.war\n"
    "  import    convert a dictionary (LIWC, quanteda, WordStat...) into a codebook\n"
    "  check     test a codebook's rules on its examples: sectag check CODEBOOK...\n"
    "  export    hand a coded OUTDIR to other tools: a REFI-QDA project (ATLAS.ti,\n"
    "            MAXQDA, NVivo, QualCoder), a REFI-QDA codebook, a TEI corpus (TXM)\n"
    "  report    one self-contained HTML page of a coded OUTDIR: charts, top codes\n"
    "            and terms, concordances, documents with their codes highlighted\n"
    "  help      show help for a command: sectag help code\n"
    "\n"
    "Options:\n"
    "  -h, --help       show this help\n"
    "  -V, --version    show the version\n"
    "\n"
    "Example:\n"
    "  sectag code -c codebooks/securitization-es.yaml -o out/es corpora/sample/es\n"
    "\n"
    "See `man sectag` (docs/sectag.1) and docs/codebook-format.md.\n";

static const char S_code_usage[] =
    "Usage: sectag code [OPTIONS] -c CODEBOOK -o OUTDIR PATH...\n"
    "       sectag code [OPTIONS] -c CODEBOOK -o OUTDIR --manifest FILE.csv\n"
    "\n"
    "Tokenize the texts, match the codebook's rules, and write:\n"
    "  OUTDIR/tei/DOC_ID.xml   one TEI P5 document per input: speaker turns as\n"
    "                          <u who>, codes as <seg ana>, and a <standOff>\n"
    "  OUTDIR/codes.csv        per document x speaker x code: matches, tokens, per_10k\n"
    "  OUTDIR/terms.csv        per document x speaker x term: frequency\n"
    "  OUTDIR/matches.csv      every match: code, rule, offsets, line, text, context\n"
    "  OUTDIR/documents.csv    per document: path, format, title, tokens, counts\n"
    "  OUTDIR/speakers.csv     per document x speaker: role, label, turns, tokens\n"
    "Every table starts with doc_id,date,group and (but speakers.csv) speaker,\n"
    "then the metadata columns of --manifest, --meta-from-name or the JSONL/CSV\n"
    "record fields.\n"
    "\n"
    "A PATH is a file, or a folder searched recursively for .txt, .md,\n"
    ".markdown, .html, .htm, .xhtml, .xml (TEI), .jsonl and .ndjson files; a\n"
    ".csv file named as a PATH is a corpus of one document per row. DOC_ID is\n"
    "the path below the folder without the extension. See docs/corpora.md.\n"
    "\n"
    "Options:\n"
    "  -c, --codebook FILE      the YAML codebook (required), e.g.\n"
    "                           codebooks/securitization-es.yaml\n"
    "  -o, --outdir DIR         where outputs go (created if missing; required)\n"
    "  -q, --quiet              no progress line and no summary (errors still shown)\n"
    "  -h, --help               show this help\n"
    "\n"
    "Inputs and metadata:\n"
    "      --manifest FILE.csv  first column: path or doc_id; other columns are\n"
    "                           metadata (date, party, ...); alone, it lists the files\n"
    "      --meta-from-name PATTERN\n"
    "                           metadata from file names, e.g. '{date}_{speaker}.txt'\n"
    "      --periods FILE.tsv   start<TAB>end<TAB>label: the group of each dated\n"
    "                           document, e.g. corpora/periods/mexico-presidents.tsv\n"
    "      --group-field KEY    take the group from this metadata column instead\n"
    "      --text-field NAME    JSONL/CSV: the field holding the text (default: text)\n"
    "      --id-field NAME      JSONL/CSV: the field holding the doc_id (default: id)\n"
    "      --encoding NAME      the texts' encoding: utf-8 (default), latin1, cp1252...\n"
    "\n"
    "Speakers:\n"
    "      --speakers FILE.tsv  label<TAB>speaker_id<TAB>role: one id for label variants\n"
    "      --speaker ID         code and count only this speaker (repeatable)\n"
    "      --role ROLE          code and count only speakers with this role (repeatable)\n"
    "      --speaker-pattern RE the regex of a speaker label at a line start; its\n"
    "                           group (?<label>...) is the label\n"
    "      --no-speakers        do not split texts into speaker turns\n"
    "\n"
    "Outputs and speed:\n"
    "  -j, --jobs N             code N documents at once (default: one per\n"
    "                           processor); outputs are the same for every N\n"
    "      --no-tei             write the tables only, no TEI files\n"
    "      --tables LIST        write only these tables, e.g. codes,documents\n"
    "                           (codes, terms, matches, documents, speakers)\n"
    "      --counts-only        --no-tei --tables codes,documents,speakers: the\n"
    "                           fastest run, for frequencies alone\n"
    "\n"
    "Every output is written to a temporary file and renamed when complete. A\n"
    "document that cannot be read is reported and skipped; the others are coded.\n"
    "\n"
    "Example:\n"
    "  sectag code -c codebooks/securitization-es.yaml -o out/es \\\n"
    "      --periods corpora/periods/mexico-presidents.tsv \\\n"
    "      --speakers corpora/speakers/es-conferencias.tsv --role president \\\n"
    "      corpora/sample/es\n"
    "\n"
    "Exit status: 0 all coded; 1 some documents failed; 2 usage error;\n"
    "3 codebook error (nothing written); 4 cannot write outputs.\n";

/* SIGINT / SIGTERM during `sectag code`: the handler only records the
 * signal; the library asks (opt.cancelled) between documents, stops, and
 * removes its temporary files; then main exits with 128 + the signal. */
static volatile sig_atomic_t S_signal = 0;

/* After an output error: what is in OUTDIR now (run.c writes TEI files one
 * document at a time, then puts the five tables into place together). */
static void S_output_failed(const sectag_code_summary *sum) {
  if (sum->tables_written > 0)
    fprintf(stderr,
            "sectag: only %zu of the %zu tables were put into place (a rename failed), so "
            "the others are missing or left from an earlier run; run again\n",
            sum->tables_written, sum->tables_wanted);
  else if (sum->documents == 0)
    fputs("sectag: no tables were written and no TEI file\n", stderr);
  else
    fprintf(stderr,
            "sectag: no tables were written; the TEI files of the %zu document%s coded before "
            "the error are complete\n",
            sum->documents, sum->documents == 1 ? "" : "s");
}

static void S_on_signal(int signo) { S_signal = signo; }

static int S_cancelled(void *ud) {
  (void)ud;
  return S_signal != 0;
}

static void S_catch_signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = S_on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART; /* reads and writes go on; the flag is checked later */
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
}

typedef struct {
  int tty;
  int quiet;
  double start, last;
  int shown; /* a progress line is on screen */
} S_ui;

static double S_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void S_clear_progress(S_ui *ui) {
  if (ui->shown) {
    fputs("\r\033[K", stderr);
    ui->shown = 0;
  }
}

static void S_print_error(S_ui *ui, const sectag_error *e) {
  if (ui) S_clear_progress(ui);
  char *msg = sectag_error_format(e);
  if (e->path)
    fprintf(stderr, "%s\n", msg);
  else
    fprintf(stderr, "sectag: %s\n", msg);
  free(msg);
}

static void S_report(void *ud, const sectag_error *e) { S_print_error(ud, e); }

static void S_progress(void *ud, size_t done, size_t total, const char *doc_id) {
  S_ui *ui = ud;
  if (!ui->tty || ui->quiet) return;
  double now = S_now();
  if (done < total && (now - ui->start < 0.5 || now - ui->last < 0.1)) return;
  ui->last = now;
  fprintf(stderr, "\r\033[Ksectag: %zu/%zu documents (%.0f%%) %.40s", done, total,
          100.0 * (double)done / (double)total, doc_id);
  ui->shown = 1;
}

/* 12345678 -> "12,345,678" */
static const char *S_thousands(size_t n, char *buf, size_t size) {
  char tmp[32];
  int len = snprintf(tmp, sizeof tmp, "%zu", n);
  size_t j = 0;
  for (int i = 0; i < len && j + 2 < size; i++) {
    if (i > 0 && (len - i) % 3 == 0) buf[j++] = ',';
    buf[j++] = tmp[i];
  }
  buf[j] = '\0';
  return buf;
}

enum {
  O_MANIFEST = 256,
  O_NAME,
  O_PERIODS,
  O_GROUP_FIELD,
  O_TEXT_FIELD,
  O_ID_FIELD,
  O_ENCODING,
  O_SPEAKERS,
  O_SPEAKER,
  O_ROLE,
  O_SPEAKER_PATTERN,
  O_NO_SPEAKERS,
  O_NO_TEI,
  O_TABLES,
  O_COUNTS_ONLY
};

/* --tables codes,documents: the bit mask, or 0 with a message. */
static unsigned S_tables(const char *list) {
  unsigned mask = 0;
  const char *p = list;
  while (*p) {
    size_t n = strcspn(p, ",");
    int found = 0;
    for (int t = 0; t < SECTAG_TABLE_COUNT; t++) {
      static const char *const names[] = {"codes", "terms", "matches", "documents", "speakers"};
      if (strlen(names[t]) == n && strncmp(names[t], p, n) == 0) {
        mask |= 1u << t;
        found = 1;
      }
    }
    if (!found) {
      fprintf(stderr,
              "sectag code: --tables: unknown table '%.*s'; the tables are codes, terms, "
              "matches, documents and speakers\n",
              (int)n, p);
      return 0;
    }
    p += n;
    if (*p == ',') p++;
  }
  if (!mask) fputs("sectag code: --tables: name at least one table\n", stderr);
  return mask;
}

static int S_code(int argc, char **argv, sectag_code_options *optp, S_ui *uip);

static int S_cmd_code(int argc, char **argv) {
  static const struct option longopts[] = {{"codebook", required_argument, NULL, 'c'},
                                           {"outdir", required_argument, NULL, 'o'},
                                           {"quiet", no_argument, NULL, 'q'},
                                           {"help", no_argument, NULL, 'h'},
                                           {"manifest", required_argument, NULL, O_MANIFEST},
                                           {"meta-from-name", required_argument, NULL, O_NAME},
                                           {"periods", required_argument, NULL, O_PERIODS},
                                           {"group-field", required_argument, NULL, O_GROUP_FIELD},
                                           {"text-field", required_argument, NULL, O_TEXT_FIELD},
                                           {"id-field", required_argument, NULL, O_ID_FIELD},
                                           {"encoding", required_argument, NULL, O_ENCODING},
                                           {"speakers", required_argument, NULL, O_SPEAKERS},
                                           {"speaker", required_argument, NULL, O_SPEAKER},
                                           {"role", required_argument, NULL, O_ROLE},
                                           {"speaker-pattern", required_argument, NULL,
                                            O_SPEAKER_PATTERN},
                                           {"no-speakers", no_argument, NULL, O_NO_SPEAKERS},
                                           {"jobs", required_argument, NULL, 'j'},
                                           {"no-tei", no_argument, NULL, O_NO_TEI},
                                           {"tables", required_argument, NULL, O_TABLES},
                                           {"counts-only", no_argument, NULL, O_COUNTS_ONLY},
                                           {NULL, 0, NULL, 0}};
  sectag_code_options opt;
  memset(&opt, 0, sizeof opt);
  S_ui ui;
  memset(&ui, 0, sizeof ui);
  /* --speaker and --role values: at most argc of each */
  const char **ids = calloc((size_t)argc + 1, sizeof *ids);
  const char **roles = calloc((size_t)argc + 1, sizeof *roles);
  if (!ids || !roles) {
    fputs("sectag: out of memory\n", stderr);
    return EXIT_USAGE;
  }
  opt.speaker_ids = ids;
  opt.roles = roles;
  int c, rc = -1;
  optind = 1;
  while (rc < 0 && (c = getopt_long(argc, argv, "c:o:qhj:", longopts, NULL)) != -1) {
    switch (c) {
    case 'c':
      opt.codebook_path = optarg;
      break;
    case 'o':
      opt.outdir = optarg;
      break;
    case 'q':
      ui.quiet = 1;
      break;
    case 'h':
      fputs(S_code_usage, stdout);
      rc = 0;
      break;
    case O_MANIFEST:
      opt.manifest = optarg;
      break;
    case O_NAME:
      opt.name_pattern = optarg;
      break;
    case O_PERIODS:
      opt.periods = optarg;
      break;
    case O_GROUP_FIELD:
      opt.group_field = optarg;
      break;
    case O_TEXT_FIELD:
      opt.text_field = optarg;
      break;
    case O_ID_FIELD:
      opt.id_field = optarg;
      break;
    case O_ENCODING:
      opt.encoding = optarg;
      break;
    case O_SPEAKERS:
      opt.speakers_table = optarg;
      break;
    case O_SPEAKER:
      ids[opt.nspeaker_ids++] = optarg;
      break;
    case O_ROLE:
      roles[opt.nroles++] = optarg;
      break;
    case O_SPEAKER_PATTERN:
      opt.speaker_pattern = optarg;
      break;
    case O_NO_SPEAKERS:
      opt.no_speakers = 1;
      break;
    case 'j': {
      char *end;
      long v = strtol(optarg, &end, 10);
      if (*end || end == optarg || v < 1 || v > 256) {
        fprintf(stderr, "sectag code: --jobs '%s': give a number of threads from 1 to 256\n",
                optarg);
        rc = EXIT_USAGE;
      }
      opt.jobs = (size_t)v;
      break;
    }
    case O_NO_TEI:
      opt.no_tei = 1;
      break;
    case O_TABLES:
      if (!(opt.tables = S_tables(optarg))) rc = EXIT_USAGE;
      break;
    case O_COUNTS_ONLY:
      opt.no_tei = 1;
      opt.tables = (1u << SECTAG_TABLE_CODES) | (1u << SECTAG_TABLE_DOCUMENTS) |
                   (1u << SECTAG_TABLE_SPEAKERS);
      break;
    default:
      fputs("Try 'sectag code --help'.\n", stderr);
      rc = EXIT_USAGE;
      break;
    }
  }
  if (rc < 0) rc = S_code(argc, argv, &opt, &ui);
  free(ids);
  free(roles);
  return rc;
}

static int S_code(int argc, char **argv, sectag_code_options *optp, S_ui *uip) {
  sectag_code_options opt = *optp;
  S_ui ui = *uip;
  const char *missing = !opt.codebook_path ? "a codebook: -c CODEBOOK (for example -c "
                                             "codebooks/securitization-es.yaml)"
                        : !opt.outdir      ? "an output folder: -o OUTDIR"
                        : optind >= argc && !opt.manifest
                            ? "at least one PATH (a text file or a folder), or --manifest"
                            : NULL;
  if (missing) {
    fprintf(stderr, "sectag code: missing %s\nTry 'sectag code --help'.\n", missing);
    return EXIT_USAGE;
  }
  opt.paths = (const char *const *)(argv + optind);
  opt.npaths = (size_t)(argc - optind);
  opt.report = S_report;
  opt.progress = S_progress;
  opt.cancelled = S_cancelled;
  opt.userdata = &ui;
  S_catch_signals();
  ui.tty = isatty(STDERR_FILENO);
  ui.start = S_now();

  sectag_code_summary sum;
  sectag_error err = SECTAG_ERROR_INIT;
  sectag_status st = sectag_code_run(&opt, &sum, &err);
  S_clear_progress(&ui);
  if (S_signal) {
    int signo = (int)S_signal;
    if (st == SECTAG_ERR_OUTPUT && err.code == SECTAG_ERR_OUTPUT && !err.path)
      fprintf(stderr,
              "sectag: %s: interrupted; no tables were written and no temporary file is "
              "left; TEI files of documents coded before are complete\n",
              signo == SIGINT ? "SIGINT" : "SIGTERM");
    else if (err.code != SECTAG_OK)
      S_print_error(&ui, &err);
    sectag_error_clear(&err);
    return 128 + signo;
  }
  if (err.code != SECTAG_OK) S_print_error(&ui, &err);
  sectag_error_clear(&err);
  switch (st) {
  case SECTAG_ERR_USAGE:
    return EXIT_USAGE;
  case SECTAG_ERR_CODEBOOK:
    return EXIT_CODEBOOK;
  case SECTAG_ERR_OUTPUT:
    S_output_failed(&sum);
    return EXIT_OUTPUT;
  default:
    break;
  }
  if (!ui.quiet) {
    char a[32], b[32], m1[32], m2[32], m3[32], turns[64] = "";
    if (sum.speakers_docs)
      snprintf(turns, sizeof turns, "; %zu with speaker turns", sum.speakers_docs);
    double mb = (double)sum.bytes / 1e6;
    if (sum.skipped)
      fprintf(stderr, "sectag: %zu binary file%s skipped\n", sum.skipped,
              sum.skipped == 1 ? "" : "s");
    fprintf(stderr,
            "sectag: coded %zu document%s (%zu failed%s): %s words in %s sentences; "
            "%s securitizing, %s desecuritizing and %s neutral matches; "
            "%.2f s (%.1f MB/s). Outputs are in %s/.\n",
            sum.documents, sum.documents == 1 ? "" : "s", sum.failed, turns,
            S_thousands(sum.words, a, sizeof a), S_thousands(sum.sentences, b, sizeof b),
            S_thousands(sum.matches[SECTAG_SECURITIZING], m1, sizeof m1),
            S_thousands(sum.matches[SECTAG_DESECURITIZING], m2, sizeof m2),
            S_thousands(sum.matches[SECTAG_NEUTRAL], m3, sizeof m3), sum.seconds,
            sum.seconds > 0 ? mb / sum.seconds : 0.0, opt.outdir);
  }
  return st == SECTAG_OK ? 0 : EXIT_DOCS;
}

int main(int argc, char **argv) {
#ifdef __GLIBC__
  /* Every document allocates and frees arrays of a few hundred KiB to a few
   * MiB (text, shadow, offsets, tokens, matches). glibc's defaults hand such
   * blocks back to the kernel on free and fault them in again for the next
   * document, which costs more than the matching; keep them instead. The
   * peak stays that of the largest document. */
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
#endif
  if (argc < 2) {
    fputs(S_usage, stderr);
    return EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
    fputs(S_usage, stdout);
    return 0;
  }
  if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
    printf("sectag %s\n", SECTAG_VERSION);
    return 0;
  }
  if (strcmp(cmd, "help") == 0) {
    if (argc > 2 && strcmp(argv[2], "code") == 0)
      fputs(S_code_usage, stdout);
    else if (argc > 2 && strcmp(argv[2], "compare") == 0)
      fputs(sectag_compare_usage, stdout);
    else if (argc > 2 && strcmp(argv[2], "kwic") == 0)
      fputs(sectag_kwic_usage, stdout);
    else if (argc > 2 && strcmp(argv[2], "import") == 0)
      fputs(sectag_import_usage, stdout);
    else if (argc > 2 && strcmp(argv[2], "check") == 0)
      fputs(sectag_check_usage, stdout);
    else if (argc > 2 && strcmp(argv[2], "export") == 0)
      fputs(sectag_export_usage, stdout);
    else if (argc > 2 && strcmp(argv[2], "report") == 0)
      fputs(sectag_report_usage, stdout);
    else
      fputs(S_usage, stdout);
    return 0;
  }
  if (strcmp(cmd, "code") == 0) return S_cmd_code(argc - 1, argv + 1);
  if (strcmp(cmd, "compare") == 0) return sectag_cli_compare(argc - 1, argv + 1);
  if (strcmp(cmd, "kwic") == 0) return sectag_cli_kwic(argc - 1, argv + 1);
  if (strcmp(cmd, "import") == 0) return sectag_cli_import(argc - 1, argv + 1);
  if (strcmp(cmd, "check") == 0) return sectag_cli_check(argc - 1, argv + 1);
  if (strcmp(cmd, "export") == 0) return sectag_cli_export(argc - 1, argv + 1);
  if (strcmp(cmd, "report") == 0) return sectag_cli_report(argc - 1, argv + 1);
  fprintf(stderr, "sectag: unknown command '%s'\nTry 'sectag --help'.\n", cmd);
  return EXIT_USAGE;
}
