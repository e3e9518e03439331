"""Train the page-type model and measure it by cross-validation.

    python benchmarks/train_pagetype.py [--bench ../shared/bench] [--folds 5] [--write]

Reads the labelled pages of ``wcxb-dev`` (article, collection, documentation, forum,
listing, product, service), computes each page's features exactly as the parser does
(:func:`broadsheet.parsers.pagetype.page_features`), and fits a multinomial logistic
regression with an L2 penalty by full-batch gradient descent (numpy; fixed iterations from
a zero start: deterministic). The parser scores pages with the shipped weights in plain
Python. It prints the cross-validated confusion (folds by
site, so no site is both trained and tested on) at the parser's ``ARTICLE_FLOOR``, and how
many pages of ``aeb-dev`` and ``meta-dev`` (all articles, never trained on) it would
refuse. ``--write`` fits on every page and writes ``src/broadsheet/parsers/pagetype_weights.py``.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from broadsheet.parsers import load_document
from broadsheet.parsers.html_generic import parse_tree
from broadsheet.parsers.htmlmeta import read_meta
from broadsheet.parsers.pagetype import classify, page_features
from broadsheet.parsers.pagetype_model import ARTICLE, Model
from broadsheet.sources.items import Page

ROOT = Path(__file__).resolve().parent.parent
WEIGHTS = ROOT / "src" / "broadsheet" / "parsers" / "pagetype_weights.py"
L2 = 0.1
STEPS = 2000
ARTICLE_WEIGHT = 3.0
RATE = 0.5


def load(bench: Path, name: str) -> list[tuple[str, str, str, list[float], list[str]]]:
    """(id, label, url, feature values, feature names) of every page of one set."""
    root = bench / name
    truth = root / ("ground-truth.json" if name == "aeb-dev" else "expected.json")
    out = []
    for key, item in sorted(json.loads(truth.read_text("utf-8")).items()):
        data = gzip.decompress((root / "html" / f"{key}.html.gz").read_bytes())
        page = Page(source_file=f"{key}.html", data=data, url=item["url"])
        tree = parse_tree(load_document(page).text)
        if tree is None:
            continue
        meta = read_meta(tree, page.url)
        feats = page_features(tree, page.url, meta)
        out.append(
            (
                key,
                item.get("page_type", ARTICLE),
                item["url"],
                [f.value for f in feats],
                [f.name for f in feats],
            )
        )
    return out


def fit(rows: list[list[float]], labels: list[str], classes: list[str], names: list[str]) -> Model:
    """Softmax regression with an L2 penalty, by gradient descent on standardised features."""
    data = np.array(rows, dtype=np.float64)
    mean = data.mean(axis=0)
    scale = data.std(axis=0)
    scale[scale == 0] = 1.0
    xs = (data - mean) / scale
    ys = np.array([classes.index(label) for label in labels])
    onehot = np.eye(len(classes))[ys]
    # classes weigh the same whatever their number of pages, articles ARTICLE_WEIGHT times more
    counts = onehot.sum(axis=0)
    balance = len(ys) / (len(classes) * counts)
    balance[classes.index(ARTICLE)] *= ARTICLE_WEIGHT
    sample_weight = balance[ys][:, None]
    weights = np.zeros((len(classes), len(names)))
    bias = np.zeros(len(classes))
    for _step in range(STEPS):
        logits = xs @ weights.T + bias
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        err = sample_weight * (probs - onehot) / len(ys)
        weights -= RATE * (err.T @ xs + L2 * weights)
        bias -= RATE * err.sum(axis=0)
    return Model(
        classes=tuple(classes),
        names=tuple(names),
        mean=tuple(round(float(v), 6) for v in mean),
        scale=tuple(round(float(v), 6) for v in scale),
        weights=tuple(tuple(round(float(w), 4) for w in row) for row in weights),
        bias=tuple(round(float(b), 4) for b in bias),
    )


def predict(model: Model, values: list[float], names: list[str]) -> str:
    from broadsheet.parsers.pagetype_features import Feature

    probs = model.probabilities([Feature(n, v, "") for n, v in zip(names, values, strict=True)])
    return classify(model, probs)


def fold_of(url: str, folds: int) -> int:
    host = (urlsplit(url).hostname or url).removeprefix("www.")
    return int.from_bytes(hashlib.sha256(host.encode()).digest()[:4], "big") % folds


def report(title: str, truth: list[str], guess: list[str]) -> None:
    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    for t, g in zip(truth, guess, strict=True):
        confusion[t][g] += 1
    print(f"== {title}")
    for label in sorted(confusion):
        row = confusion[label]
        total = sum(row.values())
        ok = row[ARTICLE] if label == ARTICLE else total - row[ARTICLE]
        print(
            f"  {label:14} {ok:3}/{total:3} {'accepted' if label == ARTICLE else 'refused'}"
            f"  {dict(row.most_common())}"
        )
    arts = [g for t, g in zip(truth, guess, strict=True) if t == ARTICLE]
    others = [g for t, g in zip(truth, guess, strict=True) if t != ARTICLE]
    if arts:
        print(f"  articles accepted {arts.count(ARTICLE) / len(arts):.3f}", end="")
    if others:
        print(f"; non-articles refused {1 - others.count(ARTICLE) / len(others):.3f}", end="")
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bench", type=Path, default=ROOT.parent / "shared" / "bench")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="write the weights module")
    args = parser.parse_args(argv)

    train = load(args.bench, "wcxb-dev")
    names = train[0][4]
    classes = sorted({row[1] for row in train})
    truth = [row[1] for row in train]
    guess = [""] * len(train)
    for fold in range(args.folds):
        test = [i for i, row in enumerate(train) if fold_of(row[2], args.folds) == fold]
        held = set(test)
        rest = [i for i in range(len(train)) if i not in held]
        model = fit([train[i][3] for i in rest], [truth[i] for i in rest], classes, names)
        for i in test:
            guess[i] = predict(model, train[i][3], names)
    report(f"wcxb-dev, {args.folds}-fold cross-validation by site", truth, guess)

    model = fit([row[3] for row in train], truth, classes, names)
    report(
        "wcxb-dev, trained on all (resubstitution)",
        truth,
        [predict(model, row[3], names) for row in train],
    )
    for held in ("aeb-dev", "meta-dev"):
        pages = load(args.bench, held)
        refused = [row[0] for row in pages if predict(model, row[3], names) != ARTICLE]
        print(f"== {held}: {len(refused)} of {len(pages)} articles refused {refused}")
    if args.write:
        text = json.dumps(model.to_json(), indent=1)
        WEIGHTS.write_text(
            '"""Page-type model weights, written by benchmarks/train_pagetype.py (do not edit)."""'
            "\n\nfrom typing import Any\n\nWEIGHTS: dict[str, Any] = " + text + "\n",
            encoding="utf-8",
        )
        # the module in the project's format (ruff), so that lint stays clean
        subprocess.run([sys.executable, "-m", "ruff", "format", "-q", str(WEIGHTS)], check=True)
        print(f"wrote {WEIGHTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
