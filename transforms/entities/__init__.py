"""Named entities: persons (with the title the text gives them), organizations and places.

A trained tagger under a thin layer of rules, as components that each do one job and run in the order
PIPELINE declares (the shape of spaCy's pipeline components):

1. `tagger`    (tagger.py) the averaged-perceptron sequence tagger trained on the MSRA NER training split
               (`zhnews train-ner`): PER / LOC / ORG spans from characters, rjieba words and POS tags, and
               jieba's dictionary;
2. `bylines`   (bylines.py) the names after a byline label ("记者 王赛华 鲁慧") are persons, whole;
3. `anchored`  (titles.py) a name the tagger missed right after a title or along an enumeration of names;
4. `propagate` (propagate.py) a name found once is a mention wherever else it stands in the text;
5. `titles`    (titles.py) the title or role the text gives each person, before or after the name, shared
               along an enumeration (a byline person keeps its label).
Canonical names and aliases (canonical.py) are applied when rows are built (`canonical_name`). Byline and
dateline people come from the layout stage.

`extract_entities_batch(texts, tokens)` takes the rjieba (word, tag) pairs of each text after
`segment.fold` (the pipeline's one tokenization); without them it tokenizes itself. Mentions are sorted,
never overlap, and `text[m.start:m.end] == m.surface`.
"""
from __future__ import annotations

from transforms import segment
from transforms.entities.bylines import byline_people
from transforms.entities.canonical import canonical_name
from transforms.entities.doc import Doc, Mention
from transforms.entities.propagate import propagate_names
from transforms.entities.titles import assign_titles, title_anchored_people
from transforms.gcpause import gc_paused

__all__ = ["Mention", "PIPELINE", "canonical_name", "extract_entities", "extract_entities_batch", "version"]


def tag_docs(docs) -> None:
    """The tagger component (tagger.py), imported on first use: the compiled kernels and the model are not
    loaded by what only needs this package's options or rules (`zhnews --help`, the CLI's parser)."""
    from transforms.entities.tagger import tag_docs as tag
    tag(docs)


PIPELINE = (
    ("tagger", tag_docs),
    ("bylines", byline_people),
    ("anchored", title_anchored_people),
    ("propagate", propagate_names),
    ("titles", assign_titles),
)


def extract_entities_batch(texts: list[str], tokens: list[list[tuple[str, str]]] | None = None,
                           skip: frozenset[str] = frozenset(), folded: list[str] | None = None,
                           starts: list | None = None) -> list[list[Mention]]:
    """Mentions of every text. `skip`: names of PIPELINE components not to run (to measure what each adds).
    `folded`: `segment.fold_batch(texts)` when the caller has it (else it is computed here). `starts`: a list
    to receive each text's token starts (`Doc.starts`: 0, then every token's end), which the tagger has
    already counted (the number stage reads them instead of adding up the words again).

    The cyclic garbage collector is paused meanwhile (transforms/gcpause.py): it cost a tenth of the stage."""
    if folded is None:
        folded = segment.fold_batch(texts)
    if tokens is None:
        tokens = segment.tag_batch(folded)
    with gc_paused():
        docs = [Doc(t, f, tok) for t, f, tok in zip(texts, folded, tokens)]
        for name, component in PIPELINE:
            if name not in skip:
                component(docs)
        if starts is not None:
            starts.extend(d.starts for d in docs)
        return [d.mentions() for d in docs]


def extract_entities(text: str, tokens: list[tuple[str, str]] | None = None) -> list[Mention]:
    """Non-overlapping PER / LOC / ORG mentions in `text`, sorted by start."""
    return extract_entities_batch([text], None if tokens is None else [tokens])[0]


def version() -> str:
    """Part of the transform version: the committed model's sha256."""
    from transforms.entities.tagger import model_sha256
    return model_sha256()[:12]
