"""Hardening (issue 12), configuration: retry delays are bounded, and no wait outlives the call's
deadline (timeout_ms); credentials and base_urls read from files (a line break at the end, a space,
the operation's own path) are refused by *_client_new, before a wrong login can count against the account."""

from __future__ import annotations

import pytest
from sello_ffi import Client
from sello_fixtures import CFDI_USER, FES_USER, FV_USER, GHOST_UUID
from sello_fixtures import FES_REQUEST as SEED_REQUEST

FES_REQUEST = {**SEED_REQUEST, "claveCertificado": "Secreta123xyz"}


# -- 18. retry delays have an upper bound ------------------------------------------------------------------


@pytest.mark.parametrize(
    "retries",
    [
        {"base_delay_ms": 2**63 - 1},
        {"max_delay_ms": 2**63 - 1},
        {"base_delay_ms": 60_001},
        {"max_delay_ms": 300_001},
        {"base_delay_ms": 5000, "max_delay_ms": 1000},
    ],
)
def test_retry_delays_out_of_bounds_are_refused(retries: dict) -> None:
    client = Client("fes", {"base_url": "http://127.0.0.1:9", **FES_USER, "retries": retries})
    assert client.handle is None, f"retries {retries} accepted"
    error = client.error["error"]
    assert (error["kind"], error["field"]) == ("invalid_argument", "retries"), error


def test_retry_delays_at_their_bounds_are_accepted() -> None:
    with Client(
        "fes",
        {"base_url": "http://127.0.0.1:9", **FES_USER, "retries": {"base_delay_ms": 60_000, "max_delay_ms": 300_000}},
    ) as client:
        assert client.handle, client.error


def test_retry_after_never_sleeps_past_the_call_deadline(sandbox) -> None:
    """A 429 asking for 3 s (within max_delay_ms) on a call whose timeout_ms is 1 s: the call ends at
    its deadline with the retryable error, long before the 3 s wait."""
    sandbox.fault("status", status=429, retry_after=3)
    config = {
        "base_url": sandbox.fes_url,
        **FES_USER,
        "timeout_ms": 1000,
        "retries": {"max": 2, "base_delay_ms": 10, "max_delay_ms": 5000},
    }
    with Client("fes", config) as client:
        envelope = client.call("obtain_certificate", FES_REQUEST)
    assert envelope["ok"] is False, "it slept past timeout_ms and tried again"
    error = envelope["error"]
    assert (error["kind"], error["code"], error["retryable"]) == ("http", "RATE_LIMITED", True), error
    assert error["details"]["retry_after_ms"] == 3000
    assert envelope["meta"]["attempts"] == 1 and envelope["meta"]["elapsed_ms"] < 2000
    assert len(sandbox.requests()) == 1


def test_backoff_never_sleeps_past_the_call_deadline(sandbox) -> None:
    """A read that keeps failing with 502, a backoff of up to 5 s, timeout_ms 800: the call stops
    at its deadline rather than sleeping beyond it."""
    sandbox.fault("status", status=502, count=-1, prefix="/servicio/rest/integracion/consultaCfdiPorUUID")
    config = {
        "base_url": sandbox.cfdi_url,
        "usuario": "pade_user",
        "password": "pade_pass",
        "contrato": "PADE-CONTRATO-01",
        "timeout_ms": 800,
        "retries": {"max": 10, "base_delay_ms": 5000, "max_delay_ms": 5000},
    }
    with Client("cfdi", config) as client:
        envelope = client.call("get_by_uuid", {"uuid": "5FB2822E-396D-4725-8521-CDC4BDD20CCF"})
    assert envelope["ok"] is False and envelope["error"]["code"] == "HTTP_502", envelope
    assert envelope["meta"]["elapsed_ms"] < 1500, envelope["meta"]


# -- credentials read from a file: a line break or another control character ------------------------------
# A Kubernetes secret made with --from-file, or a .env with CRLF line ends, gives 'pade_pass\r': sent as
# it was, it is a wrong login, and PADE locks an account after 3 (PRODIGIA_2026 §1).

CREDENTIALS = [
    ("cfdi", CFDI_USER, "usuario"),
    ("cfdi", CFDI_USER, "password"),
    ("cfdi", CFDI_USER, "contrato"),
    ("fes", FES_USER, "usuario"),
    ("fes", FES_USER, "clave"),
    ("fv", FV_USER, "login"),
    ("fv", FV_USER, "password"),
]


def refused_config(prefix: str, config: dict) -> dict:
    client = Client(prefix, config)
    if client.handle is not None:
        client.close()
        raise AssertionError(f"accepted: {config!r}")
    return client.error["error"]


@pytest.mark.parametrize("end", ["\r", "\n", "\r\n"])
@pytest.mark.parametrize("prefix,user,field", CREDENTIALS)
def test_a_credential_ending_in_a_line_break_is_refused(prefix: str, user: dict, field: str, end: str) -> None:
    error = refused_config(prefix, {"base_url": "http://127.0.0.1:9", **user, field: user[field] + end})
    assert (error["kind"], error["code"], error["field"]) == ("invalid_argument", "INVALID_ARGUMENT", field), error
    message = error["message"]
    assert "ends with a line break" in message and "strip" in message and "file" in message, message
    assert user[field] not in message and "\r" not in message and "\n" not in message, message


@pytest.mark.parametrize("value", ["pade\tpass", "\npade_pass", "pade\x1bpass", "pade_pass\x7f", "pa\x01de_pass"])
@pytest.mark.parametrize("prefix,user,field", CREDENTIALS)
def test_a_credential_with_a_control_character_is_refused(prefix: str, user: dict, field: str, value: str) -> None:
    error = refused_config(prefix, {"base_url": "http://127.0.0.1:9", **user, field: value})
    assert (error["kind"], error["code"], error["field"]) == ("invalid_argument", "INVALID_ARGUMENT", field), error
    assert "control character" in error["message"] and "pade" not in error["message"], error


@pytest.mark.parametrize("prefix,user,field", CREDENTIALS)
def test_a_credential_starting_with_a_byte_order_mark_is_refused(prefix: str, user: dict, field: str) -> None:
    """Notepad's "UTF-8 with BOM" and PowerShell 5's Out-File put U+FEFF before the text: sent, it is a
    wrong login, and PADE locks an account after 3 (audit of 2026-12-08: the sandbox logged
    '\ufeffpade_pass')."""
    error = refused_config(prefix, {"base_url": "http://127.0.0.1:9", **user, field: "\ufeff" + user[field]})
    assert (error["kind"], error["code"], error["field"]) == ("invalid_argument", "INVALID_ARGUMENT", field), error
    message = error["message"]
    assert "U+FEFF" in message and "byte-order mark" in message and "BOM" in message, message
    assert user[field] not in message and "\ufeff" not in message, message


@pytest.mark.parametrize(
    "value", ["pade_pass\u200b", "pade\u200dpass", "\u2060pade_pass", "pade_pass\u00ad", "\u202epade"]
)
def test_a_credential_with_an_invisible_character_is_refused(value: str) -> None:
    error = refused_config("cfdi", {"base_url": "http://127.0.0.1:9", **CFDI_USER, "password": value})
    assert (error["code"], error["field"]) == ("INVALID_ARGUMENT", "password"), error
    assert "invisible character" in error["message"] and "pade" not in error["message"], error


def test_a_password_with_a_byte_order_mark_is_never_sent(sandbox) -> None:
    client = Client("cfdi", {"base_url": sandbox.cfdi_url, **CFDI_USER, "password": "\ufeffpade_pass"})
    if client.handle is not None:
        client.call("get_by_uuid", {"uuid": GHOST_UUID})
        client.close()
    assert sandbox.requests() == [], "the password with its byte-order mark reached the service"


def test_a_password_with_a_line_break_is_never_sent(sandbox) -> None:
    """The audit's case: 'pade_pass\r' went to Prodigia and came back USUARIO_O_CONTRASENA_INVALIDOS."""
    client = Client("cfdi", {"base_url": sandbox.cfdi_url, **CFDI_USER, "password": "pade_pass\r"})
    if client.handle is not None:
        client.call("get_by_uuid", {"uuid": GHOST_UUID})
        client.close()
    assert sandbox.requests() == [], "the password with its CR reached the service"
    assert client.error["error"]["field"] == "password"


@pytest.mark.parametrize("value", [" pade_pass", "pade_pass ", "pade pass"])
def test_spaces_in_a_password_are_sent_as_given(value: str) -> None:
    """A password may hold spaces, at its ends too: not refused (client_new has no warnings to give)."""
    with Client("cfdi", {"base_url": "http://127.0.0.1:9", **CFDI_USER, "password": value}) as client:
        assert client.handle, client.error


def test_a_new_password_ending_in_a_line_break_is_refused_before_sending(sandbox) -> None:
    """fv_new_password's new_password becomes the next login's password: a CR in it would be a
    password no one can type."""
    with Client("fv", {"base_url": sandbox.fv_url, **FV_USER}) as client:
        envelope = client.call(
            "new_password",
            {"login": "userapp@firmavirtual.legal", "password": "123456", "new_password": "NuevaClave-1\n"},
        )
    assert envelope["ok"] is False, envelope
    error = envelope["error"]
    assert (error["kind"], error["code"], error["field"]) == ("invalid_argument", "INVALID_ARGUMENT", "new_password"), (
        error
    )
    assert "line break" in error["message"] and "NuevaClave" not in error["message"], error
    assert sandbox.requests() == []


def test_a_contrato_per_call_ending_in_a_line_break_is_refused_before_sending(sandbox) -> None:
    with Client("cfdi", {"base_url": sandbox.cfdi_url, **CFDI_USER}) as client:
        envelope = client.call(
            "get_status",
            {
                "uuid": GHOST_UUID,
                "rfcEmisor": "EKU9003173C9",
                "rfcReceptor": "XAXX010101000",
                "total": "1160.00",
                "contrato": "PADE-CONTRATO-01\r\n",
            },
        )
    assert envelope["ok"] is False, envelope
    assert (envelope["error"]["field"], "line break" in envelope["error"]["message"]) == ("contrato", True), envelope
    assert sandbox.requests() == []


# -- base_url read from a file ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url,said",
    [
        ("https://pruebas.pade.mx/servicio/rest\r", "ends with a line break"),
        ("https://pruebas.pade.mx/servicio/rest\r\n", "ends with a line break"),
        ("https://pruebas.pade.mx/servicio/rest ", "ends with a space"),
        (" https://pruebas.pade.mx/servicio/rest", "begins with a space"),
        ("\thttps://pruebas.pade.mx/servicio/rest", "begins with a tab"),
        ("https://pruebas.pade.mx/servicio\x1b/rest", "control character"),
    ],
)
def test_a_base_url_with_a_line_break_or_a_space_says_so(url: str, said: str) -> None:
    error = refused_config("cfdi", {"base_url": url, **CFDI_USER})
    assert (error["kind"], error["code"], error["field"]) == ("invalid_argument", "BAD_URL", "base_url"), error
    message = error["message"]
    assert said in message, message
    assert not any(ord(c) < 0x20 or ord(c) == 0x7F for c in message), f"a raw control character: {message!r}"
    assert "pruebas.pade.mx/servicio" in message, message


# -- base_url with the operation's path at its end ----------------------------------------------------------


@pytest.mark.parametrize(
    "prefix,user,base,path",
    [
        ("fes", FES_USER, "fes_url", "/obtenerCertificado"),
        ("fes", FES_USER, "fes_url", "/obtenerCertificado/"),
        ("cfdi", CFDI_USER, "cfdi_url", "/integracion/consultaCfdiPorUUID"),
        ("cfdi", CFDI_USER, "cfdi_url", "/timbrado40/timbrarCfdi"),
        ("cfdi", CFDI_USER, "cfdi_url", "/timbrado40"),
        ("cfdi", CFDI_USER, "cfdi_url", "/cancelacion/consultarEstatusComprobante"),
        ("fv", FV_USER, "fv_url", "/api/v1/contract/create-contract-express"),
        ("fv", FV_USER, "fv_url", "/logindata"),
        ("fv", FV_USER, "fv_url", "/api/v1/contract"),
    ],
)
def test_a_base_url_ending_with_an_operation_path_is_refused(
    sandbox, prefix: str, user: dict, base: str, path: str
) -> None:
    """SEED-FES prints the whole endpoint, …/generateFes/obtenerCertificado: given as base_url, every call
    went to …/obtenerCertificado/obtenerCertificado and got a 404 (for FES, after a call sent once)."""
    error = refused_config(prefix, {"base_url": getattr(sandbox, base) + path, **user})
    assert (error["kind"], error["code"], error["field"]) == ("invalid_argument", "BAD_URL", "base_url"), error
    operation = path.rstrip("/")
    assert f"give the part before {operation}" in error["message"], error["message"]
    assert getattr(sandbox, base) in error["message"], error["message"]
    assert sandbox.requests() == []


@pytest.mark.parametrize(
    "prefix,user,base", [("fes", FES_USER, "fes_url"), ("cfdi", CFDI_USER, "cfdi_url"), ("fv", FV_USER, "fv_url")]
)
def test_the_base_url_without_the_operation_path_is_accepted(sandbox, prefix: str, user: dict, base: str) -> None:
    with Client(prefix, {"base_url": getattr(sandbox, base), **user}) as client:
        assert client.handle, client.error


def test_a_proxy_ending_in_a_line_break_says_so() -> None:
    error = refused_config(
        "cfdi",
        {"base_url": "https://x.mx/servicio/rest", **CFDI_USER, "proxy": "http://u:Proxy-Pass-1@127.0.0.1:3128\r"},
    )
    assert (error["code"], error["field"]) == ("BAD_PROXY", "proxy"), error
    assert "ends with a line break (CR)" in error["message"] and "3128\\r" in error["message"], error
    assert "\r" not in error["message"] and "Proxy-Pass-1" not in error["message"], error
