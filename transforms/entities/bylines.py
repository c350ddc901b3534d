"""Byline and dateline people inside a text: "记者 王赛华 鲁慧", "(记者 史治国 通讯员 李保玲)".

After a role label of lexicons/layout_byline_labels.txt (the layout stage's own list) come names separated by
white space. Each whole chunk of two to four Chinese characters is a person with the label as title,
whatever the tagger made of it (it reads "周怡含" as 周怡 + 含 because rjieba cuts it there); the run stops at
the first chunk that is not a name-sized word or is another label.
"""
from __future__ import annotations

import re
from functools import lru_cache

from transforms import lexicons
from transforms.entities.doc import Doc, Span

_NAME = r"[\u4e00-\u9fff]{2,4}"


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    labels = sorted((line.split()[0] for line in lexicons.lines("layout_byline_labels.txt")
                     if line.split()[-1] in ("reporter", "correspondent")), key=len, reverse=True)
    alt = "|".join(map(re.escape, labels))
    name = rf"(?!(?:{alt})(?![\u4e00-\u9fff])){_NAME}"
    return re.compile(rf"({alt})((?:[ \t]+{name}(?=[ \t)）]|$))+)", re.M)


def byline_people(docs: list[Doc]) -> None:
    rx = _pattern()
    for doc in docs:
        if "记者" not in doc.folded and "通讯员" not in doc.folded and "实习生" not in doc.folded \
                and "摄影" not in doc.folded:
            continue
        found = []
        for m in rx.finditer(doc.folded):
            label = m.group(1)
            for chunk in re.finditer(_NAME, m.group(2)):
                a = m.start(2) + chunk.start()
                found.append(Span(a, a + len(chunk.group(0)), "PER", label, source="bylines"))
        if found:
            doc.spans = [s for s in doc.spans if not any(s.start < f.end and f.start < s.end for f in found)]
            doc.spans.extend(found)
