"""The binding is typed: mypy --strict finds nothing in src/sello (the library, sello.aio, the
`sello` command), and sello.aio's generated stub agrees with the classes made at run time
(mypy's stubtest). mypy is installed by scripts/install-deps.sh with the other test tools."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sello_fixtures import BINDING

pytest.importorskip("mypy")


def mypy(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(BINDING / "src"), "MYPYPATH": str(BINDING / "src")}
    return subprocess.run(
        [sys.executable, "-m", *args], capture_output=True, text=True, timeout=600, cwd=str(BINDING / "src"), env=env
    )


def test_mypy_strict_finds_nothing() -> None:
    done = mypy("mypy", "--strict", "--cache-dir=/dev/null", "--no-error-summary", "sello")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_aio_stub_matches_the_runtime_classes(tmp_path) -> None:
    config = tmp_path / "mypy.ini"  # keeps mypy's cache out of the source tree
    config.write_text(f"[mypy]\ncache_dir = {tmp_path / 'cache'}\n")
    done = mypy("mypy.stubtest", "sello.aio._clients", "--mypy-config-file", str(config))
    assert done.returncode == 0, done.stdout + done.stderr
