"""Canonical names: the form behind `entities.name`, so that one real-world entity has one id.

Whitespace and full-width forms are normalized; reviewed aliases (lexicons/entity_aliases.tsv: 经开区 /
郑州经开区 / 郑州经济技术开发区) resolve to one name, some only on a page that names their city; a bare short
place name that China's administrative gazetteer (lexicons/entities_gazetteer.tsv, from cpca) knows under one
province or prefecture-level name becomes that name (郑州 -> 郑州市). County short forms are left alone: too
many are ordinary words or far-away namesakes (新化, 惠民, 大兴).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from transforms import lexicons

_TYPE_ALIASES = {"PER": "PER", "person": "PER", "LOC": "LOC", "location": "LOC", "ORG": "ORG",
                 "organization": "ORG"}
_WS = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _tables() -> tuple[dict, dict]:
    aliases: dict[tuple[str, str], tuple[str, str]] = {}
    for line in lexicons.lines("entity_aliases.tsv"):
        cols = [c.strip() for c in line.split("\t")]
        if len(cols) >= 3:
            aliases[(cols[2], cols[0])] = (cols[1], cols[3] if len(cols) > 3 else "")
    short: dict[str, list[tuple[str, str]]] = {}
    for line in lexicons.lines("entities_gazetteer.tsv"):
        cols = line.split("\t")
        if len(cols) > 3 and cols[3]:
            short.setdefault(cols[3], []).append((cols[0], cols[2]))
    # a short form that names one division only, and that division a province or prefecture-level city
    return aliases, {k: v[0][0] for k, v in short.items() if len(v) == 1 and v[0][1] in ("province", "prefecture")}


def canonical_name(surface: str, type: str, context: str | None = None) -> str:
    """Canonical form of an entity name. `type` is PER/LOC/ORG (or person/location/organization); `context`
    is the article text (None: assume every alias applies)."""
    aliases, short = _tables()
    t = _TYPE_ALIASES.get(type, type)
    name = _WS.sub("", unicodedata.normalize("NFKC", surface))
    hit = aliases.get((t, name))
    if hit:
        canon, needs = hit
        return canon if not needs or context is None or needs in context else name
    if t == "LOC":
        return short.get(name, name)
    return name
