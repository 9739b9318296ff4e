"""What the Firma Virtual ABI test files share (test_fv.py, test_fv_callback.py,
test_fv_express.py, test_fv_problems.py, test_fv_tokens.py): the client fixture, the envelope
checks and the readers of what the sandbox received. Fixtures defined here are imported by name
into each test file."""

from __future__ import annotations

from typing import Any, Iterator

import pytest
from sello_ffi import Client


@pytest.fixture()
def fv(fv_config) -> Iterator[Client]:
    with Client("fv", fv_config) as client:
        assert client.handle, client.error
        yield client


def logins(sandbox) -> int:
    return sum(1 for r in sandbox.requests() if r["method"] == "POST" and r["path"] == "/logindata")


def calls(sandbox) -> list[dict[str, Any]]:
    """The service requests other than logins."""
    return [r for r in sandbox.requests() if r["path"] != "/logindata"]


def ok(envelope: dict[str, Any]) -> Any:
    assert envelope["ok"] is True, envelope
    return envelope["data"]


def failed(envelope: dict[str, Any], kind: str, code: str) -> dict[str, Any]:
    assert envelope["ok"] is False, envelope
    assert (envelope["error"]["kind"], envelope["error"]["code"]) == (kind, code), envelope["error"]
    return envelope["error"]
