"""Dateline dates: the phrase opening a lead, explicit dates in the lead sentence, month from context, year."""
import datetime as dt

from transforms import dates


def test_lead_date_phrases():
    ld = dates.match_lead_date("3月9日上午，金水区举行")
    assert (ld.phrase, ld.month, ld.day) == ("3月9日上午", 3, 9)
    ld = dates.match_lead_date("9日上午，中国新密")
    assert (ld.phrase, ld.month, ld.day) == ("9日上午", None, 9)
    ld = dates.match_lead_date("近日，经开区召开")
    assert (ld.phrase, ld.month, ld.day) == ("近日", None, None)
    ld = dates.match_lead_date("今天（5月20日），国家发展改革委")
    assert (ld.phrase, ld.month, ld.day) == ("今天（5月20日）", 5, 20)
    ld = dates.match_lead_date("昨日上午，荥阳市")
    assert (ld.phrase, ld.relative) == ("昨日上午", -1)
    assert dates.match_lead_date("2023年4月19日，观摩").year == 2023
    assert dates.match_lead_date("按照市委统一安排") is None
    assert dates.match_lead_date("三月九日，签约").month == 3


def test_first_explicit_date_in_lead_sentence():
    ld = dates.first_explicit_date("按照方案要求，3月20日，高新区领导到园区调研。4月1日再次调研。")
    assert (ld.month, ld.day) == (3, 20)
    assert dates.first_explicit_date("今年以来，全镇积极招商。3月9日签约。") is None


def test_month_for_a_bare_day():
    assert dates.infer_month(9, context_month=3) == 3
    assert dates.infer_month(9, issue_date=dt.date(2023, 3, 10)) == 3
    assert dates.infer_month(28, issue_date=dt.date(2023, 3, 2)) == 2
    assert dates.infer_month(28, issue_date=dt.date(2023, 1, 2)) == 12
    assert dates.infer_month(9) is None
    # a day the month cannot have: not that month (the page's other articles are of February)
    assert dates.infer_month(30, context_month=2) is None
    assert dates.infer_month(30, context_month=2, issue_date=dt.date(2023, 3, 31)) == 3
    assert dates.infer_month(31, issue_date=dt.date(2023, 5, 2)) is None      # April has 30 days
    assert dates.infer_month(29, context_month=2) == 2                         # some years have it


def test_impossible_explicit_dates_are_not_dates():
    assert dates.first_explicit_date("2月30日，会议召开。") is None
    assert dates.first_explicit_date("4月31日，会议召开。") is None
    assert dates.first_explicit_date("2月29日，会议召开。").day == 29


def test_year_from_issue_date_or_explicit_year():
    assert dates.resolve(3, 9, issue_date=dt.date(2023, 3, 10)) == dt.date(2023, 3, 9)
    assert dates.resolve(12, 30, issue_date=dt.date(2024, 1, 2)) == dt.date(2023, 12, 30)
    assert dates.resolve(4, 19, year=2023) == dt.date(2023, 4, 19)
    assert dates.resolve(3, 9) is None
    assert dates.resolve(2, 30, year=2023) is None


def test_dateline_label_gives_month_and_day():
    ld = dates.label_date("本报江城4月26日电（记者丁小雨）")
    assert (ld.month, ld.day, ld.year) == (4, 26, None)
    assert (dates.label_date("新华社北京12月31日电").month, dates.label_date("新华社北京12月31日电").day) == (12, 31)
    assert dates.label_date("（本报东京6月10日电）").day == 10
    assert dates.label_date("本报江城2026年3月9日讯").year == 2026
    assert dates.label_date("据新华社电（记者张小华）") is None
    assert dates.label_date("本报讯 4月31日电") is None                  # a day April never has


def test_dateline_year_from_the_issue_date():
    # the day before the issue is the normal case; across a new year it is the previous year
    assert dates.resolve(4, 26, issue_date=dt.date(2026, 4, 27)) == dt.date(2026, 4, 26)
    assert dates.resolve(12, 31, issue_date=dt.date(2027, 1, 1)) == dt.date(2026, 12, 31)
    assert dates.resolve(12, 31, issue_date=None) is None


def test_masthead_date():
    assert dates.masthead_date("2023年3月10日 星期五") == dt.date(2023, 3, 10)
    assert dates.masthead_date("2023年全市重大项目观摩活动举行") is None
