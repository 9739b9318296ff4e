"""Fixtures for the ABI tests: one sandbox per test session, reset before each test."""
from __future__ import annotations

import pathlib
import sys
from typing import Iterator

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "sandbox"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from control import Sandbox  # noqa: E402


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[Sandbox]:
    with Sandbox.start() as server:
        yield server


@pytest.fixture()
def sandbox(sandbox_server: Sandbox) -> Sandbox:
    sandbox_server.reset()
    return sandbox_server


FES_USER = {"usuario": "PruebaWS", "clave": "bJBk9GuSJCOWLXODhniTCX7e5"}


@pytest.fixture()
def fes_config(sandbox: Sandbox) -> dict:
    return {"base_url": sandbox.fes_url, **FES_USER, "retries": {"max": 2, "base_delay_ms": 10, "max_delay_ms": 2000}}
