#!/usr/bin/env python3
"""Times sectag and the peer scripts on one corpus and prints ratios.

Each tool runs as a child process; wall time comes from time.monotonic() and
peak memory from the child's rusage (ru_maxrss). The best of --repeat runs is
reported. The peers get the codebook as the TSV they expect
(code, polarity, pattern): each sectag pattern wrapped as \\b(?:P)\\b, with
every space turned into \\s+, which is what a careful researcher would write
to match the same words in raw text. Peers only count; sectag also writes
TEI, terms, matches and documents tables.
"""
import argparse, csv, os, shutil, subprocess, sys, tempfile, time

import yaml


def rules_tsv(codebook, path):
    cb = yaml.safe_load(open(codebook, encoding="utf-8"))
    pol, n = {}, 0
    with open(path, "w", encoding="utf-8") as out:
        for code, c in cb["codes"].items():
            p = c.get("polarity") or pol.get(code.rsplit(".", 1)[0], "neutral")
            pol[code] = p
            for r in c.get("patterns") or []:
                pat, partial = (r, False) if isinstance(r, str) else (r["pattern"], r.get("partial", False))
                pat = pat.replace(" ", r"\s+")
                if not partial:
                    pat = r"\b(?:" + pat + r")\b"
                out.write(f"{code}\t{p}\t{pat}\n")
                n += 1
    return n


def run(argv, stdout):
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    dt = time.monotonic() - t0
    err = p.stderr.read().decode("utf-8", "replace")
    p.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench: {argv[0]} failed:\n{err}")
    return dt, ru.ru_maxrss / 1024.0


def best(argv, repeat, outfile=None):
    times, rss = [], []
    for _ in range(repeat):
        with open(outfile or os.devnull, "wb") as out:
            dt, mb = run(argv, out)
        times.append(dt)
        rss.append(mb)
    return min(times), max(rss)


def replicate(src, dst, n):
    if os.path.isdir(dst):
        return
    tmp = dst + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    for i in range(n):
        for f in os.listdir(src):
            stem, ext = os.path.splitext(f)
            os.link(os.path.join(src, f), os.path.join(tmp, f"{stem}-{i:03d}{ext}"))
    os.rename(tmp, dst)


def peer_counts(path):
    counts = {}
    with open(path, encoding="utf-8") as f:
        for row in csv.reader(f):
            if len(row) == 3 and row[2].isdigit():
                counts[row[1]] = counts.get(row[1], 0) + int(row[2])
    return counts


def sectag_counts(outdir):
    # codes.csv rolls counts up to parents; count leaf matches from matches.csv
    counts = {}
    with open(os.path.join(outdir, "matches.csv"), encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            counts[row["code"]] = counts.get(row["code"], 0) + 1
    return counts


def bench_corpus(args, corpus, label):
    files = sorted(os.path.join(corpus, f) for f in os.listdir(corpus) if f.endswith(".txt"))
    size = sum(os.path.getsize(f) for f in files)
    mb = size / 1e6
    print(f"\n{label}: {len(files)} documents, {mb:.1f} MB")
    rows = []
    work = tempfile.mkdtemp(prefix="sectag-bench-")
    try:
        out = os.path.join(work, "sectag")
        t, rss = best([args.sectag, "code", "-q", "-c", args.codebook, "-o", out, corpus], args.repeat)
        rows.append(("sectag", t, rss, sectag_counts(out)))
        tsv = os.path.join(args.cache, "rules-en.tsv")
        py = os.path.join(args.peers, "peer_python_re.py")
        res = os.path.join(work, "python.csv")
        t, rss = best(["python3", py, tsv] + files, args.repeat, res)
        rows.append(("python re", t, rss, peer_counts(res)))
        r = os.path.join(args.peers, "peer_r_stringi.R")
        if shutil.which("Rscript") and subprocess.run(
                ["Rscript", "-e", "library(stringi)"], capture_output=True).returncode == 0:
            res = os.path.join(work, "r.csv")
            t, rss = best(["Rscript", r, tsv] + files, args.repeat, res)
            rows.append(("R stringi", t, rss, peer_counts(res)))
        else:
            print("  (R + stringi not installed: apt-get install r-base-core r-cran-stringi)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    base = rows[0][1]
    print(f"  {'tool':<10} {'seconds':>8} {'MB/s':>7} {'docs/s':>8} {'peak MB':>8} {'matches':>8} {'time vs sectag':>15}")
    for name, t, rss, counts in rows:
        total = sum(counts.values())
        print(f"  {name:<10} {t:8.2f} {mb / t:7.1f} {len(files) / t:8.0f} {rss:8.1f} {total:8d} {t / base:14.2f}x")
    if label == "SOTU":
        print("  matches per code where the tools disagree (sectag keeps the longest of"
              " overlapping matches and never matches inside a hyphenated word):")
        codes = sorted(set().union(*(r[3] for r in rows)))
        for code in codes:
            vals = [r[3].get(code, 0) for r in rows]
            if len(set(vals)) > 1:
                print(f"    {code:<22}" + "".join(f" {r[0]}={v}" for r, v in zip(rows, vals)))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sectag", required=True)
    ap.add_argument("--codebook", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--cache", required=True)
    ap.add_argument("--peers", required=True)
    ap.add_argument("--replicas", type=int, default=0, help="also time an N-fold copy of the corpus")
    ap.add_argument("--repeat", type=int, default=3, help="runs per tool; the best is reported")
    args = ap.parse_args()
    n = rules_tsv(args.codebook, os.path.join(args.cache, "rules-en.tsv"))
    print(f"codebook: {os.path.basename(args.codebook)} ({n} rules); best of {args.repeat} runs")
    bench_corpus(args, args.corpus, "SOTU")
    if args.replicas > 1:
        dst = os.path.join(args.cache, f"sotu-x{args.replicas}")
        replicate(args.corpus, dst, args.replicas)
        bench_corpus(args, dst, f"SOTU x{args.replicas}")


if __name__ == "__main__":
    main()
