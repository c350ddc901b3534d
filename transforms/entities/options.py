"""The options of `zhnews train-ner` and their defaults (kept apart from train.py so that the command line
can show them without importing the compiled kernels)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Options:
    epochs: int = 12
    seed: int = 1
    min_count: int = 2           # a feature seen once in training gets no weight (memorizes less; dev +0.002)
    prune: float = 0.5
    name_lists: int = 400        # synthetic texts of unseparated names (train.name_lists)
    ensemble: int = 3            # perceptrons trained in different orders (seeds seed, seed+1, ...), averaged
