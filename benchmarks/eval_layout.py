"""Article-level precision/recall of `transforms.layout.split_page` on pages built from real news, and on the
annotated seed pages.

Generated pages: N articles (2-6) from the corpus (gzip JSON lines: id, date, title, text with paragraphs joined by
"\\n"), each laid out as headline, blank line, paragraphs separated by blank lines, with the seeds' layout damage
applied by a seeded RNG: paragraphs cut by a column wrap (the two pieces separated by a blank line), stray spaces
between CJK characters, bylines on their own line at the end, under the headline, or glued to the last sentence.
An article counts as recovered when its headline is a predicted headline and the predicted article holds exactly
its text (dateline label + body, compared after `clean.conservation_key`).

    python benchmarks/eval_layout.py [--corpus PATH] [--pages 500] [--seed 7]
    python benchmarks/eval_layout.py --rmrb [PATH] [--rmrb-out DIR] [--errors N [--errors-part measure]]
        # People's Daily pages (issue 14)
"""
from __future__ import annotations

import argparse
import csv
import datetime as _dt
import gzip
import hashlib
import json
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from transforms import clean, layout, lexicons  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "xwlb_articles.jsonl.gz"
SEED_ANNOTATION = ROOT / "tests" / "fixtures" / "layout" / "seeds_expected.json"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建文斌宇浩凯健俊帆帅旭宁琳晨欣怡佳"
_FINAL = "。！？…”"


_JUNK = re.compile(r"^[（(]?更新时间|^-{3,}")


def load_corpus(path: Path, *, with_digests: bool = False) -> list[dict]:
    """Corpus articles as {"title", "paras"}. Digests ("国内联播快讯", 13% of the corpus) are left out unless
    asked for: each of their items is a brief with its own headline, which the corpus records as one article, so
    they have no single right answer; timestamp lines ("（更新时间戳：…）") are dropped as crawl residue."""
    rows = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            title, text = (r.get("title") or "").strip(), (r.get("text") or "").strip()
            # data hygiene: a few records are not articles ("---(更新时间…)", "undefined")
            if not title or not text or text.startswith(("---", "undefined")) or not clean.has_cjk(text):
                continue
            if "快讯" in title and not with_digests:
                continue
            paras = [p.strip() for p in text.split("\n") if p.strip() and not _JUNK.match(p.strip())]
            if not paras:
                continue
            rows.append({"title": title, "paras": paras})
    return rows


def _name(rng: random.Random, surnames: list[str]) -> str:
    return rng.choice(surnames) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _byline(rng: random.Random, surnames: list[str]) -> tuple[str, list[str], list[str]]:
    reps = [_name(rng, surnames) for _ in range(rng.choice((1, 1, 2)))]
    cors = [_name(rng, surnames) for _ in range(rng.choice((0, 0, 1, 2)))]
    text = "记者 " + " ".join(reps) + ((" 通讯员 " + " ".join(cors)) if cors else "")
    if rng.random() < 0.2:
        text += " 文/图"
    return text, reps, cors


def _stray_spaces(rng: random.Random, p: str) -> str:
    spots = [i for i in range(1, len(p)) if clean.is_cjk(p[i - 1]) and clean.is_cjk(p[i])]
    for i in sorted(rng.sample(spots, min(len(spots), rng.randint(1, 3))), reverse=True):
        p = p[:i] + " " + p[i:]
    return p


def _wrap(rng: random.Random, p: str) -> list[str]:
    cuts = [i for i in range(12, len(p) - 4) if p[i - 1] not in _FINAL and p[i - 1] not in "：:"]
    if not cuts:
        return [p]
    i = rng.choice(cuts)
    return [p[:i], p[i:]]


def build_page(rng: random.Random, arts: list[dict], surnames: list[str]) -> tuple[str, list[dict]]:
    lines: list[str] = []
    gold = []
    for art in arts:
        paras = list(art["paras"])
        reps: list[str] = []
        cors: list[str] = []
        top = None
        r = rng.random()
        if r < 0.5:
            by, reps, cors = _byline(rng, surnames)
            style = rng.choice(("own_line", "glued", "top"))
            if style == "top":
                top = "本报" + by
            elif style == "glued" and paras[-1][-1:] in _FINAL:
                paras[-1] = paras[-1] + by
            else:
                paras.append(by)
        out_paras = []
        for k, p in enumerate(paras):
            # damage body paragraphs only, as on the seeds (not headings inside an article, not the byline)
            if p[-1:] in _FINAL and len(p) >= 30 and k < len(art["paras"]):
                if rng.random() < 0.1:
                    p = _stray_spaces(rng, p)
                if rng.random() < 0.15:
                    out_paras.extend(_wrap(rng, p))
                    continue
            out_paras.append(p)
        lines.append(art["title"])
        lines.append("")
        if top:
            lines += [top, ""]
        for p in out_paras:
            lines += [p, ""]
        gold.append({"headline": clean.clean_heading(clean.normalize_line(art["title"])),
                     "text": clean.conservation_key("".join(art["paras"])),
                     "reporters": reps, "correspondents": cors})
    return "\n".join(lines), gold


def score_generated(corpus: list[dict], pages: int, seed: int) -> dict:
    rng = random.Random(seed)
    surnames = [w for line in lexicons.lines("surnames.txt") for w in line.split() if len(w) == 1]
    n_gold = n_pred = n_ok = n_head = n_bylines_ok = n_conserved = 0
    t0 = time.perf_counter()
    chars = 0
    for _ in range(pages):
        arts = rng.sample(corpus, rng.randint(2, 6))
        text, gold = build_page(rng, arts, surnames)
        chars += len(text)
        page = layout.split_page(text)
        n_conserved += layout.conservation_gap(text, page) == ""
        pred = {}
        for a in page.articles:
            pred.setdefault(a.headline, []).append(a)
        n_gold += len(gold)
        n_pred += len(page.articles)
        for g in gold:
            cands = pred.get(g["headline"], [])
            if cands:
                n_head += 1
            for a in cands:
                if clean.conservation_key(layout.dateline_label(a) + a.body) == g["text"]:
                    n_ok += 1
                    n_bylines_ok += (a.reporters == g["reporters"] and a.correspondents == g["correspondents"])
                    break
    secs = time.perf_counter() - t0
    return {
        "pages": pages, "gold_articles": n_gold, "predicted_articles": n_pred,
        "precision": n_ok / max(1, n_pred), "recall": n_ok / max(1, n_gold),
        "headline_recall": n_head / max(1, n_gold), "byline_exact_on_recovered": n_bylines_ok / max(1, n_ok),
        "pages_conserved": n_conserved / pages, "seconds": round(secs, 2), "MB_per_s": round(chars * 3 / 1e6 / secs, 2),
    }


FIELDS = ("section", "overline", "headline", "subheadline", "reporters", "correspondents",
          "dateline_month", "dateline_day", "fragment")


def score_seeds(annotation: Path = SEED_ANNOTATION) -> dict:
    data = json.loads(annotation.read_text(encoding="utf-8"))
    n_gold = n_pred = n_ok = 0
    field_ok = {f: 0 for f in FIELDS}
    for name, gold_arts in data["pages"].items():
        raw = (ROOT / "seeds" / name).read_text(encoding="utf-8")
        page = layout.split_page(raw)
        n_gold += len(gold_arts)
        n_pred += len(page.articles)
        by_head = {a.headline: a for a in page.articles}
        for g in gold_arts:
            a = by_head.get(g["headline"])
            if a is None:
                continue
            n_ok += 1
            for f in FIELDS:
                got = ("fragment" in a.flags) if f == "fragment" else getattr(a, f)
                field_ok[f] += got == g.get(f)
    return {"pages": len(data["pages"]), "gold_articles": n_gold, "predicted_articles": n_pred,
            "precision": n_ok / max(1, n_pred), "recall": n_ok / max(1, n_gold),
            "field_accuracy": {f: round(v / max(1, n_ok), 3) for f, v in field_ok.items()}}


# ------------------------------------------------------------------------------------- People's Daily (--rmrb)
# Pages built from ../shared/eval/layout/rmrb_dev.jsonl (issue 14): the articles of one issue page (same date and
# page) in one file, each laid out [overline] / headline / [subheadline] / blank line / paragraphs separated by
# blank lines, plus page furniture as that paper prints it (editor and designer credits, mailbox, photo credits)
# with invented names, and a manifest.csv of issue dates (one file in 7 left out, to check that no year is made up).
# Records whose title is furniture ("本版责编：…", "导读") are laid out as furniture, never counted as articles.
#
# Gold per article: headline = title, overline = meta.introtitle, subheadline = meta.subtitle; byline people =
# the names of meta.author_field ("本报记者  方小远  金  岩": 方小远, 金岩; labels dropped, padded names joined),
# of the dateline's parenthesis ("…电  （记者江小帆、白小雪）") and of a closing credit ("（本报记者X、Y整理）",
# "（…，本报记者Z采访整理）", "（W参与采写）", "（A、B、C、D参与采写）" however long the list, "（某某时报记者U、V）" as
# "（本报记者U、V）"); dateline month/day from "<…>M月D日电" opening the lead or a closing
# "（本报<place>M月D日电）", dateline_date from it and the manifest's issue date (a later month/day than the issue's
# is the previous year). An article is recovered when a predicted article has its headline and exactly its text
# (overline, headline, subheadline, dateline, byline, body: the same characters under `clean.conservation_key`,
# in any order, as a closing credit may be kept in the byline), where lines
# that are page furniture by this script's definition (`_RMRB_FURNITURE`) are left out on both sides: a photo credit
# in an article's text may go to the byline, the body or the residue.
#
# The file is split by issue date (sha1 of the date, even: "dev", odd: "measure"): develop on dev, only measure the
# other part; both are reported. `error_classes` counts the errors of each part by class (why an article was missed,
# what an extra article is made of, where a missing or extra name was), with no text of the cases, so that the
# measure part can say which class matters without its cases being read; `--errors N` prints dev cases
# (`--errors-part measure`: the measure part's; the issue gives the whole file as development data, and the bar is
# over pages built from all of it: the "rmrb all" line).
DEFAULT_RMRB = ROOT.parent / "shared" / "eval" / "layout" / "rmrb_dev.jsonl"
_RMRB_FURNITURE = re.compile(
    r"^(?:本版责编|责编|责任编辑|版式设计|本版制图|制图|本版邮箱|图片编辑|美编)\s*[：:]?\s*\S"
    r"|^[^。，；！？]{1,30}?摄(?:影报道)?(?:（[^（）]{2,8}）)?$")
_RMRB_FURNITURE_TITLE = re.compile(r"^(?:本版责编|导读$)")
_LABEL_TOKEN = re.compile(r"^(.*?(?:记者|通讯员|撰稿人|主讲人))[：:]?(.*)$")
_GOLD_DATELINE = re.compile(r"^(?:据)?[\u4e00-\u9fff·]{2,20}?(?:(\d{1,2})月(\d{1,2})日)?电")
_GOLD_TRAILING_DATELINE = re.compile(r"^（[^（）]*?(\d{1,2})月(\d{1,2})日电[^（）]*）$")
_CREDIT_VERB = re.compile(r"(?:采访整理|参与采写|采写|整理|报道)$")
_GOLD_AUTHOR_LINE = re.compile(r"^[\u4e00-\u9fff《》]{0,8}记者\s")
_GOLD_NAME_LIST = re.compile(r"[\u4e00-\u9fff]{2,4}(?:、[\u4e00-\u9fff]{2,4})+")  # "（A、B、C、D参与采写）"
_GOLD_MEDIA_REPORTER = re.compile(r"^[\u4e00-\u9fff]{1,8}?[报社网台刊]记者[\u4e00-\u9fff]")  # "（某某时报记者A、B）"
_GOLD_SIGNATURE = re.compile(r"^[\u4e00-\u9fff]{2,12}[省市县区]\s+[\u4e00-\u9fff ]{2,6}$")


def _compound(lines: list[str]) -> bool:
    """A record that is several pieces under one headline in the paper's markup (a digest of dated briefs, stories
    each with its own author line, letters each signed, pieces each with its own closing credit): it has no single
    right split, so it is reported apart as well (see `score_rmrb`)."""
    norm = [clean.normalize_line(ln) for ln in lines]
    datelines = sum(1 for ln in norm if _GOLD_DATELINE.match(ln) and "电" in ln[:30] and
                    (re.match(r"^[^，。]{0,30}?\d{1,2}月\d{1,2}日电", ln) or "（" in ln[:30]))
    authors = sum(1 for ln in norm[1:]
                  if _GOLD_AUTHOR_LINE.match(ln) and len(ln) <= 30 and not _RMRB_FURNITURE.match(ln))
    credits = sum(1 for ln in norm if ln.startswith("（") and ln.endswith("）") and _CREDIT_VERB.search(ln[1:-1]))
    signatures = sum(1 for ln in norm if _GOLD_SIGNATURE.match(ln))
    return datelines >= 2 or authors >= 1 or credits >= 2 or signatures >= 2


def rmrb_part(date: str) -> str:
    return "dev" if int(hashlib.sha1(date.encode()).hexdigest(), 16) % 2 == 0 else "measure"


def load_rmrb(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _join_padded(tokens: list[str]) -> list[str]:
    """["金", "岩", "方小远"] -> ["金岩", "方小远"]: a one-character token is half of a name padded to three."""
    out, k = [], 0
    while k < len(tokens):
        if len(tokens[k]) == 1 and k + 1 < len(tokens) and len(tokens[k + 1]) == 1:
            out.append(tokens[k] + tokens[k + 1])
            k += 2
        else:
            out.append(tokens[k])
            k += 1
    return out


def _person(name: str) -> bool:
    return bool(re.fullmatch(r"[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]+·[\u4e00-\u9fff·]+", name))


def gold_names(segment: str) -> list[str]:
    """Names of a byline segment as printed: labels ("本报记者", "人民网记者", "本期主讲人：<title>") dropped,
    names separated by spaces or 、, padded names joined."""
    names: list[str] = []
    for part in re.split(r"[、，,]", segment):
        tokens = part.split()
        kept: list[str] = []
        for tok in tokens:
            m = _LABEL_TOKEN.match(tok)
            if m:
                if "主讲人" in m.group(1):       # "本期主讲人：<title>  <name>": only the last token is a name
                    kept = []
                    continue
                kept.append("|")
                tok = m.group(2)
            if tok:
                kept.append(tok)
        if "主讲人" in part:
            kept = kept[-1:]
        run: list[str] = []
        for tok in kept + ["|"]:
            if tok == "|":
                names.extend(_join_padded(run))
                run = []
            else:
                run.append(tok)
    return [n for n in names if _person(n)]


def _gold_article(rec: dict) -> dict:
    meta = rec["meta"]
    lines = [ln.strip() for ln in rec["text"].split("\n") if ln.strip()]
    author = clean.normalize_line(meta.get("author_field", "")).strip()    # drops zero-width spaces too
    people: list[str] = []
    body_lines = lines
    first_line = clean.collapse_spaces(clean.normalize_line(lines[0]).strip()) if lines else ""
    if author and first_line == clean.collapse_spaces(author):
        body_lines = lines[1:]
        people += gold_names(author)
    month = day = None
    if body_lines:
        first = clean.normalize_line(body_lines[0])
        m = _GOLD_DATELINE.match(first)
        if m:
            if m.group(1):
                month, day = int(m.group(1)), int(m.group(2))
            paren = re.match(r"\s*（([^（）]{2,60})）", first[m.end():])
            if paren:
                people += gold_names(paren.group(1))
    content = [ln for ln in body_lines if not _RMRB_FURNITURE.match(clean.normalize_line(ln))]
    kept = [ln for ln in lines if not _RMRB_FURNITURE.match(clean.normalize_line(ln))]
    if content:
        tm = _GOLD_TRAILING_DATELINE.match(clean.normalize_line(content[-1]))
        if tm and month is None:
            month, day = int(tm.group(1)), int(tm.group(2))
    for ln in content:                    # closing credits, also those of the parts of a compound article
        ln = clean.normalize_line(ln)
        if not (ln.startswith("（") and ln.endswith("）")) or _GOLD_TRAILING_DATELINE.match(ln):
            continue
        for seg in ln[1:-1].split("，"):
            seg = seg.strip()
            if _CREDIT_VERB.search(seg) and ("记者" in seg or len(seg) <= 12
                                             or _GOLD_NAME_LIST.fullmatch(_CREDIT_VERB.sub("", seg))):
                people += gold_names(_CREDIT_VERB.sub("", seg))
            elif seg.startswith(("本报记者", "人民网记者", "新华社记者")) or _GOLD_MEDIA_REPORTER.match(seg):
                people += gold_names(seg)
    heads = [meta.get("introtitle") or "", rec["title"], meta.get("subtitle") or ""]
    norm = lambda s: clean.clean_heading(clean.normalize_line(s)) if s and s.strip() else None  # noqa: E731
    return {
        "id": rec["id"], "headline": norm(rec["title"]), "overline": norm(meta.get("introtitle")),
        "subheadline": norm(meta.get("subtitle")), "people": people, "month": month, "day": day,
        "key": "".join(sorted(clean.conservation_key("".join(heads + kept)))),
        "compound": _compound(lines),
        "lines": {clean.conservation_key(x) for x in heads + lines if x.strip()},
        "head_keys": {clean.conservation_key(x) for x in heads if x.strip()},
        "author_kind": ("none" if not author else "no_names" if not gold_names(author)
                        else "labelled" if _LABEL_TOKEN.match(author.split()[0]) else "names_only"),
    }


def _invented_name(rng: random.Random, surnames: list[str], pad: str) -> str:
    name = _name(rng, surnames)
    return name[0] + pad + name[1] if len(name) == 2 else name


def _furniture_lines(rng: random.Random, surnames: list[str], has_editor: bool) -> tuple[list[str], list[str]]:
    """(lines for the top of the page, lines for its end), as People's Daily prints them."""
    top: list[str] = []
    end: list[str] = []
    if not has_editor and rng.random() < 0.7:
        names = " ".join(_invented_name(rng, surnames, " ") for _ in range(rng.randint(1, 3)))
        (top if rng.random() < 0.2 else end).append(rng.choice(("本版责编：", "本版责编：", "本版责编 ")) + names)
    if rng.random() < 0.35:
        label = rng.choice(("版式设计：", "版式设计：", "本版制图：", "制图：", "版式设计 "))
        end.append(label + "  ".join(_invented_name(rng, surnames, " ") for _ in range(rng.choice((1, 1, 2)))))
    if rng.random() < 0.2:
        box = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(4, 8)))
        end.append(rng.choice(("本版邮箱：", "本版邮箱 ")) + box + "@example.cn")
    return top, end


def _photo_credit(rng: random.Random, surnames: list[str]) -> str:
    name = _invented_name(rng, surnames, "  ")
    return rng.choice((f"本报记者  {name}摄", f"新华社记者  {name}摄", f"{name}摄（本报图片）", f"{name}摄（视觉中心）",
                       f"{name}摄"))


def build_rmrb_pages(records: list[dict], seed: int = 14) -> list[dict]:
    """One page per (issue date, page): {"name", "text", "issue_date", "in_manifest", "part", "gold", "furniture"}."""
    surnames = [w for line in lexicons.lines("surnames.txt") for w in line.split() if len(w) == 1]
    groups: dict[tuple[str, str], list[dict]] = {}
    for rec in sorted(records, key=lambda r: r["id"]):
        groups.setdefault((rec["date"], rec["meta"]["page"]), []).append(rec)
    pages = []
    for (date, page_no), recs in sorted(groups.items()):
        name = f"rmrb_{date.replace('-', '')}_{page_no}.txt"
        rng = random.Random(f"{seed}:{name}")
        has_editor = any(r["title"].startswith("本版责编") for r in recs)
        top, end = _furniture_lines(rng, surnames, has_editor)
        lines: list[str] = []
        furniture = list(top) + list(end)
        for f in top:
            lines += [f, ""]
        gold = []
        for k, rec in enumerate(recs):
            meta = rec["meta"]
            text_lines = [ln.strip() for ln in rec["text"].split("\n") if ln.strip()]
            if _RMRB_FURNITURE_TITLE.match(rec["title"]):
                for ln in [rec["title"]] + text_lines:
                    lines += [ln, ""]
                    furniture.append(ln)
                continue
            if meta.get("introtitle", "").strip():
                lines.append(meta["introtitle"].strip())
            lines.append(rec["title"].strip())
            if meta.get("subtitle", "").strip():
                lines.append(meta["subtitle"].strip())
            lines.append("")
            for ln in text_lines:
                lines += [ln, ""]
            gold.append(_gold_article(rec))
            if k + 1 < len(recs) and rng.random() < 0.15:
                credit = _photo_credit(rng, surnames)
                lines += [credit, ""]
                furniture.append(credit)
        for f in end:
            lines += [f, ""]
        in_manifest = int(hashlib.sha1(name.encode()).hexdigest(), 16) % 7 != 0
        pages.append({"name": name, "text": "\n".join(lines), "issue_date": _dt.date.fromisoformat(date),
                      "in_manifest": in_manifest, "part": rmrb_part(date), "gold": gold, "furniture": furniture})
    return pages


def write_rmrb_pages(pages: list[dict], out: Path) -> None:
    """The pages as files plus manifest.csv (file,issue_date), e.g. for `benchmarks.bench_stages --input`."""
    out.mkdir(parents=True, exist_ok=True)
    for p in pages:
        (out / p["name"]).write_text(p["text"], encoding="utf-8")
    with open(out / "manifest.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["file", "issue_date"])
        for p in pages:
            if p["in_manifest"]:
                w.writerow([p["name"], p["issue_date"].isoformat()])


def _article_key(a: layout.Article) -> str:
    parts = [a.overline or "", a.headline or "", a.subheadline or "", layout.dateline_label(a), a.byline or "", a.body]
    kept = [ln for s in parts for ln in s.split("\n") if not _RMRB_FURNITURE.match(ln.strip())]
    return "".join(sorted(clean.conservation_key("".join(kept))))


def _expected_date(g: dict, issue: _dt.date) -> _dt.date | None:
    if g["month"] is None:
        return None
    year = issue.year - ((g["month"], g["day"]) > (issue.month, issue.day))
    try:
        return _dt.date(year, g["month"], g["day"])
    except ValueError:
        return None


def _missed_class(g: dict, same: list[layout.Article], page: layout.Page) -> str:
    """Why a gold article was not recovered, as a class name (no text): for a part that is only measured."""
    if g["compound"]:
        return "compound_record"
    if same:
        got, want = Counter(_article_key(same[0])), Counter(g["key"])
        if got - want and not want - got:
            return "same_headline:took_following_text"
        if want - got and not got - want:
            return "same_headline:lost_text"
        return "same_headline:text_differs"
    heads = {h for h in (g["overline"], g["subheadline"]) if h}
    for a in page.articles:
        if a.headline in heads or g["headline"] in (a.overline, a.subheadline):
            gold_shape = ("ov" if g["overline"] else "") + "H" + ("sub" if g["subheadline"] else "")
            got = ("ov" if a.overline else "") + "H" + ("sub" if a.subheadline else "")
            under = "dateline" if a.dateline else "byline" if a.byline else "none"
            return f"heading_order:gold_{gold_shape}:got_{got}:{under}:author_{g['author_kind']}"
    hk = clean.conservation_key(g["headline"] or "")
    for a in page.articles:
        if any(clean.conservation_key(ln) == hk for ln in a.body.split("\n")):
            return "headline_in_other_body"
    if any(clean.conservation_key(r) == hk for r in page.residue):
        return "headline_in_residue"
    return "other"


def _credit_failure(para: str) -> str:
    """Why a parenthesized line holding a gold name is not a closing credit, as a class name (no text)."""
    if not para.endswith("）"):
        return "not_closed_by_paren"
    if len(para) > 160:
        return "too_long"
    if para.count("（") > 1:
        return "several_parens"
    for seg in re.split(r"[，；。]", para[1:-1]):
        seg = seg.strip()
        if layout.parse_credit(f"（{seg}）") is None:
            has_label = bool(layout._lex().label_re.search(seg))
            has_verb = bool(layout._lex().credit_verb_re.search(seg))
            core = layout._lex().credit_verb_re.sub("", seg)
            labels = list(layout._lex().label_re.finditer(core))
            toks = [t for t in re.split(r"[\s、，,]+", core[labels[0].end():] if labels else core) if t]
            odd = sum(1 for t in toks if not re.fullmatch(r"[\u4e00-\u9fff·]+", t))
            return (f"segment_label{len(labels)}_verb{int(has_verb)}_odd{odd}"
                    f"_strict{int(layout.parse_byline(core) is not None)}"
                    f"_lenient{int(layout.parse_byline(core, strict=False) is not None)}"
                    f"_media{int(layout._media_like(core[:labels[0].start()])) if labels else -1}"
                    f"_label{len(labels[0].group(0)) if labels else 0}")
    return "parses_" + layout._classify(para)


def _fp_class(name: str, a: layout.Article, gold: list[dict]) -> str:
    """Where a predicted name no gold byline of the article has came from, as a class name (no text)."""
    elsewhere = "other_gold_article" if any(name in g["people"] for g in gold) else "no_gold"
    if name in (a.dateline or "").replace(" ", ""):
        return f"dateline:{elsewhere}"
    for ln in (a.byline or "").split("\n"):
        if name in ln.replace(" ", ""):
            kind = ("photo" if "摄" in ln else "credit" if ln.startswith("（") else
                    "labelled" if layout._lex().label_re.search(ln) else "bare")
            return f"byline_{kind}:{elsewhere}:len{min(len(name), 5)}"
    return f"unfound:{elsewhere}"


def _fn_class(name: str, a: layout.Article, byline_text: str, page: layout.Page) -> str:
    """Where a gold name the article lacks was put, as a class name (no text)."""
    if name in byline_text:
        return "in_byline_or_dateline_not_parsed"
    paras = a.body.split("\n")
    for k, para in enumerate(paras):
        if name in para.replace(" ", ""):
            where = "first" if k == 0 else "last" if k == len(paras) - 1 else "middle"
            shape = "paren" if para.startswith("（") else "short" if len(para) <= 40 else "long"
            return f"in_body:{where}_{shape}" + (":" + _credit_failure(para) if shape == "paren" else "")
    for b in page.articles:
        if b is not a and name in (b.byline or "").replace(" ", ""):
            return "in_other_byline"
        if b is not a and name in b.body.replace(" ", ""):
            k = next(k for k, x in enumerate(b.body.split("\n")) if name in x.replace(" ", ""))
            return f"in_other_body:para{min(k, 3)}:other_{'has_headline' if b.headline else 'no_headline'}"
        if b is not a and name in "".join(x or "" for x in (b.overline, b.headline, b.subheadline)).replace(" ", ""):
            return "in_other_heading"
    if any(name in r.replace(" ", "") for r in page.residue):
        return "in_residue"
    for f in ("overline", "headline", "subheadline"):
        v = getattr(a, f) or ""
        if name in v.replace(" ", ""):
            return (f"in_own_{f}:len{min(len(v.replace(' ', '')) // 5 * 5, 20)}:spaces{min(v.count(' '), 3)}"
                    f":label{int(bool(layout._lex().label_re.search(v)))}")
    return "elsewhere"


def _attribution(a: layout.Article | None) -> str:
    if a is None:
        return "none_found"
    return "dateline" if a.dateline else "byline" if a.byline else "unsigned"


def _extra_class(a: layout.Article, gold: list[dict], compound_lines: set,
                 articles: list[layout.Article] = (), banners: list[str] = ()) -> str:
    """Why a predicted article matches no gold article, as a class name (no text). A body line taken as a headline
    is told apart by how the article it was cut from opens (dateline, author line, nothing), how many heading lines
    the extra has and whether it has an attribution of its own."""
    probe = clean.conservation_key(a.headline or a.body.split("\n", 1)[0])
    if probe in compound_lines:
        return "compound_piece"
    if not a.headline:
        owner = next((g for g in gold if probe in g["lines"]), None)
        host = next((x for x in articles if owner and x.headline == owner["headline"]), None)
        return (f"no_headline:own_{_attribution(a)}:host_{_attribution(host) if owner else 'no_owner'}"
                f":compound_{int(bool(owner and owner['compound']))}")
    if any(probe in g["head_keys"] for g in gold):
        return "gold_heading_as_headline"
    owner = next((g for g in gold if probe in g["lines"]), None)
    if owner is not None:
        host = next((x for x in articles if x.headline == owner["headline"]), None)
        heads = sum(1 for x in (a.overline, a.headline, a.subheadline) if x)
        if host is None:
            hk = clean.conservation_key(owner["headline"] or "")
            where = ("banner" if any(clean.conservation_key(b) == hk for b in banners) else
                     "overline" if any(clean.conservation_key(x.overline or "") == hk for x in articles) else
                     "subheadline" if any(clean.conservation_key(x.subheadline or "") == hk for x in articles) else
                     "body" if any(hk in clean.conservation_key(x.body) for x in articles) else "lost")
            shape = ("ov" if a.overline else "") + "H" + ("sub" if a.subheadline else "")
            return f"body_line_as_headline:host_headline_went_to_{where}:shape_{shape}:own_{_attribution(a)}"
        return (f"body_line_as_headline:host_{_attribution(host)}:heads_{heads}:"
                f"own_{_attribution(a)}:gold_author_{owner['author_kind']}")
    return "other"


def score_rmrb(pages: list[dict], *, show_errors: int = 0) -> dict:
    c = Counter()
    classes: Counter = Counter()
    errors: list[str] = []
    chars = 0
    t0 = time.perf_counter()
    for p in pages:
        chars += len(p["text"])
        issue = p["issue_date"] if p["in_manifest"] else None
        page = layout.split_page(p["text"], issue_date=issue)
        c["pages"] += 1
        c["pages_conserved"] += layout.conservation_gap(p["text"], page) == ""
        c["gold"] += len(p["gold"])
        c["pred"] += len(page.articles)
        furniture = {clean.collapse_spaces(clean.normalize_line(f)) for f in p["furniture"]}
        for a in page.articles:
            texts = [a.overline or "", a.headline or "", a.subheadline or "", a.body]
            c["furniture_in_articles"] += sum(1 for s in texts for ln in s.split("\n")
                                              if clean.collapse_spaces(ln) in furniture)
            c["pred_people"] += len(a.reporters) + len(a.correspondents)
        compound_lines = set().union(*(g["lines"] for g in p["gold"] if g["compound"])) if p["gold"] else set()
        for a in page.articles:          # predicted articles made of a compound record's lines, set aside below
            probe = clean.conservation_key(a.headline or a.body.split("\n", 1)[0])
            c["pred_in_compound"] += probe in compound_lines
        unused = list(page.articles)
        for g in p["gold"]:
            c["compound"] += g["compound"]
            c["gold_people"] += len(g["people"])
            same = [a for a in unused if a.headline == g["headline"]]
            a = next((x for x in same if _article_key(x) == g["key"]), None)
            if a is not None:
                c["recovered"] += 1
                c["recovered_compound"] += g["compound"]
            else:
                classes["missed:" + _missed_class(g, same, page)] += 1
                if show_errors and len(errors) < show_errors:
                    errors.append(f"{p['name']} {g['id']} missed: {g['headline']!r} (same headline: {len(same)})")
            a = a or (same[0] if same else None)
            if g["month"] is not None:
                c["dated"] += 1
                ok = a is not None and (a.dateline_month, a.dateline_day) == (g["month"], g["day"])
                c["dated_ok"] += ok
                if not ok:
                    classes["month_day:" + ("article_missed" + ("_compound" if g["compound"] else "") if a is None
                                            else "none_found" if a.dateline_month is None and a.dateline_day is None
                                            else "wrong")] += 1
                if issue is not None:
                    c["dated_year"] += 1
                    c["date_ok"] += a is not None and a.dateline_date == _expected_date(g, issue)
                    if a is not None and (a.dateline_month, a.dateline_day) == (g["month"], g["day"]):
                        c["dated_year_md_ok"] += 1
                        c["date_ok_given_md"] += a.dateline_date == _expected_date(g, issue)
            if a is None:
                continue
            unused.remove(a)
            c["paired"] += 1
            got = [n.replace(" ", "") for n in a.reporters + a.correspondents]
            c["people_tp"] += sum((Counter(got) & Counter(g["people"])).values())
            byline_text = (a.byline or "").replace(" ", "") + (a.dateline or "").replace(" ", "")
            for n in (Counter(got) - Counter(g["people"])).elements():
                classes["people_fp:" + _fp_class(n, a, p["gold"])] += 1
            for n in (Counter(g["people"]) - Counter(got)).elements():
                classes["people_fn:" + _fn_class(n, a, byline_text, page)] += 1
            c["overline_ok"] += a.overline == g["overline"]
            c["subheadline_ok"] += a.subheadline == g["subheadline"]
            if issue is None and g["month"] is not None:
                c["no_year"] += 1
                c["no_year_ok"] += a.dateline_date is None
            if show_errors and len(errors) < show_errors:
                if Counter(got) != Counter(g["people"]):
                    errors.append(f"{p['name']} {g['id']} people {got} != {g['people']}")
                if g["month"] is not None and (a.dateline_month, a.dateline_day) != (g["month"], g["day"]):
                    errors.append(f"{p['name']} {g['id']} date {(a.dateline_month, a.dateline_day)} != "
                                  f"{(g['month'], g['day'])} dateline={a.dateline!r}")
                for f, gv in (("overline", g["overline"]), ("subheadline", g["subheadline"])):
                    if getattr(a, f) != gv:
                        errors.append(f"{p['name']} {g['id']} {f} {getattr(a, f)!r} != {gv!r}")
        for a in unused:
            classes["extra:" + _extra_class(a, p["gold"], compound_lines, page.articles, page.banners)] += 1
        if show_errors and len(errors) < show_errors:
            for a in unused:
                errors.append(f"{p['name']} extra article: {a.headline!r} body={a.body[:40]!r}")
    secs = time.perf_counter() - t0
    P = c["recovered"] / max(1, c["pred"])
    R = c["recovered"] / max(1, c["gold"])
    pp = c["people_tp"] / max(1, c["pred_people"])
    pr = c["people_tp"] / max(1, c["gold_people"])
    P2 = (c["recovered"] - c["recovered_compound"]) / max(1, c["pred"] - c["pred_in_compound"])
    R2 = (c["recovered"] - c["recovered_compound"]) / max(1, c["gold"] - c["compound"])
    out = {
        "pages": c["pages"], "gold_articles": c["gold"], "predicted_articles": c["pred"],
        "precision": round(P, 3), "recall": round(R, 3), "f1": round(2 * P * R / max(1e-9, P + R), 3),
        "compound_records": c["compound"], "f1_without_compound": round(2 * P2 * R2 / max(1e-9, P2 + R2), 3),
        "people_p": round(pp, 3), "people_r": round(pr, 3), "people_f1": round(2 * pp * pr / max(1e-9, pp + pr), 3),
        "dateline_month_day": round(c["dated_ok"] / max(1, c["dated"]), 3), "dated_articles": c["dated"],
        "dateline_date": round(c["date_ok"] / max(1, c["dated_year"]), 3),
        "dateline_date_when_month_day_right": round(c["date_ok_given_md"] / max(1, c["dated_year_md_ok"]), 3),
        "no_year_date_null": round(c["no_year_ok"] / max(1, c["no_year"]), 3),
        "overline": round(c["overline_ok"] / max(1, c["paired"]), 3),
        "subheadline": round(c["subheadline_ok"] / max(1, c["paired"]), 3),
        "furniture_lines_in_articles": c["furniture_in_articles"],
        "pages_conserved": round(c["pages_conserved"] / max(1, c["pages"]), 3),
        "seconds": round(secs, 2), "MB_per_s": round(chars * 3 / 1e6 / max(1e-9, secs), 2),
    }
    out["error_classes"] = dict(sorted(classes.items()))
    if show_errors:
        out["errors"] = errors
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--pages", type=int, default=500)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--rmrb", type=Path, nargs="?", const=DEFAULT_RMRB,
                    help="score pages built from People's Daily articles (default: %(const)s) instead of the corpus")
    ap.add_argument("--rmrb-out", type=Path, help="also write the People's Daily pages and manifest.csv here")
    ap.add_argument("--errors", type=int, default=0, help="with --rmrb: print up to N errors of a part")
    ap.add_argument("--errors-part", choices=("dev", "measure"), default="dev",
                    help="with --errors: the part whose errors are printed (default: %(default)s)")
    args = ap.parse_args(argv)
    print("seeds (annotated):", json.dumps(score_seeds(), ensure_ascii=False))
    if args.rmrb is not None:
        if not args.rmrb.exists():
            print(f"People's Daily file not found: {args.rmrb}")
            return 1
        pages = build_rmrb_pages(load_rmrb(args.rmrb))
        if args.rmrb_out:
            write_rmrb_pages(pages, args.rmrb_out)
        for part in ("dev", "measure"):
            res = score_rmrb([p for p in pages if p["part"] == part],
                             show_errors=args.errors if part == args.errors_part else 0)
            errors = res.pop("errors", [])
            print(f"rmrb {part}:", json.dumps(res, ensure_ascii=False))
            for e in errors:
                print("  ", e)
        print("rmrb all:", json.dumps(score_rmrb(pages), ensure_ascii=False))
        return 0
    if not args.corpus.exists():
        print(f"corpus not found: {args.corpus} (pass --corpus PATH)")
        return 1
    corpus = load_corpus(args.corpus)
    print("generated pages:", json.dumps(score_generated(corpus, args.pages, args.seed), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
