#!/usr/bin/env python3
"""Checks a report of `sectag report` without a browser (TAP lines, numbered
from $TAP_START): it parses (Python's html.parser, every non-void element
closed in order), fetches nothing from a network, its KWIC tables have
min(limit, rows of matches.csv) rows per code, its balance table agrees with
`sectag compare --balance`, and each document shown holds the source's text
with exactly the matches of matches.csv highlighted.

usage: check_html.py REPORT.html OUTDIR --kwic-limit N --docs N
                     [--balance COMPARE.csv] [--label TEXT]"""
import argparse
import csv
import html.parser
import os
import re
import sys

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr"}
REMOTE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I)
FETCH_ATTRS = {"src", "href", "xlink:href", "action", "formaction", "poster", "data",
               "srcset", "background", "ping", "manifest"}

n = int(os.environ.get("TAP_START", "0"))
failed = 0


def tap(ok, name, detail=""):
    global n, failed
    n += 1
    print(("ok %d - %s" if ok else "not ok %d - %s") % (n, name))
    if not ok:
        failed += 1
        for line in str(detail).splitlines()[:20]:
            print("#   " + line)


class Page(html.parser.HTMLParser):
    """A small DOM: what the checks need, and nesting errors."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # [tag, attrs, text parts]
        self.errors = []
        self.remote = []
        self.tags = {}
        self.kwic = {}  # code -> {"rows": n, "matches": attr}
        self.balance = []  # rows of table.balance tbody
        self.docs = []  # {"id":, "text": [], "marks": [(text, title, class)]}
        self.styles = []
        self._row = None
        self._table = None
        self._tbody = False
        self._doctext = None
        self._mark = None
        self._in_style = False

    def _cls(self, attrs):
        return (dict(attrs).get("class") or "").split()

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        a = dict(attrs)
        for k, v in attrs:
            if k in FETCH_ATTRS and v and REMOTE.match(v):
                self.remote.append("%s %s=%s" % (tag, k, v))
            if k == "style" and v and re.search(r"url\(|@import", v):
                self.remote.append("%s style=%s" % (tag, v))
        if tag == "table" and "kwic" in self._cls(attrs):
            self._table = a.get("data-code")
            self.kwic[self._table] = {"rows": 0, "matches": a.get("data-matches"),
                                      "id": a.get("id")}
        elif tag == "table" and "balance" in self._cls(attrs):
            self._table = "#balance"
        if tag == "tbody":
            self._tbody = True
        if tag == "tr" and self._tbody and self._table:
            if self._table == "#balance":
                self._row = []
                self.balance.append(self._row)
            else:
                self.kwic[self._table]["rows"] += 1
        if tag == "td" and self._row is not None:
            self._row.append("")
        if tag == "article" and "document" in self._cls(attrs):
            self.docs.append({"id": a.get("id", "")[4:], "text": [], "marks": []})
        if tag == "div" and "doctext" in self._cls(attrs):
            self._doctext = len(self.stack) + 1
        if tag == "mark" and self._doctext:
            self._mark = [[], a.get("title", ""), a.get("class", ""),
                          sum(map(len, self.docs[-1]["text"]))]
        if tag == "style":
            self._in_style = True
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        # <rect .../> in SVG, <meta .../>: an element without content
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("</%s> closes <%s> at line %d" % (
                tag, self.stack[-1] if self.stack else "nothing", self.getpos()[0]))
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()
        if tag == "table":
            self._table = None
        if tag == "tbody":
            self._tbody = False
        if tag == "tr":
            self._row = None
        if tag == "mark" and self._mark is not None:
            t = "".join(self._mark[0])
            self.docs[-1]["marks"].append((t, self._mark[1], self._mark[2], self._mark[3],
                                           self._mark[3] + len(t)))
            self._mark = None
        if tag == "div" and self._doctext and len(self.stack) + 1 == self._doctext:
            self._doctext = None
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._row is not None and self._row:
            self._row[-1] += data
        if self._doctext:
            self.docs[-1]["text"].append(data)
        if self._mark is not None:
            self._mark[0].append(data)
        if self._in_style:
            self.styles.append(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("report")
    ap.add_argument("outdir")
    ap.add_argument("--kwic-limit", type=int, default=20)
    ap.add_argument("--docs", type=int, default=5)
    ap.add_argument("--balance")
    ap.add_argument("--label", default="report")
    o = ap.parse_args()
    L = o.label
    raw = open(o.report, "rb").read()
    try:
        text = raw.decode("utf-8")
        tap(True, "%s: UTF-8" % L)
    except UnicodeDecodeError as e:
        tap(False, "%s: UTF-8" % L, e)
        text = raw.decode("utf-8", "replace")
    tap(text.startswith("<!DOCTYPE html>\n"), "%s: starts with <!DOCTYPE html>" % L)
    p = Page()
    try:
        p.feed(text)
        p.close()
        tap(True, "%s: html.parser reads it" % L)
    except Exception as e:  # noqa: BLE001
        tap(False, "%s: html.parser reads it" % L, e)
    tap(not p.errors and not p.stack, "%s: every element closed in order" % L,
        "\n".join(p.errors + ["unclosed: %s" % p.stack] if p.stack else p.errors))
    style = "".join(p.styles)
    remote = p.remote + (["@import or url( in <style>"] if re.search(r"@import|url\(", style) else [])
    tap(not remote, "%s: nothing fetched from a network (src, href, CSS)" % L, "\n".join(remote))
    tap(not p.tags.get("script") and not p.tags.get("link") and not p.tags.get("iframe")
        and not p.tags.get("img"), "%s: self-contained: no script, link, iframe or img" % L,
        p.tags)
    tap(re.search(r"https?://(?!www\.w3\.org/2000/svg\b)", text) is None,
        "%s: no http(s) URL in the page but the SVG namespace" % L,
        "\n".join(re.findall(r"https?://\S{0,60}", text)[:5]))
    tap(p.tags.get("svg", 0) >= 1, "%s: has charts (%d svg)" % (L, p.tags.get("svg", 0)))

    # KWIC tables against matches.csv
    counts, rows_by_doc = {}, {}
    with open(os.path.join(o.outdir, "matches.csv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            counts[row["code"]] = counts.get(row["code"], 0) + 1
            rows_by_doc.setdefault(row["doc_id"], []).append(row)
    bad = []
    for code, k in sorted(counts.items()):
        want = k if o.kwic_limit == 0 else min(o.kwic_limit, k)
        got = p.kwic.get(code)
        if not got:
            bad.append("%s: no KWIC table" % code)
        elif got["rows"] != want or got["matches"] != str(k) or got["id"] != "kwic-" + code:
            bad.append("%s: %s rows, data-matches %s, id %s; want %d rows of %d" % (
                code, got["rows"], got["matches"], got["id"], want, k))
    for code in p.kwic:
        if code not in counts:
            bad.append("%s: a table but no rows in matches.csv" % code)
    tap(not bad and counts, "%s: KWIC tables have min(%d, matches) rows for each of %d codes"
        % (L, o.kwic_limit, len(counts)), "\n".join(bad))

    # the balance table against sectag compare --balance
    if o.balance:
        with open(o.balance, newline="", encoding="utf-8") as f:
            cmp = list(csv.DictReader(f))
        want = [[r["group"], r["tokens"], r["securitizing"], r["desecuritizing"]] for r in cmp]
        got = [[r[0], r[2].replace(",", ""), r[3], r[5]] for r in p.balance]
        tap(got == want, "%s: balance table agrees with sectag compare --balance" % L,
            "got  %s\nwant %s" % (got, want))

    # documents: the source's text, the matches of matches.csv highlighted
    with open(os.path.join(o.outdir, "documents.csv"), newline="", encoding="utf-8") as f:
        docs = list(csv.DictReader(f))
    want_n = len(docs) if o.docs == 0 else min(o.docs, len(docs))
    tap(len(p.docs) == want_n, "%s: %d documents shown" % (L, want_n), len(p.docs))
    for d, row in zip(p.docs, docs):
        tap(d["id"] == row["doc_id"], "%s: document %s in documents.csv order" % (L, row["doc_id"]),
            d["id"])
        shown = "".join(d["text"])
        if row["format"] in ("txt", "md") and os.path.exists(row["path"]):
            src = open(row["path"], "rb").read().decode("utf-8")
            src = src.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
            # what HTML cannot hold is shown as U+FFFD
            src = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "\ufffd", src)
            tap(shown == src, "%s: %s: the text shown is the source's" % (L, row["doc_id"]),
                "%d vs %d characters" % (len(shown), len(src)))
        m = rows_by_doc.get(row["doc_id"], [])
        # Each match is a run of adjacent marks that name its code and rule
        # (one mark, unless overlapping matches cut it into pieces) whose
        # text is the match's text.
        marks = d["marks"]
        bad = []
        for r in m:
            want = r["text"].replace("\r\n", "\n")
            key = lambda g: g[1].startswith(r["code"] + " ") or ("; " + r["code"] + " ") in g[1]
            rule = "rule " + r["rule"]
            found = False
            for i, g in enumerate(marks):
                if not (key(g) and rule in g[1]) or (i and marks[i - 1][4] == g[3] and
                                                     key(marks[i - 1]) and rule in marks[i - 1][1]):
                    continue  # not the start of a run
                text, j = g[0], i
                while j + 1 < len(marks) and marks[j + 1][3] == marks[j][4] and \
                        key(marks[j + 1]) and rule in marks[j + 1][1]:
                    j += 1
                    text += marks[j][0]
                if text == want:
                    found = True
                    break
            if not found:
                bad.append("%s %s %r not highlighted" % (r["code"], r["rule"], want))
        single = all(g[2] in ("sec", "desec", "neu") for g in marks)
        if single and len(marks) != len(m):
            bad.append("%d marks for %d matches" % (len(marks), len(m)))
        tap(not bad, "%s: %s: %d matches highlighted, with code and rule in the title"
            % (L, row["doc_id"], len(m)), "\n".join(bad))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
