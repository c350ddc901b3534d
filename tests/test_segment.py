from pathlib import Path

import jieba
import pytest

from transforms import segment

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))


@pytest.fixture(scope="module")
def jieba_with_user_words():
    """jieba itself with the pipeline's user dictionary (the words it lacks, as segment.tokenizer adds them)."""
    tok = jieba.Tokenizer()
    tok.initialize()
    for word, tag in segment.user_words():
        if word not in tok.FREQ or not tok.FREQ[word]:
            tok.add_word(word, None, tag)
    return tok


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_rjieba_cut_agrees_with_jieba_on_the_seeds(path, jieba_with_user_words):
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            assert segment.cut(line) == jieba_with_user_words.lcut(line, HMM=True)


def test_user_dictionary_keeps_place_names_whole():
    assert "经开区党工委" in segment.cut("仪式由经开区党工委副书记主持")          # a reviewed alias
    assert segment.tag_batch(["由经开区"])[0][:2] == [("由", "p"), ("经开区", "ns")]


def test_entity_spans_count_as_one_token():
    text = "几位德国人参观了郑州经开区。"
    words = segment.cut(text)
    assert segment.merge_spans(text, words, [(2, 4)])[:3] == ["几位", "德国", "人"]
    counts, _ = segment.token_stats([text], [words], [[(2, 4), (8, 13)]])
    assert counts[0] == len([t for t in segment.merge_spans(text, words, [(2, 4), (8, 13)]) if segment.is_word(t)])


def test_keywords_are_content_words():
    text = "郑州经开区举行先进制造业园区管委会揭牌仪式。先进制造业园区位于郑州，园区面积103.4平方公里。"
    count, kws = segment.token_stats([text])
    assert count[0] > 10
    assert "园区" in kws[0] and "制造业" in kws[0]
    assert not {"。", "，", "103.4"} & set(kws[0])


def test_fold_batch_folds_like_fold():
    texts = ["２０２６年３月，ＧＤＰ增长５％！", "", "没有全角字符", "全角\u3000空格和𠀀字", "a\ud800b（注）"]
    assert segment.fold_batch(texts) == [segment.fold(t) for t in texts]
    assert segment.fold_batch(texts)[0] == "2026年3月,GDP增长5%!"


# Invented sentences (not from any evaluation file): entity-like spans that cut words, join words or are one
# word already; full-width letters and digits that `fold` changes (a text with spans counts them as the text
# has them, merge_spans slices its tokens out of the text); many words with one count and jieba's median
# IDF, so keyword scores tie and the word breaks the tie.
_INVENTED = [
    "几位德国人参观了郑州经开区，又去了洛阳。德国人说洛阳的牡丹很好看。",
    "ＡＢＣ科技公司在２０２６年发布了ＸＹ手机，ＡＢＣ科技公司的ＸＹ手机卖得不错。",
    "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥。",
    "这是一个没有任何实体的句子，只有普通的词语和标点！",
    "",
    "新华社北京电 记者王小明报道：全国春耕备耕工作会议在京召开，会议部署了春耕备耕工作。",
]


def _invented_spans(text: str) -> list[tuple[int, int]]:
    """Spans made from the text itself: every second word pair joined, a span cutting a word at its middle,
    and one span equal to a word."""
    words = segment.cut(segment.fold(text))
    offs = [0]
    for w in words:
        offs.append(offs[-1] + len(w))
    spans = []
    for i in range(0, len(words) - 2, 5):
        spans.append((offs[i], offs[i + 2]))                       # two words joined
        w = words[i + 3]
        if len(w) >= 2:
            spans.append((offs[i + 3] + 1, offs[i + 4]))           # a word cut after its first character
        elif i + 4 < len(words):
            spans.append((offs[i + 4], offs[i + 5]))               # a span that is one word
    return spans


def test_batch_token_stats_equal_text_by_text():
    """token_stats (numpy over the batch) gives the figures of token_stats_plain (merge_spans + _stats)."""
    texts = _INVENTED * 3
    words = [segment.cut(segment.fold(t)) for t in texts]
    spans = [_invented_spans(t) if i % 3 else [] for i, t in enumerate(texts)]
    assert any(spans) and not all(spans)
    assert segment.token_stats(texts, words, spans) == segment.token_stats_plain(texts, words, spans)
    assert segment.token_stats(texts, words) == segment.token_stats_plain(texts, words)
    # a text with spans keeps the text's own full-width letters: its keywords differ from its fold's
    with_spans = segment.token_stats([texts[1]], [words[1]], [_invented_spans(texts[1])])[1][0]
    assert any("Ａ" in k or "Ｘ" in k for k in with_spans)


def test_batch_token_stats_ties_are_broken_by_the_word():
    # two-character words jieba's IDF table does not have, each once: twelve scores tie at the median IDF
    pairs = ["甲乙", "戊己", "庚辛", "壬癸", "子丑", "寅卯", "辰巳", "午未", "戌亥", "卯辰", "巳午", "未申", "酉戌"]
    text = "，".join(pairs)
    words = [w for part in text.split("，") for w in (part, "，")][:-1]
    for spans in ([[(0, 2), (3, 5)]], None):
        counts, kws = segment.token_stats([text], [words], spans)
        assert (counts, kws) == segment.token_stats_plain([text], [words], spans)
        median = [p for p in pairs if segment._weight(p) == segment._idf()[1]]
        assert len(median) > segment.KEYWORDS_PER_ARTICLE
        assert kws[0] == sorted(median, reverse=True)[:segment.KEYWORDS_PER_ARTICLE]


def test_batch_token_stats_keep_full_width_words_of_texts_with_spans():
    """merge_spans slices a text with spans: a word outside every span keeps the text's full-width letters."""
    text = "新款ＸＹ手机上市，北京的商店里ＸＹ手机很多。"
    words = segment.cut(segment.fold(text))
    assert "XY" in words
    spans = [[(text.index("北京"), text.index("北京") + 2)]]
    counts, kws = segment.token_stats([text], [words], spans)
    assert (counts, kws) == segment.token_stats_plain([text], [words], spans)
    assert "ＸＹ" in kws[0] and "XY" not in kws[0]
    assert "XY" in segment.token_stats([text], [words])[1][0]          # without spans: the fold's words


def test_token_stats_falls_back_on_inputs_the_pipeline_does_not_make():
    text = "几位德国人参观了郑州经开区。"
    words = segment.cut(text)
    for spans in ([(2, 5), (4, 6)], [(8, 13), (2, 4)], [(2, 40)]):      # overlapping, unsorted, past the end
        assert segment.token_stats([text], [words], [spans]) == segment.token_stats_plain([text], [words], [spans])
    assert segment.token_stats([text], [["几位"]], [[]]) == segment.token_stats_plain([text], [["几位"]], [[]])


def test_token_stats_from_tagged_pairs_equal_from_words():
    """The pipeline passes rjieba's (word, tag) pairs (`tokens=`) instead of word lists: same figures, on the
    batch path and on the fallback."""
    texts = _INVENTED * 2
    tokens = segment.tag_batch(segment.fold_batch(texts))
    words = [[w for w, _ in toks] for toks in tokens]
    spans = [_invented_spans(t) if i % 2 else [] for i, t in enumerate(texts)]
    assert segment.token_stats(texts, spans=spans, tokens=tokens) == segment.token_stats_plain(texts, words, spans)
    assert segment.token_stats(texts, tokens=tokens) == segment.token_stats_plain(texts, words)
    # the batch computation itself reads the pairs (not only the text-by-text fallback)
    k = segment.KEYWORDS_PER_ARTICLE
    assert segment._batch_stats(texts, tokens, spans, k, True) == segment.token_stats_plain(texts, words, spans)
    text = "几位德国人参观了郑州经开区。"
    tagged = segment.tag_batch([text])
    overlapping = [[(2, 5), (4, 6)]]                                   # goes text by text
    assert segment.token_stats([text], spans=overlapping, tokens=tagged) == \
        segment.token_stats_plain([text], [[w for w, _ in tagged[0]]], overlapping)
