"""What warehouse/audit.sql needs from the transforms: the metrics stage's unit conversion and the entity
lexicon's transliteration characters. Computed here (expectations/ may read transforms/, warehouse/ may not)
and handed to `warehouse.dq_store.validation_frames`.
"""
from __future__ import annotations

import functools

import polars as pl

from warehouse import dq_store
from warehouse.store import Warehouse


def unit_table(units: list[str | None]) -> pl.DataFrame:
    """unit -> (factor, shift, base_unit) with base_value = value * factor + shift, from the metrics stage's
    own conversion (so the check asks "is base_value what the unit says", not "is the unit table right")."""
    from transforms.metrics import to_base        # a pure function; imported lazily (reads its lexicons)

    rows = []
    for unit in units:
        try:
            zero, base_unit, _ = to_base(0.0, unit)
            one = to_base(1.0, unit)[0]
            rows.append({"unit": unit, "factor": one - zero, "shift": zero, "base_unit": base_unit})
        except (KeyError, ValueError):
            rows.append({"unit": unit, "factor": None, "shift": None, "base_unit": None})
    return pl.DataFrame(rows, schema={"unit": pl.String, "factor": pl.Float64, "shift": pl.Float64,
                                      "base_unit": pl.String})


@functools.lru_cache(maxsize=1)
def translit_chars() -> str:
    """The characters of foreign personal names in Chinese (the entity extractor's lexicon)."""
    from transforms import lexicons

    chars = "".join(lexicons.lines("entities_translit_chars.txt"))
    return "".join(sorted(set(c for c in chars if "\u4e00" <= c <= "\u9fff")))


def validation_frames(wh: Warehouse, batch_sources: list[dict],
                      columns: dict[str, list[str]] | None = None) -> dict[str, "pandas.DataFrame"]:  # noqa: F821
    """`warehouse.dq_store.validation_frames` with the transforms' unit table and lexicon."""
    return dq_store.validation_frames(wh, batch_sources, columns, unit_table=unit_table,
                                      translit_chars=translit_chars())
