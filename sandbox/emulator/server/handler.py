"""What the server answers on each request of a connection: a control request, or a service
request — read whole, recorded, then answered normally or by the first fault queued for it."""

from __future__ import annotations

import sys
import time
import traceback
from urllib.parse import unquote

from emulator.control.common import ctl_error
from emulator.control.routes import CONTROL_PREFIX, CONTROL_ROUTES
from emulator.core.runtime import log
from emulator.core.state import RECORDER
from emulator.faults.modes import FaultModes
from emulator.faults.queue import FAULTS, Fault
from emulator.faults.spec import REPLACING_MODES
from emulator.plumbing.answers import Answer, html_answer
from emulator.plumbing.bodies import BadFraming, ClientGone
from emulator.plumbing.request import Request
from emulator.plumbing.routing import dispatch
from emulator.services.registry import SERVICES, service_of


class SandboxHandler(FaultModes):
    """What to answer: control requests, service requests, and the faults queued for them."""

    def do_GET(self) -> None:
        self.dispatch()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = do_GET

    # -- request intake ------------------------------------------------------------------------
    def dispatch(self) -> None:
        target = self.path
        if "://" in target.split("?", 1)[0]:  # absolute-form request target
            target = "/" + target.split("://", 1)[1].partition("/")[2]
        raw_path, _, query_string = target.partition("?")
        path = unquote(raw_path)
        if path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
            self.handle_control(path, query_string)
        else:
            self.handle_service(path, raw_path, query_string)

    # -- control -------------------------------------------------------------------------------
    def handle_control(self, path: str, query_string: str) -> None:
        try:
            req = self.read_request(path, path, query_string)
        except (ClientGone, BadFraming):
            self.close_connection = True
            return
        func = CONTROL_ROUTES.get((self.command, path.rstrip("/")))
        if func is None:
            known = any(p == path.rstrip("/") for _, p in CONTROL_ROUTES)
            answer = ctl_error(405 if known else 404, "unknown control endpoint")
        else:
            parsed, body = req.json_body()
            if req.body and not parsed:
                answer = ctl_error(400, "body is not JSON")
            else:
                answer = func(dict(req.query), body if parsed else None)
        try:
            self.write_answer(answer)
        except ClientGone:
            self.close_connection = True

    # -- services ------------------------------------------------------------------------------
    def handle_service(self, path: str, raw_path: str, query_string: str) -> None:
        started = time.monotonic()
        service = service_of(path)
        try:
            req = self.read_request(path, raw_path, query_string, SERVICES[service].json_streams.get(path))
        except BadFraming as exc:
            self.close_connection = True
            try:
                self.write_answer(html_answer(400, str(exc)))
            except ClientGone:
                pass
            return
        except ClientGone:
            self.close_connection = True
            return
        entry = RECORDER.record(req.record(), self.conn_id)
        status: int | None = None
        fault: Fault | None = None
        try:
            if req.too_large:
                self.close_connection = True  # the rest of the body is not read
                status = self.write_answer(SERVICES[service].too_large(path))
            else:
                fault = FAULTS.take(path, service)
                if fault:
                    # Known before the answer: a client that reads the log as soon as its answer
                    # arrives must find it (status and elapsed_ms come after the last byte).
                    RECORDER.finish(entry, fault=fault.mode)
                status = self.respond(req, service, fault)
        except ClientGone:
            self.close_connection = True
        finally:
            elapsed = round((time.monotonic() - started) * 1000, 3)
            RECORDER.finish(entry, elapsed_ms=elapsed, status=status, fault=fault.mode if fault else None)
            log(
                f"#{self.conn_id} {req.method} {req.raw_path} -> {status} "
                f"{'[' + fault.mode + '] ' if fault else ''}{elapsed} ms"
            )

    def compute(self, req: Request, service: str) -> Answer:
        try:
            return dispatch(SERVICES[service].routes, req)
        except Exception:  # a sandbox bug must not kill the connection silently
            sys.stderr.write(traceback.format_exc())
            return html_answer(500, "sandbox internal error")

    def respond(self, req: Request, service: str, fault: Fault | None) -> int | None:
        if fault is None:
            return self.write_answer(self.compute(req, service))
        handler = getattr(self, f"fault_{fault.mode}")
        if fault.mode in REPLACING_MODES:
            if fault.params.get("process"):
                self.compute(req, service)
            return handler(req, service, fault.params)
        return handler(req, service, fault.params, self.compute(req, service))
