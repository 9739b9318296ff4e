"""pytest fixtures for suites that test against the sandbox: one server per test session, reset
before each test. A conftest imports them: `from pytest_sandbox import sandbox, sandbox_server`."""

from __future__ import annotations

from typing import Iterator

import pytest
from control import Sandbox


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[Sandbox]:
    with Sandbox.start() as server:
        yield server


@pytest.fixture()
def sandbox(sandbox_server: Sandbox) -> Sandbox:
    sandbox_server.reset()
    return sandbox_server
