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
