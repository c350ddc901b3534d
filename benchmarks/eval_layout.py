"""Article-level precision/recall of `transforms.layout.split_page` on pages built from real news, and on the
annotated seed pages.

Generated pages: N articles (2-6) from the corpus (gzip JSON lines: id, date, title, text with paragraphs joined by
"\\n"), each laid out as headline, blank line, paragraphs separated by blank lines, with the seeds' layout damage
applied by a seeded RNG: paragraphs cut by a column wrap (the two pieces separated by a blank line), stray spaces
between CJK characters, bylines on their own line at the end, under the headline, or glued to the last sentence.
An article counts as recovered when its headline is a predicted headline and the predicted article holds exactly
its text (dateline label + body, compared after `clean.conservation_key`).

    python benchmarks/eval_layout.py [--corpus PATH] [--pages 500] [--seed 7]
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import time
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--pages", type=int, default=500)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    print("seeds (annotated):", json.dumps(score_seeds(), ensure_ascii=False))
    if not args.corpus.exists():
        print(f"corpus not found: {args.corpus} (pass --corpus PATH)")
        return 1
    corpus = load_corpus(args.corpus)
    print("generated pages:", json.dumps(score_generated(corpus, args.pages, args.seed), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
