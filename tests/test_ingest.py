import codecs

import pytest

from transforms import ingest
from transforms.ingest import RejectedInput, decode, source_id

PAGE = "河南省信息消费产业园区揭牌运营\n\n本报讯 8月9日上午,首届河南省信息消费体验节启动仪式在郑州经开区举行。\n"


@pytest.mark.parametrize("raw,encoding", [
    (PAGE.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + PAGE.encode("utf-8"), "utf-8-sig"),
    (PAGE.encode("gb18030"), "gb18030"),
    (PAGE.encode("gbk"), "gb18030"),
    (PAGE.encode("utf-16"), "utf-16"),
    (PAGE.encode("utf-16-le"), "utf-16-le"),
])
def test_decodes_every_encoding_a_newsroom_sends(raw, encoding):
    decoded = decode(raw)
    assert decoded.text.lstrip("\ufeff") == PAGE
    assert decoded.encoding == encoding


@pytest.mark.parametrize("raw,reason", [
    (b"", "empty"),
    (b"   \n\n", "empty"),
    (bytes(range(256)) * 20, "binary"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "binary"),
    (("汉" * 4_000_000).encode("utf-8"), "a line of"),
    (b"just some english words, not a chinese page\n" * 10, "not a Chinese"),
])
def test_rejects_bad_input_with_a_reason(raw, reason):
    with pytest.raises(RejectedInput, match=reason):
        decode(raw)


def test_source_id_is_sha256_of_bytes():
    assert source_id(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def _cjk_share_by_regex(text: str) -> float:
    """The regex count ingest._cjk_share had before it counted on a numpy array of code points (the reference)."""
    import re

    sample = text[:20000]
    letters = len("".join(sample.split()))
    return len(re.sub("[^\u4e00-\u9fff\u3400-\u4dbf]+", "", sample)) / letters if letters else 0.0


def test_cjk_share_counts_like_the_regex():
    texts = ["", "   \n\t", "abc", "今天天气很好", "今天 天气\u3000很好！", "㐀䶿一鿿\u33ff\u4dc0\ua000", "𠀀汉字 a1，。",
             "a\ud800b汉", "混合 text 和数字 2026 年" * 2000]
    for t in texts:
        assert ingest._cjk_share(t) == _cjk_share_by_regex(t), t
