"""What the CFDI ABI test files share (test_cfdi.py, test_cfdi40.py, test_cfdi_cancel_reason.py,
test_cfdi_status.py): the client fixture, the helpers that read what the sandbox received, and a
canned server for answers only a real service gives (the account, the documents and the CSD
fixture are Tests/support/sello_fixtures.py's). Fixtures defined here are imported by name into
each test file."""

from __future__ import annotations

import http.server
import pathlib
import threading
from typing import Any, Iterator

import pytest
from sello_ffi import Client
from sello_fixtures import CFDI_REST, CFDI_USER, FAST_RETRIES


@pytest.fixture()
def cfdi(cfdi_config) -> Iterator[Client]:
    with Client("cfdi", cfdi_config) as client:
        assert client.handle, client.error
        yield client


def read(path: str) -> bytes:
    return pathlib.Path(path).read_bytes()


def service_requests(sandbox, prefix: str = CFDI_REST) -> list[dict[str, Any]]:
    return sandbox.requests(prefix)


def expect_error(
    envelope: dict, kind: str, code: str, service_code: int | None = None, field: str | None = None
) -> dict:
    assert envelope["ok"] is False, envelope
    error = envelope["error"]
    assert (error["kind"], error["code"]) == (kind, code), error
    if service_code is not None:
        assert error["service_code"] == service_code, error
    if field is not None:
        assert error["field"] == field, error
    return error


def expect_nothing_sent(sandbox, envelope: dict) -> None:
    assert envelope["meta"]["attempts"] == 0, envelope
    assert service_requests(sandbox) == []


def warning_codes(envelope: dict) -> list[str]:
    return [w["code"] for w in envelope.get("warnings", [])]


def assert_basic_and_no_accept(request: dict[str, Any]) -> None:
    """Every Prodigia request: the configured user's Basic credentials, and no Accept header."""
    assert request["basic_auth"] == {"user": CFDI_USER["usuario"], "password": CFDI_USER["password"]}, request
    assert "accept" not in request["headers"], request["headers"]


# --- answers only a real service gives: a canned server -------------------------------------------


class Canned:
    """A loopback HTTP server answering each method (the path's last part) with a fixed status and
    body; it records the paths and headers it received."""

    def __init__(self) -> None:
        self.answers: dict[str, tuple[int, bytes]] = {}
        self.requests: list[str] = []
        self.headers: list[dict[str, str]] = []
        canned = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("content-length") or 0)
                self.rfile.read(length)
                path = self.path.split("?")[0]
                canned.requests.append(path)
                canned.headers.append({k.lower(): v for k, v in self.headers.items()})
                status, body = canned.answers.get(path.rsplit("/", 1)[-1], (404, b"not here"))
                self.send_response(status)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/servicio/rest"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture()
def canned() -> Iterator[Canned]:
    server = Canned()
    yield server
    server.server.shutdown()
    server.server.server_close()


def canned_client(canned: Canned) -> Client:
    return Client("cfdi", {"base_url": canned.url, **CFDI_USER, "retries": {**FAST_RETRIES, "base_delay_ms": 5}})
