"""Named entities: persons (with the title the text gives them), organizations and places.

This stage owns
- `extract_entities(text)`: offset-exact, non-overlapping mentions (`Mention`) of PER / LOC / ORG in one
  article body or one sentence; `extract_entities_batch(texts)` gives the same results for many texts;
- `canonical_name(surface, type)`: the canonical form behind `entities.name` (aliases such as
  经开区 / 郑州经开区 / 郑州经济技术开发区 resolve to one name; the pipeline hashes (type, name) to the id).

How: a private rjieba tokenizer (the shared one is left untouched, so segmentation elsewhere does not
change) loaded with the lexicons below gives tokens and POS tags; rules on top of them decide:
- persons: surname + given name anchored by a title before it ("管委会主任张波"), by an enumeration after a
  title or a leader word ("市领导路云、陈明"), by a speech or action verb after it ("李小虎表示"), by a byline
  ("记者 王赛华 鲁慧"); jieba `nr` tokens that pass a surname check; then every later mention of a found name;
- organizations: a lexicon of well-known bodies, jieba `nt`, and suffix rules (有限公司, 管委会, 局, 中心, 队 …)
  whose name is extended leftwards over name-like tokens only (so running text is not swallowed);
- places: China's administrative divisions (entities_gazetteer.tsv, generated from cpca's adcode table),
  world places, development zones, jieba `ns` minus a stop list, and suffix rules for towns, streets and
  villages (颍阳镇, 于家村, 东风路街道); one-character country abbreviations only in context (中美, 抗日, 访华).
- news (and MSRA NER) conventions: a surname with a form of address is the surname (程先生 -> 程); names
  in an enumeration confirm each other; surname/given-name token pairs are scored with given-name character
  statistics from jieba's dictionary; 中方 / 华人 / 江淮 give one-character places; venues (人民大会堂,
  博物馆, 机场) are places; countries and provinces are teams in sports news (战胜丹麦, 山东对江苏).
  The private tokenizer drops jieba words that glue a place or a body to an ordinary word (德国人, 外交部长).
Full-width ASCII is folded to half-width before tokenizing (length-preserving, so offsets stay exact).
Lexicons live in transforms/lexicons/entities_*.txt|tsv and entity_aliases.tsv.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from itertools import accumulate
from operator import itemgetter
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

import rjieba

from transforms import lexicons

__all__ = ["Mention", "extract_entities", "extract_entities_batch", "canonical_name"]


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    type: str  # "PER" | "LOC" | "ORG"
    surface: str
    title: str | None = None


# ---------------------------------------------------------------------------------------------- lexicons

_FOLD = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)}
_FOLD[0x3000] = 0x20


def _trie_re(words) -> str:
    """A regex alternation of `words` shaped as a trie (much faster to scan than a flat alternation)."""
    trie: dict = {}
    for w in words:
        node = trie
        for c in w:
            node = node.setdefault(c, {})
        node[""] = {}

    def emit(node: dict) -> str:
        end = "" in node
        alts = [re.escape(c) + emit(sub) for c, sub in sorted(node.items()) if c]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and len(alts[0]) == 1 else "(?:" + "|".join(alts) + ")"
        return body + "?" if end else body

    return emit(trie)


_FOLD_PAIRS = {chr(k): chr(v) for k, v in _FOLD.items()}
_FOLD_CHARS = frozenset(_FOLD_PAIRS)
_FOLD_RE = re.compile("[" + "".join(sorted(_FOLD_CHARS)) + "]")


def _first_char_re(pattern: str, first: str) -> re.Pattern:
    """`pattern` behind a character class of the characters it can start with, so the regex engine skips
    ahead with its fast character-set scan; the whole match is group 1 (the pattern's groups shift by
    one) and `m.start()` is where it starts. Matches may overlap: `_finditer_first` drops those that
    start inside the previous one, which gives exactly `re.finditer(pattern)`."""
    return re.compile(f"[{re.escape(first)}](?<=(?=({pattern})).)")


def _finditer_first(rx: re.Pattern, text: str):
    last = 0
    for m in rx.finditer(text):
        if m.start() >= last:
            last = m.end(1)
            yield m


def _fold(text: str) -> str:
    """Full-width ASCII and the ideographic space to half-width; one char in, one char out.
    (str.replace per character present is several times faster than str.translate on CJK text.)"""
    for c in set(_FOLD_RE.findall(text)):  # the characters of _FOLD_CHARS present (order is immaterial)
        text = text.replace(c, _FOLD_PAIRS[c])
    return text


def _words(name: str) -> list[str]:
    out: list[str] = []
    for line in lexicons.lines(name):
        out.extend(line.split())
    return out


class _Lex:
    def __init__(self) -> None:
        self.surnames = set(_words("surnames.txt"))
        self.surnames2 = {s for s in self.surnames if len(s) == 2}
        self.surname_tok_re = re.compile(
            "[" + "".join(sorted(s for s in self.surnames if len(s) == 1 and s not in _FUNC_SURNAMES)) + "]")
        self.titles = sorted(set(_words("entities_titles.txt")), key=len, reverse=True)
        self.title_set = frozenset(self.titles)
        self.title2_last = frozenset(t[1] for t in self.title_set if len(t) == 2)  # 部长 -> 长: see _candidates
        self.title_last = frozenset(t[-1] for t in self.titles)
        self.title_tuple = tuple(self.titles)
        self.verbs = sorted(set(_words("entities_verbs.txt")), key=len, reverse=True)
        self.verb_set = frozenset(self.verbs)
        self.followers = sorted(set(_words("entities_name_followers.txt")), key=len, reverse=True)
        self.translit = set("".join(_words("entities_translit_chars.txt")))
        self.gaz_full: dict[str, str] = {}
        self.gaz_short: dict[str, list[str]] = {}
        self.gaz_level: dict[str, str] = {}
        # county short forms (金水, 新化, 惠民): the prefecture and province names (full and short) that
        # make them places in a text; adcode prefixes give the parents
        code_names: dict[str, list[str]] = {}
        county_short: dict[str, list[str]] = {}
        for line in lexicons.lines("entities_gazetteer.tsv"):
            cols = line.split("\t")
            if len(cols[0]) >= 2:
                self.gaz_full.setdefault(cols[0], cols[1])
                if len(cols) > 2:
                    self.gaz_level.setdefault(cols[0], cols[2])
            if len(cols) > 3 and cols[3]:
                self.gaz_short.setdefault(cols[3], []).append(cols[0])
            if len(cols) > 3 and cols[2] in ("province", "prefecture"):
                key = cols[1][:2] if cols[2] == "province" else cols[1][:4]
                code_names.setdefault(key, []).extend(c for c in (cols[0], cols[3]) if len(c) >= 2)
            elif len(cols) > 3 and cols[2] == "county" and cols[3]:
                county_short.setdefault(cols[3], []).append(cols[1])
        self.county_parents: dict[str, tuple[str, ...]] = {
            w: tuple({x for code in codes for x in code_names.get(code[:4], []) + code_names.get(code[:2], [])})
            for w, codes in county_short.items()}
        self.world = {w for w in _words("entities_world_places.txt") if len(w) >= 2}
        self.abbrev = {w for w in _words("entities_country_abbrev.txt") if len(w) == 1}
        self.orgs = set(_words("entities_orgs.txt"))
        self.org_suffix: dict[str, int] = {}
        for line in lexicons.lines("entities_org_suffixes.txt"):
            suf, _, n = line.partition("\t")
            self.org_suffix[suf.strip()] = int(n or 2)
        for suf in _VENUE_SUFFIXES:  # venues are places in news usage (人民大会堂, 国家图书馆, 首都机场)
            self.org_suffix.setdefault(suf, 2)
        self.org_suffixes = sorted(self.org_suffix, key=len, reverse=True)
        self.org_suffix_tuple = tuple(self.org_suffixes)
        self.given_score = _given_scores(self.surnames)
        # surname + form of address in one token (程先生, 江总书记, 吕家), 老李 / 小王: the surname is the mention
        one = [x for x in self.surnames if len(x) == 1 and x not in _FUNC_SURNAMES_SOFT and x not in "老小"]
        self.surname_title_words = frozenset(
            [x + t for x in one for t in _SURNAME_TITLES] + [p + x for x in one for p in "老小"])
        # two province / river abbreviations making a region (江淮, 黄淮), not a place name of its own
        self.region_words = frozenset(a + b for a in _REGION_ABBREV for b in _REGION_ABBREV
                                      if a != b and not self.place_kind(a + b))
        self.org_suffix_last = frozenset(w[-1] for w in self.org_suffix)
        self.org_last_re = re.compile("[" + "".join(sorted(self.org_suffix_last)) + "]")
        self.place_suffix: dict[str, str] = {}
        for line in lexicons.lines("entities_place_suffixes.txt"):
            parts = line.split()
            self.place_suffix[parts[0]] = parts[1] if len(parts) > 1 else "admin"
        self.zones = {"经开区", "高新区", "航空港区", "港区", "经济技术开发区", "高新技术产业开发区",
                      "综合保税区", "自贸区", "自由贸易试验区", "开发区", "新区", "航空港经济综合实验区"}
        self.zones = {z for z in self.zones} | {w for w, k in self.place_suffix.items() if k == "zone"}
        self.not_type: dict[str, set[str]] = {}
        for line in lexicons.lines("entities_not_entities.txt"):
            parts = line.split()
            self.not_type.setdefault(parts[0], set()).update(parts[1:] or {"PER", "LOC", "ORG"})
        self.aliases: dict[tuple[str, str], tuple[str, str]] = {}
        for line in lexicons.lines("entity_aliases.tsv"):
            cols = [c.strip() for c in line.split("\t")]
            if len(cols) >= 3:
                self.aliases[(cols[2], cols[0])] = (cols[1], cols[3] if len(cols) > 3 else "")
        self.interesting = self.orgs | set(self.gaz_full) | self.world | set(self.gaz_short) | _ZONE_WORDS
        self.tok = self._tokenizer()
        # lexicon words the tagger labels with a tag outside ns/nt/nz (政协/j, 人大/j); found by lookup
        self.interesting_odd = frozenset(
            w for w in self.interesting if self.tok.tag(w) and self.tok.tag(w)[0][1] not in _LOC_ORG_TAGS)
        # every word some rule looks up by its exact form: one set intersection per text finds them all
        self.special = self.interesting_odd | self.surname_title_words | self.region_words
        _jieba_words()
        _jieba_dict()
        self.title_any = re.compile(_trie_re(self.titles) + "[ \t]*")
        self.title_re = re.compile("(?:" + "|".join(map(re.escape, self.titles)) + ")$")
        surn = "".join(sorted(s for s in self.surnames if len(s) == 1))
        comp = "|".join(sorted(self.surnames2))
        name = f"(?:(?:{comp})[\u4e00-\u9fff]{{1,2}}|[{surn}][\u4e00-\u9fff]{{1,2}})"
        verbs = _trie_re(self.verbs)
        follow = _trie_re(set(self.verbs) | set(self.followers))
        self.verb_start = re.compile("(?:" + follow + ")")
        # a name right before a speech/action verb, not glued to a preceding Chinese word
        self.verb_re = re.compile(f"(?<![\u4e00-\u9fff])({name})(?=(?:{verbs}))")
        self.verb_fast = _first_char_re(self.verb_re.pattern, "".join(sorted({s[0] for s in self.surnames})))
        self.name_re = re.compile(name)
        # bylines: 记者 X Y / 通讯员 Z (names separated by spaces, or glued)
        self.byline_re = re.compile(r"(本报记者|特约记者|实习记者|见习记者|记者|通讯员|实习生|摄影)[ \t]*"
                                    r"((?:(?:(?!记者|通讯员|实习生|摄影|报道|报导)[\u4e00-\u9fff]){2,4}[ \t]*){1,6})")
        self.abbrev_re = re.compile(
            "(?<![\u4e00-\u9fff])([" + "".join(sorted(self.abbrev)) + "]{2,4})(?=关系|两国|三国|四国|双方|"
            "合作|友好|联合|贸易|首脑|会谈|会晤|之间|建交|边境|战争|对话|峰会|外长|经贸|军事|领导人|"
            "联合声明|公报|协议|条约|两军|友谊|交往|关|间)"
            "|(抗|侵|访|驻|来|赴|旅|援|在|离|返|对|亲|仇|反)([日美华俄英法德韩朝越印苏台港澳京])"
            "(?=[^\u4e00-\u9fff]|战|期间|人员|使馆|大使|代表|的|后|前|时|工作|访问|留学|公司|机构|外交|记者|以来|侨"
            "|举行|召开|开幕|闭幕|会见|会晤|出席|逝世|病逝|成立)")
        self.abbrev_fast = _first_char_re(self.abbrev_re.pattern, "".join(sorted(self.abbrev)) + "抗侵访驻来赴旅援在离返对亲仇反")

    def _tokenizer(self):
        j = rjieba.Jieba()
        for w in self.gaz_full:
            j.add_word(w, None, "zloc")
        for w in self.world:
            j.add_word(w, None, "zloc")
        for w in _ZONE_WORDS:
            j.add_word(w, None, "zloc")
        for w in self.orgs:
            if len(w) >= 2:
                j.add_word(w, None, "zorg")
        # jieba dictionary words that glue a place to an ordinary word (德国人, 香港回归, 悉尼奥运会,
        # 东欧国家) or an organization to a title (外交部长, 纪委书记, 省委常委): frequency 0 takes them out,
        # so the place or the organization comes out as a token of its own
        self.split_words = frozenset(_split_words(self))
        for w in self.split_words:
            j.add_word(w, 0, "x")
        return j

    def place_kind(self, word: str) -> bool:
        return word in self.gaz_full or word in self.gaz_short or word in self.world


@lru_cache(maxsize=1)
def _lex() -> _Lex:
    return _Lex()


# ------------------------------------------------------------------------------------------- extraction

_NAME_TAGS = {"nr", "nrfg", "nrt"}
_PROPER_TAGS = {"ns", "nt", "nz", "nr", "nrt", "nrfg", "zloc", "zorg", "j", "eng"}
# tokens that may sit inside an organization name before its suffix
_ORG_INNER_TAGS = _PROPER_TAGS | {"n", "vn", "an", "ng", "b", "m", "nrfg", "v"}
_DIGITS = set("0123456789")
_STOP_INNER = set("的和与及或在是了对把被将为从向等并而也都就又该其这那各每全本我你他她它们") | {
    "有关", "相关", "以及", "一个", "一些", "这个", "那个", "进行", "开展", "我们", "他们"}
_PUNCT_BOUNDARY = set(" \t\n,，.。、;；:：!！?？\"“”'‘’()（）《》<>[]【】-—…·/")
_TITLE_CUT = re.compile(r"[\n,，.。;；:：!！?？\"“”'‘’()（）《》【】]|——访|——|由|据|向|在|与|被|把|将|是|到|从|给|让|请|随后|会上|当天|期间|同时")
# (?:[市省区县镇乡州部校院]|党和国家|中央|国家)?领导(?:同志)?|出席的有|参加的有|嘉宾, spelt out so that every
# alternative starts with a literal (the regex engine then scans with its fast character-set search)
_LEADERS = re.compile(r"[市省区县镇乡州部校院]领导(?:同志)?|党和国家领导(?:同志)?|中央领导(?:同志)?|国家领导(?:同志)?"
                      r"|领导(?:同志)?|出席的有|参加的有|嘉宾")
_LEADERS_GATE = ("领导", "出席的有", "参加的有", "嘉宾")
_WS = re.compile(r"\s+")
# last characters that make an unanchored "name" an ordinary word (智能化, 幸福感, 桂花树, 红黑旗)
_NOT_NAME_FINAL = set("化感树会旗性者们率度区园村庄市县镇乡路街业品场馆护纾")
# last characters of three-character dictionary words that are nouns, not given names (公开赛, 许可证)
_NOT_NAME_FINAL3 = _NOT_NAME_FINAL | set("赛信般证爷剑庭灯舞病主镜冠图部风族杯伞曲坡茶队人界器车机员类式型法学节期物片书论史线站厂室"
                                          "团党所院局处社报刊网台厅署馆店楼桥门湖河江山岛港湾洲省州国办")
_ROLE_WORDS = {"记者", "通讯员", "实习生", "摄影", "本报记者", "特约记者", "实习记者", "见习记者", "文图", "报道"}
# one-character country / province abbreviations that pair up (中美, 巴以, 中、英、德) or follow a verb (访华)
_ABBREV_PAIR = set("中美日俄英法德韩朝印巴以越泰菲澳荷葡埃叙缅柬欧亚奥瑞挪芬匈捷华台港京沪津渝藏疆湘粤闽赣鄂豫皖苏浙冀晋辽陕滇黔蜀川桂琼")
_ABBREV_WORDS = {"中华", "中亚", "中欧", "欧亚", "亚欧", "中日", "港澳", "台港澳"} - {"中日", "港澳", "亚欧", "台港澳"}
_ABBREV_VERB = set("访抗侵驻来赴旅援在抵离返进晋反对亲驻回")
_ABBREV_FIRST = _ABBREV_PAIR | _ABBREV_VERB
# one-character countries before 方 (中方, 美方 = the Chinese / American side); not 西方, 东方
_PARTY_ABBREV = set("中美日俄英法德韩朝印巴以越泰菲澳荷葡意加埃叙伊苏欧阿墨古缅柬老蒙")
_NOT_PARTY = {"西方", "东方", "南方", "北方", "地方", "古方", "老方", "中方向", "伊方"}
# one-character places glued to a word for people from there (华人, 港胞, 日裔)
_ABBREV_PEOPLE = {a + b for a in "华港澳台藏" for b in "人工胞裔侨商资"} | {
    a + b for a in "日美英法德俄韩意" for b in "裔侨商资"} - {"台资", "华工"} | {"华工"}
_ABBREV_NEXT_TAGS = {"n", "vn", "nt", "nz", "f", "s", "l", "j", "d", "t"}
_ABBREV_PAIR_NEXT_TAGS = _ABBREV_NEXT_TAGS | {"m"}
_ABBREV_NEXT_WORDS = {"、", "和", "与", "两国", "双方", "方面", "政府", "总统", "总理", "外长", "军队", "境内", "国内"}
_REGION_ABBREV = set("京津沪渝冀晋辽吉黑苏浙皖闽赣鲁豫鄂湘粤桂琼川蜀贵黔云滇藏陕秦甘陇宁新港澳台江淮黄汉")
_LOC_ORG_TAGS = {"ns", "nt", "nz", "zloc", "zorg"}
_ZONE_WORDS = {"经开区", "高新区", "航空港区", "郑州经开区", "郑州高新区", "郑东新区"}
_ABBREV_AFTER_VERB = set("日美华俄英法德韩朝越印苏台港澳京沪藏疆")
# a name token that ends with one of these took the next word's first character (严平认为 -> 严平)
_NAME_GLUE_TAIL = set("说认以就很还为的和在是等也都曾将把被对与及称向从亦则又却便才再已讲问答")
_DOT_TRIM = _NAME_GLUE_TAIL | set("均任")
# what follows a surname in one token when the surname alone is the mention (程先生, 周总理, 吕家, 胡老)
_SURNAME_TITLES = {"先生", "女士", "小姐", "老师", "师傅", "总理", "主席", "总书记", "委员长", "同志", "教授", "大娘", "大爷",
                   "大妈", "大伯", "大叔", "大姐", "大哥", "阿姨", "老汉", "奶奶", "爷爷", "老", "氏", "家", "某", "嫂",
                   "婶", "姨", "老师傅", "老先生", "老太", "大嫂", "总"}
_FUNC_SURNAMES_SOFT = set("于向和从将以为把被对与及或更最很也都就又才还再只全各每本该其此上下中内外前后来去到给让等第有是了过着会能要可应当成在同由因所自非不没无多少大小")
# kinship words and forms of address after a bare surname (王大娘, 陆老师, 程先生, 江总书记)
_KIN_TITLES = {"先生", "女士", "小姐", "老师", "师傅", "大娘", "大爷", "大妈", "大伯", "大叔", "大姐", "大哥",
               "阿姨", "老汉", "老人", "奶奶", "爷爷", "主席", "总理", "书记", "总书记", "委员长", "同志", "教授",
               "医生", "大夫", "老板", "经理", "校长", "厂长", "局长", "队长", "主任", "部长", "省长", "市长",
               "县长", "镇长", "乡长", "村长", "嫂", "婶", "伯", "叔", "姨"}
# surnames that are mostly function words or common morphemes when they stand alone as a token
_FUNC_SURNAMES = set("于向和从将以为把被对与及或更最很也都就又才还再只全各每本该其此上下中内外前后来去到给让等第"
                     "有是了过着会能要可应当成在同由因所自非不没无多少大小高低长新老时明文安平常白金石海云关"
                     "马华高方国原邢")
_NAME_RIGHT_PUNCT = set("，、。；：（(！？”\"),.;:!?")
# words right after a name that confirm it (彭真同志, 若斯潘总理 is handled by titles before)
_AFTER_NAME = {"同志", "先生", "女士", "总统", "总理", "主席", "教授", "院士", "书记", "委员长", "首相", "议长",
               "大使", "外长", "一行", "夫妇", "夫人", "等人", "说", "表示", "指出", "认为", "强调", "介绍", "透露"}
# words that never start or sit inside an organization name on its left (新华社北京…日电/国务院…)
_ORG_LEFT_STOP = {"日电", "电", "本报讯", "讯", "据", "兼", "兼任", "荣获", "原", "前", "现任", "曾任", "出任", "担任",
                  "隶属", "所属", "属于", "包括", "加入", "成立", "组建", "同", "跟", "由", "经", "获", "任"}


def _ministry_word(w: str, tag: str, lex: "_Lex") -> bool:
    """A noun that may name a ministry's field (农业, 司法, 合作) rather than qualify the minister (副, 代理)."""
    return tag in ("n", "vn") and len(w) >= 2 and w not in lex.title_set and "副" not in w and w not in _NOT_MINISTRY


_NOT_MINISTRY = {"代理", "常务", "前任", "现任", "政府", "国家", "成员国", "各国", "有关", "助理"}


def _glued_suffix(word: str, lex: "_Lex") -> bool:
    """An organization suffix and the next token make a dictionary word (中心/城市) other than one the
    tokenizer was told to split (纪委/书记)."""
    return word in _jieba_dict() and word not in lex.split_words


def _given_scores(surnames) -> dict[str, float]:
    """char -> log P(char in a given name) - log P(char in text), from jieba's dictionary: given names of
    its three-character nr words that start with a surname, against frequency-weighted characters."""
    import math
    given: dict[str, int] = {}
    general: dict[str, int] = {}
    for w, (freq, tag) in _jieba_dict().items():
        for c in w:
            general[c] = general.get(c, 0) + freq
        if tag == "nr" and len(w) == 3 and w[0] in surnames:
            for c in w[1:]:
                given[c] = given.get(c, 0) + 1
    g_total = sum(given.values()) or 1
    n_total = sum(general.values()) or 1
    return {c: math.log((k + 0.5) / g_total) - math.log((general.get(c, 0) + 1) / n_total) for c, k in given.items()}


def _rare_word(w: str) -> bool:
    """Not a common word of jieba's dictionary (古老, 养老, 老虎 are tagged nr there, with high counts)."""
    e = _jieba_entry(w)
    return e is None or e[0] < 400


def _proper_stem(stem: str) -> bool:
    """The part of an organization word before its suffix names something (巴西/队, 富士/公司, 天津泰达/队),
    rather than being an ordinary word (眼科/医院, 人民/法院, 国家/队)."""
    e = _jieba_entry(stem)
    return e is None or e[1] in ("ns", "nz", "nr", "nrt", "nrfg", "j", "nt")


# buildings and grounds named like bodies but places in news usage (the MSRA convention too)
_VENUE_SUFFIXES = ("博物馆", "图书馆", "美术馆", "纪念馆", "展览馆", "科技馆", "体育馆", "体育场", "大会堂", "公园",
                   "机场", "火车站", "大厦")
_ORG_NO_START_TAGS = {"v", "b", "d", "a", "ad", "r", "c", "p", "u", "uj"}
# sports news: a country or province after these verbs, or in "X对Y", is its team
_SPORT_CUE_RE = re.compile("比赛|决赛|小组赛|联赛|出线|积分|球|战平|锦标赛|轮")
_SPORT_VERBS = {"战胜", "击败", "迎战", "负于", "输给", "败给", "逼平", "战平", "对阵", "力克", "淘汰", "憾负", "胜", "负",
                "踢平", "打败", "不敌", "大胜", "完胜", "险胜", "横扫", "挑战"}
# given-name character scores (log-odds of a character in the given names of jieba's dictionary names
# against its frequency in jieba's dictionary): thresholds for surname/given-name token pairs
_GIVEN_MIN = -10.0
_GIVEN_NR, _GIVEN_TWO, _GIVEN_THIRD = 0.4, 3.2, 0.5
_GIVEN_NEVER_LAST = -2.5  # given-name score at or below which a character does not end a name (很, 的, 说)
_GIVEN_BAD_TAGS = {"v", "a", "d", "ad", "vd", "r", "c", "p", "u", "uj", "ul", "uz", "f", "q", "t", "x", "vn", "y", "e"}
_GIVEN_LEFT_TAGS = {"v", "p", "uj", "c", "m", "q", "d", "t", "f", "x", "n", "ul", "uz", "zg"}
_ADMIN_ONE = set("省市县区乡镇村厂")
_ORG_WHOLE_LEFT = {"zorg", "nt", "j", "b"}
_ORG_HEAD_TAGS = {"n", "nt", "nz", "j", "x", "l", "vn", "nr", "ns", "zorg", "nrt"}
_ENUM_SEP_RE = re.compile(r"[、,，]?[ \t]*")
_VILLAGE_RE = re.compile(r"[镇乡]([\u4e00-\u9fff]{2,3}?村)(?![\u4e00-\u9fff]{0,1}民)")
_CONGRESS_RE = re.compile(r"(?<=党的|中共)(?:十[一二三四五六七八九]?|[一二三四五六七八九])大"
                          r"|(?<![一二三四五六七八九十第])十[一二三四五六七八九]大(?![类项件个点种城洲行企工门名支家批所座国强赛奖新])")
_CONGRESS_CORE_RE = _first_char_re("十?[一二三四五六七八九十]大", "一二三四五六七八九十")
_PRESS_RE = re.compile(r"《([^《》\s]{1,10}(?:日报|晚报|时报|早报|商报|周报|周刊|月刊|画报|导报|快报|新报|文摘|杂志|新闻|邮报|报))》"
                       r"|(?<=据)《([^《》\s]{2,10})》(?=报道|报导|透露|称|说|载文|撰文|刊登|发表|评论|社论|周刊|杂志)")
_ABBREV_EXT = set("中美日俄英法德韩朝印巴以越泰菲澳荷葡埃叙缅柬欧亚奥瑞挪芬匈捷坦布墨哈几智秘孟尼肯乌阿沙约黎突西希土伊"
                  "蒙古老新马非波罗保丹加意苏南")
_REL_WORDS = {"两国", "关系", "双方", "建交", "边界", "边境", "合资", "合作", "友好", "贸易", "经贸", "人民", "之间", "首脑",
              "会谈", "会晤", "联合", "三国", "四国", "等国"}
_LOC_TAILS = {"地区", "流域", "库区", "回归", "一带", "境内", "沿岸", "全境", "各地", "人民"}
_ABBREV_CLASS = "".join(sorted(_ABBREV_EXT - {"中"}))
_REL_ALT = "两国|关系|双方|建交|边界|边境|合资|合作|友好|贸易|经贸|人民|之间|首脑|会谈|会晤|联合声明|三国|等国|外交"
_ABBREV_TEXT_RES = [
    # (a literal the text must contain, the pattern; every group is a one-character place)
    # relation words (every position where one starts, overlaps included): checked in code
    (None, re.compile("[" + "".join(sorted({w[0] for w in _REL_ALT.split("|")})) + "]"
                      + f"(?<=(?=(?:{_trie_re(_REL_ALT.split('|'))})).)")),
    ("方", re.compile("([中美日俄英法德苏韩朝印巴以越葡菲澳])方(?:(?![面法式向案针便位圆言才])(?=[^\u4e00-\u9fff])"
                     "|(?=还|已|也|表示|认为|希望|愿|将|对|同|的|在|提出|坚持|决定|同意|主张|要求))")),
    ("军", re.compile("([美日俄英法德苏以印巴越])军(?![事队区人费团令训官民营工转备种械火乐舰机])")),
    ("寇", re.compile("(日)寇")),
    ("华", re.compile("[对访来驻在赴旅援侵抗留]([华日美俄英法德苏])(?=政策|关系|期间|战争|使馆|大使|代表|访问|工作|学习|留学|投资|贸易|友好|[的后前时,，。、])")),
    ("抗日", re.compile("抗(日)")),
    ("侵华", re.compile("侵(华)")),
    ("运", re.compile("([奥亚])运(?:会|村|圣火)")),
    ("洲杯", re.compile("(亚)洲杯")),
    ("京剧", re.compile("(京)剧")),
    ("菜", re.compile("([湘粤川鲁苏浙闽徽])菜")),
    ("中华民族", re.compile("(中华)民族")),
    ("中外", re.compile("(中)外(?:合资|合作|记者|球员|企业|学者|专家|宾客|人士|文化|交流|友人|游客|客商|来宾|嘉宾)")),
]
_REL_PAIR_RE = re.compile(f"(?:(中)([{_ABBREV_CLASS}])(?:[、和与]([{_ABBREV_CLASS}]))?|([{_ABBREV_CLASS}])(中))$")
_ABBREV_FIRST_RE = re.compile("[" + "".join(sorted(_ABBREV_FIRST)) + "]")
_DOT_POS_RE = re.compile("·")
_DOT_STOP_TAGS = {"v", "p", "c", "u", "uj", "ul", "d", "m", "q", "r", "f", "t", "y", "a"}


def _dot_name_part(w: str, tag: str, lex: "_Lex", next_to_dot: bool) -> bool:
    """Whether token `w` may be part of a dotted foreign name; right next to the dot a single character
    counts (阿尤布·汗), further away only transliteration-like tokens do."""
    if not w or not _ALL_CJK(w) or w in lex.title_set or w in lex.verb_set or w in _STOP_INNER:
        return False
    if tag in _NAME_TAGS:
        return True
    share = _translit_share(w, lex.translit)
    if next_to_dot and len(w) == 1:
        return tag not in _DOT_STOP_TAGS or share == 1.0
    return share >= 0.6 and (tag not in _DOT_STOP_TAGS or share == 1.0) and (
        next_to_dot or tag not in _LOC_ORG_TAGS or (share == 1.0 and not lex.place_kind(w)))


_DOTS = {"·", "•", "．", "・", "-", "—"}
# transliteration characters too common as words to start or end a foreign name on their own
_WEAK_TRANSLIT = set("于万东南西多因加比可以不也里内特克和与亚德尔斯")


# --- place plausibility for jieba `ns` tokens the gazetteers do not know (jieba's ns tag is noisy:
# 深度, 关联, 桥头堡, 东奔西跑 are ns in its dictionary; HMM guesses out of the dictionary are worse)
# nouns after a place that make a named feature of it (黄河游览区, 濑户大桥, 锡林郭勒草原, 南亚次大陆)
_FEATURE_NEXT = {"游览区", "旅游区", "大桥", "草原", "次大陆", "高原", "高地", "半岛", "盆地", "平原", "山脉", "峡谷",
                 "大峡谷", "群岛", "岛", "湖", "水库", "大坝", "大街", "公园", "广场", "机场", "港", "码头", "火车站",
                 "车站", "海峡", "海湾", "湾", "大道", "大厦", "宫"}
_DIRECTIONS = {"东", "西", "南", "北", "东北", "西北", "东南", "西南"}
_ADMIN_NEXT = ("镇", "乡", "村", "街道", "县", "市", "省", "区", "管区", "社区")
_QUANTITY_CHARS = set("多个几各每数些一二三四五六七八九十两百千万该本全")
# abstract-noun and property endings: 深度, 满意度, 宜居性, 一体化 are not places
_ABSTRACT_FINAL = set("度性化感率型式力居")
# generic place nouns: 大河, 新城, 三区 (a numeral or an adjective before one is not a name)
_GENERIC_PLACE_FINAL = set("城区河港市镇村县省山海湖江洲乡路街")
_GENERIC_PLACE_HEAD = set("一二三四五六七八九十两多几大小新老旧古特超都")
# characters that end real place names (rivers, mountains, regions, towns); used for long unknown words
_PLACE_FINAL = set("山河江湖海岛峡湾岭峰州城县市省区村镇乡港口庄堡关洋洲原川谷泉池塘坡沟寨屯营台")
# one-character tokens that cannot start an unknown word glued to a place (在/北京, 与/上海)
_GLUE_BREAK = _STOP_INNER | set("到去来往赴至自由于从向朝经过入出多少东南西北")


_SPLIT_KEEP_FINAL = set("山河江湖海岛峡湾岭峰州城县市省区村镇乡港口庄堡关洋洲原川谷泉池塘坡沟寨屯营台路街道桥站场园")
_SPLIT_ONE = set("人籍话菜语文式版方军")
_SPLIT_TITLES = ("副书记", "书记", "常委", "副主任", "主任")


def _split_words(lex: "_Lex") -> list[str]:
    """jieba dictionary words to take out of the private tokenizer:
    - a place (gazetteer, world list) + an ordinary word: 德国人, 香港回归, 悉尼奥运会, 东欧国家, 英国女王
      (not organizations tagged nt, not words whose rest ends like a place: 长江三角洲, 北京路);
    - an organization + a title: 外交部长 (外交部/长), 纪委书记, 省委常委."""
    out = []
    places = lex.world | set(lex.gaz_full) | {w for w, fs in lex.gaz_short.items() if len(w) >= 2 and any(
        lex.gaz_level.get(f) in ("province", "prefecture") for f in fs)}
    jd = _jieba_dict()
    org_sufs = tuple(lex.org_suffix)
    for w, (freq, tag) in jd.items():
        if len(w) < 3 or tag == "nt" or w in lex.orgs or lex.place_kind(w) or w in _ZONE_WORDS:
            continue
        if w[-1] == "长" and w[-2] in "部局厅署" and len(w) >= 4 and w[-3:-1] != "副部":
            out.append(w)
            continue
        if any(w.endswith(t) and len(w) - len(t) >= 2 and w[-len(t) - 1] in "委局部" for t in _SPLIT_TITLES):
            out.append(w)
            continue
        if tag in ("i", "l", "m") or (tag in ("nr", "nrt", "nrfg") and w[-1] != "人"):
            continue
        if w[0] in "原前" and w[1:] in places:
            out.append(w)  # 原苏联: the former Soviet Union is the Soviet Union
            continue
        for k in range(len(w) - 1, 1, -1):
            p, r = w[:k], w[k:]
            if p in places and (r in _SPLIT_ONE if len(r) == 1 else r in jd and jd[r][1] not in ("m", "q")) \
                    and r[-1] not in _SPLIT_KEEP_FINAL and not r.endswith(org_sufs) \
                    and not r.endswith(("共和国", "王国", "公国", "联邦", "帝国", "酋长国")) \
                    and r not in lex.org_suffix and r not in lex.place_suffix and r not in _LOC_TAILS - {"地区", "人民"}:
                out.append(w)
                break
    return out


def _jieba_entry(word: str) -> tuple[int, str] | None:
    """(frequency, tag) of `word` in jieba's bundled dictionary, or None."""
    return _jieba_dict().get(word)


@lru_cache(maxsize=1)
def _jieba_dict() -> dict[str, tuple[int, str]]:
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.origin:
        return {}
    out: dict[str, tuple[int, str]] = {}
    with open(Path(spec.origin).parent / "dict.txt", encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 3:
                out[parts[0]] = (int(parts[1]), parts[2])
    return out


def _has_place_suffix_after(text: str, e: int, words, i: int) -> bool:
    n = len(words)
    return (i + 1 < n and (words[i + 1] in _ADMIN_NEXT or words[i + 1] in _LOC_TAILS
                           or words[i + 1][:2] in _LOC_TAILS)) or text[e:e + 1] in ("镇", "乡") or (
        i + 2 < n and words[i + 1] in ("路", "街", "大道") and words[i + 2] in ("街道", "社区"))


@lru_cache(maxsize=4096)
def _parent_named(w: str, text: str) -> bool:
    return any(p in text for p in _lex().county_parents.get(w, ()))


def _plausible_place(text: str, words, tags, starts, i: int, lex: _Lex) -> bool:
    """Whether token i (tagged ns, or a gazetteer short form) reads as a place here.

    - a county's short form (金水, 新化, 惠民, 大兴) is a place when an administrative suffix follows, or
      the text names its prefecture or province (金水 on a page about 郑州), or jieba tags it ns and it
      is not glued into a longer unknown word;
    - a word only jieba's tagger knows needs: to be in jieba's dictionary (an HMM guess such as 郑上 or
      以粤浦 needs a suffix after it), not to end like an abstract noun (深度, 满意度), not to be a
      generic place noun (新城, 大河, 特大城市, 都市), not to be a four-character phrase (东奔西跑), and
      not to be glued to one-character pieces of a longer unknown word (姚/五洲, 五/云山, 青云/智芯)."""
    w = words[i]
    try:
        kind, ok = _PLACE_STATIC[w]
    except KeyError:
        kind, ok = _place_static(w, lex)
    if kind is _P_KNOWN:
        return True
    if _has_place_suffix_after(text, starts[i] + len(w), words, i):
        return True
    if kind is _P_OTHER and not ok:
        return False  # not in jieba's dictionary (an HMM guess), or shaped like no place name
    n = len(words)
    prev_w = words[i - 1] if i > 0 else ""
    next_w = words[i + 1] if i + 1 < n else ""
    glued_before = (len(prev_w) == 1 and _is_cjk(prev_w) and prev_w not in _GLUE_BREAK
                    and tags[i - 1] not in ("v", "p", "c", "u", "uj", "d"))
    glued_after = len(next_w) == 1 and _is_cjk(next_w) and tags[i + 1] in ("ng", "zg", "nr", "ns", "j", "n", "k") \
        or (next_w and tags[i + 1] in ("ng", "zg"))
    if kind is _P_SHORT_MAJOR:
        return not glued_before
    if kind is _P_SHORT:
        if _parent_named(w, text):
            return not glued_before
        return ok and not glued_before and not glued_after  # ok: jieba's dictionary tags it ns
    return not (glued_before or glued_after)  # _P_OTHER with ok


# what _plausible_place knows of a word without its context: word -> (kind, ok)
# jieba tags many everyday words ns (青春, 哥哥, 上台, 山峰); above this count a word it alone calls a place is not taken
_COMMON_NS_FREQ = 256
_P_KNOWN, _P_SHORT_MAJOR, _P_SHORT, _P_OTHER = "known", "short_major", "short", "other"
_MEMO_LIMIT = 1 << 18   # entries per memo table below; a full table is emptied (memory stays bounded)


def _remember(table: dict, key, value):
    """Store a memoized value and return it."""
    if len(table) > _MEMO_LIMIT:
        table.clear()
    table[key] = value
    return value


_PLACE_STATIC: dict[str, tuple[str, bool]] = {}


def _place_static(w: str, lex: _Lex) -> tuple[str, bool]:
    """- _P_KNOWN: a gazetteer / world / zone word (always a place);
    - _P_SHORT_MAJOR: a short form of a province or prefecture; _P_SHORT: of a county only, ok when
      jieba's dictionary tags it ns;
    - _P_OTHER: ok when it is in jieba's dictionary and not shaped like an abstract noun, a generic
      place noun, an unlisted city or a four-character phrase."""
    if w in lex.gaz_full or w in lex.world or w in _ZONE_WORDS or (
            len(w) >= 4 and w[-2:] in _LOC_TAILS and (w[:-2] in lex.world or w[:-2] in lex.gaz_full)):
        res = (_P_KNOWN, True)  # (亚太地区, 香港回归: the place before the tail is known)
    elif w in lex.gaz_short:  # (and not in gaz_full)
        if any(lex.gaz_level.get(f) in ("province", "prefecture") for f in lex.gaz_short[w]):
            res = (_P_SHORT_MAJOR, True)
        else:
            entry = _jieba_entry(w)
            res = (_P_SHORT, bool(entry and entry[1] == "ns"))
    else:
        res = (_P_OTHER, _jieba_entry(w) is not None and _jieba_entry(w)[0] < _COMMON_NS_FREQ and not (
            w[-1] in _ABSTRACT_FINAL or w[-2:] in ("城市", "都市")
            or (len(w) == 2 and w[0] in _GENERIC_PLACE_HEAD and w[1] in _GENERIC_PLACE_FINAL)
            or (len(w) >= 2 and w[-1] in "市县省区")  # a real city / county / district is in the gazetteer
            or (len(w) == 4 and w[-1] not in _PLACE_FINAL and _translit_share(w, lex.translit) < 0.75)))
    return _remember(_PLACE_STATIC, w, res)


# jieba's nt tag is noisy too (统一安排, 大力开展, 党和政府, 汇报会, 新兴产业 are nt in its dictionary)
_ORG_WORD_FINAL = set("部局厅署处办院所站校社报台党军队委会团司行厂矿馆社盟组协联")


_PLAUSIBLE_ORG: dict[str, bool] = {}  # word -> _plausible_org_word (lex is the one _lex())


def _plausible_org_word(w: str, lex: _Lex) -> bool:
    try:
        return _PLAUSIBLE_ORG[w]
    except KeyError:
        return _remember(_PLAUSIBLE_ORG, w, _plausible_org_word_uncached(w, lex))


def _plausible_org_word_uncached(w: str, lex: _Lex) -> bool:
    """A jieba nt word outside the organization lexicon reads as an organization: no conjunction inside
    (党和政府), not ending in a verb (统一安排, 大力开展) or a meeting (汇报会), and, when longer than
    three characters, ending like an organization (新兴产业 does not)."""
    if w in lex.orgs:
        return True
    if any(c in w[1:-1] for c in "和与及"):
        return False
    tail = _jieba_entry(w[-2:]) if len(w) >= 3 else None
    if tail and tail[1] in ("v", "vn", "vd", "ad", "a") and w[-2:] not in lex.org_suffix:
        return False
    if w.endswith(("汇报会", "座谈会", "研讨会", "推进会", "动员会", "见面会", "发布会", "报告会", "交流会")):
        return False
    if len(w) >= 4 and w[-1] not in _ORG_WORD_FINAL and not w.endswith(lex.org_suffix_tuple) \
            and not (w[:2] in lex.world or w[:2] in lex.gaz_short):  # 中国电信: a country's or city's company
        return False
    return True


_ALL_CJK = re.compile("[\u4e00-\u9fff]*").fullmatch  # truthy when every character is CJK


def _is_cjk(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff"


_TRANSLIT_SHARE: dict[str, float] = {}  # word -> share (translit is always _lex().translit)


def _translit_share(w: str, translit) -> float:
    try:
        return _TRANSLIT_SHARE[w]
    except KeyError:
        return _remember(_TRANSLIT_SHARE, w, sum(map(translit.__contains__, w)) / len(w) if w else 0.0)


def _token_indices(text: str, words, starts, hits) -> list[int]:
    """Indices of the tokens that are one of the words in `hits` (found with str.find, which is much
    faster than a Python loop over every token)."""
    out = []
    for w in hits:
        p = text.find(w)
        while p >= 0:
            k = bisect_right(starts, p) - 1  # the token that starts at p, if any
            if k >= 0 and starts[k] == p and words[k] == w:
                out.append(k)
            p = text.find(w, p + len(w))
    out.sort()
    return out


_MSTART = re.Match.start
_IG0 = itemgetter(0)
_IG1 = itemgetter(1)
_IGL = itemgetter(-1)


def _tokens(text: str) -> tuple[list[str], list[str], list[int]]:
    pairs = _lex().tok.tag(text)
    if not pairs:
        return [], [], []
    words = tuple(map(_IG0, pairs))
    tags = tuple(map(_IG1, pairs))
    starts = [0, *accumulate(map(len, words))][:-1]
    return words, tags, starts


# one code character per token tag, so token positions can be found with a regex over a string
_TAG_CODE = {"nr": "R", "nrfg": "F", "nrt": "T", "ns": "S", "nt": "O", "nz": "Z", "zloc": "L", "zorg": "G",
             "x": "x", "j": "J"}
_TAG_CODES: dict[str, str] = defaultdict(lambda: "o", _TAG_CODE)  # every other tag -> "o"
_LOCORG_CODE_RE = re.compile("[SOZLG]")
_NS_CODE_RE = re.compile("S")
_NAME_CODE_RE = re.compile("[RFT]")
_NEWWORD_CODE_RE = re.compile("[ZxF]")


def _name_context(text: str, s: int, e: int, lex: _Lex) -> bool:
    """A two-character name the tagger found on its own needs a name-like neighbour: a speech verb or a
    name follower after it, or a sentence start / quote / colon before it (惠商、安商 stays out)."""
    if lex.verb_start.match(text, e):
        return True
    before = text[s - 1:s]
    if before in ("", "\n", "“", "\"", ":", "：", "（", "(") and text[e:e + 1] not in ("、",):
        return True
    return _title_context(text, s, lex)  # 协调员罗斯, 门将江洪: a title before it


def _title_context(text: str, s: int, lex: _Lex) -> bool:
    return text[s - 1:s] in lex.title_last and text[max(0, s - 8):s].endswith(lex.title_tuple)


def _two_char_name_ok(w: str, text: str, s: int, lex: _Lex) -> bool:
    """A two-character name token: out of the dictionary with a name-like neighbour, or a dictionary name
    (jieba tags it nr / nrt there: 罗斯, 约翰) right after a title."""
    e = _jieba_entry(w)
    if e is None:
        return _name_context(text, s, s + 2, lex) or (
            # a surname and a character typical of given names, before a comma or full stop (姑娘杨洁，)
            w[0] not in _FUNC_SURNAMES_SOFT and text[s + 2:s + 3] in _NAME_END_PUNCT
            and lex.given_score.get(w[1], _GIVEN_MIN) >= _GIVEN_TWO_ALONE)
    return e[1] in _NAME_TAGS and _title_context(text, s, lex)


def _leader_name(stem: str) -> bool:
    """The part of a "...政府" word before 政府 is a person (克林顿政府): jieba's dictionary has it as a name."""
    e = _jieba_entry(stem)
    return e is not None and e[1] in _NAME_TAGS


def _brand_before(w: str, tag: str, adjacent: bool, lex: _Lex) -> bool:
    """A word the tagger calls a name but that starts with no surname, right before a body's generic name,
    is the body's own name (北斗/质检中心: 北斗 is no person)."""
    return adjacent and tag in ("nr", "nrfg") and len(w) >= 2 and w[0] not in lex.surnames \
        and w[:2] not in lex.surnames2 and _ALL_CJK(w) is not None


_GLUED_FUNCTION = frozenset("以将把被在对为从向和与及给让由至")
_GOVERNMENT_QUALIFIERS = {"新", "前", "临时", "过渡"}
_NAME_END_PUNCT = frozenset("，。；：）)！？,.;:!?")
_GIVEN_TWO_ALONE = 1.5  # given-name score of the second character of a two-character name with no other cue
_ENUM_SEPS = {"、", "/", "和", "与", "及"}
_ENUM_CODE_RE = re.compile("[RFT](?=.[RFT])")  # a name token with another two tokens on


def _enum_name_ok(w: str, lex: _Lex) -> bool:
    """A name token in an enumeration of names: surname + given name not known as an ordinary word
    (jieba's dictionary has it as a name or not at all), or a transliterated name."""
    if not 2 <= len(w) <= 4 or "PER" in lex.not_type.get(w, ()) or lex.place_kind(w) or w in lex.orgs:
        return False
    if w[0] in lex.surnames or w[:2] in lex.surnames2:
        e = _jieba_entry(w)
        return (e is None or e[1] in _NAME_TAGS) and w[-1] not in _NOT_NAME_FINAL and _ALL_CJK(w) is not None
    return _translit_share(w, lex.translit) >= 0.99


def _plain_name(name: str, lex: _Lex) -> bool:
    """Surname + given name in an enumeration context (no dictionary check)."""
    return (2 <= len(name) <= 3 and name[0] in lex.surnames and "PER" not in lex.not_type.get(name, ())
            and not lex.place_kind(name) and name not in lex.orgs and name not in _ROLE_WORDS
            and not (len(name) == 2 and _in_dictionary(name) and not _tags_like_name(name)))


_IS_PERSON_NAME: dict[str, bool] = {}  # name -> _is_person_name (lex is the one _lex())


def _is_person_name(name: str, lex: _Lex) -> bool:
    try:
        return _IS_PERSON_NAME[name]
    except KeyError:
        return _remember(_IS_PERSON_NAME, name, _is_person_name_uncached(name, lex))


def _is_person_name_uncached(name: str, lex: _Lex) -> bool:
    if not 2 <= len(name) <= 4:
        return False
    if "PER" in lex.not_type.get(name, ()):
        return False
    if name[:2] in lex.surnames2:
        return len(name) >= 3
    if name[0] not in lex.surnames or name[1:] in _SURNAME_TITLES or name[1] == "某":
        return False
    if len(name) == 4:
        return False
    if lex.place_kind(name) or name in lex.orgs:
        return False
    return _tags_like_name(name)


@lru_cache(maxsize=1)
def _jieba_words() -> frozenset[str]:
    """Words of jieba's bundled dictionary (the same one rjieba uses)."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.origin:
        return frozenset()
    path = Path(spec.origin).parent / "dict.txt"
    with open(path, encoding="utf-8") as fh:
        return frozenset(line.split(" ", 1)[0] for line in fh)


def _in_dictionary(word: str) -> bool:
    return word in _jieba_words()


@lru_cache(maxsize=65536)
def _tagged_name(word: str) -> bool:
    """The tokenizer reads `word` as one name token (马克思/主义)."""
    return _lex().tok.tag(word)[0] == (word, "nr")


@lru_cache(maxsize=65536)
def _tags_like_name(name: str) -> bool:
    """False when the tokenizer reads `name` as an ordinary word (干部, 温馨) or starting with one."""
    toks = _lex().tok.tag(name)
    first, tag = toks[0]
    if tag in _NAME_TAGS:
        return True
    if len(first) >= 2:
        return False
    # 曾/去过, 于/是: the rest reads as a verb or a function word
    return not any(t[:1] in ("v", "d", "p", "u", "c", "r", "m", "q", "f", "t") for _, t in toks[1:])


def _name_len(text: str, start: int, lex: _Lex, ends, strict: bool = True) -> int:
    """Length (2 or 3, 4 for compound surnames) of the name starting at `start`, or 0."""
    base = 2 if text[start:start + 2] in lex.surnames2 else 1
    longest = (base + 2, base + 1)
    last = text[start + base + 1:start + base + 2]
    # (a character the statistics never saw in a given name is rare, not known to be a function word: 李黔淼)
    if lex.given_score.get(last, 0.0) <= _GIVEN_NEVER_LAST and not _in_dictionary(text[start:start + base + 2]):
        longest = (base + 1,)  # 赵奇/很/有, 高达/的: a character no given name ends with
    ok: list[int] = []
    for n in longest:
        end = start + n
        if end > len(text):
            continue
        cand = text[start:end]
        if not _ALL_CJK(cand):
            continue
        nxt = text[end:end + 1]
        if n == base + 2 and cand[-1] in _NAME_GLUE_TAIL and end - 1 in ends and not (
                base == 1 and _third_closes(text, end - 1, lex)):
            continue  # 鲁宾/说, 王非/将: the last character is a word of its own
        if nxt == "" or nxt in _PUNCT_BOUNDARY or lex.verb_start.match(text, end):
            if _is_person_name(cand, lex) if strict else _plain_name(cand, lex):
                ok.append(n)
    # prefer the length that ends where the tokenizer ends a word (莫菲/认为, not 莫菲认/为)
    for n in ok:
        if start + n in ends:
            return n
    # none ends at a token end: a shorter name that does wins when the character after it is unusual in
    # given names (冯强/见到, not 冯强见/到; but 王智明/说 stays)
    for n in (base + 1,) if ok else ():
        end = start + n
        if end in ends and lex.given_score.get(text[end], _GIVEN_MIN) < _GIVEN_THIRD and _ALL_CJK(text[start:end]) \
                and _is_person_name(text[start:end], lex):
            return n
    if ok:
        return ok[0]
    for n in longest:
        end = start + n
        if end <= len(text) and end in ends and _is_person_name(text[start:end], lex) and _ALL_CJK(text[start:end]):
            return n
    return 0


def _translit_tail(text: str, words, tags, starts, j: int, lex: _Lex) -> int:
    """1 when token `j`, right after a transliterated name, begins with the name's last character: the
    tokenizer glued it to the next word (塔勒/比说, 安德雷/斯在, 克莱蒙/特是) or left it alone before a
    boundary (菲娜/西/。, 阿列/塔/近日); else 0."""
    if j >= len(words):
        return 0
    w = words[j]
    if w[0] not in lex.translit:
        return 0
    if len(w) == 2:
        return 1 if not _in_dictionary(w) and (w[1] in _NAME_GLUE_TAIL or lex.verb_start.match(text, starts[j] + 1)) \
            else 0
    if len(w) == 1 and tags[j] not in ("v", "p", "c", "u", "uj", "ul", "m", "q"):
        after = words[j + 1] if j + 1 < len(words) else ""
        if after == "" or after[0] in _NAME_RIGHT_PUNCT or after in lex.verb_set or tags[j + 1] == "t":
            return 1
    return 0


_ENUM_JOINERS = frozenset("、和与及")


def _enumerations(words, members) -> list[list[int]]:
    """Runs of two or more of the token indices `members` (places, teams) joined by 、/和/与/及."""
    runs: list[list[int]] = []
    run: list[int] = []
    for i in sorted(members):
        if run and i == run[-1] + 2 and words[i - 1] in _ENUM_JOINERS:
            run.append(i)
            continue
        if len(run) >= 2:
            runs.append(run)
        run = [i]
    if len(run) >= 2:
        runs.append(run)
    return runs


_RUN_TRIM = frozenset("时称说同")
_RUN_BREAK_FIRST = frozenset("同与和及对向跟")
_FOREIGN_ADMIN = frozenset("州省市县岛港湾区")
_FOREIGN_PLACE_ENDINGS = frozenset({"斯克", "格勒"})
_STATE_SUFFIXES = ("共和国", "王国", "联邦", "公国", "酋长国", "合众国")


def _run_token(words, tags, i: int, j: int, lex: _Lex) -> bool:
    """Whether token j goes on the transliterated name run that starts at token i: a transliteration-like
    name token, a single character, or a dot or hyphen between such tokens; never a known place
    (乌克兰/敖德萨 is a country and a city), and an unknown place-tagged word only inside the run
    (迪亚斯/-/卡/内尔)."""
    w = words[j]
    if w in _DOTS:
        return j > i and j + 1 < len(words) and _translit_share(words[j + 1], lex.translit) >= 0.6
    share = _translit_share(w, lex.translit)
    if share < 0.6 or lex.place_kind(w):
        return False
    if len(w) >= 3 and w[-1] in _FOREIGN_ADMIN:
        return False  # 毛伊岛/拉海纳: a place of its own
    if j > i and w[0] in _RUN_BREAK_FIRST and not _in_dictionary(w):
        return False  # 卡茨/同西哈莫尼: a second name after a preposition the tokenizer glued to it
    t = tags[j]
    if t in _LOC_ORG_TAGS:
        return j > i and share == 1.0 and t == "ns"
    return len(w) == 1 or t in _NAME_TAGS or t == "x"


def _foreign_place_end(text: str, s: int, e: int, words, j: int, lex: _Lex) -> int:
    """1 + the length of an administrative suffix that makes the transliterated name ending at `e` a place:
    its own last character (罗斯托夫州) or a city-name ending (-斯克) -> 1, the next token (敖德萨/州) -> 2;
    else 0."""
    if text[e - 1:e] in _FOREIGN_ADMIN and e - s >= 3 and _translit_share(text[s:e - 1], lex.translit) >= 0.99:
        return 1
    if text[e - 2:e] in _FOREIGN_PLACE_ENDINGS and e - s >= 3:
        return 1  # 莫罗佐夫斯克, 斯大林格勒: -sk and -grad end city names, never personal names
    if j < len(words) and words[j] in _FOREIGN_ADMIN and text[e:e + 1] == words[j]:
        return 2
    return 0


_THIRD_AFTER = set("以为从等最在将于")  # word-initial characters after a full name (许雄英/以, 唐翔千/为)
_THIRD_CONJ = set("和与")  # a conjunction cannot stand before a verb or a full stop: 杨世和/说, 陈金和/。


def _third_closes(text: str, e: int, lex: _Lex) -> bool:
    """The character at `e`, right after a surname + one character, is the name's third character because
    what follows it ends the name: punctuation, a digit or the end (陈金和。, 李长和9日, 阎月凡/), a speech
    or action verb after a conjunction or a typical given-name character (杨世和说, 陈答才撰写), or a
    function character the tokenizer glued to it (许雄英以, 唐翔千为). 王非将要 / 王晨以 stay two."""
    c = text[e:e + 1]
    if not _is_cjk(c) or c in _NOT_NAME_FINAL:
        return False
    score = lex.given_score.get(c, _GIVEN_MIN)
    if score <= -1.5:
        return False
    after = text[e + 1:e + 2]
    if after == "" or after in _NAME_RIGHT_PUNCT or after.isdigit():
        return True
    if lex.verb_start.match(text, e + 1):
        return c in _THIRD_CONJ or score >= 0.3
    return after in _THIRD_AFTER and score > -0.5 and not _in_dictionary(c + after)


def _third_given(text: str, st: int, w: str, nxt_w: str, lex: _Lex) -> int:
    """1 when a two-character name token (surname + one character) goes on with a third given-name
    character that the tokenizer left alone or glued to the next word (see _third_closes), else 0."""
    if len(w) != 2 or w in lex.surnames2 or len(nxt_w) > 2 or not _third_closes(text, st + 2, lex):
        return 0
    return 1 if _is_person_name(text[st:st + 3], lex) else 0


def _title_before(text: str, pos: int, bounds) -> str | None:
    """The title phrase that ends at `pos` ("经开区党工委副书记、管委会主任"), or None. `bounds`: the token
    boundaries of `text` (anything with `in`), so that a cut word inside a longer word does not cut."""
    lex = _lex()
    lo = max(0, pos - 40)
    window = text[lo:pos]
    # join line-wrap spaces inside the title ("党工委副 书记")
    # (the same test as lex.title_re.search: the squeezed tail ends with a title)
    if not _WS.sub("", window[-12:]).endswith(lex.title_tuple):
        return None
    cut = 0
    for m in _TITLE_CUT.finditer(window):
        # a cut word counts as a word of its own, not inside another (数据技术股份公司董事长: 据 of 数据)
        a, b = lo + m.start(), lo + m.end()
        if not _is_cjk(window[m.start()]) or ((a == 0 or a in bounds) and b in bounds):
            cut = m.end()
    title = _WS.sub("", window[cut:])
    title = title.lstrip("、")
    return title or None


class _LazyEnds:
    """Token end offsets, computed on first membership test (most texts never need them)."""

    __slots__ = ("_starts", "_words", "_set")

    def __init__(self, starts: list[int], words: list[str]) -> None:
        self._starts, self._words, self._set = starts, words, None

    def __contains__(self, pos: int) -> bool:
        if self._set is None:
            # tokens are contiguous: every token ends where the next starts, the last at the text's end
            ends = set(self._starts)
            ends.discard(0)
            if self._words:
                ends.add(self._starts[-1] + len(self._words[-1]))
            self._set = ends
        return pos in self._set


# what the place / lexicon-organization loop of _candidates does with a token, by (tag, word):
# _LOC_KINDS[tag][word] = (kind, effective tag); the kinds are the branches of that loop
_K_SKIP, _K_LOC, _K_STREET, _K_ORG = "skip", "loc", "street", "org"
_LOC_KINDS: dict[str, dict[str, tuple[str, str]]] = {}


def _loc_kind(w: str, t: str, lex: _Lex) -> tuple[str, str]:
    tag = t
    if w in lex.orgs:
        t = "zorg"
    elif w in lex.gaz_full or w in lex.world or w in _ZONE_WORDS:
        t = "zloc"
    if t == "zloc" or (t == "ns" and len(w) >= 2) or (len(w) >= 2 and w in lex.gaz_short):
        kind = _K_SKIP if "LOC" in lex.not_type.get(w, ()) else _K_LOC
    elif t == "nz" and len(w) >= 3 and w[-1] in "路街":
        kind = _K_STREET  # a place when 街道 / 社区 follows
    elif t == "zorg" or (t == "nt" and len(w) >= 2 and "ORG" not in lex.not_type.get(w, ())
                         and _plausible_org_word(w, lex)):
        kind = _K_ORG
    else:
        kind = _K_SKIP
    return _remember(_LOC_KINDS.setdefault(tag, {}), w, (kind, t))


_ORG_SUFFIX_OF: dict[str, dict[str, str | None]] = {}  # tag -> word -> _org_suffix_of(word, tag)


def _org_suffix_of(w: str, tag: str, org_suffix) -> str | None:
    """The organization suffix ending token `w` (tagged `tag`, not itself a suffix), or None."""
    suf = None
    if tag in _ORG_HEAD_TAGS:
        for k in range(min(6, len(w) - 1), 0, -1):
            # 公安局, 喀麦隆队; not 格局, 全部 (a one-character stem of an ordinary word)
            if w[-k:] in org_suffix and (len(w) - k >= 2 or tag in ("nt", "nz", "j", "zorg")):
                # 汇报, 通报, 年报: a word that ends in 报 is not a newspaper (文汇报 is jieba's)
                # (酒厂, 电站, 医院 are kinds of body, so 玉泉啤酒厂 ends in 厂 all the same)
                if k == 1 and w[-2:] in _jieba_dict() and w[-2:] not in org_suffix and (
                        w[-1] not in "厂站院校队社馆店" or _jieba_dict()[w[-2:]][1] != "n"):
                    break
                suf = w[-k:]
                break
    return _remember(_ORG_SUFFIX_OF.setdefault(tag, {}), w, suf)


_CACHES_LEX: _Lex | None = None  # the lexicons the per-word caches above were filled from


def _candidates(text: str) -> list[tuple[int, int, str, int, str | None]]:
    lex = _lex()
    global _CACHES_LEX
    if lex is not _CACHES_LEX:  # first call, or the lexicons were reloaded: start the caches afresh
        for cache in (_TRANSLIT_SHARE, _PLAUSIBLE_ORG, _IS_PERSON_NAME, _LOC_KINDS, _ORG_SUFFIX_OF, _PLACE_STATIC):
            cache.clear()
        _CACHES_LEX = lex
    words, tags, starts = _tokens(text)
    n = len(words)
    ends = _LazyEnds(starts, words)
    out: list[tuple[int, int, str, int, str | None]] = []  # start, end, type, priority, title
    is_loc = [False] * n
    is_org_tok = [False] * n
    org_toks: list[int] = []  # the indices where is_org_tok is True, ascending
    codes = "".join(itemgetter(*tags)(_TAG_CODES)) if n > 1 else "".join(_TAG_CODES[t] for t in tags)
    firsts = "".join(map(_IG0, words))
    lasts = "".join(map(_IGL, words))

    # --- places and lexicon organizations, token by token
    loc_idx = list(map(_MSTART, _LOCORG_CODE_RE.finditer(codes)))
    special = lex.special.intersection(words)
    hits = lex.interesting_odd.intersection(special) if special else special
    if hits:  # lexicon words the tagger labels otherwise (政协/j, 人民日报/nz)
        extra = set()
        for w in hits:
            p = text.find(w)
            while p >= 0:
                k = bisect_right(starts, p) - 1  # the token that starts at p, if any
                if k >= 0 and starts[k] == p and words[k] == w:
                    extra.add(k)
                p = text.find(w, p + len(w))
        loc_idx = sorted(extra.union(loc_idx))
    kinds = _LOC_KINDS
    for i in loc_idx:
        t = tags[i]
        w = words[i]
        try:
            kind, t = kinds[t][w]
        except KeyError:
            kind, t = _loc_kind(w, t, lex)
        if kind is _K_SKIP:
            continue
        if kind is _K_LOC:
            if t != "zloc" and not _plausible_place(text, words, tags, starts, i, lex):
                continue
            s, e = starts[i], starts[i] + len(w)
            if len(w) <= 3 and t in ("ns", "j") and _ABBREV_EXT.issuperset(w) and ("中" in w or (
                    i + 1 < n and words[i + 1][:2] in _REL_WORDS) or _ABBREV_PAIR.issuperset(w)):
                for k in range(len(w)):  # 印中/两国, 中布/两国之间: one place per character
                    out.append((s + k, s + k + 1, "LOC", 3, None))
                continue
            if len(w) >= 4 and w[-2:] in _LOC_TAILS:
                e -= 2  # 东北地区 -> 东北, 淮河流域 -> 淮河
            elif len(w) <= 3 and w[0] in _REGION_ABBREV and w[1:] in _DIRECTIONS and t == "ns" and not lex.place_kind(w):
                out.append((s, s + 1, "LOC", 2, None))  # 湘南, 晋西北, 陕北: the province
                continue
            # administrative suffix in the next token: 颍阳 + 镇 / 东风路 + 街道
            if i + 1 < n and words[i + 1] in _ADMIN_NEXT:
                e += len(words[i + 1])
            elif i + 2 < n and words[i + 1] in ("路", "街", "大道") and words[i + 2] in ("街道", "社区"):
                e += len(words[i + 1]) + len(words[i + 2])  # 京城/路/街道
            elif text[e:e + 1] in ("镇", "乡") and i + 1 < n and len(words[i + 1]) == 2 \
                    and words[i + 1] not in lex.title_set:
                e += 1
            elif i + 1 < n and words[i + 1] in _FEATURE_NEXT and e == starts[i + 1]:
                e += len(words[i + 1])  # 黄河/游览区, 濑户/大桥, 印度/次大陆: a named feature
            is_loc[i] = True
            out.append((s, e, "LOC", 2, None))
            # 洪泽县委 / 荥阳市委: a party committee
            if text[e - 1:e] in "省市县区" and text[e:e + 1] == "委":
                out.append((s, e + 1, "ORG", 3, None))
            elif text[e:e + 2] in ("市委", "县委", "省委", "区委") and text[e - 1:e] not in "省市县区":
                out.append((s, e + 2, "ORG", 3, None))
        elif kind is _K_STREET:
            if i + 1 < n and words[i + 1] in ("街道", "社区"):
                out.append((starts[i], starts[i] + len(w) + len(words[i + 1]), "LOC", 2, None))
        elif len(w) <= 3 and t == "nt" and _ABBREV_PAIR.issuperset(w):
            for k in range(len(w)):  # 中印/nt, 中法/nt: one place per character
                out.append((starts[i] + k, starts[i] + k + 1, "LOC", 2, None))
        else:  # _K_ORG
            is_org_tok[i] = True
            org_toks.append(i)
            stem = w[:-2]
            if w.endswith("政府") and stem in lex.world:
                out.append((starts[i], starts[i] + len(stem), "LOC", 2, None))  # 中国政府 -> 中国
            elif w.endswith("政府") and len(stem) >= 2 and _leader_name(stem):
                out.append((starts[i], starts[i] + len(stem), "PER", 3, None))  # 克林顿政府 -> 克林顿
            elif w.endswith("关系") and stem and _ABBREV_PAIR.issuperset(stem):
                for k in range(len(stem)):  # 中美关系 -> 中, 美
                    out.append((starts[i] + k, starts[i] + k + 1, "LOC", 2, None))
            else:
                e = starts[i] + len(w)
                if i + 1 < n and words[i + 1] == "中央" and w[-1] in "党团共盟":
                    e += 2  # 致公党/中央, 共青团/中央: the body's central committee
                out.append((starts[i], e, "LOC" if w.endswith(_VENUE_SUFFIXES) else "ORG", 3, None))

    # --- teams named by their country or province in sports news (战胜丹麦, 山东对江苏): organizations
    sports = loc_idx and _SPORT_CUE_RE.search(text)
    teams = set()
    for i in loc_idx if sports else ():
        if i and is_loc[i] and (words[i - 1] in _SPORT_VERBS or (words[i - 1] == "对" and i > 1 and is_loc[i - 2]) or (
                i + 2 < n and words[i + 1] == "对" and is_loc[i + 2])):
            if words[i] in lex.world or words[i] in lex.gaz_full or words[i] in lex.gaz_short:
                out.append((starts[i], starts[i] + len(words[i]), "ORG", 3, None))
                teams.add(i)
    # the rest of an enumeration with a team in it are teams too (意大利、巴西队; 战胜丹麦、瑞典), and so are the
    # countries of a group (E组的美国、俄罗斯)
    if sports:
        teams.update(i for i in org_toks if words[i][-1] == "队")
        for run in _enumerations(words, teams.union(i for i in loc_idx if is_loc[i])):
            grouped = run[0] >= 2 and words[run[0] - 1] == "的" and words[run[0] - 2][-1] == "组"
            if grouped or not teams.isdisjoint(run):
                for i in run:
                    if i not in teams and (words[i] in lex.world or words[i] in lex.gaz_full):
                        out.append((starts[i], starts[i] + len(words[i]), "ORG", 3, None))

    # --- villages after a town: 颍阳镇于家村
    for m in _VILLAGE_RE.finditer(text):
        stem = m.group(1)[:-1]
        if not any(c in _STOP_INNER or c in _QUANTITY_CHARS for c in stem):
            out.append((m.start(1), m.end(1), "LOC", 2, None))

    # --- organizations by suffix, extended leftwards over name-like tokens; a suffix may end a token
    # (公安局, 喀麦隆队); a known body after places takes them in (郑州/公安局, 天津市/妇联, 中国/全国人大)
    org_suffix = lex.org_suffix
    jdict = _jieba_dict()
    suf_cache = _ORG_SUFFIX_OF
    suf_last = lex.org_suffix_last
    for i in sorted(set(map(_MSTART, lex.org_last_re.finditer(lasts)))
                    | {i for i in org_toks if i > 0 and is_loc[i - 1]} if org_toks else
                    list(map(_MSTART, lex.org_last_re.finditer(lasts)))):
        w = words[i]
        if w in org_suffix:
            if tags[i] == "v":
                continue  # 组织 the verb
            suf, head, prefix_end, chars, proper = w, w, i, 0, False
        else:
            try:
                suf = suf_cache[tags[i]][w]
            except KeyError:
                suf = _org_suffix_of(w, tags[i], org_suffix)
            if suf is None and not is_org_tok[i]:
                continue
            head, prefix_end = w, i
            chars = len(w) - len(suf) if suf else 9
            proper = tags[i] in ("nt", "nz", "zorg", "j") or is_org_tok[i] or (
                suf is not None and len(w) - len(suf) >= 2 and (w[:-len(suf)] not in jdict or lex.place_kind(w[:-len(suf)])))
        j = prefix_end - 1
        first = prefix_end
        trim = 0  # characters of the first token that are not the name's (以/云创 大厦)
        all_loc = True
        past_loc = False
        # the suffix must end the name: 郑州国家中心/城市 is a city, not a centre
        if suf and i + 1 < n and (words[i + 1] in ("城市", "城区") or _glued_suffix(text[starts[i] + len(w) - len(suf or ""):
                                                                               starts[i + 1] + len(words[i + 1])], lex)):
            if suf:
                continue
        # a body complete in itself (富士公司/nt, 天津泰达队/nz, 国务院) takes in places and bodies only
        whole = (suf is not None and head != suf and len(head) - len(suf) >= 2
                 and (tags[i] in ("nt", "nz", "zorg", "j") or is_org_tok[i]) and _proper_stem(head[:-len(suf)])
                 ) or (is_org_tok[i] and w in lex.orgs and w not in org_suffix)
        while j >= 0 and prefix_end - j <= 6:
            tj = tags[j]
            wj = words[j]
            if wj in _ORG_LEFT_STOP or (whole and not (is_loc[j] or is_org_tok[j] or tj in _ORG_WHOLE_LEFT
                                                       or (wj[0] == "第" and wj[-1] == "届") or wj in _ADMIN_ONE
                                                       or _brand_before(wj, tj, j == prefix_end - 1, lex))):
                break
            # never across a speech / action verb (姚五洲要求枫杨园区…), a person's name (张/红军), a
            # generic word that jieba tags ns (城市管理…), or into a glued surname (姚/五洲)
            if wj in lex.verb_set or (tj == "ns" and "LOC" in lex.not_type.get(wj, ())):
                break
            if j > 0 and len(words[j - 1]) == 1 and tags[j - 1] == "nr" and tj in ("ns", "nr") and not is_loc[j]:
                break
            if len(wj) >= 3 and wj[0] in _GLUED_FUNCTION and wj not in jdict and suf is not None and _ALL_CJK(wj):
                # 以云创/大厦, 将云创/大厦: the tokenizer glued a preposition to the name, which starts after it
                chars += len(wj) - 1
                proper = proper or j == prefix_end - 1
                first, trim = j, 1
                break
            if len(wj) == 1 and wj in _ADMIN_ONE and not past_loc and suf is not None:
                chars = max(chars + 1, org_suffix[suf])  # 县/职教中心, 村/党支部: the county's, the village's own body
                first = j
                proper = True
                j -= 1
                continue
            if j == prefix_end - 1 and len(wj) >= 2 and tj in ("n", "nr", "m", "a", "nz") and _ALL_CJK(wj) and \
                    wj not in jdict:
                proper = True  # an unknown word before the suffix is a name (羚锐/公司, 越秀/酒家)
            if is_loc[j]:
                proper = past_loc = True
            elif (suf is None or tj not in _ORG_INNER_TAGS or wj in _STOP_INNER or wj[0] in _DIGITS
                  or (past_loc and tj not in _PROPER_TAGS) or not _PUNCT_BOUNDARY.isdisjoint(wj)):
                break
            elif tj in _NAME_TAGS and tj != "nrt" and j < prefix_end - 1:
                break  # (a transliterated name may name a body: 阿里巴巴/客户/体验/中心, 诺贝尔/基金会)
            else:
                all_loc = False
            if tj in _PROPER_TAGS:
                proper = True
            chars += len(wj)
            first = j
            j -= 1
        # a verb may sit inside a name (数字产业创新中心) but never starts one
        while not trim and first < prefix_end and tags[first] in _ORG_NO_START_TAGS and not is_loc[first]:
            chars -= len(words[first])
            first += 1
        if suf is not None and chars < org_suffix[suf]:
            continue
        if first == prefix_end and (head == suf or tags[i] in ("nt", "zorg")):
            continue  # a bare suffix, or a body the tagger already found on its own
        # a single-character prefix like 市/区/省 ("市工信局") counts as anchored
        if not proper and not (first < prefix_end and words[first] in _ADMIN_ONE):
            continue
        # a leader's government is the leader in news usage (克林顿/政府, 金大中/新/政府 -> the person)
        if suf == "政府" and head == suf and tags[first] in _NAME_TAGS and not is_loc[first] and \
                all(words[k] in _GOVERNMENT_QUALIFIERS for k in range(first + 1, prefix_end)):
            out.append((starts[first], starts[first] + len(words[first]), "PER", 3, None))
            continue
        # a country's government is the country in news usage (中国政府 -> 中国, 俄/政府 -> 俄)
        if suf in ("政府",) and head == suf and all_loc:
            if first == prefix_end - 1 and len(words[first]) == 1 and words[first] in _ABBREV_PAIR:
                out.append((starts[first], starts[first] + 1, "LOC", 2, None))
            continue
        out.append((starts[first] + trim, starts[i] + len(w), "LOC" if w.endswith(_VENUE_SUFFIXES) else "ORG", 3,
                    None))

    # --- a minister's title split from the ministry by the tokenizer (印尼/农业/部长, 几内亚/计划/合作/部长):
    # the nouns before it and 部 are the ministry, with the place before them
    p = text.find("部长")
    while p > 0:
        k = bisect_right(starts, p) - 1
        if starts[k] == p and words[k] == "部长" and k > 0 and _ministry_word(words[k - 1], tags[k - 1], lex):
            f = k - 1
            while f > 0 and k - f < 3 and _ministry_word(words[f - 1], tags[f - 1], lex):
                f -= 1
            if f > 0 and is_loc[f - 1]:
                f -= 1
            out.append((starts[f], p + 1, "ORG", 3, None))
        p = text.find("部长", p + 2)

    # --- 党的十五大; 据《今日美国》报道, 《中华读书报》: newspapers and magazines
    for m in _finditer_first(_CONGRESS_CORE_RE, text):
        mm = _CONGRESS_RE.match(text, m.start())
        if mm:
            out.append((mm.start(), mm.end(), "ORG", 3, None))
    for m in _PRESS_RE.finditer(text) if "《" in text else ():
        g = m.lastindex or 1
        out.append((m.start(g), m.end(g), "ORG", 3, None))

    # --- countries + team: 中国队 (jieba nt covers many); abbreviations in context
    for m in _finditer_first(lex.abbrev_fast, text):
        if m.group(2):
            for k in range(m.start(2), m.end(2)):
                out.append((k, k + 1, "LOC", 1, None))
        else:
            out.append((m.start(4), m.end(4), "LOC", 1, None))

    # --- one-character countries in fixed patterns: 中缅边界, 日军, 葡方, 对华政策, 奥运会, 京剧, 中华民族
    for lit, rx in _ABBREV_TEXT_RES:
        if lit is None:
            if "中" not in text:
                continue
            for m in rx.finditer(text):
                p = m.start()
                mm = _REL_PAIR_RE.search(text, max(0, p - 4), p)
                if mm:
                    for g in range(1, 6):
                        if mm.start(g) >= 0:
                            out.append((mm.start(g), mm.end(g), "LOC", 3, None))
        elif lit in text:
            for m in rx.finditer(text):
                out.append((m.start(1), m.end(1), "LOC", 3, None))

    # --- one-character abbreviations: 中美 / 中、英、德 / 访华, 抗日, 在京
    for i in [i for i in map(_MSTART, _ABBREV_FIRST_RE.finditer(firsts)) if len(words[i]) <= 4]:
        w = words[i]
        if 2 <= len(w) <= 4 and _ABBREV_PAIR.issuperset(w) and tags[i] not in ("v", "d", "a", "c", "p"):
            if w not in lex.gaz_full and w not in lex.world and w not in _ABBREV_WORDS:
                for k in range(len(w)):
                    out.append((starts[i] + k, starts[i] + k + 1, "LOC", 1, None))
        elif len(w) == 2 and w[0] in _ABBREV_VERB and w[1] in _ABBREV_AFTER_VERB:
            out.append((starts[i] + 1, starts[i] + 2, "LOC", 1, None))
        elif len(w) == 1 and w in _ABBREV_PAIR and i > 0 and (
                (words[i - 1] in _ABBREV_VERB and w in _ABBREV_AFTER_VERB)
                or (words[i - 1] == "、" and i > 1 and len(words[i - 2]) == 1 and words[i - 2] in _ABBREV_PAIR)
                or (i + 2 < n and words[i + 1] == "、" and len(words[i + 2]) == 1 and words[i + 2] in _ABBREV_PAIR)):
            out.append((starts[i], starts[i] + 1, "LOC", 1, None))
        elif len(w) == 2 and w[1] == "方" and w[0] in _PARTY_ABBREV and w not in _NOT_PARTY:
            out.append((starts[i], starts[i] + 1, "LOC", 1, None))  # 中方, 美方: the country's side
        elif len(w) == 2 and w in _ABBREV_PEOPLE:
            out.append((starts[i], starts[i] + 1, "LOC", 1, None))  # 华人, 港胞, 日裔
        elif len(w) == 1 and w in _ABBREV_PAIR and i + 1 < n:
            nw, nt = words[i + 1], tags[i + 1]
            pw = words[i - 1] if i > 0 else ""
            if len(nw) == 1 and nw in _ABBREV_PAIR and nw != w and i + 2 < n and tags[i + 2] in _ABBREV_PAIR_NEXT_TAGS \
                    and tags[i] in ("ns", "j", "f", "m") and tags[i + 1] in ("ns", "j", "f", "m"):
                # 中/美 三个联合公报, 美/中 战略关系, 巴/以 和谈: two countries side by side
                out.append((starts[i], starts[i] + 1, "LOC", 1, None))
                out.append((starts[i + 1], starts[i + 1] + 1, "LOC", 1, None))
            elif tags[i] in ("ns", "j") and (nt in _ABBREV_NEXT_TAGS or nw in _ABBREV_NEXT_WORDS) and (
                    not pw or not _is_cjk(pw[-1]) or tags[i - 1] in ("p", "v", "t", "c", "d")):
                out.append((starts[i], starts[i] + 1, "LOC", 1, None))  # 在/俄/南部, 虽然/俄/已, ，/菲/银行业

    # --- two-character regions made of province / river abbreviations: 江淮, 黄淮, 秦巴 (one place each)
    hits = lex.region_words.intersection(special) if special else special
    for i in _token_indices(text, words, starts, hits) if hits else ():
        w = words[i]
        if tags[i] in ("j", "nr", "nz") or (tags[i] == "ns" and _jieba_entry(w) is None):
            out.append((starts[i], starts[i] + 1, "LOC", 2, None))
            out.append((starts[i] + 1, starts[i] + 2, "LOC", 2, None))

    # --- persons: jieba names
    translit = lex.translit
    name_idx = list(map(_MSTART, _NAME_CODE_RE.finditer(codes)))
    for i in name_idx:
        w = words[i]
        st = starts[i]
        if len(w) >= 3 and ((i and w[0] in lex.title2_last and words[i - 1][-1] + w[0] in lex.title_set) or (
                w[0] in _RUN_BREAK_FIRST and not _in_dictionary(w) and _translit_share(w[1:], translit) >= 0.99)):
            # 美国国防部/长赫格塞思: the title's last character went into the name; 同西哈莫尼: a preposition did
            w, st = w[1:], st + 1
        if (w[-1] in _FOREIGN_ADMIN or w[-2:] in _FOREIGN_PLACE_ENDINGS or (i + 1 < n and words[i + 1] in _FOREIGN_ADMIN)) \
                and (_translit_share(w, translit) >= 0.6 or _translit_share(w[:-1], translit) >= 0.99):
            place = _foreign_place_end(text, st, st + len(w), words, i + 1, lex)
            if place:
                out.append((st, st + len(w) + place - 1, "LOC", 3, None))
                continue
        # a name token that swallowed the next word's first character (严平认/为, 王晨以, 穆萨还)
        # (a name of the dictionary stays whole: 唐师曾/最)
        if len(w) >= 3 and w[-1] in _NAME_GLUE_TAIL and w[-2] not in _NAME_GLUE_TAIL and not _in_dictionary(w):
            w = w[:-1]
        if len(w) == 2 and w[1] == "某" and w[0] in lex.surnames:
            out.append((st, st + 1, "PER", 2, None))  # 王某: the surname is the mention
            continue
        nxt_w = words[i + 1] if i + 1 < n else ""
        if (2 <= len(w) <= 3 and w[0] in lex.surnames and (nxt_w in _KIN_TITLES or nxt_w in _AFTER_NAME)
                and "PER" not in lex.not_type.get(w, ()) and not lex.place_kind(w)):
            out.append((st, st + len(w), "PER", 3, None))  # 彭真/同志, 周某/总理
            continue
        if w[0] not in lex.surnames or tags[i] not in ("nr", "nrfg") or _translit_share(w, translit) >= 0.99:
            if (len(w) >= 2 and "PER" not in lex.not_type.get(w, ()) and not lex.place_kind(w)
                    and not (len(w) == 2 and not _two_char_name_ok(w, text, st, lex))
                    and _translit_share(w, translit) >= (0.99 if tags[i] == "nr" else 0.6)):
                out.append((st, st + len(w), "PER", 2, None))
        elif (_is_person_name(w, lex) and not (len(w) == 2 and not _two_char_name_ok(w, text, st, lex))
              and w[-1] not in (_NOT_NAME_FINAL3 if _in_dictionary(w) else _NOT_NAME_FINAL)):
            # two-character dictionary words tagged nr (温馨, 阳光) need an anchor (rules below)
            out.append((st, st + len(w) + _third_given(text, st, w, nxt_w, lex), "PER", 2, None))
        elif len(w) >= 5 and _is_person_name(w[:3], lex) and lex.tok.has_word(w[3:]):
            out.append((st, st + 3, "PER", 2, None))
        elif len(w) >= 3 and w[0] in lex.surnames and w[1:3] in _KIN_TITLES:
            out.append((st, st + 1, "PER", 2, None))  # 程先生, 江总书记: the surname is the mention

    # --- a surname with a form of address or a kinship word is the surname (程先生, 周总理, 江总书记, 吕家,
    # 老李, 胡老): the news convention names the person by the surname alone
    hits = lex.surname_title_words.intersection(special) if special else special
    for i in _token_indices(text, words, starts, hits) if hits else ():
        w = words[i]
        # (侯老 is no dictionary word: the tagger's tag for it means nothing)
        if len(w) > 2 or tags[i] in _NAME_TAGS and _rare_word(w) or (w[1] == "老" and not _in_dictionary(w)):
            k = 1 if w[0] in "老小" and w[1:] not in _SURNAME_TITLES else 0
            out.append((starts[i] + k, starts[i] + k + 1, "PER", 3, None))

    # --- trophies named after people: 汤姆斯杯, 苏迪曼杯 (the name is a person), 汤尤杯 (two surnames)
    p = text.find("杯")
    while p > 0:
        k = bisect_right(starts, p) - 1
        w = words[k]
        if w == "杯" and k > 0:
            k -= 1
            stem = words[k]
        elif w.endswith("杯") and starts[k] + len(w) == p + 1:
            stem = w[:-1]
        else:
            stem = ""
        st = starts[k]
        if 2 <= len(stem) <= 5 and _ALL_CJK(stem) and not lex.place_kind(stem) and stem not in lex.orgs:
            if len(stem) == 2 and stem[0] in lex.surnames and stem[1] in lex.surnames and stem[0] != stem[1] \
                    and _jieba_entry(stem) is None:
                out.append((st, st + 1, "PER", 2, None))
                out.append((st + 1, st + 2, "PER", 2, None))
            elif _translit_share(stem, translit) == 1.0 and (_jieba_entry(stem) or ("", "nr"))[1] in ("nr", "nrt") or (
                    tags[k] in _NAME_TAGS and words[k] == stem):
                out.append((st, st + len(stem), "PER", 2, None))
        p = text.find("杯", p + 1)

    # --- enumerations of names (叶钊颖、葛菲/顾俊、龚智超): name tokens joined by 、 / 和 confirm each other
    last_run = -1
    for i in map(_MSTART, _ENUM_CODE_RE.finditer(codes)):
        if i <= last_run:
            continue
        run = [i]
        k = i
        while k + 2 < n and words[k + 1] in _ENUM_SEPS and tags[k + 2] in _NAME_TAGS:
            k += 2
            run.append(k)
        last_run = k
        if len(run) >= 2:
            good = [k for k in run if _enum_name_ok(words[k], lex)]
            if len(good) >= 2 and len(good) >= len(run) - 1:
                for k in good:
                    out.append((starts[k], starts[k] + len(words[k]), "PER", 2, None))

    # --- 马克思主义: the name inside an -ism; unknown three-character surname+name words (刘彦彬/nz)
    ism_idx = []
    for suffix in ("主义", "思想"):
        p = text.find(suffix)
        while p >= 0:
            ism_idx.extend(i for i in range(bisect_right(starts, p) - 1, -1, -1)[:1]
                           if len(words[i]) >= 4 and starts[i] + len(words[i]) == p + 2)
            p = text.find(suffix, p + 2)
    for i in ism_idx:
        stem = words[i][:-2]
        if len(stem) >= 2 and _tagged_name(stem) or (len(stem) >= 3 and stem in _jieba_words()
                                                                          and _translit_share(stem, translit) >= 0.99):
            out.append((starts[i], starts[i] + len(stem), "PER", 2, None))
    for i in [i for i in map(_MSTART, _NEWWORD_CODE_RE.finditer(codes)) if len(words[i]) == 3]:
        w = words[i]
        if (w[0] in lex.surnames and w[0] not in _FUNC_SURNAMES and not _in_dictionary(w)
                and not _in_dictionary(w[1:]) and not _in_dictionary(w[:2]) and _is_cjk(w[1]) and _is_cjk(w[2])
                and w[-1] not in _NOT_NAME_FINAL3 and not lex.place_kind(w) and w not in lex.orgs):
            out.append((starts[i], starts[i] + 3, "PER", 1, None))

    # --- foreign names: runs of transliteration tokens, joined by · (托马斯·皮克林, 贾斯/蒂卡)
    done = -1
    for i in name_idx:
        if i < done:
            continue
        if True:
            j = i
            named = False
            while j < n and _run_token(words, tags, i, j, lex):
                named = named or tags[j] in _NAME_TAGS or words[j] in _DOTS
                j += 1
            # a single leading character (安/瓦尔) belongs when it is a transliteration character; after a
            # title or 了 even a common one (行长/特/里希特, 会见了/穆/吉贝尔)
            k = i
            while k > 0 and len(words[k - 1]) == 1 and words[k - 1] in translit and (
                    (words[k - 1] not in _WEAK_TRANSLIT
                     and (k - 1 == 0 or not _is_cjk(words[k - 2][-1]) or tags[k - 2] in ("v", "p", "uj", "d", "c")))
                    or (k - 1 > 0 and (words[k - 2] in lex.title_set or tags[k - 2] == "ul") and k == i)):
                k -= 1
            while j > i and (words[j - 1] in _DOTS or (len(words[j - 1]) == 1 and words[j - 1] in _WEAK_TRANSLIT)):
                j -= 1
            more = _translit_tail(text, words, tags, starts, j, lex) if j > i and _translit_share(words[j - 1], translit) == 1.0 \
                else 0
            if j - i >= 2 or (k < i and j > i) or more:
                s0, e0 = starts[k], starts[j - 1] + len(words[j - 1]) + more
                first = words[k]
                if len(first) >= 3 and (
                        (first[0] in _RUN_BREAK_FIRST and not _in_dictionary(first))  # 同/西哈莫尼
                        or (k and first[0] in lex.title2_last and words[k - 1][-1] + first[0] in lex.title_set)):
                    s0 += 1
                if not more and len(words[j - 1]) >= 3 and words[j - 1][-1] in _RUN_TRIM and not _in_dictionary(words[j - 1]):
                    e0 -= 1  # 普拉/博沃时 ,: the last character is the next word's (时, 称)
                place = _foreign_place_end(text, s0, e0, words, j, lex) if named else 0
                if place:
                    out.append((s0, e0 + place - 1, "LOC", 3, None))  # 敖德萨/州, 罗斯托夫州: a place
                elif named and e0 - s0 >= 3 and not lex.place_kind(text[s0:e0]):
                    out.append((s0, e0, "PER", 3, None))
                done = j

    translit = lex.translit
    # --- a word jieba calls a place but no gazetteer knows, with a title before it or a speech verb or a
    # form of address after it, is a person (总理/班达拉奈克/夫人, 扎加洛/决意, 外长/X/表示)
    for i in map(_MSTART, _NS_CODE_RE.finditer(codes)):
        w = words[i]
        if len(w) >= 2 and (
                (i > 0 and words[i - 1] in lex.title_set)
                or (i + 1 < n and (words[i + 1] in _AFTER_NAME or words[i + 1] in lex.verb_set))):
            if lex.place_kind(w) or w in _ZONE_WORDS or not _ALL_CJK(w) or not _rare_word(w) or w[-1] in _PLACE_FINAL \
                    or w.endswith(_STATE_SUFFIXES) \
                    or (w[0] not in lex.surnames and _translit_share(w, translit) < 0.75):
                continue
            out.append((starts[i], starts[i] + len(w), "PER", 3, None))

    # --- names joined by a middle dot (阿尤布·汗, 何塞·米格尔·因苏尔萨, 阿·德米特里延科): the dot makes the
    # run of name-like tokens around it one name
    if "·" in text:
        dot_end = -1
        for p in _DOT_POS_RE.finditer(text):
            p = p.start()
            k = bisect_right(starts, p) - 1
            if k <= dot_end or starts[k] != p or words[k] != "·":
                continue
            lo = k
            while lo > 0 and k - lo < 3 and _dot_name_part(words[lo - 1], tags[lo - 1], lex, k - lo == 0):
                lo -= 1
            hi = k
            while hi + 1 < n and not (len(words[hi]) >= 3 and words[hi][-1] in _DOT_TRIM) and (
                    _dot_name_part(words[hi + 1], tags[hi + 1], lex, words[hi] == "·")
                                  or (words[hi + 1] == "·" and hi + 2 < n and words[hi] != "·")):
                hi += 1
            while hi > k and words[hi] == "·":
                hi -= 1
            if lo == k or hi == k:
                continue
            dot_end = hi
            s0, e0 = starts[lo], starts[hi] + len(words[hi])
            if words[hi][-1] in _DOT_TRIM and len(words[hi]) >= 3:
                e0 -= 1  # 德米特里延科均: the last character was the next word's
            parts = [w for w in words[lo:hi + 1] if w != "·"]
            if all(lex.place_kind(w) for w in parts) or any(_DIGITS.intersection(w) for w in parts):
                continue
            # 新密·伏羲山: a one-character piece glued to the word before it, and a place character after
            # the last piece, make two places (a city and a mountain), not a name
            if hi + 1 < n and words[hi + 1] in _PLACE_FINAL and len(words[lo]) == 1 and lo > 0 \
                    and _is_cjk(words[lo - 1][-1]) and tags[lo - 1] not in ("v", "p", "c", "uj", "ul"):
                continue
            if any(tags[x] in _NAME_TAGS for x in range(lo, hi + 1)) or \
                    _translit_share("".join(parts), translit) >= 0.75:
                out.append((s0, e0, "PER", 4, None))

    # --- surname token + given-name token before a boundary (李/国庆 还, 王/永胜 差点, 张/新民 、)
    for i in [i for i in map(_MSTART, lex.surname_tok_re.finditer(firsts, 0, n - 1))
              if len(words[i]) == 1 and tags[i] == "nr"]:
        w2 = words[i + 1]
        if not (1 <= len(w2) <= 2 and _is_cjk(w2[0]) and _is_cjk(w2[-1])) or w2 in _STOP_INNER:
            continue
        if w2 in _KIN_TITLES or w2 in lex.title_set:
            out.append((starts[i], starts[i] + 1, "PER", 2, None))  # 王/大娘, 陆/老师
            continue
        if i > 0 and _is_cjk(words[i - 1][-1]) and tags[i - 1] not in ("v", "p", "uj", "c", "m", "q", "d", "t", "f", "x", "n"):
            continue
        e = starts[i + 1] + len(w2)
        nxt = text[e:e + 1]
        if (nxt in _NAME_RIGHT_PUNCT or (lex.verb_start.match(text, e) and len(w2) == 2)) and tags[i + 1] not in ("uj", "ul", "p", "c", "d", "r", "m", "q"):
            name = text[starts[i]:e]
            if "PER" not in lex.not_type.get(name, ()) and name not in lex.orgs:
                out.append((starts[i], e, "PER", 1, None))

    # --- surname token + two-character token whose characters are typical of given names (jieba
    # dictionary statistics): 邹/春雨, 姚/保国, 王/金兰; a two-character name token scored the same way
    gs = lex.given_score
    for i in name_idx:
        if len(words[i]) != 1 or i + 1 >= n or words[i] not in lex.surnames or words[i] in _FUNC_SURNAMES_SOFT:
            continue
        w2 = words[i + 1]
        if len(w2) != 2 or tags[i + 1] in _GIVEN_BAD_TAGS or w2 in lex.title_set or w2 in _KIN_TITLES \
                or w2[-1] in _PLACE_FINAL \
                or w2 in _STOP_INNER or not _ALL_CJK(w2):
            continue
        if i > 0 and _is_cjk(words[i - 1][-1]) and tags[i - 1] not in _GIVEN_LEFT_TAGS:
            continue
        score = gs.get(w2[0], _GIVEN_MIN) + gs.get(w2[1], _GIVEN_MIN)
        if score >= _GIVEN_NR:
            name = words[i] + w2
            if "PER" not in lex.not_type.get(name, ()) and name not in lex.orgs and not lex.place_kind(name):
                out.append((starts[i], starts[i] + 3, "PER", 1, None))
    for i in name_idx:
        w = words[i]
        if len(w) == 2 and tags[i] == "nr" and w[0] in lex.surnames and w[0] not in _FUNC_SURNAMES_SOFT \
                and gs.get(w[1], _GIVEN_MIN) >= _GIVEN_TWO and _jieba_entry(w) is None:
            out.append((starts[i], starts[i] + 2, "PER", 1, None))

    # --- persons anchored by a title before them
    for tm in lex.title_any.finditer(text):
        s = tm.end()
        if not lex.name_re.match(text, s):
            continue
        k = _name_len(text, s, lex, ends)
        if not k:
            continue
        if _translit_share(text[s:s + k], translit) == 1.0:
            j = bisect_right(starts, s + k) - 1  # 巴蒂/斯图塔: a foreign name goes on in the next token
            if starts[j] == s + k and tags[j] in _NAME_TAGS and _translit_share(words[j], translit) >= 0.6:
                continue
        title = _title_before(text, s, ends)
        if title is not None:
            out.append((s, s + k, "PER", 4, title))
            # enumeration after the name: 、NAME、NAME
            e = s + k
            while True:
                mm = _ENUM_SEP_RE.match(text[e:e + 4])
                nxt = e + (mm.end() if mm else 0)
                if nxt == e or text[e] not in "、 \t":
                    break
                k2 = _name_len(text, nxt, lex, ends, strict=False)
                if not k2:
                    break
                out.append((nxt, nxt + k2, "PER", 4, title))
                e = nxt + k2

    # --- enumerations after a leader word: 市领导路云、陈明、虎强…
    for m in _LEADERS.finditer(text) if any(g in text for g in _LEADERS_GATE) else ():
        e = m.end()
        title = m.group(0)
        count = 0
        while e < len(text):
            k = _name_len(text, e, lex, ends, strict=False)
            if not k:
                break
            out.append((e, e + k, "PER", 4, title))
            count += 1
            e += k
            mm = re.match(r"[、 \t]+", text[e:e + 6])
            if not mm:
                break
            e += mm.end()

    # --- persons before a speech or action verb
    for m in _finditer_first(lex.verb_fast, text):
        s, e = m.span(2)
        k = _name_len(text, s, lex, ends)
        if k:
            out.append((s, s + k, "PER", 3, None))

    # --- bylines
    for m in lex.byline_re.finditer(text):
        role = m.group(1)
        pos = m.start(2)
        for chunk in re.finditer(r"[\u4e00-\u9fff]+", m.group(2)):
            cs = pos + chunk.start()
            ctext = chunk.group(0)
            for part_s, part_e in _split_names(ctext, lex):
                out.append((cs + part_s, cs + part_e, "PER", 5, role.replace("本报", "").replace("特约", "")))
    return out


def _split_names(chunk: str, lex: _Lex) -> list[tuple[int, int]]:
    """Split a run of byline names with no separator ("王际宾董艳竹") into names."""
    chunk_ok = chunk
    n = len(chunk_ok)
    if 2 <= n <= 3 and chunk_ok[0] in lex.surnames:
        return [(0, n)]
    if n in (4, 5, 6):
        for a in (3, 2):
            b = n - a
            if 2 <= b <= 3 and chunk_ok[0] in lex.surnames and chunk_ok[a] in lex.surnames:
                return [(0, a), (a, n)]
    return []


# ties (same priority and span, different type) are broken the same way on every run
_TYPE_ORDER = {"PER": 0, "ORG": 1, "LOC": 2}


def _titles_after_persons(text: str, kept: list) -> None:
    """A title stops at a person before it: in "办公室主任郑彦松、总经济师刘云华" the second title is
    总经济师. (Names that share one title -- 市领导路云、陈明 -- keep it: nothing but 、 lies between.)"""
    per = sorted((s, e) for s, e, t, _ in kept if t == "PER")
    for k, (s, e, t, title) in enumerate(kept):
        if t != "PER" or not title:
            continue
        i = bisect_right(per, (s, -1)) - 1  # the person before this one
        if i < 0 or per[i][1] > s or s - per[i][1] > len(title):
            continue
        tail = _WS.sub("", text[per[i][1]:s]).lstrip("、,，")
        if tail and tail != title and title.endswith(tail):
            kept[k] = (s, e, t, tail)


def _resolve(text: str, cands, original: str) -> list[Mention]:
    """`text` is the folded text the candidates come from; surfaces are cut from `original`."""
    # priority first, then length; keep the first that does not overlap anything kept
    cands = sorted(set(cands), key=lambda c: (-c[3], -(c[1] - c[0]), c[0], _TYPE_ORDER[c[2]], c[4] or ""))
    size = len(text)
    taken = bytearray(size + 1)
    kept: list[tuple[int, int, str, str | None]] = []
    for s, e, t, _, title in cands:
        if s < 0 or e > size or e <= s or taken.find(1, s, e) >= 0:
            continue
        taken[s:e] = b"\x01" * (e - s)
        kept.append((s, e, t, title))
    _titles_after_persons(text, kept)
    # every later (and earlier) mention of a person found in this text
    names = {text[s:e]: title for s, e, t, title in kept if t == "PER" and e - s >= 2}
    for name in names:
        pos = text.find(name)
        while pos >= 0:
            e = pos + len(name)
            if taken.find(1, pos, e) < 0:
                taken[pos:e] = b"\x01" * len(name)
                kept.append((pos, e, "PER", None))
            pos = text.find(name, e)
    kept.sort()
    return [Mention(s, e, t, original[s:e], title) for s, e, t, title in kept]


def extract_entities(text: str) -> list[Mention]:
    """Non-overlapping PER / LOC / ORG mentions in `text`, sorted by start; text[m.start:m.end] == m.surface."""
    if not text:
        return []
    folded = _fold(text)
    return _resolve(folded, _candidates(folded), text)


def extract_entities_batch(texts: list[str]) -> list[list[Mention]]:
    """extract_entities over many texts (same results)."""
    return [extract_entities(t) for t in texts]


# ------------------------------------------------------------------------------------------ canonical

_TYPE_ALIASES = {"PER": "PER", "person": "PER", "LOC": "LOC", "location": "LOC", "ORG": "ORG",
                 "organization": "ORG"}


def canonical_name(surface: str, type: str, context: str | None = None) -> str:
    """Canonical form of an entity name for the `entities` table.

    `type` is PER/LOC/ORG (or person/location/organization). Whitespace and full-width forms are
    normalized; aliases from lexicons/entity_aliases.tsv are resolved; a bare short place name that the
    gazetteer knows under one full name becomes that name (郑州 -> 郑州市). An alias marked with a city
    (经开区 -> 郑州经济技术开发区, marked 郑州) applies when `context` (the article text) is None or
    mentions that city; otherwise the bare form is kept.
    """
    lex = _lex()
    t = _TYPE_ALIASES.get(type, type)
    name = _WS.sub("", unicodedata.normalize("NFKC", surface))
    hit = lex.aliases.get((t, name))
    if hit:
        canon, needs = hit
        if not needs or context is None or needs in context:
            return canon
        return name
    if t == "LOC":
        # only provinces and prefecture-level cities: a county's short form is too often an ordinary word
        # or a far-away namesake (新化, 惠民, 大兴); local districts are reviewed aliases instead
        full = lex.gaz_short.get(name)
        if full and len(full) == 1 and lex.gaz_level.get(full[0]) in ("province", "prefecture"):
            return full[0]
    return name
