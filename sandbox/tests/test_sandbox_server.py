"""The sandbox's server and HTTP plumbing: the command line, the port line, keep-alive, chunked bodies,
the request log, unknown paths, TLS and IPv6."""

from __future__ import annotations

import hashlib
import http.client
import json
import signal
import socket
import ssl
import subprocess
import sys
from pathlib import Path

import pytest
import sandbox_support
from sandbox_support import (
    CFDI,
    CONTRATO,
    FES,
    PDF,
    SCRIPT,
    Sandbox,
    call,
    cfdi,
    fv,
    ipv6_available,
    multipart,
    wait_finished,
)

# The suite's fixtures (sandbox_support.py), bound here so that pytest finds them for this module.
sb, clean = sandbox_support.sb, sandbox_support.clean


def test_refuses_non_loopback_hosts() -> None:
    for host in ("0.0.0.0", "192.168.1.10", "example.com"):
        done = subprocess.run(
            [sys.executable, str(SCRIPT), "--host", host, "--port", "0"], capture_output=True, timeout=20
        )
        assert done.returncode == 2 and done.stdout == b"", host
        assert b"non-loopback" in done.stderr


def test_port_line_port_file_and_clean_sigint_exit(tmp_path: Path) -> None:
    port_file = tmp_path / "port"
    process = subprocess.Popen(
        [sys.executable, str(SCRIPT), "--port", "0", "--port-file", str(port_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        first = process.stdout.readline().decode()
        assert first.startswith("SANDBOX_PORT=")
        assert port_file.read_text().strip() == first.strip().split("=")[1]
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
        process.stdout.close()
        process.stderr.close()


def test_sigterm_exits_cleanly() -> None:
    sandbox = Sandbox.start()
    assert sandbox.stop() == 0


def test_urls(sb: Sandbox) -> None:
    assert sb.base == f"http://127.0.0.1:{sb.port}"
    assert sb.fes_url == sb.base + "/generateFES/rest-services/public/generateFes"
    assert sb.fv_url == sb.base and sb.cfdi_url == sb.base + "/servicio/rest"


def test_keep_alive_one_connection_for_100_requests(sb: Sandbox) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", sb.port, timeout=10)
    for i in range(100):
        path = FES if i % 2 else "/logindata"
        body = {"request": {}} if i % 2 else {"login": "userapp", "password": "OnePass"}
        answer = call(sb, "POST", path, body, conn=conn)
        assert answer.status == 200
    conn.close()
    stats = sb.stats()
    assert stats == {"connections": 1, "requests": 100, "accepted": stats["accepted"]}
    assert len({r["connection_id"] for r in sb.requests()}) == 1


def test_chunked_request_body_and_keep_alive(sb: Sandbox) -> None:
    body = json.dumps({"login": "userapp", "password": "OnePass"}).encode()
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(body[i : i + 7]), body[i : i + 7]) for i in range(0, len(body), 7))
    request = (
        b"POST /logindata HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Type: application/json\r\n\r\n" + chunks + b"0\r\n\r\n"
    )
    sock = socket.create_connection(("127.0.0.1", sb.port), timeout=5)
    sock.sendall(request + request)
    data = b""
    while data.count(b'"status":"success"') < 2:
        data += sock.recv(65536)
    sock.close()
    assert data.count(b"HTTP/1.1 200 OK") == 2
    assert sb.stats()["connections"] == 1


def test_request_log_fields(sb: Sandbox) -> None:
    query = [("contrato", CONTRATO), ("uuid", "x"), ("opciones", "A B"), ("opciones", "C+D")]
    cfdi(sb, "consultaCfdiPorUUID", query, body="<x/>")
    fv(sb, "GET", "/api/v1/contract/abc", token="Bearer tok123")
    body, ctype = multipart([("file", "a.pdf", PDF), ("note", None, b"hello")])
    call(sb, "POST", "/api/v1/upfile", body, {"Content-Type": ctype})
    records = sb.requests()
    assert [r["seq"] for r in records] == [1, 2, 3]
    first = records[0]
    assert first["method"] == "POST" and first["path"] == CFDI + "consultaCfdiPorUUID"
    assert first["query"] == [list(p) for p in query]
    assert first["basic_auth"] == {"user": "pade_user", "password": "pade_pass"}
    assert first["headers"]["content-type"] == "application/xml"
    assert first["body_text"] == "<x/>" and first["body_size"] == 4
    assert first["body_sha256"] == hashlib.sha256(b"<x/>").hexdigest()
    assert first["json"] is None and first["multipart"] is None and first["elapsed_ms"] >= 0
    assert records[1]["bearer"] == "tok123" and records[1]["basic_auth"] is None
    parts = records[2]["multipart"]
    assert parts[0] == {
        "name": "file",
        "filename": "a.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
        "sha256": hashlib.sha256(PDF).hexdigest(),
        "head": PDF[:16].decode("latin-1"),
    }
    assert parts[1]["name"] == "note" and parts[1]["filename"] is None and parts[1]["size"] == 5
    assert sb.requests("/servicio") == records[:1]
    call(sb, "POST", "/logindata", {"login": "a", "password": "b"})
    assert sb.requests("/logindata")[0]["json"] == {"login": "a", "password": "b"}


def test_unknown_path_and_method(sb: Sandbox) -> None:
    answer = call(sb, "GET", "/nowhere")
    assert answer.status == 404 and answer.headers["Content-Type"].startswith("text/html")
    assert call(sb, "GET", FES).status == 405
    assert call(sb, "POST", FES.replace("obtenerCertificado", "otro"), {}).status == 404


def test_tls_mode() -> None:
    with Sandbox.start(tls=True) as sandbox:
        assert sandbox.base.startswith("https://")
        context = ssl.create_default_context(cafile=str(sandbox.ca_file))
        conn = http.client.HTTPSConnection("127.0.0.1", sandbox.port, context=context, timeout=10)
        for _ in range(3):
            conn.request(
                "POST",
                "/logindata",
                body=json.dumps({"login": "userapp", "password": "OnePass"}),
                headers={"Content-Type": "application/json"},
            )
            answer = conn.getresponse()
            assert answer.status == 200 and json.loads(answer.read())["status"] == "success"
        conn.close()
        assert sandbox.stats()["connections"] == 1
        with pytest.raises(ssl.SSLError):
            http.client.HTTPSConnection(
                "127.0.0.1", sandbox.port, context=ssl.create_default_context(), timeout=5
            ).request("GET", "/")
        sandbox.fault("headers_then_silence")
        tls = context.wrap_socket(socket.create_connection(("127.0.0.1", sandbox.port)), server_hostname="127.0.0.1")
        tls.sendall(b"POST /logindata HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
        assert tls.recv(100).startswith(b"HTTP/1.1 200")
        tls.close()
        assert wait_finished(sandbox)["elapsed_ms"] < 3000


@pytest.mark.skipif(not ipv6_available(), reason="no IPv6 loopback")
def test_ipv6_loopback() -> None:
    with Sandbox.start(host="::1") as sandbox:
        assert sandbox.base == f"http://[::1]:{sandbox.port}"
        conn = http.client.HTTPConnection("::1", sandbox.port, timeout=5)
        conn.request("POST", "/logindata", body=b"{}", headers={"Content-Type": "application/json"})
        assert conn.getresponse().status == 400
        conn.close()
