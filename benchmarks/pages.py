"""Build newspaper-like pages from the real news corpus (../shared/corpus), for benchmarks.

A page is a few articles, each a headline line, a blank line and its paragraphs, like the seeds. The
corpus is never copied into the repository; pages are written to a folder the caller chooses.
"""
from __future__ import annotations

import gzip
import json
import random
from pathlib import Path
from typing import Iterator

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "xwlb_articles.jsonl.gz"


def corpus_articles(path: str | Path = DEFAULT_CORPUS) -> Iterator[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            item = json.loads(line)
            if item.get("title") and item.get("text"):
                yield item


def render_page(articles: list[dict]) -> str:
    parts = []
    for a in articles:
        title = a["title"].strip()
        paras = [p.strip() for p in a["text"].split("\n") if p.strip()]
        parts.append(title + "\n\n" + "\n\n".join(paras))
    return "\n\n\n".join(parts) + "\n"


def build_pages(out_dir: str | Path, mb: float, corpus: str | Path = DEFAULT_CORPUS, per_page: int = 6,
                seed: int = 7) -> tuple[int, int]:
    """Write pages until `mb` MB (UTF-8 bytes) are written, cycling the corpus. Returns (files, bytes)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    target = int(mb * 1e6)
    written = files = 0
    while written < target:
        batch: list[dict] = []
        for item in corpus_articles(corpus):
            batch.append(item)
            if len(batch) >= rng.randint(per_page - 2, per_page + 2):
                data = render_page(batch).encode("utf-8")
                files += 1
                (out / f"page_{files:06d}.txt").write_bytes(data)
                written += len(data)
                batch = []
                if written >= target:
                    break
    return files, written
