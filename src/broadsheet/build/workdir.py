"""A build's staging folder: created locked, removed when the build ends, found when stale.

A staging folder belongs to the build that holds the lock on its ``.lock`` file (an
exclusive ``flock``, which the kernel releases when the process ends, ``kill -9``
included); ``.owner.json`` beside it names the build (pid, start time, host). The next
build in the same work folder removes every staging folder whose lock is free: the
leftovers of interrupted builds never pile up.

With a staging URL (fsspec: :mod:`broadsheet.sources.location`) the build also has a folder
of the same name under that URL, holding its ``.owner.json``, where the workers write their
spill parts and shard files; it is removed with the local one. No lock guards it: a build
killed outright leaves it behind (an expiry rule on the prefix clears such leftovers).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import json
import os
import secrets
import shutil
import socket
import time
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

from broadsheet.errors import UsageError
from broadsheet.sources.location import (
    join_url,
    make_folder,
    open_output,
    read_input,
    remove_tree,
    shown_url,
)

LOCK = ".lock"
OWNER = ".owner.json"
LEGACY_JOURNAL = "quarantine.staging.jsonl"
_LEGACY_IDLE_SECONDS = 3600.0
_UNCLAIMED_SECONDS = 60.0  # a folder without an owner record is being created, or was left


class StagingArea:
    """A build's staging folder under ``work_dir``, locked for the life of the build.

    Creating one first removes the stale folders of interrupted builds (:func:`remove_stale`;
    the removed ones are in ``removed``). Use it as a context manager: on exit the folder is
    removed and its lock released.
    """

    def __init__(self, work_dir: Path, prefix: str, shared: str | None = None) -> None:
        work_dir.mkdir(parents=True, exist_ok=True)
        self.removed = remove_stale(work_dir)
        self.path = work_dir / f"{prefix}-{os.urandom(6).hex()}"
        self.path.mkdir()
        self._lock: BinaryIO | None = (self.path / LOCK).open("wb")
        fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        owner = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        (self.path / OWNER).write_text(json.dumps(owner) + "\n", encoding="utf-8")
        self.shared: str | None = None
        if shared is not None:  # written first: a staging URL that refuses fails here
            self.shared = join_url(shared, self.path.name)
            try:
                for folder in ("spill", "data"):  # (where a file system has folders)
                    make_folder(join_url(self.shared, folder))
                with open_output(join_url(self.shared, OWNER)) as record:
                    record.write((json.dumps(owner) + "\n").encode())
            except OSError as exc:
                self.close()
                raise UsageError(
                    "staging_unwritable",
                    f"cannot write the staging URL {shown_url(shared)}: {exc}",
                ) from exc

    @property
    def spill_folder(self) -> Path | str:
        """Where the workers write their spill parts: ``spill`` here, or at the staging URL."""
        return join_url(self.shared, "spill") if self.shared is not None else self.path / "spill"

    @property
    def shard_folder(self) -> str | None:
        """Where the workers write the shard files when there is a staging URL (else in the
        staged release)."""
        return join_url(self.shared, "data") if self.shared is not None else None

    def __enter__(self) -> StagingArea:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Remove the folder (and what is under the staging URL), then release the lock."""
        if self.shared is not None:
            with contextlib.suppress(OSError):  # left behind: a bucket's expiry rule applies
                remove_tree(self.shared)
        shutil.rmtree(self.path, ignore_errors=True)
        lock, self._lock = self._lock, None
        if lock is not None:
            lock.close()


def check_staging_shared(engine: Any, area: StagingArea) -> None:
    """Refuse (``staging_not_shared``) a staging folder or URL that the workers do not see:
    where they cannot read a file this process has just written (checked on a remote Dask
    cluster, and with a staging URL on any engine with workers; otherwise the build would
    fail only when a worker reads another one's spill part)."""
    run_tasks = getattr(engine, "run_tasks", None)
    scheduler = getattr(engine, "scheduler", None)
    remote_cluster = getattr(engine, "name", "") == "dask" and scheduler is not None
    if run_tasks is None or not (remote_cluster or area.shared is not None):
        return
    token = secrets.token_hex(8)
    folder = area.shared if area.shared is not None else str(area.path)
    probe = join_url(folder, f".probe-{token}")  # (removed with the staging folder)
    with open_output(probe) as out:
        out.write(token.encode())
    workers = max(1, int(getattr(engine, "workers", 1)))
    problems = [p for p in run_tasks(functools.partial(_sees, probe, token), range(workers)) if p]
    if problems:
        raise UsageError(
            "staging_not_shared",
            f"{f'the Dask workers at {scheduler}' if remote_cluster else 'the workers'} "
            f"cannot read the staging folder {shown_url(folder)} that this process writes "
            f"({problems[0]}): mount it at the same path on every machine, or give --staging "
            "a URL that all of them reach (s3://bucket/tmp; memory:// is this process's alone)",
        )


def _sees(probe: str, token: str, _: int) -> str:
    """What keeps this worker from reading the probe this build wrote ("" when it can)."""
    try:
        data = read_input(probe)
    except OSError as exc:
        return shown_url(f"{type(exc).__name__}: {exc}")
    return "" if data == token.encode() else "another file of that name is there"


def remove_stale(work_dir: Path) -> list[tuple[Path, str]]:
    """Remove the staging folders in ``work_dir`` that no running build holds; returns each
    one with what its owner record said of its build.

    A folder is stale when its lock can be taken (its build has ended) and it has an owner
    record, or has had none for a minute (a build is written its owner record right after
    it takes the lock). A staging folder of broadsheet 0.2 and before (no lock, a
    ``quarantine.staging.jsonl``) is stale once nothing in it has changed for an hour.
    Other folders are left alone.
    """
    removed: list[tuple[Path, str]] = []
    if not work_dir.is_dir():
        return removed
    for folder in sorted(work_dir.iterdir()):
        lock_path = folder / LOCK
        if not lock_path.is_file():
            if _abandoned_unlocked(folder):
                shutil.rmtree(folder, ignore_errors=True)
                removed.append((folder, "a build of an earlier broadsheet, idle for an hour"))
            continue
        try:
            handle = lock_path.open("rb")
        except OSError:
            continue
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # held: a build is running in it
            if not (folder / OWNER).is_file():
                age = time.time() - lock_path.stat().st_mtime
                if age < _UNCLAIMED_SECONDS:
                    continue
            owner = _owner(folder)
            shutil.rmtree(folder, ignore_errors=True)
        removed.append((folder, owner))
    return removed


def _abandoned_unlocked(folder: Path) -> bool:
    """A staging folder without a lock (broadsheet 0.2 and before) untouched for an hour."""
    journal = folder / LEGACY_JOURNAL
    if not journal.is_file():
        return False
    try:
        newest = max(p.stat().st_mtime for p in [folder, *folder.rglob("*")])
    except OSError:
        return False
    return time.time() - newest > _LEGACY_IDLE_SECONDS


def _owner(folder: Path) -> str:
    """What a staging folder's owner record says of its build."""
    try:
        owner = json.loads((folder / OWNER).read_text(encoding="utf-8"))
        return f"pid {owner['pid']} on {owner['host']}, started {owner['started']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "an unknown build"


def publish(staged: Path, final: Path) -> None:
    """Move the finished release into place in one rename (a copy first across devices)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.rename(staged, final)
        return
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
    partial = final.parent / f".{final.name}.partial-{secrets.token_hex(4)}"
    try:
        shutil.copytree(staged, partial)
        os.rename(partial, final)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
