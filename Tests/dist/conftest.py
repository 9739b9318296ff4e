"""Fixtures for `make test-dist`: the sandbox, over HTTP and over TLS (helpers: dist_support.py)."""
from __future__ import annotations

import pathlib
import sys
from typing import Iterator

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from dist_support import Sandbox, make_self_signed  # noqa: E402


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox.start() as server:
        yield server


@pytest.fixture(scope="session")
def tls_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    cert, key = make_self_signed(tmp_path_factory.mktemp("tls"))
    with Sandbox.start(tls=(cert, key)) as server:
        yield server
