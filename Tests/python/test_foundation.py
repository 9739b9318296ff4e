"""The foundation through the .so: exports, envelopes for every transport error kind,
keep-alive, redirects, limits, threads and hostile input."""

from __future__ import annotations

import ctypes
import json
import os
import pathlib
import socket
import subprocess
import sys
import threading
import time

import pytest
from sello_ffi import LIB_PATH, Client, assert_no_secrets, call, lib
from sello_fixtures import FES_OBTAIN as OBTAIN_PATH
from sello_fixtures import FES_REQUEST, ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import sello_header  # noqa: E402

HEADER = sello_header.read()


def header_functions() -> set[str]:
    return set(HEADER.names())


def test_exports_exactly_the_header_functions() -> None:
    out = subprocess.run(["nm", "-D", "--defined-only", LIB_PATH], capture_output=True, text=True, check=True).stdout
    functions = {line.split()[2] for line in out.splitlines() if line.split()[1] == "T"}
    assert functions == header_functions()
    assert not [line for line in out.splitlines() if "$s" in line], "Swift symbols are exported"


def test_needs_no_swift_runtime() -> None:
    out = subprocess.run(["ldd", LIB_PATH], capture_output=True, text=True, check=True).stdout
    assert "libswift" not in out and "libFoundation" not in out and "libdispatch" not in out
    assert "libcurl" in out


def test_version_and_abi() -> None:
    """The numbers are the header's (SELLO_VERSION_*, SELLO_ABI_VERSION): the library takes them
    from its macros, and its soname is libsello.so.MAJOR."""
    assert lib.sello_version() == HEADER.version.encode()
    assert lib.sello_abi_version() == HEADER.abi
    address = ctypes.CDLL(LIB_PATH).sello_version  # static storage: the same string every time
    address.restype = ctypes.c_void_p
    assert address() and address() == address()
    dynamic = subprocess.run(["readelf", "-d", LIB_PATH], capture_output=True, text=True, check=True).stdout
    assert f"Library soname: [libsello.so.{HEADER.major}]" in dynamic


def test_success_envelope(sandbox, fes_config) -> None:
    with Client("fes", fes_config) as client:
        envelope = client.call("obtain_certificate", FES_REQUEST)
    assert envelope["ok"] is True, envelope
    assert envelope["data"]["estado"] == "OK" and envelope["data"]["errorCode"] == 0
    meta = envelope["meta"]
    assert (meta["service"], meta["operation"], meta["http_status"], meta["attempts"]) == (
        "fes",
        "obtain_certificate",
        200,
        1,
    )
    assert meta["elapsed_ms"] > 0
    [received] = sandbox.requests()
    assert received["method"] == "POST" and received["path"] == OBTAIN_PATH
    assert received["headers"]["user-agent"] == f"sello/{HEADER.version}"
    assert received["json"]["request"]["encabezado"] == {"usuario": "PruebaWS", "clave": "bJBk9GuSJCOWLXODhniTCX7e5"}
    assert received["json"]["request"]["parametro"]["rut"] == "19371037-9"


def test_timeout_after_sending_is_not_repeated(sandbox, fes_config) -> None:
    sandbox.fault("delay", ms=1500)
    with Client("fes", {**fes_config, "timeout_ms": 300}) as client:
        started = time.monotonic()
        envelope = client.call("obtain_certificate", FES_REQUEST)
        elapsed = time.monotonic() - started
    error = envelope["error"]
    assert (error["kind"], error["code"], error["retryable"]) == ("timeout", "TIMEOUT", False)
    assert "check with the provider" in error["message"]
    assert envelope["meta"]["attempts"] == 1
    assert len(sandbox.requests()) == 1
    assert elapsed < 1.2


def test_connection_refused_is_transport_and_retried() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = {
        "base_url": f"http://127.0.0.1:{port}",
        "usuario": "u",
        "clave": "c-clave",
        "retries": {"max": 2, "base_delay_ms": 1, "max_delay_ms": 5},
    }
    with Client("fes", config) as client:
        envelope = client.call("obtain_certificate", FES_REQUEST)
        retries = [line for _, line in client.logs if line.startswith("retry ")]
    error = envelope["error"]
    assert (error["kind"], error["code"], error["retryable"]) == ("transport", "CONNECT_FAILED", True)
    assert envelope["meta"]["attempts"] == 0  # no request was sent...
    assert len(retries) == 2  # ...so it was safe to try to connect three times


def test_http_500_on_a_costly_call_is_not_retried(sandbox, fes_config) -> None:
    sandbox.fault("status", status=500, body="html")
    with Client("fes", fes_config) as client:
        envelope = client.call("obtain_certificate", FES_REQUEST)
    error = envelope["error"]
    assert (error["kind"], error["code"], error["retryable"]) == ("http", "HTTP_500", False)
    assert envelope["meta"]["http_status"] == 500
    assert len(sandbox.requests()) == 1


def test_429_with_retry_after_is_honoured(sandbox, fes_config) -> None:
    sandbox.fault("status", status=429, retry_after=1)
    with Client("fes", fes_config) as client:
        started = time.monotonic()
        envelope = client.call("obtain_certificate", FES_REQUEST)
        elapsed = time.monotonic() - started
    assert envelope["ok"] is True, envelope
    assert envelope["meta"]["attempts"] == 2
    assert elapsed >= 1.0
    assert len(sandbox.requests()) == 2


def test_retry_after_beyond_max_delay_is_returned_not_waited(sandbox, fes_config) -> None:
    sandbox.fault("status", status=429, retry_after=30)
    with Client("fes", fes_config) as client:
        envelope = client.call("obtain_certificate", FES_REQUEST)
    error = envelope["error"]
    assert (error["kind"], error["code"], error["retryable"]) == ("http", "RATE_LIMITED", True)
    assert error["details"]["retry_after_ms"] == 30000
    assert len(sandbox.requests()) == 1


def test_invalid_body_is_protocol_with_a_sample(sandbox, fes_config) -> None:
    sandbox.fault("invalid_body")
    with Client("fes", fes_config) as client:
        envelope = client.call("obtain_certificate", FES_REQUEST)
    error = envelope["error"]
    assert (error["kind"], error["code"]) == ("protocol", "INVALID_ANSWER")
    assert 0 < len(error["details"]["sample"]) <= 121


def test_truncated_body_is_transport(sandbox, fes_config) -> None:
    sandbox.fault("truncate")
    with Client("fes", fes_config) as client:
        envelope = client.call("obtain_certificate", FES_REQUEST)
    error = envelope["error"]
    assert (error["kind"], error["code"], error["retryable"]) == ("transport", "CONNECTION_LOST", False)
    assert len(sandbox.requests()) == 1


def test_invalid_json_request_is_invalid_argument(sandbox, fes_config) -> None:
    with Client("fes", fes_config) as client:
        envelope = client.call("obtain_certificate", b"{not json")
    assert envelope["error"]["kind"] == "invalid_argument"
    assert envelope["error"]["code"] == "INVALID_JSON"
    assert envelope["meta"]["attempts"] == 0
    assert sandbox.requests() == []


def test_one_connection_for_100_sequential_calls(sandbox, fes_config) -> None:
    with Client("fes", fes_config) as client:
        for _ in range(100):
            assert client.call("obtain_certificate", FES_REQUEST)["ok"]
    stats = sandbox.stats()
    assert (stats["connections"], stats["requests"]) == (1, 100)


def test_redirect_to_another_origin_is_not_followed(sandbox, fes_config) -> None:
    from control import Sandbox

    with Sandbox.start(host="127.0.0.2") as other:
        sandbox.fault("redirect", status=307, location=other.fes_url + "/obtenerCertificado")
        with Client("fes", fes_config) as client:
            envelope = client.call("obtain_certificate", FES_REQUEST)
        assert other.requests() == []
    error = envelope["error"]
    assert (error["kind"], error["code"]) == ("http", "REDIRECT_NOT_FOLLOWED")
    assert "127.0.0.2" in error["message"]


def test_max_response_bytes_stops_the_transfer(sandbox, fes_config) -> None:
    sandbox.fault("huge", bytes=20_000_000)
    with Client("fes", {**fes_config, "max_response_bytes": 100_000}) as client:
        envelope = client.call("obtain_certificate", FES_REQUEST)
    assert (envelope["error"]["kind"], envelope["error"]["code"]) == ("protocol", "RESPONSE_TOO_LARGE")
    # The answer arrived: the certificate may have been issued (docs/errors.md, never repeat blindly).
    assert "the request may have reached the service" in envelope["error"]["message"], envelope["error"]
    assert envelope["error"]["retryable"] is False


def test_max_response_bytes_on_a_read_and_a_batch_stamp(sandbox, cfdi_config) -> None:
    """A read's over-large answer does not say the request may have reached the service; a
    stamp's, in a batch, does."""
    from sello_fixtures import CFDI_REST, EMISOR, GHOST_UUID, RECEPTOR, csv_text

    sandbox.fault("huge", bytes=2_000_000, prefix=CFDI_REST, count=2)
    status = {"uuid": GHOST_UUID, "rfcEmisor": EMISOR, "rfcReceptor": RECEPTOR, "total": "1160.00"}
    with Client("cfdi", {**cfdi_config, "max_response_bytes": 100_000}) as client:
        read = client.call("get_status", status)["error"]
        batch = client.call("process_files", {"items": [{"datos": csv_text(), "prueba": True}]})
    stamp = batch["data"]["results"][0]["error"]
    assert read["code"] == stamp["code"] == "RESPONSE_TOO_LARGE", (read, stamp)
    assert "may have reached" not in read["message"]
    assert "the request may have reached the service" in stamp["message"] and stamp["retryable"] is False, stamp


def test_endless_body_is_stopped(sandbox, fes_config) -> None:
    sandbox.fault("endless")
    with Client("fes", {**fes_config, "max_response_bytes": 1_000_000}) as client:
        envelope = client.call("obtain_certificate", FES_REQUEST)
    assert envelope["error"]["code"] == "RESPONSE_TOO_LARGE"


@pytest.mark.parametrize("url", ["http://example.com/x", "http://10.0.0.1/x", "http://127.0.0.1.example.com/"])
def test_plain_http_off_loopback_is_refused_before_sending(url: str) -> None:
    client = Client("fes", {"base_url": url, "usuario": "u", "clave": "c-clave"})
    assert client.handle is None
    assert client.error["error"]["code"] == "INSECURE_HTTP"
    assert client.error["error"]["field"] == "base_url"


def test_plain_http_off_loopback_needs_the_explicit_option() -> None:
    with Client(
        "fes", {"base_url": "http://example.com/x", "usuario": "u", "clave": "c-clave", "allow_insecure_http": True}
    ) as client:
        assert client.handle is not None


@pytest.mark.parametrize(
    "config,code,field",
    [
        ({"usuario": "u", "clave": "c-clave", "colour": "red"}, "UNKNOWN_FIELD", "colour"),
        ({"usuario": "u", "clave": "c-clave", "timeout_ms": "60"}, "WRONG_TYPE", "timeout_ms"),
        ({"usuario": "u", "clave": "c-clave", "timeout_ms": -1}, "INVALID_ARGUMENT", "timeout_ms"),
        ({"usuario": "u", "clave": "c-clave", "base_url": "ftp://x/"}, "BAD_URL", "base_url"),
        ({"usuario": "u", "clave": "c-clave", "base_url": "not a url"}, "BAD_URL", "base_url"),
        ({"usuario": "u"}, "MISSING_CREDENTIAL", "clave"),
        ({"usuario": "u", "clave": ""}, "MISSING_CREDENTIAL", "clave"),
        ({"usuario": "u", "clave": "c-clave", "retries": {"max": 99}}, "INVALID_ARGUMENT", "retries"),
        ({"usuario": "u", "clave": "c-clave", "ca_file": "/nonexistent.pem"}, "CA_FILE_UNREADABLE", "ca_file"),
    ],
)
def test_bad_configuration_gives_an_error_envelope(config, code, field) -> None:
    client = Client("fes", {"base_url": "http://127.0.0.1:9", **config})
    assert client.handle is None
    assert client.error["ok"] is False and client.error["error"]["code"] == code
    assert (client.error["error"]["kind"], client.error["error"]["field"]) == ("invalid_argument", field)


def test_eight_threads_on_one_client(sandbox, fes_config) -> None:
    results: list[dict] = []
    lock = threading.Lock()
    with Client("fes", fes_config) as client:

        def work() -> None:
            for _ in range(10):
                envelope = client.call("obtain_certificate", FES_REQUEST)
                with lock:
                    results.append(envelope)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(results) == 80 and all(r["ok"] for r in results)
    assert sandbox.stats()["requests"] == 80
    assert sandbox.stats()["connections"] <= 8


def test_logs_are_redacted(sandbox, fes_config) -> None:
    sandbox.fault("status", status=500, body="html")
    with Client("fes", fes_config) as client:
        envelopes = [client.call("obtain_certificate", FES_REQUEST) for _ in range(2)]
        logs = client.logs
    assert any("→ POST" in line for _, line in logs)
    assert_no_secrets([fes_config["clave"], FES_REQUEST["claveCertificado"]], envelopes, logs)


BAD_INPUTS = {
    "null": "None",
    "not_json": "b'hello'",
    "wrong_type": "b'[1,2,3]'",
    "wrong_member_type": "b'{\"rut\": 5}'",
    "invalid_utf8": 'b\'{"rut": "\\xc3\\x28"}\'',
    "ten_megabytes": "b'{\"rut\": \"' + b'1' * 10_000_000 + b'\"}'",
    "deep": "b'[' * 1_000_000",
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_never_crashes(name: str) -> None:
    """Each in a child process, so that a crash fails this test and not the suite."""
    program = f"""
import ctypes, json, sys
sys.path.insert(0, {str(pathlib.Path(__file__).parent)!r})
from sello_ffi import Client, call
request = {BAD_INPUTS[name]}
for function in ("sello_check_rut", "fes_check_request", "sello_find_comuna", "sello_check_rfc"):
    envelope = call(function, request)
    assert envelope["ok"] is False and envelope["error"]["kind"] in ("invalid_argument", "validation"), envelope
client = Client("fes", {{"base_url": "http://127.0.0.1:9", "usuario": "u", "clave": "c-clave"}})
envelope = client.call("obtain_certificate", request) if request is not None else None
if envelope is not None:
    assert envelope["ok"] is False and envelope["meta"]["attempts"] == 0, envelope
bad = Client("fes", request)
assert bad.handle is None and bad.error["ok"] is False
print("ok")
"""
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60, env={**os.environ}
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "ok"


def test_null_client_handle_is_an_error_envelope() -> None:
    import ctypes

    function = lib.fes_obtain_certificate
    function.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    function.restype = ctypes.c_void_p
    from sello_ffi import take

    envelope = take(function(None, json.dumps(FES_REQUEST).encode()))
    assert envelope["error"]["code"] == "NULL_CLIENT"


@pytest.mark.parametrize(
    "function, field", [("sello_check_rut", "rut"), ("sello_find_comuna", "comuna"), ("sello_check_rfc", "rfc")]
)
def test_local_helpers_name_a_missing_field_as_every_function_does(function: str, field: str) -> None:
    """docs/reference.md's conventions: a missing required field is invalid_argument MISSING_FIELD."""
    for request in ({}, {field: None}):
        envelope = call(function, request)
        assert envelope["ok"] is False
        assert (envelope["error"]["kind"], envelope["error"]["code"], envelope["error"]["field"]) == (
            "invalid_argument",
            "MISSING_FIELD",
            field,
        )
