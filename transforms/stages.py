"""The whole transform for a batch of decoded pages: layout -> segment -> entities -> metrics -> frames.

`transform_pages()` is pure (text in, polars frames out) and picklable, so the same function runs in the
flow's process, in a process pool or on a Dask worker. Ids are deterministic: the same page bytes always
give the same article, mention, metric and entity ids. Offsets of mentions and metrics index the stored
`body` of their article. (The Prefect flow that calls this on the task runner is flows/pipeline.py.)
"""
from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass
from itertools import chain

import numpy as np
import polars as pl
import pyarrow as pa

from contract.tables import ARTICLES, ENTITIES, ENTITY_MENTIONS, METRICS, RESIDUE, polars_schema
from transforms.gcpause import gc_paused

# transforms.entities, layout, metrics and segment are imported where they are used: the flow's process needs
# `PageInput` only (it runs no transform with the process runner), and they import rjieba and its dictionary

ENTITY_TYPES = {"PER": "person", "ORG": "organization", "LOC": "location"}

# The frames' columns and types come from the table contract (contract/tables.py): the contract's columns, in
# its order, with its types, so the warehouse stages them as they are. A fixed schema also lets polars build a
# frame from row dicts without a pass over every row to infer types (frames 0.17 -> 0.11 s CPU per 5 MB), and an
# all-null column keeps its type. tests/test_contract.py checks each frame's schema against the contract.
STAMPED_AT_PUBLISH = ("run_id",)                       # articles.run_id: the publishing run, not the transform
COMPUTED = ("char_count", "paragraph_count")           # articles columns the frames stage computes from body
ARTICLE_SCHEMA = polars_schema(ARTICLES, without=STAMPED_AT_PUBLISH)
ARTICLE_ROW_SCHEMA = polars_schema(ARTICLES, without=STAMPED_AT_PUBLISH + COMPUTED)
ENTITY_SCHEMA = polars_schema(ENTITIES)
MENTION_SCHEMA = polars_schema(ENTITY_MENTIONS)
METRIC_SCHEMA = polars_schema(METRICS)
RESIDUE_SCHEMA = polars_schema(RESIDUE)
# the keys of a metric row taken from the metrics stage's output: every metrics column but the ids and offsets
METRIC_FIELDS = tuple(c for c in METRIC_SCHEMA if c not in ("metric_id", "article_id", "char_start", "char_end"))


@dataclass(frozen=True, slots=True)
class PageInput:
    source_id: str
    path: str
    text: str
    issue_date: dt.date | None = None


def short_hash(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:20]


def article_id(source_id: str, seq: int) -> str:
    return short_hash("article", source_id, seq)


def entity_id(entity_type: str, name: str) -> str:
    return short_hash("entity", entity_type, name)


def transform_pages(pages: list[PageInput]) -> dict[str, pl.DataFrame]:
    """Frames for articles, entities, entity_mentions, metrics and page_residue (no run ids)."""
    return transform_pages_timed(pages)[0]


# Pages transformed at once within a batch. What a stage holds for its text (rjieba's (word, tag) pairs,
# the tagger's encoded arrays, row dicts) is tens of bytes a character; doing a batch in pieces of this size
# bounds that whatever the batch size, and changes no row (every stage works text by text).
CHUNK_CHARS = 300_000


def _chunks(pages: list[PageInput]) -> list[list[PageInput]]:
    out, size = [[]], 0
    for page in pages:
        if out[-1] and size + len(page.text) > CHUNK_CHARS:
            out.append([])
            size = 0
        out[-1].append(page)
        size += len(page.text)
    return out


def transform_pages_timed(pages: list[PageInput]) -> tuple[dict[str, pl.DataFrame], dict[str, float]]:
    """transform_pages, plus the seconds spent in each stage (for benchmarks and run metadata)."""
    timings: dict[str, float] = {}
    parts = []
    for chunk in _chunks(pages):
        # the cyclic collector off for a chunk: a chunk makes millions of objects (rjieba's pairs, row dicts,
        # the tagger's inputs) and no reference cycles (none found by gc.collect() after a chunk on the
        # corpus), so collections only walked them: 16-17% less CPU in the transform stages on 10 MB (two
        # interleaved rounds; benchmarks/README.md, 2026-12-06 perf17)
        with gc_paused():
            parts.append(_transform_chunk(chunk, timings))
    if len(parts) == 1:
        return parts[0], timings
    t0 = time.perf_counter()
    frames = {}
    for name in parts[0]:
        pieces = [p[name] for p in parts if p[name].width]
        frames[name] = pl.concat(pieces) if pieces else pl.DataFrame()
    if frames["entities"].width:
        frames["entities"] = frames["entities"].unique("entity_id", keep="first", maintain_order=True)
    timings["frames"] = timings.get("frames", 0.0) + time.perf_counter() - t0
    return frames, timings


def _transform_chunk(pages: list[PageInput], timings: dict[str, float]) -> dict[str, pl.DataFrame]:
    from transforms import entities, metrics, segment

    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = timings.get(stage, 0.0) + now - clock
        clock = now

    article_rows, residue_rows = layout_rows(pages)
    lap("clean_layout")
    bodies = [r["body"] for r in article_rows]
    folded = segment.fold_batch(bodies)
    tokens = segment.tag_batch(folded)                              # the one tokenization
    lap("segmentation")
    starts: list[list[int]] = []                                    # each body's token boundaries
    found = entities.extract_entities_batch(bodies, tokens, folded=folded, starts=starts)
    mention_columns, entity_rows = _mentions(article_rows, found)
    lap("entities")
    spans = [[(m.start, m.end) for m in ms] for ms in found]
    token_counts, keywords = segment.token_stats(bodies, spans=spans, tokens=tokens)
    for row, n, kw in zip(article_rows, token_counts, keywords):
        row["token_count"] = n
        row["keywords"] = kw
    lap("segmentation")
    metric_columns = _metrics(article_rows, metrics.extract_metrics_batch(bodies, ends=starts))
    lap("metrics")

    frames = build_frames(article_rows, entity_rows, mention_columns, metric_columns, residue_rows)
    lap("frames")
    return frames


def layout_rows(pages: list[PageInput]) -> tuple[list[dict], list[dict]]:
    """Pages -> (article rows, page_residue rows): the clean_layout stage."""
    from transforms import layout

    article_rows: list[dict] = []
    residue_rows: list[dict] = []
    for page in pages:
        parsed = layout.split_page(page.text, issue_date=page.issue_date)
        seq = 0
        for kind, items in (("banner", parsed.banners), ("residue", parsed.residue)):
            for text in items:
                seq += 1
                residue_rows.append({"source_id": page.source_id, "seq": seq, "kind": kind, "text": text})
        for art in parsed.articles:
            article_rows.append({
                "article_id": article_id(page.source_id, art.seq), "source_id": page.source_id, "seq": art.seq,
                "section": art.section, "overline": art.overline, "headline": art.headline,
                "subheadline": art.subheadline, "dateline": art.dateline,
                "dateline_month": art.dateline_month, "dateline_day": art.dateline_day,
                "dateline_date": art.dateline_date, "reporters": list(art.reporters),
                "correspondents": list(art.correspondents), "byline": art.byline, "body": art.body,
                "flags": list(art.flags),
            })
    return article_rows, residue_rows


def build_frames(article_rows: list[dict], entity_rows: list[dict], mention_columns: dict[str, list],
                 metric_columns: dict[str, list], residue_rows: list[dict]) -> dict[str, pl.DataFrame]:
    """Rows of one batch (mentions and metrics as columns) -> the frames of the five content tables: the
    frames stage."""
    articles = pl.DataFrame(_article_columns(article_rows), schema=ARTICLE_ROW_SCHEMA).with_columns(
        pl.col("body").str.len_chars().alias("char_count"),
        (pl.col("body").str.count_matches("\n") + 1).alias("paragraph_count"),
    ).select([pl.col(name).cast(dtype) for name, dtype in ARTICLE_SCHEMA.items()]) if article_rows else pl.DataFrame()
    frames = {
        "articles": articles,
        "entities": pl.DataFrame(entity_rows, schema=ENTITY_SCHEMA).unique("entity_id", keep="first",
                                                                           maintain_order=True)
        if entity_rows else pl.DataFrame(),
        "entity_mentions": pl.DataFrame(mention_columns, schema=MENTION_SCHEMA)
        if mention_columns["mention_id"] else pl.DataFrame(),
        "metrics": pl.DataFrame(metric_columns, schema=METRIC_SCHEMA)
        if metric_columns["metric_id"] else pl.DataFrame(),
        "page_residue": pl.DataFrame(residue_rows, schema=RESIDUE_SCHEMA) if residue_rows else pl.DataFrame(),
    }
    return frames


def _article_columns(article_rows: list[dict]) -> dict[str, list | pl.Series]:
    """The article rows as columns. A list-of-strings column (keywords, reporters, flags) is made from its
    strings and offsets through Arrow: polars reads nested Python lists item by item (0.10 s of the 0.12 s
    the articles frame took per 10 MB of pages)."""
    columns: dict[str, list | pl.Series] = {}
    for name, dtype in ARTICLE_ROW_SCHEMA.items():
        values = [row[name] for row in article_rows]
        columns[name] = _string_lists(name, values) if dtype == pl.List(pl.String) else values
    return columns


def _string_lists(name: str, values: list) -> pl.Series:
    """pl.Series(name, values, dtype=pl.List(pl.String)) for a column of lists of strings (or None)."""
    if not all(type(v) is list for v in values):
        return pl.Series(name, values, dtype=pl.List(pl.String))
    offsets = np.zeros(len(values) + 1, np.int64)
    np.cumsum(np.fromiter(map(len, values), np.int64, len(values)), out=offsets[1:])
    flat = pl.Series(list(chain.from_iterable(values)), dtype=pl.String).to_arrow()
    return pl.from_arrow(pa.LargeListArray.from_arrays(pa.array(offsets), flat)).alias(name)


def _mentions(article_rows: list[dict], found: list[list]) -> tuple[dict[str, list], list[dict]]:
    """(entity_mentions as columns, entity rows). Columns, not a dict per row: a batch has tens of thousands
    of mentions, and polars takes lists as they are where it reads row dicts key by key."""
    from transforms import entities

    ids: list[str] = []
    aids: list[str] = []
    eids: list[str] = []
    surfaces: list[str] = []
    starts: list[int | None] = []
    ends: list[int | None] = []
    roles: list[str] = []
    titles: list[str | None] = []
    ents: dict[str, dict] = {}
    by_surface: dict[tuple[str, str], str] = {}     # (type, surface) -> entity id; surfaces repeat a lot
    sha256 = hashlib.sha256

    def entity(kind: str, name: str) -> str:
        eid = entity_id(kind, name)
        ents.setdefault(eid, {"entity_id": eid, "entity_type": kind, "name": name})
        return eid

    def entity_of(type_: str, surface: str) -> str:
        eid = by_surface.get((type_, surface))
        if eid is None:
            eid = by_surface[type_, surface] = entity(ENTITY_TYPES[type_], entities.canonical_name(surface, type_))
        return eid

    for row, article_mentions in zip(article_rows, found):
        aid = row["article_id"]
        for role, names in (("reporter", row["reporters"]), ("correspondent", row["correspondents"])):
            for i, name in enumerate(names):
                ids.append(short_hash("byline", aid, role, i, name))
                aids.append(aid)
                eids.append(entity_of("PER", name))
                surfaces.append(name)
                starts.append(None)
                ends.append(None)
                roles.append(role)
                titles.append(None)
        # a bare surname (老李 -> 李, 周总理 -> 周, the MSRA convention of the extractor) names nobody by itself:
        # it joins the one person of the article with that surname, and is left out when there is none or
        # several (an entity "李" would merge every Li of the archive)
        full = None
        for m in article_mentions:
            if m.type == "PER" and len(m.surface) == 1:
                if full is None:
                    full = {}
                    for mm in article_mentions:
                        if mm.type == "PER" and len(mm.surface) >= 2:
                            full.setdefault(mm.surface[0], set()).add(mm.surface)
                    for name in row["reporters"] + row["correspondents"]:
                        full.setdefault(name[:1], set()).add(name)
                names = full.get(m.surface, ())
                if len(names) != 1:
                    continue
                eid = entity_of("PER", next(iter(names)))
            else:
                eid = entity_of(m.type, m.surface)
            # short_hash("mention", aid, m.start, m.end, eid), written out (str(int) is its format of an int)
            ids.append(sha256(f"mention\x1f{aid}\x1f{m.start}\x1f{m.end}\x1f{eid}".encode()).hexdigest()[:20])
            aids.append(aid)
            eids.append(eid)
            surfaces.append(m.surface)
            starts.append(m.start)
            ends.append(m.end)
            roles.append("mentioned")
            titles.append(m.title)
    columns = {"mention_id": ids, "article_id": aids, "entity_id": eids, "surface": surfaces,
               "char_start": starts, "char_end": ends, "role": roles, "title": titles}
    return columns, list(ents.values())


def _metrics(article_rows: list[dict], found: list[list[dict]]) -> dict[str, list]:
    """The metrics rows as columns (see _mentions)."""
    ids: list[str] = []
    aids: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    fields: dict[str, list] = {k: [] for k in METRIC_FIELDS}
    getters = [(fields[k].append, k) for k in METRIC_FIELDS]
    sha256 = hashlib.sha256
    for row, article_metrics in zip(article_rows, found):
        aid = row["article_id"]
        for m in article_metrics:
            s, e = m["start"], m["end"]
            # short_hash("metric", aid, s, e), written out
            ids.append(sha256(f"metric\x1f{aid}\x1f{s}\x1f{e}".encode()).hexdigest()[:20])
            aids.append(aid)
            starts.append(s)
            ends.append(e)
            get = m.get
            for append, k in getters:
                append(get(k))
    columns = {"metric_id": ids, "article_id": aids, "char_start": starts, "char_end": ends, **fields}
    return {k: columns[k] for k in METRIC_SCHEMA}
