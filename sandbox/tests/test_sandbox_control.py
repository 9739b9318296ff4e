"""The control API under /_sandbox/: what it records, resets and refuses."""

from __future__ import annotations

import pytest
import sandbox_support
from sandbox_support import FES_USER, Sandbox, SandboxError, fv

# The suite's fixtures (sandbox_support.py), bound here so that pytest finds them for this module.
sb, clean = sandbox_support.sb, sandbox_support.clean


def test_control_requests_are_not_recorded_and_reset_clears(sb: Sandbox) -> None:
    sb.stats()
    sb.state()
    assert sb.requests() == []
    fv(sb, "GET", "/api/v1/contract/x")
    sb.fault("delay", ms=1, count=-1)
    sb.fes_account(FES_USER, quota=0)
    sb.reset()
    assert sb.requests() == [] and sb.stats()["requests"] == 0 and sb.faults() == []
    assert sb.state()["fes_accounts"][FES_USER]["quota"] == 1000


def test_control_errors(sb: Sandbox) -> None:
    with pytest.raises(SandboxError, match="404"):
        sb.get("nope")
    with pytest.raises(SandboxError, match="400"):
        sb.fault("no_such_mode")
    with pytest.raises(SandboxError, match="400"):
        sb.fault("status")  # status is required
    with pytest.raises(SandboxError, match="400"):
        sb.fault("delay", count=0)


def test_advance_refusals(sb: Sandbox) -> None:
    for body in (
        {"contract": "x"},
        {"status": "FINISHED"},
        {"contract": "x", "status": "FINISHED", "sPaymentStatus": "PAYOUT"},
    ):
        with pytest.raises(SandboxError, match="400"):
            sb.control("fv/advance", body)
    with pytest.raises(SandboxError, match="404"):
        sb.fv_advance("no-such-contract", "FINISHED")


def test_style_knobs_are_checked(sb: Sandbox) -> None:
    for path, body in (
        ("fv/shapes", {"express": "sideways"}),
        ("fv/shapes", {"colour": "red"}),
        ("fes/style", {"message_key": "texto"}),
        ("fes/style", [1]),
    ):
        with pytest.raises(SandboxError, match="400"):
            sb.control(path, body)
    sb.fv_shapes(express="top")
    sb.reset()
    assert sb.fv_shapes()["express"] == "seed"
