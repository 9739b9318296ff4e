"""Firma Virtual's login and token through libsello.so against the sandbox (CHILE_2026.md §1.2,
§1.9): a login the service refused is not sent again until the caller asks (fv_login), since
repeated failures may lock the account; a login that failed on the way (transport, 5xx) is."""

from __future__ import annotations

from typing import Any

import pytest
from fv_support import calls, failed, fv, logins, ok  # noqa: F401  (fixtures, requested by name)
from sello_ffi import Client
from sello_fixtures import SEEDED_CONTRACT as SEED_CONTRACT

REFUSAL = "Login failed: Email or password incorrect."


def get_contract(client: Client) -> dict[str, Any]:
    return client.call("get_contract", {"IDContract": SEED_CONTRACT})


# -- a refused login is not repeated -------------------------------------------------------------


def test_a_refused_login_is_not_sent_again_by_later_calls(sandbox, fv_config):
    with Client("fv", {**fv_config, "password": "wrong-password"}) as client:
        first = get_contract(client)
        error = failed(first, "auth", "LOGIN_FAILED")
        assert REFUSAL in error["message"] and first["meta"]["attempts"] == 1
        for _ in range(4):
            later = get_contract(client)
            again = failed(later, "auth", "LOGIN_FAILED")
            assert later["meta"]["attempts"] == 0, later
            assert again["retryable"] is False and again["service_code"] == error["service_code"]
            assert "earlier" in again["message"] and "no new login was attempted" in again["message"]
            assert "fv_login" in again["message"] and REFUSAL in again["message"]
        assert logins(sandbox) == 1 and calls(sandbox) == []
        # fv_login asks for a new try: it is made (and refused again).
        failed(client.call("login", {}), "auth", "LOGIN_FAILED")
        assert logins(sandbox) == 2
        failed(get_contract(client), "auth", "LOGIN_FAILED")
        assert logins(sandbox) == 2


def test_fv_login_that_succeeds_ends_the_refusal(sandbox, fv):
    sandbox.fault("service_error", code=400, message=REFUSAL, prefix="/logindata", count=1)
    failed(get_contract(fv), "auth", "LOGIN_FAILED")
    failed(get_contract(fv), "auth", "LOGIN_FAILED")
    assert logins(sandbox) == 1
    assert ok(fv.call("login", {}))["authorized"] is True
    envelope = get_contract(fv)
    ok(envelope)
    assert logins(sandbox) == 2 and envelope["meta"]["attempts"] == 1


def test_a_login_lost_on_the_way_is_tried_again_by_the_next_call(sandbox, fv):
    sandbox.fault("status", status=502, body="html", prefix="/logindata", count=-1)
    failed(get_contract(fv), "http", "HTTP_502")
    sandbox.clear_faults()
    before = logins(sandbox)
    ok(get_contract(fv))
    assert logins(sandbox) == before + 1


def test_a_refused_login_is_shared_by_threads_and_kept(sandbox, fv_config):
    import threading

    sandbox.fault("delay", ms=300, prefix="/logindata", count=1)
    with Client("fv", {**fv_config, "password": "wrong-password"}) as client:
        barrier = threading.Barrier(6)
        results: list[dict[str, Any]] = []

        def work() -> None:
            barrier.wait()
            results.append(get_contract(client))

        threads = [threading.Thread(target=work) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert len(results) == 6
        for result in results:
            failed(result, "auth", "LOGIN_FAILED")
        failed(get_contract(client), "auth", "LOGIN_FAILED")
    assert logins(sandbox) == 1 and calls(sandbox) == []


# -- what the live service may send for an expired token (CHILE_2026 §1.2) ----------------------


def test_http_403_on_an_authenticated_call_means_log_in_again(sandbox, fv):
    ok(get_contract(fv))
    sandbox.fault("status", status=403, body="json", prefix="/api/v1/contract/", count=1)
    envelope = get_contract(fv)
    ok(envelope)
    assert logins(sandbox) == 2 and envelope["meta"]["attempts"] == 3
    assert any(line.startswith("fv: the service refused the token") for _, line in fv.logs)


def test_http_403_again_after_the_new_login_is_the_error(sandbox, fv):
    ok(get_contract(fv))
    sandbox.fault("status", status=403, body="json", prefix="/api/v1/contract/", count=-1)
    failed(get_contract(fv), "auth", "HTTP_403")
    assert logins(sandbox) == 2  # renewed once, not more


@pytest.mark.parametrize(
    "text",
    [
        "Invalid JWT Token",
        "JWT Token expired",
        "Token invalid",
        "JWT Token invalid.",
        "Token Bearer erroneo",
        "Token inválido",
    ],
)
def test_a_message_about_an_invalid_token_means_log_in_again(sandbox, fv, text):
    ok(get_contract(fv))
    sandbox.fault("service_error", code=400, message=text, prefix="/api/v1/contract/", count=1)
    envelope = get_contract(fv)
    ok(envelope)
    assert logins(sandbox) == 2 and envelope["meta"]["attempts"] == 3
    sandbox.fault("service_error", code=400, message=text, prefix="/api/v1/contract/", count=2)
    error = failed(get_contract(fv), "auth", "JWT_INVALID")
    assert error["message"].startswith(text) and logins(sandbox) == 3


def test_other_messages_are_not_a_refused_token(sandbox, fv):
    sandbox.fault("service_error", code=400, message="Invalid RUT", prefix="/api/v1/contract/", count=1)
    failed(get_contract(fv), "service", "FV_ERROR")
    assert logins(sandbox) == 1


# -- where the login's answer puts the token (CHILE_2026 §1.2) -----------------------------------

JWT = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"


def login_then_get_user(login_answer: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], list[Any]]:
    """fv_login then fv_get_user against a stand-in that answers the login with `login_answer`."""
    import json

    from hostile import Hostile, answer

    def handle(request):
        if request.path == "/logindata":
            return answer(200, json.dumps(login_answer).encode())
        return answer(200, b'{"code": 200, "status": "success", "message": {"IDUser": 1}}')

    with (
        Hostile(handle) as server,
        Client("fv", {"base_url": server.url, "login": "userapp", "password": "OnePass"}) as client,
    ):
        login = client.call("login", {})
        user = client.call("get_user", {"IDUser": 1})
        return login, user, list(server.received)


@pytest.mark.parametrize(
    "login_answer",
    [
        {"code": 200, "status": "success", "message": "Login correcto", "Authorization": "Bearer " + JWT},
        {"code": 200, "status": "success", "message": "OK", "Authorization": "Bearer " + JWT},
        {"code": 200, "status": "success", "message": {}, "token": JWT},
        {"code": 200, "status": "success", "jwt": JWT},
        {"code": 200, "status": "success", "message": {"token": JWT}},
    ],
)
def test_the_token_is_found_beside_the_message(login_answer):
    login, user, received = login_then_get_user(login_answer)
    assert ok(login)["authorized"] is True
    ok(user)
    assert [r.header("Authorization") for r in received if r.path != "/logindata"] == ["Bearer " + JWT]


@pytest.mark.parametrize("message", ["OK", "success", "error", "Login correcto"])
def test_a_word_is_no_token(message):
    login, user, received = login_then_get_user({"code": 200, "status": "success", "message": message})
    failed(login, "protocol", "TOKEN_MISSING")
    failed(user, "protocol", "TOKEN_MISSING")
    assert all(r.path == "/logindata" for r in received)
