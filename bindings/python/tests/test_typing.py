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


def test_the_readme_example_type_checks(tmp_path) -> None:
    """`with sello.FES(...) as fes:` gives a FES (not the base Client, which has no
    obtain_certificate): the README's first example, as written, and each client's own method."""
    import re

    readme = (BINDING / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```python\n(import sello\n.*?)```", readme, re.S)
    assert example, "README.md no longer starts a python block with `import sello`"
    extra = """
def each_client_is_its_own_class(login: str, password: str) -> None:
    with sello.FirmaVirtual(login=login, password=password) as fv:
        kept_fv: sello.FirmaVirtual = fv
    with sello.CFDI(usuario=login, password=password, contrato="c") as cfdi:
        kept_cfdi: sello.CFDI = cfdi
    with sello.FES(usuario=login, clave=password) as fes:
        kept_fes: sello.FES = fes
    print(kept_fv, kept_cfdi, kept_fes)
"""
    source = tmp_path / "readme_example.py"
    source.write_text(example.group(1) + extra, encoding="utf-8")
    done = mypy("mypy", "--strict", f"--cache-dir={tmp_path / 'cache'}", "--no-error-summary", str(source))
    assert done.returncode == 0, done.stdout + done.stderr
