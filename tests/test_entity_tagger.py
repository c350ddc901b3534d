"""The entity tagger's kernels, its training command and the committed model (own sentences only)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from transforms import segment
from transforms.entities import kernels as K
from transforms.entities import tagger as tg
from transforms.entities import train as tr

ROOT = Path(__file__).resolve().parents[1]


def test_bioes_constraints():
    ok = K.allowed()
    B, I, E, S = 1, 2, 3, 4            # PER
    assert ok[K.START, 0] and ok[K.START, B] and ok[K.START, S] and not ok[K.START, I]
    assert ok[B, I] and ok[B, E] and not ok[B, 0] and not ok[B, B] and not ok[B, 2 + 4]   # no I-LOC after B-PER
    assert ok[E, 0] and ok[E, 1 + 4] and not ok[E, I]
    assert ok[K.END, E] and ok[K.END, S] and ok[K.END, 0] and not ok[K.END, B]


def test_decoding_respects_constraints_whatever_the_scores():
    rng = np.random.default_rng(0)
    W = rng.normal(size=(50, K.ROW)).astype(np.float32)
    T = np.zeros((15, K.ROW), np.float32)
    ids = rng.integers(-1, 50, size=(40, 5)).astype(np.int32)
    offsets = np.array([0, 7, 7, 40], np.int64)
    labels = K.decode(ids, offsets, W, T)
    ok = K.allowed()
    for a, b in zip(offsets, offsets[1:]):
        if b > a:
            seq = [K.START, *labels[a:b].tolist()]
            assert all(ok[p, c] for p, c in zip(seq, seq[1:])) and ok[K.END, seq[-1]]
    for s, a, b, t in K.spans(labels, offsets):
        assert 0 <= a < b <= offsets[s + 1] - offsets[s] and t in (0, 1, 2)


def test_feature_keys_are_stable_and_local():
    texts = ["市工信局局长王智明说", "王智明说"]
    enc = tg.encode(texts, segment.tag_batch(texts))
    again = tg.encode(texts[1:], segment.tag_batch(texts[1:]))
    # the same characters in the same context give the same keys, whatever the batch
    assert (enc.keys[enc.offsets[1]:] == again.keys).all()
    assert (enc.keys[:, 0] == enc.keys[0, 0]).all()        # the bias feature


def test_word_info_in_bytes_gives_the_keys_and_labels_of_int64_columns():
    """word_info keeps positions, tags and lengths in int8: the keys and the labels are those of the same
    values in int64 (what it returned before)."""
    texts = ["省交通运输厅副厅长张明远昨天在郑州市调研，随后前往洛阳市第一人民医院看望医护人员。",
             "ABC公司 2024年 在  上海开会，中美双方举行会谈。", "好", "", "王智明说" * 30]
    tokens = segment.tag_batch(texts)
    enc = tg.encode(texts, tokens)
    want = {k: [] for k in ("pos", "tag", "wlen", "ptag", "ntag")}    # per character, from the words
    for words in tokens:
        ids = [tg._TAG_ID.get(t, 0) for _, t in words]
        for w, (word, _) in enumerate(words):
            for j in range(len(word)):
                want["pos"].append(0 if len(word) == 1 else 1 if j == 0 else 3 if j == len(word) - 1 else 2)
                want["tag"].append(ids[w])
                want["wlen"].append(min(len(word), 5))
                want["ptag"].append(ids[w - 1] if w > 0 else 0)
                want["ntag"].append(ids[w + 1] if w + 1 < len(words) else 0)
    pos, tag, _, wlen, ptag, ntag, _, _ = enc.info
    for name, got in zip(want, (pos, tag, wlen, ptag, ntag)):
        assert got.dtype == np.int8 and got.tolist() == want[name], name
    wide = tuple(x.astype(np.int64) if x.dtype.kind == "i" else x for x in enc.info)
    keys_wide = K.feature_keys(enc.sym, enc.offsets, *wide, *enc.lattice)
    assert (enc.keys == keys_wide).all()
    m = tg.model()
    labels_wide = K.tag_texts(enc.sym, enc.offsets, *wide, *enc.lattice, m.hot.view(np.uint64).reshape(-1), m.cold,
                              m.cold.view(np.uint32), m.bloom, m.bloom_log2, m.T)
    assert (m.labels(enc) == labels_wide).all()
    assert max(int(enc.info[1].max()), len(tg.POS_TAGS)) < 128       # every tag id fits a byte


def _tiny_corpus(path: Path) -> None:
    rows = []
    names = ["王建国", "李小明", "张伟", "刘芳", "陈志强", "杨帆"]
    places = ["北京", "上海", "郑州", "广州"]
    orgs = ["市教育局", "省财政厅", "县人民医院"]
    for i in range(60):
        n, p, o = names[i % 6], places[i % 4], orgs[i % 3]
        text = f"{p}{o}局长{n}昨天说，工作很顺利。"
        rows.append({"id": f"t{i}", "text": text, "entities": [
            {"start": 0, "end": len(p), "type": "LOC"},
            {"start": len(p), "end": len(p) + len(o), "type": "ORG"},
            {"start": len(p) + len(o) + 2, "end": len(p) + len(o) + 2 + len(n), "type": "PER"}]})
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def test_training_is_deterministic_and_learns(tmp_path):
    data = tmp_path / "train.jsonl"
    _tiny_corpus(data)
    opts = tr.Options(epochs=3, seed=5, name_lists=10, ensemble=2)
    counts = tr.train(data, data, tmp_path / "a.npz", opts, log=lambda _: None)
    tr.train(data, data, tmp_path / "b.npz", opts, log=lambda _: None)
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    assert tr.micro_f1(counts) > 0.95            # it fits what it was trained on
    model = tg.Model.load(tmp_path / "a.npz")
    assert model.meta["epochs"] == "3" and model.meta["ensemble"] == "2"
    assert model.meta["dictionary_sha256"] == tg.dictionary().sha256


def test_train_ner_command(tmp_path):
    data = tmp_path / "train.jsonl"
    _tiny_corpus(data)
    out = tmp_path / "m.npz"
    proc = subprocess.run([sys.executable, "-m", "flows.cli", "train-ner", "--train", str(data), "--dev", str(data),
                           "--out", str(out), "--epochs", "2", "--ensemble", "1", "--name-lists", "5"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "epoch  2" in proc.stdout and "PER P" in proc.stdout and out.is_file()
    bad = subprocess.run([sys.executable, "-m", "flows.cli", "train-ner", "--train", str(tmp_path / "none.jsonl"),
                          "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1 and bad.stderr.startswith("zhnews: no such file") and "Traceback" not in bad.stderr


def test_model_from_another_dictionary_is_refused(tmp_path):
    m = tg.model()
    other = tg.Model(m.keys[:10], m.W[:10], m.T, m.scale, {**m.meta, "dictionary_sha256": "0" * 64})
    other.save(tmp_path / "x.npz")
    with pytest.raises(tg.ModelError, match="another jieba dictionary"):
        tg.Model.load(tmp_path / "x.npz")


@pytest.mark.parametrize("text,span,expected", [
    ("他在《青年文摘》上读到", (2, 7), "青年文摘"),             # an opening mark at the edge: dropped
    ("他在《青年文摘》上读到", (3, 8), "青年文摘"),             # a closing mark at the edge: dropped
    ("英国《卫报》记者说", (0, 5), "英国《卫报》"),              # a mark inside: its partner comes in
    ("“蛟龙”号潜水器下潜", (1, 8), "“蛟龙”号潜水器"),
    ("在(北京)开会", (1, 5), "(北京)"),                      # a balanced span is left alone
    ("在北京开会", (1, 3), "北京"),
])
def test_span_marks_come_in_pairs(text, span, expected):
    a, b = tg.balance_marks(text, *span)
    assert text[a:b] == expected


# -- the committed model on sentences written for this test
KNOWN = [
    ("国务院总理李强昨天在北京会见了法国总统马克龙。",
     {("李强", "PER"), ("北京", "LOC"), ("法国", "LOC"), ("马克龙", "PER"), ("国务院", "ORG")}),
    ("郑州市教育局和河南省人民医院联合开展义诊活动，副院长张海涛带队。",
     {("郑州市教育局", "ORG"), ("河南省人民医院", "ORG"), ("张海涛", "PER")}),
    ("中国女排在东京以3比1战胜日本队。", {("中国女排", "ORG"), ("东京", "LOC"), ("日本队", "ORG")}),
]


@pytest.mark.parametrize("text,expected", KNOWN)
def test_committed_model_reproduces_known_spans(text, expected):
    enc = tg.encode([segment.fold(text)], segment.tag_batch([segment.fold(text)]))
    got = {(text[a:b], tg.TYPES[t]) for _, a, b, t in tg.model().spans(enc)}
    assert expected <= got, got


def test_committed_model_file():
    path = tg.MODEL_PATH
    assert path.is_file() and path.stat().st_size < 20 * 1024 * 1024
    meta = tg.model().meta
    assert meta["train_file"] == "msra_train.jsonl" and int(meta["features_version"]) == tg.FEATURES_VERSION


def _exact_decode(enc: tg.Encoded, model: tg.Model) -> np.ndarray:
    """The model's labels by the training decoder: every key looked up by its whole 64 bits, float Viterbi."""
    slots, vals = K.table_build(model.keys, tg._log2_size(model.keys.shape[0]))
    ids = K.lookup(enc.keys, slots, vals)
    W = np.zeros((model.W.shape[0], K.ROW), np.float32)
    W[:, :K.N_LABELS] = model.W
    return K.decode(ids, enc.offsets, W, model.T.astype(np.float32))


def test_fused_kernel_agrees_with_the_training_decoder():
    texts = ["省交通运输厅副厅长张明远昨天在郑州市调研，随后前往洛阳市第一人民医院看望医护人员。" * 3,
             "", "好", "记者从市教育局获悉：全市中小学将于9月1日开学，北京大学附属中学的老师王芳介绍了情况。",
             "中美双方在华盛顿举行会谈。" * 8]
    enc = tg.encode(texts, segment.tag_batch(texts))
    model = tg.model()
    labels = model.labels(enc)
    assert (labels == _exact_decode(enc, model)).all()
    assert (labels != 0).sum() > 10


def test_lattice_reads_words_and_their_prefixes_from_one_table(tmp_path):
    dict_txt = tmp_path / "dict.txt"
    dict_txt.write_text("北京 10 ns\n北京大学 5 nt\n张三丰 3 nr\n大学 9 n\n京大 1 nz\n", encoding="utf-8")
    d = tg.Dictionary(dict_txt)
    text = "北京大学张三丰"
    cp = tg._codes(text)
    starts, ends = K.lattice(cp, np.array([0, len(text)]), d.slots, d.vals, d.masks)
    PER, LOC, ORG, OTHER = range(4)
    assert starts[0].tolist() == [0, 2, 4, 0]              # 北京 (place), 北京大学 (organization)
    assert starts[1, OTHER] == 2 and ends[2, OTHER] == 2   # 京大
    assert ends[3, ORG] == 4 and ends[1, LOC] == 2
    assert starts[4, PER] == 3 and ends[6, PER] == 3
    assert not starts[2].any()                            # 大学 is no entity-like word


def test_suffix_lookahead_reaches_the_end_of_a_long_name():
    text = "黑龙江省牡丹江市煤气公司职工"
    enc = tg.encode([text], segment.tag_batch([text]))
    org, loc = enc.lattice[2], enc.lattice[3]
    assert org[0] == text.index("公司") + 1            # distance to the last character of 公司
    assert loc[0] == text.index("省")


def test_spans_without_marks_are_left_as_they_are_by_balance_marks():
    # tag_docs skips `balance_marks` for spans in which `_ANY_MARK` finds no mark: that must change nothing
    marks = "".join(tg._OPEN_CLOSE) + "".join(tg._CLOSE_OPEN)
    texts = ["他在《山河日报》发表文章。", "“绿水公司”与（青山集团）合作", "〈新歌〉「旧曲」『长诗』(短文)[附录]",
             "河北省》石家庄市《", "‘甲乙’丙丁”戊己“"]
    skipped = changed = 0
    for text in texts:
        for a in range(len(text)):
            for b in range(a + 2, len(text) + 1):
                if tg._ANY_MARK.search(text, a, b) is None:
                    assert tg.balance_marks(text, a, b) == (a, b)
                    skipped += 1
                elif tg.balance_marks(text, a, b) != (a, b):
                    changed += 1
    assert skipped > 50 and changed > 50
    assert all(tg._ANY_MARK.search(c) for c in marks)


def test_the_fast_path_of_spans_sees_every_space_and_mark():
    # tag_docs keeps a span untouched when `_MARK_OR_SPACE` finds nothing in it: no white space to trim and no
    # mark to balance
    assert all((c.isspace() or tg._ANY_MARK.match(c) is not None) == (tg._MARK_OR_SPACE.match(c) is not None)
               for c in map(chr, range(0x110000)))
