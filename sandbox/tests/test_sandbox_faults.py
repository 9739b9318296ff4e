"""The fault modes: each one as the client sees it, and the queue (count, prefix, order)."""

from __future__ import annotations

import base64
import http.client
import json
import socket
import subprocess
import time
import urllib.parse
import xml.etree.ElementTree as ET
from typing import Any

import pytest
import sandbox_support
from sandbox_support import (
    CONTRATO,
    FES_USER,
    REST,
    SEALED,
    Sandbox,
    call,
    cancel,
    cfdi40_xml,
    fes,
    fv,
    fv_token,
    openssl,
    p12_certificate,
    raw_exchange,
    raw_fes_request,
    rest,
    stamp,
    timbrado40,
    wait_finished,
)

# The suite's fixtures (sandbox_support.py), bound here so that pytest finds them for this module.
sb, clean = sandbox_support.sb, sandbox_support.clean


def test_cfdi_service_error_fault_keeps_each_methods_status(sb: Sandbox) -> None:
    sb.fault("service_error", code=5, prefix=REST + "cancelacion/consultarEstatusComprobante")
    reply = rest(sb, "cancelacion/consultarEstatusComprobante", [("contrato", CONTRATO)])
    assert reply.status == 202 and reply.xml()["_root"] == "servicioConsultaComprobante"
    assert reply.xml()["codigo"] == "5"
    sb.fault("service_error", code=5, prefix="/servicio")
    reply = timbrado40(sb, cfdi40_xml(SEALED))
    assert reply.status == 202 and reply.xml()["_root"] == "servicioTimbrado" and reply.xml()["codigo"] == "5"
    sb.fault("service_error", code=5, prefix="/servicio")
    reply = rest(sb, "cancelacion/cancelar", [("contrato", CONTRATO)])
    assert reply.status == 202 and reply.xml()["_root"] == "servicioCancel" and reply.xml()["codigo"] == "5"
    sb.fault("service_error", code=5, prefix="/servicio")
    reply = stamp(sb)
    assert reply.status == 200 and reply.xml()["_root"] == "servicioTimbrado" and reply.xml()["codigo"] == "5"


def test_fault_delay(sb: Sandbox) -> None:
    sb.fault("delay", ms=300, prefix="/logindata")
    started = time.monotonic()
    assert call(sb, "POST", "/logindata", {"login": "userapp", "password": "OnePass"}).status == 200
    assert time.monotonic() - started >= 0.3
    assert sb.requests()[0]["fault"] == "delay"
    with pytest.raises(socket.timeout):
        sb.fault("delay", ms=2000)
        call(sb, "POST", "/logindata", {}, timeout=0.3)


def test_fault_close(sb: Sandbox) -> None:
    sb.fault("close")
    with pytest.raises(http.client.RemoteDisconnected):
        call(sb, "POST", "/logindata", {"login": "userapp", "password": "OnePass"})
    assert len(sb.requests()) == 1
    assert call(sb, "POST", "/logindata", {"login": "userapp", "password": "OnePass"}).status == 200


def test_fault_close_does_not_process_unless_asked(sb: Sandbox) -> None:
    sb.fault("close", prefix="/generateFES")
    with pytest.raises(http.client.RemoteDisconnected):
        fes(sb)
    assert sb.state()["fes_accounts"][FES_USER]["quota"] == 1000
    sb.fault("close", process=True)
    with pytest.raises(http.client.RemoteDisconnected):
        fes(sb)
    assert sb.state()["fes_accounts"][FES_USER]["quota"] == 999


def test_fault_reset(sb: Sandbox) -> None:
    sb.fault("reset")
    data, error = raw_exchange(sb, raw_fes_request())
    assert data == b"" and isinstance(error, ConnectionResetError)


def test_fault_truncate(sb: Sandbox) -> None:
    sb.fault("truncate")
    with pytest.raises(http.client.IncompleteRead):
        fes(sb, clave="bad")
    sb.fault("truncate")
    data, error = raw_exchange(sb, raw_fes_request())
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(
        next(line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")).split(b":")[1]
    )
    assert error is None and 0 < len(body) < length


def test_fault_reset_mid_body(sb: Sandbox) -> None:
    sb.fault("reset_mid_body")
    data, error = raw_exchange(sb, raw_fes_request())
    assert data.startswith(b"HTTP/1.1 200") and isinstance(error, ConnectionResetError)
    body = data.partition(b"\r\n\r\n")[2]
    assert body and body.startswith(b'{"estado":"FAIL"')


@pytest.mark.parametrize("status,body", [(500, "html"), (502, "html"), (503, "json"), (504, "empty")])
def test_fault_status(sb: Sandbox, status: int, body: str) -> None:
    sb.fault("status", status=status, body=body, prefix="/servicio")
    answer = stamp(sb)
    assert answer.status == status
    if body == "html":
        assert answer.headers["Content-Type"].startswith("text/html") and b"<html>" in answer.body
    elif body == "json":
        assert answer.json() == {"status": status, "error": "Service Unavailable"}
    else:
        assert answer.body == b"" and answer.headers["Content-Length"] == "0"
    assert sb.state()["cfdi_accounts"]["pade_user"]["saldo"] == 1000  # not processed


def test_fault_status_429_retry_after(sb: Sandbox) -> None:
    sb.fault("status", status=429, retry_after=7)
    answer = call(sb, "POST", "/logindata", {})
    assert answer.status == 429 and answer.headers["Retry-After"] == "7"


def test_fault_invalid_body(sb: Sandbox) -> None:
    sb.fault("invalid_body", prefix="/generateFES")
    answer = fes(sb)
    assert answer.status == 200
    with pytest.raises(ValueError):
        json.loads(answer.body)
    sb.fault("invalid_body", prefix="/servicio")
    with pytest.raises(ET.ParseError):
        ET.fromstring(stamp(sb).body)


def test_fault_invalid_utf8(sb: Sandbox) -> None:
    sb.fault("invalid_utf8", count=2)
    with pytest.raises(UnicodeDecodeError):
        fes(sb, clave="bad").body.decode("utf-8")
    xml = stamp(sb).body
    with pytest.raises(UnicodeDecodeError):
        xml.decode("utf-8")
    assert xml.startswith(b"<?xml") and xml.endswith(b"</servicioTimbrado>")


def test_fault_nul_bytes(sb: Sandbox) -> None:
    sb.fault("nul_bytes", prefix="/logindata")
    body = call(sb, "POST", "/logindata", {}).body
    assert b"\x00" in body and body.startswith(b'{"code":400')
    sb.fault("nul_bytes", style="escaped", prefix="/logindata")
    message = call(sb, "POST", "/logindata", {}).json()["message"]
    assert "\x00" in message
    sb.fault("nul_bytes", prefix="/servicio")
    assert b"\x00" in stamp(sb).body


def test_fault_huge(sb: Sandbox) -> None:
    sb.fault("huge", bytes=3_000_000, prefix="/generateFES")
    answer = fes(sb)
    assert answer.status == 200 and answer.headers["Content-Length"] == "3000000" and len(answer.body) == 3_000_000
    assert answer.json()["estado"] == "OK"


def test_fault_endless(sb: Sandbox) -> None:
    sb.fault("endless")
    sock = socket.create_connection(("127.0.0.1", sb.port), timeout=5)
    sock.sendall(raw_fes_request())
    data = b""
    while len(data) < 2_000_000:
        data += sock.recv(65536)
    sock.close()
    head = data.partition(b"\r\n\r\n")[0].lower()
    assert b"transfer-encoding: chunked" in head and b"content-length" not in head


@pytest.mark.parametrize(
    "mode,params",
    [
        ("headers_then_silence", {}),
        ("delay", {"ms": 30000}),
        ("drip", {"bytes_per_second": 1}),
        ("endless", {"interval_ms": 50}),
    ],
)
def test_slow_faults_stop_when_the_client_leaves(sb: Sandbox, mode: str, params: dict[str, Any]) -> None:
    sb.fault(mode, **params)
    sock = socket.create_connection(("127.0.0.1", sb.port), timeout=5)
    sock.sendall(raw_fes_request())
    time.sleep(0.2)
    sock.close()
    record = wait_finished(sb)
    assert record["elapsed_ms"] is not None and record["elapsed_ms"] < 3000, record


def test_fault_headers_then_silence(sb: Sandbox) -> None:
    sb.fault("headers_then_silence")
    data, error = raw_exchange(sb, raw_fes_request(), timeout=0.5)
    assert isinstance(error, socket.timeout)
    assert data.startswith(b"HTTP/1.1 200") and b"Content-Length: 100\r\n" in data and data.endswith(b"\r\n\r\n")


def test_fault_drip(sb: Sandbox) -> None:
    sb.fault("drip", bytes_per_second=1500)
    started = time.monotonic()
    answer = fes(sb, clave="bad")
    assert time.monotonic() - started > 0.1
    assert answer.json()["errorCode"] == 105


def test_fault_redirect(sb: Sandbox) -> None:
    sb.fault("redirect", location="https://example.invalid/elsewhere", status=307)
    answer = call(sb, "POST", "/logindata", {})
    assert answer.status == 307 and answer.headers["Location"] == "https://example.invalid/elsewhere"


def test_fault_close_after_makes_pooled_connection_stale(sb: Sandbox) -> None:
    sb.fault("close_after")
    conn = http.client.HTTPConnection("127.0.0.1", sb.port, timeout=5)
    first = call(sb, "POST", "/logindata", {"login": "userapp", "password": "OnePass"}, conn=conn)
    assert first.status == 200 and first.headers.get("Connection") is None
    time.sleep(0.1)
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        call(sb, "POST", "/logindata", {"login": "userapp", "password": "OnePass"}, conn=conn)
    conn.close()


def test_fault_service_error_each_service(sb: Sandbox) -> None:
    sb.fault("service_error", code=107, prefix="/generateFES")
    assert fes(sb).json() == {
        "estado": "FAIL",
        "errorCode": 107,
        "comentario": "ERROR_GENERARA_CERTIFICADO, error interno CDS.",
    }
    sb.fault("service_error", code=212, message="enrolador caído", prefix="/generateFES")
    assert fes(sb).json()["comentario"] == "enrolador caído"
    sb.fault("service_error", code=5, prefix="/servicio")
    data = stamp(sb).xml()
    assert data["codigo"] == "5" and data["timbradoOk"] == "false" and data["mensaje"] == "Off-line por mantenimiento."
    sb.fault("service_error", code=7, prefix="/servicio")
    data = cancel(sb, ["x"])
    assert data["codigo"] == "7" and data["statusOk"] == "false"
    sb.fault("service_error", code=500, message="boom", prefix="/api")
    answer = fv(sb, "GET", "/api/v1/contract/owner/1", token=fv_token(sb))
    assert answer.status == 400 and answer.json() == {"code": 400, "status": "error", "message": "boom"}


def test_fault_bad_and_wrong_rut_certificate(sb: Sandbox) -> None:
    sb.fault("bad_certificate")
    call(sb, "POST", "/logindata", {})  # FES-only faults skip other services
    data = fes(sb).json()
    assert data["estado"] == "OK"
    with pytest.raises(subprocess.CalledProcessError):
        p12_certificate(base64.b64decode(data["certificado"]), "Secr3tPass")
    sb.fault("wrong_rut_certificate")
    pem = p12_certificate(base64.b64decode(fes(sb).json()["certificado"]), "Secr3tPass")
    assert "serialNumber=11111111-1" in openssl(
        "x509", "-noout", "-subject", "-nameopt", "sep_comma_plus", data=pem.encode()
    )


def test_fault_odd_certificate(sb: Sandbox) -> None:
    sb.fault("odd_certificate")
    data = fes(sb).json()
    assert data["estado"] == "OK" and "%2" in data["certificado"]
    p12_certificate(base64.b64decode(urllib.parse.unquote(data["certificado"])), "Secr3tPass")
    sb.fault("odd_certificate", style="missing")
    assert "certificado" not in fes(sb).json()
    sb.fault("odd_certificate", style="empty")
    assert fes(sb).json()["certificado"] == ""


def test_fault_count_prefix_and_order(sb: Sandbox) -> None:
    sb.fault("status", status=503, prefix="/servicio", count=2)
    sb.fault("status", status=502, count=1)
    assert call(sb, "POST", "/logindata", {}).status == 502  # first fault does not match, second does
    assert stamp(sb).status == 503 and stamp(sb).status == 503
    assert stamp(sb).status == 200 and sb.faults() == []
    sb.fault("status", status=500, count=-1)
    for _ in range(3):
        assert call(sb, "POST", "/logindata", {}).status == 500
    assert sb.faults()[0]["count"] == -1
    sb.reset()
    assert call(sb, "POST", "/logindata", {}).status == 400
