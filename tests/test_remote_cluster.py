"""A build on a Dask cluster whose workers share no folder with the build process: inputs
and staging on an FTP server (fsspec's ``ftp://``, served here by pyftpdlib), every page read
and every part and shard written by the workers there, and the rows those of the same files
built from local disk. The URL carries the server's address and login, so the workers need
no other configuration; the login never reaches the release.
"""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import fsspec
import pytest

from broadsheet.build import shards
from broadsheet.build.batchresult import BatchResult
from broadsheet.build.daskengine import DaskEngine
from broadsheet.build.engines import SerialEngine
from broadsheet.build.run import build_release
from broadsheet.recipe import load_recipe
from broadsheet.sources import files
from engine_watch import Watched, refuse
from source_factory import MARKET_HTML, MARKET_URL, Rec, build_warc

pyftpdlib = pytest.importorskip("pyftpdlib")

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SECRET = "s3cr3t-word"


@pytest.fixture(scope="module")
def ftp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """An FTP server on this machine: its URL (with a login) and the folder it serves."""
    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.handlers import FTPHandler
    from pyftpdlib.servers import ThreadedFTPServer

    logging.getLogger("pyftpdlib").setLevel(logging.WARNING)  # one line per command otherwise
    served = tmp_path_factory.mktemp("ftp")
    users = DummyAuthorizer()
    users.add_user("crawler", SECRET, str(served), perm="elradfmwMT")
    handler = type("Handler", (FTPHandler,), {"authorizer": users})
    server = ThreadedFTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"timeout": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"ftp://crawler:{SECRET}@127.0.0.1:{server.address[1]}", served
    finally:
        server.close_all()


def crawl(root: Path) -> Path:
    """Seed pages (two of them twice), a ``.warc.gz`` archive and a JSONL dump."""
    seeds = sorted(SEEDS.glob("*.txt"))[:6]
    (root / "pages").mkdir(parents=True)
    for seed in seeds:
        shutil.copy(seed, root / "pages" / seed.name)
    for seed in seeds[:2]:
        shutil.copy(seed, root / "pages" / f"again-{seed.name}")
    warc, _ = build_warc(
        [Rec("response"), Rec("request"), Rec("response", MARKET_URL, MARKET_HTML)], gzip=True
    )
    (root / "crawl.warc.gz").write_bytes(warc)
    shutil.copy(REPO / "tests" / "fixtures" / "sources" / "dump.jsonl", root / "dump.jsonl")
    return root


def test_a_dask_build_reads_and_stages_on_a_server_as_a_local_build_does(
    tmp_path: Path, ftp: tuple[str, Path], cluster: str
) -> None:
    url, served = ftp
    root = crawl(tmp_path / "crawl")
    fs = fsspec.filesystem("ftp", **fsspec.core.url_to_fs(url)[0].storage_options)
    fs.put(str(root), "/crawl", recursive=True)
    recipe = load_recipe(REPO / "recipe.toml")
    reference = build_release(
        [root], out_dir=tmp_path / "local", recipe=recipe, engine=SerialEngine(),
        root=tmp_path, work_dir=tmp_path / "work-local",
    )  # fmt: skip

    parts: list[str] = []

    def on_the_server(result: BatchResult) -> None:  # each batch's part, when it arrives
        stored = {p.name for p in (served / "staging").rglob("part-*")}
        assert set(result.parts) <= stored, (result.parts, stored)
        parts.extend(result.parts)

    engine = Watched(DaskEngine(cluster), on_the_server)
    with pytest.MonkeyPatch.context() as patch:  # this process only lists and merges
        patch.setattr(files, "_read_file", refuse("read a page"))
        patch.setattr(shards, "ShardWriter", refuse("wrote a shard"))
        result = build_release(
            [f"{url}/crawl"], out_dir=tmp_path / "ftp", recipe=recipe, engine=engine,
            work_dir=tmp_path / "work-ftp", staging_url=f"{url}/staging",
        )  # fmt: skip

    assert parts  # every batch's part was on the server when its result arrived
    assert result.accepted == reference.accepted > 0
    assert result.reasons == reference.reasons and result.reasons["duplicate"] == 2
    assert result.skipped == reference.skipped == {"warc_request": 1}
    for name in [*sorted((reference.release_dir / "data").iterdir()), Path("quarantine.jsonl")]:
        mine = (reference.release_dir / name).read_bytes()
        assert mine == (result.release_dir / name).read_bytes(), name
    assert not list((served / "staging").iterdir())  # the build's staging files are removed
    released = b"".join(p.read_bytes() for p in result.release_dir.rglob("*") if p.is_file())
    assert b"crawler:***@127.0.0.1" in released and SECRET.encode() not in released
