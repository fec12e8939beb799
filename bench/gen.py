#!/usr/bin/env python3
"""Generates the benchmark's corpus and codebooks from the State of the Union
addresses, reproducibly (every random choice comes from random.Random(42)).

    gen.py corpus SOTU_DIR OUT_DIR SIZE_MB
    gen.py codebooks SOTU_DIR CODEBOOK_40 OUT_DIR

corpus: splits every address into sentences, groups them into paragraphs of
3 to 8 sentences, and writes documents of shuffled paragraphs (drawn with
replacement from the whole corpus) until OUT_DIR holds SIZE_MB megabytes in
about 1,100 files (doc-0001.txt, ...), so that the corpus is large but still
reads like the addresses.

codebooks: writes into OUT_DIR
  rules-40.yaml    a copy of CODEBOOK_40 (bench/codebook-40.yaml)
  rules-400.yaml   those 40 rules and 360 generated ones
  rules-4000.yaml  those 40 rules and 3,960 generated ones (the first 360 are
                   the ones of rules-400.yaml)
  words-10k.yaml   `words:` only: the 9,960 most frequent word forms of the
                   addresses in 56 codes, and 40 frequent two-word phrases in
                   4 codes (10,000 entries)
Generated rules are built from the addresses' own vocabulary, in five kinds:
word families (govern(?:ment|ments|or)?), alternations of three words,
two-word phrases (w1 w2, w1\\s+w2), "X of (the) Y" phrases and stems with a
character class (agricultur\\w*, organi[sz]ation). Each rule's code lists,
as `examples:`, the text the rule was built from, so `sectag check` verifies
that every generated rule matches real text.
"""
import collections, os, random, re, shutil, sys, unicodedata

SEED = 42
# A token as sectag's tokenizer sees it: letters and digits, joined by
# apostrophes and hyphens. Only tokens of ASCII letters become rules.
TOKEN = re.compile(r"[^\W_]+(?:['\u2019\u02bc\u2010\u2011-][^\W_]+)*")
ASCII_WORD = re.compile(r"[a-z]+(?:['-][a-z]+)*\Z")
# Abbreviations sectag's tokenizer keeps with their period ("St.", "Gen.",
# and its Spanish ones, such as "art." and "cap."), so that a rule for "st"
# or "art" never matches them before a period; they are left out, and so
# are single letters (initials: "J. Smith"). The list is src/tokenize.c's.
ABBREV = set("""sr sra srta sres sras dr dra lic licda gral ing arq mtro mtra prof profa ud
uds vd lcdo lcda dip sen gob cmdte cap pag num art av depto admon edo cia ss cd mr mrs ms
jr st gen gov rep rev hon lt sgt capt col adm cmdr vs dept mt ft""".split())
SALUTATION = re.compile(r"^([A-Z][A-Z.,' ]+):", re.M)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")
STOP = set("""a about above after again against all also am an and any are as at be
because been before being below between both but by can could did do does doing
down during each few for from further had has have having he her here hers him
his how i if in into is it its itself just may me might more most much must my
no nor not now of off on once only or other our ours out over own same shall she
should so some such than that the their theirs them then there these they this
those through to too under until up upon very was we were what when where which
while who whom why will with would yet you your""".split())


def texts(src):
    for name in sorted(os.listdir(src)):
        if name.endswith(".txt"):
            with open(os.path.join(src, name), encoding="utf-8", errors="replace") as f:
                yield f.read()


def paragraphs(src, rng):
    out = []
    for text in texts(src):
        # an address that opens with "GENTLEMEN OF THE CONGRESS:" would, at
        # the start of a paragraph, read as a speaker label to sectag (which
        # hides labels from the rules); in sentence case it is prose
        text = SALUTATION.sub(lambda m: m.group(1).capitalize() + ":", text)
        sents = [s.strip() for s in SENTENCE_END.split(text) if s.strip()]
        i = 0
        while i < len(sents):
            n = rng.randint(3, 8)
            out.append(" ".join(sents[i:i + n]))
            i += n
    return out


def make_corpus(src, dst, size_mb):
    """Documents of shuffled paragraphs, SIZE_MB megabytes in about 1,100 files."""
    rng = random.Random(SEED)
    paras = paragraphs(src, rng)
    target = int(size_mb * 1e6)
    # documents end after the paragraph that reaches their size, half a
    # paragraph late on average
    half = sum(len(p) for p in paras) / len(paras) / 2
    mean = max(target / 1100 - half, half)
    tmp = dst + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    total, n = 0, 0
    while total < target:
        n += 1
        want = rng.uniform(0.25, 1.75) * mean
        parts, size = [], 0
        while size < want:
            p = paras[rng.randrange(len(paras))]
            parts.append(p)
            size += len(p.encode("utf-8")) + 2
        data = ("\n\n".join(parts) + "\n").encode("utf-8")
        with open(os.path.join(tmp, f"doc-{n:04d}.txt"), "wb") as f:
            f.write(data)
        total += len(data)
    shutil.rmtree(dst, ignore_errors=True)
    os.rename(tmp, dst)
    return n, total


def tokens(text):
    """(word or None, whether only white space separates it from the next)."""
    text = unicodedata.normalize("NFC", text).lower()
    text = text.replace("\u2019", "'").replace("\u02bc", "'").replace("\u2010", "-").replace("\u2011", "-")
    out, last = [], None
    for m in TOKEN.finditer(text):
        w = m.group(0)
        ok = ASCII_WORD.match(w) and len(w) > 1 and w not in ABBREV
        if last is not None:
            out[-1] = (out[-1][0], text[last:m.start()].isspace())
        out.append((w if ok else None, False))
        last = m.end()
    return out


def vocabulary(src):
    words, bigrams, ofs = collections.Counter(), collections.Counter(), collections.Counter()
    for text in texts(src):
        toks = tokens(text)
        words.update(t for t, _ in toks if t)
        for (a, sa), (b, _) in zip(toks, toks[1:]):
            if sa and a and b and a not in STOP and b not in STOP and "'" not in a + b:
                bigrams[a, b] += 1
        for (a, sa), (b, sb), (c, _) in zip(toks, toks[1:], toks[2:]):
            if sa and sb and b == "of" and a and c and a not in STOP and c not in STOP and "'" not in a + c:
                ofs[a, c] += 1
    return words, bigrams, ofs


def ranked(counter, minimum):
    return [k for k, v in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])) if v >= minimum]


def generated_rules(src, n):
    """n (pattern, example) pairs built from the addresses' vocabulary."""
    rng = random.Random(SEED)
    words, bigrams, ofs = vocabulary(src)
    content = [w for w in ranked(words, 3) if len(w) >= 4 and w not in STOP and "-" not in w and "'" not in w]

    families = collections.defaultdict(list)
    for w in content:
        if len(w) >= 7:
            families[w[:6]].append(w)
    fam_rules = []
    for stem, forms in families.items():
        if len(forms) < 2:
            continue
        forms = forms[:6]
        suffixes = sorted({f[len(stem):] for f in forms}, key=lambda s: (-len(s), s))
        body = "|".join(s for s in suffixes if s)
        fam_rules.append((stem + "(?:" + body + ")" + ("?" if "" in suffixes else ""), forms[0]))

    phrase_rules = []
    for i, (a, b) in enumerate(ranked(bigrams, 5)):
        sep = " " if i % 2 == 0 else r"\s+"
        phrase_rules.append((a + sep + b, a + " " + b))

    of_rules = [(a + r" of (?:the\s+)?" + c, a + " of " + c) for a, c in ranked(ofs, 3)]

    class_rules = []
    for w in content:
        if len(w) >= 9 and rng.random() < 0.5:
            class_rules.append((w[:-3] + r"\w*", w))
        elif re.search(r"i[sz](e|ed|es|ing|ation|ations)$", w):
            class_rules.append((re.sub(r"i[sz](?=(e|ed|es|ing|ation|ations)$)", "i[sz]", w), w))

    alt_rules = []
    pool = content[200:6000]
    for _ in range(n):
        trio = rng.sample(pool, 3)
        alt_rules.append(("|".join(trio), trio[0]))

    kinds = [fam_rules, phrase_rules, alt_rules, of_rules, class_rules, phrase_rules, fam_rules, alt_rules]
    for k in kinds:
        if k is not alt_rules:
            rng.shuffle(k)
    seen, out, pos = set(), [], [0] * len(kinds)
    while len(out) < n:
        progressed = False
        for i, k in enumerate(kinds):
            while pos[i] < len(k) and k[pos[i]][0] in seen:
                pos[i] += 1
            if pos[i] < len(k) and len(out) < n:
                out.append(k[pos[i]])
                seen.add(k[pos[i]][0])
                pos[i] += 1
                progressed = True
        if not progressed:
            sys.exit(f"gen.py: only {len(out)} distinct rules could be generated, {n} wanted")
    return out


def q(s):
    return "'" + s.replace("'", "''") + "'"


def with_generated(base_text, rules, name, per_code=10):
    lines = base_text.rstrip("\n").split("\n")
    lines = [re.sub(r"^name: .*", "name: " + name, l) for l in lines]
    lines += ["  gen:", "    label: Generated rules", "    polarity: neutral"]
    for i in range(0, len(rules), per_code):
        chunk = rules[i:i + per_code]
        lines += [f"  gen.g{i // per_code + 1:04d}:",
                  f"    label: Generated group {i // per_code + 1}",
                  "    examples: [" + ", ".join(q(e) for _, e in chunk) + "]",
                  "    patterns:"]
        lines += [f"      - {q(p)}" for p, _ in chunk]
    return "\n".join(lines) + "\n"


def words_codebook(src, n_words=9960, n_phrases=40, word_codes=56, phrase_codes=4):
    rng = random.Random(SEED)
    words, bigrams, _ = vocabulary(src)
    top = ranked(words, 1)[:n_words]
    phrases = [a + " " + b for a, b in ranked(bigrams, 5) if "-" not in a + b][:n_phrases]
    rng.shuffle(top)
    lines = ["# Generated by bench/gen.py: the 9,960 most frequent word forms of the",
             "# State of the Union addresses and 40 frequent two-word phrases.",
             "sectag: 1", "name: bench-words-10k", "language: en", "overlap: all", "codes:",
             "  lex:", "    label: Word lists", "    polarity: neutral"]
    per = -(-len(top) // word_codes)
    for c in range(word_codes):
        chunk = top[c * per:(c + 1) * per]
        lines += [f"  lex.w{c + 1:02d}:", f"    label: Word list {c + 1}",
                  "    examples: [" + q(chunk[0]) + "]", "    words:"]
        lines += [f"      - {q(w)}" for w in chunk]
    per = -(-len(phrases) // phrase_codes)
    for c in range(phrase_codes):
        chunk = phrases[c * per:(c + 1) * per]
        lines += [f"  lex.p{c + 1}:", f"    label: Phrases {c + 1}",
                  "    examples: [" + q(chunk[0]) + "]", "    words:"]
        lines += [f"      - {q(p)}" for p in chunk]
    return "\n".join(lines) + "\n", len(top) + len(phrases)


def make_codebooks(src, base, out):
    os.makedirs(out, exist_ok=True)
    base_text = open(base, encoding="utf-8").read()
    rules = generated_rules(src, 3960)
    files = {"rules-40.yaml": base_text,
             "rules-400.yaml": with_generated(base_text, rules[:360], "bench-400"),
             "rules-4000.yaml": with_generated(base_text, rules, "bench-4000")}
    files["words-10k.yaml"], n = words_codebook(src)
    assert n == 10000, n
    for name, text in files.items():
        tmp = os.path.join(out, name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.rename(tmp, os.path.join(out, name))
    return sorted(files)


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "corpus":
        n, total = make_corpus(sys.argv[2], sys.argv[3], float(sys.argv[4]))
        print(f"gen.py: {n} files, {total / 1e6:.1f} MB in {sys.argv[3]}")
    elif len(sys.argv) == 5 and sys.argv[1] == "codebooks":
        names = make_codebooks(sys.argv[2], sys.argv[3], sys.argv[4])
        print(f"gen.py: {', '.join(names)} in {sys.argv[4]}")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
