from pathlib import Path

import jieba
import pytest

from transforms import segment

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_rjieba_cut_agrees_with_jieba_on_the_seeds(path):
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            assert segment.cut(line) == jieba.lcut(line, HMM=True)


def test_keywords_are_content_words():
    text = "郑州经开区举行先进制造业园区管委会揭牌仪式。先进制造业园区位于郑州，园区面积103.4平方公里。"
    count, kws = segment.token_stats([text])
    assert count[0] > 10
    assert "园区" in kws[0] and "制造业" in kws[0]
    assert not {"。", "，", "103.4"} & set(kws[0])
