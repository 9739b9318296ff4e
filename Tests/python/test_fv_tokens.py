"""Firma Virtual's login and token through libsello.so against the sandbox (CHILE_2026.md §1.2,
§1.9): a login the service refused is not sent again until the caller asks (fv_login), since
repeated failures may lock the account; a login that failed on the way (transport, 5xx) is."""

from __future__ import annotations

from typing import Any

import pytest
from fv_support import calls, failed, fv, logins, ok  # noqa: F401  (fixtures, requested by name)
from sello_ffi import Client
from sello_fixtures import EXPRESS_SIGNER, FV_SIGNER
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


def logins_answered(first: tuple[int, dict[str, Any]]) -> tuple[list[dict[str, Any]], list[Any]]:
    """Two fv_get_user calls against a stand-in whose first login is answered with `first`
    (status, body) and every later one with a token."""
    import json

    from hostile import Hostile, answer

    seen: list[int] = []

    def handle(request):
        if request.path == "/logindata":
            seen.append(1)
            if len(seen) == 1:
                return answer(first[0], json.dumps(first[1]).encode())
            return answer(
                200,
                json.dumps({"code": 200, "status": "success", "message": {"Authorization": "Bearer " + JWT}}).encode(),
            )
        return answer(200, b'{"code": 200, "status": "success", "message": {"IDUser": 1}}')

    with (
        Hostile(handle) as server,
        Client("fv", {"base_url": server.url, "login": "userapp", "password": "OnePass"}) as client,
    ):
        envelopes = [client.call("get_user", {"IDUser": 1}) for _ in range(2)]
        return envelopes, [r for r in server.received if r.path == "/logindata"]


@pytest.mark.parametrize(
    "status, body, kind, code, says",
    [
        # a base_url with a wrong path: the framework's JSON 404
        (404, {"status": "error", "message": "Route not found"}, "http", "HTTP_404", "check base_url"),
        # a maintenance message at HTTP 200
        (
            200,
            {"code": 200, "status": "error", "message": "Servicio en mantenimiento, intente más tarde"},
            "service",
            "FV_ERROR",
            "Servicio en mantenimiento",
        ),
        # another of the catalogue's texts at the documented refusal's status
        (400, {"code": 400, "status": "error", "message": "VALIDATION-FAIL"}, "service", "VALIDATION_FAIL", "VALID"),
    ],
)
def test_a_login_failure_that_is_no_credentials_refusal_is_tried_again(status, body, kind, code, says):
    (first, second), sent = logins_answered((status, body))
    error = failed(first, kind, code)
    assert says in error["message"] and "earlier" not in error["message"], error
    assert "password" not in error["message"] or code == "LOGIN_FAILED", error
    if status == 404:  # which setting, as every HTTP 404 without the service's answer names it
        assert error["field"] == "base_url", error
    ok(second)
    assert len(sent) == 2 and second["meta"]["attempts"] == 2  # the new login, then the call


@pytest.mark.parametrize(
    "status, body",
    [
        (400, {"code": 400, "status": "error", "message": REFUSAL}),
        (401, {"code": 401, "status": "error", "message": REFUSAL}),
        (200, {"code": 200, "status": "error", "message": "Wrong login or password ..!"}),
        # The login itself answered 401 or 403, whatever its text: the credentials are what it
        # refuses, and repeated failures may lock the account (CHILE_2026 §1.2: unknown for FV).
        (401, {"code": 401, "status": "error", "message": "Unauthorized"}),
        (403, {"code": 403, "status": "error", "message": "Forbidden"}),
    ],
)
def test_a_credentials_refusal_is_kept(status, body):
    (first, second), sent = logins_answered((status, body))
    failed(first, "auth", "LOGIN_FAILED")
    again = failed(second, "auth", "LOGIN_FAILED")
    assert "refused earlier" in again["message"] and second["meta"]["attempts"] == 0
    assert len(sent) == 1


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


# -- a write the library never sends twice (CHILE_2026 §1.2's signals are [INF]) ----------------
#
# A sent-once write (create-contract, create-contract-express…) is renewed and sent again only on
# a signal that says the service refused it before acting on it: HTTP 401 or 403, the seed's exact
# texts, its generic "error" (CreateContract's bad-token answer). Not on a text merely naming a
# token as invalid ("Pago Webpay: token de transaccion invalido" names a payment's token): the
# service may have acted (`process: true` below: it did).

EXPRESS_PATH = "/api/v1/contract/create-contract-express"
CREATE_PATH = "/api/v1/contract/create-contract"
WEBPAY = "Pago Webpay: token de transaccion invalido"

NOT_PROOF = [
    pytest.param(dict(mode="service_error", code=400, message=WEBPAY), "auth", "JWT_INVALID", id="400-webpay"),
    pytest.param(
        dict(mode="service_error", code=400, message="the session token has gone invalid"),
        "auth",
        "JWT_INVALID",
        id="400-token-words",
    ),
]


def express(tmp_path) -> dict[str, Any]:
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(b"%PDF-1.7\n" + b"x" * 2000)
    return {
        "sOwnerType": "NATURAL",
        "iContractTypeFeeID": 49,
        "signers": [dict(EXPRESS_SIGNER)],
        "sContractName": "renewal",
        "file_path": str(pdf),
    }


CONTRACT = {"sOwnerType": "NATURAL", "iContractTypeFeeID": 28, "iSignedCount": 1}


def create(fv: Client, operation: str, tmp_path) -> dict[str, Any]:
    if operation == "create_contract_express":
        return fv.call(operation, express(tmp_path))
    return fv.call(operation, {**CONTRACT, "signers": [dict(FV_SIGNER)]})


def contracts(sandbox) -> int:
    return len([c for c in sandbox.state()["fv_contracts"] if c != SEED_CONTRACT])


@pytest.mark.parametrize(
    "operation,path", [("create_contract_express", EXPRESS_PATH), ("create_contract", CREATE_PATH)]
)
@pytest.mark.parametrize("fault,kind,code", NOT_PROOF)
def test_a_sent_once_write_is_not_repeated_on_a_signal_that_proves_nothing(
    sandbox, fv, tmp_path, operation, path, fault, kind, code
):
    ok(fv.call("login", {}))
    sandbox.fault(prefix=path, process=True, **fault)
    envelope = create(fv, operation, tmp_path)
    error = failed(envelope, kind, code)
    assert "may have reached the service" in error["message"], error
    assert "the contract may have been created" in error["message"], error
    assert error["retryable"] is False and envelope["meta"]["attempts"] == 1
    assert len(sandbox.requests(path)) == 1 and logins(sandbox) == 1
    assert contracts(sandbox) == 1  # it did act: that is why it was not sent again
    assert any(line.startswith("fv: ") and "not sent again" in line for _, line in fv.logs), fv.logs
    # The token is not used again: the next call logs in first.
    after = get_contract(fv)
    ok(after)
    assert logins(sandbox) == 2 and after["meta"]["attempts"] == 2
    assert [r["path"] for r in sandbox.requests()][-2:] == ["/logindata", "/api/v1/contract/" + SEED_CONTRACT]


@pytest.mark.parametrize("fault,kind,code", NOT_PROOF)
def test_a_read_is_still_renewed_and_repeated_on_the_same_signals(sandbox, fv, fault, kind, code):
    ok(get_contract(fv))
    sandbox.fault(prefix="/api/v1/contract/", **fault)
    envelope = get_contract(fv)
    ok(envelope)
    assert logins(sandbox) == 2 and envelope["meta"]["attempts"] == 3
    assert len(sandbox.requests("/api/v1/contract/")) == 3  # the first call, then the refused one and its repeat
    # The answer is read as it is for a write (kind, code), then renewed: a read may be repeated.
    assert any(line.startswith(f"fv: the service refused the token ({code})") for _, line in fv.logs), fv.logs
    assert kind == "auth"


@pytest.mark.parametrize(
    "operation,path", [("create_contract_express", EXPRESS_PATH), ("create_contract", CREATE_PATH)]
)
@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(dict(mode="status", status=401, body="html"), id="401-html"),
        pytest.param(dict(mode="status", status=401, body="json"), id="401-json"),
        pytest.param(dict(mode="service_error", code=400, message="JWT Token invalid"), id="jwt-token-invalid"),
        pytest.param(dict(mode="service_error", code=400, message="Token Bearer erróneo"), id="token-bearer-erroneo"),
        pytest.param(dict(mode="service_error", code=400, message="error"), id="400-error"),
        pytest.param(dict(mode="status", status=403, body="html"), id="403-html"),
        pytest.param(dict(mode="status", status=403, body="json"), id="403-json"),
    ],
)
def test_a_sent_once_write_is_renewed_and_repeated_when_the_token_was_refused(
    sandbox, fv, tmp_path, operation, path, fault
):
    ok(fv.call("login", {}))
    sandbox.fault(prefix=path, **fault)  # refused: the service did nothing
    envelope = create(fv, operation, tmp_path)
    ok(envelope)
    assert logins(sandbox) == 2 and envelope["meta"]["attempts"] == 3  # the refused call, the login, the call
    sent = sandbox.requests(path)
    assert len(sent) == 2 and sent[0]["body_sha256"] == sent[1]["body_sha256"]
    assert contracts(sandbox) == 1
    assert any(line.startswith("fv: the service refused the token") for _, line in fv.logs)


def test_a_sent_once_write_refused_with_401_after_a_hint_is_not_repeated(sandbox, fv, tmp_path):
    """A 401 whose repeat is answered with a text merely naming a token: that second answer may
    have been acted on."""
    ok(fv.call("login", {}))
    sandbox.fault("status", status=401, body="html", prefix=EXPRESS_PATH)
    sandbox.fault("service_error", code=400, message=WEBPAY, process=True, prefix=EXPRESS_PATH)
    envelope = create(fv, "create_contract_express", tmp_path)
    error = failed(envelope, "auth", "JWT_INVALID")
    assert "may have reached the service" in error["message"] and error["retryable"] is False
    assert len(sandbox.requests(EXPRESS_PATH)) == 2 and logins(sandbox) == 2 and contracts(sandbox) == 1
    ok(get_contract(fv))
    assert logins(sandbox) == 3


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


@pytest.mark.parametrize(
    "login_answer",
    [
        {"Authorization": "Bearer " + JWT},  # TTX's fallback
        {"token": JWT},  # GT's
        {"jwt": JWT},
        {"code": 200, "message": {"Authorization": "Bearer " + JWT}},
    ],
)
def test_a_login_answer_without_status_that_carries_a_token_is_a_login(login_answer):
    login, user, received = login_then_get_user(login_answer)
    assert ok(login)["authorized"] is True
    assert [w["code"] for w in login["warnings"]] == ["STATUS_MISSING"]
    assert "eyJ" not in login["warnings"][0]["message"]  # the token is masked
    ok(user)
    assert [r.header("Authorization") for r in received if r.path != "/logindata"] == ["Bearer " + JWT]


@pytest.mark.parametrize("login_answer", [{"message": "OK"}, {"code": 200, "result": "ok"}])
def test_a_login_answer_without_status_or_token_is_unreadable(login_answer):
    login, user, _ = login_then_get_user(login_answer)
    failed(login, "protocol", "INVALID_ANSWER")
    failed(user, "protocol", "INVALID_ANSWER")


@pytest.mark.parametrize("message", ["OK", "success", "error", "Login correcto"])
def test_a_word_is_no_token(message):
    login, user, received = login_then_get_user({"code": 200, "status": "success", "message": message})
    failed(login, "protocol", "TOKEN_MISSING")
    failed(user, "protocol", "TOKEN_MISSING")
    assert all(r.path == "/logindata" for r in received)
