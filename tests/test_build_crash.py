"""A killed build leaves nothing behind: its staging is found and removed by the next build,
its workers and fork server die with it, and the rerun writes the release an uninterrupted
build writes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psutil  # type: ignore[import-untyped]
import pytest

from broadsheet.build.workdir import LOCK, OWNER, StagingArea, remove_stale

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

# -- staging of interrupted builds -----------------------------------------------------------

_HOLD_LOCK = """
import fcntl, sys, time
handle = open(sys.argv[1], "wb")
fcntl.flock(handle, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(120)
"""


def test_stale_staging_is_removed_and_a_running_builds_is_kept(tmp_path: Path) -> None:
    work = tmp_path / "build"
    dead = work / "x-1.0.0-dead"
    (dead / "spill").mkdir(parents=True)
    (dead / "spill" / "spill-000000.arrow").write_bytes(b"\0" * 1000)
    (dead / LOCK).write_bytes(b"")
    (dead / OWNER).write_text('{"pid": 1, "host": "h", "started": "2026-01-01T00:00:00+00:00"}')
    alive = work / "x-1.0.0-alive"
    alive.mkdir()
    (alive / OWNER).write_text("{}")
    holder = subprocess.Popen(
        [PYTHON, "-c", _HOLD_LOCK, str(alive / LOCK)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        unrelated = work / "notes"
        unrelated.mkdir()
        old, recent = work / "x-0.9.0-0123456789ab", work / "x-0.9.0-ba9876543210"
        for legacy in (old, recent):  # staging of an earlier broadsheet: no lock
            (legacy / "spill").mkdir(parents=True)
            (legacy / "quarantine.staging.jsonl").write_text("")
        two_hours_ago = time.time() - 7200
        for path in [old, *old.rglob("*")]:
            os.utime(path, (two_hours_ago, two_hours_ago))
        removed = remove_stale(work)
        assert sorted(path for path, _ in removed) == sorted([dead, old])
        assert "pid 1 on h" in dict(removed)[dead]
        assert not dead.exists() and not old.exists()
        assert alive.is_dir() and unrelated.is_dir() and recent.is_dir()
        with StagingArea(work, "x-1.0.0") as area:  # a new build's own folder is locked
            assert area.path.is_dir() and (area.path / OWNER).is_file()
            assert remove_stale(work) == []
        assert not area.path.exists()
    finally:
        holder.kill()
        holder.wait()
    assert [path for path, _ in remove_stale(work)] == [alive]  # its holder has ended


# -- kill -9: no orphans, no leftovers -------------------------------------------------------


BROADSHEET = [PYTHON, "-m", "broadsheet.cli"]
PAGES = 600


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a generated corpus (half HTML pages, the slower half; none bad on
    purpose) and its release built in one go, serially: what a rerun must reproduce."""
    folder = tmp_path_factory.mktemp("uninterrupted")
    options = ["--pages", str(PAGES), "--bad-share", "0", "--html-share", "0.5"]
    subprocess.run(
        [PYTHON, str(REPO / "benchmarks/corpus.py"), str(folder / "corpus"), *options],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        BROADSHEET + _build_args("serial", "dist"), cwd=folder, check=True, capture_output=True
    )
    return folder


def _session(sid: int) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter():
        try:
            if os.getsid(proc.pid) == sid and proc.status() != psutil.STATUS_ZOMBIE:
                found.append(proc)
        except (psutil.Error, ProcessLookupError, PermissionError):
            continue
    return found


def _cpu(proc: psutil.Process) -> float:
    try:
        times = proc.cpu_times()
    except psutil.Error:
        return 0.0
    return float(times.user + times.system)


def _wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def _build_args(engine: str, out: str) -> list[str]:
    return [
        "build", "--source", "corpus", "--name", "robust", "--version", "1.0.0", "--out", out,
        "--engine", engine, "--workers", "2", "--batch-size", "10", "--no-progress",
    ]  # fmt: skip


@pytest.mark.parametrize("engine", ["processes", "dask"])
def test_kill_9_leaves_no_process_and_the_next_build_cleans_up(
    tmp_path: Path, engine: str, uninterrupted: Path
) -> None:
    shutil.copytree(uninterrupted / "corpus", tmp_path / "corpus")
    build = subprocess.Popen(
        BROADSHEET + _build_args(engine, "dist"),
        cwd=tmp_path,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        staging = tmp_path / "build"

        def working() -> bool:  # two workers that have started on the pages
            busy = [p for p in _session(build.pid) if p.pid != build.pid and _cpu(p) > 0.5]
            return len(busy) >= 2

        assert _wait_for(working, 120), "the build did not get going"
        assert build.poll() is None, "the build ended before it could be killed mid-way"
        family = _session(build.pid)
        os.kill(build.pid, signal.SIGKILL)
        build.wait()
        assert _wait_for(lambda: not _session(build.pid), 5), [
            p.cmdline()[:4] for p in _session(build.pid)
        ]
        assert not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in family)
        assert [p.name for p in staging.iterdir()], "the killed build left no staging to find"
        assert not (tmp_path / "dist" / "robust" / "1.0.0").exists()
    finally:
        for proc in _session(build.pid):
            proc.kill()

    again = subprocess.run(
        BROADSHEET + _build_args(engine, "dist"), cwd=tmp_path, capture_output=True, text=True
    )
    assert again.returncode == 0, again.stderr
    assert "removed the staging folder of an interrupted build" in again.stdout
    assert list(staging.iterdir()) == []
    release, expected = tmp_path / "dist/robust/1.0.0", uninterrupted / "dist/robust/1.0.0"
    report = json.loads((release / "build-report.json").read_text())
    assert report["inputs"] == PAGES == report["accepted"] + report["quarantined"]
    names = sorted(p.relative_to(expected) for p in expected.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(release) for p in release.rglob("*") if p.is_file())
    for name in names:  # byte for byte what the uninterrupted serial build wrote
        assert (release / name).read_bytes() == (expected / name).read_bytes(), name
