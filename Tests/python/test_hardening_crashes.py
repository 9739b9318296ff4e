"""Hardening (issue 12), crashes: a trap must never cross the boundary, and a callback must never be
called where calling back in, or freeing what it uses, breaks the process.

Every case that could kill the process runs in a child Python (hostile.run_child) so that a crash
fails only its test."""

from __future__ import annotations

import base64
import ctypes
import json
import threading
import time

from hostile import run_child
from sello_ffi import LOG_FN, Client, lib
from sello_fixtures import FES_REQUEST, FES_USER

FV_LOGIN, FV_PASSWORD = "userapp", "OnePass"  # the sandbox's seeded user


# -- 1. re-entry from the log callback during a Firma Virtual login -------------------------------

REENTRY = """
import ctypes, json
from sello_ffi import LOG_FN, Client, lib
client = Client("fv", {"base_url": %(url)r, "login": "userapp", "password": "OnePass",
                       "retries": {"max": 2, "base_delay_ms": 1, "max_delay_ms": 50}})
nested, seen = [], []
def on_log(_user_data, level, message):
    line = message.decode()
    seen.append(line)
    if %(trigger)r in line and len(nested) < 2:
        nested.append(client.call("get_user", {"IDUser": 1}))
callback = LOG_FN(on_log)
lib.fv_client_set_log.argtypes = [ctypes.c_void_p, LOG_FN, ctypes.c_void_p, ctypes.c_int]
lib.fv_client_set_log(client.handle, callback, None, 0)
outer = client.call(%(operation)r, %(request)r)
print(json.dumps({"outer": outer, "nested": nested, "seen": seen}))
"""


def reenter(sandbox, operation: str, request: dict, trigger: str) -> dict:
    status, result, stderr = run_child(
        REENTRY % {"url": sandbox.fv_url, "operation": operation, "request": request, "trigger": trigger}
    )
    assert status == 0, f"the process died ({status}): {stderr}"
    assert result is not None, stderr
    return result


def test_fv_login_log_callback_reentry_does_not_crash(sandbox) -> None:
    """The callback calls fv_get_user on the same client when it receives "logging in as …"."""
    result = reenter(sandbox, "get_user", {"IDUser": 1}, "logging in as")
    assert result["outer"]["ok"] is True, result["outer"]
    assert result["nested"] and all(envelope["ok"] for envelope in result["nested"]), result["nested"]
    assert len(sandbox.requests("/logindata")) == 1  # the nested call used the login just made


def test_fv_login_request_line_reentry_does_not_crash(sandbox) -> None:
    """The same from the login's request line, during an explicit fv_login."""
    result = reenter(sandbox, "login", {}, "/logindata")
    assert result["outer"]["ok"] is True and result["nested"][0]["ok"] is True, result


def test_fv_login_retry_line_reentry_does_not_crash(sandbox) -> None:
    """And from a retry line of the login (a 503 on /logindata is retried)."""
    sandbox.fault("status", status=503, retry_after=0, prefix="/logindata")
    result = reenter(sandbox, "get_user", {"IDUser": 1}, "retry 1")
    assert result["outer"]["ok"] is True and result["nested"][0]["ok"] is True, result
    assert any(line.startswith("retry 1") for line in result["seen"])


# -- 2. extreme exp / iat in the login's JWT --------------------------------------------------------


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def jwt(claims: dict) -> str:
    return ".".join([b64url(b'{"typ":"JWT","alg":"HS256"}'), b64url(json.dumps(claims).encode()), "c2lnbmF0dXJl"])


JWT_SERVER = """
import json
from hostile import Hostile, answer
from sello_ffi import Client
token = %(token)r
def handle(request):
    if request.path == "/logindata":
        message = {"Authorization": "Bearer " + token}
        return answer(200, json.dumps({"code": 200, "status": "success", "message": message}).encode())
    return answer(200, b'{"code": 200, "status": "success", "message": {"IDUser": 1}}')
config = {"login": "userapp", "password": "OnePass"}
with Hostile(handle) as server, Client("fv", {"base_url": server.url, **config}) as client:
    first = client.call("get_user", {"IDUser": 1})
    second = client.call("get_user", {"IDUser": 1})
    login = client.call("login", {})
    logins = sum(1 for request in server.received if request.path == "/logindata")
print(json.dumps({"first": first, "second": second, "login": login, "logins": logins}))
"""

EXTREME_CLAIMS = [
    {"exp": 2**63 - 1, "iat": -1},
    {"exp": -(2**63), "iat": 2**63 - 1},
    {"exp": -(2**63)},
    {"exp": 2**63 - 1, "iat": -(2**63)},
    {"exp": 100, "iat": 200},
]


def test_fv_jwt_extreme_exp_iat_does_not_trap() -> None:
    for claims in EXTREME_CLAIMS:
        status, result, stderr = run_child(JWT_SERVER % {"token": jwt(claims)})
        assert status == 0, f"{claims}: the process died ({status}): {stderr}"
        assert result is not None, stderr
        assert result["first"]["ok"] is True, (claims, result["first"])
        warnings = [w["code"] for w in result["first"].get("warnings", [])]
        assert "TOKEN_LIFETIME_INVALID" in warnings, (claims, result["first"])
        # A nonsensical lifetime means "renew at once": the next call logs in again.
        assert result["logins"] == 3, (claims, result)
        assert result["login"]["ok"] is True and result["login"]["data"]["expires_at"] is None, result["login"]


def test_fv_jwt_ordinary_lifetime_is_cached() -> None:
    """The control case: a sane token is kept, no warning."""
    now = int(time.time())
    status, result, stderr = run_child(JWT_SERVER % {"token": jwt({"exp": now + 3600, "iat": now})})
    assert status == 0, stderr
    assert result["first"]["ok"] is True and "warnings" not in result["first"], result["first"]
    assert result["logins"] == 2  # one implicit login, then fv_login's own


# -- 24. after *_client_set_log(c, NULL) returns, the old callback is never called ---------------------


def test_set_log_null_waits_for_calls_in_flight(sandbox) -> None:
    """A C caller frees user_data right after set_log(NULL): the call in flight must not use it."""
    sandbox.fault("delay", ms=800, prefix="/servicio/rest/integracion/consultaCfdiPorUUID")
    client = Client(
        "cfdi",
        {"base_url": sandbox.cfdi_url, "usuario": "pade_user", "password": "pade_pass", "contrato": "PADE-CONTRATO-01"},
    )
    removed = threading.Event()
    late: list[str] = []
    entered = threading.Event()

    def on_log(_user_data, _level, message) -> None:
        entered.set()
        if removed.is_set():
            late.append(message.decode())

    callback = LOG_FN(on_log)
    lib.cfdi_client_set_log.argtypes = [ctypes.c_void_p, LOG_FN, ctypes.c_void_p, ctypes.c_int]
    lib.cfdi_client_set_log(client.handle, callback, None, 0)
    worker = threading.Thread(
        target=lambda: client.call("get_by_uuid", {"uuid": "5FB2822E-396D-4725-8521-CDC4BDD20CCF"})
    )
    worker.start()
    assert entered.wait(5)
    time.sleep(0.2)  # the request is out, its answer delayed
    lib.cfdi_client_set_log(client.handle, LOG_FN(), None, 0)
    removed.set()  # a C caller would free user_data here
    worker.join(10)
    client.close()
    assert not late, f"the removed callback was called after set_log(NULL) returned: {late}"


SET_LOG_FROM_CALLBACK = """
import ctypes, json
from sello_ffi import LOG_FN, Client, lib
client = Client("cfdi", {"base_url": %(url)r, "usuario": "pade_user", "password": "pade_pass",
                         "contrato": "PADE-CONTRATO-01"})
lines = []
lib.cfdi_client_set_log.argtypes = [ctypes.c_void_p, LOG_FN, ctypes.c_void_p, ctypes.c_int]
def on_log(_user_data, _level, message):
    lines.append(message.decode())
    lib.cfdi_client_set_log(client.handle, LOG_FN(), None, 0)   # removes itself
callback = LOG_FN(on_log)
lib.cfdi_client_set_log(client.handle, callback, None, 0)
envelope = client.call("get_by_uuid", {"uuid": "5FB2822E-396D-4725-8521-CDC4BDD20CCF"})
print(json.dumps({"envelope": envelope, "lines": lines}))
"""


def test_set_log_null_from_inside_the_callback_does_not_deadlock(sandbox) -> None:
    status, result, stderr = run_child(SET_LOG_FROM_CALLBACK % {"url": sandbox.cfdi_url}, timeout=30)
    assert status == 0, stderr
    assert len(result["lines"]) == 1, result["lines"]  # removed by its first line, never called again


SET_LOG_RACE = """
import ctypes, json, threading
from sello_ffi import LOG_FN, Client, lib
client = Client("cfdi", {"base_url": %(url)r, "usuario": "pade_user", "password": "pade_pass",
                         "contrato": "PADE-CONTRATO-01"})
lib.cfdi_client_set_log.argtypes = [ctypes.c_void_p, LOG_FN, ctypes.c_void_p, ctypes.c_int]
callbacks = []
def on_log(_user_data, _level, _message):
    lib.cfdi_client_set_log(client.handle, callbacks[len(_message) %% 2], None, 0)   # replace itself
callbacks.extend([LOG_FN(on_log), LOG_FN(on_log)])
lib.cfdi_client_set_log(client.handle, callbacks[0], None, 0)
def work():
    for _ in range(40):
        client.call("get_by_uuid", {"uuid": "5FB2822E-396D-4725-8521-CDC4BDD20CCF"})
threads = [threading.Thread(target=work) for _ in range(4)]
for t in threads: t.start()
for t in threads: t.join()
print(json.dumps({"done": True}))
"""


def test_callbacks_replacing_themselves_on_several_threads_do_not_deadlock(sandbox) -> None:
    """Each callback replaces the log function while other threads' callbacks do the same: no
    setter may wait for another thread's callback that is itself waiting (a deadlock)."""
    status, result, stderr = run_child(SET_LOG_RACE % {"url": sandbox.cfdi_url}, timeout=120)
    assert status == 0 and result == {"done": True}, stderr


# -- 5. an answer's announced length -----------------------------------------------------------------

ANNOUNCED = """
import json, socket, threading
from sello_ffi import Client
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(8)
def serve():
    while True:
        connection, _ = server.accept()
        connection.recv(65536)
        head = "HTTP/1.1 200 OK\\r\\nContent-Type: application/json\\r\\nContent-Length: %(length)d\\r\\n\\r\\n"
        connection.sendall(head.encode() + b'{"estado":"OK"}')
        connection.close()
threading.Thread(target=serve, daemon=True).start()
config = {"base_url": "http://127.0.0.1:%%d" %% server.getsockname()[1], **%(user)r, "retries": {"max": 0}}
if %(limit)d:
    config["max_response_bytes"] = %(limit)d
with Client("fes", config) as client:
    envelope = client.call("obtain_certificate", %(request)r)
print(json.dumps(envelope))
"""


def announced(length: int, limit: int = 0) -> dict:
    program = ANNOUNCED % {"length": length, "limit": limit, "user": FES_USER, "request": FES_REQUEST}
    status, envelope, stderr = run_child(program)
    assert status == 0 and envelope is not None, f"the process died ({status}): {stderr}"
    return envelope


def test_an_answer_announced_over_the_limit_is_refused_at_once() -> None:
    """A Content-Length over max_response_bytes (default 100 MiB) is RESPONSE_TOO_LARGE as soon as
    the answer starts, with nothing reserved for it."""
    error = announced(2**40)["error"]
    assert error["code"] == "RESPONSE_TOO_LARGE", error


def test_a_lying_length_under_a_huge_limit_does_not_kill_the_process() -> None:
    """The library made room for the announced length at the first piece: with max_response_bytes
    at its largest, a broken gateway announcing 1 TiB made it ask for 1 TiB, and a failed allocation
    aborts the process (a PHP-FPM worker, a job worker). The answer is short of its length."""
    envelope = announced(2**40, limit=2**63 - 1)
    assert envelope["ok"] is False and envelope["error"]["code"] == "CONNECTION_LOST", envelope
