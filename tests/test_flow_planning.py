"""The flow's pure planning steps, without a flow run: batches of files, and repeated content in one run."""
from __future__ import annotations

from flows.inputs import InputFile
from flows.pipeline import IngestedBatch, drop_repeated_content, plan_batches
from transforms.stages import PageInput


def _files(*sizes: int) -> list[InputFile]:
    return [InputFile(f"/in/{i}.txt", size) for i, size in enumerate(sizes)]


def test_plan_batches_keeps_order_and_fills_each_batch_up_to_the_limit():
    files = _files(4, 3, 3, 5, 1, 9)
    batches = plan_batches(files, batch_bytes=10)
    assert [[f.size for f in b] for b in batches] == [[4, 3, 3], [5, 1], [9]]
    assert [f for b in batches for f in b] == files                     # every file once, in order


def test_plan_batches_gives_a_file_larger_than_the_limit_a_batch_of_its_own():
    assert [[f.size for f in b] for b in plan_batches(_files(2, 25, 2), batch_bytes=10)] == [[2], [25], [2]]


def test_plan_batches_of_nothing_is_no_batch():
    assert plan_batches([], batch_bytes=10) == []


def _batch(number: int, *pages: tuple[str, str, int], rejected: tuple[str, ...] = ()) -> IngestedBatch:
    b = IngestedBatch(number)
    for sid, path, size in pages:
        b.pages.append(PageInput(sid, path, "正文"))
        b.loaded_meta.append({"source_id": sid, "path": path, "bytes": size})
        b.bytes += size
    b.rejected = [{"source_id": sid, "path": f"/bad/{sid}", "status": "rejected"} for sid in rejected]
    return b


def _state(b: IngestedBatch):
    return ([(p.source_id, p.path) for p in b.pages], [dict(m) for m in b.loaded_meta], [dict(r) for r in b.rejected],
            b.skipped, b.bytes)


def test_the_same_bytes_at_a_second_path_are_skipped_within_a_batch_and_across_batches():
    first = _batch(1, ("s1", "/a/one.txt", 10), ("s2", "/a/two.txt", 20), ("s1", "/b/one-copy.txt", 10))
    given = _state(first)
    kept, seen = drop_repeated_content(first, set())
    assert [(p.source_id, p.path) for p in kept.pages] == [("s1", "/a/one.txt"), ("s2", "/a/two.txt")]
    assert [m["path"] for m in kept.loaded_meta] == ["/a/one.txt", "/a/two.txt"]
    assert (kept.skipped, kept.bytes) == (1, 30)
    assert _state(first) == given                # the batch given is not changed

    second = _batch(2, ("s2", "/c/two-again.txt", 20), ("s3", "/c/three.txt", 5))
    before = set(seen)
    kept, added = drop_repeated_content(second, seen)
    assert [p.source_id for p in kept.pages] == ["s3"]
    assert (kept.skipped, kept.bytes) == (1, 5)
    assert added == {"s3"} and seen == before == {"s1", "s2"}      # what the batch adds; `seen` unchanged


def test_repeated_content_costs_the_batch_not_the_run_so_far():
    """Only the batch's new sources come back, for the flow to add to its own set: the run's set is not
    copied for every batch (a copy per batch made a run over an archive's files quadratic)."""
    seen = {f"earlier{i}" for i in range(100_000)}
    kept, added = drop_repeated_content(_batch(7, ("earlier5", "/x/old.txt", 4), ("new", "/x/new.txt", 6)), seen)
    assert [p.source_id for p in kept.pages] == ["new"] and kept.skipped == 1
    assert added == {"new"} and len(seen) == 100_000


def test_a_rejected_file_repeated_is_recorded_once():
    batch = _batch(1, ("ok", "/a/ok.txt", 3), rejected=("bad", "bad", "ok"))
    given = _state(batch)
    kept, seen = drop_repeated_content(batch, frozenset())
    assert [r["source_id"] for r in kept.rejected] == ["bad"]
    assert kept.skipped == 2                     # the second "bad", and "ok" whose bytes were already loaded
    assert [p.source_id for p in kept.pages] == ["ok"]
    assert seen == {"ok", "bad"} and _state(batch) == given


def test_batch_frames_travel_pickled_as_ipc_buffers_and_come_back_equal():
    """A transform result pickled to the flow (process pool, Dask) unpickles to bytes, not to frames (Prefect
    unpickles a process-pool result twice; one copy is thrown away), and `take()` gives back equal frames."""
    import pickle

    import polars as pl

    from flows.pipeline import BatchFrames

    frames = {"articles": pl.DataFrame({"id": ["a", "b"], "text": ["一段文字", "另一段"], "n": [1, None]},
                                       schema_overrides={"n": pl.Int32}),
              "mentions": pl.DataFrame({"span": [[0, 2], [3, 5]]}), "empty": pl.DataFrame()}
    travelled = pickle.loads(pickle.dumps(BatchFrames(frames)))
    assert travelled._frames is None and all(isinstance(v, bytes) for v in travelled._ipc.values())
    back = travelled.take()
    assert list(back) == list(frames)
    for name, frame in frames.items():
        assert back[name].schema == frame.schema and back[name].equals(frame)
    assert travelled._ipc is None            # let go once taken
    same = BatchFrames(frames)                # on threads: the frames themselves
    taken = same.take()
    assert all(taken[k] is frames[k] for k in frames)


def test_ingest_asks_the_status_of_its_own_batch_once_and_skips_what_is_loaded_or_rejected(tmp_path):
    """The warehouse's status is looked up per batch (a map of every source would grow with an archive)."""
    from flows.pipeline import ingest_batch
    from transforms import ingest

    files = []
    for name, text in (("a", "甲"), ("b", "乙"), ("c", "丙"), ("d", "丁")):
        path = tmp_path / f"{name}.txt"
        path.write_text(f"标题{text}\n\n正文{text}。\n", encoding="utf-8")
        files.append(InputFile(str(path), path.stat().st_size))
    sid = {f.path[-5]: ingest.source_id(open(f.path, "rb").read()) for f in files}
    asked = []

    def status(ids):
        asked.append(list(ids))
        return {sid["a"]: "loaded", sid["b"]: "rejected", sid["c"]: "quarantined"}

    batch = ingest_batch.fn(1, files, status, False)
    assert asked == [[sid[k] for k in "abcd"]]
    assert batch.skipped == 2 and [p.source_id for p in batch.pages] == [sid["c"], sid["d"]]
    asked.clear()
    assert len(ingest_batch.fn(1, files, status, True).pages) == 4 and asked == []   # full refresh: no lookup
