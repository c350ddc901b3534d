"""Per-page transform cache, kept in Prefect's local storage path.

A page's transform output depends only on its bytes (the `source_id`), its issue date (from the manifest)
and the version of the transform code and lexicons, so that is the cache key; batch composition is not part
of it (batches change whenever files are added, so a per-batch key would rarely hit). The flow looks pages
up before submitting a batch (hits never travel to a worker); the transform task writes the cache where it
runs. Records are files in the Prefect local storage path (`PREFECT_LOCAL_STORAGE_PATH`, by default
`$PREFECT_HOME/storage`); on a real cluster point that setting at shared storage so every worker and the flow
see the same cache.

Layout: one *batch record* per transformed batch (`zhnews-batch-<hash>`: the batch's frames, each as Arrow
IPC with LZ4) and one small *pointer* per page (its key -> the record's name). Writing a batch is one large
file plus a few bytes per page; splitting every batch into per-page records cost more than a tenth of a
run (partitioning frames per page, then thousands of small pickles). Reading filters a record down to the
pages asked for. A record or pointer that cannot be read (missing, or half written by a killed process) is a
miss and is rewritten; both are written to a temporary name and renamed into place.

Also here: concatenating batch frames, which is plumbing on polars frames (no text processing).
"""
from __future__ import annotations

import hashlib
import io
import logging
import os
import pickle
import threading
from pathlib import Path

import polars as pl

from warehouse.contract import CONTENT_TABLE_NAMES

log = logging.getLogger(__name__)

KEY_PREFIX = "zhnews-page-"
RECORD_PREFIX = "zhnews-batch-"
CACHE_FORMAT = 3                                        # bump when the record layout changes


def default_cache_dir() -> str:
    from prefect.settings import PREFECT_LOCAL_STORAGE_PATH
    return str(Path(PREFECT_LOCAL_STORAGE_PATH.value()).expanduser().resolve())


def page_key(source_id: str, issue_date, version: str) -> str:
    """Cache key of one page: content hash, issue date, code and lexicon version."""
    h = hashlib.sha256(f"{CACHE_FORMAT}\x1f{source_id}\x1f{issue_date}\x1f{version}".encode())
    return KEY_PREFIX + h.hexdigest()


def ipc_bytes(frame: pl.DataFrame, compression: str = "uncompressed") -> bytes:
    """A frame as one Arrow IPC buffer (the cache record's tables; a batch's frames crossing processes)."""
    buf = io.BytesIO()
    frame.write_ipc(buf, compression=compression)
    return buf.getvalue()


def record_tables(frames: dict[str, pl.DataFrame]) -> dict[str, bytes]:
    """Every frame as the Arrow IPC buffer (LZ4) a cache record holds: a batch record is made of these, and a
    worker process's batch travels to the flow as these same buffers (`ipc_frame` reads either)."""
    return {name: ipc_bytes(frame, compression="lz4") for name, frame in frames.items()}


def ipc_frame(data: bytes) -> pl.DataFrame:
    """The frame back from `ipc_bytes`."""
    return pl.read_ipc(io.BytesIO(data))

class PageCache:
    """Batch records plus per-page pointers under `directory` (by default Prefect's local storage path).

    Prefect's own ResultStore was used first; its per-record cost (about 6 ms through its async bridge) made
    cache writes 16% of a run on 10 MB of pages.
    """

    def __init__(self, directory: str):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def _atomic_write(self, name: str, data: bytes) -> None:
        tmp = self.directory / f".{name}.{os.getpid()}.{threading.get_ident()}.tmp"
        try:
            tmp.write_bytes(data)
            os.replace(tmp, self.directory / name)
        finally:
            tmp.unlink(missing_ok=True)

    def put_batch(self, keys: dict[str, str], frames: dict[str, pl.DataFrame],
                  written: dict[str, bytes] | None = None) -> None:
        """Store one transformed batch: `keys` maps each page's source_id to its cache key. `written`: the
        frames' `record_tables` if the caller has them already (they are not written again)."""
        record = RECORD_PREFIX + hashlib.sha256("\x1f".join(sorted(keys.values())).encode()).hexdigest()
        tables = {}
        for name in CONTENT_TABLE_NAMES:
            frame = frames.get(name)
            if frame is None or frame.is_empty():
                continue
            tables[name] = written[name] if written and name in written else ipc_bytes(frame, compression="lz4")
        try:
            self._atomic_write(record, pickle.dumps(tables, protocol=pickle.HIGHEST_PROTOCOL))
            pointer = record.encode()
            for key in keys.values():
                self._atomic_write(key, pointer)
        except OSError as exc:  # a cache that cannot be written costs time, not data
            log.warning("transform cache record %s not written: %s", record, exc)

    def get_pages(self, keys: dict[str, str]) -> tuple[set[str], dict[str, pl.DataFrame] | None]:
        """Look pages up by {source_id: key}: (the source_ids found, their rows as one batch's frames)."""
        by_record: dict[str, list[str]] = {}
        for sid, key in keys.items():
            try:
                record = (self.directory / key).read_bytes().decode()
            except (FileNotFoundError, UnicodeDecodeError):
                continue
            if record.startswith(RECORD_PREFIX):
                by_record.setdefault(record, []).append(sid)
        found: set[str] = set()
        parts = []
        for record, sids in by_record.items():
            try:
                tables = pickle.loads((self.directory / record).read_bytes())
                frames = {name: ipc_frame(data) for name, data in tables.items()}
                part = _select_pages(frames, sids)
            except FileNotFoundError:
                continue
            except Exception as exc:  # noqa: BLE001 - a damaged record is a miss; it is rewritten
                log.warning("transform cache record %s unreadable (%s); recomputing", record, type(exc).__name__)
                continue
            found.update(sids)          # a pointer is written after its record: the record holds the page
            parts.append(part)
        return found, (concat_pages(parts) if parts else None)


def _select_pages(frames: dict[str, pl.DataFrame], sids: list[str]) -> dict[str, pl.DataFrame]:
    """The rows of some pages out of a batch record's frames."""
    wanted = pl.Series(sids, dtype=pl.String)
    empty = pl.DataFrame()
    out = {name: empty for name in CONTENT_TABLE_NAMES}
    for name in ("articles", "page_residue"):
        frame = frames.get(name)
        if frame is not None:
            out[name] = frame.filter(pl.col("source_id").is_in(wanted))
    articles = out["articles"]
    if not articles.is_empty():
        ids = articles.get_column("article_id")
        for name in ("entity_mentions", "metrics"):
            frame = frames.get(name)
            if frame is not None:
                out[name] = frame.filter(pl.col("article_id").is_in(ids))
        mentions, entities = out["entity_mentions"], frames.get("entities")
        if entities is not None and not mentions.is_empty():
            out["entities"] = entities.join(mentions.select("entity_id").unique(), on="entity_id", how="semi",
                                            maintain_order="left")
    return out


def concat_pages(pages: list[dict[str, pl.DataFrame]], rechunk: bool = True) -> dict[str, pl.DataFrame]:
    """Several sets of frames (batches, or pages read from the cache) -> one set (entities deduplicated by id).
    `rechunk=False` keeps the parts' buffers as chunks of the result instead of copying them into one (a
    publish unit's frames: they are only staged, and a copy would hold the unit's rows twice for a moment)."""
    out: dict[str, pl.DataFrame] = {}
    for name in CONTENT_TABLE_NAMES:
        parts = [p[name] for p in pages if p.get(name) is not None and not p[name].is_empty()]
        if not parts:
            out[name] = pl.DataFrame()
            continue
        frame = pl.concat(parts, how="diagonal_relaxed", rechunk=rechunk) if len(parts) > 1 else parts[0]
        if name == "entities":
            frame = frame.unique("entity_id", keep="first", maintain_order=True)
        out[name] = frame
    return out
