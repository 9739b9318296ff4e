"""The request a service handler reads, and the entry the request log shows for it."""

from __future__ import annotations

import dataclasses
import json
import re
import time
from typing import Any

from emulator.core.values import b64_strict
from emulator.plumbing.jsonspill import JsonSpiller
from emulator.plumbing.multipart import Part, media_type

TEXT_RECORD_LIMIT = 1024 * 1024  # body_text is recorded up to 1 MB


@dataclasses.dataclass
class Request:
    method: str
    path: str  # percent-decoded, no query
    raw_path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]  # lower-case names
    body: bytes | None  # None when the body was streamed (multipart)
    body_size: int
    body_sha256: str
    multipart: list[Part] | None = None
    multipart_error: str | None = None
    too_large: bool = False
    spiller: JsonSpiller | None = None  # create-contract-express: long strings summarised

    _json: Any = dataclasses.field(default=None, repr=False)
    _json_done: bool = dataclasses.field(default=False, repr=False)
    _json_ok: bool = dataclasses.field(default=False, repr=False)

    def q(self, name: str) -> str | None:
        """First value of a query parameter."""
        for key, value in self.query:
            if key == name:
                return value
        return None

    def q_all(self, name: str) -> list[str]:
        return [value for key, value in self.query if key == name]

    @property
    def content_type(self) -> str:
        return media_type(self.headers.get("content-type"))[0]

    def json_body(self) -> tuple[bool, Any]:
        """(parsed, value): parsed is False when the body is not UTF-8 JSON."""
        if not self._json_done:
            self._json_done = True
            source = bytes(self.spiller.kept) if self.spiller is not None and not self.too_large else self.body
            if source is not None:
                try:
                    self._json = json.loads(source.decode("utf-8"))
                    self._json_ok = True
                except (UnicodeDecodeError, ValueError):
                    self._json_ok = False
        return self._json_ok, self._json

    def bearer(self) -> str | None:
        scheme, _, token = self.headers.get("authorization", "").strip().partition(" ")
        return token.strip() if scheme.lower() == "bearer" and token.strip() else None

    def basic_auth(self) -> tuple[str, str] | None:
        scheme, _, token = self.headers.get("authorization", "").strip().partition(" ")
        if scheme.lower() != "basic":
            return None
        raw = b64_strict(token.strip())
        if raw is None:
            return None
        user, sep, password = raw.decode("utf-8", "replace").partition(":")
        return (user, password) if sep else None

    def record(self) -> dict[str, Any]:
        """The entry GET /_sandbox/requests shows for this request."""
        text = None
        if self.body is not None and len(self.body) <= TEXT_RECORD_LIMIT:
            try:
                text = self.body.decode("utf-8")
            except UnicodeDecodeError:
                text = None
        parsed, value = self.json_body()
        if parsed and self.spiller is not None and self.spiller.spills:
            value = json.loads(re.sub(r"\\u0000spilled:(\d+)", r"<spilled string #\1>", json.dumps(value)))
        auth = self.basic_auth()
        return {
            "method": self.method,
            "path": self.raw_path,
            "query": [list(p) for p in self.query],
            "headers": dict(self.headers),
            "basic_auth": {"user": auth[0], "password": auth[1]} if auth else None,
            "bearer": self.bearer(),
            "body_size": self.body_size,
            "body_sha256": self.body_sha256,
            "body_text": text,
            "json": value if parsed else None,
            "multipart": [p.as_json() for p in self.multipart] if self.multipart is not None else None,
            **({"spilled": [s.summary() for s in self.spiller.spills]} if self.spiller is not None else {}),
            "elapsed_ms": None,
            "status": None,
            "fault": None,
            "time": time.time(),
        }
