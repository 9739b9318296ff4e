"""The fault suite: every way a server or a network can fail, against fault-injecting loopback
servers (the sandbox's fault modes, raw Python sockets, local TLS servers with bad certificates).

One test per row. Each asserts the envelope (kind, code, retryable), how many requests the server
received, and how long the call took. Timeouts must be honoured within 10 %.

Set SELLO_FAULT_REPORT=path to get a JSON list of {row, seconds, outcome} for every row run.
"""

from __future__ import annotations

import base64
import json
import os
import pathlib
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from typing import Any, Callable

import pytest
from control import Sandbox
from sello_ffi import Client, all_text, call
from sello_fixtures import (
    CFDI_BY_UUID as CONSULTA,
)
from sello_fixtures import (
    CFDI_USER,
    FES_REQUEST,
    FES_USER,
    FV_USER,
)
from sello_fixtures import (
    FAST_RETRIES as RETRIES,
)
from sello_fixtures import (
    FES_OBTAIN as OBTAIN,
)
from sello_fixtures import (
    SEEDED_CONTRACT as FV_CONTRACT,
)

HERE = pathlib.Path(__file__).resolve().parent

FAST = 1.0  # seconds: a row that involves no timeout and no Retry-After finishes within this


# -- measuring -----------------------------------------------------------------------------------

REPORT: list[dict[str, Any]] = []


@pytest.fixture(scope="module", autouse=True)
def _report() -> Any:
    yield
    target = os.environ.get("SELLO_FAULT_REPORT")
    if target:
        pathlib.Path(target).write_text(json.dumps(REPORT, indent=1))


def timed(function: Callable[[], dict[str, Any]], row: str) -> tuple[dict[str, Any], float]:
    started = time.monotonic()
    envelope = function()
    elapsed = time.monotonic() - started
    error = envelope.get("error") or {}
    REPORT.append(
        {
            "row": row,
            "seconds": round(elapsed, 3),
            "outcome": "ok"
            if envelope.get("ok")
            else f"{error.get('kind')}/{error.get('code')}/retryable={error.get('retryable')}",
            "attempts": envelope.get("meta", {}).get("attempts"),
        }
    )
    return envelope, elapsed


def expect(envelope: dict[str, Any], kind: str, code: str, retryable: bool) -> dict[str, Any]:
    assert envelope["ok"] is False, envelope
    error = envelope["error"]
    assert (error["kind"], error["code"], error["retryable"]) == (kind, code, retryable), error
    return error


def within(elapsed: float, seconds: float) -> None:
    """A timeout honoured within 10 %: not before it, and not 10 % after it."""
    assert seconds * 0.98 <= elapsed <= seconds * 1.10, f"{elapsed:.3f} s for a {seconds:.3f} s timeout"


# -- clients -------------------------------------------------------------------------------------


def fes(base_url: str, **overrides: Any) -> Client:
    client = Client("fes", {"base_url": base_url, **FES_USER, "retries": RETRIES, **overrides})
    assert client.handle, client.error
    return client


def fv(sandbox: Sandbox, **overrides: Any) -> Client:
    client = Client("fv", {"base_url": sandbox.fv_url, **FV_USER, "retries": RETRIES, **overrides})
    assert client.handle, client.error
    return client


def cfdi(sandbox: Sandbox, **overrides: Any) -> Client:
    client = Client("cfdi", {"base_url": sandbox.cfdi_url, **CFDI_USER, "retries": RETRIES, **overrides})
    assert client.handle, client.error
    return client


def stamp_directly(sandbox: Sandbox) -> str:
    """Stamps a CFDI by talking to the sandbox directly (not through the library) and returns its
    UUID, so that the cfdi_get_by_uuid rows depend on nothing but cfdi_get_by_uuid."""
    now = time.gmtime(time.time() - 6 * 3600)  # CDMX time
    datos = f"CFDI|3.3|A|1|{time.strftime('%Y-%m-%dT%H:%M:%S', now)}\nTOTAL|100.00\n"
    query = urllib.parse.urlencode(
        {"contrato": CFDI_USER["contrato"], "prueba": "false", "datos": base64.b64encode(datos.encode()).decode()}
    )
    request = urllib.request.Request(f"{sandbox.cfdi_url}/integracion/procesarArchivo?{query}", data=b"", method="POST")
    request.add_header("Content-Type", "application/xml")
    request.add_header(
        "Authorization",
        "Basic " + base64.b64encode(f"{CFDI_USER['usuario']}:{CFDI_USER['password']}".encode()).decode(),
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        xml = answer.read().decode()
    # The folio's element is <UUID> (as today's clients read it), or <uuid> (the seed's prose).
    tag = "UUID" if "<UUID>" in xml else "uuid"
    return xml.split(f"<{tag}>")[1].split(f"</{tag}>")[0]


# -- raw loopback servers ------------------------------------------------------------------------


class RawServer:
    """A TCP server on 127.0.0.1 run by the test: `handler(connection, server)` for each accepted
    connection, each in its own thread. Counts connections and complete request heads."""

    def __init__(self, handler: Callable[[socket.socket, "RawServer"], None] | None, backlog: int = 16) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(backlog)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.connections = 0
        self.requests = 0
        self.stop = threading.Event()
        self.handler = handler
        if handler is not None:
            threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        with connection:
            try:
                assert self.handler is not None
                self.handler(connection, self)
            except OSError:
                pass

    def read_request(self, connection: socket.socket) -> bytes:
        """One request (head and Content-Length body); counts it."""
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = connection.recv(65536)
            if not chunk:
                return data
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(body) < length:
            chunk = connection.recv(65536)
            if not chunk:
                break
            body += chunk
        self.requests += 1
        return head + b"\r\n\r\n" + body

    def wait_until_closed(self, connection: socket.socket, limit: float = 30) -> None:
        """Never answers: waits until the client leaves (or `limit` seconds pass)."""
        connection.settimeout(limit)
        try:
            while connection.recv(65536):
                pass
        except OSError:
            pass

    def close(self) -> None:
        self.stop.set()
        self.sock.close()

    def __enter__(self) -> "RawServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


CONTRACT = "/api/v1/contract/"


def received(server: Sandbox, prefix: str, action: Callable[[], Any]) -> tuple[Any, int]:
    """Runs `action` and returns how many requests under `prefix` the server received meanwhile."""
    before = len(server.requests(prefix))
    result = action()
    return result, len(server.requests(prefix)) - before


# -- connecting ----------------------------------------------------------------------------------


def test_connection_refused() -> None:
    port = closed_port()
    with fes(f"http://127.0.0.1:{port}") as client:
        envelope, elapsed = timed(lambda: client.call("obtain_certificate", FES_REQUEST), "connection refused")
    expect(envelope, "transport", "CONNECT_FAILED", True)
    assert envelope["meta"]["attempts"] == 0  # nothing reached a server (tried three times, then given up)
    assert envelope["meta"]["http_status"] is None
    assert elapsed < FAST
    # Which address could not be reached, and what to check: base_url's host.
    assert envelope["error"]["field"] == "base_url", envelope["error"]
    assert f"port {port}" in envelope["error"]["message"] and "check base_url" in envelope["error"]["message"]


def test_a_proxy_that_refuses_connections_is_named(sandbox) -> None:
    port = closed_port()
    with fes(sandbox.fes_url, proxy=f"http://127.0.0.1:{port}") as client:
        envelope = client.call("obtain_certificate", FES_REQUEST)
    expect(envelope, "transport", "CONNECT_FAILED", True)
    assert envelope["error"]["field"] == "proxy", envelope["error"]
    assert f"port {port}" in envelope["error"]["message"] and "the proxy" in envelope["error"]["message"]
    assert sandbox.requests() == []


PROXY_VARIABLES = (
    "https_proxy",
    "HTTPS_PROXY",
    "http_proxy",
    "HTTP_PROXY",
    "all_proxy",
    "ALL_PROXY",
    "no_proxy",
    "NO_PROXY",
)
ENVIRONMENT_PROXY = "http://corp:Pr0xy-S3cret@proxy.corp.example:3128"


@pytest.fixture
def proxy_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No proxy variable set, whatever the machine's environment; the test sets its own."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def assert_names_the_environments_proxy(envelope: dict[str, Any], variable: str) -> None:
    message = envelope["error"]["message"]
    assert f"{variable} is set in the environment" in message, message
    assert "proxy.corp.example:3128" in message and "sello does not use the environment's proxy" in message, message
    assert "give it as the client's proxy setting" in message, message
    assert "Pr0xy-S3cret" not in json.dumps(envelope) and "corp:" not in message, message  # never the password


@pytest.mark.parametrize("variable", ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "HTTP_PROXY"])
def test_a_proxy_in_the_environment_is_named_when_the_host_cannot_be_resolved(proxy_environment, variable) -> None:
    """The audit (r2_proxy_env.py): a machine whose only way out is HTTPS_PROXY got "cannot resolve
    base_url's host" and nothing about the proxy the library does not use."""
    proxy_environment.setenv(variable, ENVIRONMENT_PROXY)
    with fes("https://fes.example.invalid/generateFES", retries={"max": 0}) as client:
        envelope = client.call("obtain_certificate", FES_REQUEST)
    error = expect(envelope, "transport", "DNS_FAILED", True)
    assert error["field"] == "base_url" and "check base_url" in error["message"], error
    assert_names_the_environments_proxy(envelope, variable)


def test_a_proxy_in_the_environment_is_named_when_the_host_cannot_be_reached(proxy_environment) -> None:
    # TEST-NET-1 (RFC 5737): never routed, so refused at once or not answered before the timeout.
    proxy_environment.setenv("HTTPS_PROXY", ENVIRONMENT_PROXY)
    with fes("https://192.0.2.1/generateFES", retries={"max": 0}, connect_timeout_ms=300) as client:
        envelope = client.call("obtain_certificate", FES_REQUEST)
    assert envelope["error"]["code"] in ("CONNECT_FAILED", "CONNECT_TIMEOUT"), envelope
    assert_names_the_environments_proxy(envelope, "HTTPS_PROXY")


@pytest.mark.parametrize(
    "base_url,extra,no_proxy",
    [
        ("https://fes.example.invalid/generateFES", {"proxy": "http://127.0.0.1:9"}, None),  # proxy configured
        ("https://fes.example.invalid/generateFES", {}, ".example.invalid"),  # NO_PROXY names the host
        ("http://127.0.0.1:9/generateFES", {}, None),  # loopback: never through a proxy
    ],
    ids=["proxy-configured", "no-proxy", "loopback"],
)
def test_the_environments_proxy_is_not_named_where_it_would_not_help(proxy_environment, base_url, extra, no_proxy):
    proxy_environment.setenv("HTTPS_PROXY", ENVIRONMENT_PROXY)
    proxy_environment.setenv("HTTP_PROXY", ENVIRONMENT_PROXY)
    if no_proxy:
        proxy_environment.setenv("NO_PROXY", no_proxy)
    with fes(base_url, retries={"max": 0}, **extra) as client:
        envelope = client.call("obtain_certificate", FES_REQUEST)
    assert envelope["error"]["code"] in ("DNS_FAILED", "CONNECT_FAILED"), envelope
    assert "PROXY is set" not in envelope["error"]["message"], envelope


def test_connect_timeout_honoured() -> None:
    """A listening socket whose accept queue is full: the SYN is dropped and connect() hangs."""
    with RawServer(None, backlog=0) as server:
        fillers = []
        try:
            for _ in range(8):  # fill the accept queue until a connect blocks
                filler = socket.socket()
                filler.settimeout(0.2)
                try:
                    filler.connect(("127.0.0.1", server.port))
                except OSError:
                    filler.close()
                    break
                fillers.append(filler)
            with fes(server.url, connect_timeout_ms=1500, retries={"max": 0}) as client:
                envelope, elapsed = timed(lambda: client.call("obtain_certificate", FES_REQUEST), "connect timeout")
        finally:
            for filler in fillers:
                filler.close()
    expect(envelope, "timeout", "CONNECT_TIMEOUT", True)  # nothing was sent: safe to repeat
    assert envelope["meta"]["attempts"] == 0
    within(elapsed, 1.5)


def test_server_accepts_and_never_answers() -> None:
    requests: list[bytes] = []

    def silent(connection: socket.socket, server: RawServer) -> None:
        requests.append(server.read_request(connection))
        server.wait_until_closed(connection)

    with RawServer(silent) as server:
        with fes(server.url, timeout_ms=2000) as client:
            envelope, elapsed = timed(lambda: client.call("obtain_certificate", FES_REQUEST), "accepts, never answers")
        time.sleep(0.05)
        assert (server.connections, server.requests) == (1, 1)  # sent once, never again
    error = expect(envelope, "timeout", "TIMEOUT", False)
    assert "check with the provider" in error["message"]
    assert envelope["meta"]["attempts"] == 1
    within(elapsed, 2.0)


def test_headers_then_silence(sandbox) -> None:
    sandbox.fault("headers_then_silence")
    with fes(sandbox.fes_url, timeout_ms=2000) as client:
        envelope, elapsed = timed(lambda: client.call("obtain_certificate", FES_REQUEST), "headers then silence")
    expect(envelope, "timeout", "TIMEOUT", False)
    assert envelope["meta"]["attempts"] == 1 and len(sandbox.requests()) == 1
    within(elapsed, 2.0)


def test_one_byte_a_second(sandbox) -> None:
    """Drip: the whole answer, status line included, one byte a second; every read succeeds, only
    the total timeout ends it."""
    sandbox.fault("drip", bytes_per_second=1)
    with fes(sandbox.fes_url, timeout_ms=2000) as client:
        envelope, elapsed = timed(lambda: client.call("obtain_certificate", FES_REQUEST), "one byte a second (drip)")
    expect(envelope, "timeout", "TIMEOUT", False)
    assert len(sandbox.requests()) == 1
    within(elapsed, 2.0)


# -- broken answers ------------------------------------------------------------------------------


def test_reset_in_the_middle_of_the_body(sandbox) -> None:
    sandbox.fault("reset_mid_body")
    with fes(sandbox.fes_url) as client:
        envelope, elapsed = timed(lambda: client.call("obtain_certificate", FES_REQUEST), "reset mid body")
    error = expect(envelope, "transport", "CONNECTION_LOST", False)  # it was processed: never again
    assert "check with the provider" in error["message"]
    assert envelope["meta"]["attempts"] == 1 and len(sandbox.requests()) == 1
    assert elapsed < FAST


def test_body_shorter_than_its_content_length(sandbox) -> None:
    sandbox.fault("truncate")
    with fes(sandbox.fes_url) as client:
        envelope, elapsed = timed(
            lambda: client.call("obtain_certificate", FES_REQUEST), "body shorter than Content-Length"
        )
    expect(envelope, "transport", "CONNECTION_LOST", False)
    assert envelope["meta"]["attempts"] == 1 and len(sandbox.requests()) == 1
    assert elapsed < FAST


def test_idempotent_read_is_retried_after_a_reset(sandbox) -> None:
    with fv(sandbox) as client:
        assert client.call("get_contract", {"IDContract": FV_CONTRACT})["ok"]  # logged in
        sandbox.fault("reset", prefix="/api/v1/contract/")
        (envelope, elapsed), sent = received(
            sandbox,
            CONTRACT,
            lambda: timed(
                lambda: client.call("get_contract", {"IDContract": FV_CONTRACT}),
                "reset on fv_get_contract (idempotent)",
            ),
        )
    assert envelope["ok"] is True, envelope
    assert sent == 2
    # libcurl itself re-sends a read once when a reused connection dies before any answer; the
    # library counts every request that started on the wire, so attempts matches the server.
    assert envelope["meta"]["attempts"] == 2
    assert elapsed < FAST


def test_pooled_connection_closed_by_the_server(sandbox) -> None:
    sandbox.fault("close_after")
    with fes(sandbox.fes_url) as client:
        first = client.call("obtain_certificate", FES_REQUEST)
        time.sleep(0.1)  # the server has closed the pooled connection by now
        envelope, elapsed = timed(
            lambda: client.call("obtain_certificate", FES_REQUEST), "pooled connection closed (close_after)"
        )
    assert first["ok"] is True and envelope["ok"] is True, envelope
    assert envelope["meta"]["attempts"] == 1
    assert sandbox.stats()["requests"] == 2 and sandbox.stats()["connections"] == 2  # a new connection, once
    assert elapsed < FAST


# -- statuses ------------------------------------------------------------------------------------


@pytest.mark.parametrize("status,code", [(429, "RATE_LIMITED"), (503, "SERVICE_UNAVAILABLE")])
def test_retry_after_is_honoured(sandbox, status: int, code: str) -> None:
    """Not processed ("not now"): even the costly call is repeated, after the time asked."""
    sandbox.fault("status", status=status, retry_after=1)
    with fes(sandbox.fes_url) as client:
        envelope, elapsed = timed(
            lambda: client.call("obtain_certificate", FES_REQUEST), f"{status} with Retry-After: 1"
        )
        logs = client.logs
    assert envelope["ok"] is True, envelope
    assert any("retry 1" in line and code in line for _, line in logs), logs
    assert envelope["meta"]["attempts"] == 2 and len(sandbox.requests()) == 2
    assert 1.0 <= elapsed <= 1.0 + FAST


def test_503_without_retry_after_is_not_repeated_for_a_costly_call(sandbox) -> None:
    sandbox.fault("status", status=503)
    with fes(sandbox.fes_url) as client:
        envelope, elapsed = timed(
            lambda: client.call("obtain_certificate", FES_REQUEST), "503 without Retry-After (costly call)"
        )
    expect(envelope, "http", "SERVICE_UNAVAILABLE", False)
    assert len(sandbox.requests()) == 1 and elapsed < FAST
    # Without Retry-After the service does not say "not processed": the certificate may have been
    # issued, and the caller is told so, as after a 500 (stamp-twice review).
    assert "may have reached the service" in envelope["error"]["message"], envelope
    assert "check with the provider" in envelope["error"]["message"], envelope


def test_hostile_retry_after() -> None:
    """Retry-After: 2^63-1 seconds used to overflow and kill the process; in a child process so that
    a crash fails this test only."""
    program = f"""
import json, socket, sys, threading
sys.path.insert(0, {str(HERE)!r})
from sello_ffi import Client
server = socket.socket(); server.bind(("127.0.0.1", 0)); server.listen(8)
count = [0]
def serve():
    while True:
        connection, _ = server.accept()
        data = b""
        while b"\\r\\n\\r\\n" not in data:
            data += connection.recv(65536)
        count[0] += 1
        connection.sendall(b"HTTP/1.1 429 Too Many Requests\\r\\nRetry-After: 9223372036854775807\\r\\n"
                           b"Content-Length: 0\\r\\n\\r\\n")
        connection.close()
threading.Thread(target=serve, daemon=True).start()
base_url = "http://127.0.0.1:%d" % server.getsockname()[1]
with Client("fes", {{"base_url": base_url, "usuario": "u", "clave": "c-clave"}}) as client:
    envelope = client.call("obtain_certificate", {json.dumps(FES_REQUEST)})
print(json.dumps({{"envelope": envelope, "requests": count[0]}}))
"""
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
    elapsed = time.monotonic() - started
    REPORT.append({"row": "Retry-After: 2^63-1", "seconds": round(elapsed, 3), "outcome": f"exit {result.returncode}"})
    assert result.returncode == 0, f"the process died ({result.returncode}): {result.stderr[-1500:]}"
    outcome = json.loads(result.stdout)
    error = expect(outcome["envelope"], "http", "RATE_LIMITED", True)
    assert error["details"]["retry_after_ms"] > 10**15  # reported, not waited for
    assert outcome["requests"] == 1


@pytest.mark.parametrize("status", [500, 502, 504])
def test_5xx_is_not_repeated_for_obtain_certificate(sandbox, status: int) -> None:
    """fes_obtain_certificate is .onlyIfNotSent: a 5xx may mean it was processed."""
    sandbox.fault("status", status=status, count=-1)
    with fes(sandbox.fes_url) as client:
        envelope, elapsed = timed(
            lambda: client.call("obtain_certificate", FES_REQUEST), f"{status} on fes_obtain_certificate"
        )
    error = expect(envelope, "http", f"HTTP_{status}", False)
    assert "check with the provider" in error["message"]
    assert envelope["meta"]["attempts"] == 1 and len(sandbox.requests()) == 1
    assert envelope["meta"]["http_status"] == status
    assert elapsed < FAST


@pytest.mark.parametrize("status", [500, 502, 504])
def test_5xx_is_retried_for_fv_get_contract(sandbox, status: int) -> None:
    with fv(sandbox) as client:
        assert client.call("get_contract", {"IDContract": FV_CONTRACT})["ok"]  # the token is cached
        sandbox.fault("status", status=status, prefix="/api/v1/contract/")
        (envelope, elapsed), sent = received(
            sandbox,
            CONTRACT,
            lambda: timed(
                lambda: client.call("get_contract", {"IDContract": FV_CONTRACT}), f"{status} once on fv_get_contract"
            ),
        )
        logs = client.logs
    assert envelope["ok"] is True, envelope
    assert any("retry 1" in line and f"HTTP_{status}" in line for _, line in logs), logs
    assert envelope["data"]["sContractID"] == FV_CONTRACT
    assert envelope["meta"]["attempts"] == 2 and sent == 2
    assert elapsed < FAST


def test_persistent_502_on_fv_get_contract_gives_up_after_the_retries(sandbox) -> None:
    with fv(sandbox) as client:
        assert client.call("get_contract", {"IDContract": FV_CONTRACT})["ok"]
        sandbox.fault("status", status=502, prefix="/api/v1/contract/", count=-1)
        (envelope, elapsed), sent = received(
            sandbox,
            CONTRACT,
            lambda: timed(
                lambda: client.call("get_contract", {"IDContract": FV_CONTRACT}), "502 always on fv_get_contract"
            ),
        )
    expect(envelope, "http", "HTTP_502", True)
    assert envelope["meta"]["attempts"] == 3 and sent == 3
    assert elapsed < FAST + 2 * RETRIES["max_delay_ms"] / 1000


@pytest.mark.parametrize("status", [500, 502, 504])
def test_5xx_is_retried_for_cfdi_get_by_uuid(sandbox, status: int) -> None:
    uuid = stamp_directly(sandbox)
    with cfdi(sandbox) as client:
        sandbox.fault("status", status=status, prefix=CONSULTA)
        envelope, elapsed = timed(
            lambda: client.call("get_by_uuid", {"uuid": uuid}), f"{status} once on cfdi_get_by_uuid"
        )
        logs = client.logs
    assert envelope["ok"] is True, envelope
    assert any("retry 1" in line and f"HTTP_{status}" in line for _, line in logs), logs
    assert envelope["meta"]["attempts"] == 2 and len(sandbox.requests(CONSULTA)) == 2
    assert elapsed < FAST


def test_persistent_502_on_cfdi_get_by_uuid_gives_up_after_the_retries(sandbox) -> None:
    uuid = stamp_directly(sandbox)
    with cfdi(sandbox) as client:
        sandbox.fault("status", status=502, prefix=CONSULTA, count=-1)
        envelope, elapsed = timed(lambda: client.call("get_by_uuid", {"uuid": uuid}), "502 always on cfdi_get_by_uuid")
    expect(envelope, "http", "HTTP_502", True)
    assert envelope["meta"]["attempts"] == 3 and len(sandbox.requests(CONSULTA)) == 3
    assert elapsed < FAST + 2 * RETRIES["max_delay_ms"] / 1000


# -- TLS -----------------------------------------------------------------------------------------


def openssl(*args: str, cwd: pathlib.Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


class TLSServer(RawServer):
    """A TLS server on 127.0.0.1 serving one certificate, counting at the TCP level: connections,
    completed handshakes, plain-HTTP attempts (a fallback would show there) and requests. Its
    answer to a request is a FES success without a certificate (never reached by the refused
    rows)."""

    def __init__(self, cert: pathlib.Path, key: pathlib.Path) -> None:
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(str(cert), str(key))
        self.handshakes = 0
        self.plain_http = 0
        super().__init__(self._handle)
        self.url = f"https://127.0.0.1:{self.port}"

    def _handle(self, connection: socket.socket, server: RawServer) -> None:
        connection.settimeout(10)
        try:
            if connection.recv(1, socket.MSG_PEEK) in (b"G", b"P", b"H"):  # GET / POST / HEAD: plain HTTP
                self.plain_http += 1
                return
            tls = self.context.wrap_socket(connection, server_side=True)
        except (ssl.SSLError, OSError):
            return
        self.handshakes += 1
        with tls:
            self.read_request(tls)
            tls.sendall(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


def settled_counts(server: TLSServer) -> tuple[int, int, int, int]:
    """The server's counts once an earlier test's connection has been counted: its thread counts
    as it gets to it, and on a loaded machine (CI, with the sanitizers' builds beside it) a
    connection of the test before was counted inside the next one (2 connections for 1)."""
    counts = (server.connections, server.handshakes, server.plain_http, server.requests)
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = (server.connections, server.handshakes, server.plain_http, server.requests)
        if now == counts:
            break
        counts = now
    return counts


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """Made with the openssl CLI: a CA; a self-signed certificate for 127.0.0.1; and, issued by
    the CA, an expired one for 127.0.0.1 and a valid one for another host name."""
    d = tmp_path_factory.mktemp("tls")
    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=sello fault-suite CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
        cwd=d,
    )
    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "self.key",
        "-out",
        "self.pem",
        "-days",
        "2",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1,DNS:localhost",
        cwd=d,
    )
    (d / "index.txt").write_text("")
    (d / "serial").write_text("1000\n")
    (d / "ca.cnf").write_text(f"""
[ ca ]
default_ca = test_ca
[ test_ca ]
dir = {d}
database = $dir/index.txt
new_certs_dir = $dir
serial = $dir/serial
certificate = $dir/ca.pem
private_key = $dir/ca.key
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = copy
[ policy_any ]
commonName = supplied
""")
    for name, san, start, end in [
        ("expired", "IP:127.0.0.1,DNS:localhost", "20200101000000Z", "20200201000000Z"),
        ("wronghost", "DNS:other.example", "20200101000000Z", "20991231000000Z"),
    ]:
        cn = "127.0.0.1" if name == "expired" else "other.example"
        openssl(
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            f"{name}.key",
            "-out",
            f"{name}.csr",
            "-subj",
            f"/CN={cn}",
            "-addext",
            f"subjectAltName={san}",
            cwd=d,
        )
        openssl(
            "ca",
            "-batch",
            "-notext",
            "-config",
            "ca.cnf",
            "-startdate",
            start,
            "-enddate",
            end,
            "-in",
            f"{name}.csr",
            "-out",
            f"{name}.pem",
            cwd=d,
        )
    return d


@pytest.fixture(scope="module")
def tls_servers(certificates: pathlib.Path) -> Any:
    servers = {
        name: TLSServer(certificates / f"{name}.pem", certificates / f"{name}.key")
        for name in ("self", "expired", "wronghost")
    }
    yield servers
    for server in servers.values():
        server.close()


@pytest.mark.parametrize(
    "name,trust",
    [("self", None), ("expired", "ca.pem"), ("wronghost", "ca.pem")],
    ids=["self-signed", "expired", "wrong-host"],
)
def test_bad_certificate_is_refused(tls_servers, certificates, name: str, trust: str | None) -> None:
    """Refused, nothing sent, no retry, and no other connection (no plain-HTTP fallback). The
    expired and wrong-host certificates are issued by a CA the client trusts (ca_file), so that
    the expiry or the host name is the only thing wrong with them."""
    server: TLSServer = tls_servers[name]
    before = settled_counts(server)
    extra = {"ca_file": str(certificates / trust)} if trust else {}
    with fes(server.url, **extra) as client:
        envelope, elapsed = timed(lambda: client.call("obtain_certificate", FES_REQUEST), f"TLS {name} certificate")
    time.sleep(0.05)
    error = expect(envelope, "transport", "TLS_FAILED", False)
    assert "nothing was sent" in error["message"]
    assert envelope["meta"]["attempts"] == 0
    connections, handshakes, plain_http, requests = (
        a - b for a, b in zip((server.connections, server.handshakes, server.plain_http, server.requests), before)
    )
    # One TCP connection (no retry), no plain-HTTP fallback, no request. The handshake is refused
    # by the client, except for the wrong host name: OpenSSL completes the handshake and libcurl
    # checks the name right after, before sending anything.
    assert (connections, plain_http, requests) == (1, 0, 0)
    assert handshakes == (1 if name == "wronghost" else 0)
    assert elapsed < FAST


def test_ca_file_makes_the_self_signed_certificate_work(certificates) -> None:
    with Sandbox.start(tls=(certificates / "self.pem", certificates / "self.key")) as server:
        with fes(server.fes_url, ca_file=str(certificates / "self.pem")) as client:
            envelope, elapsed = timed(
                lambda: client.call("obtain_certificate", FES_REQUEST), "TLS self-signed with ca_file"
            )
        assert envelope["ok"] is True, envelope
        assert len(server.requests()) == 1 and envelope["meta"]["attempts"] == 1
    assert elapsed < FAST


@pytest.mark.parametrize("content", [b"not a certificate\n", b""], ids=["text", "empty"])
def test_a_ca_file_that_is_not_a_pem_bundle_is_named(tls_servers, tmp_path, content: bytes) -> None:
    """A readable ca_file holding no PEM certificate (a .cer in DER, a key, the wrong file): the
    error names ca_file and says what is wrong with it, not "set ca_file for a private CA"."""
    server: TLSServer = tls_servers["self"]
    wrong = tmp_path / "ca.txt"
    wrong.write_bytes(content)
    with fes(server.url, ca_file=str(wrong)) as client:
        envelope = client.call("obtain_certificate", FES_REQUEST)
    error = expect(envelope, "transport", "TLS_FAILED", False)
    assert error["field"] == "ca_file", error
    assert "is not a PEM CA bundle" in error["message"] and "set ca_file for a private CA" not in error["message"]
    assert envelope["meta"]["attempts"] == 0


def test_no_insecure_fallback_even_when_http_is_allowed(tls_servers) -> None:
    """allow_insecure_http allows http:// URLs; it does not relax https://."""
    server: TLSServer = tls_servers["self"]
    before = settled_counts(server)
    with fes(server.url, allow_insecure_http=True) as client:
        envelope = client.call("obtain_certificate", FES_REQUEST)
    time.sleep(0.05)
    expect(envelope, "transport", "TLS_FAILED", False)
    after = (server.connections, server.handshakes, server.plain_http, server.requests)
    assert [a - b for a, b in zip(after, before)] == [1, 0, 0, 0]


# -- redirects -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def other_host() -> Any:
    with Sandbox.start(host="127.0.0.2") as server:
        yield server


@pytest.fixture(scope="module")
def other_port() -> Any:
    with Sandbox.start() as server:
        yield server


def redirect_location(target: Sandbox, path: str) -> str:
    """A Location carrying credentials in the userinfo and a token in the query: neither may be
    followed or echoed."""
    scheme, rest = target.base.split("://")
    return f"{scheme}://sello:Redirect-Pa55word@{rest}{path}?token=Redirect-T0ken-123"


@pytest.mark.parametrize("which", ["host", "port", "scheme"])
def test_redirect_is_refused(sandbox, other_host, other_port, tls_servers, which: str) -> None:
    if which == "scheme":  # http -> https, same host
        target: Any = tls_servers["self"]
        location = f"https://sello:Redirect-Pa55word@127.0.0.1:{target.port}{OBTAIN}?token=Redirect-T0ken-123"
        before = target.connections
        count = lambda: target.connections - before  # noqa: E731
    else:
        target = {"host": other_host, "port": other_port}[which]
        target.reset()
        location = redirect_location(target, OBTAIN)
        count = lambda: target.stats()["accepted"] - 1 + len(target.requests())  # noqa: E731 (the stats call itself)
    sandbox.fault("redirect", status=307, location=location)
    with fes(sandbox.fes_url) as client:
        envelope, elapsed = timed(
            lambda: client.call("obtain_certificate", FES_REQUEST), f"redirect to another {which}"
        )
    error = expect(envelope, "http", "REDIRECT_NOT_FOLLOWED", False)
    assert "Redirect-Pa55word" not in error["message"] and "Redirect-T0ken-123" not in error["message"]
    assert envelope["meta"]["attempts"] == 1 and len(sandbox.requests()) == 1
    assert count() == 0  # the other server received nothing at all, not even a connection
    assert elapsed < FAST


def test_redirect_never_carries_the_bearer_token(sandbox, other_host) -> None:
    other_host.reset()
    with fv(sandbox) as client:
        assert client.call("get_contract", {"IDContract": FV_CONTRACT})["ok"]
        sandbox.fault(
            "redirect",
            status=302,
            prefix="/api/v1/contract/",
            location=redirect_location(other_host, f"/api/v1/contract/{FV_CONTRACT}"),
        )
        envelope, elapsed = timed(
            lambda: client.call("get_contract", {"IDContract": FV_CONTRACT}), "redirect on fv_get_contract (bearer)"
        )
    expect(envelope, "http", "REDIRECT_NOT_FOLLOWED", False)
    assert other_host.stats()["accepted"] == 1  # that stats call only: not even a connection
    assert other_host.requests() == []
    assert elapsed < FAST


# -- too much, or not the documented format ------------------------------------------------------


def test_endless_body_is_stopped_and_memory_stays_bounded(sandbox) -> None:
    """In a child process, whose peak RSS is reset (clear_refs 5) right before the call."""
    sandbox.fault("endless")
    limit = 4 * 1024 * 1024
    program = f"""
import json, sys, time
sys.path.insert(0, {str(HERE)!r})
from sello_ffi import Client, all_text, call
def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
call("fes_check_request", {json.dumps(FES_REQUEST)})  # warm up the library
with Client("fes", {json.dumps({"base_url": sandbox.fes_url, **FES_USER, "max_response_bytes": limit})}) as client:
    open("/proc/self/clear_refs", "w").write("5")
    before = status("VmRSS")
    started = time.monotonic()
    envelope = client.call("obtain_certificate", {json.dumps(FES_REQUEST)})
    elapsed = time.monotonic() - started
    peak = status("VmHWM")
print(json.dumps({{"envelope": envelope, "growth": peak - before, "elapsed": elapsed}}))
"""
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    outcome = json.loads(result.stdout)
    REPORT.append(
        {
            "row": "endless body (max_response_bytes 4 MiB)",
            "seconds": round(outcome["elapsed"], 3),
            "outcome": outcome["envelope"]["error"]["code"],
            "rss_growth_mb": round(outcome["growth"] / 2**20, 1),
        }
    )
    expect(outcome["envelope"], "protocol", "RESPONSE_TOO_LARGE", False)
    assert outcome["envelope"]["meta"]["attempts"] == 1 and len(sandbox.requests()) == 1
    assert outcome["growth"] < 4 * limit, f"RSS grew by {outcome['growth'] / 2**20:.1f} MiB"
    assert outcome["elapsed"] < 5


def sample_ok(error: dict[str, Any]) -> None:
    sample = error["details"]["sample"]
    assert 0 < len(sample) <= 121, sample
    assert "\x00" not in sample


def expect_repaired(envelope: dict[str, Any]) -> None:
    """An answer with stray bytes whose payload can be read is read (issue 12, item 10)."""
    assert envelope["ok"] is True, envelope
    assert "ANSWER_REPAIRED" in [w["code"] for w in envelope["warnings"]], envelope["warnings"]
    assert any("\ufffd" in text or "\x00" in text for text in all_text(envelope["data"])), envelope["data"]


@pytest.mark.parametrize("mode", ["invalid_utf8", "nul_bytes"])
def test_stray_bytes_in_a_json_answer_are_repaired(sandbox, mode: str) -> None:
    sandbox.fault(mode)
    with fes(sandbox.fes_url) as client:
        envelope, elapsed = timed(lambda: client.call("obtain_certificate", FES_REQUEST), f"FES answer: {mode}")
    expect_repaired(envelope)
    assert envelope["data"]["certificado"]
    assert envelope["meta"]["attempts"] == 1 and len(sandbox.requests()) == 1
    assert elapsed < FAST


@pytest.mark.parametrize("mode", ["invalid_utf8", "nul_bytes"])
def test_stray_bytes_in_an_fv_answer_are_repaired(sandbox, mode: str) -> None:
    with fv(sandbox) as client:
        assert client.call("get_contract", {"IDContract": FV_CONTRACT})["ok"]
        sandbox.fault(mode, prefix="/api/v1/contract/")
        envelope = client.call("get_contract", {"IDContract": FV_CONTRACT})
    expect_repaired(envelope)


@pytest.mark.parametrize("mode", ["invalid_utf8", "nul_bytes"])
def test_stray_bytes_in_an_xml_answer_are_repaired(sandbox, mode: str) -> None:
    uuid = stamp_directly(sandbox)
    with cfdi(sandbox) as client:
        sandbox.fault(mode, prefix=CONSULTA)
        envelope = client.call("get_by_uuid", {"uuid": uuid})
    assert envelope["ok"] is True, envelope
    assert "ANSWER_REPAIRED" in [w["code"] for w in envelope["warnings"]], envelope["warnings"]


@pytest.mark.parametrize("mode", ["invalid_body"])
def test_malformed_json_answer_is_protocol(sandbox, mode: str) -> None:
    sandbox.fault(mode)
    with fes(sandbox.fes_url) as client:
        envelope, elapsed = timed(lambda: client.call("obtain_certificate", FES_REQUEST), f"FES answer: {mode}")
    error = expect(envelope, "protocol", "INVALID_ANSWER", False)
    sample_ok(error)
    assert envelope["meta"]["attempts"] == 1 and len(sandbox.requests()) == 1
    assert elapsed < FAST


def test_escaped_nul_in_a_json_answer_stays_valid_json(sandbox) -> None:
    """\\u0000 inside a string is valid JSON: data, written back escaped (take() would fail on a
    raw NUL, which would cut the C string)."""
    sandbox.fault("nul_bytes", style="escaped")
    with fes(sandbox.fes_url) as client:
        envelope, elapsed = timed(lambda: client.call("obtain_certificate", FES_REQUEST), "FES answer: escaped NUL")
    assert envelope["ok"] is True, envelope
    assert "\x00" in envelope["data"]["comentario"]
    assert elapsed < FAST


@pytest.mark.parametrize("mode", ["invalid_body"])
def test_malformed_fv_answer_is_protocol(sandbox, mode: str) -> None:
    with fv(sandbox) as client:
        assert client.call("get_contract", {"IDContract": FV_CONTRACT})["ok"]
        sandbox.fault(mode, prefix="/api/v1/contract/")
        (envelope, elapsed), sent = received(
            sandbox,
            CONTRACT,
            lambda: timed(lambda: client.call("get_contract", {"IDContract": FV_CONTRACT}), f"FV answer: {mode}"),
        )
    error = expect(envelope, "protocol", "INVALID_ANSWER", False)
    sample_ok(error)
    assert envelope["meta"]["attempts"] == 1 and sent == 1
    assert elapsed < FAST


@pytest.mark.parametrize("mode", ["invalid_body"])
def test_malformed_xml_answer_is_protocol(sandbox, mode: str) -> None:
    uuid = stamp_directly(sandbox)
    with cfdi(sandbox) as client:
        sandbox.fault(mode, prefix=CONSULTA)
        envelope, elapsed = timed(lambda: client.call("get_by_uuid", {"uuid": uuid}), f"CFDI XML answer: {mode}")
    error = expect(envelope, "protocol", "INVALID_ANSWER", False)
    sample_ok(error)
    assert envelope["meta"]["attempts"] == 1 and len(sandbox.requests(CONSULTA)) == 1
    assert elapsed < FAST


# -- hostile input on our side -------------------------------------------------------------------


@pytest.mark.parametrize("shape", ["many members", "long comuna"])
def test_huge_inputs_answer_quickly(shape: str) -> None:
    """Near the 8 MiB request limit, no hang: an object of n distinct members used to cost n²
    (minutes at 8 MiB; now under a second), and a long comuna a Levenshtein table for each of
    the 346 comunas (about a minute; now about 3 s, most of it Comunas.suggestions counting the
    8 MiB name's characters once per comuna)."""
    if shape == "many members":
        request = "{" + ",".join(f'"k{i}":1' for i in range(700_000)) + "}"
        function = "fes_check_request"
    else:
        request = json.dumps({"comuna": "x" * 8_000_000})
        function = "sello_find_comuna"
    assert len(request) < 8 * 1024 * 1024
    envelope, elapsed = timed(lambda: call(function, request), f"8 MiB request: {shape}")
    assert envelope["ok"] is False and envelope["error"]["kind"] in ("invalid_argument", "validation")
    assert elapsed < 10, f"{elapsed:.1f} s"
