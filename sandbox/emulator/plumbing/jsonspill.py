"""A JSON body read as it streams, its long string values summarised instead of kept."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any


class JsonSpill:
    """One long JSON string value, summarised while it streams in: its size, and — when it is
    base64, as a PDF in ``document.content_file`` is — the size, sha256 and first bytes of what
    it decodes to. Neither the text nor the decoded bytes are kept."""

    HEAD = 16

    def __init__(self, number: int) -> None:
        self.number = number
        self.chars = 0
        self.pending = b""  # base64 characters not yet decoded (fewer than 4)
        self.decoded_size = 0
        self.digest = hashlib.sha256()
        self.head = b""
        self.base64 = True
        self.padded = False  # a block ended with "=": nothing may follow

    @property
    def marker(self) -> str:
        return f"\x00spilled:{self.number}"

    def feed(self, raw: bytes) -> None:
        """Raw JSON string content; escape pairs arrive whole (``\\/`` is base64's only one)."""
        self.chars += len(raw)
        if not self.base64:
            return
        if b"\\" in raw:
            raw = raw.replace(b"\\/", b"/")
            if b"\\" in raw:
                self.base64 = False
                return
        data = self.pending + raw
        cut = len(data) - len(data) % 4
        self.pending = data[cut:]
        self._decode(data[:cut])

    def _decode(self, text: bytes) -> None:
        if not text:
            return
        try:
            if self.padded:
                raise ValueError("text after the padding")
            chunk = base64.b64decode(text, validate=True)
        except (ValueError, TypeError):
            self.base64 = False
            return
        self.padded = text.endswith(b"=")
        self.decoded_size += len(chunk)
        self.digest.update(chunk)
        if len(self.head) < self.HEAD:
            self.head += chunk[: self.HEAD - len(self.head)]

    def close(self) -> None:
        if self.pending:
            self.base64 = False
        self.pending = b""

    def summary(self) -> dict[str, Any]:
        decoded = (
            {"size": self.decoded_size, "sha256": self.digest.hexdigest(), "head": self.head.decode("latin-1")}
            if self.base64
            else None
        )
        return {"number": self.number, "chars": self.chars, "base64_decoded": decoded}


class JsonSpiller:
    """Reads a JSON body in chunks, keeping it all except string values longer than
    ``THRESHOLD``, which are summarised as they stream (JsonSpill) and replaced in the kept text
    by a marker. create-contract-express carries a PDF of up to 50 MB as base64 inside its JSON:
    the sandbox reads it in bounded memory, as MultipartParser does for uploads."""

    THRESHOLD = 64 * 1024

    def __init__(self) -> None:
        self.kept = bytearray()
        self.in_string = False
        self.escape_pending = False
        self.short = bytearray()
        self.spill: JsonSpill | None = None
        self.spills: list[JsonSpill] = []

    def feed(self, data: bytes) -> None:
        i, n = 0, len(data)
        while i < n:
            if not self.in_string:
                j = data.find(b'"', i)
                if j < 0:
                    self.kept += data[i:]
                    return
                self.kept += data[i : j + 1]
                self.in_string, self.short, self.spill = True, bytearray(), None
                i = j + 1
                continue
            if self.escape_pending:
                self._string(b"\\" + data[i : i + 1])
                self.escape_pending = False
                i += 1
                continue
            quote, backslash = data.find(b'"', i), data.find(b"\\", i)
            if backslash >= 0 and (quote < 0 or backslash < quote):
                if backslash + 1 < n:
                    self._string(data[i : backslash + 2])
                    i = backslash + 2
                else:
                    self._string(data[i:backslash])
                    self.escape_pending = True
                    i = n
                continue
            if quote < 0:
                self._string(data[i:])
                return
            self._string(data[i:quote])
            self._end_string()
            i = quote + 1

    def _string(self, raw: bytes) -> None:
        if self.spill is not None:
            self.spill.feed(raw)
            return
        self.short += raw
        if len(self.short) > self.THRESHOLD:
            self.spill = JsonSpill(len(self.spills))
            self.spills.append(self.spill)
            self.spill.feed(bytes(self.short))
            self.short = bytearray()

    def _end_string(self) -> None:
        if self.spill is not None:
            self.spill.close()
            self.kept += json.dumps(self.spill.marker)[1:].encode()
        else:
            self.kept += self.short + b'"'
        self.in_string, self.spill = False, None

    def spilled(self, value: Any) -> JsonSpill | None:
        """The spill a string of the parsed JSON stands for, if it is a marker."""
        if isinstance(value, str) and value.startswith("\x00spilled:"):
            number = value.split(":", 1)[1]
            if number.isdigit() and int(number) < len(self.spills):
                return self.spills[int(number)]
        return None
