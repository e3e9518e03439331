"""What a fresh interpreter has imported after running some code (this test process may
hold any module already)."""

from __future__ import annotations

import subprocess
import sys

_MARK = "--- modules ---"


def modules_after(code: str) -> set[str]:
    """Names of the modules a fresh interpreter holds after running ``code`` (which may
    print: only what follows the last marker line is read)."""
    script = f"{code}\nimport sys\nprint({_MARK!r})\nprint('\\n'.join(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    return set(done.stdout.rsplit(_MARK + "\n", 1)[1].split())


def packages(modules: set[str]) -> set[str]:
    """The top-level packages of module names (``pandera.polars`` -> ``pandera``)."""
    return {name.split(".")[0] for name in modules}
