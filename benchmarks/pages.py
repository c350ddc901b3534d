"""Build newspaper-like pages from the real news corpus (../shared/corpus), for benchmarks.

A page is a few articles, each a headline line, a blank line and its paragraphs, like the seeds. The
corpus is never copied into the repository; pages are written to a folder the caller chooses.

On a fresh clone without ../shared, `build_pages_or_seeds` builds them from the repository's own seeds/
instead (each copy gets an edition line after its first line, so every page has its own bytes and none is
skipped as already loaded), and says so: five pages repeated measure the pipeline's speed, not its speed on
varied news.
"""
from __future__ import annotations

import gzip
import json
import random
from pathlib import Path
from typing import Iterator

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "xwlb_articles.jsonl.gz"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


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


def build_pages_from_seeds(out_dir: str | Path, mb: float, seeds: str | Path = SEEDS) -> tuple[int, int]:
    """Copies of the seed pages until `mb` MB are written; copy k carries the line "第k版" after its first line."""
    pages = [p.read_bytes().decode("utf-8").removeprefix("\ufeff") for p in sorted(Path(seeds).glob("*.txt"))]
    if not pages:
        raise FileNotFoundError(f"no seed pages (*.txt) in {seeds}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    target, written, files, edition = int(mb * 1e6), 0, 0, 0
    while written < target:
        edition += 1
        for text in pages:
            head, _, rest = text.partition("\n")
            data = f"{head}\n第{edition}版\n{rest}".encode("utf-8")
            files += 1
            (out / f"page_{files:06d}.txt").write_bytes(data)
            written += len(data)
            if written >= target:
                break
    return files, written


def build_pages_or_seeds(out_dir: str | Path, mb: float, corpus: str | Path = DEFAULT_CORPUS) -> tuple[int, int, str]:
    """Pages from the corpus when it is there, else from the seeds: (files, bytes, what they were built from)."""
    if Path(corpus).is_file():
        files, nbytes = build_pages(out_dir, mb, corpus)
        return files, nbytes, str(corpus)
    files, nbytes = build_pages_from_seeds(out_dir, mb)
    return files, nbytes, (f"the repository's seeds/ ({corpus} not found: a fresh clone without ../shared; "
                           "5 pages repeated, so the figures are the pipeline's speed, not its speed on varied news)")
