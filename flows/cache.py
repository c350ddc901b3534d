"""Per-page transform cache, kept in Prefect's result storage.

A page's transform output depends only on its bytes (the `source_id`), its issue date (from the manifest)
and the version of the transform code and lexicons, so that is the cache key; batch composition is not part
of it (batches change whenever files are added, so a per-batch key would rarely hit). The flow looks pages
up before submitting a batch (hits never travel to a worker); the transform task writes each page's frames
where it runs. Records are Prefect `ResultRecord`s written by a `ResultStore` on a `LocalFileSystem` at the
Prefect results path (`PREFECT_RESULTS_LOCAL_STORAGE_PATH`, by default `$PREFECT_HOME/storage`); on a real
cluster point that setting at shared storage so every worker and the flow see the same cache.

A record that cannot be read (missing, or half written by a killed process) is a miss and is rewritten.

Also here: splitting a batch's frames into per-page frames and concatenating them back, which is plumbing
on polars frames (no text processing).
"""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import polars as pl

log = logging.getLogger(__name__)

KEY_PREFIX = "zhnews-page-"
PER_SOURCE = ("articles", "page_residue")              # tables with a source_id column
PER_ARTICLE = ("entity_mentions", "metrics")            # tables keyed through article_id
TABLES = ("articles", "entities", "entity_mentions", "metrics", "page_residue")


def default_cache_dir() -> str:
    from prefect.settings import PREFECT_LOCAL_STORAGE_PATH
    return str(Path(PREFECT_LOCAL_STORAGE_PATH.value()).expanduser().resolve())


def page_key(source_id: str, issue_date, version: str) -> str:
    """Cache key of one page: content hash, issue date, code and lexicon version."""
    h = hashlib.sha256(f"{source_id}\x1f{issue_date}\x1f{version}".encode())
    return KEY_PREFIX + h.hexdigest()


class PageCache:
    """Read and write per-page frames in Prefect result storage under `directory`."""

    def __init__(self, directory: str):
        from prefect.filesystems import LocalFileSystem
        from prefect.results import ResultStore
        from prefect.serializers import CompressedSerializer, PickleSerializer

        self.directory = directory
        # no in-memory LRU: records are read once per run and would otherwise pile up (1000 of them);
        # zlib-compressed pickles: plain ones made the cache about 19x the size of the pages it holds
        self.store = ResultStore(result_storage=LocalFileSystem(basepath=directory), cache_result_in_memory=False,
                                 serializer=CompressedSerializer(serializer=PickleSerializer(),
                                                                 compressionlib="zlib"))

    def get(self, key: str) -> dict[str, pl.DataFrame] | None:
        if not (Path(self.directory) / key).is_file():
            return None
        try:
            stored = self.store.read(key).result
            return {name: pl.DataFrame(data, schema=schema, orient="col") for name, (schema, data) in stored.items()}
        except Exception as exc:  # noqa: BLE001 - a damaged record is a miss; it is rewritten
            log.warning("transform cache record %s unreadable (%s); recomputing", key, type(exc).__name__)
            return None

    def put(self, key: str, frames: dict[str, pl.DataFrame]) -> None:
        # columns as plain lists (with the schema): a pickled polars frame carries kilobytes of IPC framing,
        # which made the cache several times the size of the pages
        stored = {name: (dict(f.schema), f.to_dict(as_series=False)) for name, f in frames.items()}
        try:
            self.store.write(stored, key=key)
        except Exception as exc:  # noqa: BLE001 - a cache that cannot be written costs time, not data
            log.warning("transform cache record %s not written: %s", key, exc)


def split_by_source(frames: dict[str, pl.DataFrame], source_ids: list[str]) -> dict[str, dict[str, pl.DataFrame]]:
    """One batch's frames -> {source_id: that page's frames} (every source_id gets an entry)."""
    out: dict[str, dict[str, pl.DataFrame]] = {sid: {} for sid in source_ids}
    articles = frames.get("articles")
    owner = None
    if articles is not None and not articles.is_empty():
        owner = articles.select("article_id", "source_id")
    for name in PER_SOURCE:
        frame = frames.get(name)
        if frame is None or frame.is_empty():
            continue
        for (sid,), part in frame.partition_by("source_id", as_dict=True, maintain_order=True).items():
            out[sid][name] = part
    entities = frames.get("entities")
    for name in PER_ARTICLE:
        frame = frames.get(name)
        if frame is None or frame.is_empty() or owner is None:
            continue
        tagged = frame.join(owner, on="article_id", how="left", maintain_order="left")
        for (sid,), part in tagged.partition_by("source_id", as_dict=True, maintain_order=True).items():
            out[sid][name] = part.drop("source_id")
    if entities is not None and not entities.is_empty():
        for sid, page in out.items():
            mentions = page.get("entity_mentions")
            if mentions is not None:
                page["entities"] = entities.join(mentions.select("entity_id").unique(), on="entity_id",
                                                 how="semi", maintain_order="left")
    return out


def concat_pages(pages: list[dict[str, pl.DataFrame]]) -> dict[str, pl.DataFrame]:
    """Per-page frames -> one batch's frames (entities deduplicated by id)."""
    out: dict[str, pl.DataFrame] = {}
    for name in TABLES:
        parts = [p[name] for p in pages if p.get(name) is not None and not p[name].is_empty()]
        if not parts:
            out[name] = pl.DataFrame()
            continue
        frame = pl.concat(parts, how="diagonal_relaxed") if len(parts) > 1 else parts[0]
        if name == "entities":
            frame = frame.unique("entity_id", keep="first", maintain_order=True)
        out[name] = frame
    return out
