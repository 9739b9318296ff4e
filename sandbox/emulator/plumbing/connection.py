"""One keep-alive HTTP/1.1 connection: its life cycle, reading a request (body streamed,
multipart parsed, long JSON strings spilled), and writing answers — whole, in pieces, slowly, or
cut with an RST. What to answer is the subclass's business (``emulator.server.handler``)."""

from __future__ import annotations

import email.utils
import hashlib
import http
import os
import select
import socket
import ssl
import struct
import time
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl

from emulator.core.runtime import log
from emulator.core.state import RECORDER
from emulator.plumbing.answers import Answer
from emulator.plumbing.bodies import ClientGone, iter_request_body
from emulator.plumbing.jsonspill import JsonSpiller
from emulator.plumbing.multipart import MultipartParser, media_type
from emulator.plumbing.request import TEXT_RECORD_LIMIT, Request

MAX_FAULT_SECONDS = 60.0  # every sleeping/streaming fault stops after this
IDLE_TIMEOUT = 120.0  # an idle keep-alive connection is closed after this
MAX_PLAIN_BODY = 16 * 1024 * 1024  # non-multipart request bodies kept in memory
MAX_MULTIPART_BODY = 128 * 1024 * 1024  # hard limit for a streamed multipart body


class Connection(BaseHTTPRequestHandler):
    """HTTP/1.1 keep-alive connection: one instance per TCP connection, many requests each."""

    protocol_version = "HTTP/1.1"
    server_version = "sello-sandbox/1.0"
    sys_version = ""
    timeout = IDLE_TIMEOUT

    # -- connection lifecycle ------------------------------------------------------------------
    def setup(self) -> None:
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(10)
            self.request.do_handshake()
        super().setup()
        self.conn_id = RECORDER.new_connection()
        self.aborted = False

    def handle_one_request(self) -> None:
        if self.aborted:
            self.close_connection = True
            return
        try:
            super().handle_one_request()
        except (ConnectionError, ssl.SSLError, TimeoutError):
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        log(f"{self.client_address[0]}:{self.client_address[1]} " + format % args)

    # -- writing -------------------------------------------------------------------------------
    def head_bytes(self, status: int, headers: list[tuple[str, str]]) -> bytes:
        """Status line and headers; ``Connection: close`` whenever the connection will close."""
        try:
            reason = http.HTTPStatus(status).phrase
        except ValueError:
            reason = "Unknown"
        lines = [
            f"HTTP/1.1 {status} {reason}",
            f"Date: {email.utils.formatdate(usegmt=True)}",
            f"Server: {self.server_version}",
        ]
        lines += [f"{name}: {value}" for name, value in headers]
        if self.close_connection:
            lines.append("Connection: close")
        elif self.request_version == "HTTP/1.0":
            lines.append("Connection: keep-alive")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    @staticmethod
    def answer_headers(answer: Answer, length: int | None) -> list[tuple[str, str]]:
        headers = [] if answer.fmt == "empty" else [("Content-Type", answer.content_type)]
        # RFC 9110 §8.6: no Content-Length in a 204 (it has no content).
        if length is not None and answer.status != 204:
            headers.append(("Content-Length", str(length)))
        return headers + answer.headers

    def send(self, data: bytes, deadline: float | None = None) -> None:
        """Write bytes; raises ClientGone when the client has gone away (or stalls past deadline)."""
        try:
            if deadline is not None:
                self.connection.settimeout(max(0.05, deadline - time.monotonic()))
            self.wfile.write(data)
        except (OSError, ValueError) as exc:
            raise ClientGone(str(exc)) from exc
        finally:
            if deadline is not None and not self.aborted:
                try:
                    self.connection.settimeout(self.timeout)
                except OSError:
                    pass

    def write_answer(self, answer: Answer) -> int:
        """The one place that writes a complete answer (always with Content-Length)."""
        body = b"" if self.command == "HEAD" or answer.status == 204 else answer.body
        self.send(self.head_bytes(answer.status, self.answer_headers(answer, len(answer.body))) + body)
        return answer.status

    def client_gone(self) -> bool:
        """True when the peer has closed its side.

        Peeks at the raw TCP stream without consuming it; under TLS a pending alert record
        (content type 21, e.g. close_notify) also counts as gone, since a client waiting for an
        answer sends nothing else.
        """
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            if not readable:
                return False
            if not isinstance(self.connection, ssl.SSLSocket):
                return self.connection.recv(1, socket.MSG_PEEK) == b""
            raw = socket.socket(fileno=os.dup(self.connection.fileno()))
            try:
                raw.setblocking(False)
                head = raw.recv(1, socket.MSG_PEEK)
            finally:
                raw.close()
            return head in (b"", b"\x15")
        except BlockingIOError:
            return False
        except (OSError, ValueError):
            return True

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds`` (capped at 60 s); False if the client went away meanwhile."""
        deadline = time.monotonic() + min(seconds, MAX_FAULT_SECONDS)
        while (left := deadline - time.monotonic()) > 0:
            if self.client_gone():
                return False
            time.sleep(min(0.05, left))
        return not self.client_gone()

    def abort_with_rst(self) -> None:
        """Close the TCP connection with RST (SO_LINGER 0)."""
        self.close_connection = True
        self.aborted = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        for closable in (self.rfile, self.connection):
            try:
                closable.close()
            except OSError:
                pass

    # -- request intake ------------------------------------------------------------------------
    def read_request(
        self, path: str, raw_path: str, query_string: str, json_stream_limit: int | None = None
    ) -> Request:
        """Read the whole body (Content-Length or chunked); multipart bodies are parsed as they stream.

        ``json_stream_limit``: the path's JSON body is read as it streams (long strings spilled,
        ``JsonSpiller``) up to this size — a service declares such paths (``Service.json_streams``).
        """
        ctype, ctype_params = media_type(self.headers.get("content-type"))
        parser = (
            MultipartParser(ctype_params["boundary"])
            if (ctype == "multipart/form-data" and ctype_params.get("boundary"))
            else None
        )
        spiller = JsonSpiller() if parser is None and json_stream_limit is not None else None
        limit = MAX_MULTIPART_BODY if parser else MAX_PLAIN_BODY if json_stream_limit is None else json_stream_limit
        digest, size, kept, too_large = hashlib.sha256(), 0, bytearray(), False
        for chunk in iter_request_body(self.rfile, self.headers):
            size += len(chunk)
            digest.update(chunk)
            if size > limit:
                too_large = True
                break
            if parser is not None or spiller is not None:
                (parser or spiller).feed(chunk)  # type: ignore[union-attr]
                if len(kept) <= TEXT_RECORD_LIMIT:
                    kept += chunk[: TEXT_RECORD_LIMIT + 1 - len(kept)]
            else:
                kept += chunk
        if parser is not None and not too_large:
            parser.close()
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        streamed = parser is not None or spiller is not None
        body = bytes(kept) if (not streamed and not too_large) or size <= TEXT_RECORD_LIMIT else None
        return Request(
            self.command,
            path,
            raw_path,
            parse_qsl(query_string, keep_blank_values=True),
            headers,
            body,
            size,
            digest.hexdigest(),
            multipart=parser.parts if parser is not None else None,
            multipart_error=parser.error if parser is not None else None,
            too_large=too_large,
            spiller=spiller,
        )
