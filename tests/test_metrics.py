"""transforms.metrics: numerals, units and base values, qualifiers and ranges, look-alikes.
Example sentences are written for these tests (no evaluation data)."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings, strategies as st

from transforms.metrics import (
    METRIC_KEYS, base_factor, extract_metrics, extract_metrics_batch, parse_numeral, to_base,
)


def one(text: str) -> dict:
    ms = extract_metrics(text)
    assert len(ms) == 1, [m["surface"] for m in ms]
    return ms[0]


def close(a, b):
    return a is not None and math.isclose(a, b, rel_tol=1e-9)


# ------------------------------------------------------------------ numerals
@pytest.mark.parametrize("numeral,value", [
    ("328", 328), ("两千", 2000), ("十七", 17), ("五十", 50), ("三百零五", 305), ("一千零一", 1001),
    ("九百九", 990), ("一千三", 1300), ("九万四", 94000), ("四千零五万", 40050000),
    ("五亿零六", 500000006), ("三亿二千万", 320000000), ("5万4千6百", 54600), ("3万2000", 32000),
    ("二点五", 2.5), ("十五点七", 15.7), ("壹佰贰拾", 120), ("１２３", 123), ("1.5亿", 1.5e8),
])
def test_parse_numeral(numeral, value):
    assert parse_numeral(numeral)[0] == pytest.approx(value)


@pytest.mark.parametrize("bad", ["千万", "万万", "一一", "八点三十", "百", "三五"])
def test_parse_numeral_rejects_malformed(bad):
    assert parse_numeral(bad) is None


# ------------------------------------------------------------------ the contract examples
def test_money_lower_bound_in_yi():
    text = "到明年,该园区产业规模将超2000亿元。"
    m = one(text)
    assert text[m["start"]:m["end"]] == m["surface"] == "超2000亿元"
    assert (m["value"], m["unit"], m["base_unit"], m["kind"], m["qualifier"]) == (2000, "亿元", "CNY", "money", "超")
    assert close(m["base_value"], 2e11) and close(m["low"], 2e11) and m["high"] is None
    assert m["sentence"] == text


def test_area_in_wan():
    m = one("新建厂房20万平方米")
    assert (m["value"], m["unit"], m["kind"], m["base_unit"]) == (20, "万平方米", "area", "m2")
    assert close(m["base_value"], 2e5) and m["low"] == m["high"] == m["base_value"]


def test_people_in_wan_with_decimal():
    m = one("全镇常住人口5.53万人")
    assert (m["value"], m["unit"], m["kind"]) == (5.53, "万人", "count") and close(m["base_value"], 55300)


def test_chinese_numerals_count_and_money():
    ms = extract_metrics("全区五十个项目投资逾三百亿元")
    assert [m["surface"] for m in ms] == ["五十个", "逾三百亿元"]
    assert ms[0]["value"] == 50 and ms[0]["counted"] == "项目" and ms[0]["kind"] == "count"
    assert ms[1]["value"] == 300 and close(ms[1]["base_value"], 3e10) and ms[1]["qualifier"] == "逾"


def test_counted_before_the_number():
    m = one("现场解决问题6项。")
    assert m["counted"].endswith("问题") and m["value"] == 6


def test_range_of_grains():
    m = one("每亩播种50至200粒种子")
    assert (m["low"], m["high"], m["unit"], m["kind"]) == (50, 200, "粒", "count")


def test_range_of_years():
    m = one("工期3-5年")
    assert m["kind"] == "duration" and m["base_unit"] == "s"
    assert close(m["low"], 3 * 31557600) and close(m["high"], 5 * 31557600)


def test_full_width_digits():
    m = one("投资３２８亿元")
    assert m["value"] == 328 and close(m["base_value"], 3.28e10) and m["surface"] == "３２８亿元"


# ------------------------------------------------------------------ units and base values
@pytest.mark.parametrize("text,base,base_unit,kind", [
    ("收入8000元", 8000, "CNY", "money"),
    ("融资5000万元", 5e7, "CNY", "money"),
    ("出口额12亿美元", 1.2e9, "USD", "money"),
    ("价格30欧元", 30, "EUR", "money"),
    ("占地80亩", 80 * 666.6666666666666, "m2", "area"),
    ("园区面积103.4平方公里", 103.4e6, "m2", "area"),
    ("湿地12公顷", 1.2e5, "m2", "area"),
    ("道路长1.5公里", 1500, "m", "length"),
    ("年产10万吨", 1e5, "t", "mass"),
    ("日均20万公斤", 200, "t", "mass"),
    ("蓄水300立方米", 300, "m3", "volume"),
    ("最高气温11.6℃", 11.6, "degC", "temperature"),
    ("工期18天", 18 * 86400, "s", "duration"),
    ("车程10分钟", 600, "s", "duration"),
    ("连续运行72小时", 72 * 3600, "s", "duration"),
    ("装机容量60万千瓦", 6e8, "W", "power"),
    ("占比82%", 82, "percent", "percent"),
    ("占比百分之十五", 15, "percent", "percent"),
    ("提高3个百分点", 3, "percentage_point", "percentage_point"),
    ("商品打八折", 80, "percent", "discount"),
    ("约有三成", 30, "percent", "tenths"),
])
def test_units_and_base(text, base, base_unit, kind):
    m = one(text)
    assert close(m["base_value"], base) and m["base_unit"] == base_unit and m["kind"] == kind
    factor, bu, k = base_factor(m["unit"])
    assert (bu, k) == (base_unit, kind) and close(m["value"] * factor, m["base_value"])


@pytest.mark.parametrize("text,classifier,counted", [
    ("新增企业30家", "家", None), ("带动10万人就业", "万人", None), ("落地8项", "项", None),
    ("贯通26条产业链", "条", "产业链"), ("开行100列以上", "列", None), ("7所院校", "所", "院校"),
    ("组建5支队伍", "支", "队伍"), ("帮扶300户", "户", None), ("招聘20名教师", "名", "教师"),
    ("开展3次检查", "次", None), ("分两批实施", "批", None), ("新建12座桥梁", "座", "桥梁"),
])
def test_counts_with_classifiers(text, classifier, counted):
    m = one(text)
    assert m["kind"] == "count" and m["unit"] == classifier and m["base_unit"] == "count"
    if counted:
        assert m["counted"] == counted


def test_percent_and_points_and_tenths_are_apart():
    kinds = [m["kind"] for m in extract_metrics("增长8%,高出2个百分点,达到七成,售价九折")]
    assert kinds == ["percent", "percentage_point", "tenths", "discount"]


def test_fahrenheit_converted_to_celsius():
    b, bu, _ = to_base(212, "华氏度")
    assert bu == "degC" and close(b, 100)


def test_negative_temperature():
    m = one("最低气温零下5℃")
    assert m["value"] == -5 and m["surface"] == "零下5℃"


# ------------------------------------------------------------------ qualifiers and bounds
@pytest.mark.parametrize("text,qualifier,bound", [
    ("投资超过50亿元", "超过", "lower"), ("企业逾百家外", "逾", "lower"),
    ("投资280亿元以上", "以上", "lower"), ("不少于150个", "不少于", "lower"),
    ("不低于30%", "不低于", "lower"), ("突破70%", "突破", "lower"),
    ("不超过50人", "不超过", "upper"), ("控制在5%以内", "以内", "upper"),
    ("约200人", "约", "approx"), ("近3万人", "近", "approx"), ("200人左右", "左右", "approx"),
    ("30多个项目", "多", "lower"), ("500余家企业", "余", "lower"),
])
def test_qualifiers(text, qualifier, bound):
    ms = extract_metrics(text)
    assert len(ms) == 1
    m = ms[0]
    assert m["qualifier"] == qualifier
    assert m["surface"] in text
    if bound == "lower":
        assert m["low"] == m["base_value"] and m["high"] is None
    elif bound == "upper":
        assert m["low"] is None and m["high"] == m["base_value"]
    else:
        assert m["low"] == m["high"] == m["base_value"]


def test_bound_pair_becomes_range():
    m = one("温度大于10℃小于20℃")
    assert (m["low"], m["high"]) == (10, 20)


@pytest.mark.parametrize("text", ["分数小于90大于60", "人数少于500多于300", "身高低于180高于150"])
def test_upper_bound_first_becomes_range(text):
    m = one(text)  # 大 of 大于 is no look-alike (十大), 多 of 多于 no approximation (200多)
    assert m["low"] is not None and m["high"] is not None and m["low"] < m["high"]


# ------------------------------------------------------------------ look-alikes: no metric
@pytest.mark.parametrize("text", [
    "展区设在2号馆", "沿310国道布局", "建设5G基站", "创建4A级景区", "引进世界500强企业",
    "围绕“1469”发展思路", '围绕"1469"发展思路', "第十七届博览会", "3月9日上午", "2023年底前完成",
    "开展三送一强活动", "实施十大战略", "推进一网统筹", "学习党的二十大精神", "2025年",
    "1987年1月11日", "上午9时30分", "八点三十分开会", "一个中心", "千万不要大意",
    "G310沿线", "电话0371-12345678", "统一部署", "进一步推进", "万人助万企",
    "十二届四次全会", "五湖四海", "新华三大数据公司", "一楼大厅", "八六三园区", "汽车零部件",
])
def test_lookalikes_produce_no_metric(text):
    assert extract_metrics(text) == []


def test_quoted_slogan_with_count_is_skipped():
    assert extract_metrics("把牢“三个坚持”") == []


# ------------------------------------------------------------------ interface
def test_keys_and_batch():
    texts = ["签约总金额达328亿元。", "", "无数字"]
    out = extract_metrics_batch(texts)
    assert len(out) == 3 and out[1] == [] and out[2] == []
    m = out[0][0]
    assert tuple(m) == METRIC_KEYS
    assert isinstance(m["value"], float) and isinstance(m["base_value"], float)


def test_sentence_is_the_containing_sentence():
    text = "第一句话。今年新增企业30家!下一句"
    m = one(text)
    assert m["sentence"] == "今年新增企业30家!"


# ------------------------------------------------------------------ properties
_ALPHABET = st.sampled_from(list(
    "0123456789０１２３.,%-~至到一二两三四五六七八九十百千万亿零点多余约超逾以上下左右个家人项亿元万元"
    "平方米公里吨年月日号第届“”\"大强G A级 ,。\n半分之又负℃度温"))


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_offsets_always_slice_to_surface(text):
    ms = extract_metrics(text)
    last_end = -1
    for m in ms:
        assert text[m["start"]:m["end"]] == m["surface"]
        assert 0 <= m["start"] < m["end"] <= len(text) and m["end"] - m["start"] == len(m["surface"])
        assert m["start"] >= last_end  # no overlaps, in order
        last_end = m["end"]
        assert math.isfinite(m["base_value"])
        factor, base_unit, kind = base_factor(m["unit"])
        assert (base_unit, kind) == (m["base_unit"], m["kind"]) or m["base_unit"] == "degC"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_never_crashes_on_arbitrary_text(text):
    for m in extract_metrics(text):
        assert text[m["start"]:m["end"]] == m["surface"] and 0 <= m["start"] < m["end"] <= len(text)


# ------------------------------------------------------------------ more grammar
@pytest.mark.parametrize("text,value,unit", [
    ("月薪涨到25k", 25000, None),                # k = thousand, joins the number
    ("新增18k名用户", 18000, "名"),
    ("降低0.5k个百分点", 500, "个百分点"),
    ("花了千二", 1200, None),                    # colloquial 千二 = 1200
    ("每斤百八块", 180, "块"),
    ("算式3^2", 9, None), ("系数10^-2", 0.01, None),
    ("净值１２，３４５元", 12345, "元"),          # full-width digits, full-width separator
])
def test_more_numerals(text, value, unit):
    m = one(text)
    assert close(m["value"], value) and m["unit"] == unit


@pytest.mark.parametrize("text,base,kind", [
    ("全场商品打对折", 50, "discount"), ("只赚半成", 5, "tenths"), ("他已半百", 50, "number"),
    ("约有六成三的居民", 63, "tenths"), ("增长百分之二十百分点", 20, "percent"),
])
def test_words_without_digits_and_tenths(text, base, kind):
    m = one(text)
    assert close(m["base_value"], base) and m["kind"] == kind


@pytest.mark.parametrize("text", [
    "采购4K电视", "购买8K显示器", "这里是半成品仓库", "纸张对折后", "数百三甲医院", "六成一线城市",
    "型号AK47",
])
def test_more_lookalikes(text):
    ms = extract_metrics(text)
    assert all(m["surface"] not in ("4K", "8K", "半成", "对折", "百三", "六成一", "47") for m in ms), ms
    assert not any(m["value"] in (61, 6.1, 130) for m in ms)


def test_doubled_dash_is_not_a_sign():
    m = one("—— 9")
    assert m["value"] == 9
    assert one("－－7")["value"] == 7


def test_comparison_signs_bound():
    m = one("误差<=5%")
    assert m["low"] is None and m["high"] == 5
    m = one("得分≥90")
    assert m["low"] == 90 and m["high"] is None


@pytest.mark.parametrize("text,counted", [
    ("建成6个现代农业示范园区", "现代农业示范园区"),   # the noun phrase after the classifier
    ("全市12个村，", "村"), ("全区38个县进入", "县"),     # single-character nouns
    ("共有4个人", "人"),
    ("六部门联合发文", None),                          # 部门 is one word: 门 is not counted
    ("实现两位数增长", None),
    ("9个项目全面开工", "项目"),
])
def test_counted_noun_phrase(text, counted):
    m = one(text)
    assert m["counted"] == counted


# ------------------------------------------------------------------ whole words of the tokenization
@pytest.mark.parametrize("text,surface,qualifier", [
    ("公司签约了50个合作项目", "50个", None),          # 约 inside 签约 is no qualifier
    ("双方当天签约三个新项目", "三个", None),
    ("物流环节节约5天时间", "5天", None),                # 节约
    ("最近3年新建学校", "3年", None),                    # 近 inside 最近
    ("新修公路全长约350公里", "约350公里", "约"),         # the tokenizer glued 约 to 全长: still a qualifier
    ("两国近30位企业家出席", "近30位", "近"),
    ("签约额超1500亿元", "超1500亿元", "超"),
])
def test_qualifier_only_as_a_word(text, surface, qualifier):
    m = one(text)
    assert (m["surface"], m["qualifier"]) == (surface, qualifier)


def test_sign_only_as_a_word():
    m = one("为企业减负1760亿元")        # 负 inside 减负 is no minus sign
    assert m["value"] == 1760 and m["surface"] == "1760亿元"
    assert one("不负十四亿人民的期待")["value"] == 14 or True  # 十四亿 may stand alone; never negative
    assert all(x["value"] > 0 for x in extract_metrics("不负十四亿人民的期待"))
    assert one("同比增长负3.2%")["value"] == -3.2


@pytest.mark.parametrize("text", [
    "5元素构成", "五成员国", "本科以上学历", "三天两头开会", "同一天出发", "老两口过年", "正月十五闹花灯",
    "二十世纪八十年代", "五棵松体育馆", "消防救援队伍对标", "张陆首先发言",
])
def test_unit_or_numeral_inside_another_word_is_no_metric(text):
    assert extract_metrics(text) == [], [m["surface"] for m in extract_metrics(text)]


def test_post_qualifier_only_as_a_word():
    assert one("拨款50万元上下游企业共享")["qualifier"] is None      # 上下游
    assert one("约有4亿左右的用户")["qualifier"] in ("约", "左右")   # 亿左右: glued, still a qualifier


def test_tokenizer_glue_keeps_the_unit():
    assert one("春运40天全社会出行")["surface"] == "40天"          # 天全 (a county) is the tokenizer's
    assert one("建成50年来首次大修")["surface"] == "50年"
    assert one("全组15个人都到齐了")["counted"] == "人"


# ------------------------------------------------------------------ approximate and vague numerals
@pytest.mark.parametrize("text,surface,value,low,high,qualifier", [
    ("现场有数十家企业", "数十家", 10, 10, 100, "数"),
    ("吸引几百人参观", "几百人", 100, 100, 1000, "几"),
    ("累计投入数百亿元", "数百亿元", 100, 1e10, 1e11, "数"),
    ("上千名志愿者参与", "上千名", 1000, 1000, None, "上"),
    ("上万人观看", "上万人", 1, 1e4, None, "上"),
    ("近百人受益", "近百人", 100, 100, 100, "近"),
    ("逾千家商户入驻", "逾千家", 1000, 1000, None, "逾"),
    ("百余人列队", "百余人", 100, 100, None, "余"),
    ("万余名跑者参赛", "万余名", 1, 1e4, None, "余"),
    ("累计融资亿余元", "亿余元", 1, 1e8, None, "余"),
    ("还要两三个月", "两三个月", 2, 2 * 2629800, 3 * 2629800, "两三"),
    ("培训十几个班", "十几个", 10, 10, None, "几"),
    ("一两年内完工", "一两年", 1, 31557600, 2 * 31557600, "一两"),
    ("老人七八十岁", "七八十岁", 70, 70, 80, "七八"),
    ("三四百公里的路程", "三四百公里", 300, 3e5, 4e5, "三四"),
])
def test_vague_numerals(text, surface, value, low, high, qualifier):
    m = one(text)
    assert (m["surface"], m["qualifier"]) == (surface, qualifier)
    assert close(m["value"], value) and close(m["low"], low)
    assert (m["high"] is None) if high is None else close(m["high"], high)
    assert m["base_value"] == m["low"]


@pytest.mark.parametrize("text,surface,low,high,qualifier", [
    ("来了一位三十五六岁的男子", "三十五六岁", 35, 36, "五六"),
    ("来了十七八个学生", "十七八个", 17, 18, "七八"),
    ("能坐一百二三十人", "一百二三十人", 120, 130, "二三"),
    ("月租两千三四百元", "两千三四百元", 2300, 2400, "三四"),
    ("销量二十五六万台", "二十五六万台", 2.5e5, 2.6e5, "五六"),
])
def test_digit_pair_after_a_numeral(text, surface, low, high, qualifier):
    m = one(text)
    assert (m["surface"], m["qualifier"]) == (surface, qualifier)
    assert close(m["low"], low) and close(m["high"], high) and m["base_value"] == m["low"]


@pytest.mark.parametrize("text", ["一二类树苗", "二三级医院", "三五成群地走"])
def test_digit_pairs_that_are_ranks_or_idioms(text):
    assert not any(m["high"] != m["low"] for m in extract_metrics(text))


def test_vague_numeral_stops_at_a_word():
    ms = extract_metrics("数百三甲医院参加")
    assert [m["surface"] for m in ms] == ["数百"] and ms[0]["high"] == 1000


# ------------------------------------------------------------------ signed values and ranges
@pytest.mark.parametrize("text,surface,low,high,unit", [
    ("夜间最低零下8℃至2℃", "零下8℃至2℃", -8, 2, "℃"),
    ("预计零下10℃至零下2℃", "零下10℃至零下2℃", -10, -2, "℃"),
    ("气温-6～3℃", "-6～3℃", -6, 3, "℃"),
    ("偏北风3到4级", "3到4级", 3, 4, "级"),
    ("阵风6-7级", "6-7级", 6, 7, "级"),
    ("月薪4-6万元", "4-6万元", 4e4, 6e4, "万元"),
    ("每套6万至9万元", "6万至9万元", 6e4, 9e4, "万元"),
    ("工期一至两年", "一至两年", 31557600, 2 * 31557600, "年"),
    ("温度在15和25度之间", "15和25度之间", 15, 25, "度"),
    ("补贴5千到2万元", "5千到2万元", 5e3, 2e4, "万元"),
    ("额度在6000至10万元", "6000至10万元", 6e3, 1e5, "万元"),
    ("每班40余至60人", "40余至60人", 40, 60, "人"),
])
def test_signed_values_and_ranges(text, surface, low, high, unit):
    m = one(text)
    assert (m["surface"], m["unit"]) == (surface, unit)
    assert close(m["low"], low) and close(m["high"], high) and m["base_value"] == m["low"]


def test_level_only_on_a_scale():
    assert one("发生6.1级地震")["kind"] == "level"
    assert one("风力7级")["kind"] == "level"
    assert one("受13级台风影响")["kind"] == "level" and one("强台风14级登陆")["kind"] == "level"
    assert extract_metrics("全市3级医院") == []              # a rank
    assert extract_metrics("开通2到3号线") == []             # a code, both ends


def test_negative_values():
    assert one("最低零下12℃")["value"] == -12
    assert one("增速为负1.5%")["value"] == -1.5


# ------------------------------------------------------------------ magnitudes without a number
@pytest.mark.parametrize("text,surface,unit,low", [
    ("新签超亿元项目8个", "超亿元", "亿元", 1e8),
    ("引进亿元以上项目", "亿元以上", "亿元", 1e8),
    ("打造千万级用户平台", "千万级", "万", 1e7),
    ("形成百亿级产业集群", "百亿级", "亿", 1e10),
    ("建成万吨级码头", "万吨级", "万吨", 1e4),
    ("可停靠5000吨级货轮", "5000吨级", "吨", 5000),
    ("营收超千万元", "超千万元", "万元", 1e7),
])
def test_magnitudes_as_lower_bounds(text, surface, unit, low):
    m = [x for x in extract_metrics(text) if x["surface"] == surface]
    assert m, [x["surface"] for x in extract_metrics(text)]
    m = m[0]
    assert m["unit"] == unit and close(m["low"], low) and m["high"] is None and m["qualifier"]


def test_bare_magnitudes_stay_out():
    assert extract_metrics("千万不要大意") == [] and extract_metrics("开展万人助万企活动") == []


# ------------------------------------------------------------------ money implied by its context
@pytest.mark.parametrize("text,surface,base,unit", [
    ("该园区投资总额突破80亿", "突破80亿", 8e9, "亿(元)"),
    ("全年营收达2.5万亿，", "2.5万亿", 2.5e12, "万亿(元)"),
    ("带动上百亿产值", "上百亿", 1e10, "亿(元)"),
    ("进口额9亿美元，出口额达6亿。", "6亿", 6e8, "亿(美元)"),
    ("全年产值可达8亿，", "8亿", 8e8, "亿(元)"),
])
def test_money_implied(text, surface, base, unit):
    m = [x for x in extract_metrics(text) if x["surface"] == surface][0]
    assert m["kind"] == "money" and m["unit"] == unit and m["unit_implied"] is True
    assert close(m["base_value"], base)
    factor, base_unit, kind = base_factor(m["unit"])
    assert (base_unit, kind) == (m["base_unit"], "money") and close(m["value"] * factor, m["base_value"])


@pytest.mark.parametrize("text", ["全市人口达1.2亿", "投资带动就业1.3万", "利润增长三分之一"])
def test_no_money_without_its_context(text):
    assert all(m["kind"] != "money" for m in extract_metrics(text))


def test_explicit_money_is_not_implied():
    m = one("投资50亿元")
    assert m["unit"] == "亿元" and m["unit_implied"] is False


# ------------------------------------------------------------------ not quantities
@pytest.mark.parametrize("text", [
    "一曲惊艳四座的舞蹈", "艳惊四座", "大家一心一意", "不能三心二意", "来自四面八方",
    "十四届全国人大二次会议", "全国政协三次会议开幕", "第三次会议", "编制十四五规划", "2号馆展出",
    "310国道沿线", "中央1号文件",
])
def test_not_quantities(text):
    assert extract_metrics(text) == [], [m["surface"] for m in extract_metrics(text)]


def test_meetings_counted_after_a_verb():
    m = one("今年召开3次会议")
    assert m["value"] == 3 and m["counted"] == "会议"


# ------------------------------------------------------------------ one tokenization
def _cut(text):
    import rjieba
    return rjieba.cut(text)


def test_words_given_or_not_give_the_same_metrics():
    texts = ["公司签约了50个合作项目，投资总额突破80亿。", "夜间最低零下8℃至2℃，偏北风3到4级",
             "吸引几百人参观，近百人受益"]
    words = [_cut(t) for t in texts]
    assert extract_metrics_batch(texts, words) == extract_metrics_batch(texts) \
        == [extract_metrics(t, w) for t, w in zip(texts, words)]


def test_a_unit_at_the_end_of_the_text():
    m = one("人民币 50元")
    assert m["end"] == len("人民币 50元") and m["surface"] == "50元"


def test_full_width_text_with_the_pipelines_words():
    text = "投资３２８亿元，约５０个项目"
    folded = text.translate({i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)})
    assert extract_metrics(text, _cut(folded)) == extract_metrics(text)


def test_words_must_tokenize_the_text():
    with pytest.raises(ValueError):
        extract_metrics("投资50亿元", ["投资", "50"])


_PIECES = st.sampled_from([
    "签约", "约", "近", "超", "数", "几", "上", "十", "百", "千", "万", "亿", "两", "三", "五", "七八",
    "50", "3.5", "-", "至", "到", "和", "之间", "个", "家", "人", "元", "亿元", "万元", "年", "天", "级",
    "℃", "零下", "负", "以上", "左右", "多", "余", "投资", "总额", "突破", "营收", "达", "，", "。", " ",
    "四座", "惊艳", "次", "会议", "号", "的", "项目", "吨",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=14).map("".join))
def test_offsets_with_words_given(text):
    words = _cut(text) if text else []
    with_words = extract_metrics(text, words)
    assert with_words == extract_metrics(text)
    for m in with_words:
        assert text[m["start"]:m["end"]] == m["surface"] and 0 <= m["start"] < m["end"] <= len(text)
        assert m["low"] is None or m["high"] is None or m["low"] <= m["high"]
        assert (m["low"] is None or m["low"] <= m["base_value"]) and (m["high"] is None or m["base_value"] <= m["high"])
        factor, base_unit, kind = base_factor(m["unit"])
        assert base_unit == m["base_unit"] or m["base_unit"] == "degC"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789一二三十百千万亿约超近数几上个元年级至-℃签负下零以多，。")),
               max_size=30), st.randoms(use_true_random=False))
def test_any_segmentation_keeps_offsets(text, rnd):
    """Whatever words a caller passes (lengths adding up to the text's), offsets stay exact."""
    words, i = [], 0
    while i < len(text):
        k = rnd.randint(1, 4)
        words.append(text[i:i + k])
        i += k
    for m in extract_metrics(text, words):
        assert text[m["start"]:m["end"]] == m["surface"] and 0 <= m["start"] < m["end"] <= len(text)


def test_counted_noun_after_a_described_noun():
    m = one("集中签约了20个起点高、效益好的产业项目")
    assert m["counted"] == "产业项目" and m["qualifier"] is None


def test_numbers_filter_has_the_implied_flag():
    import json
    import subprocess
    import sys
    from pathlib import Path
    out = subprocess.run([sys.executable, "-m", "flows.cli", "numbers"], input='{"id":1,"text":"营收达3.2万亿"}\n',
                         capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parent.parent)
    m = json.loads(out.stdout)["metrics"][0]
    assert m["kind"] == "money" and m["unit"] == "万亿(元)" and m["unit_implied"] is True


@pytest.mark.parametrize("text,value", [("身高一米八", 1.8), ("一米七五的个子", 1.75), ("两元五角钱", 2.5)])
def test_next_unit_down_as_a_digit(text, value):
    assert close(one(text)["value"], value)


def test_digit_after_a_metre_that_counts_something_else():
    assert [m["surface"] for m in extract_metrics("三米五个人")] == ["三米", "五个"]


# ------------------------------------------------------------------ fractions and halves with a bound
@pytest.mark.parametrize("text,surface,value,low,high,qualifier", [
    ("约三分之一的游客来自外省", "约三分之一", 1 / 3, 1 / 3, 1 / 3, "约"),
    ("农田的四分之三以上实现灌溉", "四分之三以上", 0.75, 0.75, None, "以上"),
    ("超过五分之二的学生选择住校", "超过五分之二", 0.4, 0.4, None, "超过"),
    ("不到1/4的店铺营业", "不到1/4", 0.25, None, 0.25, "不到"),
    ("全村一半以上的农户种茶", "一半以上", 0.5, 0.5, None, "以上"),
    ("超过半数的委员赞成", "超过半数", 0.5, 0.5, None, "超过"),
    ("产量占全省近一半", "近一半", 0.5, 0.5, 0.5, "近"),
    ("年度计划已完成过半", "过半", 0.5, 0.5, None, "过"),
    ("过半数股东同意", "过半数", 0.5, 0.5, None, "过"),
])
def test_fractions_and_halves_take_qualifiers(text, surface, value, low, high, qualifier):
    m = one(text)
    assert (m["surface"], m["qualifier"], m["kind"]) == (surface, qualifier, "number")
    assert close(m["value"], value)
    assert (m["low"] is None) if low is None else close(m["low"], low)
    assert (m["high"] is None) if high is None else close(m["high"], high)


@pytest.mark.parametrize("text", ["一半靠天，一半靠人", "他和另一半去旅行", "半数企业尚未复工", "过半天再来取"])
def test_a_half_without_a_bound_is_no_metric(text):
    assert extract_metrics(text) == [], [m["surface"] for m in extract_metrics(text)]


# ------------------------------------------------------------------ the first N (前五) as 前5
@pytest.mark.parametrize("text,surface,value", [
    ("出口额位居全省前五的县", "五", 5), ("球队挤进了前八", "八", 8), ("她获得前十名", "十名", 10),
    ("他的成绩排在前3", "3", 3),
])
def test_the_first_n(text, surface, value):
    m = one(text)
    assert (m["surface"], m["value"]) == (surface, value)


@pytest.mark.parametrize("text", ["会议前一天抵达", "前两天我见过他", "新建前三合村小学"])
def test_before_a_numeral_that_is_no_rank(text):
    assert extract_metrics(text) == [], [m["surface"] for m in extract_metrics(text)]


# ------------------------------------------------------------------ 来 after a round number: about
@pytest.mark.parametrize("text,surface,value,unit", [
    ("一位四十来岁的司机", "四十来岁", 40, "岁"), ("院里住着十来户人家", "十来户", 10, "户"),
    ("礼堂坐了百来人", "百来人", 100, "人"), ("吸引了2000来名观众", "2000来名", 2000, "名"),
])
def test_lai_after_a_round_number_is_about(text, surface, value, unit):
    m = one(text)
    assert (m["surface"], m["value"], m["unit"], m["qualifier"]) == (surface, value, unit, "来")
    assert m["low"] == m["high"] == m["base_value"]


@pytest.mark.parametrize("text", ["一来交通方便，二来价格低", "建厂十年来首次停产"])
def test_lai_that_is_no_about(text):
    assert all(m["qualifier"] != "来" for m in extract_metrics(text))


# ------------------------------------------------------------------ 多 or 半 between 个 and a unit of time
@pytest.mark.parametrize("text,surface,value,unit,low,high,qualifier", [
    ("施工持续了两个多月", "两个多月", 2, "个月", 2 * 2629800, None, "多"),
    ("排队等了一个多小时", "一个多小时", 1, "个小时", 3600, None, "多"),
    ("全程约三个半小时", "约三个半小时", 3.5, "个小时", 3.5 * 3600, 3.5 * 3600, "约"),
    ("用时6个半月", "6个半月", 6.5, "个月", 6.5 * 2629800, 6.5 * 2629800, None),
])
def test_more_or_half_inside_a_unit_of_time(text, surface, value, unit, low, high, qualifier):
    m = one(text)
    assert (m["surface"], m["unit"], m["kind"], m["qualifier"]) == (surface, unit, "duration", qualifier)
    assert close(m["value"], value) and close(m["low"], low)
    assert (m["high"] is None) if high is None else close(m["high"], high)


def test_more_after_a_count_is_no_duration():
    assert one("来了三个多人")["unit"] == "个"


# ------------------------------------------------------------------ 半 before a unit: half of it
@pytest.mark.parametrize("text,surface,base,unit,qualifier", [
    ("步行半小时就到", "半小时", 1800, "小时", None),
    ("两国交往已近半个世纪", "近半个世纪", 0.5 * 3155760000, "个世纪", "近"),
    ("这口井深约半公里", "约半公里", 500, "公里", "约"),
    ("工程延误了半个多月", "半个多月", 0.5 * 2629800, "个月", "多"),
    ("两个世纪以前的建筑", "两个世纪", 2 * 3155760000, "个世纪", None),
])
def test_half_of_a_unit(text, surface, base, unit, qualifier):
    m = one(text)
    assert (m["surface"], m["unit"], m["qualifier"]) == (surface, unit, qualifier)
    assert close(m["base_value"], base)


@pytest.mark.parametrize("text", ["今年上半年产量", "下半年继续推进", "他等了半天", "一步也不退半步", "半岛局势",
                                  "队伍绕操场半周", "喊出“半年冲刺”的口号"])
def test_half_that_is_no_quantity(text):
    assert extract_metrics(text) == [], [m["surface"] for m in extract_metrics(text)]


# ------------------------------------------------------------------ a share written before the number (百分之)
@pytest.mark.parametrize("text,surface,value,low,high,qualifier", [
    ("利率约百分之四", "约百分之四", 4, 4, 4, "约"),
    ("超过百分之六十的居民", "超过百分之六十", 60, 60, None, "超过"),
    ("涨幅为百分之三十多", "百分之三十多", 30, 30, None, "多"),
    ("增速为负百分之二", "负百分之二", -2, -2, -2, None),
    ("覆盖率达百分之七八十", "百分之七八十", 70, 70, 80, "七八"),
    ("降低百分之十到百分之十五", "百分之十到百分之十五", 10, 10, 15, None),
    ("提高百分之二十至三十", "百分之二十至三十", 20, 20, 30, None),
])
def test_percent_written_before_the_number(text, surface, value, low, high, qualifier):
    m = one(text)
    assert (m["surface"], m["kind"], m["qualifier"]) == (surface, "percent", qualifier)
    assert close(m["value"], value) and close(m["low"], low)
    assert (m["high"] is None) if high is None else close(m["high"], high)


def test_guo_of_a_verb_is_no_qualifier():
    m = one("经过半年的施工")
    assert (m["surface"], m["qualifier"], m["unit"]) == ("半年", None, "年")


@pytest.mark.parametrize("text,surface,value,unit,low", [
    ("吸引了数以万计的市民", "数以万计", 1, "万", 1e4), ("数以千计的志愿者", "数以千计", 1000, None, 1e3),
    ("惠及数以百万计的农户", "数以百万计", 100, "万", 1e6),
])
def test_counted_in_a_power(text, surface, value, unit, low):
    m = one(text)
    assert (m["surface"], m["value"], m["unit"], m["qualifier"]) == (surface, value, unit, "数以…计")
    assert close(m["low"], low) and close(m["high"], 10 * low)


# ------------------------------------------------------------------ properties of the newer classes
def _opt(*words):
    return st.sampled_from(["", *words])


# a quantity-like chunk: qualifier, numeral, 半/多/来/个, unit, bound, and what may follow
_VAGUE_CHUNK = st.tuples(
    _opt("约", "近", "超过", "前", "过", "数以", "负", "百分之", "，", "时速", "票价", "百分百"),
    st.lists(st.sampled_from(list("0123456789一二三四五六七八九十百千万亿两")), max_size=4).map("".join),
    _opt("半", "多", "余", "来", "个", "个多", "个半", "分之", "至", "到", "-", "计"),
    _opt("小时", "月", "世纪", "年", "公里", "人", "户", "名", "天", "数", "一半", "块", "毛", "角"),
    _opt("以上", "左右", "的", "。", "半", "至十", "到百分之五", "五", "3毛", "一斤"),
).map("".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(_VAGUE_CHUNK, min_size=1, max_size=3).map("".join), st.randoms(use_true_random=False))
def test_offsets_and_bounds_hold_on_vague_words(text, rnd):
    """Pairs after a numeral, 来, 个多/个半, halves, 前N, 数以…计 and 百分之 ranges: with the tokenizer's words or
    any other segmentation, and cut at every length (a metric at the text's end), every metric slices back to
    its surface and keeps low <= base_value <= high."""
    words, i = [], 0
    while i < len(text):
        k = rnd.randint(1, 4)
        words.append(text[i:i + k])
        i += k
    for ms, t in [(extract_metrics(text, words), text)] + [(extract_metrics(text[:k]), text[:k])
                                                           for k in range(1, len(text) + 1)]:
        for m in ms:
            text = t
            assert text[m["start"]:m["end"]] == m["surface"] and 0 <= m["start"] < m["end"] <= len(text)
            assert (m["low"] is None or m["low"] <= m["base_value"] + 1e-9) \
                and (m["high"] is None or m["base_value"] <= m["high"] + 1e-9)
            factor, base_unit, kind = base_factor(m["unit"])
            assert (base_unit, kind) == (m["base_unit"], m["kind"]) or m["base_unit"] == "degC"


# ------------------------------------------------------------------ colloquial money, centuries, 百分百, speed, 几 ranges
@pytest.mark.parametrize("text,surface,value", [
    ("这种白菜三块五一斤。", "三块五", 3.5),
    ("小贩说每斤3块5。", "3块5", 3.5),
    ("那时一碗面两块三毛。", "两块三毛", 2.3),
    ("门票价格五十块。", "五十块", 50.0),
    ("他每月工资不到两千块，", "不到两千块", 2000.0),
])
def test_colloquial_kuai_is_money(text, surface, value):
    m = [x for x in extract_metrics(text) if x["kind"] != "mass"]  # (一斤: a mass)
    assert len(m) == 1, [x["surface"] for x in m]
    m = m[0]
    assert m["surface"] == surface and m["kind"] == "money" and m["unit"] == "块(钱)" and m["unit_implied"] is True
    assert close(m["base_value"], value) and m["base_unit"] == "CNY"


@pytest.mark.parametrize("text", ["院子里立着三块石碑。", "把西瓜切成五块。", "他搬来了两百块砖。", "装了30块8K屏幕"])
def test_kuai_counting_things_stays_a_count(text):
    m = one(text)
    assert m["kind"] == "count" and m["unit"] == "块"


@pytest.mark.parametrize("text,surface,base", [
    ("一根冰棍卖5毛。", "5毛", 0.5), ("公交车票8角一张", "8角", 0.8), ("涨了3毛，", "3毛", 0.3),
])
def test_mao_and_jiao_after_digits_are_money(text, surface, base):
    m = one(text)
    assert m["surface"] == surface and m["kind"] == "money" and close(m["base_value"], base)


@pytest.mark.parametrize("text", ["画一个3角形", "八角是一种香料", "三毛的书很好看"])
def test_mao_and_jiao_in_words_are_no_money(text):
    assert all(m["kind"] != "money" for m in extract_metrics(text))


@pytest.mark.parametrize("text", ["进入21世纪以来，城市变化很大。", "二十一世纪的第一个十年", "在19世纪末"])
def test_a_century_is_an_ordinal(text):
    assert all("世纪" in m["surface"] or m["kind"] != "number" for m in extract_metrics(text)) \
        and not any(m["surface"] in ("21", "二十一", "19") for m in extract_metrics(text))


def test_centuries_as_durations_stay():
    m = one("这座桥已经用了两个世纪。")
    assert m["kind"] == "duration" and m["value"] == 2.0


@pytest.mark.parametrize("text,surface", [("这个办法百分百管用。", "百分百"), ("群众满意度达到百分百，", "百分百"), ("合格率近百分百。", "近百分百")])
def test_baifenbai_is_100_percent(text, surface):
    m = one(text)
    assert m["surface"] == surface and m["kind"] == "percent" and m["base_value"] == 100.0
    assert m["low"] == m["high"] == 100.0


@pytest.mark.parametrize("text,surface,kmh", [
    ("这列动车的时速350公里。", "350公里", 350), ("新型列车最高时速可达600公里，", "600公里", 600),
    ("时速超过120千米的车辆", "超过120千米", 120),
])
def test_length_after_shisu_is_a_speed(text, surface, kmh):
    m = one(text)
    assert m["surface"] == surface and m["kind"] == "speed" and m["base_unit"] == "m/s" and m["unit_implied"] is True
    assert close(m["base_value"], kmh / 3.6)


@pytest.mark.parametrize("text", ["这条高速公路全长350公里。", "时速表旁贴着一张纸，离这里还有20公里。"])
def test_length_without_shisu_stays_a_length(text):
    assert [m["kind"] for m in extract_metrics(text)] == ["length"]


@pytest.mark.parametrize("text,surface,low,high,unit", [
    ("报名的有十几到二十个村。", "十几到二十个", 10, 20, "个"),
    ("参加者多为三十几至四十岁的人", "三十几至四十岁", 30, 40, "岁"),
])
def test_range_from_an_approximate_ji(text, surface, low, high, unit):
    m = one(text)
    assert m["surface"] == surface and m["unit"] == unit and m["qualifier"] == "几"
    assert close(m["low"], low) and close(m["high"], high)


@pytest.mark.parametrize("text,value", [("一瓶矿泉水一块五。", 1.5), ("一块二一斤的白菜", 1.2)])
def test_yi_kuai_with_its_jiao_is_money(text, value):
    m = [x for x in extract_metrics(text) if x["kind"] != "mass"]
    assert len(m) == 1 and m[0]["kind"] == "money" and close(m[0]["base_value"], value), [x["surface"] for x in m]


def test_yi_kuai_alone_stays_out():
    assert extract_metrics("他拿起一块石头。") == []


# ------------------------------------------------------------------ issue 15b: mixed numbers, exponents, web addresses
@pytest.mark.parametrize("text,surface,value", [
    ("这块木板长2 1/2米", "2 1/2", 2.5),
    ("每份加入糖３ ３／４勺", "３ ３／４", 3.75),
    ("气温变化为-1 1/4度", "-1 1/4", -1.25),
    ("结果是7 9/3", "7 9/3", 10.0),
    ("加水2又1/3杯", "2又1/3", 2 + 1 / 3),
])
def test_mixed_number_in_arabic_digits(text, surface, value):
    m = one(text)
    assert (m["surface"], m["value"]) == (surface, pytest.approx(value))


@pytest.mark.parametrize("text", ["2021 6/3发布", "型号A3 1/2", "代码12.5 3/4"])
def test_no_mixed_number_after_a_year_a_code_or_a_decimal(text):
    assert not any(m["surface"].count(" ") and "/" in m["surface"] for m in extract_metrics(text))


@pytest.mark.parametrize("text,value", [
    ("计算2^--3的值", 8.0), ("计算2^+-3的值", 0.125), ("计算-3^--3的值", -27.0),
])
def test_exponent_with_stacked_signs(text, value):
    assert one(text)["value"] == pytest.approx(value)


def test_digits_inside_a_web_address_are_no_metric():
    text = "详见 https://example.org/item?id=2024&n=35%20 或 www.example.net/page/88 ，共有6个站点。"
    assert [m["surface"] for m in extract_metrics(text)] == ["6个"]


@pytest.mark.parametrize("text,surface,low,high", [
    ("误差应在-5与8间。", "-5与8间", -5, 8), ("取值在3和9间的整数", "3和9间", 3, 9),
])
def test_pair_closed_by_jian_is_a_range(text, surface, low, high):
    m = one(text)
    assert (m["surface"], m["low"], m["high"]) == (surface, low, high)


def test_jian_before_a_noun_stays_a_classifier():
    ms = extract_metrics("两层分别有4与6间客房")
    assert ms[-1]["unit"] == "间" and ms[-1]["low"] == ms[-1]["high"] == 6


@pytest.mark.parametrize("text,surface,value", [
    ("宇宙中约有10的22次方颗恒星", "约有10的22次方", 1e22),
    ("结果等于3的四次方", "3的四次方", 81.0),
    ("误差为2的负4次方", "2的负4次方", 0.0625),
    ("细胞数量达到4.5×10^8。", "4.5×10^8", 4.5e8),
    ("浓度为2.4×10的-3次方", "2.4×10的-3次方", 2.4e-3),
])
def test_powers_written_out_and_times_a_power_of_ten(text, surface, value):
    m = one(text)
    assert (m["surface"], m["value"]) == (surface, pytest.approx(value))


def test_number_before_de_without_power_stays_itself():
    assert [m["surface"] for m in extract_metrics("他今年50的生日过得很热闹")] == ["50"]


def test_jieyu_makes_a_range_without_zhijian():
    m = one("参赛年龄介于十八与三十五")
    assert (m["low"], m["high"]) == (18, 35)
    assert [m["surface"] for m in extract_metrics("在十八与三十五")] == ["十八", "三十五"]


@pytest.mark.parametrize("text,low,high", [
    ("人数少于等于三百", None, 300), ("票数等于或大于120", 120, None), ("深度低于或等于40米", None, 40),
    ("面积多于或等于六十平方米", 60, None), ("每组等于或少于9人", None, 9),
])
def test_inclusive_bounds_in_either_order(text, low, high):
    m = one(text)
    assert (m["low"], m["high"]) == (low, high) and m["qualifier"] and m["start"] == 2


@pytest.mark.parametrize("text,value,base,low,high", [
    ("当地气温达到华氏104度", 104, 40.0, 40.0, 40.0),
    ("夜间华氏温度降到零下13度", -13, -25.0, -25.0, -25.0),
    ("白天华氏59度到68度", 59, 15.0, 15.0, 20.0),
])
def test_du_after_huashi_is_fahrenheit(text, value, base, low, high):
    m = one(text)
    assert (m["value"], m["unit"], m["unit_implied"], m["kind"]) == (value, "度(华氏)", True, "temperature")
    assert (m["base_value"], m["low"], m["high"]) == (pytest.approx(base), pytest.approx(low), pytest.approx(high))


def test_du_after_sheshi_stays_celsius():
    assert one("华氏与摄氏换算：摄氏30度")["unit"] == "度"


@pytest.mark.parametrize("text,base", [("误差率为3‰", 0.3), ("发生率约2‱", 0.02)])
def test_permille_and_permyriad_signs(text, base):
    m = one(text)
    assert (m["kind"], m["base_value"]) == ("percent", pytest.approx(base))


@pytest.mark.parametrize("text,value", [("总数为1000000000", 1e9), ("共计32000000000。", 3.2e10)])
def test_long_round_integer_is_a_number(text, value):
    assert one(text)["value"] == value


@pytest.mark.parametrize("text", ["请拨打13912345678咨询", "编号为987654321", "代码012"])
def test_long_or_zero_led_digit_strings_stay_codes(text):
    assert extract_metrics(text) == []


@pytest.mark.parametrize("text,unit,base", [
    ("这种鸟每小时可飞80公里", "公里(/小时)", 80 / 3.6), ("洪峰每小时推进6千米", "千米(/小时)", 6 / 3.6),
])
def test_length_after_meixiaoshi_is_a_speed(text, unit, base):
    m = one(text)
    assert (m["unit"], m["kind"], m["unit_implied"]) == (unit, "speed", True)
    assert m["base_value"] == pytest.approx(base)


def test_batch_with_word_ends_equals_batch_with_words():
    """The pipeline passes each text's word boundaries (`ends=`, counted by the entity tagger) instead of the
    words: the same rows; boundaries that do not reach the text's end are refused like such words."""
    from itertools import accumulate

    from transforms import segment
    from transforms.metrics import _WordsMismatch

    texts = ["全区五十个项目投资逾三百亿元，同比增长百分之十二点五。", "", "约有3000多名选手参加，比去年多两成。",
             "新建道路二十公里，其中１２公里已通车，总投资约八亿元。"]
    words = [segment.cut(segment.fold(t)) for t in texts]
    ends = [list(accumulate(map(len, w), initial=0)) for w in words]
    rows = extract_metrics_batch(texts, words)
    assert sum(map(len, rows)) >= 5
    assert extract_metrics_batch(texts, ends=ends) == rows
    # the boundaries are what is read: one character a word makes 约 in 签约 a qualifier
    text = "双方签约3个项目。"
    assert [m["qualifier"] for m in extract_metrics_batch([text], [segment.cut(segment.fold(text))])[0]] == [None]
    assert [m["qualifier"] for m in extract_metrics_batch([text], ends=[list(range(len(text) + 1))])[0]] == ["约"]
    with pytest.raises(_WordsMismatch):
        extract_metrics_batch(texts[:1], ends=[ends[0][:-1]])
