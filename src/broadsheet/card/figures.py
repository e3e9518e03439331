"""The card's figures: SVG charts written into the release's ``figures/`` folder.

Drawn with matplotlib on an explicit Agg canvas (no pyplot, no global backend), in the
DejaVu Sans font matplotlib ships, and saved as SVG with text as paths, a fixed
``svg.hashsalt`` and no date: the same statistics give the same bytes on every build. A
figure with nothing to show (no quarantine, no known capture lag, no lexicon) is not drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import matplotlib as mpl
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from broadsheet.card.outlets import LAG_BINS, OTHERS, UNKNOWN, OutletStats
from broadsheet.card.stats import CardStats

__all__ = ["FIGURES", "FIGURES_DIR", "write_figures"]

FIGURES_DIR = "figures"
FIGURES: dict[str, str] = {
    "records_per_month": "records-per-month.svg",
    "quarantine_reasons": "quarantine-reasons.svg",
    "lexicon_by_publisher": "lexicon-by-publisher.svg",
    "capture_lag": "capture-lag.svg",
}
"""Figure key -> file name under :data:`FIGURES_DIR`."""
SERIES = 7
"""Publishers drawn apart in a chart; the rest are one 'others' series."""
PANELS = 6
"""Publishers given a panel in the lexicon chart."""
TERMS = 8
"""Framing terms in the lexicon chart (the most frequent overall)."""
MONTHS_MAX = 36
"""Months drawn apart; a longer span is drawn by year."""
_STYLE: dict[str, Any] = {
    "svg.hashsalt": "broadsheet",
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 9.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
_METADATA = {"Date": None, "Creator": "broadsheet"}


def _short(name: str, width: int = 28) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def _top(stats: CardStats) -> tuple[list[tuple[str, OutletStats]], OutletStats | None]:
    """The :data:`SERIES` largest publishers and the rest folded into one row (or None)."""
    ranked = [(k, v) for k, v in stats.by_publisher.ranked() if k != UNKNOWN and v.records]
    shown = ranked[:SERIES]
    if len(ranked) <= SERIES:
        return shown, None
    rest = OutletStats(len(stats.lexicon.labels))
    for _name, row in ranked[SERIES:]:
        rest.merge(row)
    return [(k, v) for k, v in shown if k != OTHERS], rest


def _periods(months: list[str]) -> tuple[list[str], Callable[[str], str], str]:
    """Every month from the first to the last, or every year when that spans more than
    :data:`MONTHS_MAX` months: the periods, a month's period, and the period's name."""
    first, last = (
        (int(months[0][:4]), int(months[0][5:])),
        (int(months[-1][:4]), int(months[-1][5:])),
    )
    span = (last[0] - first[0]) * 12 + last[1] - first[1] + 1
    if span > MONTHS_MAX:
        return [str(y) for y in range(first[0], last[0] + 1)], lambda m: m[:4], "year"
    periods = [
        f"{(first[1] - 1 + i) // 12 + first[0]}-{(first[1] - 1 + i) % 12 + 1:02d}"
        for i in range(span)
    ]
    return periods, lambda m: m, "month"


def _records_per_month(fig: Figure, stats: CardStats) -> bool:
    months = sorted(stats.months)
    if not months:
        return False
    periods, period_of, unit = _periods(months)
    shown, rest = _top(stats)
    series = [(_short(k), v.months) for k, v in shown]
    if rest is not None:
        series.append(("others", rest.months))
    ax = fig.add_subplot()
    bottom = [0] * len(periods)
    index = {p: i for i, p in enumerate(periods)}
    for name, counts in series:
        heights = [0] * len(periods)
        for month, n in counts.items():
            heights[index[period_of(month)]] += n
        ax.bar(range(len(periods)), heights, bottom=bottom, label=name, width=0.8)
        bottom = [a + b for a, b in zip(bottom, heights, strict=True)]
    step = max(1, -(-len(periods) // 16))
    ax.set_xticks(range(0, len(periods), step), periods[::step], rotation=45, ha="right")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("records")
    ax.set_title(f"Records per {unit} of publication (UTC), by publisher")
    if len(series) > 1:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return True


def _quarantine_reasons(fig: Figure, stats: CardStats) -> bool:
    reasons = sorted(stats.quarantine.items(), key=lambda kv: (kv[1], kv[0]))
    if not reasons:
        return False
    ax = fig.add_subplot()
    ax.barh([code for code, _ in reasons], [n for _, n in reasons], color="tab:red")
    for y, (_code, n) in enumerate(reasons):
        ax.annotate(f"{n:,}", (n, y), xytext=(3, 0), textcoords="offset points", va="center")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("inputs quarantined")
    ax.set_title("Quarantined inputs by reason code")
    return True


def _lexicon_by_publisher(fig: Figure, stats: CardStats) -> bool:
    labels = stats.lexicon.labels
    totals = [a + b for a, b in zip(stats.in_narration, stats.in_quotes, strict=True)]
    terms = sorted((i for i, n in enumerate(totals) if n), key=lambda i: (-totals[i], i))[:TERMS]
    rows = [(k, v) for k, v in stats.by_publisher.ranked() if k != UNKNOWN and v.text_measured]
    rows = sorted(rows, key=lambda kv: (-kv[1].text_measured, kv[0]))[:PANELS]
    if not terms or not rows:
        return False
    columns = min(3, len(rows))
    lines = -(-len(rows) // columns)
    fig.set_size_inches(3.4 * columns + 1.6, 0.32 * len(terms) * lines + 1.2 * lines)
    axes = fig.subplots(lines, columns, sharex=True, sharey=True, squeeze=False)
    positions = list(range(len(terms)))[::-1]
    for index, ax in enumerate(axes.flat):
        if index >= len(rows):
            ax.set_visible(False)
            continue
        name, row = rows[index]
        narration = [1000 * row.in_narration[i] / (row.narration_words or 1) for i in terms]
        quoted = [1000 * row.in_quotes[i] / (row.quoted_words or 1) for i in terms]
        ax.barh([p + 0.2 for p in positions], narration, height=0.4, label="narration")
        ax.barh([p - 0.2 for p in positions], quoted, height=0.4, label="quoted speech")
        ax.set_yticks(positions, [_short(labels[i], 36) for i in terms])
        read = f"{row.text_measured:,} record{'s' if row.text_measured != 1 else ''}"
        ax.set_title(f"{_short(name, 34)} ({read})", fontsize=9)
        ax.tick_params(labelbottom=True)
        ax.set_xlabel("per 1,000 words")
    handles, names = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside upper right", ncols=2, frameon=False)
    fig.suptitle("Framing terms per 1,000 words: narration vs quoted speech")
    return True


def _capture_lag(fig: Figure, stats: CardStats) -> bool:
    shown, rest = _top(stats)
    series = [(f"{_short(k)} ({sum(v.lags.values()):,})", v) for k, v in shown if v.lags]
    if rest is not None and rest.lags:
        series.append((f"others ({sum(rest.lags.values()):,})", rest))
    if not series:
        return False
    ax = fig.add_subplot()
    names = [name for name, _ in series][::-1]
    left = [0.0] * len(series)
    colors = mpl.colormaps["viridis"].resampled(len(LAG_BINS))
    for b, (label, _top_days) in enumerate(LAG_BINS):
        shares = [100 * row.lags[label] / sum(row.lags.values()) for _, row in series][::-1]
        ax.barh(names, shares, left=left, label=label, color=colors(b))
        left = [a + s for a, s in zip(left, shares, strict=True)]
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of the publisher's records with a known capture time or bound (count)")
    ax.set_title("Days from publication to capture, by publisher")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return True


_DRAW: dict[str, Callable[[Figure, CardStats], bool]] = {
    "records_per_month": _records_per_month,
    "quarantine_reasons": _quarantine_reasons,
    "lexicon_by_publisher": _lexicon_by_publisher,
    "capture_lag": _capture_lag,
}


def _height(key: str, stats: CardStats) -> float:
    if key == "capture_lag":
        with_lag = sum(1 for row in stats.by_publisher.rows.values() if row.lags)
        return 1.4 + 0.4 * min(SERIES + 1, max(1, with_lag))
    if key == "quarantine_reasons":
        return 1.2 + 0.3 * max(1, len(stats.quarantine))
    return 3.6


def write_figures(stats: CardStats, release_dir: Path) -> dict[str, str]:
    """Draw the figures into ``release_dir/figures/``; figure key -> path in the release."""
    written: dict[str, str] = {}
    with mpl.rc_context(cast(Any, _STYLE)):
        for key, draw in _DRAW.items():
            fig = Figure(figsize=(8.0, _height(key, stats)), layout="constrained")
            FigureCanvasAgg(fig)
            if not draw(fig, stats):
                continue
            path = release_dir / FIGURES_DIR / FIGURES[key]
            path.parent.mkdir(parents=True, exist_ok=True)
            fig.savefig(path, format="svg", metadata=_METADATA)
            written[key] = f"{FIGURES_DIR}/{FIGURES[key]}"
    return written
