#!/usr/bin/env python3
"""Times sectag against its peers on one corpus, with four codebooks, and
checks that sectag and the Python peer count the same matches.

Called by bench/run, which fetches the corpus and builds sectag; see
docs/performance.md. For every codebook (40, 400 and 4,000 regex rules, and
10,000 `words:` entries) it runs, on the same files:

  sectag            `sectag code` with every table and the TEI (the default)
  sectag --counts-only  codes, documents and speakers tables only, no TEI
  sectag -j 1/-j 2  the default with 1 and 2 threads, when sectag has --jobs
  python re         ../shared/bench/peer_python_re.py (one regex per rule)
  R stringi         ../shared/bench/peer_r_stringi.R (skipped if R is missing)
  rg, rg -j 1       ripgrep over the union of the rules, counting matches

and once per corpus `cat` and `wc -w`, the floor for reading the bytes.
Each tool is a child process: wall time from time.monotonic(), peak memory
from GNU time (/usr/bin/time -f %M, the child's ru_maxrss). The best of
--repeat runs is reported, but a run longer than 60 s is not repeated, and a
run longer than --timeout
is killed and reported as a lower bound. A peer is first run on every 50th
file; if that, scaled to the corpus, exceeds --timeout, the scaled time is
reported as an estimate (~) and the peer is not run on the whole corpus.

The peers get each codebook as the TSV they read (code, polarity, pattern),
translated to mean what sectag means: a space, and a lone \\s, becomes \\s+
(sectag matches a text whose white space runs are one space), and a rule
that is not `partial` is wrapped in lookarounds that demand sectag's token
boundaries (no letter or digit on either side, nor a hyphen that joins a
word). `words:` entries become one trie-shaped alternation per code, and
one rule per phrase. ripgrep's regex engine has no lookarounds, so rg gets
\\b(?:P)\\b, and rg counts the matches of the union of the rules, not of each
rule: its count is shown but not compared.
"""
import argparse, csv, datetime, hashlib, html, json, math, os, platform, re
import shutil, signal, subprocess, sys, tempfile, threading, time

import yaml

sys.dont_write_bytecode = True  # no __pycache__ in bench/
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen  # noqa: E402

NO_REPEAT_AFTER = 60.0
SAMPLE_EVERY = 50
ARGV_BYTES = 200_000
CODEBOOKS = [("40", "rules-40.yaml", "40 rules"), ("400", "rules-400.yaml", "400 rules"),
             ("4000", "rules-4000.yaml", "4,000 rules"), ("words", "words-10k.yaml", "10,000 words")]
TIME = "/usr/bin/time"
# sectag's token boundaries, as lookarounds. A pattern's match may not begin
# or end inside a word, nor at a hyphen that joins two words ("war-time" is
# one token), but an apostrophe inside a word is a boundary ("enemy's"). A
# `words:` entry is compared with whole tokens, and a token runs across
# apostrophes too ("majesty's" is not "majesty").
HYPHENS = "\\-\u2010\u2011"
APOSTROPHES = "'\u2019\u02bc"
GUARD_START = rf"(?<!\w)(?<!\w[{HYPHENS}])(?:"
GUARD_END = rf")(?!\w)(?![{HYPHENS}]\w)"
WORD_START = rf"(?<!\w)(?<!\w[{HYPHENS}{APOSTROPHES}])(?:"
WORD_END = rf")(?!\w)(?![{HYPHENS}{APOSTROPHES}]\w)"


# ------------------------------------------------------------ the rules as TSV

def widen_spaces(pat):
    """A space, or \\s without a quantifier, becomes \\s+ (outside classes)."""
    out, i, in_class = [], 0, False
    while i < len(pat):
        c = pat[i]
        if c == "\\" and i + 1 < len(pat):
            esc = pat[i:i + 2]
            nxt = pat[i + 2:i + 3]
            if esc == r"\s" and not in_class and nxt not in ("+", "*", "?", "{"):
                out.append(r"\s+")
            else:
                out.append(esc)
            i += 2
            continue
        if c == "[" and not in_class:
            in_class = True
        elif c == "]" and in_class:
            in_class = False
        out.append(r"\s+" if c == " " and not in_class else c)
        i += 1
    return "".join(out)


def trie_regex(words):
    """One alternation of WORDS, shaped as a trie (shared prefixes factored)."""
    trie = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node):
        alts = [literal(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        optional = "" in node
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and not optional else "(?:" + "|".join(alts) + ")"
        if optional:
            body = (body if body.startswith("(?:") else "(?:" + body + ")") + "?"
        return body
    return emit(trie)


def literal(ch):
    """A character of a `words:` entry as a regex: the typographic forms of
    apostrophes and hyphens match too, as in sectag's normalized text."""
    if ch in "'\u2019\u02bc":
        return f"[{APOSTROPHES}]"
    if ch in "-\u2010\u2011":
        return f"[{HYPHENS}]"
    return re.escape(ch)


def glob_regex(entry):
    parts = []
    for ch in entry:
        parts.append(r"\w*" if ch == "*" else r"\w" if ch == "?" else r"\s+" if ch == " " else literal(ch))
    return "".join(parts)


def codebook_rules(path):
    """(code, polarity, peer pattern, rg pattern) for every rule of PATH, and
    the leaf codes; warns about what the peers cannot express."""
    cb = yaml.safe_load(open(path, encoding="utf-8"))
    pol, rules, ignored = {}, [], 0
    codes = cb["codes"]
    for code in codes:
        pol[code] = None
    for code, c in codes.items():
        p, anc = c.get("polarity"), code
        while not p and "." in anc:
            anc = anc.rsplit(".", 1)[0]
            p = codes.get(anc, {}).get("polarity")
        p = p or "neutral"
        if c.get("unless") or c.get("near"):
            ignored += 1
        for r in c.get("patterns") or []:
            pat, partial = (r, False) if isinstance(r, str) else (r["pattern"], r.get("partial", False))
            if not isinstance(r, str) and (r.get("unless") or r.get("near")):
                ignored += 1
            pat = widen_spaces(pat)
            if partial:
                rules.append((code, p, pat, pat))
            else:
                rules.append((code, p, GUARD_START + pat + GUARD_END, r"\b(?:" + pat + r")\b"))
        words = c.get("words") or []
        single = [w.lower() for w in words if " " not in w and "*" not in w and "?" not in w]
        if single:
            t = trie_regex(sorted(set(single)))
            rules.append((code, p, WORD_START + t + WORD_END, r"\b" + t + r"\b"))
        for w in words:
            if " " in w or "*" in w or "?" in w:
                g = glob_regex(w.lower())
                rules.append((code, p, WORD_START + g + WORD_END, r"\b(?:" + g + r")\b"))
    if ignored:
        print(f"  note: {os.path.basename(path)} has {ignored} context rules (unless/near) "
              "that the peers cannot apply; their counts will differ", file=sys.stderr)
    parents = {c.rsplit(".", 1)[0] for c in codes if "." in c}
    leaves = [c for c in codes if c not in parents]
    return rules, leaves


def write_tsv(rules, path, rg_path):
    with open(path, "w", encoding="utf-8") as f:
        for code, p, pat, _ in rules:
            f.write(f"{code}\t{p}\t{pat}\n")
    with open(rg_path, "w", encoding="utf-8") as f:
        for _, _, _, pat in rules:
            f.write(pat + "\n")


# ------------------------------------------------------------------- running

class Result:
    def __init__(self, seconds, rss_mb, timed_out=False, runs=1, output=None, estimated=False):
        self.seconds, self.rss_mb, self.timed_out, self.runs = seconds, rss_mb, timed_out, runs
        self.output, self.estimated = output, estimated


def run_once(argv, out, timeout):
    """Runs ARGV under GNU time, which reports the peak RSS of the command
    alone (the rusage of a child forked from this Python process would
    include this process's own memory). Returns seconds, peak MB, killed,
    exit status, stderr."""
    fd, rss_file = tempfile.mkstemp(prefix="bench-rss-")
    os.close(fd)
    t0 = time.monotonic()
    p = subprocess.Popen([TIME, "-f", "%M", "-o", rss_file] + argv, stdout=out, stderr=subprocess.PIPE,
                         start_new_session=True)
    killed = []

    def kill():
        killed.append(True)
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    timer = threading.Timer(timeout, kill) if timeout else None
    if timer:
        timer.start()
    err = p.stderr.read()
    p.wait()
    dt = time.monotonic() - t0
    if timer:
        timer.cancel()
    p.stderr.close()
    rss = 0.0
    try:
        lines = open(rss_file).read().split()
        rss = int(lines[-1]) / 1024.0 if lines and lines[-1].isdigit() else 0.0
    finally:
        os.unlink(rss_file)
    return dt, rss, bool(killed), p.returncode, err.decode("utf-8", "replace")


def chunks(files):
    """FILES in pieces whose argv stays well under the kernel's limit."""
    piece, size = [], 0
    for f in files:
        if piece and size + len(f) + 1 > ARGV_BYTES:
            yield piece
            piece, size = [], 0
        piece.append(f)
        size += len(f) + 1
    if piece:
        yield piece


def timed(argv, files, repeat, timeout, outfile=None, ok=(0,), prepare=None):
    """Best of REPEAT runs of ARGV + FILES (split over several processes if
    the file list is too long for one argv); times add up, peak RSS is the
    largest. Returns a Result; stdout of the last run is in OUTFILE."""
    best, rss, runs = None, 0.0, 0
    for _ in range(repeat):
        if prepare:
            prepare()
        total, timed_out = 0.0, False
        with open(outfile or os.devnull, "wb") as out:
            for piece in (chunks(files) if files is not None else [[]]):
                left = timeout - total if timeout else None
                dt, mb, killed, rc, err = run_once(argv + piece, out, left)
                total += dt
                rss = max(rss, mb)
                if killed:
                    timed_out = True
                    break
                if rc not in ok:
                    sys.exit(f"bench: {' '.join(argv[:3])} ... failed with status {rc}:\n{err[-3000:]}")
        runs += 1
        if timed_out:
            return Result(total, rss, True, runs)
        best = total if best is None else min(best, total)
        if total > NO_REPEAT_AFTER:
            break
    return Result(best, rss, False, runs)


def peer_timed(argv, files, repeat, timeout, outfile=None, ok=(0,)):
    """Times a peer. It first runs on a sample of about 2% of the files
    (every 50th); if the time scaled to the whole corpus by bytes exceeds
    TIMEOUT, the peer is not run on the whole corpus and the estimate is
    reported (marked ~). Otherwise it is timed on all the files. The sample
    itself is killed after TIMEOUT / 5 (at least 60 s): the estimate is then
    a lower bound (>~)."""
    if timeout and len(files) >= 50:
        sample = files[::SAMPLE_EVERY]
        part = sum(os.path.getsize(f) for f in sample) / sum(os.path.getsize(f) for f in files)
        # a sample that runs this long already means hours for the corpus
        r = timed(argv, sample, 1, max(60.0, timeout / 5), None, ok)
        est = r.seconds / part
        if r.timed_out or est > timeout:
            return Result(est, r.rss_mb, r.timed_out, 1, estimated=True)
    return timed(argv, files, repeat, timeout, outfile, ok)


# ----------------------------------------------------------------- counting

def read_peer_counts(path):
    counts = {}
    with open(path, encoding="utf-8") as f:
        for row in csv.reader(f):
            if len(row) == 3 and row[2].isdigit():
                doc = row[0][:-4] if row[0].endswith(".txt") else row[0]
                counts[doc, row[1]] = counts.get((doc, row[1]), 0) + int(row[2])
    return counts


def read_sectag_counts(outdir, leaves):
    """Matches per (document, leaf code), from codes.csv; the document is the
    base name of the doc_id, as the peers name it."""
    leaves = set(leaves)
    counts = {}
    with open(os.path.join(outdir, "codes.csv"), encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["code"] in leaves:
                key = (row["doc_id"].rsplit("/", 1)[-1], row["code"])
                counts[key] = counts.get(key, 0) + int(row["matches"])
    return counts


def read_rg_count(path):
    total = 0
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            n = line.rstrip("\n").rsplit(":", 1)[-1]
            if n.isdigit():
                total += int(n)
    return total


def compare(a, b, name_a, name_b, limit=10):
    keys = sorted(set(a) | set(b))
    diffs = [(k, a.get(k, 0), b.get(k, 0)) for k in keys if a.get(k, 0) != b.get(k, 0)]
    lines = [f"{len(keys) - len(diffs)} of {len(keys)} (document, code) cells agree; "
             f"{name_a} {sum(a.values()):,} matches, {name_b} {sum(b.values()):,}"]
    for (doc, code), x, y in diffs[:limit]:
        lines.append(f"  {doc} {code}: {name_a} {x}, {name_b} {y}")
    if len(diffs) > limit:
        lines.append(f"  ... and {len(diffs) - limit} more")
    return not diffs, lines


# ------------------------------------------------------------------- report

def mark(r, bound):
    return (bound if r.timed_out else "") + ("~" if r.estimated else "")


def fmt_time(r):
    if r is None:
        return "-"
    return mark(r, ">") + (f"{r.seconds:.2f}" if r.seconds < 100 else f"{r.seconds:,.0f}")


def fmt_rate(mb, r):
    if r is None:
        return "-"
    v = mb / r.seconds
    return mark(r, "<") + (f"{v:.1f}" if v >= 0.1 else f"{v:.3f}")


def fmt_ratio(r, base):
    if r is None or base is None or base.timed_out:
        return "-"
    v = r.seconds / base.seconds
    return mark(r, ">") + (f"{v:.2f}x" if v < 100 else f"{v:,.0f}x")


def svg_report(rows, mb, path, title):
    """Two panels: MB/s per tool and codebook (log scale), and seconds against
    the number of rules (log-log). Plain SVG, written by hand."""
    tools = []
    for _, tool, _, _ in rows:
        if tool not in tools:
            tools.append(tool)
    palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
               "#7f7f7f", "#bcbd22", "#17becf"]
    color = {t: palette[i % len(palette)] for i, t in enumerate(tools)}
    W, H = 980, 500
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
           f'font-family="sans-serif" font-size="11">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="10" y="18" font-size="14" font-weight="bold">{html.escape(title)}</text>']
    # left panel: horizontal bars of MB/s, grouped by codebook
    x0, y0, pw = 190, 40, 330
    rates = [mb / r.seconds for _, _, r, _ in rows if r and r.seconds > 0]
    lo = 10 ** math.floor(math.log10(min(rates))) if rates else 0.1
    hi = 10 ** math.ceil(math.log10(max(rates))) if rates else 1000
    span = math.log10(hi) - math.log10(lo) or 1

    def bx(v):
        return x0 + pw * (math.log10(max(v, lo)) - math.log10(lo)) / span
    y = y0 + 10
    groups = []
    for cb, tool, r, _ in rows:
        if not groups or groups[-1][0] != cb:
            groups.append((cb, []))
        groups[-1][1].append((tool, r))
    bar = 11
    n_bars = sum(len(g[1]) for g in groups)
    bar = max(5, min(12, (H - 100 - 14 * len(groups)) // max(1, n_bars)))
    for cb, items in groups:
        out.append(f'<text x="{x0 - 180}" y="{y + 9}" font-weight="bold">{html.escape(cb)}</text>')
        y += 13
        for tool, r in items:
            if r is None:
                continue
            v = mb / r.seconds
            out.append(f'<text x="{x0 - 5}" y="{y + bar - 2}" text-anchor="end">{html.escape(tool)}</text>')
            pale = ' fill-opacity="0.4"' if r.timed_out or r.estimated else ""
            out.append(f'<rect x="{x0}" y="{y}" width="{bx(v) - x0:.1f}" height="{bar - 1}" '
                       f'fill="{color[tool]}"{pale}/>')
            out.append(f'<text x="{bx(v) + 3:.1f}" y="{y + bar - 2}">{html.escape(mark(r, "<"))}{v:.3g}</text>')
            y += bar
        y += 4
    axis_y = y + 4
    out.append(f'<line x1="{x0}" y1="{axis_y}" x2="{x0 + pw}" y2="{axis_y}" stroke="black"/>')
    e = math.log10(lo)
    while e <= math.log10(hi) + 1e-9:
        xx = bx(10 ** e)
        out.append(f'<line x1="{xx:.1f}" y1="{y0}" x2="{xx:.1f}" y2="{axis_y}" stroke="#ddd"/>')
        out.append(f'<text x="{xx:.1f}" y="{axis_y + 13}" text-anchor="middle">{10 ** e:g}</text>')
        e += 1
    out.append(f'<text x="{x0 + pw / 2}" y="{axis_y + 27}" text-anchor="middle">MB/s (log scale; '
               f'pale: estimated from a 2% sample, or a bound)</text>')
    # right panel: seconds vs number of rules, log-log, one line per tool
    px, py, qw, qh = 610, 60, 330, 300
    series = {}
    for cb, tool, r, n in rows:
        if n and r:
            series.setdefault(tool, []).append((n, r.seconds, r.timed_out or r.estimated))
    pts = [(n, s) for v in series.values() for n, s, _ in v]
    if pts:
        nlo, nhi = 10, 10 ** math.ceil(math.log10(max(n for n, _ in pts)))
        slo = 10 ** math.floor(math.log10(min(s for _, s in pts)))
        shi = 10 ** math.ceil(math.log10(max(s for _, s in pts)))

        def lx(n):
            return px + qw * (math.log10(n) - math.log10(nlo)) / (math.log10(nhi) - math.log10(nlo))

        def ly(s):
            return py + qh - qh * (math.log10(s) - math.log10(slo)) / ((math.log10(shi) - math.log10(slo)) or 1)
        out.append(f'<text x="{px}" y="{py - 12}" font-weight="bold">seconds against the number of regex rules</text>')
        out.append(f'<rect x="{px}" y="{py}" width="{qw}" height="{qh}" fill="none" stroke="black"/>')
        e = math.log10(slo)
        while e <= math.log10(shi) + 1e-9:
            yy = ly(10 ** e)
            out.append(f'<line x1="{px}" y1="{yy:.1f}" x2="{px + qw}" y2="{yy:.1f}" stroke="#ddd"/>')
            out.append(f'<text x="{px - 4}" y="{yy + 4:.1f}" text-anchor="end">{10 ** e:g}</text>')
            e += 1
        for n in (10, 100, 1000, 10000):
            if n <= nhi:
                out.append(f'<text x="{lx(n):.1f}" y="{py + qh + 14}" text-anchor="middle">{n:,}</text>')
        out.append(f'<text x="{px + qw / 2}" y="{py + qh + 30}" text-anchor="middle">rules (log scale); '
                   f'seconds on the left (log scale)</text>')
        ly_ = py + qh + 48
        for i, (tool, v) in enumerate(series.items()):
            v.sort()
            d = " ".join(f"{'M' if j == 0 else 'L'}{lx(n):.1f},{ly(s):.1f}" for j, (n, s, _) in enumerate(v))
            out.append(f'<path d="{d}" fill="none" stroke="{color[tool]}" stroke-width="2"/>')
            for n, s, to in v:
                out.append(f'<circle cx="{lx(n):.1f}" cy="{ly(s):.1f}" r="3" fill="{"white" if to else color[tool]}" '
                           f'stroke="{color[tool]}"/>')
            lx0 = px + (i % 2) * 170
            lyy = ly_ + (i // 2) * 14
            out.append(f'<line x1="{lx0}" y1="{lyy - 4}" x2="{lx0 + 18}" y2="{lyy - 4}" stroke="{color[tool]}" stroke-width="2"/>')
            out.append(f'<text x="{lx0 + 22}" y="{lyy}">{html.escape(tool)}</text>')
        out.append(f'<text x="{px}" y="{ly_ + 14 * ((len(series) + 1) // 2) + 6}">open circle: estimated '
                   f'from a 2% sample of the files</text>')
    out.append("</svg>")
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    os.rename(tmp, path)


def machine():
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the start"


def version(argv):
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        return (out.stdout + out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "?"


# --------------------------------------------------------------------- main

def stamp_of(*paths):
    h = hashlib.sha256()
    for p in paths:
        h.update(open(p, "rb").read())
    return h.hexdigest()[:16]


def prepare_corpus(args):
    if args.corpus:
        corpus = os.path.abspath(os.path.join(os.environ.get("BENCH_CWD", ""), args.corpus))
        if not os.path.isdir(corpus):
            sys.exit(f"bench: --corpus {args.corpus}: not a folder")
        return corpus, os.path.basename(corpus)
    if args.quick:
        return args.sotu, "SOTU (quick)"
    if args.replicas:
        dst = os.path.join(args.cache, f"sotu-x{args.replicas}")
        if not os.path.isdir(dst):
            tmp = dst + ".tmp"
            shutil.rmtree(tmp, ignore_errors=True)
            os.makedirs(tmp)
            for i in range(args.replicas):
                for f in sorted(os.listdir(args.sotu)):
                    stem, ext = os.path.splitext(f)
                    os.link(os.path.join(args.sotu, f), os.path.join(tmp, f"{stem}-{i:03d}{ext}"))
            os.rename(tmp, dst)
        return dst, f"SOTU x{args.replicas} (hard links)"
    size = args.size_mb
    name = f"sotu-{size:g}mb"
    dst = os.path.join(args.cache, name)
    stamp = stamp_of(os.path.join(args.here, "gen.py"))
    stamp_file = dst + ".stamp"
    if not (os.path.isdir(dst) and os.path.exists(stamp_file) and open(stamp_file).read() == stamp):
        print(f"bench: generating {name} (random.Random({gen.SEED}))", file=sys.stderr)
        n, total = gen.make_corpus(args.sotu, dst, size)
        with open(stamp_file, "w") as f:
            f.write(stamp)
    return dst, f"SOTU paragraphs shuffled to {size:g} MB"


def prepare_codebooks(args):
    out = os.path.join(args.cache, "codebooks")
    base = os.path.join(args.here, "codebook-40.yaml")
    stamp = stamp_of(os.path.join(args.here, "gen.py"), base)
    stamp_file = os.path.join(out, ".stamp")
    if not (os.path.exists(stamp_file) and open(stamp_file).read() == stamp):
        print("bench: generating the codebooks", file=sys.stderr)
        gen.make_codebooks(args.sotu, base, out)
        with open(stamp_file, "w") as f:
            f.write(stamp)
        for _, name, _ in CODEBOOKS:
            p = subprocess.run([args.sectag, "check", os.path.join(out, name)], capture_output=True, text=True)
            if p.returncode != 0:
                sys.exit(f"bench: sectag check {name} failed:\n{p.stdout[-3000:]}{p.stderr[-3000:]}")
            print(f"  {p.stdout.strip().splitlines()[-1]}", file=sys.stderr)
    return out


def list_files(corpus):
    files, other = [], 0
    for d, dirs, names in os.walk(corpus):
        dirs.sort()
        for n in sorted(names):
            if n.lower().endswith(".txt"):
                files.append(os.path.join(d, n))
            elif n.lower().rsplit(".", 1)[-1] in ("md", "markdown", "html", "htm", "xhtml", "xml", "jsonl", "ndjson"):
                other += 1
    if other:
        print(f"bench: warning: {corpus} holds {other} files sectag reads that are not .txt; "
              "sectag codes them, the peers do not", file=sys.stderr)
    names = [os.path.basename(f) for f in files]
    if len(set(names)) != len(names):
        print("bench: warning: two files have the same name; the peers name documents by their "
              "base name, so the correctness check may report differences", file=sys.stderr)
    return files


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sectag", required=True)
    ap.add_argument("--sotu", required=True, help="the State of the Union addresses (.txt)")
    ap.add_argument("--cache", required=True)
    ap.add_argument("--peers", required=True)
    ap.add_argument("--results", required=True)
    ap.add_argument("--corpus", help="time this folder of .txt files instead of the generated corpus")
    ap.add_argument("--size-mb", type=float, default=100, help="size of the generated corpus (default 100)")
    ap.add_argument("--replicas", type=int, help="time an N-fold copy of the addresses instead")
    ap.add_argument("--repeat", type=int, help="runs per tool; the best is reported (default 3, --quick 1)")
    ap.add_argument("--quick", action="store_true", help="the 11 MB SOTU only, 1 run, 60 s time limit")
    ap.add_argument("--timeout", type=float, help="a peer estimated to take longer is timed on a 2%% sample only; "
                    "any run is killed after it (default 600, --quick 60)")
    ap.add_argument("--codebooks", default="40,400,4000,words", help="which codebooks (default: all)")
    ap.add_argument("--no-peers", action="store_true", help="time sectag and the floor only")
    ap.add_argument("--check-only", action="store_true",
                    help="only the correctness check: sectag once, the Python peer on every file, no time limit")
    ap.add_argument("--out-dir", help="where sectag writes its outputs (default: a folder in /dev/shm when it "
                    "is a tmpfs with 8 GB free, else in the cache; see docs/performance.md)")
    ap.add_argument("--invocation", default="bench/run", help="the command line, for the report")
    args = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    if not os.access(TIME, os.X_OK):
        sys.exit(f"bench: {TIME} (GNU time) is missing: run bench/install-deps")
    args.here = os.path.dirname(os.path.abspath(__file__))
    repeat = 1 if args.check_only else args.repeat or (1 if args.quick else 3)
    timeout = args.timeout or (60 if args.quick else 600)
    wanted = args.codebooks.split(",")

    corpus, corpus_label = prepare_corpus(args)
    cbdir = prepare_codebooks(args)
    files = list_files(corpus)
    if not files:
        sys.exit(f"bench: no .txt files in {corpus}")
    size = sum(os.path.getsize(f) for f in files)
    mb = size / 1e6
    work = tempfile.mkdtemp(prefix="work-", dir=args.cache)  # outputs and rule files of this run
    os.makedirs(args.results, exist_ok=True)

    helptext = subprocess.run([args.sectag, "code", "--help"], capture_output=True, text=True)
    has_jobs = "--jobs" in helptext.stdout + helptext.stderr
    has_counts_only = "--counts-only" in helptext.stdout + helptext.stderr
    r_ok = bool(shutil.which("Rscript")) and subprocess.run(
        ["Rscript", "-e", "library(stringi)"], capture_output=True).returncode == 0
    rg = shutil.which("rg")
    notes = []
    if not has_jobs:
        notes.append("sectag has no --jobs option yet: the -j 1 and -j 2 rows are left out.")
    if not has_counts_only:
        notes.append("sectag has no --counts-only option yet: that row is left out.")
    if not r_ok:
        notes.append("R or stringi is missing (bench/install-deps installs r-base-core r-cran-stringi): "
                     "the R stringi rows are left out.")
    if not rg:
        notes.append("ripgrep is missing (bench/install-deps installs it): the rg rows are left out.")
    for n in notes:
        print("bench: " + n, file=sys.stderr)

    started = datetime.datetime.now(datetime.timezone.utc)
    info = machine()
    print(f"corpus: {corpus_label}: {len(files):,} files, {mb:.1f} MB ({corpus})")
    print(f"machine: {info}")
    print(f"best of {repeat} runs (runs over {NO_REPEAT_AFTER:.0f} s once); peers estimated to take over "
          f"{timeout:.0f} s run on a 2% sample (~); runs killed after {timeout:.0f} s (>)")

    rows = []          # (codebook label, tool, Result or None, rule count)
    tables = []        # markdown lines
    checks = []        # (label, passed, lines)
    sectag_out, out_label = sectag_out_dir(args, work)
    print(f"sectag writes to: {out_label}")
    clear = lambda: shutil.rmtree(sectag_out, ignore_errors=True)  # noqa: E731

    # the floor: reading the bytes
    floor = [("cat", timed(["cat"], files, repeat, timeout)),
             ("wc -w", timed(["wc", "-w"], files, repeat, timeout))]
    base40 = None

    for key, name, label in CODEBOOKS:
        if key not in wanted:
            continue
        cb = os.path.join(cbdir, name)
        rules, leaves = codebook_rules(cb)
        n_rules = {"40": 40, "400": 400, "4000": 4000}.get(key)
        tsv, rgf = os.path.join(work, key + ".tsv"), os.path.join(work, key + ".rg")
        write_tsv(rules, tsv, rgf)
        print(f"\n{label} ({os.path.basename(cb)}; the peers get {len(rules)} regexes)")
        res = []
        r = timed([args.sectag, "code", "-q", "-c", cb, "-o", sectag_out, corpus], None, repeat, timeout,
                  prepare=clear)
        res.append(("sectag", r))
        s_counts = None if r.timed_out else read_sectag_counts(sectag_out, leaves)
        base = r
        if key == "40":
            base40 = r
        variants = []
        if has_counts_only and not args.check_only:
            variants.append(("sectag --counts-only", ["--counts-only"]))
        if has_jobs and not args.check_only:
            variants += [("sectag -j 1", ["-j", "1"]), ("sectag -j 2", ["-j", "2"])]
            if "--tables" in helptext.stdout + helptext.stderr:
                variants.append(("sectag -j 1 counts+TEI", ["-j", "1", "--tables", "codes"]))
            if has_counts_only:
                variants.append(("sectag -j 1 --counts-only", ["-j", "1", "--counts-only"]))
        for tool, extra in variants:
            rj = timed([args.sectag, "code", "-q"] + extra + ["-c", cb, "-o", sectag_out, corpus], None,
                       repeat, timeout, prepare=clear)
            res.append((tool, rj))
        clear()
        p_counts = None
        if not args.no_peers:
            out = os.path.join(work, key + ".python.csv")
            py = ["python3", os.path.join(args.peers, "peer_python_re.py"), tsv]
            r = timed(py, files, 1, None, out) if args.check_only else peer_timed(py, files, repeat, timeout, out)
            res.append(("python re", r))
            if not r.timed_out and not r.estimated:
                p_counts = read_peer_counts(out)
            if r_ok and not args.check_only:
                out = os.path.join(work, key + ".r.csv")
                r = peer_timed(["Rscript", os.path.join(args.peers, "peer_r_stringi.R"), tsv], files, repeat,
                               timeout, out)
                res.append(("R stringi", r))
            if rg and not args.check_only:
                for tool, extra in (("rg", []), ("rg -j 1", ["-j", "1"])):
                    if tool == "rg -j 1" and (res[-1][1].estimated or res[-1][1].timed_out):
                        print("  (rg -j 1 not run: rg itself was too slow)")
                        continue
                    out = os.path.join(work, key + ".rg.txt")
                    r = peer_timed([rg, "--no-config", "--no-ignore", "-U", "-i", "--count-matches",
                                    "--with-filename", "--regex-size-limit", "1G", "--dfa-size-limit", "1G"] + extra +
                                   ["-f", rgf], files, repeat, timeout, out, ok=(0, 1))
                    r.output = None if r.timed_out or r.estimated else read_rg_count(out)
                    res.append((tool, r))
        # counts
        for tool, r in res:
            if tool == "sectag" and s_counts is not None:
                r.output = sum(s_counts.values())
            elif tool == "python re" and p_counts is not None:
                r.output = sum(p_counts.values())
            elif tool == "R stringi" and not r.timed_out and not r.estimated:
                r.output = sum(read_peer_counts(os.path.join(work, key + ".r.csv")).values())
        if s_counts is not None and p_counts is not None:
            passed, lines = compare(s_counts, p_counts, "sectag", "python")
            checks.append((label, passed, lines))
            print(("PASS" if passed else "FAIL") + f": sectag and python re, {label}: " + lines[0])
            for l in lines[1:]:
                print(l)
        # table
        tables.append(f"\n### {label}\n")
        tables.append("| tool | seconds | MB/s | docs/s | peak RSS MB | matches | time vs sectag |")
        tables.append("|---|---:|---:|---:|---:|---:|---:|")
        print(f"  {'tool':<20} {'seconds':>8} {'MB/s':>8} {'docs/s':>8} {'peak MB':>8} {'matches':>11} "
              f"{'vs sectag':>10}")
        for tool, r in res:
            m = "-" if r.output is None else f"{r.output:,}"
            rss = f"{r.rss_mb:.1f}" if r.rss_mb else "-"
            print(f"  {tool:<20} {fmt_time(r):>8} {fmt_rate(mb, r):>8} {fmt_rate(len(files), r):>8} "
                  f"{rss:>8} {m:>11} {fmt_ratio(r, base):>10}")
            tables.append(f"| {tool} | {fmt_time(r)} | {fmt_rate(mb, r)} | {fmt_rate(len(files), r)} | "
                          f"{rss} | {m} | {fmt_ratio(r, base)} |")
            rows.append((label, tool, r, n_rules))
        sys.stdout.flush()

    print("\nreading the bytes (the floor)")
    tables.append("\n### Reading the bytes (the floor)\n")
    tables.append("| tool | seconds | MB/s | peak RSS MB | time vs sectag (40 rules) |")
    tables.append("|---|---:|---:|---:|---:|")
    for tool, r in floor:
        print(f"  {tool:<20} {fmt_time(r):>8} {fmt_rate(mb, r):>8} {r.rss_mb:8.1f} {fmt_ratio(r, base40):>10}")
        tables.append(f"| {tool} | {fmt_time(r)} | {fmt_rate(mb, r)} | {r.rss_mb:.1f} | {fmt_ratio(r, base40)} |")
        rows.append(("floor", tool, r, None))

    if args.check_only:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(os.path.dirname(sectag_out), ignore_errors=True)
        sys.exit(1 if any(not p for _, p, _ in checks) else 0)
    # only a full run writes latest.md/.svg (committed); any other run writes
    # partial.md/.svg (ignored), so that a --quick run cannot overwrite them
    full = not (args.quick or args.corpus or args.replicas or args.no_peers) and \
        wanted == [k for k, _, _ in CODEBOOKS]
    stem = "latest" if full else "partial"
    # latest.md and latest.svg
    md = [f"# Benchmark results ({started:%Y-%m-%d %H:%M} UTC)", "",
          "Written by `bench/run`; docs/performance.md explains the rows. Times are wall-clock "
          + (f"seconds, the best of {repeat} runs (a run over {NO_REPEAT_AFTER:.0f} s is not repeated). "
             if repeat > 1 else "seconds of one run. ") +
          f"`~` marks a peer that would take more than {timeout:.0f} s: it ran on every "
          f"{SAMPLE_EVERY}th file only, and its time is scaled to the whole corpus by bytes. "
          f"`>` marks a run killed after {timeout:.0f} s: a lower bound. The peak RSS of an estimate is "
          "that of the sample run; the matches of a peer are shown only when it read every file.", "",
          f"- corpus: {corpus_label}: {len(files):,} files, {mb:.1f} MB",
          f"- machine: {info}",
          f"- sectag writes to: {out_label}",
          f"- sectag: {version(['git', '-C', os.path.dirname(args.here), 'describe', '--always', '--dirty'])}"
          f" (build-release: buildtype=release, b_ndebug=true)",
          f"- python: {platform.python_version()}; R: {version(['Rscript', '--version']) if r_ok else 'missing'}; "
          f"ripgrep: {version([rg, '--version']) if rg else 'missing'}",
          f"- command: `{args.invocation.strip()}`"]
    if notes:
        md += [""] + [f"Note: {n}" for n in notes]
    md += ["", "## Correctness: sectag against python re (`overlap: all`)", ""]
    for label, passed, lines in checks:
        md.append(f"- {label}: **{'PASS' if passed else 'FAIL'}**: {lines[0]}")
        for l in lines[1:]:
            md.append(f"  - `{l.strip()}`")
    if not checks:
        md.append("- not run (the Python peer was left out or timed out)")
    # summary: one line per codebook, sectag's speed and every tool's time ratio
    tools = []
    for cb, tool, _, _ in rows:
        if cb != "floor" and tool != "sectag" and tool not in tools:
            tools.append(tool)
    summary = ["| codebook | sectag s | sectag MB/s | " + " | ".join(f"{t} / sectag" for t in tools) + " |",
               "|---|---:|---:|" + "---:|" * len(tools)]
    for key, name, label in CODEBOOKS:
        got = {tool: r for cb, tool, r, _ in rows if cb == label}
        if "sectag" not in got:
            continue
        base = got["sectag"]
        summary.append(f"| {label} | {fmt_time(base)} | {fmt_rate(mb, base)} | " +
                       " | ".join(fmt_ratio(got.get(t), base) for t in tools) + " |")
    md += ["", "## Summary", "", "Time of each tool divided by sectag's on the same codebook "
           "(above 1: slower than sectag).", ""] + summary
    md += ["", "## Times", ""] + tables + ["", "![MB/s and time against rules](STEM.svg)", ""]
    with open(os.path.join(args.results, stem + ".md.tmp"), "w", encoding="utf-8") as f:
        f.write("\n".join(md).replace("STEM.svg", stem + ".svg") + "\n")
    os.rename(os.path.join(args.results, stem + ".md.tmp"), os.path.join(args.results, stem + ".md"))
    title = f"sectag and its peers: {corpus_label}, {mb:.0f} MB, {len(files):,} files ({started:%Y-%m-%d})"
    svg_report(rows, mb, os.path.join(args.results, stem + ".svg"), title)
    with open(os.path.join(args.results, stem + ".json"), "w", encoding="utf-8") as f:
        json.dump({"mb": mb, "title": title, "rows": [[cb, tool, r and vars(r), n] for cb, tool, r, n in rows]},
                  f, indent=1)
    print(f"\nwrote {os.path.join(args.results, stem + '.md')} and {stem}.svg")
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(os.path.dirname(sectag_out), ignore_errors=True)
    if any(not p for _, p, _ in checks):
        sys.exit(1)


def sectag_out_dir(args, work):
    """The folder sectag writes to, and how the report names it. Each run
    deletes the previous run's output first; on an ext4 disk, creating a
    thousand files right after a thousand were deleted can cost a second of
    kernel time (the allocator passes over recently freed inodes), which
    would be charged to whichever sectag row comes next. A tmpfs has no such
    cost, so it is the default when /dev/shm is one with room to spare."""
    if args.out_dir:
        os.makedirs(args.out_dir, exist_ok=True)
        d = tempfile.mkdtemp(prefix="sectag-bench-", dir=args.out_dir)
        return os.path.join(d, "out"), f"{args.out_dir} (--out-dir)"
    shm = "/dev/shm"
    try:
        st = os.statvfs(shm)
        with open("/proc/mounts", encoding="utf-8") as f:
            tmpfs = any(l.split()[1] == shm and l.split()[2] == "tmpfs" for l in f if len(l.split()) > 2)
        if tmpfs and os.access(shm, os.W_OK) and st.f_bavail * st.f_frsize >= 8e9:
            d = tempfile.mkdtemp(prefix="sectag-bench-", dir=shm)
            return os.path.join(d, "out"), "/dev/shm (tmpfs)"
    except OSError:
        pass
    d = tempfile.mkdtemp(prefix="sectag-bench-", dir=work)
    return os.path.join(d, "out"), f"{args.cache} (disk)"


def replot(path, stem="latest"):
    """bench.py --replot RESULTS_DIR: draws latest.svg again from latest.json
    (not committed), after a change to the plot."""
    data = json.load(open(os.path.join(path, stem + ".json"), encoding="utf-8"))
    rows = []
    for cb, tool, r, n in data["rows"]:
        res = None
        if r:
            res = Result(r["seconds"], r["rss_mb"], r["timed_out"], r["runs"], r["output"], r["estimated"])
        rows.append((cb, tool, res, n))
    svg_report(rows, data["mb"], os.path.join(path, stem + ".svg"), data["title"])


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--replot":
        replot(sys.argv[2])
    else:
        main()
