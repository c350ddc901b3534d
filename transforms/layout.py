"""Layout stage: one decoded raw page -> articles (headline, overline, subheadline, dateline, byline, body), as an
editor would read it. Pure: no I/O beyond the lexicon files, no prefect/duckdb/great_expectations.

Owns
- line kinds: heading-like lines, "——" subheadlines, datelines ("本报讯(记者 X)…", "<agency>消息（…）：",
  "<agency><place>3月9日电", "据新华社电  （记者 X）"), standalone bylines ("本报记者 X 通讯员 Y", "记者 X Y 文/图",
  "正观新闻·郑州晚报记者 X", "新华社记者 A  B  本报记者 C", names padded to three characters "金  岩" = 金岩,
  "本期主讲人：<title>  <name>", "本报记者" alone, "本报特派记者 X", "<place>  <name>" under a headline, "<office>  <name>"
  under a headline: a speaker or official, byline text with no reporter), closing credits
  and notes in parentheses ("（本报记者 X、Y整理）", "（作者为…）", "（前方本报记者 X、Y采写）"), a letter's closing
  signature "<place>  <name>" (byline text, no reporter), closing datelines ("（本报<place>6月10日电）"), page
  furniture ("(下转第2版)", "本版责编：…", "版式设计：…", "题图设计：…", "本版邮箱：…", "导读" … "第九版", photo
  credits "X摄", also with one long name "新华社记者  旦增尼玛曲珠摄"), a panel member "<name>（<post>）" (a line of
  the text) and body paragraphs;
- heading blocks: overline / headline / deck order (an announcement "…印发意见" / "…签署…令" / "…发布", a list of
  actions "…、…", a time "前4个月", a speaker "某某：" over the headline are overlines; at the top of a page such a
  line, or a time, is never a banner), a long headline of spaced phrases between its overline and deck, a trailing
  column tag not counted toward a heading's length, an order's head ("某某令" / "第N号") opening the text;
  heading-like lines with no text under them (last on the page, or before a closing dateline: a document's
  signatures) end the text above;
- joining paragraphs split by a column or page wrap (a paragraph not ending a sentence + one that continues it),
  never two paragraphs of which the first ends a sentence;
- article boundaries and the heading block: page/column banners (`Page.banners`, copied to `Article.section`),
  overline, headline (a column tag "（江边走笔）" stays in it), subheadline; in-article section headings ("案例一",
  "二", a feature's heading pairs, the sections of a piece closed by one credit, the pieces after an editor's note
  "——编  者", the pieces of a page under one heading printed once above the first, a column's guest commentaries,
  a speech digest's speeches, further dated reports with no heading of their own under a dated article, signed
  reports under a headline and its short intro, a roll's entries under its headline and intro) stay in `body` as
  their own paragraphs;
  a name alone under a headline is the author's byline; a list (many lines, none a sentence) is one article's body;
- bylines: reporters / correspondents (dateline parenthesis, own line, closing credit, or glued to the last
  sentence);
- flags: `fragment` (a paragraph starts or ends mid-sentence because the layout cut it), `no_byline`,
  `no_dateline`, `no_headline`, `no_body`;
- conservation: `conservation_gap(raw, page)` is empty when every non-whitespace character of the page is in
  exactly one place.

Field spans (what each string holds, all cleaned by `transforms.clean`):
- `dateline`: the dateline label, its parenthesis and colon, plus the date phrase that opens the lead when there is
  one: "本报讯（记者 党贺喜）3月9日上午", "本报讯 8月9日上午", "本报讯 近日", "央视网消息（新闻联播）：1月31日晚",
  "本报讯（记者 史治国 通讯员 李保玲）" (lead opens with no date), "本报江城4月26日电（记者丁小雨）"; or a closing
  dateline as printed after the last paragraph, "（本报东京6月10日电）". The date phrase is ALSO kept at the start of
  `body` so the lead reads as a sentence ("3月9日上午，金水区举行…") and offsets into body stay natural; the
  conservation check counts the dateline without that phrase (`dateline_label`).
- `dateline_month` / `dateline_day`: the dateline label's own date ("4月26日电") when it has one, else the lead's;
  `dateline_date` adds the year from an explicit year or the issue date (a later month/day is the previous year).
- `body`: paragraphs joined by "\n", starting with the lead (after the dateline label); no byline text, no label.
  In-article section headings are paragraphs of their own.
- `byline`: the byline text as printed (labels, media name and names), "\n"-joined when an article has several
  ("记者 王赛华 鲁慧 文/图", "方 舟\n（作者为…）"); names also go to `reporters` / `correspondents`, padded names
  joined. Names inside the dateline parenthesis stay in `dateline` only.
- `Page.residue`: page furniture and orphan text that belongs to no article.
"""
from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from transforms import clean, dates, lexicons

__all__ = ["Article", "Page", "split_page", "conservation_gap", "dateline_label", "parse_byline"]


@dataclass
class Article:
    seq: int
    section: str | None = None
    overline: str | None = None
    headline: str = ""
    subheadline: str | None = None
    dateline: str | None = None
    dateline_month: int | None = None
    dateline_day: int | None = None
    dateline_date: datetime.date | None = None
    reporters: list[str] = field(default_factory=list)
    correspondents: list[str] = field(default_factory=list)
    body: str = ""
    flags: list[str] = field(default_factory=list)
    byline: str | None = None


@dataclass
class Page:
    articles: list[Article]
    banners: list[str]
    residue: list[str]


# ---------------------------------------------------------------------------------------------- lexicons
@dataclass(frozen=True)
class _Lex:
    roles: dict
    label_re: re.Pattern
    surnames: frozenset
    compound_surnames: frozenset
    media_suffixes: tuple
    reporter_qualifiers: tuple
    overline_endings: tuple
    fragment_initial: frozenset
    dateline_re: re.Pattern
    trailing_dateline_re: re.Pattern
    editor_re: re.Pattern
    mailbox_re: re.Pattern
    digest_words: frozenset
    credit_verb_re: re.Pattern
    inarticle_headings: frozenset
    furniture_first: frozenset      # first characters of every furniture label (a cheap test before the regexes)


def _words(name: str) -> list[str]:
    return [w for line in lexicons.lines(name) for w in line.split()]


@lru_cache(maxsize=1)
def _lex() -> _Lex:
    roles = {}
    for line in lexicons.lines("layout_byline_labels.txt"):
        label, role = line.split()
        roles[label] = role
    labels = sorted(roles, key=len, reverse=True)
    # a credit label ("文/图") is not preceded by a CJK character; the test is written after the label's first
    # character ("文(?<![CJK]文)/图", the same matches as "(?<![CJK])文/图") so that every alternative starts
    # with a literal: the regex engine then skips positions whose character starts no label (8x faster on
    # paragraph tails, where this runs for every paragraph)
    label_re = re.compile("|".join(
        re.escape(lb[0]) + r"(?<![\u4e00-\u9fff]" + re.escape(lb[0]) + ")" + re.escape(lb[1:])
        if roles[lb] == "credit" else re.escape(lb) for lb in labels))
    names = _words("surnames.txt")
    fixed = sorted(lexicons.lines("layout_dateline_labels.txt"), key=len, reverse=True)
    cjk = r"\u4e00-\u9fff"
    agency = "|".join(map(re.escape, sorted(lexicons.lines("layout_dateline_agencies.txt"), key=len, reverse=True)))
    dateline_re = re.compile(
        r"^(?P<label>" + "|".join(map(re.escape, fixed)) +
        rf"|[{cjk}·]{{1,12}}?(?:消息|讯)(?=\s*[（：(:])"
        rf"|[{cjk}·]{{2,16}}?\d{{1,2}}月\d{{1,2}}日[电讯]"
        rf"|据?(?:{agency})[{cjk}·]{{0,12}}?电(?=\s*（))"
        r"(?P<paren>\s*（[^（）]{0,80}）)?(?P<colon>\s*：)?\s*")
    # a dateline printed in parentheses after the last paragraph: "（本报<place>6月10日电）", "（据新华社电）"
    trailing_dateline_re = re.compile(
        rf"^（(?:据?(?:{agency})[{cjk}·]{{0,12}}?(?:\d{{1,2}}月\d{{1,2}}日)?|[{cjk}·]{{2,16}}?\d{{1,2}}月\d{{1,2}}日)电"
        r"(?:\s+[^（）\s][^（）]{0,20})?）$")
    furniture = {}
    for line in lexicons.lines("layout_furniture_labels.txt"):
        label, kind = line.split()
        furniture.setdefault(kind, []).append(label)

    def labels(kind: str) -> str:
        return "|".join(map(re.escape, sorted(furniture.get(kind, []), key=len, reverse=True)))

    editor_re = re.compile(rf"^(?:{labels('editor')})(?:\s*[：:]\s*|\s+)[{cjk}·、 ]{{2,40}}$")
    mailbox_re = re.compile(rf"^(?:{labels('mailbox')})(?:\s*[：:]\s*|\s+)[\w.\-]+@[\w.\-]+(?:\s*（[^（）]{{1,20}}）)?$")
    verbs = "|".join(map(re.escape, sorted(lexicons.lines("layout_credit_verbs.txt"), key=len, reverse=True)))
    return _Lex(
        roles=roles, label_re=label_re,
        surnames=frozenset(n for n in names if len(n) == 1),
        compound_surnames=frozenset(n for n in names if len(n) == 2),
        media_suffixes=tuple(lexicons.lines("layout_media_suffixes.txt")),
        reporter_qualifiers=tuple(lexicons.lines("layout_reporter_qualifiers.txt")),
        overline_endings=tuple(lexicons.lines("layout_overline_endings.txt")),
        fragment_initial=frozenset(_words("layout_fragment_initial.txt")),
        dateline_re=dateline_re, trailing_dateline_re=trailing_dateline_re, editor_re=editor_re,
        mailbox_re=mailbox_re, digest_words=frozenset(furniture.get("digest", [])),
        credit_verb_re=re.compile(rf"\s*(?:(?:{verbs})\s*)+$"),
        inarticle_headings=frozenset(lexicons.lines("layout_inarticle_headings.txt")),
        furniture_first=frozenset([lb[0] for kind in furniture.values() for lb in kind] + list("（(上下接转紧责编校美版组审值本")),
    )


# ---------------------------------------------------------------------------------------------- bylines
_NAME_SEP = re.compile(r"[\s、，,]+")
_CJK_NAME = re.compile(r"^[\u4e00-\u9fff·]+$")


def _surname_len(tok: str) -> int:
    lx = _lex()
    if tok[:2] in lx.compound_surnames:
        return 2
    return 1 if tok[:1] in lx.surnames else 0


def _split_run(tok: str) -> list[str] | None:
    """Names printed without spaces ("王际宾董艳竹") -> ["王际宾", "董艳竹"]; each piece starts with a surname."""
    if not tok:
        return []
    sl = _surname_len(tok)
    if not sl:
        return None
    for n in (sl + 2, sl + 1):
        if n <= len(tok):
            rest = _split_run(tok[n:])
            if rest is not None:
                return [tok[:n]] + rest
    return None


_NAME_TOKENS = re.compile(r"([\s、，,]+)")


def _tokens(seg: str) -> list[str]:
    """Name tokens of a byline segment; two one-character tokens separated by spaces are one name padded to the
    width of three ("金  岩" -> "金岩"), as papers print two-character names in a column of three-character ones."""
    parts = _NAME_TOKENS.split(seg)
    out: list[str] = []
    k = 0
    while k < len(parts):
        tok = parts[k]
        if (len(tok) == 1 and k + 2 < len(parts) and len(parts[k + 2]) == 1 and not parts[k + 1].strip()
                and clean.is_cjk(tok) and clean.is_cjk(parts[k + 2])):
            out.append(tok + parts[k + 2])
            k += 4
            continue
        if tok and not _NAME_TOKENS.fullmatch(tok):
            out.append(tok)
        k += 2
    return out


def _names(seg: str, strict: bool) -> list[str] | None:
    out: list[str] = []
    listed = "、" in seg                     # names set off by "、" are never run together: 阿依古丽 is one
    for tok in _tokens(seg):
        if tok in ("摄", "报道"):
            continue
        if not _CJK_NAME.match(tok):
            return None
        if "·" in tok:                      # transliterated names: 买买提·艾力
            out.append(tok)
            continue
        sl = _surname_len(tok)
        if 2 <= len(tok) <= 3 or (len(tok) == 4 and sl == 2):
            if strict and not sl:
                return None
            out.append(tok)
        elif len(tok) == 4 and listed and (sl or not strict):
            out.append(tok)
        elif 4 <= len(tok) <= 12:
            parts = _split_run(tok)
            if parts is None:
                if len(tok) == 4 and sl:     # a four-character name that is not two names: 阿依古丽
                    parts = [tok]
                elif strict or len(tok) > 4:
                    return None
                else:
                    parts = [tok]
            out.extend(parts)
        else:
            return None
    return out


_MEDIA_TITLE = re.compile(r"《[^《》]{1,20}》")


def _media_like(s: str) -> bool:
    s = s.strip()
    if not s:
        return True
    if _MEDIA_TITLE.fullmatch(s):          # "《某某周刊》记者 X"
        return True
    media, at, post = s.partition("驻")
    if at and media and 1 <= len(post) <= 8 and clean.has_cjk(post):   # "本报驻东京记者 X"
        return _media_like(media)
    if len(s) > 24 or not re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9·]+", s):
        return False
    if "·" in s or s.endswith(_lex().media_suffixes):
        return True
    for q in _lex().reporter_qualifiers:             # "本报特派", "某某日报海外版": a media name and a qualifier
        if s.endswith(q) and len(s) > len(q) and _media_like(s[: -len(q)]):
            return True
    return False


def _speaker_names(seg: str, strict: bool) -> list[str] | None:
    """"：某某研究院院长  周小川" -> ["周小川"]: a speaker's title, then the name last."""
    toks = seg.strip(" ：:").split()
    if not toks:
        return None
    cand = toks[-2] + toks[-1] if len(toks) >= 3 and len(toks[-1]) == len(toks[-2]) == 1 else toks[-1]
    return _names(cand, strict)


_REPORTS = re.compile(r"\s*报道\s*$")
_MEDIA_TAIL = re.compile(r"^(?P<head>.*\S)(?:\s+|\s*[、，,与和及]\s*)(?P<media>[^\s、，,]+)$")


def _drop_media_tail(seg: str) -> str:
    """The names of one label's segment without the media name of the next label, set off by a space, "、" or
    "与/和/及": " 甲小乙 丙小丁  本报" (before "通讯员"), "甲小乙、丙小丁、人民网" (before "记者")."""
    m = _MEDIA_TAIL.match(seg)
    if m and _media_like(m.group("media")):
        return m.group("head")
    return seg


def parse_byline(text: str, *, strict: bool = True) -> tuple[list[str], list[str]] | None:
    """("记者 王赛华 鲁慧 文/图") -> (reporters, correspondents), or None when `text` is not a byline.

    `strict`: every name must start with a known surname (used for whole lines and glued tails); the dateline
    parenthesis is parsed leniently because its position already says it is a byline. A media name before a later
    label belongs to that label ("新华社记者 A  B  本报记者 C", "本报记者 X  人民网记者 Y").
    """
    lx = _lex()
    ms = list(lx.label_re.finditer(text))
    if not ms or not _media_like(text[: ms[0].start()]):
        return None
    reporters: list[str] = []
    correspondents: list[str] = []
    for k, m in enumerate(ms):
        seg = text[m.end(): ms[k + 1].start() if k + 1 < len(ms) else len(text)]
        role = lx.roles[m.group(0)]
        if k + 1 < len(ms) and not seg[-1:].isspace():
            seg = _drop_media_tail(seg)
        seg = _REPORTS.sub("", seg)                   # "本报记者 王小明报道"
        names = _speaker_names(seg, strict) if role == "speaker" else _names(seg, strict)
        if names is None:
            return None
        (correspondents if role == "correspondent" else reporters).extend(names)
    if not reporters and not correspondents:
        return None
    return reporters, correspondents


_LABEL_THEN_SPACE = re.compile(r"\s")


def _spaced_byline(text: str) -> tuple[list[str], list[str]] | None:
    """A line opening with a label, then names set off by spaces ("本报记者  仉小晨"): a byline even when a name's
    surname is not in the list; the space after the label is what tells it from a sentence ("记者走进…")."""
    m = _lex().label_re.search(text)
    if (m is None or not _media_like(text[: m.start()]) or not text[m.end(): m.end() + 1].isspace()
            or _NAME_LINE_PUNCT.search(text)):
        return None
    parsed = parse_byline(text, strict=False)
    if parsed is None or any(len(n) > 4 and "·" not in n for n in parsed[0] + parsed[1]):
        return None
    return parsed


def _byline_names(text: str) -> tuple[list[str], list[str]]:
    """(reporters, correspondents) of a line classified as a byline: labelled, spaced, a bare name, a label alone."""
    parsed = parse_byline(text) or _spaced_byline(text)
    if parsed is not None:
        return parsed
    if _PADDED_PAIR.fullmatch(text):
        return [text[0] + text[-1]], []
    if 2 <= len(text) <= 3 and _CJK_NAME.match(text):
        return [text], []
    if _signed_name_line(text):                      # "江城市  王小明": place, then the name
        if _position_head(text.partition(" ")[0]):   # "江城大学党委书记  王小明": an official or a speaker
            return [], []                            # signs, no reporter: the line stays in `byline` only
        return _signature_names(text), []
    m = _TEXT_CREDIT.match(text)                     # "方  舟文": the text's author
    if m:
        return [m.group("who")[0] + m.group("who")[-1]], []
    return _names(text, strict=True) or [], []


def _label_only(text: str) -> bool:
    """"本报记者", "新华社记者": a reporter label with no names (the names follow in a closing credit)."""
    m = _lex().label_re.search(text)
    return (m is not None and m.end() == len(text) and _lex().roles[m.group(0)] == "reporter"
            and _media_like(text[: m.start()]))


# a note in a closing parenthesis that names nobody: "作者为…", "本文作者系…", "作者分别为…", "文中受访者均为化名"
_AUTHOR_NOTE = re.compile(r"^(?:本文)?作者(?:分别|均|皆)?(?:为|系|是|单位|：|:)|^文中|^(?:图片|照片|数据)(?:由|来源|来自)"
                          r"|^[^，；。]{2,20}?亦有贡献$")     # an acknowledgement: "实习生某某对本文亦有贡献"
_CREDIT_ETC = re.compile(r"(?<=[\u4e00-\u9fff])等$")      # "（本报记者甲小乙、丙小丁等）"


def _one_paren(text: str) -> bool:
    """"（…）" is one parenthesis, possibly holding balanced inner ones ("（作者为某大学（北京）教授）"), not two
    ("（…）（…）")."""
    depth = 0
    for k, ch in enumerate(text):
        depth += (ch == "（") - (ch == "）")
        if depth == 0 and k < len(text) - 1 or depth < 0:
            return False
    return depth == 0


def parse_credit(text: str) -> tuple[list[str], list[str]] | None:
    """A closing credit in parentheses -> (reporters, correspondents), or None when `text` is not one:
    "（本报记者甲小乙、丙小丁整理）", "（作者为某大学教授，本报记者张小三采访整理）", "（李小四参与采写）", "（作者为…）"."""
    if not (text.startswith("（") and text.endswith("）")) or len(text) > 160 or not _one_paren(text):
        return None
    lx = _lex()
    reporters: list[str] = []
    correspondents: list[str] = []
    for seg in re.split(r"[，；。]", text[1:-1]):
        seg = seg.strip()
        if not seg or _AUTHOR_NOTE.match(seg):        # a note on the author or the text: no names
            continue
        core = _CREDIT_ETC.sub("", lx.credit_verb_re.sub("", seg))
        parsed = parse_byline(core)
        label = lx.label_re.search(core)
        if parsed is None and label and (_media_like(core[: label.start()]) or core != seg and label.start() <= 6):
            # "（本报记者 A、B）": names by the label; with a credit verb closing the segment, a short qualifier
            # before the label that is no media name ("（前方本报记者 A、B采写）") does not make it a sentence
            parsed = parse_byline(core[label.start():], strict=False)
            if parsed is not None and any(len(x) > 4 and "·" not in x for x in parsed[0] + parsed[1]):
                parsed = None
        if parsed is None and core != seg:
            names = _names(core, strict=True)
            parsed = (names, []) if names else None
        if parsed is None:
            return None
        reporters += parsed[0]
        correspondents += parsed[1]
    return reporters, correspondents


_PHOTO_LINE = re.compile(r"^(?P<who>[^。！？，；：]{2,40}?)\s*摄(?:影报道|影)?(?:（[\u4e00-\u9fff]{2,10}）)?$")


_LONG_NAME = re.compile(r"[\u4e00-\u9fff]{4,8}")


def _photo_credit(t: str) -> bool:
    """A photo credit on its own line: "本报记者  王小明摄", "李  华摄（影像中国）", "张三  李四摄影报道"."""
    m = _PHOTO_LINE.match(t)
    if not m:
        return False
    who = m.group("who")
    if parse_byline(who) is not None or _names(who, strict=True):
        return True
    # "新华社记者  旦增尼玛曲珠摄": a reporter label, then one long name (Tibetan, Mongolian) set off by spaces
    lab = _lex().label_re.search(who)
    return bool(lab and _lex().roles[lab.group(0)] == "reporter" and _media_like(who[: lab.start()])
                and who[lab.end():].startswith(" ") and _LONG_NAME.fullmatch(who[lab.end():].strip()))


_TEXT_CREDIT = re.compile(r"^(?P<who>[\u4e00-\u9fff]\s+[\u4e00-\u9fff])[文图]$")   # "方  舟文": text by 方舟


_PADDED_PAIR = re.compile(r"[\u4e00-\u9fff]\s+[\u4e00-\u9fff]")
_NAME_LINE_PUNCT = re.compile(r"[，。、：；！？“”《》（）\d]")


def _name_line(t: str) -> bool:
    """A line that is only one or two names ("方  舟", "周小川", "阿卜杜拉·卡里莫夫"): a commentary's author."""
    if _nospace_len(t) > 16 or _NAME_LINE_PUNCT.search(t):
        return False
    if _PADDED_PAIR.fullmatch(t):                    # a two-character name padded to three ("岚  舟")
        return True
    if 2 <= len(t) <= 3 and _CJK_NAME.match(t):      # a short name, whatever its surname
        return True
    names = _names(t, strict=True)
    return bool(names) and len(names) <= 2


_SIGNATURE_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,14}(?:省|市|县|区|州|盟|旗|镇|乡|村|大学|学院|学校|中学|小学|医院|公司|集团"
                              r"|研究院|研究所|研究中心)$")


_POSITION_HEAD = re.compile(r"^[\u4e00-\u9fff、（）]{2,40}$")
_TRAILING_PAREN = re.compile(r"（[^（）]{1,12}）$")


@lru_cache(maxsize=1)
def _title_words() -> tuple[str, ...]:
    return tuple(sorted(set(_words("entities_titles.txt")), key=len, reverse=True))


def _position_head(head: str) -> bool:
    """"江城市委书记", "某某大学党委书记、校长", "某某学院（研究院）副院长（副所长）": an office or occupation (it ends
    with a title word, a parenthesized alternative after it allowed)."""
    if not _POSITION_HEAD.match(head) or head.count("（") != head.count("）"):
        return False
    core = _TRAILING_PAREN.sub("", head)
    return len(core) > 2 and core.endswith(_title_words())


def _signed_name_line(t: str) -> bool:
    """"江城市  王小明", "江城大学  李  华", "江城大学党委书记  王小明": where the author lives or works, or the author's
    office, then the author's name (a reader's letter, a guest column, a speech), set off by spaces."""
    head, _, name = t.partition(" ")
    name = name.strip()
    return bool(head and name and (_SIGNATURE_PLACE.match(head) or _position_head(head)) and _name_line(name))


def _signature_names(t: str) -> list[str]:
    name = t.partition(" ")[2].strip()
    if _PADDED_PAIR.fullmatch(name):
        return [name[0] + name[-1]]
    return _names(name, strict=True) or ([name] if 2 <= len(name) <= 3 else [])


# ---------------------------------------------------------------------------------------------- line kinds
HEAD, DASH, DATE, BYLINE, BODY, FURN = "HEAD", "DASH", "DATE", "BYLINE", "BODY", "FURN"
# a closing credit "（本报记者 X 整理）", a closing dateline "（本报<place>6月10日电）", a line of a list
CREDIT, END_DATE, LIST = "CREDIT", "END_DATE", "LIST"
SIGN = "SIGN"       # a letter's closing signature "<place>  <name>"

_FINAL = "。！？…"
_CLOSERS = "”’」』）》"
_FURNITURE = re.compile(
    r"^[（(]?\s*(?:上接|下转|接上|转下|紧接|转第|接第)[^）)]{0,12}[版页][）)]?$"
    r"|^(?:责任编辑|责编|编辑|校对|美编|版式|组版|审读|值班主任|本版编辑)\s*[：:]?\s*[\u4e00-\u9fff、 ]{2,30}$")
_NO_TEXT = re.compile(r"^[^\w\u4e00-\u9fff]*$")
_SLOGAN_PART = re.compile(r"^[\u4e00-\u9fff]{2,5}$")
_PHOTO_CREDIT = re.compile(r"(?<![\u4e00-\u9fff])(?:文/图|图/文)|摄$")
_CLAUSE_PUNCT = re.compile(r"[，；：,;:]")
_LEAD_FRAGMENT = re.compile(r"^[^\d一二三四五六七八九十\s（(“‘《【][、，。；：]")


def ends_sentence(s: str) -> bool:
    s = s.rstrip()
    if not s:
        return True
    if s[-1] in _FINAL:
        return True
    return s[-1] in _CLOSERS and len(s) > 1 and s[-2] in _FINAL


def _nospace_len(s: str) -> int:
    return len(s) - s.count(" ")


_LONG_TAG = re.compile(r"（[^（）]{2,30}）$")


def _heading_like(t: str) -> bool:
    size = _nospace_len(t)
    if size > 40 and t.endswith("）"):              # a column tag does not count: "…（深入学习贯彻某某思想）"
        m = _LONG_TAG.search(t)
        if m is not None and m.start() > 0:
            size = _nospace_len(t[: m.start()])
    return (size <= 40 and not ends_sentence(t) and t[-1] not in "，、；：,;:"
            and "。" not in t and "；" not in t)


def _unbalanced_open(t: str) -> bool:
    return t.count("《") > t.count("》") or t.count("（") > t.count("）") or t.count("“") > t.count("”")


@dataclass(slots=True)
class _Unit:
    kind: str
    text: str           # width/punctuation-normalised, stripped; spaces kept
    indented: bool      # the raw line began with whitespace


_DATE_LINE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
_SOURCE_NOTE = re.compile(r"^(?:数据|资料|信息|图片|图表)?来源[：:]")


def _furniture_line(t: str, short: bool = True) -> bool:
    """Page furniture: a line with no text, a jump line, an editor/designer/mailbox credit, a table of contents'
    head, a masthead date, a photo credit. Cheap tests first: this runs on every line."""
    if _NO_TEXT.match(t):
        return True
    if not short:                                     # furniture is a short line
        return False
    lx = _lex()
    return bool((t[0] in lx.furniture_first and (_FURNITURE.match(t) or lx.editor_re.match(t)
                                                 or lx.mailbox_re.match(t)))
                or t in lx.digest_words or (t[0].isdigit() and dates.masthead_date(t))
                or ("摄" in t and len(t) <= 50 and _photo_credit(t)))


def _classify(t: str) -> str:
    lx = _lex()
    short = len(t) <= 80
    if _furniture_line(t, short):
        return FURN
    if t.startswith(("——", "--", "—-")) and _nospace_len(t) <= 80 and "。" not in t:
        return DASH
    if lx.dateline_re.match(t):
        return DATE
    if t[0] == "（" and t[-1] == "）":
        if short and lx.trailing_dateline_re.match(t):
            return END_DATE
        if parse_credit(t) is not None:
            return CREDIT
        return BODY                                   # a parenthesized line is never a heading
    if short:
        if _SOURCE_NOTE.match(t) or _DATE_LINE.match(t):
            return BODY                               # "数据来源：…", a notice's date "2026年5月9日": text
        if lx.label_re.search(t) is not None:
            if parse_byline(t) is not None or _label_only(t) or _spaced_byline(t) is not None:
                return BYLINE
        elif _TEXT_CREDIT.match(t):
            return BYLINE
    if t[-1] == "）" and _participant(t):
        return LIST                                   # "王  华（江城大学教授）": a panel's member, a line of its own
    if _heading_like(t):
        return HEAD
    return BODY


_PARTICIPANT = re.compile(r"^(?P<name>[^（）]{2,16})（(?P<who>[^（）]{4,40})）$")


def _participant(t: str) -> bool:
    """"丁  纯（江城大学经济学院教授）", "约翰·史密斯（某国某大学研究员）": a name, then the person's post in parentheses."""
    m = _PARTICIPANT.match(t)
    who = m.group("who") if m is not None else ""
    return (m is not None and _name_line(m.group("name").strip())
            and (_position_head(who) or who.endswith(("学家", "分析师"))))


_DIGEST_END = re.compile(r"^（?(?:见|详见)?第[一二三四五六七八九十\d]{1,3}版）?$|（第[一二三四五六七八九十\d]{1,3}版）$")


def _digest_blocks(units: list[_Unit]) -> None:
    """A table of contents ("导读", then teaser lines, each group closed by "第九版") is page furniture up to its last
    "第N版" line, when every line before that is short and no sentence."""
    lx = _lex()
    for k, u in enumerate(units):
        if u.kind != FURN or u.text not in lx.digest_words:
            continue
        last = None
        for j in range(k + 1, min(len(units), k + 16)):
            t = units[j].text
            if _DIGEST_END.search(t):
                last = j
            elif _nospace_len(t) > 40 or ends_sentence(t) or units[j].kind in (DATE, BYLINE, CREDIT, END_DATE):
                break
        for j in range(k + 1, (last or k) + 1):
            units[j].kind = FURN


def _credit_furniture(t: str) -> bool:
    lx = _lex()
    return bool(lx.editor_re.match(t) or lx.mailbox_re.match(t) or _FURNITURE.match(t))


def _notices(units: list[_Unit]) -> None:
    """A short paragraph after an editor or mailbox line, followed by another, by a heading or by the end of the
    page ("欢迎投稿。…" beside "本版邮箱：…"), is a notice of the page, not an article."""
    for k in range(1, len(units)):
        u = units[k]
        if (u.kind != BODY or units[k - 1].kind != FURN or _nospace_len(u.text) > 60
                or not _credit_furniture(units[k - 1].text)):
            continue
        nxt = units[k + 1] if k + 1 < len(units) else None
        if nxt is None or nxt.kind in (HEAD, DASH) or (nxt.kind == FURN and _credit_furniture(nxt.text)):
            u.kind = FURN


def _name_bylines(units: list[_Unit]) -> None:
    """A name alone under a heading, above the text ("方  舟" over a commentary), is the author's byline; so is a
    short line between a "——" subheadline and the text (an author that is no person: "某某部")."""
    for k in range(1, len(units) - 1):
        u = units[k]
        if u.kind != HEAD or units[k - 1].kind not in (HEAD, DASH) or units[k + 1].kind not in (BODY, HEAD, LIST):
            continue
        top = k - 1
        while top >= 0 and units[top].kind in (HEAD, DASH):
            top -= 1
        if top >= 0 and units[top].kind == BYLINE:       # the article has its author line already
            continue
        if (units[k + 1].kind == HEAD and not _inarticle_heading(units[k + 1].text)
                and not _PADDED_PAIR.fullmatch(u.text) and not _column_tag(units[k - 1].text)
                and not _CLAUSE_PUNCT.search(units[k + 1].text)):
            # "<headline>" / "<name>" / "<heading>": a feature whose headline is a person's name, unless the line
            # above is a column-tagged headline or the line below is a summary in clauses
            continue
        if _name_line(u.text) or _signed_name_line(u.text) or (units[k - 1].kind == DASH and units[k + 1].kind == BODY
                                  and _nospace_len(u.text) <= 12 and not _NAME_LINE_PUNCT.search(u.text)):
            u.kind = BYLINE


def _closing_signatures(units: list[_Unit]) -> None:
    """"江城市  王小明" right after the last sentence of a text, before a heading or the end of the page, signs that
    text (a reader's letter); it is never the overline of the next article. The writer is no reporter: the line
    goes to `byline` with no names."""
    for k in range(1, len(units)):
        u, prev = units[k], units[k - 1]
        nxt = units[k + 1] if k + 1 < len(units) else None
        if (u.kind == HEAD and prev.kind == BODY and ends_sentence(prev.text) and _signed_name_line(u.text)
                and (nxt is None or nxt.kind in (HEAD, DASH, FURN))):
            u.kind = SIGN


_CASE_HEADING = re.compile(r"^(?:【[^【】]{2,3}】|(?:案例|故事|篇章)[一二三四五六七八九十\d]{1,3}$|[一二三四五六七八九十]{1,3}、"
                           r"|（[一二三四五六七八九十]{1,3}）|\d{1,2}[.．、](?!\d)|[一二三四五六七八九十]{1,3}$|\d{1,2}$"
                           r"|第[一二三四五六七八九十百零〇\d]{1,4}[章节编篇部](?:\s|$))")


def _inarticle_heading(t: str) -> bool:
    """"案例一", "【人物】…", "一、…", "编者按": a heading of a part of an article, never of a new one."""
    return t in _lex().inarticle_headings or _CASE_HEADING.match(t) is not None


_LIST_RUN = 8


def _list_runs(units: list[_Unit]) -> None:
    """A run of many lines none of which ends a sentence (a list of names and titles, a table) is the body of the
    article it is in, one paragraph a line; its first line heads a new article when the run starts one."""
    if len(units) < _LIST_RUN:
        return
    open_ = [u.kind in (HEAD, BODY) and not ends_sentence(u.text) for u in units]
    if open_.count(True) < _LIST_RUN:
        return
    k, n = 0, len(units)
    while k < n:
        if not open_[k]:
            k += 1
            continue
        j = k
        while j < n and open_[j]:
            j += 1
        if j < n and units[j - 1].kind == HEAD and units[j].kind == BODY and j - k > _LIST_RUN:
            j -= 1                                   # the heading of the text after the list
        if j - k >= _LIST_RUN:
            starts = not k or units[k - 1].kind in (BYLINE, CREDIT, END_DATE, FURN) or ends_sentence(units[k - 1].text)
            first = k + 1 if starts else k
            if starts and units[first].kind == HEAD and _name_line(units[first].text):
                first += 1              # a poem's author under its title ("<title>" / "王  华" / verse …)
            for u in units[first: j]:
                u.kind = LIST
        k = j


def _units(text: str) -> list[_Unit]:
    out = []
    has_furniture = False
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not raw or raw.isspace():                  # blank lines (half of a page's lines) carry nothing
            continue
        norm = clean.normalize_line(raw)
        t = norm.strip()
        if not t:
            continue
        kind = _classify(t)
        has_furniture = has_furniture or kind == FURN
        out.append(_Unit(kind, t, norm[:1].isspace()))
    if has_furniture:
        _digest_blocks(out)
        _notices(out)
    # a long unpunctuated line is a heading when it sits directly above a dateline or a "——" subheadline, or
    # when it has no clause punctuation at all and follows a finished paragraph (long headlines, never wraps)
    for k, a in enumerate(out):
        if a.kind != BODY or ends_sentence(a.text) or "。" in a.text or _nospace_len(a.text) > 120:
            continue
        nxt = out[k + 1] if k + 1 < len(out) else None
        prev = out[k - 1] if k else None
        if (_SPEAKER_OVERLINE.match(a.text) and nxt is not None and nxt.kind == HEAD
                and (prev is None or prev.kind != BODY or ends_sentence(prev.text))):
            a.kind = HEAD       # "某某：" over a headline that says what was said: an overline
            continue
        if nxt is not None and nxt.kind in (DATE, DASH):
            a.kind = HEAD
        elif (not _CLAUSE_PUNCT.search(a.text) and nxt is not None and nxt.kind in (BODY, BYLINE)
              and (prev is None or prev.kind in (BYLINE, FURN) or ends_sentence(prev.text))):
            a.kind = HEAD
        elif (not _CLAUSE_PUNCT.search(a.text) and " " in a.text and prev is not None and prev.kind == HEAD
              and nxt is not None and nxt.kind == HEAD):
            a.kind = HEAD       # a long headline of phrases set off by spaces, between its overline and its deck
    _list_runs(out)
    _closing_signatures(out)
    _name_bylines(out)
    return _join_wraps(out)


_SPEAKER_OVERLINE = re.compile(r"^[\u4e00-\u9fff·]{2,12}：$")
_SPACED_CLAUSES = re.compile(r"^[\u4e00-\u9fff]{4,} [\u4e00-\u9fff]{4,}")


def _body_ish(u: _Unit) -> bool:
    if u.kind == BODY:
        return True
    if u.kind == DATE:
        m = _lex().dateline_re.match(u.text)
        return bool(u.text[m.end():].strip()) or _unbalanced_open(u.text)
    if u.kind == HEAD:
        if _SPACED_CLAUSES.search(u.text):            # "某大学 重塑…，创新…": a headline's spaced clause break
            return False
        return ("，" in u.text or _unbalanced_open(u.text)) and not _column_tag(u.text)
    return False


def _join_wraps(units: list[_Unit]) -> list[_Unit]:
    """Join a paragraph cut by a column/page wrap with its continuation (unambiguous cases only)."""
    out: list[_Unit] = []
    for u in units:
        if (out and u.kind == BODY and _body_ish(out[-1]) and not ends_sentence(out[-1].text)
                and out[-1].text[-1] not in "：:"):
            prev = out[-1]
            kind = prev.kind if prev.kind == DATE else BODY
            out[-1] = _Unit(kind, prev.text + u.text, prev.indented)
        else:
            out.append(u)
    return out


_CROSS_CACHE: dict = {}


def _word_crosses(a: str, b: str) -> bool:
    """Does a word run across the boundary of a + b ("…信息技术加" + "速普及…": 加速)?"""
    import rjieba  # local import: only needed for ambiguous short lines

    left, right = a.replace(" ", "")[-4:], b.replace(" ", "")[:4]
    pos = 0
    for tok in rjieba.cut(left + right):
        end = pos + len(tok)
        if pos < len(left) < end:
            return True
        pos = end
    return False


def _is_slogan(t: str) -> bool:
    parts = t.split()
    return len(parts) >= 3 and all(_SLOGAN_PART.match(p) for p in parts)


_COLUMN_TAG = re.compile(r"（[^（）]{2,20}）$")


def _column_tag(t: str) -> bool:
    """A headline ending with its column's tag: "…新起点（江边走笔）", "…让老街留住烟火气（城市观察）"."""
    if not t.endswith("）"):
        return False
    m = _COLUMN_TAG.search(t)
    return m is not None and m.start() > 0


def _overline_like(a: str, b: str) -> bool:
    """Two heading lines: is the first an overline (引题) above the headline rather than the headline itself?"""
    if a.endswith(("—", "：")):                       # "江城车展上，…新车型更多——", "某某："
        return True
    tag_a, tag_b = _column_tag(a), _column_tag(b)
    if tag_a != tag_b:                                # the column tag marks the headline
        return tag_b
    if _nospace_len(a) <= 5 < _nospace_len(b):
        return True
    if a.rstrip("：:，, ").endswith(_lex().overline_endings):
        return True
    parts = a.split()
    if len(parts) >= 2 and all(len(p) <= 9 for p in parts) and " " not in b:
        return True
    if " " not in a and _couplet(b):                  # "江城为老街保护立法" / "法治护航 老街新生"
        return True
    if "，" in a and "，" not in b:                    # "记者走进…村，看山乡变化" / "山路通达 乡村新生"
        return True
    if "、" in a and "，" not in b and "、" not in b:   # "增强…能力、推动…合作" / "江城支持…发展"
        return True
    return _subject_only(a)                           # "某某部新闻发言人" / "就…答记者问"


def _couplet(t: str) -> bool:
    """Parallel short phrases: "法治护航 老街新生", "山高水长 花开四季"."""
    parts = t.split()
    return 2 <= len(parts) <= 3 and all(2 <= len(p) <= 7 for p in parts)


_NOUN_TAGS = frozenset(("n", "nr", "ns", "nt", "nz", "nrt", "nrfg", "j", "l", "x"))
_TIME_TAGS = frozenset(("m", "q", "t", "f", "x"))


def _subject_only(t: str) -> bool:
    """A heading line with no verb, only names and nouns ("江城市教育局、文化局"): the subject of a
    sentence the next line goes on with, so an overline."""
    import rjieba  # local import: only for two-line heading blocks no other cue decides

    tags = [tag for _, tag in rjieba.tag(t)]
    # only names and nouns; or only a time ("前4个月", "2025—2026赛季": numerals, time and place words), the
    # setting of the headline below
    return all(tag in _NOUN_TAGS for tag in tags) or all(tag in _TIME_TAGS for tag in tags)


def _time_only(t: str) -> bool:
    """"前4月", "2025—2026赛季", "上半年": a time, the setting of a headline (an overline, never a page banner)."""
    if not any(ch.isdigit() or ch in "年月季周" for ch in t):
        return False
    import rjieba  # local import: only for heading blocks at the top of a page

    return all(tag in _TIME_TAGS for _, tag in rjieba.tag(t))


# ---------------------------------------------------------------------------------------------- articles
@dataclass(slots=True)
class _Draft:
    seq: int
    section: str | None
    overline: str | None = None
    headline: str = ""
    subheadline: str | None = None
    dateline_prefix: str | None = None
    dateline_end: str | None = None     # a closing dateline "（本报<place>6月10日电）"
    lead_starts: bool = False       # the first body paragraph directly follows the dateline label
    paras: list = field(default_factory=list)   # (text, is_heading, indented)
    bylines: list = field(default_factory=list)
    byline_parts: list = field(default_factory=list)    # (text, reporters, correspondents) as added
    reporters: list = field(default_factory=list)
    correspondents: list = field(default_factory=list)
    signal: bool = False            # started by a dateline, byline, "——" subheadline or a multi-line heading
    feature: bool = False           # an author line under the headline, or a column-tagged headline
    credited: bool = False          # closed by a credit or author note in parentheses ("（作者为…）")
    closed: bool = False            # a closing byline (without photo credit) has been seen
    photo: bool = False             # a photo credit on its own line followed its text (a photo story, a picture)
    flags: list = field(default_factory=list)


def _add_byline(d: _Draft, text: str, reporters: list[str], correspondents: list[str]) -> None:
    d.byline_parts.append((text, list(reporters), list(correspondents)))
    d.bylines.append(clean.collapse_spaces(text))
    d.reporters.extend(n for n in reporters if n not in d.reporters)
    d.correspondents.extend(n for n in correspondents if n not in d.correspondents)


_LAST_FINAL = re.compile(r"[。！？…][”’」』）]?")


def _split_glued_byline(text: str) -> tuple[str, str | None, tuple | None]:
    """"…参加揭牌仪式。记者 王赛华 鲁慧" -> ("…参加揭牌仪式。", "记者 王赛华 鲁慧", names)."""
    if not _lex().label_re.search(text[-60:]):
        return text, None, None
    last = None
    for last in _LAST_FINAL.finditer(text):
        pass
    if last is None:
        return text, None, None
    tail = text[last.end():].strip()
    if not tail or len(tail) > 60:
        return text, None, None
    parsed = parse_byline(tail, strict=True)
    if parsed is None:
        return text, None, None
    return text[: last.end()], tail, parsed


def _decompose_heading(plain: list[str], dash: list[str], first_on_page: bool,
                       feature: bool = False) -> tuple[list[str], str | None, str, str | None]:
    """Heading lines -> (banners, overline, headline, subheadline). `feature`: an author line follows; two heading
    lines over a feature are overline and headline (a plain second line under a news headline is its deck)."""
    plain = list(plain)
    banners: list[str] = []
    while len(plain) > 1 and _is_slogan(plain[0]):
        banners.append(plain.pop(0))
    if first_on_page:
        limit = 1 if dash else 2
        while len(plain) > limit and not (plain[0].endswith("—") or _column_tag(plain[1])
                                          or plain[0].rstrip("：:，, ").endswith(_lex().overline_endings)
                                          or _time_only(plain[0])):
            banners.append(plain.pop(0))
    overline = sub = None
    if not plain:
        headline = ""
    elif len(plain) == 1:
        headline = plain[0]
    elif len(plain) == 2:
        if dash or (feature and not _column_tag(plain[0])) or _overline_like(plain[0], plain[1]):
            overline, headline = plain
        else:
            headline, sub = plain
    else:
        overline, headline, rest = plain[0], plain[1], plain[2:]
        sub = "\n".join(rest)
    if dash:
        sub = "\n".join(([sub] if sub else []) + dash)
    return banners, overline, headline, sub


def _segment(units: list[_Unit]) -> tuple[list[_Draft], list[str], list[str]]:
    lx = _lex()
    drafts: list[_Draft] = []
    banners: list[str] = []
    residue: list[str] = []
    section: str | None = None
    cur: _Draft | None = None

    def new_draft() -> _Draft:
        d = _Draft(seq=len(drafts) + 1, section=section)
        drafts.append(d)
        return d

    i, n = 0, len(units)
    while i < n:
        u = units[i]
        if u.kind == BODY:                            # most lines: tested first
            if cur is None:
                cur = new_draft()
                cur.flags.append("no_headline")
            _append_body(cur, u.text, u.indented)
            i += 1
            continue
        if u.kind == DASH and cur is not None and cur.paras:
            # a "——" line after text, not under a heading: a signature ("——编  者") or a list item
            _append_body(cur, u.text, u.indented)
            i += 1
            continue
        if u.kind == HEAD and cur is not None and cur.paras and _inarticle_heading(u.text):
            # "案例二", "【事件】…": a part of the article, even after a closing credit; the heading lines under it too
            j = i
            while j < n and units[j].kind in (HEAD, DASH, BYLINE) and (j == i or units[j].kind != BYLINE
                                                                        or j + 1 < n and units[j + 1].kind == BODY):
                if units[j].kind == BYLINE:
                    break
                cur.paras.append((units[j].text, True, units[j].indented))
                j += 1
            cur.closed = False
            i = j
            continue
        if u.kind in (HEAD, DASH) and cur is not None and not cur.paras and cur.bylines and not cur.closed:
            # headings between an article's author line and its text ("诗经（节选）" / "先秦·佚名") are its own
            j = i
            while j < n and units[j].kind in (HEAD, DASH):
                cur.paras.append((units[j].text, True, units[j].indented))
                j += 1
            i = j
            continue
        if u.kind in (HEAD, DASH):
            j = i
            while j < n and units[j].kind in (HEAD, DASH):
                j += 1
            block = units[i:j]
            nxt = units[j] if j < n else None
            plain = [b.text for b in block if b.kind == HEAD]
            dash = [b.text for b in block if b.kind == DASH]
            single = len(block) == 1 and not dash
            pair = (len(block) == 2 and not dash and cur is not None and cur.feature
                    and not any(_column_tag(t) or "：" in t for t in plain))
            if single and nxt is None and cur is not None and cur.paras and not cur.closed:
                _append_body(cur, plain[0], u.indented)   # a short line cut at the end of the page
                i = j
                continue
            if (cur is not None and cur.paras and not cur.closed and not dash
                    and (all(x.kind == FURN for x in units[j:]) or nxt is not None and nxt.kind == END_DATE)):
                # short lines with no text under them, last on the page ("电话：…" / "移动端：…" under a notice)
                # or before a closing dateline (a document's signatures, "<office>" / "<name>" / "<date>于<place>"):
                # the end of the text above, not an article
                cur.paras.extend((b.text, True, b.indented) for b in block)
                i = j
                continue
            continues = ((single or pair) and cur is not None and nxt is not None and nxt.kind == BODY
                         and cur.signal and not cur.closed and not _column_tag(plain[0])
                         and not _photo_story(units, j))
            if continues and pair:                   # a feature's section heading and its subheading
                for b in block:
                    cur.paras.append((b.text, True, b.indented))
                i = j
                continue
            if continues:
                if (" " not in plain[0] and _nospace_len(plain[0]) > 30) or _word_crosses(plain[0], nxt.text):
                    units[j] = _Unit(BODY, plain[0] + nxt.text, u.indented)   # a wrapped paragraph
                else:
                    cur.paras.append((plain[0], True, u.indented))             # in-article section heading
                i = j
                continue
            feature = nxt is not None and nxt.kind == BYLINE and not _PHOTO_CREDIT.search(nxt.text)
            order_head: list[str] = []
            if len(plain) >= 3 and not dash and _ORDER_NUMBER.match(plain[-1]) and plain[-2].endswith("令"):
                order_head, plain = plain[-2:], plain[:-2]     # "<title>" / "某某国务院令" / "第844号" / text
            got_banners, overline, headline, sub = _decompose_heading(plain, dash, not drafts, feature)
            if got_banners:
                banners.extend(got_banners)
                section = got_banners[-1]
            cur = new_draft()
            cur.overline, cur.headline, cur.subheadline = overline, headline, sub
            cur.feature = _column_tag(headline) or feature
            cur.signal = (bool(dash) or len(plain) >= 2 or (nxt is not None and nxt.kind in (DATE, BYLINE))
                          or cur.feature or bool(order_head))
            cur.paras.extend((t, True, False) for t in order_head)   # an order's head opens its text
            i = j
            continue
        if u.kind == DATE:
            if (cur is not None and cur.paras and cur.dateline_prefix is not None and cur.headline
                    and not cur.closed and units[i - 1].kind in (BODY, DATE)):
                # another dated report right after the text of a dated article, with no heading of its own: a
                # part of that article (several reports under one headline); its reporters are the article's
                cur.paras.append((u.text, False, u.indented))
                inner = lx.dateline_re.match(u.text).group("paren")
                parsed = parse_byline(inner.strip()[1:-1].strip(), strict=False) if inner else None
                if parsed:
                    cur.reporters.extend(n for n in parsed[0] if n not in cur.reporters)
                    cur.correspondents.extend(n for n in parsed[1] if n not in cur.correspondents)
                i += 1
                continue
            if cur is None or cur.paras or cur.dateline_prefix is not None:
                cur = new_draft()
                cur.flags.append("no_headline")
            m = lx.dateline_re.match(u.text)
            cur.dateline_prefix = u.text[: m.end()]
            rest = u.text[m.end():]
            inner = m.group("paren")
            if inner:
                inner_text = inner.strip()[1:-1].strip()
                parsed = parse_byline(inner_text, strict=False)
                if parsed is None and "、" in inner_text:      # names without a label: "（江小帆、白小雪）"
                    names = _names(inner_text, strict=True)
                    parsed = (names, []) if names else None
                if parsed:
                    cur.reporters.extend(parsed[0])
                    cur.correspondents.extend(parsed[1])
            cur.signal = True
            if rest.strip():
                cur.lead_starts = True
                _append_body(cur, rest, u.indented and False)
        elif u.kind == BYLINE:
            if cur is None:
                residue.append(clean.collapse_spaces(u.text))
            else:
                _add_byline(cur, u.text, *_byline_names(u.text))
                if not cur.paras:
                    cur.signal = True
                elif len(cur.paras) > 1 or not _PHOTO_CREDIT.search(u.text):
                    # a byline closes the article, except a photo credit right under the lead paragraph of a
                    # feature that goes on with section headings ("记者 王赛华 鲁慧 文/图")
                    cur.closed = True
        elif u.kind == SIGN:
            if cur is None:
                residue.append(clean.collapse_spaces(u.text))
            else:
                _add_byline(cur, u.text, [], [])
                cur.closed = True
        elif u.kind == CREDIT:
            if cur is None:
                residue.append(clean.collapse_spaces(u.text))
            else:
                _add_byline(cur, u.text, *parse_credit(u.text))
                cur.closed = cur.credited = True
        elif u.kind == END_DATE:
            if cur is None:
                residue.append(clean.collapse_spaces(u.text))
            elif cur.dateline_prefix is None and cur.dateline_end is None and cur.paras:
                cur.dateline_end = u.text
                cur.closed = True
            else:
                _append_body(cur, u.text, u.indented)
        elif u.kind == FURN:
            if _ELLIPSIS_LINE.match(u.text) and cur is not None and cur.paras and not cur.closed:
                cur.paras.append((u.text, False, u.indented))     # "…………" between two paragraphs
            else:
                residue.append(clean.collapse_spaces(u.text))
                if cur is not None and cur.paras and "摄" in u.text and _photo_credit(u.text):
                    cur.photo = True
        elif u.kind == LIST:
            if cur is None:
                cur = new_draft()
                cur.flags.append("no_headline")
            cur.paras.append((u.text, True, u.indented))   # a list line keeps its column spaces
        i += 1
    return drafts, banners, residue


_ELLIPSIS_LINE = re.compile(r"^[…—.。·]{2,}$")
_ORDER_NUMBER = re.compile(r"^第[\d一二三四五六七八九十百零〇]{1,6}号$")


def _photo_story(units: list[_Unit], j: int) -> bool:
    """Units from j: one or two caption paragraphs closed by a photo credit ("图片报道" / caption / "X摄")."""
    k = j
    while k < len(units) and k - j < 3 and units[k].kind == BODY:
        k += 1
    return j < k < len(units) and units[k].kind == FURN and _photo_credit(units[k].text)


def _plain_part(d: _Draft, *, lines: int = 1) -> bool:
    """A draft that could be a part of the article before it: at most `lines` plain heading lines (no "——"
    subheadline, no column tag), no dateline, no author line above its text."""
    heading = [x for x in (d.overline, d.headline, d.subheadline) if x]
    return (bool(d.headline) and len(heading) <= lines and "\n" not in "".join(heading)
            and not (d.subheadline or "").startswith(("——", "--", "—-")) and d.dateline_prefix is None
            and not _column_tag(d.headline) and "no_headline" not in d.flags
            and (not d.bylines or d.credited and len(d.bylines) == 1))


def _merge_credited_parts(drafts: list[_Draft]) -> list[_Draft]:
    """An author note, a credit or a dateline in parentheses closes one piece of writing: headed parts before it that
    have no attribution of their own, back to the last article that opened with its headline, are that article's
    sections ("<headline> / text / <heading> / text / （作者为…）" or "… / （新华社北京6月12日电）")."""
    if len(drafts) < 2 or not any(d.credited or d.dateline_end for d in drafts):
        return drafts
    out = list(drafts)
    for k in range(len(out) - 1, 0, -1):
        b, a = out[k], out[k - 1]
        if not ((b.credited or b.dateline_end) and _plain_part(b, lines=2)):
            continue
        if a.closed or a.bylines or a.dateline_prefix is not None or a.dateline_end or not a.paras:
            continue
        a.paras.extend((x, True, False) for x in (b.overline, b.headline, b.subheadline) if x)
        a.paras.extend(b.paras)
        for text, reps, cors in b.byline_parts:
            _add_byline(a, text, reps, cors)
        a.closed = True
        a.credited = b.credited
        a.dateline_end = b.dateline_end
        del out[k]
    for seq, d in enumerate(out, 1):
        d.seq = seq
    return out


_UMBRELLA_PIECES = 3


def _attribution_kind(d: _Draft) -> str | None:
    if d.dateline_prefix is not None:
        return "dateline"
    return "byline" if d.bylines else None


def _umbrella_page(drafts: list[_Draft]) -> bool:
    """The page's first heading line stands over all its pieces: the first article has an overline (not an
    overline proper: none ending with "——"), and it and every article after it (three and more in all) are alike:
    one plain headline each and the same attribution right under it (each its dateline, or each its author line).
    A page of separate reports prints each with its own heading block; a digest ("<column>" / brief / brief / …) or
    a set of pieces under one headline gives the heading once, above the first piece."""
    if len(drafts) < 2:
        return False
    first = drafts[0]
    if len(drafts) < _UMBRELLA_PIECES and not _guest_column(drafts):
        return False
    if (not first.overline or first.overline.rstrip().endswith(("—", "-")) or first.subheadline
            or _column_tag(first.headline) or _column_tag(first.overline)):
        return False
    kind = _attribution_kind(first)
    if kind is None:
        return False
    return all(d.headline and d.overline is None and d.subheadline is None and not _column_tag(d.headline)
               and "no_headline" not in d.flags and _attribution_kind(d) == kind for d in drafts[1:])


_COLUMN_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")


def _guest_column(drafts: list[_Draft]) -> bool:
    """A column of guest commentaries ("<column>" / headline / "<name>" or "<place>  <name>" / text, twice or
    more): the first piece's overline is a bare column name of two to four characters and every piece is signed
    under its headline by a writer with no reporter label."""
    return (bool(drafts[0].overline) and _COLUMN_NAME.match(drafts[0].overline) is not None
            and all(d.feature and d.bylines and _lex().label_re.search(d.bylines[0]) is None for d in drafts))


def _merge_umbrella_pieces(drafts: list[_Draft]) -> list[_Draft]:
    """A page whose first heading stands over all its pieces (see `_umbrella_page`) is one article under that
    heading: each piece's headline is a section heading of its body, a piece's dateline opens its first paragraph,
    the pieces' bylines are the article's."""
    if not _umbrella_page(drafts):
        return drafts
    first = drafts[0]
    m = _Draft(seq=1, section=first.section, headline=first.overline, signal=True)
    for d in drafts:
        m.paras.append((d.headline, True, False))
        paras = list(d.paras)
        if d.dateline_prefix is not None:
            if d.lead_starts and paras:
                text, _, indented = paras[0]
                paras[0] = (d.dateline_prefix + text, False, indented)
            else:
                paras.insert(0, (d.dateline_prefix, False, False))
        m.paras.extend(paras)
        if d.dateline_end:
            m.paras.append((d.dateline_end, False, False))
        for text, reps, cors in d.byline_parts:
            _add_byline(m, text, reps, cors)
        m.reporters.extend(n for n in d.reporters if n not in m.reporters)
        m.correspondents.extend(n for n in d.correspondents if n not in m.correspondents)
        m.closed, m.credited = d.closed, d.credited
    return [m]


_EDITOR_SIGNATURE = re.compile(r"^(?:——|--|—-)\s*编\s*者$")


def _editor_note(d: _Draft) -> bool:
    """The article opens with an editor's note signed "——编  者" (within its first paragraphs)."""
    return any(not heading and _EDITOR_SIGNATURE.match(text.strip()) for text, heading, _ in d.paras[:6])


def _merge_editor_note_parts(drafts: list[_Draft]) -> list[_Draft]:
    """An editor's note ("…。" / "——编  者") under a headline introduces the pieces printed below it: the headed
    parts after it are that article's, each with its heading block and its author line ("<overline>" / "<headline>"
    / "本报记者  X" / text: the reports the note presents), up to the first that is an article of its own kind (a
    dateline, a "——" subheadline)."""
    for k, d in enumerate(drafts[:-1]):
        if not (_editor_note(d) or _package_intro(d, drafts[k + 1:])):
            continue
        j = k + 1
        while j < len(drafts) and _editor_piece(drafts[j]):
            j += 1
        rest = drafts[k + 1: j]
        for x in rest:
            d.paras.extend((h, True, False) for h in (x.overline, x.headline, x.subheadline) if h)
            d.paras.extend(x.paras)
            for text, reps, cors in x.byline_parts:
                _add_byline(d, text, reps, cors)
            d.closed, d.credited = x.closed, x.credited
        out = drafts[:k + 1] + drafts[j:]
        for seq, x in enumerate(out, 1):
            x.seq = seq
        return out
    return drafts


def _package_intro(d: _Draft, rest: list[_Draft]) -> bool:
    """A headline over a short unsigned intro (one or two paragraphs), followed to the end of the page by two and more
    signed pieces laid out alike ("<subject>——" / "<headline>" / "本报记者  X" / text): a package of reports under
    one headline, as under an editor's note."""
    return (len(rest) >= 2 and bool(d.headline) and "no_headline" not in d.flags and 1 <= len(d.paras) <= 2
            and not d.bylines and d.dateline_prefix is None and d.dateline_end is None and not d.credited
            and not d.photo                               # a photo story's caption introduces nothing
            and all(x.overline and x.headline and x.feature and x.bylines and x.subheadline is None
                    and x.dateline_prefix is None for x in rest))


def _editor_piece(x: _Draft) -> bool:
    return bool(x.headline and x.dateline_prefix is None and x.dateline_end is None
                and not (x.subheadline or "").startswith(("——", "--", "—-")) and "no_headline" not in x.flags)


def _credited_overline(d: _Draft) -> None:
    """Two plain heading lines over a piece signed at its end ("（本报记者 X、Y）") are overline and headline, as over
    a piece signed under its headline (see `_decompose_heading`)."""
    sub = d.subheadline
    if (d.credited and not d.feature and d.overline is None and sub and "\n" not in sub
            and not sub.startswith(("——", "--", "—-")) and not _column_tag(d.headline)):
        d.overline, d.headline, d.subheadline = d.headline, sub, None


_ENTRY_RUN = 8


def _entry(d: _Draft) -> bool:
    return (_plain_part(d) and not d.bylines and len(d.paras) == 1 and _nospace_len(d.headline) <= 16
            and not d.closed)


def _merge_entry_lists(drafts: list[_Draft]) -> list[_Draft]:
    """Many short headed paragraphs in a row with no attribution ("<name>" / "<citation>。" eight times and more) are
    the entries of one list (a roll of honour, a notice): no page prints that many one-paragraph articles without a
    byline or dateline between them. They are one article under the first one's headline (a notice's headline
    over its one-paragraph intro, or the first entry)."""
    if len(drafts) < _ENTRY_RUN:
        return drafts
    out: list[_Draft] = []
    k = 0
    while k < len(drafts):
        j = k
        while j < len(drafts) and _entry(drafts[j]):
            j += 1
        if j - k >= _ENTRY_RUN:
            head = drafts[k]                          # a notice with a one-paragraph intro, or the first entry
            prev = out[-1] if out else None
            if (prev is not None and prev.headline and not prev.bylines and prev.dateline_prefix is None
                    and not prev.closed and 1 <= len(prev.paras) <= 3 and "no_headline" not in prev.flags):
                head = prev                           # the list's headline and its intro of a few paragraphs
                out.pop()
                head.paras.append((drafts[k].headline, True, False))
                head.paras.extend(drafts[k].paras)
            for d in drafts[k + 1: j]:
                head.paras.append((d.headline, True, False))
                head.paras.extend(d.paras)
            out.append(head)
            k = j
        else:
            out.append(drafts[k])
            k += 1
    if len(out) != len(drafts):
        for seq, d in enumerate(out, 1):
            d.seq = seq
    return out


def _append_body(d: _Draft, text: str, indented: bool) -> None:
    body, tail, parsed = _split_glued_byline(text)
    if body.strip():
        d.paras.append((body, False, indented))
    if tail:
        _add_byline(d, tail, *parsed)
        d.closed = True


# ---------------------------------------------------------------------------------------------- fragments
_FIRST_QUOTE = re.compile(r"[“”]")

def _starts_mid_sentence(p: str, indented: bool) -> bool:
    if indented or _LEAD_FRAGMENT.match(p):
        return True
    if p[0] in "，。、；：）”’》":
        return True
    # begins inside a quotation: the first quote mark is a closing one, within the first sentence
    first_end = re.search(r"[。！？]", p)
    q = _FIRST_QUOTE.search(p, 0, first_end.end() + 1 if first_end else len(p))
    if q and q.group(0) == "”":
        return True
    if p[0] not in _lex().fragment_initial:          # the one-character first word would be p[0]: no need to cut
        return False
    import rjieba

    first = rjieba.cut(p[:8])
    return bool(first) and len(first[0]) == 1 and first[0] in _lex().fragment_initial


# ---------------------------------------------------------------------------------------------- public API
def split_page(text: str, *, issue_date: datetime.date | None = None) -> Page:
    """Split one decoded raw page into articles, banners and residue (see module docstring for field spans)."""
    units = _units(text)
    if issue_date is None:
        for u in units:
            if u.kind == FURN and dates.masthead_date(u.text):
                issue_date = dates.masthead_date(u.text)
                break
    drafts, banners, residue = _segment(units)
    drafts = _merge_editor_note_parts(_merge_umbrella_pieces(_merge_entry_lists(_merge_credited_parts(drafts))))
    for d in drafts:
        _credited_overline(d)
    indented_share = (sum(u.indented for u in units if u.kind == BODY) /
                      max(1, sum(1 for u in units if u.kind == BODY)))
    articles = [_finish(d, indented_share < 0.3) for d in drafts]
    _assign_dates(articles, issue_date)
    return Page(articles=articles, banners=[clean.clean_heading(b) for b in banners], residue=residue)


_PAREN_SPACES = re.compile(r"\s*([（）：])\s*")


def _clean_dateline_prefix(prefix: str) -> str:
    s = clean.collapse_spaces(prefix)
    if " " in s:            # after collapse_spaces the only whitespace left is " "; without it nothing changes
        s = _PAREN_SPACES.sub(r"\1", s)
    return s


def _finish(d: _Draft, indent_is_signal: bool) -> Article:
    paras: list[str] = []
    fragment = False
    for k, (text, is_heading, indented) in enumerate(d.paras):
        if is_heading:
            paras.append(clean.clean_heading(text))
            continue
        p = clean.clean_body_paragraph(text)
        if not p:
            continue
        if not (k == 0 and d.lead_starts) and _starts_mid_sentence(p, indented and indent_is_signal):
            fragment = True
        paras.append(p)
    if paras and not ends_sentence(paras[-1]):
        fragment = True
    body = "\n".join(paras)
    dateline = _clean_dateline_prefix(d.dateline_end) if d.dateline_end else None
    if d.dateline_prefix is not None:
        dateline = _clean_dateline_prefix(d.dateline_prefix)
        lead = dates.match_lead_date(body) if d.lead_starts else None
        if lead:
            sep = " " if dateline[-1:] not in "）：" else ""
            dateline = dateline + sep + lead.phrase
    flags = list(d.flags)
    if fragment:
        flags.append("fragment")
    if not d.reporters and not d.correspondents:
        flags.append("no_byline")
    if dateline is None:
        flags.append("no_dateline")
    if not body:
        flags.append("no_body")
    if not d.headline and "no_headline" not in flags:
        flags.append("no_headline")
    return Article(
        seq=d.seq, section=clean.clean_heading(d.section) if d.section else None,
        overline=clean.clean_heading(d.overline) if d.overline else None,
        headline=clean.clean_heading(d.headline) if d.headline else "",
        subheadline="\n".join(clean.clean_heading(s) for s in d.subheadline.split("\n")) if d.subheadline else None,
        dateline=dateline, reporters=list(d.reporters), correspondents=list(d.correspondents),
        body=body, flags=flags, byline="\n".join(d.bylines) if d.bylines else None,
    )


_SENTENCE_END = re.compile("[。！？]")


def _lead_sentence(body: str) -> str:
    """The first sentence of the lead that is not inside a quotation ("“路宽了…”3月9日，走进…")."""
    first = body.split("\n", 1)[0][:300]
    end = _SENTENCE_END.search(first)
    if end is None:
        return first
    if "“" not in first[:end.start()]:        # no quotation opened before the first end: it ends the sentence
        return first[:end.end()]
    depth = 0
    for k, ch in enumerate(first):
        if ch == "“":
            depth += 1
        elif ch == "”":
            depth = max(0, depth - 1)
        elif ch in "。！？" and depth == 0:
            return first[: k + 1]
    return first


def _assign_dates(articles: list[Article], issue_date: datetime.date | None) -> None:
    found = []
    for a in articles:
        # "本报北京4月26日电": the label's date (a lead's date phrase appended to the dateline never ends in 电/讯)
        lead = dates.label_date(a.dateline) if a.dateline and ("电" in a.dateline or "讯" in a.dateline) else None
        if lead is None:
            lead = dates.match_lead_date(a.body) if a.body else None   # a date phrase opening the lead
        if lead is None or (lead.day is None and lead.relative is None):
            explicit = dates.first_explicit_date(_lead_sentence(a.body)) if a.body else None
            lead = explicit or lead
        found.append(lead)
    months = Counter(ld.month for ld in found if ld and ld.month)
    context_month = months.most_common(1)[0][0] if months else None
    for a, ld in zip(articles, found):
        if ld is None:
            continue
        if ld.relative is not None and ld.day is None:
            when = dates.relative_date(ld.relative, issue_date)
            if when:
                a.dateline_month, a.dateline_day, a.dateline_date = when.month, when.day, when
            continue
        if ld.day is None:
            continue
        month = ld.month or dates.infer_month(ld.day, context_month=context_month, issue_date=issue_date)
        a.dateline_month, a.dateline_day = month, ld.day
        a.dateline_date = dates.resolve(month, ld.day, year=ld.year, issue_date=issue_date)


def dateline_label(article: Article) -> str:
    """The dateline without the lead's date phrase (which is also the start of `body`)."""
    if not article.dateline:
        return ""
    lead = dates.match_lead_date(article.body)
    if lead and article.dateline.endswith(lead.phrase):
        return article.dateline[: len(article.dateline) - len(lead.phrase)]
    return article.dateline


def page_texts(page: Page) -> list[str]:
    """Every string of a page that holds page text, each exactly once (for conservation)."""
    out = list(page.banners) + list(page.residue)
    for a in page.articles:
        out += [a.overline or "", a.headline or "", a.subheadline or "", dateline_label(a), a.byline or "", a.body]
    return out


def conservation_gap(raw_text: str, page: Page) -> str:
    """Multiset difference of non-whitespace characters between the raw page and the split page, after the
    same normalisation (`clean.conservation_key`). "" when nothing is lost or duplicated; otherwise
    "missing:<chars> extra:<chars>"."""
    want = Counter(clean.conservation_key(raw_text))
    have = Counter(clean.conservation_key("".join(page_texts(page))))
    if want == have:
        return ""
    missing = "".join(sorted((want - have).elements()))
    extra = "".join(sorted((have - want).elements()))
    return f"missing:{missing} extra:{extra}"
