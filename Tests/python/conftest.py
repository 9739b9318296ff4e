"""Fixtures for the ABI tests: one sandbox per test session, reset before each test, and the scan of
every envelope and log line for secrets."""

from __future__ import annotations

import pathlib
import sys
from typing import Iterator

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "support"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

# The shared data and fixtures (Tests/support/sello_fixtures.py); the sandbox's fixtures come with them.
from sello_ffi import CAPTURE, find_leaks  # noqa: E402

# The shared fixtures, requested by name in the tests.
from sello_fixtures import (  # noqa: E402,F401  # noqa: E402
    FES_USER,
    SANDBOX_JWT_HEADER,
    Sandbox,
    certs,
    cfdi_config,
    fes_config,
    fv_config,
    sandbox,
    sandbox_server,
)

# -- no secret in any envelope or log line, in any test ------------------------------------------


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "secrets_exempt: skip the after-test scan for secrets (explain why)")


@pytest.fixture(autouse=True)
def no_secret_leaks(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each test: every envelope and log line the library produced during it (recorded by
    sello_ffi) is scanned for every secret the test gave the library (configurations and
    requests, see sello_ffi.register_secrets), for the FES seed clave, and — when the test used
    the sandbox — for every bearer token and Basic password the sandbox saw."""
    CAPTURE.reset()
    yield
    envelopes, logs, secrets = CAPTURE.snapshot()
    CAPTURE.reset()
    if request.node.get_closest_marker("secrets_exempt"):
        return
    for value in (FES_USER["clave"],):
        secrets.add(value)
    if "sandbox" in request.fixturenames and (envelopes or logs):
        # Every token the sandbox issues starts with the seed's JWT header: one the library
        # obtained but never sent back (fv_login) is caught by that.
        secrets.add(SANDBOX_JWT_HEADER + ".")
        server: Sandbox = request.getfixturevalue("sandbox_server")
        for received in server.requests():
            if received.get("bearer") and len(received["bearer"]) >= 8:
                secrets.add(received["bearer"])
            if received.get("basic_auth") and len(received["basic_auth"].get("password") or "") >= 6:
                secrets.add(received["basic_auth"]["password"])
    leaks = find_leaks(secrets, envelopes, logs)
    assert not leaks, "secrets leaked:\n" + "\n".join(leaks[:10])
