"""Character-level cleaning: width, punctuation style, quotes, stray spaces; and its invisibility under
`conservation_key` (what lets the layout conservation check be exact)."""
from hypothesis import given, settings, strategies as st

from transforms import clean


def test_full_width_digits_and_letters_become_ascii():
    assert clean.normalize_width("２０２５年ＡＩ产业增长１２．５％") == "2025年AI产业增长12.5%"
    assert clean.normalize_width("全\u3000文") == "全 文"


def test_half_width_punctuation_in_chinese_context_becomes_full_width():
    assert clean.chinese_punctuation("2025年,产业规模:超2000亿元;管委会(筹)揭牌!") == "2025年，产业规模：超2000亿元；管委会（筹）揭牌！"


def test_numbers_times_and_english_keep_their_punctuation():
    assert clean.chinese_punctuation("总额1,000亿元,于10:30签约") == "总额1,000亿元，于10:30签约"
    assert clean.chinese_punctuation("Hello, world (test)") == "Hello, world (test)"


def test_straight_quotes_become_curly_in_chinese_text():
    assert clean.curly_quotes('以"线上+线下""直播+商品"的模式') == "以“线上+线下”“直播+商品”的模式"
    assert clean.curly_quotes('say "hi"') == 'say "hi"'


def test_stray_spaces_inside_body_are_removed():
    assert clean.remove_stray_spaces("改造提升传 统产业、整合营销 等服务,张波 出席") == "改造提升传统产业、整合营销等服务,张波出席"
    assert clean.remove_stray_spaces("向北郑州高铁东站20分钟即 达,107国 道") == "向北郑州高铁东站20分钟即达,107国道"


def test_space_between_ascii_words_stays():
    assert clean.remove_stray_spaces("发布 iPhone 15 手机") == "发布iPhone 15手机"


def test_space_between_parallel_quoted_phrases_stays_unless_a_word_crosses_it():
    assert clean.remove_stray_spaces("举行“拼抢一季度 奋战开门红”活动") == "举行“拼抢一季度 奋战开门红”活动"
    assert clean.remove_stray_spaces("弘扬“干事干 练干净”作风") == "弘扬“干事干练干净”作风"


def test_headings_keep_real_separators():
    assert clean.clean_heading("稳经济  促发展\u3000强信心 ") == "稳经济 促发展 强信心"


_ALPHABET = st.sampled_from(list("经济发展郑州记者,.:;!?()\"'，。：；！？（）“”‘’０１２３ＡＢａｂ12ab \u3000\t"))


@settings(max_examples=200, deadline=None)
@given(st.text(_ALPHABET, max_size=60))
def test_cleaning_is_invisible_to_the_conservation_key(s):
    key = clean.conservation_key(s)
    assert clean.conservation_key(clean.normalize_line(s)) == key
    assert clean.conservation_key(clean.clean_body_paragraph(clean.normalize_line(s))) == key
    assert clean.conservation_key(clean.clean_heading(clean.normalize_line(s))) == key
