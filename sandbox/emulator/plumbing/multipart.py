"""multipart/form-data read as it streams: each part summarised (size, sha256, first bytes),
never kept whole."""

from __future__ import annotations

import dataclasses
import email.message
import email.utils
import hashlib
from typing import Any


@dataclasses.dataclass
class Part:
    """One multipart part, summarised while it streams in (the content is never kept whole)."""

    name: str | None
    filename: str | None
    content_type: str | None
    size: int = 0
    digest: Any = dataclasses.field(default_factory=hashlib.sha256)
    head: bytes = b""
    value: bytearray | None = dataclasses.field(default_factory=bytearray)

    VALUE_LIMIT = 64 * 1024

    def write(self, data: bytes) -> None:
        if not data:
            return
        self.size += len(data)
        self.digest.update(data)
        if len(self.head) < 16:
            self.head += data[: 16 - len(self.head)]
        if self.value is not None:
            if self.filename is None and len(self.value) + len(data) <= self.VALUE_LIMIT:
                self.value += data
            else:
                self.value = None

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "filename": self.filename,
            "content_type": self.content_type,
            "size": self.size,
            "sha256": self.digest.hexdigest(),
            "head": self.head.decode("latin-1"),
        }


class MultipartParser:
    """Incremental multipart/form-data parser: feed() chunks, close() at the end.

    Memory stays bounded by the chunk size plus the boundary, whatever the part sizes.
    """

    HEADER_LIMIT = 16 * 1024

    def __init__(self, boundary: str) -> None:
        self.delimiter = b"--" + boundary.encode("latin-1")
        self.buf = bytearray()
        self.state = "preamble"
        self.parts: list[Part] = []
        self.error: str | None = None

    def feed(self, data: bytes) -> None:
        if self.state in ("done", "error"):
            return
        self.buf += data
        while self._step():
            pass

    def close(self) -> None:
        if self.state != "done" and self.state != "error":
            self._fail("multipart body ended before the closing boundary")

    def _fail(self, why: str) -> bool:
        self.state, self.error = "error", why
        self.buf.clear()
        return False

    def _step(self) -> bool:
        """Advance the state machine once; False when more data is needed."""
        buf, delim = self.buf, self.delimiter
        if self.state == "preamble":
            index = buf.find(delim)
            if index < 0:
                del buf[: max(0, len(buf) - len(delim))]
                return False
            del buf[: index + len(delim)]
            self.state = "after_delimiter"
            return True
        if self.state == "after_delimiter":
            while buf[:1] in (b" ", b"\t"):
                del buf[:1]
            if len(buf) < 2:
                return False
            if buf[:2] == b"--":
                self.state = "done"
                buf.clear()
                return False
            if buf[:2] != b"\r\n":
                return self._fail("garbage after boundary")
            del buf[:2]
            self.state = "headers"
            return True
        if self.state == "headers":
            if buf[:2] == b"\r\n":
                block, skip = b"", 2
            else:
                index = buf.find(b"\r\n\r\n")
                if index < 0:
                    return False if len(buf) <= self.HEADER_LIMIT else self._fail("part headers too long")
                block, skip = bytes(buf[:index]), index + 4
            del buf[:skip]
            self.parts.append(self._part_from_headers(block))
            self.state = "body"
            return True
        if self.state == "body":
            marker = b"\r\n" + delim
            index = buf.find(marker)
            part = self.parts[-1]
            if index < 0:
                keep = len(marker) - 1
                if len(buf) > keep:
                    part.write(bytes(buf[: len(buf) - keep]))
                    del buf[: len(buf) - keep]
                return False
            part.write(bytes(buf[:index]))
            del buf[: index + len(marker)]
            self.state = "after_delimiter"
            return True
        return False

    @staticmethod
    def _part_from_headers(block: bytes) -> Part:
        message = email.message.Message()
        for line in block.decode("utf-8", "surrogateescape").split("\r\n"):
            header, sep, value = line.partition(":")
            if sep:
                message[header.strip()] = value.strip()
        raw_name = message.get_param("name", header="content-disposition")
        name = email.utils.collapse_rfc2231_value(raw_name) if isinstance(raw_name, tuple) else raw_name
        return Part(name if isinstance(name, str) else None, message.get_filename(), message.get("content-type"))


def media_type(value: str | None) -> tuple[str, dict[str, str]]:
    """("multipart/form-data", {"boundary": ...}) from a Content-Type header."""
    if not value:
        return "", {}
    message = email.message.Message()
    message["content-type"] = value
    params = message.get_params() or []
    return message.get_content_type().lower(), {k.lower(): v for k, v in params[1:]}
