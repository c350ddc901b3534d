"""Layout stage: one decoded raw page -> articles (headline, overline, subheadline, dateline, byline, body), as an
editor would read it. Pure: no I/O beyond the lexicon files, no prefect/duckdb/great_expectations.

Owns
- line kinds: heading-like lines, "——" subheadlines, datelines ("本报讯(记者 X)…", "<agency>消息（…）：",
  "<agency><place>3月9日电"), standalone bylines ("本报记者 X 通讯员 Y", "记者 X Y 文/图",
  "正观新闻·郑州晚报记者 X"), page furniture ("(下转第2版)", "责任编辑 X") and body paragraphs;
- joining paragraphs split by a column or page wrap (a paragraph not ending a sentence + one that continues it),
  never two paragraphs of which the first ends a sentence;
- article boundaries and the heading block: page/column banners (`Page.banners`, copied to `Article.section`),
  overline, headline, subheadline; in-article section headings stay in `body` as their own paragraph;
- bylines: reporters / correspondents (dateline parenthesis, own line, or glued to the last sentence);
- flags: `fragment` (a paragraph starts or ends mid-sentence because the layout cut it), `no_byline`,
  `no_dateline`, `no_headline`, `no_body`;
- conservation: `conservation_gap(raw, page)` is empty when every non-whitespace character of the page is in
  exactly one place.

Field spans (what each string holds, all cleaned by `transforms.clean`):
- `dateline`: the dateline label, its parenthesis and colon, plus the date phrase that opens the lead when there is
  one: "本报讯（记者 党贺喜）3月9日上午", "本报讯 8月9日上午", "本报讯 近日", "央视网消息（新闻联播）：1月31日晚",
  "本报讯（记者 史治国 通讯员 李保玲）" (lead opens with no date). The date phrase is ALSO kept at the start of
  `body` so the lead reads as a sentence ("3月9日上午，金水区举行…") and offsets into body stay natural; the
  conservation check counts the dateline without that phrase (`dateline_label`).
- `body`: paragraphs joined by "\n", starting with the lead (after the dateline label); no byline text, no label.
  In-article section headings are paragraphs of their own.
- `byline`: the byline text as printed (labels, media name and names), "\n"-joined when an article has several
  ("记者 王赛华 鲁慧 文/图"); names also go to `reporters` / `correspondents`. Names inside the dateline
  parenthesis stay in `dateline` only.
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
    overline_endings: tuple
    fragment_initial: frozenset
    dateline_re: re.Pattern


def _words(name: str) -> list[str]:
    return [w for line in lexicons.lines(name) for w in line.split()]


@lru_cache(maxsize=1)
def _lex() -> _Lex:
    roles = {}
    for line in lexicons.lines("layout_byline_labels.txt"):
        label, role = line.split()
        roles[label] = role
    labels = sorted(roles, key=len, reverse=True)
    label_re = re.compile("|".join(
        (r"(?<![\u4e00-\u9fff])" if roles[lb] == "credit" else "") + re.escape(lb) for lb in labels))
    names = _words("surnames.txt")
    fixed = sorted(lexicons.lines("layout_dateline_labels.txt"), key=len, reverse=True)
    cjk = r"\u4e00-\u9fff"
    dateline_re = re.compile(
        r"^(?P<label>" + "|".join(map(re.escape, fixed)) +
        rf"|[{cjk}·]{{1,12}}?(?:消息|讯)(?=\s*[（：(:])"
        rf"|[{cjk}·]{{2,16}}?\d{{1,2}}月\d{{1,2}}日电)"
        r"(?P<paren>\s*（[^（）]{0,80}）)?(?P<colon>\s*：)?\s*")
    return _Lex(
        roles=roles, label_re=label_re,
        surnames=frozenset(n for n in names if len(n) == 1),
        compound_surnames=frozenset(n for n in names if len(n) == 2),
        media_suffixes=tuple(lexicons.lines("layout_media_suffixes.txt")),
        overline_endings=tuple(lexicons.lines("layout_overline_endings.txt")),
        fragment_initial=frozenset(_words("layout_fragment_initial.txt")),
        dateline_re=dateline_re,
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


def _names(seg: str, strict: bool) -> list[str] | None:
    out: list[str] = []
    for tok in _NAME_SEP.split(seg):
        if not tok or tok in ("摄", "报道"):
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
        elif 4 <= len(tok) <= 12:
            parts = _split_run(tok)
            if parts is None:
                if strict or len(tok) > 4:
                    return None
                parts = [tok]
            out.extend(parts)
        else:
            return None
    return out


def _media_like(s: str) -> bool:
    s = s.strip()
    if not s:
        return True
    if len(s) > 24 or not re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9·]+", s):
        return False
    return "·" in s or s.endswith(_lex().media_suffixes)


def parse_byline(text: str, *, strict: bool = True) -> tuple[list[str], list[str]] | None:
    """("记者 王赛华 鲁慧 文/图") -> (reporters, correspondents), or None when `text` is not a byline.

    `strict`: every name must start with a known surname (used for whole lines and glued tails); the dateline
    parenthesis is parsed leniently because its position already says it is a byline.
    """
    lx = _lex()
    ms = list(lx.label_re.finditer(text))
    if not ms or not _media_like(text[: ms[0].start()]):
        return None
    reporters: list[str] = []
    correspondents: list[str] = []
    for k, m in enumerate(ms):
        seg = text[m.end(): ms[k + 1].start() if k + 1 < len(ms) else len(text)]
        names = _names(seg, strict)
        if names is None:
            return None
        role = lx.roles[m.group(0)]
        (correspondents if role == "correspondent" else reporters).extend(names)
    if not reporters and not correspondents:
        return None
    return reporters, correspondents


# ---------------------------------------------------------------------------------------------- line kinds
HEAD, DASH, DATE, BYLINE, BODY, FURN = "HEAD", "DASH", "DATE", "BYLINE", "BODY", "FURN"

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


def _heading_like(t: str) -> bool:
    return (_nospace_len(t) <= 40 and not ends_sentence(t) and t[-1] not in "，、；：,;:"
            and "。" not in t and "；" not in t)


def _unbalanced_open(t: str) -> bool:
    return t.count("《") > t.count("》") or t.count("（") > t.count("）") or t.count("“") > t.count("”")


@dataclass
class _Unit:
    kind: str
    text: str           # width/punctuation-normalised, stripped; spaces kept
    indented: bool      # the raw line began with whitespace


def _classify(t: str) -> str:
    lx = _lex()
    if _NO_TEXT.match(t) or _FURNITURE.match(t) or dates.masthead_date(t):
        return FURN
    if t.startswith(("——", "--", "—-")) and _nospace_len(t) <= 80 and "。" not in t:
        return DASH
    if lx.dateline_re.match(t):
        return DATE
    if len(t) <= 80 and parse_byline(t) is not None:
        return BYLINE
    if _heading_like(t):
        return HEAD
    return BODY


def _units(text: str) -> list[_Unit]:
    out = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        norm = clean.normalize_line(raw)
        t = norm.strip()
        if not t:
            continue
        out.append(_Unit(_classify(t), t, norm[:1].isspace()))
    # a long unpunctuated line is a heading when it sits directly above a dateline or a "——" subheadline, or
    # when it has no clause punctuation at all and follows a finished paragraph (long headlines, never wraps)
    for k, a in enumerate(out):
        if a.kind != BODY or ends_sentence(a.text) or "。" in a.text or _nospace_len(a.text) > 120:
            continue
        nxt = out[k + 1] if k + 1 < len(out) else None
        prev = out[k - 1] if k else None
        if nxt is not None and nxt.kind in (DATE, DASH):
            a.kind = HEAD
        elif (not _CLAUSE_PUNCT.search(a.text) and nxt is not None and nxt.kind in (BODY, BYLINE)
              and (prev is None or prev.kind in (BYLINE, FURN) or ends_sentence(prev.text))):
            a.kind = HEAD
    return _join_wraps(out)


def _body_ish(u: _Unit) -> bool:
    if u.kind == BODY:
        return True
    if u.kind == DATE:
        m = _lex().dateline_re.match(u.text)
        return bool(u.text[m.end():].strip()) or _unbalanced_open(u.text)
    if u.kind == HEAD:
        return "，" in u.text or _unbalanced_open(u.text)
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


def _overline_like(a: str, b: str) -> bool:
    """Two heading lines: is the first an overline (引题) above the headline rather than the headline itself?"""
    if _nospace_len(a) <= 5 < _nospace_len(b):
        return True
    if a.rstrip("：:，, ").endswith(_lex().overline_endings):
        return True
    parts = a.split()
    return len(parts) >= 2 and all(len(p) <= 9 for p in parts) and " " not in b


# ---------------------------------------------------------------------------------------------- articles
@dataclass
class _Draft:
    seq: int
    section: str | None
    overline: str | None = None
    headline: str = ""
    subheadline: str | None = None
    dateline_prefix: str | None = None
    lead_starts: bool = False       # the first body paragraph directly follows the dateline label
    paras: list = field(default_factory=list)   # (text, is_heading, indented)
    bylines: list = field(default_factory=list)
    reporters: list = field(default_factory=list)
    correspondents: list = field(default_factory=list)
    signal: bool = False            # started by a dateline, byline, "——" subheadline or a multi-line heading
    closed: bool = False            # a closing byline (without photo credit) has been seen
    flags: list = field(default_factory=list)


def _add_byline(d: _Draft, text: str, reporters: list[str], correspondents: list[str]) -> None:
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


def _decompose_heading(plain: list[str], dash: list[str], first_on_page: bool) -> tuple[list[str], str | None, str, str | None]:
    """Heading lines -> (banners, overline, headline, subheadline)."""
    plain = list(plain)
    banners: list[str] = []
    while len(plain) > 1 and _is_slogan(plain[0]):
        banners.append(plain.pop(0))
    if first_on_page:
        limit = 1 if dash else 2
        while len(plain) > limit:
            banners.append(plain.pop(0))
    overline = sub = None
    if not plain:
        headline = ""
    elif len(plain) == 1:
        headline = plain[0]
    elif len(plain) == 2:
        if dash or _overline_like(plain[0], plain[1]):
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
        if u.kind in (HEAD, DASH):
            j = i
            while j < n and units[j].kind in (HEAD, DASH):
                j += 1
            block = units[i:j]
            nxt = units[j] if j < n else None
            plain = [b.text for b in block if b.kind == HEAD]
            dash = [b.text for b in block if b.kind == DASH]
            single = len(block) == 1 and not dash
            if single and nxt is None and cur is not None and cur.paras and not cur.closed:
                _append_body(cur, plain[0], u.indented)   # a short line cut at the end of the page
                i = j
                continue
            continues = (single and cur is not None and nxt is not None and nxt.kind == BODY
                         and cur.signal and not cur.closed)
            if continues:
                if (" " not in plain[0] and _nospace_len(plain[0]) > 30) or _word_crosses(plain[0], nxt.text):
                    units[j] = _Unit(BODY, plain[0] + nxt.text, u.indented)   # a wrapped paragraph
                else:
                    cur.paras.append((plain[0], True, u.indented))             # in-article section heading
                i = j
                continue
            got_banners, overline, headline, sub = _decompose_heading(plain, dash, not drafts)
            if got_banners:
                banners.extend(got_banners)
                section = got_banners[-1]
            cur = new_draft()
            cur.overline, cur.headline, cur.subheadline = overline, headline, sub
            cur.signal = bool(dash) or len(plain) >= 2 or (nxt is not None and nxt.kind in (DATE, BYLINE))
            i = j
            continue
        if u.kind == DATE:
            if cur is None or cur.paras or cur.dateline_prefix is not None:
                cur = new_draft()
                cur.flags.append("no_headline")
            m = lx.dateline_re.match(u.text)
            cur.dateline_prefix = u.text[: m.end()]
            rest = u.text[m.end():]
            inner = m.group("paren")
            if inner:
                parsed = parse_byline(inner.strip()[1:-1].strip(), strict=False)
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
                parsed = parse_byline(u.text)
                _add_byline(cur, u.text, *parsed)
                if not cur.paras:
                    cur.signal = True
                elif len(cur.paras) > 1 or not _PHOTO_CREDIT.search(u.text):
                    # a byline closes the article, except a photo credit right under the lead paragraph of a
                    # feature that goes on with section headings ("记者 王赛华 鲁慧 文/图")
                    cur.closed = True
        elif u.kind == FURN:
            residue.append(clean.collapse_spaces(u.text))
        else:  # BODY
            if cur is None:
                cur = new_draft()
                cur.flags.append("no_headline")
            _append_body(cur, u.text, u.indented)
        i += 1
    return drafts, banners, residue


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
    indented_share = (sum(u.indented for u in units if u.kind == BODY) /
                      max(1, sum(1 for u in units if u.kind == BODY)))
    articles = [_finish(d, indented_share < 0.3) for d in drafts]
    _assign_dates(articles, issue_date)
    return Page(articles=articles, banners=[clean.clean_heading(b) for b in banners], residue=residue)


_PAREN_SPACES = re.compile(r"\s*([（）：])\s*")


def _clean_dateline_prefix(prefix: str) -> str:
    s = clean.collapse_spaces(prefix)
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
    dateline = None
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


def _lead_sentence(body: str) -> str:
    """The first sentence of the lead that is not inside a quotation ("“路宽了…”3月9日，走进…")."""
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


def _assign_dates(articles: list[Article], issue_date: datetime.date | None) -> None:
    found = []
    for a in articles:
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
