"""Hardening (issue 12), configuration: retry delays are bounded, and no wait outlives the call's
deadline (timeout_ms)."""

from __future__ import annotations

import pytest
from sello_ffi import Client
from sello_fixtures import FES_REQUEST as SEED_REQUEST
from sello_fixtures import FES_USER

FES_REQUEST = {**SEED_REQUEST, "claveCertificado": "Secreta123xyz"}


# -- 18. retry delays have an upper bound ------------------------------------------------------------------


@pytest.mark.parametrize(
    "retries",
    [
        {"base_delay_ms": 2**63 - 1},
        {"max_delay_ms": 2**63 - 1},
        {"base_delay_ms": 60_001},
        {"max_delay_ms": 300_001},
        {"base_delay_ms": 5000, "max_delay_ms": 1000},
    ],
)
def test_retry_delays_out_of_bounds_are_refused(retries: dict) -> None:
    client = Client("fes", {"base_url": "http://127.0.0.1:9", **FES_USER, "retries": retries})
    assert client.handle is None, f"retries {retries} accepted"
    error = client.error["error"]
    assert (error["kind"], error["field"]) == ("invalid_argument", "retries"), error


def test_retry_delays_at_their_bounds_are_accepted() -> None:
    with Client(
        "fes",
        {"base_url": "http://127.0.0.1:9", **FES_USER, "retries": {"base_delay_ms": 60_000, "max_delay_ms": 300_000}},
    ) as client:
        assert client.handle, client.error


def test_retry_after_never_sleeps_past_the_call_deadline(sandbox) -> None:
    """A 429 asking for 3 s (within max_delay_ms) on a call whose timeout_ms is 1 s: the call ends at
    its deadline with the retryable error, long before the 3 s wait."""
    sandbox.fault("status", status=429, retry_after=3)
    config = {
        "base_url": sandbox.fes_url,
        **FES_USER,
        "timeout_ms": 1000,
        "retries": {"max": 2, "base_delay_ms": 10, "max_delay_ms": 5000},
    }
    with Client("fes", config) as client:
        envelope = client.call("obtain_certificate", FES_REQUEST)
    assert envelope["ok"] is False, "it slept past timeout_ms and tried again"
    error = envelope["error"]
    assert (error["kind"], error["code"], error["retryable"]) == ("http", "RATE_LIMITED", True), error
    assert error["details"]["retry_after_ms"] == 3000
    assert envelope["meta"]["attempts"] == 1 and envelope["meta"]["elapsed_ms"] < 2000
    assert len(sandbox.requests()) == 1


def test_backoff_never_sleeps_past_the_call_deadline(sandbox) -> None:
    """A read that keeps failing with 502, a backoff of up to 5 s, timeout_ms 800: the call stops
    at its deadline rather than sleeping beyond it."""
    sandbox.fault("status", status=502, count=-1, prefix="/servicio/rest/integracion/consultaCfdiPorUUID")
    config = {
        "base_url": sandbox.cfdi_url,
        "usuario": "pade_user",
        "password": "pade_pass",
        "contrato": "PADE-CONTRATO-01",
        "timeout_ms": 800,
        "retries": {"max": 10, "base_delay_ms": 5000, "max_delay_ms": 5000},
    }
    with Client("cfdi", config) as client:
        envelope = client.call("get_by_uuid", {"uuid": "5FB2822E-396D-4725-8521-CDC4BDD20CCF"})
    assert envelope["ok"] is False and envelope["error"]["code"] == "HTTP_502", envelope
    assert envelope["meta"]["elapsed_ms"] < 1500, envelope["meta"]
