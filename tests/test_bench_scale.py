"""The scale benchmark's derived figures (``benchmarks/scale.py``), on hand-made numbers."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from scale import speedup_ceiling


def test_a_serial_build_on_one_core_allows_the_worker_count() -> None:
    # 10 s of wall time and 10 s of CPU: two workers on two cores could halve it
    assert speedup_ceiling(10.0, 10.0, cores=2) == pytest.approx(2.0)


def test_a_serial_build_that_uses_more_than_a_core_lowers_the_ceiling() -> None:
    # 7.49 s of wall time with 8.7 CPU-seconds: 2 x 7.49 / 8.7
    assert speedup_ceiling(7.49, 8.7, cores=2) == pytest.approx(1.7218, abs=1e-4)
    assert speedup_ceiling(7.49, 8.7, cores=2) < 1.8


def test_the_ceiling_counts_only_the_cores_there_are() -> None:
    assert speedup_ceiling(10.0, 10.0, cores=1) == pytest.approx(1.0)
    assert speedup_ceiling(10.0, 12.0, cores=8, workers=2) == pytest.approx(20 / 12)
    assert speedup_ceiling(10.0, 10.0, cores=8, workers=4) == pytest.approx(4.0)


@pytest.mark.parametrize("args", [(0.0, 1.0, 2), (1.0, 0.0, 2), (1.0, 1.0, 0), (-1.0, 1.0, 2)])
def test_impossible_figures_are_refused(args: tuple[float, float, int]) -> None:
    with pytest.raises(ValueError, match="positive"):
        speedup_ceiling(*args)
