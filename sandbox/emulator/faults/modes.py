"""The fault modes: each a method ``fault_<mode>`` that answers (or does not) over the connection.

Modes that replace the answer get (request, service, params); modes derived from the normal answer
also get that answer. What a mode needs to know about a service — its business error, the frame of
a huge answer, its content type, its own answer rewrites — comes from the service's descriptor.
"""

from __future__ import annotations

import dataclasses
import http
import time
from typing import Any

from emulator.faults.payloads import inject_bytes
from emulator.plumbing.answers import Answer, empty_answer, html_answer, json_answer
from emulator.plumbing.bodies import IO_CHUNK
from emulator.plumbing.connection import MAX_FAULT_SECONDS, Connection
from emulator.plumbing.request import Request
from emulator.services.registry import SERVICES


class FaultModes(Connection):
    """A connection that can answer with every fault mode."""

    # -- fault modes that replace the answer ---------------------------------------------------
    def fault_close(self, req: Request, service: str, p: dict[str, Any]) -> None:
        self.close_connection = True

    def fault_reset(self, req: Request, service: str, p: dict[str, Any]) -> None:
        self.abort_with_rst()

    def fault_status(self, req: Request, service: str, p: dict[str, Any]) -> int:
        status = p["status"]
        headers = [("Retry-After", str(p["retry_after"]))] if "retry_after" in p else []
        if p["body"] == "empty":
            answer = empty_answer(status, headers)
        elif p["body"] == "json":
            try:
                phrase = http.HTTPStatus(status).phrase
            except ValueError:
                phrase = "Error"
            answer = json_answer(status, {"status": status, "error": phrase})
            answer.headers = headers
        else:
            answer = html_answer(status, "Injected by the sandbox", headers)
        return self.write_answer(answer)

    def fault_redirect(self, req: Request, service: str, p: dict[str, Any]) -> int:
        return self.write_answer(html_answer(p["status"], f"Moved to {p['location']}", [("Location", p["location"])]))

    def fault_service_error(self, req: Request, service: str, p: dict[str, Any]) -> int:
        return self.write_answer(SERVICES[service].service_error(req, p["code"], p.get("message")))

    def fault_huge(self, req: Request, service: str, p: dict[str, Any]) -> int:
        total = p["bytes"]
        prefix, unit, suffix = SERVICES[service].huge_frame
        if total < len(prefix) + len(suffix):
            prefix, suffix = b"", b""
        content_type = SERVICES[service].content_type
        deadline = time.monotonic() + MAX_FAULT_SECONDS
        self.send(
            self.head_bytes(200, [("Content-Type", content_type), ("Content-Length", str(total))]) + prefix, deadline
        )
        remaining = total - len(prefix) - len(suffix)
        block = unit * IO_CHUNK
        while remaining > 0:
            if time.monotonic() > deadline:
                self.close_connection = True
                return 200
            piece = block if remaining >= len(block) else block[:remaining]
            self.send(piece, deadline)
            remaining -= len(piece)
        self.send(suffix, deadline)
        return 200

    def fault_endless(self, req: Request, service: str, p: dict[str, Any]) -> int:
        prefix, unit, _ = SERVICES[service].huge_frame
        content_type = SERVICES[service].content_type
        deadline = time.monotonic() + MAX_FAULT_SECONDS
        self.close_connection = True  # the body never ends: the connection cannot be reused
        chunk = unit * p["chunk_bytes"]
        framed = b"%x\r\n" % len(chunk) + chunk + b"\r\n"
        self.send(
            self.head_bytes(200, [("Content-Type", content_type), ("Transfer-Encoding", "chunked")])
            + b"%x\r\n" % len(prefix)
            + prefix
            + b"\r\n",
            deadline,
        )
        while time.monotonic() < deadline:
            self.send(framed, deadline)
            if p["interval_ms"] and not self.wait(p["interval_ms"] / 1000):
                break
        return 200

    def fault_headers_then_silence(self, req: Request, service: str, p: dict[str, Any]) -> int:
        content_type = SERVICES[service].content_type
        self.close_connection = True
        self.send(self.head_bytes(200, [("Content-Type", content_type), ("Content-Length", "100")]))
        self.wait(MAX_FAULT_SECONDS)
        return 200

    # -- fault modes derived from the normal answer --------------------------------------------
    def fault_delay(self, req: Request, service: str, p: dict[str, Any], answer: Answer) -> int | None:
        if not self.wait(p["ms"] / 1000):
            self.close_connection = True
            return None
        return self.write_answer(answer)

    def fault_truncate(self, req: Request, service: str, p: dict[str, Any], answer: Answer) -> int:
        self.close_connection = True
        head = self.head_bytes(answer.status, self.answer_headers(answer, len(answer.body)))
        self.send(head + answer.body[: len(answer.body) // 2])
        return answer.status

    def fault_reset_mid_body(self, req: Request, service: str, p: dict[str, Any], answer: Answer) -> int:
        self.close_connection = True
        head = self.head_bytes(answer.status, self.answer_headers(answer, len(answer.body)))
        self.send(head + answer.body[: len(answer.body) // 2])
        time.sleep(0.1)  # let the client read the partial answer before the RST arrives
        self.abort_with_rst()
        return answer.status

    def fault_invalid_body(self, req: Request, service: str, p: dict[str, Any], answer: Answer) -> int:
        broken = answer.body[: max(1, len(answer.body) // 2)] if answer.body else b"{"
        return self.write_answer(dataclasses.replace(answer, body=broken))

    def fault_invalid_utf8(self, req: Request, service: str, p: dict[str, Any], answer: Answer) -> int:
        return self.write_answer(dataclasses.replace(answer, body=inject_bytes(answer, b"\xc3\x28\xff\xfe")))

    def fault_nul_bytes(self, req: Request, service: str, p: dict[str, Any], answer: Answer) -> int:
        escaped = b"\\u0000" if p["style"] == "escaped" and answer.fmt == "json" else None
        return self.write_answer(dataclasses.replace(answer, body=inject_bytes(answer, b"A\x00B", escaped)))

    def fault_drip(self, req: Request, service: str, p: dict[str, Any], answer: Answer) -> int | None:
        data = self.head_bytes(answer.status, self.answer_headers(answer, len(answer.body))) + answer.body
        rate = p["bytes_per_second"]
        step = 1 if rate <= 20 else int(rate * 0.05)
        interval = step / rate
        deadline = time.monotonic() + MAX_FAULT_SECONDS
        for offset in range(0, len(data), step):
            if time.monotonic() > deadline:
                self.close_connection = True
                return None
            self.send(data[offset : offset + step], deadline)
            if offset + step < len(data) and not self.wait(interval):
                self.close_connection = True
                return None
        return answer.status

    def fault_close_after(self, req: Request, service: str, p: dict[str, Any], answer: Answer) -> int:
        status = self.write_answer(answer)
        self.close_connection = True
        return status

    def fault_bad_certificate(self, req: Request, service: str, p: dict[str, Any], answer: Answer) -> int:
        return self.write_answer(SERVICES[service].answer_faults["bad_certificate"](req, p, answer))

    def fault_odd_certificate(self, req: Request, service: str, p: dict[str, Any], answer: Answer) -> int:
        return self.write_answer(SERVICES[service].answer_faults["odd_certificate"](req, p, answer))

    def fault_wrong_rut_certificate(self, req: Request, service: str, p: dict[str, Any], answer: Answer) -> int:
        return self.write_answer(SERVICES[service].answer_faults["wrong_rut_certificate"](req, p, answer))
