"""One test per exception class, each triggered for real through the library and the sandbox
(internal excepted: nothing in the implemented library produces it on purpose, so only its
mapping is checked)."""

from __future__ import annotations

import builtins
import pickle
import socket
from typing import Any, Dict, List, Tuple

import pytest
import sello
from sello_fixtures import FES_REQUEST, FES_USER


def obtain(config: Dict[str, Any], **overrides: Any) -> sello.Result:
    with sello.FES(**config) as fes:
        return fes.obtain_certificate(**{**FES_REQUEST, **overrides})


def raised(kind: type, config: Dict[str, Any], **overrides: Any) -> sello.SelloError:
    with pytest.raises(kind) as caught:
        obtain(config, **overrides)
    error = caught.value
    assert isinstance(error, sello.SelloError)
    assert error.envelope["ok"] is False and error.envelope["error"]["code"] == error.code
    return error


def test_validation_error_for_a_bad_rut(sandbox, fes_config) -> None:
    error = raised(sello.ValidationError, fes_config, rut="19.371.037-0")
    assert (error.kind, error.code, error.service_code, error.field, error.retryable) == (
        "validation",
        "RUT_INVALIDO",
        106,
        "rut",
        False,
    )
    assert error.attempts == 0 and sandbox.requests() == []
    assert "RUT_INVALIDO" in str(error)


def test_auth_error_for_a_wrong_clave(sandbox, fes_config) -> None:
    error = raised(sello.AuthError, {**fes_config, "clave": "not-the-clave"})
    assert (error.kind, error.code, error.service_code, error.retryable) == (
        "auth",
        "USUARIO_O_CLAVE_INVALIDO",
        105,
        False,
    )
    assert "not-the-clave" not in str(error) and "not-the-clave" not in repr(error.envelope)


def test_service_error_for_no_quota(sandbox, fes_config) -> None:
    sandbox.fes_account("PruebaWS", quota=0)
    error = raised(sello.ServiceError, fes_config)
    assert (error.kind, error.code, error.service_code, error.retryable) == (
        "service",
        "SIN_CUOTA_DISPONIBLE",
        104,
        False,
    )
    assert error.attempts == 1 and error.http_status == 200


def test_http_error_for_a_500(sandbox, fes_config) -> None:
    sandbox.fault("status", status=500, body="html")
    error = raised(sello.HTTPError, fes_config)
    assert (error.kind, error.code, error.retryable, error.http_status) == ("http", "HTTP_500", False, 500)
    assert len(sandbox.requests()) == 1  # a certificate is never asked for twice


def test_http_error_carries_retry_after(sandbox, fes_config) -> None:
    sandbox.fault("status", status=429, retry_after=30)
    error = raised(sello.HTTPError, fes_config)
    assert (error.code, error.retryable, error.retry_after_ms) == ("RATE_LIMITED", True, 30000)


def test_timeout_error_is_also_the_builtin(sandbox, fes_config) -> None:
    sandbox.fault("delay", ms=1500)
    with pytest.raises(builtins.TimeoutError) as caught:
        obtain({**fes_config, "timeout_ms": 300})
    error = caught.value
    assert isinstance(error, sello.TimeoutError) and isinstance(error, sello.SelloError)
    assert (error.kind, error.code, error.retryable, error.attempts) == ("timeout", "TIMEOUT", False, 1)
    assert "check with the provider" in error.message


def test_may_have_acted_only_when_sent_and_not_safe_to_repeat(sandbox, fes_config) -> None:
    """README: ``may_have_acted`` is true when a request was sent and may not simply be sent again."""
    refused = raised(sello.ValidationError, fes_config, rut="19.371.037-0")  # refused before sending
    assert (refused.attempts, refused.retryable, refused.may_have_acted) == (0, False, False)
    sandbox.fault("status", status=429, retry_after=30, count=1)
    limited = raised(sello.HTTPError, fes_config)  # sent, but the service says do it again later
    assert (limited.attempts, limited.retryable, limited.may_have_acted) == (1, True, False)
    sandbox.fault("status", status=500, body="html", count=1)
    failed = raised(sello.HTTPError, fes_config)  # sent, answered, outcome unknown: never sent again
    assert (failed.attempts, failed.retryable, failed.may_have_acted) == (1, False, True)


def test_transport_error_for_a_closed_port() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = {
        "base_url": f"http://127.0.0.1:{port}",
        **FES_USER,
        "retries": {"max": 2, "base_delay_ms": 1, "max_delay_ms": 5},
    }
    error = raised(sello.TransportError, config)
    assert (error.kind, error.code, error.retryable, error.attempts) == (
        "transport",
        "CONNECT_FAILED",
        True,
        0,
    )  # never sent


def test_transport_error_for_a_truncated_answer(sandbox, fes_config) -> None:
    sandbox.fault("truncate")
    error = raised(sello.TransportError, fes_config)
    assert (error.code, error.retryable) == ("CONNECTION_LOST", False)


def test_protocol_error_for_an_invalid_body(sandbox, fes_config) -> None:
    sandbox.fault("invalid_body")
    error = raised(sello.ProtocolError, fes_config)
    assert (error.kind, error.code) == ("protocol", "INVALID_ANSWER")
    assert error.details["sample"]


def test_invalid_argument_error_for_a_bad_configuration() -> None:
    # The constructor raises what *_client_new reports (each configuration rule is tested through
    # the .so: Tests/python/test_foundation.py::test_bad_configuration_gives_an_error_envelope).
    with pytest.raises(sello.InvalidArgumentError) as caught:
        sello.FES(base_url="http://example.com/x", **FES_USER)
    assert (caught.value.kind, caught.value.code, caught.value.field) == (
        "invalid_argument",
        "INSECURE_HTTP",
        "base_url",
    )
    assert caught.value.attempts == 0 and caught.value.envelope["meta"]["operation"]


def test_file_error_for_save_to_in_a_missing_folder(sandbox, fes_config, tmp_path) -> None:
    error = raised(sello.FileError, fes_config, save_to=str(tmp_path / "missing" / "cert.p12"))
    assert (error.kind, error.code, error.field, error.attempts) == ("io", "SAVE_TO_UNWRITABLE", "save_to", 0)
    assert sandbox.requests() == []  # nothing sent: the certificate would be lost


KINDS: List[Tuple[str, type]] = [
    ("invalid_argument", sello.InvalidArgumentError),
    ("validation", sello.ValidationError),
    ("auth", sello.AuthError),
    ("service", sello.ServiceError),
    ("http", sello.HTTPError),
    ("timeout", sello.TimeoutError),
    ("transport", sello.TransportError),
    ("protocol", sello.ProtocolError),
    ("io", sello.FileError),
    ("internal", sello.InternalError),
    ("cancelled", sello.CallCancelledError),
]


@pytest.mark.parametrize("kind,cls", KINDS)
def test_each_kind_maps_to_its_class(kind: str, cls: type) -> None:
    envelope = {
        "ok": False,
        "error": {
            "kind": kind,
            "code": "SOME_CODE",
            "service_code": 7,
            "message": "m",
            "field": "f",
            "retryable": True,
            "details": {"retry_after_ms": 5},
        },
        "meta": {"service": "fes", "operation": "x", "http_status": None, "attempts": 0},
    }
    with pytest.raises(cls) as caught:
        sello.unwrap(envelope)
    error = caught.value
    assert type(error) is cls and error.KIND == kind
    assert (error.code, error.service_code, error.field, error.retryable, error.kind) == (
        "SOME_CODE",
        7,
        "f",
        True,
        kind,
    )
    assert error.envelope is envelope and error.retry_after_ms == 5
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is cls and copy.code == "SOME_CODE"


def test_an_unknown_kind_is_the_base_class() -> None:
    with pytest.raises(sello.SelloError) as caught:
        sello.unwrap({"ok": False, "error": {"kind": "martian", "code": "X"}, "meta": {}})
    assert type(caught.value) is sello.SelloError


def test_unwrap_of_a_success() -> None:
    result = sello.unwrap({"ok": True, "data": {"a": 1}, "warnings": [{"code": "W"}], "meta": {"attempts": 0}})
    assert result["a"] == 1 and result.warning_codes() == ["W"] and result.attempts == 0
