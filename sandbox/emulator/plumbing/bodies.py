"""Reading a request body as it arrives: Content-Length or chunked transfer encoding."""

from __future__ import annotations

import re
from typing import Any, Iterator

IO_CHUNK = 64 * 1024


class ClientGone(Exception):
    """The client closed the connection (or stalled) before the request was complete."""


class BadFraming(Exception):
    """The request's Content-Length / Transfer-Encoding cannot be parsed."""


def iter_request_body(rfile: Any, headers: Any) -> Iterator[bytes]:
    """Yield the request body in chunks, from Content-Length or chunked transfer encoding."""
    encoding = (headers.get("transfer-encoding") or "").strip().lower()
    if encoding:
        if encoding != "chunked":
            raise BadFraming(f"unsupported Transfer-Encoding {encoding!r}")
        yield from _iter_chunked(rfile)
        return
    length_text = headers.get("content-length")
    if length_text is None:
        return
    if re.fullmatch(r"[0-9]{1,18}", length_text.strip()) is None:
        raise BadFraming("bad Content-Length")
    remaining = int(length_text)
    while remaining > 0:
        data = _read(rfile, min(IO_CHUNK, remaining))
        remaining -= len(data)
        yield data


def _read(rfile: Any, size: int) -> bytes:
    try:
        data = rfile.read1(size) if hasattr(rfile, "read1") else rfile.read(size)
    except (OSError, ValueError) as exc:
        raise ClientGone(str(exc)) from exc
    if not data:
        raise ClientGone("connection closed in the middle of the body")
    return data


def _read_line(rfile: Any) -> bytes:
    try:
        line = rfile.readline(4096)
    except (OSError, ValueError) as exc:
        raise ClientGone(str(exc)) from exc
    if not line:
        raise ClientGone("connection closed in a chunk header")
    return line


def _iter_chunked(rfile: Any) -> Iterator[bytes]:
    while True:
        size_text = _read_line(rfile).split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError as exc:
            raise BadFraming("bad chunk size") from exc
        if size == 0:
            while _read_line(rfile) not in (b"\r\n", b"\n"):
                pass  # trailers
            return
        while size > 0:
            data = _read(rfile, min(IO_CHUNK, size))
            size -= len(data)
            yield data
        if _read_line(rfile) not in (b"\r\n", b"\n"):
            raise BadFraming("missing CRLF after chunk")
