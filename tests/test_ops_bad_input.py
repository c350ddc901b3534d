"""Operations: bad input never stops a run; every bad kind lands in `sources` as rejected with its reason."""
from __future__ import annotations

import zlib

import pytest

from conftest import SEEDS, run_flow
from ops_snapshot import encode_as, query


@pytest.fixture(scope="module")
def bad_run(prefect_harness, tmp_path_factory):
    base = tmp_path_factory.mktemp("badinput")
    inputs = base / "in"
    inputs.mkdir()
    seeds = sorted(SEEDS.glob("*.txt"))
    texts = [p.read_bytes().decode("utf-8") for p in seeds]
    good = {"utf8_a.txt": texts[0].encode("utf-8"), "utf8_b.txt": texts[1].encode("utf-8"),
            "gbk.txt": encode_as(texts[2], "gbk"), "utf16.txt": encode_as(texts[3], "utf-16"),
            "bom.txt": encode_as(texts[4], "utf-8-sig")}
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + zlib.compress(bytes(range(256)) * 40)
    bad = {"empty.txt": b"", "blank.txt": b"  \n\n \t\n", "binary.dat": bytes(range(256)) * 64,
           "image.png": png, "one_line.txt": ("中国新闻" * 900_000).encode("utf-8"),      # ~10.8 MB, one line
           "english.txt": b"This is an English page, not a Chinese newspaper page.\n" * 50}
    for name, raw in {**good, **bad}.items():
        (inputs / name).write_bytes(raw)
    summary = run_flow([inputs], base / "wh.duckdb")
    rows = {path.rsplit("/", 1)[1]: (status, encoding, error) for path, status, encoding, error in query(
        base / "wh.duckdb", "SELECT path, status, encoding, error FROM sources")}
    return summary, rows, set(good), set(bad)


def test_good_pages_in_every_encoding_load(bad_run):
    summary, rows, good, _ = bad_run
    assert summary.status == "published"
    assert {name: rows[name][0] for name in good} == {name: "loaded" for name in good}
    assert rows["gbk.txt"][1] == "gb18030" and rows["utf16.txt"][1] == "utf-16"
    assert rows["bom.txt"][1] == "utf-8-sig" and rows["utf8_a.txt"][1] == "utf-8"
    assert summary.files_loaded == len(good)


@pytest.mark.parametrize("name, reason", [
    ("empty.txt", "empty"), ("blank.txt", "empty"), ("binary.dat", "binary"), ("image.png", ""),
    ("one_line.txt", "line of"), ("english.txt", "not a Chinese text page")])
def test_each_bad_kind_is_rejected_with_its_reason(bad_run, name, reason):
    _, rows, _, _ = bad_run
    status, _, error = rows[name]
    assert status == "rejected"
    assert error and reason in error


def test_summary_counts_and_lists_the_rejected(bad_run):
    summary, _, _, bad = bad_run
    assert summary.files_rejected == len(bad)
    assert {p.rsplit("/", 1)[1] for p, _ in summary.rejected} == bad
