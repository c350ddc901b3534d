"""Dates stage: the date an article's dateline or lead sentence gives, as month/day and, when the year is known, a date.

Owns:
- `match_lead_date(text)`: a date phrase at the very start of a lead ("3月9日上午", "9日上午", "近日",
  "昨日上午", "今天（5月20日）", "2023年4月19日"); its span is what `layout` appends to the dateline.
- `first_explicit_date(text)`: the first "M月D日" (optionally "YYYY年M月D日") inside a sentence, for leads whose
  date is not at the start ("按照…要求，…3月20日，高新区…").
- `resolve(...)`: month/day (+ the issue date or an explicit year) -> `datetime.date`, or None.

Rules:
- "近日", "日前", "连日来" give no day. "昨日"/"今日"/"前日" give a day only with an issue date.
- A bare day ("9日上午") takes its month from context (the page's other datelines, else the issue date's month;
  a day after the issue day then means the previous month).
- The year comes from an explicit "YYYY年M月D日", else from the issue date (a December dateline in a January issue
  means the previous year); otherwise the date is unknown (None).
Pure functions, no I/O.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

_CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "〇": 0, "零": 0}
_NUM = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
_TOD = r"(?:上午|下午|中午|晚上|晚间|傍晚|早上|早晨|清晨|凌晨|夜间|深夜|晚|早)"
_REL = r"(?:近日|日前|连日来|近期|昨日|昨天|今日|今天|前日|前天|当天|当日)"
_REL_OFFSET = {"昨日": -1, "昨天": -1, "今日": 0, "今天": 0, "前日": -2, "前天": -2}

LEAD_DATE = re.compile(
    rf"(?:(?P<rel>{_REL})(?:（(?:(?P<m0>{_NUM})月)?(?P<d0>{_NUM})日）)?"
    rf"|(?:(?P<y>\d{{4}})年)?(?:(?P<m>{_NUM})月)?(?P<d>{_NUM})日(?!内|常|益|趋))"
    rf"(?:{_TOD}(?:\d{{1,2}}时(?:\d{{1,2}}分)?|\d{{1,2}}点(?:\d{{1,2}}分)?)?)?"
)
LABEL_DATE = re.compile(rf"(?:(?P<y>\d{{4}})年)?(?P<m>{_NUM})月(?P<d>{_NUM})日[电讯]")
EXPLICIT_DATE = re.compile(rf"(?:(?P<y>\d{{4}})年)?(?P<m>{_NUM})月(?P<d>{_NUM})日")
_SENTENCE_END = re.compile(r"[。！？]")


@dataclass(frozen=True)
class LeadDate:
    phrase: str          # the matched text, e.g. "3月9日上午"
    month: int | None
    day: int | None
    year: int | None = None
    relative: int | None = None   # days relative to the issue date ("昨日" -> -1)


def _num(s: str | None) -> int | None:
    if not s:
        return None
    if s.isdigit():
        return int(s)
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + _CN_NUM.get(s[1:], 0)
    if len(s) == 2 and s[1] == "十":
        return _CN_NUM[s[0]] * 10
    if len(s) == 3 and s[1] == "十":
        return _CN_NUM[s[0]] * 10 + _CN_NUM[s[2]]
    return _CN_NUM.get(s)


_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # the most days each month can have


def _valid(month: int | None, day: int | None) -> bool:
    """A month, a day, or a month and day that some year has (2月29日 yes, 2月30日 and 4月31日 no)."""
    if month is not None and not 1 <= month <= 12:
        return False
    if day is not None and not 1 <= day <= (_MONTH_DAYS[month - 1] if month else 31):
        return False
    return True


def match_lead_date(text: str) -> LeadDate | None:
    """The date phrase that opens `text`, or None. "近日" matches with month=day=None."""
    m = LEAD_DATE.match(text)
    if not m or not m.group(0):
        return None
    if m.group("rel"):
        month, day = _num(m.group("m0")), _num(m.group("d0"))
        if not _valid(month, day):
            return None
        return LeadDate(m.group(0), month, day, None, _REL_OFFSET.get(m.group("rel")))
    month, day, year = _num(m.group("m")), _num(m.group("d")), m.group("y")
    if not _valid(month, day) or day is None:
        return None
    return LeadDate(m.group(0), month, day, int(year) if year else None)


def first_explicit_date(text: str, *, first_sentence_only: bool = True) -> LeadDate | None:
    """The first "M月D日" in `text` (its first sentence by default)."""
    if first_sentence_only:
        end = _SENTENCE_END.search(text)
        if end:
            text = text[: end.end()]
    for m in EXPLICIT_DATE.finditer(text):
        month, day = _num(m.group("m")), _num(m.group("d"))
        if _valid(month, day):
            return LeadDate(m.group(0), month, day, int(m.group("y")) if m.group("y") else None)
    return None


def label_date(label: str) -> LeadDate | None:
    """The date a dateline label gives: "本报北京4月26日电（记者 X）" -> 4/26, "（本报东京6月10日电）" -> 6/10."""
    m = LABEL_DATE.search(label)
    if not m:
        return None
    month, day = _num(m.group("m")), _num(m.group("d"))
    if not _valid(month, day):
        return None
    return LeadDate(m.group(0), month, day, int(m.group("y")) if m.group("y") else None)


def infer_month(day: int, *, context_month: int | None = None, issue_date: _dt.date | None = None) -> int | None:
    """Month for a bare day ("9日"): the page's context month, else the issue date's (previous month if later);
    None when the day does not fit the month (30日 on a page whose other articles are of February)."""
    if context_month and _valid(context_month, day):
        return context_month
    if issue_date:
        month = issue_date.month if day <= issue_date.day else 12 if issue_date.month == 1 else issue_date.month - 1
        return month if _valid(month, day) else None
    return None


def resolve(month: int | None, day: int | None, *, year: int | None = None,
            issue_date: _dt.date | None = None) -> _dt.date | None:
    """A calendar date when month, day and a year (explicit or from the issue date) are known."""
    if month is None or day is None:
        return None
    if year is None:
        if issue_date is None:
            return None
        year = issue_date.year
        # news is dated on or before its issue: a later month/day belongs to the previous year
        # (December news in a January issue)
        if (month, day) > (issue_date.month, issue_date.day):
            year -= 1
    try:
        return _dt.date(year, month, day)
    except ValueError:
        return None


def relative_date(offset: int, issue_date: _dt.date | None) -> _dt.date | None:
    return issue_date + _dt.timedelta(days=offset) if issue_date else None


MASTHEAD_DATE = re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日\s*(?:星期|周)[一二三四五六日天]")


def masthead_date(line: str) -> _dt.date | None:
    """A page header such as "2023年3月10日 星期五" gives the issue date."""
    m = MASTHEAD_DATE.match(line.strip())
    if not m:
        return None
    try:
        return _dt.date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    except ValueError:
        return None
