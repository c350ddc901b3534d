"""Page layout: annotated pattern fixtures, the editor's annotation of the five seed pages, conservation on every
seed and on generated pages, and recovery of articles from pages rebuilt from the seeds' own text with layout
damage (no external corpus needed)."""
import datetime as dt
import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from transforms import clean, layout

ROOT = Path(__file__).resolve().parents[1]
FIX = Path(__file__).parent / "fixtures" / "layout"
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
PATTERNS = json.loads((FIX / "patterns.json").read_text(encoding="utf-8"))
SEED_ANNOTATION = json.loads((FIX / "seeds_expected.json").read_text(encoding="utf-8"))


def _check(article: layout.Article, expect: dict) -> list:
    bad = []
    for key, want in expect.items():
        if key == "flags_include":
            if not set(want) <= set(article.flags):
                bad.append((key, article.flags, want))
            continue
        got = getattr(article, key)
        if isinstance(got, dt.date):
            got = got.isoformat()
        if got != want:
            bad.append((key, got, want))
    return bad


@pytest.mark.parametrize("case", PATTERNS, ids=[c["name"] for c in PATTERNS])
def test_pattern_fixture(case):
    issue = dt.date.fromisoformat(case["issue_date"]) if case.get("issue_date") else None
    page = layout.split_page(case["page"], issue_date=issue)
    assert [a.seq for a in page.articles] == list(range(1, len(case["expect"]) + 1)), [a.headline for a in page.articles]
    for article, expect in zip(page.articles, case["expect"]):
        assert _check(article, expect) == [], article.headline
    for key in ("banners", "residue"):
        if key in case:
            assert getattr(page, key) == case[key]
    assert layout.conservation_gap(case["page"], page) == ""


@pytest.mark.parametrize("seed", SEEDS, ids=[p.name for p in SEEDS])
def test_seed_page_matches_annotation(seed):
    page = layout.split_page(seed.read_text(encoding="utf-8"))
    expected = SEED_ANNOTATION["pages"][seed.name]
    assert [a.headline for a in page.articles] == [e["headline"] for e in expected]
    assert page.banners == SEED_ANNOTATION["banners"][seed.name]
    for article, e in zip(page.articles, expected):
        e = dict(e)
        e["flags_include"] = ["fragment"] if e.pop("fragment") else []
        assert _check(article, e) == [], article.headline
        if not e["flags_include"]:
            assert "fragment" not in article.flags, article.headline


@pytest.mark.parametrize("seed", SEEDS, ids=[p.name for p in SEEDS])
def test_seed_page_conserves_every_character(seed):
    raw = seed.read_text(encoding="utf-8")
    assert layout.conservation_gap(raw, layout.split_page(raw)) == ""


def test_bylines_never_reach_the_body():
    for seed in SEEDS:
        for a in layout.split_page(seed.read_text(encoding="utf-8")).articles:
            for name in a.reporters + a.correspondents:
                assert not a.body.endswith(name)
            assert "本报讯" not in a.body
            assert not any(p.startswith(("记者 ", "本报记者", "正观新闻")) for p in a.body.split("\n"))


def test_conservation_gap_reports_a_lost_character():
    raw = SEEDS[0].read_text(encoding="utf-8")
    page = layout.split_page(raw)
    page.articles[0].body = page.articles[0].body[:-1]
    assert layout.conservation_gap(raw, page).startswith("missing:")


def test_byline_parser():
    assert layout.parse_byline("记者 孙庆辉 通讯员 周怡含 文/图") == (["孙庆辉"], ["周怡含"])
    assert layout.parse_byline("正观新闻·郑州晚报记者张昕 王际宾董艳竹 王治", strict=False) == (
        ["张昕", "王际宾", "董艳竹", "王治"], [])
    assert layout.parse_byline("本报记者 李晓光 通讯员 卢松城") == (["李晓光"], ["卢松城"])
    assert layout.parse_byline("记者走进郑州三纯新能源科技有限公司") is None
    assert layout.parse_byline("记者手记") is None


def test_byline_parser_padded_names_roles_and_media():
    assert layout.parse_byline("本报记者  金  岩  李明远") == (["金岩", "李明远"], [])
    assert layout.parse_byline("本报记者  张  强  本报通讯员  刘  洋") == (["张强"], ["刘洋"])
    assert layout.parse_byline("新华社记者  赵  明  钱小川  本报记者  孙  力") == (["赵明", "钱小川", "孙力"], [])
    assert layout.parse_byline("本报记者 王小明  人民网记者 周  平") == (["王小明", "周平"], [])
    assert layout.parse_byline("《江城周刊》记者  任  远  孙小阳") == (["任远", "孙小阳"], [])
    assert layout.parse_byline("本期主讲人：江城社会科学院院长  周  川") == (["周川"], [])
    assert layout.parse_byline("本报记者 王小明报道") == (["王小明"], [])
    assert layout.parse_byline("本报记者  周  川  王") is None               # a lone character is no name


def test_closing_credits_and_author_notes():
    assert layout.parse_credit("（某某网记者甲小乙、丙小丁整理）") == (["甲小乙", "丙小丁"], [])
    assert layout.parse_credit("（作者为江城大学教授，本报记者王小明采访整理）") == (["王小明"], [])
    assert layout.parse_credit("（作者为江城大学教授）") == ([], [])
    assert layout.parse_credit("（马小平参与采写）") == (["马小平"], [])
    assert layout.parse_credit("（本报记者王小林、阿依古丽）") == (["王小林", "阿依古丽"], [])
    assert layout.parse_credit("（按姓氏笔画排序）") is None
    assert layout.parse_credit("（本报记者走进基层调研）") is None


def test_furniture_lines_are_never_articles():
    page = layout.split_page("本版责编：李 拯 王小明\n\n版式设计：张小曼\n\n本报记者  王小明摄\n\n李  华摄（影像中国）\n\n"
                             "本版邮箱：jcbao@example.cn\n\n制图：汪小平\n")
    assert page.articles == []
    assert len(page.residue) == 6


# ------------------------------------------------------------------ generated pages from the seeds' own text
def _seed_articles():
    arts = []
    for seed in SEEDS:
        for a in layout.split_page(seed.read_text(encoding="utf-8")).articles:
            paras = [p for p in a.body.split("\n") if p.endswith(("。", "”", "！", "？"))]
            if a.headline and paras:
                arts.append((a.headline, paras))
    return arts


def _damage(rng, p):
    if rng.random() < 0.3 and len(p) > 30:                      # column wrap
        cut = rng.choice([i for i in range(12, len(p) - 4) if p[i - 1] not in "。！？”："] or [len(p)])
        p = p[:cut] + "\n\n" + p[cut:]
    if rng.random() < 0.3:                                       # stray spaces between CJK characters
        spots = [i for i in range(1, len(p)) if clean.is_cjk(p[i - 1]) and clean.is_cjk(p[i])]
        for i in sorted(rng.sample(spots, min(2, len(spots))), reverse=True):
            p = p[:i] + " " + p[i:]
    return p


def _build(rng, arts):
    lines, gold = [], []
    for k, (headline, paras) in enumerate(arts):
        reporter = f"王{'赛华鲁慧张波'[k % 5]}明"
        body = [_damage(rng, p) for p in paras]
        form = k % 3
        lead = "本报讯 " if form != 2 else ""
        body[0] = lead + body[0]
        if form == 0:
            body[-1] = body[-1] + f"记者 {reporter}"
        elif form == 1:
            body.append(f"记者 {reporter} 通讯员 李明 文/图")
        lines += [headline, ""] + [x for p in body for x in (p, "")]
        gold.append((headline, reporter if form != 2 else None))
    return "\n".join(lines), gold


def test_generated_pages_from_seed_text_recover_every_article():
    rng = random.Random(11)
    arts = _seed_articles()
    n_gold = n_found = 0
    for _ in range(60):
        picked = rng.sample(arts, rng.randint(2, 5))
        text, gold = _build(rng, picked)
        page = layout.split_page(text)
        assert layout.conservation_gap(text, page) == ""
        heads = {a.headline: a for a in page.articles}
        for headline, reporter in gold:
            n_gold += 1
            a = heads.get(headline)
            if a is not None and (reporter is None or a.reporters == [reporter]):
                n_found += 1
        assert len(page.articles) <= len(gold) + 1
    assert n_found / n_gold >= 0.95, (n_found, n_gold)


_LINE = st.text(st.sampled_from(list("经济发展郑州本报讯记者通讯员王李张，。、“”（）：——12 \u3000")), max_size=40)
# People's Daily conventions: "电" datelines, padded names, credits in parentheses, furniture, photo credits
_LINE2 = st.one_of(_LINE, st.sampled_from([
    "本报江城4月26日电  （记者丁小雨）", "本报记者  金  岩", "（本报记者王小林整理）", "（作者为教授）", "本版责编：李 拯",
    "（本报东京6月10日电）", "王小明摄", "导读", "第九版", "案例一", "——编  者", "方  舟", "新闻（专栏）"]))


@settings(max_examples=150, deadline=None)
@given(st.lists(_LINE, max_size=12))
def test_conservation_holds_on_arbitrary_pages(lines):
    raw = "\n".join(lines)
    assert layout.conservation_gap(raw, layout.split_page(raw)) == ""


@settings(max_examples=200, deadline=None)
@given(st.lists(_LINE2, max_size=20))
def test_conservation_holds_on_arbitrary_pages_with_second_paper_conventions(lines):
    raw = "\n".join(lines)
    assert layout.conservation_gap(raw, layout.split_page(raw)) == ""


def test_bare_day_that_the_pages_month_cannot_have_gets_no_month():
    # the other article's February gives the page its month; "30日" cannot be in February, so its month stays
    # unknown (it used to become 2月30日, and the data-quality check quarantined the whole page)
    page = ("全市春耕工作会议召开\n\n本报讯 2月5日，全市春耕生产工作会议召开，会议部署了今年的春耕生产任务。\n\n\n"
            "国际合作论坛开幕\n\n央视网消息（新闻联播）：30日，国际合作论坛在北京开幕，多国代表参加了论坛。\n")
    first, second = layout.split_page(page).articles
    assert (first.dateline_month, first.dateline_day) == (2, 5)
    assert (second.dateline_month, second.dateline_day, second.dateline_date) == (None, 30, None)


def test_top_headline_with_spaced_clause_and_comma_is_not_glued_to_the_lead():
    # invented text: a headline printed "subject space clause，clause" at the top of a page
    page = layout.split_page("江城职业学院 改革课程体系，培养实用人才\n\n近年来，江城职业学院围绕本地产业调整专业设置。\n\n"
                             "学院还与多家企业共建实训基地，学生毕业即可上岗。\n")
    assert [a.headline for a in page.articles] == ["江城职业学院 改革课程体系，培养实用人才"]
    assert page.articles[0].body.startswith("近年来")
    assert layout.conservation_gap("江城职业学院 改革课程体系，培养实用人才\n\n近年来，江城职业学院围绕本地产业调整专业设置。\n\n"
                                   "学院还与多家企业共建实训基地，学生毕业即可上岗。\n", page) == ""


def test_closing_credit_with_a_qualifier_before_the_label():
    # invented text: a short qualifier ("前方", a place) before the reporter label, names, a credit verb
    assert layout.parse_credit("（前方本报记者甲小乙、丙小丁、戊小己采写）") == (["甲小乙", "丙小丁", "戊小己"], [])
    assert layout.parse_credit("（江城本报记者王小明采写）") == (["王小明"], [])
    # without a credit verb a non-media text before the label stays a sentence in parentheses
    assert layout.parse_credit("（据说本报记者走进了基层）") is None
    raw = ("江城老街换新颜\n\n老街改造历时两年，沿街商铺陆续开门迎客。\n\n居民说，老街又热闹起来了。\n\n"
           "（前方本报记者甲小乙、丙小丁、戊小己采写）\n")
    page = layout.split_page(raw)
    assert [a.headline for a in page.articles] == ["江城老街换新颜"]
    assert page.articles[0].reporters == ["甲小乙", "丙小丁", "戊小己"]
    assert "采写" not in page.articles[0].body
    assert layout.conservation_gap(raw, page) == ""


def test_closing_credit_author_notes_verbs_and_a_second_media_in_the_list():
    assert layout.parse_credit("（本文作者为江城大学教授，本报记者王小明整理）") == (["王小明"], [])
    assert layout.parse_credit("（作者分别为江城大学教授、江城研究院研究员）") == ([], [])
    assert layout.parse_credit("（作者为江城大学（北校区）教授，本报记者王小明采访整理）") == (["王小明"], [])
    assert layout.parse_credit("（本报记者王小明、李大华整理。文中受访者均为化名）") == (["王小明", "李大华"], [])
    assert layout.parse_credit("（本报记者王小明、李大华执笔）") == (["王小明", "李大华"], [])
    assert layout.parse_credit("（本报记者王小明、李大华等）") == (["王小明", "李大华"], [])
    assert layout.parse_credit("（本报记者王小明、李大华、某某网记者赵小红采写）") == (["王小明", "李大华", "赵小红"], [])
    assert layout.parse_credit("（本报记者王小明、李大华与某某网记者赵小红采写）") == (["王小明", "李大华", "赵小红"], [])
    assert layout.parse_credit("（本报记者王小明、本报通讯员李大华）") == (["王小明"], ["李大华"])
    assert layout.parse_credit("（本报记者王小明整理）（图片由受访者提供）") is None     # two parentheses


def test_author_lines_with_a_qualified_media_name():
    assert layout.parse_byline("本报特派记者  王小明") == (["王小明"], [])
    assert layout.parse_byline("本报全媒体记者  王小明  李  华") == (["王小明", "李华"], [])
    assert layout.parse_byline("江城日报海外版记者  王小明") == (["王小明"], [])
    assert layout.parse_byline("本报撰稿人  王小明") == (["王小明"], [])
    assert layout.parse_byline("据说全媒体记者走进基层") is None


def test_numeral_alone_heads_a_section_of_an_unsigned_article():
    # invented text: an unsigned piece in numbered sections "一" / "二" / "三", each heading a line of its own
    raw = ("江城发展规划纲要\n\n为推动江城高质量发展，制定本纲要。\n\n一\n\n江城地处平原，交通便利，产业基础较好。\n\n"
           "二\n\n到二〇三〇年，江城经济总量明显提升。\n\n三\n\n各部门要加强协作，确保规划落实。\n")
    page = layout.split_page(raw)
    assert [a.headline for a in page.articles] == ["江城发展规划纲要"]
    assert page.articles[0].body.split("\n")[1] == "一"
    assert layout.conservation_gap(raw, page) == ""


_DIGEST_PAGE = ("江城速览\n江城新开三条公交线路\n\n本报江城7月2日电  江城今天新开三条公交线路，方便市民出行。\n\n"
                "江城图书馆延长开放时间\n\n本报江城7月2日电  （记者甲小乙）江城图书馆自本月起每晚延长开放两小时。\n\n"
                "江城举办夏季运动会\n\n本报江城7月3日电  江城夏季运动会今天开幕，千余名运动员参赛。\n")


def test_a_heading_over_all_the_pieces_of_a_page_is_one_article():
    # invented text: a column name printed once over three briefs, each with its own headline and dateline
    page = layout.split_page(_DIGEST_PAGE)
    assert [a.headline for a in page.articles] == ["江城速览"]
    art = page.articles[0]
    assert art.body.split("\n")[0] == "江城新开三条公交线路"
    assert "江城图书馆延长开放时间" in art.body.split("\n")
    assert art.reporters == ["甲小乙"]
    assert layout.conservation_gap(_DIGEST_PAGE, page) == ""
    # the same briefs, but the second has an overline of its own, or two pieces only: separate articles
    raw = _DIGEST_PAGE.replace("江城图书馆延长开放时间\n", "暑期便民举措\n江城图书馆延长开放时间\n")
    assert len(layout.split_page(raw).articles) == 3
    two = _DIGEST_PAGE.split("江城举办夏季运动会")[0]
    assert [a.headline for a in layout.split_page(two).articles] == ["江城新开三条公交线路", "江城图书馆延长开放时间"]


def test_pieces_under_an_editors_note_belong_to_its_article():
    # invented text: a headline, an editor's note signed "——编  者", then pieces each with the speaker as overline,
    # a headline of its own and a closing credit; a report with its own author line after it stays apart
    pieces = ("江城工匠说（行业观察）\n\n江城制造业一线涌现出一批能工巧匠，他们有哪些心得？本版约请三位工匠讲述。\n\n——编  者\n\n"
              "江城机床厂高级技师甲小乙\n精益求精每一天\n\n从学徒到技师，我在车间度过了二十年。\n\n（本报记者丙小丁采访整理）\n\n"
              "江城船厂焊工戊小己\n焊花里的坚守\n\n每一道焊缝都关系到船舶的安全。\n\n（本报记者庚小辛采访整理）\n")
    page = layout.split_page(pieces)
    assert [a.headline for a in page.articles] == ["江城工匠说（行业观察）"]
    art = page.articles[0]
    assert "精益求精每一天" in art.body.split("\n") and "焊花里的坚守" in art.body.split("\n")
    assert art.reporters == ["丙小丁", "庚小辛"]
    assert layout.conservation_gap(pieces, page) == ""
    other = pieces + "\n江城新书出版\n——一部讲述工匠故事的作品\n\n本报记者  壬小癸\n\n这本书记录了江城工匠的成长故事。\n"
    assert [a.headline for a in layout.split_page(other).articles] == ["江城工匠说（行业观察）", "江城新书出版"]


def test_place_then_name_under_the_headline_is_the_authors_byline():
    # invented text: a reader's letter signed under its headline with where the author lives, then the name
    body = "\n\n小区门口的路灯坏了很久，希望有关部门尽快修好。\n"
    for line, names in (("江城市  王小明", ["王小明"]), ("江城大学  李  华", ["李华"])):
        page = layout.split_page("路灯何时能亮起来\n" + line + body)
        art, = page.articles
        assert (art.headline, art.subheadline, art.reporters) == ("路灯何时能亮起来", None, names)
    # a deck of two phrases is no signature
    art, = layout.split_page("路灯何时能亮起来\n活力江城 幸福家园" + body).articles
    assert art.reporters == []


def test_closing_signature_of_a_letter_is_not_the_next_articles_overline():
    # invented text: two readers' letters, each signed "<place>  <name>" after its last sentence
    raw = ("路灯何时能亮起来\n\n小区门口的路灯坏了很久，希望有关部门尽快修好。\n\n江城市  王小明\n\n"
           "公交站台应加装雨棚\n\n雨天候车的市民常被淋湿，建议站台加装雨棚。\n\n江城县  李  华\n")
    first, second = layout.split_page(raw).articles
    assert (first.headline, first.byline, first.reporters) == ("路灯何时能亮起来", "江城市 王小明", [])
    assert (second.overline, second.headline, second.byline) == (None, "公交站台应加装雨棚", "江城县 李 华")
    assert layout.conservation_gap(raw, layout.split_page(raw)) == ""


def test_office_then_name_under_the_headline_signs_the_piece():
    # invented text: a speech digest, its title printed once over three speeches, each under its own headline with
    # the speaker's office and name ("<office>  <name>"); the speakers are no reporters
    raw = ("江城发展座谈会发言摘编\n"
           "推动制造业提质升级\n江城市工信局局长  甲小乙\n\n今年以来，全市制造业保持平稳增长。\n\n"
           "下一步，我们将加快技术改造。\n\n"
           "建设更高水平的开放平台\n江城大学经济学院（研究院）副院长（副所长）  丙  丁\n\n开放是发展的活力所在。\n\n"
           "做好民生保障这篇大文章\n江城市委常委、秘书长  戊小己\n\n民生无小事，枝叶总关情。\n")
    page = layout.split_page(raw)
    art, = page.articles
    assert (art.headline, art.overline, art.subheadline) == ("江城发展座谈会发言摘编", None, None)
    assert art.byline.split("\n") == ["江城市工信局局长 甲小乙", "江城大学经济学院（研究院）副院长（副所长） 丙 丁",
                                      "江城市委常委、秘书长 戊小己"]
    assert art.reporters == [] and "推动制造业提质升级" in art.body.split("\n")
    assert layout.conservation_gap(raw, page) == ""
    # one piece alone: its author line is no subheadline
    one = layout.split_page("推动制造业提质升级\n江城市工信局局长  甲小乙\n\n今年以来，全市制造业保持平稳增长。\n").articles
    assert [(a.headline, a.subheadline, a.byline) for a in one] == [("推动制造业提质升级", None, "江城市工信局局长 甲小乙")]


def test_signed_reports_under_an_editors_note_belong_to_its_article():
    # invented text: a headline, an editor's note, then reports each under its own overline and headline with its
    # own author line; the note presents them all
    raw = ("让老人吃上热乎饭（民生一线）\n\n农村老人吃饭难，各地想了不少办法。本版记者走进三地，看看他们的做法。\n\n——编  者\n\n"
           "江城开办老年食堂\n饭菜香飘进村口\n本报记者  甲小乙\n\n中午十一点，村里的老年食堂开饭了。\n\n"
           "山城推出送餐上门服务\n一份餐食送到家\n本报记者  丙  丁\n\n送餐车每天上午从镇上出发。\n")
    page = layout.split_page(raw)
    art, = page.articles
    assert art.headline == "让老人吃上热乎饭（民生一线）" and art.reporters == ["甲小乙", "丙丁"]
    assert "饭菜香飘进村口" in art.body.split("\n") and "一份餐食送到家" in art.body.split("\n")
    assert layout.conservation_gap(raw, page) == ""


def test_signature_before_a_letter_spaced_heading_is_not_its_byline():
    # invented text: a reader's letter signed "<place>  <name>", then a notice under a letter-spaced two-character
    # heading ("征  稿"), closed by contact lines with no text under them
    raw = ("路灯何时能亮起来\n\n小区门口的路灯坏了很久，希望有关部门尽快修好。\n\n江城市  王小明\n\n"
           "征  稿\n\n本版欢迎读者来信反映身边事。\n\n电  话：010-12345678\n\n网  站：江城日报客户端“读者来信”\n\n"
           "本版责编：甲小乙\n")
    page = layout.split_page(raw)
    letter, notice = page.articles
    assert (letter.byline, letter.reporters) == ("江城市 王小明", [])
    assert (notice.headline, notice.byline, notice.reporters) == ("征 稿", None, [])
    assert notice.body.split("\n") == ["本版欢迎读者来信反映身边事。", "电 话：010-12345678", "网 站：江城日报客户端“读者来信”"]
    assert page.residue == ["本版责编：甲小乙"]
    assert layout.conservation_gap(raw, page) == ""


def test_long_spaced_headline_between_overline_and_deck_at_the_top_of_a_page():
    # invented text: a front-page report whose overline ends with "强调", whose headline is three phrases set off by
    # spaces (longer than a usual heading) and whose deck is a short line, over an agency dateline
    raw = ("江城市委书记在调研防汛工作时强调\n"
           "要全力做好巡堤查险、转移安置、物资调配 扎实做好汛期各项防范应对工作 坚决守护好人民群众生命财产安全\n"
           "市长作出部署\n\n江城社江城7月7日电  江城市委书记7日到沿江堤防调研防汛工作。\n\n他强调，要压实责任。\n")
    page = layout.split_page(raw)
    art, = page.articles
    assert page.banners == []
    assert (art.overline, art.subheadline) == ("江城市委书记在调研防汛工作时强调", "市长作出部署")
    assert art.headline.startswith("要全力做好巡堤查险") and (art.dateline_month, art.dateline_day) == (7, 7)
    assert layout.conservation_gap(raw, page) == ""


def test_an_announcement_over_its_content_is_overline_and_headline():
    # invented text: two heading lines over a dateline, the first announcing ("…印发意见", "…签署市政府令", "…发布",
    # "…作出重要指示"), the second giving the content
    lead = "\n\n本报江城6月3日电  （记者甲小乙）近日，有关部门联合印发文件。\n"
    for over, head in (("三部门印发意见", "加快推进社区养老服务发展"), ("江城市长签署市政府令", "公布《江城市河道管理办法》"),
                       ("《江城市交通发展规划》发布", "将新建四条轨道交通线路"),
                       ("市委书记对防汛工作作出重要指示", "要全力做好巡堤查险各项工作")):
        art, = layout.split_page("某版文章\n\n这是上一篇的正文。\n\n" + over + "\n" + head + lead).articles[1:]
        assert (art.overline, art.headline, art.subheadline) == (over, head, None)
    # an event and its detail stay headline and deck
    for head, deck in (("江城夏粮收获过半", "小麦单产稳中有升"), ("江城发布禁渔令", "为期四个月")):
        art, = layout.split_page("某版文章\n\n这是上一篇的正文。\n\n" + head + "\n" + deck + lead).articles[1:]
        assert (art.overline, art.headline, art.subheadline) == (None, head, deck)


def test_a_long_column_tag_does_not_make_a_headline_body_text():
    # invented text: a theory piece whose headline (with its long column tag) is longer than 40 characters,
    # under it the author's name, then the text and an author note
    head = "新时代江城制造业高质量发展的实践路径与经验启示研究（深入学习贯彻新时代江城高质量发展战略部署）"
    raw = head + "\n甲小乙\n\n制造业是实体经济的根基。\n\n（作者单位：江城大学经济学院）\n"
    page = layout.split_page(raw)
    art, = page.articles
    assert (art.headline, art.reporters) == (head, ["甲小乙"])
    assert layout.conservation_gap(raw, page) == ""


def test_speaker_with_colon_over_a_headline_is_its_overline():
    # invented text: "<speaker>：" over the headline that says what was said, then a dated report; after it a
    # photo story closed by a credit with one long name (no surname split) after the reporter label
    raw = ("甲小乙：\n加快推进江城港口高水平建设\n\n本报江城6月5日电  （记者丙小丁）甲小乙日前在江城调研。\n\n"
           "雪山脚下赛马节\n\n6月4日，江城县举行一年一度的赛马节。\n\n图为牧民在赛马。\n\n新华社记者  扎西多吉次仁摄\n")
    page = layout.split_page(raw)
    first, photo = page.articles
    assert (first.overline, first.headline, first.reporters) == ("甲小乙：", "加快推进江城港口高水平建设", ["丙小丁"])
    assert photo.headline == "雪山脚下赛马节" and "扎西多吉次仁" not in photo.body
    assert layout.conservation_gap(raw, page) == ""


def test_two_guest_commentaries_under_a_column_name_are_one_article():
    # invented text: a column name over two commentaries, each signed under its headline by a writer (no reporter
    # label); two reports by staff reporters under a short overline stay two articles
    raw = ("评说\n让社区食堂更暖心\n江城市  甲小乙\n\n社区食堂开到了家门口，老人吃饭方便了。\n\n"
           "别让提示牌成了挡箭牌\n丙小丁\n\n小区外墙挂着提示牌，隐患却迟迟没有排除。\n")
    page = layout.split_page(raw)
    art, = page.articles
    assert art.headline == "评说" and "别让提示牌成了挡箭牌" in art.body.split("\n")
    assert layout.conservation_gap(raw, page) == ""
    staff = raw.replace("江城市  甲小乙", "本报记者  甲小乙").replace("\n丙小丁\n", "\n本报记者  丙小丁\n")
    assert len(layout.split_page(staff).articles) == 2


def test_dated_reports_under_one_headline_are_one_article():
    # invented text: a headline and its deck over three dated reports, the later ones with no heading of their own
    raw = ("江城发布暴雨红色预警\n多部门连夜会商调度\n\n"
           "本报江城8月2日电  （记者甲小乙、丙小丁）8月2日18时，江城气象台发布暴雨红色预警。\n\n预计夜间雨势加大。\n\n"
           "本报江城8月2日电  （记者戊小己）记者从江城水务局获悉：全市已转移群众两千余人。\n\n"
           "本报江城8月2日电  （记者甲小乙）8月2日上午，江城防汛办组织会商。\n")
    page = layout.split_page(raw)
    art, = page.articles
    assert (art.headline, art.subheadline, art.dateline_month, art.dateline_day) == ("江城发布暴雨红色预警", "多部门连夜会商调度", 8, 2)
    assert art.reporters == ["甲小乙", "丙小丁", "戊小己"]
    assert layout.conservation_gap(raw, page) == ""


def test_author_name_over_a_summary_line_or_a_poem():
    # invented text: a column-tagged commentary whose author's name is followed by a summary line in clauses,
    # and a poem whose author's name is followed by its verse
    raw = ("小区食堂为何排长队（民生观）\n甲小乙\n小食堂连着大民生，办好它需要多方合力\n\n"
           "中午时分，江城某小区的社区食堂门口排起了长队。\n")
    art, = layout.split_page(raw).articles
    assert (art.headline, art.subheadline, art.reporters) == ("小区食堂为何排长队（民生观）", None, ["甲小乙"])
    verse = "\n".join(("江边的灯", "一盏接一盏", "照着晚归的人", "照着渡口", "照着船", "也照着", "我的", "故乡", "和远方"))
    poem = "江边灯火\n丙  丁\n" + verse + "\n"
    art, = layout.split_page(poem).articles
    assert (art.headline, art.reporters) == ("江边灯火", ["丙丁"]) and art.body.startswith("江边的灯")
    assert layout.conservation_gap(poem, layout.split_page(poem)) == ""


def test_panel_members_with_posts_are_lines_of_the_text():
    # invented text: a forum piece listing its panel ("<name>（<post>）" a line each) under its intro, then
    # sections quoting them, closed by a credit with an acknowledgement
    raw = ("江城经济稳中向好（专家论坛）\n\n上半年江城经济运行平稳，记者采访了几位专家。\n\n"
           "王  华（江城大学经济学院教授）\n李小明（某国研究院经济学家）\n约翰·史密斯（某国某大学商学院副教授）\n\n"
           "韧性彰显 开局良好\n\n王华：上半年主要指标稳定增长。\n\n李小明：内需潜力持续释放。\n\n"
           "（本报记者张小强、赵小刚采访整理，刘小红亦有贡献）\n")
    page = layout.split_page(raw)
    art, = page.articles
    assert art.headline == "江城经济稳中向好（专家论坛）"
    assert "李小明（某国研究院经济学家）" in art.body.split("\n") and "韧性彰显 开局良好" in art.body.split("\n")
    assert art.reporters == ["张小强", "赵小刚"]                # an acknowledgement ("亦有贡献") names no reporter
    assert art.byline == "（本报记者张小强、赵小刚采访整理，刘小红亦有贡献）"
    assert layout.conservation_gap(raw, page) == ""


def test_a_time_over_the_headline_is_its_overline():
    # invented text: two heading lines over a dateline, the first only a time ("前5个月", "2025—2026赛季");
    # a design credit at the end of the page is furniture
    lead = "\n\n本报江城6月3日电  （记者王小明）江城海关3日发布数据。\n\n题图设计：李小华\n"
    for over in ("前5个月", "2025—2026赛季"):
        raw = "某版文章\n\n这是上一篇的正文。\n\n" + over + "\n江城外贸进出口增长一成" + lead
        page = layout.split_page(raw)
        art = page.articles[1]
        assert (art.overline, art.headline, art.subheadline) == (over, "江城外贸进出口增长一成", None)
        assert len(page.articles) == 2 and page.residue == ["题图设计：李小华"]


def test_signed_pieces_under_a_headline_and_its_intro_are_one_package():
    # invented text: a headline over a one-paragraph intro, then three reports each under "<subject>——" and a
    # headline, each with its author line; a page of separate reports (no intro) stays apart
    pieces = ("江城港口集团——\n智慧码头跑出加速度\n本报记者  王小明\n\n自动化岸桥日夜不停。\n\n"
              "江城机床厂——\n老厂房里的新产线\n本报记者  李小华\n\n车间里机器人忙个不停。\n\n"
              "江城种业公司——\n一粒种子的创新路\n本报记者  张小强\n\n育种基地里禾苗青青。\n")
    raw = "走进江城企业 感受发展活力\n\n上半年，江城规模以上工业增加值同比增长一成……\n\n" + pieces
    page = layout.split_page(raw)
    art, = page.articles
    assert art.headline == "走进江城企业 感受发展活力" and art.reporters == ["王小明", "李小华", "张小强"]
    assert "老厂房里的新产线" in art.body.split("\n")
    assert layout.conservation_gap(raw, page) == ""
    assert len(layout.split_page(pieces).articles) == 3
    # a photo story (caption, photo credit) over signed pieces introduces none of them
    photo = "江城夏日荷花开\n\n7月5日，游客在江城湿地公园赏荷。\n\n本报记者  赵小刚摄\n\n" + pieces
    assert len(layout.split_page(photo).articles) == 4


def test_a_list_of_actions_over_the_headline_is_its_overline():
    # invented text: the first of two heading lines lists actions with "、" and has no subject, the second names
    # who does them
    lead = "\n\n本报江城7月23日电  （记者王小明）江城日前印发若干措施。\n"
    raw = "某版文章\n\n这是上一篇的正文。\n\n强化研发投入、推动开放合作\n江城支持新材料产业集群发展" + lead
    art = layout.split_page(raw).articles[1]
    assert (art.overline, art.headline, art.subheadline) == ("强化研发投入、推动开放合作", "江城支持新材料产业集群发展", None)


def test_a_time_at_the_top_of_a_page_is_an_overline_not_a_banner():
    # invented text: the page opens with a time, a headline and a deck over a dateline
    raw = ("前5个月\n江城外贸进出口值达三千亿元\n同比增长一成\n\n"
           "本报江城6月3日电  （记者王小明）江城海关3日发布数据。\n")
    page = layout.split_page(raw)
    art, = page.articles
    assert page.banners == []
    assert (art.overline, art.headline, art.subheadline) == ("前5个月", "江城外贸进出口值达三千亿元", "同比增长一成")


def test_signatures_before_a_closing_dateline_end_the_document():
    # invented text: a joint statement closed by its signatories' offices and names, the date and place, then
    # the closing dateline
    raw = ("江城市和河城市关于深化友好合作的联合声明\n\n双方同意进一步深化经贸合作。\n\n双方愿加强人文交流。\n\n"
           "江城市市长     河城市市长\n王小明          李小华\n二〇二六年五月二十日于江城\n（江城社江城5月20日电）\n")
    page = layout.split_page(raw)
    art, = page.articles
    assert (art.dateline_month, art.dateline_day) == (5, 20)
    assert art.body.split("\n")[-1] == "二〇二六年五月二十日于江城"
    assert layout.conservation_gap(raw, page) == ""


def test_an_entry_list_under_a_headline_and_its_intro_is_one_article():
    # invented text: a roll's headline and a two-paragraph intro, then ten "<name>" / "<citation>" entries
    entries = "".join(f"{n}\n\n江城大学{k + 1}级博士研究生，曾获校级奖学金。\n\n"
                      for k, n in enumerate(("王小明", "李小华", "张小强", "赵小刚", "刘小红", "陈小军", "杨小兵",
                                             "黄小林", "周小平", "吴小东")))
    raw = ("江城大学优秀研究生名录\n\n研究生教育是培养创新人才的主阵地。\n\n以下十名研究生是获奖学生中的优秀代表。\n\n" + entries)
    page = layout.split_page(raw)
    art, = page.articles
    assert art.headline == "江城大学优秀研究生名录" and "王小明" in art.body.split("\n")
    assert layout.conservation_gap(raw, page) == ""


def test_an_orders_head_under_its_title_opens_the_text():
    # invented text: a published order, its title, then the issuer's order head and number, then the text
    raw = ("江城市人民政府关于修改《江城市河道管理办法》的决定\n江城市人民政府令\n第十二号\n\n"
           "《江城市人民政府关于修改〈江城市河道管理办法〉的决定》已经市政府常务会议通过，现予公布。\n\n"
           "市长  王小明\n\n2026年8月10日\n\n市政府决定对《江城市河道管理办法》作如下修改。\n")
    page = layout.split_page(raw)
    art, = page.articles
    assert page.banners == [] and art.headline.startswith("江城市人民政府关于修改")
    assert art.body.split("\n")[:2] == ["江城市人民政府令", "第十二号"]
    assert layout.conservation_gap(raw, page) == ""


def _lead_sentence_by_characters(body: str) -> str:
    """The character loop layout._lead_sentence had before its regex fast path (the reference)."""
    first = body.split("\n", 1)[0][:300]
    depth = 0
    for k, ch in enumerate(first):
        if ch == "“":
            depth += 1
        elif ch == "”":
            depth = max(0, depth - 1)
        elif ch in "。！？" and depth == 0:
            return first[: k + 1]
    return first


@given(st.text(alphabet="甲乙“”。！？\n，a ", max_size=60))
@settings(max_examples=400, deadline=None)
def test_lead_sentence_equals_the_character_loop(body):
    assert layout._lead_sentence(body) == _lead_sentence_by_characters(body)


def test_label_regex_finds_what_the_lookbehind_form_finds():
    """label_re writes a credit label's "not after a CJK character" test after the label's first character (so
    every alternative starts with a literal); it must match exactly where the plain lookbehind form matches."""
    import re

    roles = layout._lex().roles
    plain = re.compile("|".join((r"(?<![\u4e00-\u9fff])" if roles[lb] == "credit" else "") + re.escape(lb)
                                for lb in sorted(roles, key=len, reverse=True)))
    credit = [lb for lb in roles if roles[lb] == "credit"]
    assert credit
    texts = ["", "今天天气很好", "（记者 王小明）"]
    for lb in credit + [lb for lb in roles if roles[lb] != "credit"][:5]:
        texts += [lb, "甲" + lb, "a" + lb, "（" + lb + "：李四）", "一段话" + lb + "张三", lb[0] + lb, lb + lb]
    for t in texts:
        assert [m.span() for m in layout._lex().label_re.finditer(t)] == [m.span() for m in plain.finditer(t)], t
