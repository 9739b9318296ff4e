"""A hostile HTTP server on loopback for the hardening suites (test_hardening_*.py): it answers each
request with whatever the test's handler returns (any bytes, any status, keep-alive), records what
it received, and can act as the HTTP proxy a client is configured with.

    with Hostile(lambda request: answer(200, b'{"estado":"OK"}')) as server:
        client = Client("fes", {"base_url": server.url, ...})
        ...
        assert server.received[0].path == "/obtenerCertificado"
"""

from __future__ import annotations

import dataclasses
import json
import os
import pathlib
import socket
import subprocess
import sys
import threading
from typing import Any, Callable

HERE = pathlib.Path(__file__).resolve().parent


@dataclasses.dataclass
class Received:
    method: str
    target: str  # as on the request line (an absolute URL when sent to a proxy)
    headers: list[tuple[str, str]]
    body: bytes
    #: How many requests came before this one on its connection (0: the connection's first).
    on_connection: int = 0

    @property
    def path(self) -> str:
        target = self.target
        if "://" in target:
            target = "/" + target.split("://", 1)[1].partition("/")[2]
        return target.partition("?")[0]

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def header_count(self, name: str) -> int:
        return sum(1 for key, _ in self.headers if key.lower() == name.lower())


def answer(status: int, body: bytes, content_type: str = "application/json", extra: str = "") -> bytes:
    """A complete keep-alive HTTP/1.1 answer."""
    return (
        f"HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n{extra}\r\n"
    ).encode() + body


Handler = Callable[[Received], "bytes | None"]


class Hostile:
    """`handler(request)` returns the raw bytes to send (None: close the connection unanswered)."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.received: list[Received] = []
        self.connections = 0
        self._lock = threading.Lock()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        buffer = b""
        served = 0
        with connection:
            try:
                while True:
                    request, buffer = self._read(connection, buffer)
                    if request is None:
                        return
                    request.on_connection, served = served, served + 1
                    with self._lock:
                        self.received.append(request)
                    reply = self.handler(request)
                    if reply is None:
                        return
                    connection.sendall(reply)
            except OSError:
                return

    @staticmethod
    def _read(connection: socket.socket, buffer: bytes) -> tuple[Received | None, bytes]:
        while b"\r\n\r\n" not in buffer:
            chunk = connection.recv(1 << 20)
            if not chunk:
                return None, b""
            buffer += chunk
        head, _, rest = buffer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = (lines[0].split(" ", 2) + ["", ""])[:3]
        headers = [(name.strip(), value.strip()) for name, _, value in (line.partition(":") for line in lines[1:])]
        length = 0
        for name, value in headers:
            if name.lower() == "content-length":
                length = int(value)
        chunked = any(n.lower() == "transfer-encoding" and "chunked" in v.lower() for n, v in headers)
        if chunked:
            body = b""
            while True:
                while b"\r\n" not in rest:
                    chunk = connection.recv(1 << 20)
                    if not chunk:
                        return None, b""
                    rest += chunk
                size_line, _, rest = rest.partition(b"\r\n")
                size = int(size_line.split(b";")[0], 16)
                while len(rest) < size + 2:
                    chunk = connection.recv(1 << 20)
                    if not chunk:
                        return None, b""
                    rest += chunk
                body, rest = body + rest[:size], rest[size + 2 :]
                if size == 0:
                    break
            return Received(method, target, headers, body), rest
        while len(rest) < length:
            chunk = connection.recv(1 << 20)
            if not chunk:
                return Received(method, target, headers, rest), b""
            rest += chunk
        return Received(method, target, headers, rest[:length]), rest[length:]

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self) -> "Hostile":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def run_child(
    program: str, env: dict[str, str] | None = None, timeout: float = 120
) -> tuple[int, dict[str, Any] | None, str]:
    """Runs `program` in a fresh Python with Tests/python and sandbox/ importable (a crash fails
    only the test that caused it). The program prints one JSON line last; returns (exit status,
    that JSON or None, stderr)."""
    prologue = (
        f"import sys; sys.path.insert(0, {str(HERE)!r}); sys.path.insert(0, {str(HERE.parents[1] / 'sandbox')!r})\n"
    )
    full_env = {**os.environ, **(env or {})}
    result = subprocess.run(
        [sys.executable, "-c", prologue + program], capture_output=True, text=True, timeout=timeout, env=full_env
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    return result.returncode, (json.loads(lines[-1]) if lines else None), result.stderr[-3000:]
