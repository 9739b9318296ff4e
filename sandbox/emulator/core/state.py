"""The one lock that guards all state — the sandbox's own and every service's, as one lock did
before the split — and the sandbox's own bookkeeping: accepted connections and the recorded
service requests (GET /_sandbox/requests, /_sandbox/stats)."""

from __future__ import annotations

import threading
from typing import Any

LOCK = threading.RLock()
REQUEST_LOG_LIMIT = 20000  # GET /_sandbox/requests keeps the most recent entries


class Recorder:
    """Connections and recorded requests; ``LOCK`` guards them."""

    def __init__(self) -> None:
        self.connection_seq = 0
        self.reset()

    def reset(self) -> None:
        with LOCK:
            self.requests: list[dict[str, Any]] = []
            self.request_seq = 0
            self.accepted = 0
            self.service_connections: set[int] = set()

    def new_connection(self) -> int:
        with LOCK:
            self.connection_seq += 1
            self.accepted += 1
            return self.connection_seq

    def record(self, entry: dict[str, Any], connection_id: int) -> dict[str, Any]:
        """Log a service request; the log keeps the last REQUEST_LOG_LIMIT entries."""
        with LOCK:
            self.request_seq += 1
            entry["seq"] = self.request_seq
            entry["connection_id"] = connection_id
            self.requests.append(entry)
            if len(self.requests) > REQUEST_LOG_LIMIT:
                del self.requests[: len(self.requests) - REQUEST_LOG_LIMIT]
            self.service_connections.add(connection_id)
            return entry

    def finish(self, entry: dict[str, Any], **fields: Any) -> None:
        with LOCK:
            entry.update(fields)

    def snapshot_requests(self, prefix: str | None) -> list[dict[str, Any]]:
        with LOCK:
            return [dict(e) for e in self.requests if prefix is None or e["path"].startswith(prefix)]

    def stats(self) -> dict[str, int]:
        with LOCK:
            return {
                "connections": len(self.service_connections),
                "requests": self.request_seq,
                "accepted": self.accepted,
            }


RECORDER = Recorder()
