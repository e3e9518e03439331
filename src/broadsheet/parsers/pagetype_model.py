"""A small multinomial logistic regression over the page-type features.

The weights are trained by ``benchmarks/train_pagetype.py``, which writes them into
:mod:`broadsheet.parsers.pagetype_weights`: feature names, their mean and spread on the
training pages, and one weight per class. Scoring is a few dot products in
plain Python; :meth:`Model.reasons` names the features that pushed a page towards a class
rather than towards ``article``, which is how a decision is explained.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

from broadsheet.parsers.pagetype_features import Feature

ARTICLE = "article"


@dataclass(frozen=True, slots=True)
class Model:
    """Classes, feature scaling and weights (see the module docstring)."""

    classes: tuple[str, ...]
    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[tuple[float, ...], ...]
    bias: tuple[float, ...]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Model:
        """From the shipped layout: ``features`` maps each name to its mean, its spread and
        one weight per class (in the order of ``classes``)."""
        rows = list(data["features"].items())
        classes = tuple(data["classes"])
        return cls(
            classes=classes,
            names=tuple(name for name, _ in rows),
            mean=tuple(float(row[0]) for _, row in rows),
            scale=tuple(float(row[1]) for _, row in rows),
            weights=tuple(tuple(float(row[2 + c]) for _, row in rows) for c in range(len(classes))),
            bias=tuple(float(x) for x in data["bias"]),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "classes": list(self.classes),
            "bias": list(self.bias),
            "features": {
                name: [self.mean[j], self.scale[j], *(row[j] for row in self.weights)]
                for j, name in enumerate(self.names)
            },
        }

    def scaled(self, feats: list[Feature]) -> list[float]:
        if tuple(f.name for f in feats) != self.names:
            raise ValueError(
                f"the page-type weights were trained on features {self.names}, "
                f"got {tuple(f.name for f in feats)}: retrain with benchmarks/train_pagetype.py"
            )
        return [(f.value - m) / s for f, m, s in zip(feats, self.mean, self.scale, strict=True)]

    def probabilities(self, feats: list[Feature]) -> dict[str, float]:
        """P(class | page) for every class."""
        x = self.scaled(feats)
        logits = [
            b + sum(w * v for w, v in zip(row, x, strict=True))
            for row, b in zip(self.weights, self.bias, strict=True)
        ]
        top = max(logits)
        exps = [math.exp(z - top) for z in logits]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps, strict=True)}

    def reasons(self, feats: list[Feature], kind: str, count: int = 3) -> list[Feature]:
        """The features that weighed most for ``kind`` against ``article`` on this page."""
        x = self.scaled(feats)
        row = self.weights[self.classes.index(kind)]
        base = self.weights[self.classes.index(ARTICLE)]
        pushes = [
            (w - a) * v for w, a, v in zip(row, base, x, strict=True)
        ]  # positive: towards kind
        order = sorted(range(len(feats)), key=lambda i: (-pushes[i], i))
        return [feats[i] for i in order[:count] if pushes[i] > 0]


@cache
def load_model() -> Model:
    """The shipped weights."""
    from broadsheet.parsers.pagetype_weights import WEIGHTS

    return Model.from_json(WEIGHTS)
