"""Hardening (issue 12), the wire: what the library sends is exactly what the configuration and the
request say — no injected header, no ambiguous or cut credentials, no wrong path, no request that
cannot be sent treated as a network failure, no bypassed proxy, no TLS secrets on disk, no
look-alike characters, no forged log lines."""

from __future__ import annotations

import json

import pytest
from hostile import Hostile, answer, run_child
from sello_ffi import Client, call
from sello_fixtures import CFDI_USER, FES_REQUEST
from sello_fixtures import GHOST_UUID as UUID

CONSULTA_OK = b"<servicioConsulta><consultaOk>true</consultaOk><codigo>0</codigo></servicioConsulta>"


def refused(prefix: str, config: dict) -> dict:
    client = Client(prefix, config)
    assert client.handle is None, f"accepted: {config}"
    return client.error["error"]


# -- 15. header injection, ambiguous Basic credentials, NUL in credentials -------------------------------


@pytest.mark.parametrize(
    "agent", ["sello\r\nAuthorization: Basic ZXZpbDpldmls", "sello\nX-Evil: 1", "sello\x00cut", "a\tb\x7f"]
)
def test_user_agent_with_control_characters_is_refused(agent: str) -> None:
    with Hostile(lambda _r: answer(200, CONSULTA_OK, "application/xml")) as server:
        client = Client("cfdi", {"base_url": server.url, **CFDI_USER, "user_agent": agent})
        accepted = client.handle is not None
        if accepted:
            client.call("get_by_uuid", {"uuid": UUID})
            client.close()
        assert all(request.header_count("Authorization") <= 1 for request in server.received)
        assert not accepted, f"user_agent {agent!r} was accepted"
    error = client.error["error"]
    assert (error["kind"], error["field"]) == ("invalid_argument", "user_agent"), error


def test_cfdi_usuario_with_a_colon_is_refused() -> None:
    error = refused("cfdi", {"base_url": "http://127.0.0.1:9", **CFDI_USER, "usuario": "pade:user"})
    assert (error["kind"], error["field"]) == ("invalid_argument", "usuario"), error


@pytest.mark.parametrize(
    "prefix,config,field",
    [
        ("cfdi", {**CFDI_USER, "usuario": "pade\u0000user"}, "usuario"),
        ("cfdi", {**CFDI_USER, "password": "pade\u0000pass"}, "password"),
        ("fes", {"usuario": "Prueba\u0000WS", "clave": "bJBk9GuSJCOWLXODhniTCX7e5"}, "usuario"),
        ("fes", {"usuario": "PruebaWS", "clave": "bJBk9Gu\u0000SJCOWLXODhniTCX7e5"}, "clave"),
        ("fv", {"login": "user\u0000app", "password": "OnePass"}, "login"),
        ("fv", {"login": "userapp", "password": "One\u0000Pass"}, "password"),
    ],
)
def test_nul_in_a_credential_is_refused(prefix: str, config: dict, field: str) -> None:
    error = refused(prefix, {"base_url": "http://127.0.0.1:9", **config})
    assert (error["kind"], error["field"]) == ("invalid_argument", field), error


# -- 16. a base_url with a query or a fragment ------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["?x=1", "#frag", "?", "#"])
def test_base_url_with_query_or_fragment_is_refused(sandbox, suffix: str) -> None:
    client = Client("cfdi", {"base_url": sandbox.cfdi_url + suffix, **CFDI_USER})
    accepted = client.handle is not None
    if accepted:
        client.call("get_by_uuid", {"uuid": UUID})
        client.close()
    assert not accepted, f"base_url ending in {suffix!r} was accepted; requests went to " + str(
        [r["path"] for r in sandbox.requests()]
    )
    assert client.error["error"]["code"] == "BAD_URL"


# -- 17. a URL too long to send --------------------------------------------------------------------------


@pytest.mark.parametrize("size", [800 * 1024, 6 * 1024 * 1024])
def test_url_over_the_limit_is_refused_locally(sandbox, tmp_path, size: int) -> None:
    datos = tmp_path / "big.csv"
    datos.write_bytes(b"CFDI|3.3|A|1|\n" + b"CONCEPTO|1|x\n" * (size // 13))
    with Client("cfdi", {"base_url": sandbox.cfdi_url, **CFDI_USER}) as client:
        envelope = client.call("process_file", {"datos_path": str(datos)})
    assert envelope["ok"] is False, envelope
    error = envelope["error"]
    assert (error["kind"], error["code"], error["retryable"]) == ("validation", "URL_TOO_LONG", False), error
    assert envelope["meta"]["attempts"] == 0 and sandbox.requests() == []


def test_long_uuid_list_over_the_limit_is_refused_locally(sandbox) -> None:
    with Client("cfdi", {"base_url": sandbox.cfdi_url, **CFDI_USER}) as client:
        uuids = [f"{UUID}|XAXX010101000|EKU9003173C9|1160.00"] * 12000
        envelope = client.call("cancel", {"rfcEmisor": "EKU9003173C9", "uuids": uuids, "opciones": ["CERT_DEFAULT"]})
    assert (envelope["error"]["kind"], envelope["error"]["code"]) == ("validation", "URL_TOO_LONG"), envelope["error"]
    assert envelope["meta"]["attempts"] == 0 and sandbox.requests() == []


# -- 21. NO_PROXY cannot bypass the configured proxy; SSLKEYLOGFILE -----------------------------------------

NO_PROXY_PROGRAM = """
import json
from hostile import Hostile, answer
from sello_ffi import Client
ok = b"<servicioConsulta><consultaOk>true</consultaOk></servicioConsulta>"
def reply(request):
    return answer(200, ok, "application/xml")
with Hostile(reply) as target, Hostile(reply) as proxy:
    config = {"base_url": target.url + "/servicio/rest", "usuario": "pade_user", "password": "pade_pass",
              "contrato": "C-1", "proxy": proxy.url}
    with Client("cfdi", config) as client:
        envelope = client.call("get_by_uuid", {"uuid": "5FB2822E-396D-4725-8521-CDC4BDD20CCF"})
    print(json.dumps({"ok": envelope["ok"], "proxy": len(proxy.received), "direct": len(target.received)}))
"""


@pytest.mark.parametrize("variable", ["NO_PROXY", "no_proxy"])
def test_no_proxy_environment_does_not_bypass_the_configured_proxy(variable: str) -> None:
    status, result, stderr = run_child(NO_PROXY_PROGRAM, env={variable: "*"})
    assert status == 0 and result is not None, stderr
    assert (result["proxy"], result["direct"]) == (1, 0), result


KEYLOG_PROGRAM = """
import json, os
from control import Sandbox
from sello_ffi import Client
request = {"rut": "19.371.037-9", "correo": "eleon@certificadoradelsur.cl", "numeroDocumento": "100.123.456",
           "claveCertificado": "Secreta123xyz", "duracion": 3, "nombreEmpresa": "CDS", "comuna": "LOS ANGELES",
           "direccion": "Lautaro 867", "giroEmpresa": "Otros"}
with Sandbox.start(tls=True) as sb:
    config = {"base_url": sb.fes_url, "ca_file": str(sb.ca_file), "usuario": "PruebaWS",
              "clave": "bJBk9GuSJCOWLXODhniTCX7e5"}
    refused = Client("fes", config)
    refused_error = refused.error
    refused.close()
    with Client("fes", {**config, "allow_tls_key_log": True}) as allowed:
        envelope = allowed.call("obtain_certificate", request)
path = os.environ["SSLKEYLOGFILE"]
size = os.path.getsize(path) if os.path.exists(path) else 0
print(json.dumps({"refused": refused_error, "allowed_ok": envelope["ok"], "keylog_bytes": size}))
"""


def test_sslkeylogfile_is_refused_unless_allowed(tmp_path) -> None:
    keylog = tmp_path / "keys.log"
    status, result, stderr = run_child(KEYLOG_PROGRAM, env={"SSLKEYLOGFILE": str(keylog)})
    assert status == 0 and result is not None, stderr
    assert result["refused"] is not None, "a client was made while libcurl writes TLS secrets to SSLKEYLOGFILE"
    assert (result["refused"]["error"]["code"], result["refused"]["error"]["kind"]) == (
        "TLS_KEY_LOG",
        "invalid_argument",
    )
    assert result["allowed_ok"] is True and result["keylog_bytes"] > 0  # the explicit opt-in works


# -- 22. look-alike characters never reach the wire ---------------------------------------------------------


@pytest.mark.parametrize(
    "contract",
    [
        "307c1f32-bbb5-4cbe-a4f4-ecf20616510\uff41",  # full-width a
        "\uff13\uff10\uff17c1f32-bbb5-4cbe-a4f4-ecf20616510a",  # full-width digits
        "307c1f32-bbb5-4cbe-a4f4-ecf2061651\u0660a",  # Arabic-Indic zero
    ],
)
def test_fv_contract_id_with_non_ascii_hex_is_refused(sandbox, contract: str) -> None:
    with Client("fv", {"base_url": sandbox.fv_url, "login": "userapp", "password": "OnePass"}) as client:
        envelope = client.call("get_contract", {"IDContract": contract})
    assert envelope["ok"] is False and envelope["error"]["code"] == "CONTRACT_ID_INVALID", envelope
    assert sandbox.requests("/api/v1/contract") == []


@pytest.mark.parametrize(
    "rfc", ["A\u0301AA010101AAA", "A\u200dAA010101AAA", "AAA010101AA\u0301A", "AAA\u200b010101AAA", "\uff21AA010101AAA"]
)
def test_rfc_with_combining_marks_or_zero_width_characters_is_refused(sandbox, rfc: str) -> None:
    envelope = call("sello_check_rfc", {"rfc": rfc})
    assert envelope["ok"] is False and envelope["error"]["code"] == "RFC_INVALIDO", envelope
    with Client("cfdi", {"base_url": sandbox.cfdi_url, **CFDI_USER}) as client:
        envelope = client.call(
            "cancel", {"rfcEmisor": rfc, "uuids": [f"{UUID}|XAXX010101000|{rfc}|1.00"], "opciones": ["CERT_DEFAULT"]}
        )
    assert envelope["ok"] is False and envelope["meta"]["attempts"] == 0, envelope
    assert sandbox.requests() == []


def test_rfc_written_with_a_decomposed_enye_is_sent_composed(sandbox) -> None:
    """Ñ typed as N + U+0303 is the same letter: accepted, and written as the single Ñ SAT uses."""
    envelope = call("sello_check_rfc", {"rfc": "N\u0303AA010101AA1"})
    assert envelope["ok"] is True, envelope
    assert envelope["data"]["rfc"] == "\u00d1AA010101AA1"


# -- 23. control characters never reach a log line raw ----------------------------------------------------


def test_request_values_with_cr_lf_do_not_forge_log_lines(sandbox) -> None:
    with Client("cfdi", {"base_url": sandbox.cfdi_url, **CFDI_USER}) as client:
        # In the uuid, quoted by the refusal's message: a contrato with a CR is refused without repeating it.
        client.call("get_by_uuid", {"uuid": "PADE\r\n[ERROR] forged line\u2028x\x1b[31m"})
        logs = client.logs
    assert logs
    for _level, line in logs:
        assert not any(ch in line for ch in "\r\n\x1b\u2028\u2029\x85"), repr(line)
    assert any("\\r\\n[ERROR] forged line" in line for _level, line in logs), logs


def test_service_text_with_cr_lf_does_not_forge_log_lines() -> None:
    body = json.dumps({"code": 400, "status": "error", "message": "bad\r\n2026-01-01 INFO all good"}).encode()
    with Hostile(lambda _r: answer(400, body)) as server:
        with Client("fv", {"base_url": server.url, "login": "userapp", "password": "OnePass"}) as client:
            client.call("login", {})
            logs = client.logs
    assert logs and all("\n" not in line and "\r" not in line for _level, line in logs), logs


def test_https_to_a_plain_http_port_says_so(sandbox) -> None:
    # OpenSSL's "wrong version number" is a server that does not speak TLS there (review): the
    # hint is the scheme or the port, not a CA.
    url = sandbox.fes_url.replace("http://", "https://")
    with Client("fes", {"base_url": url, "usuario": "PruebaWS", "clave": "bJBk9GuSJCOWLXODhniTCX7e5"}) as client:
        envelope = client.call("obtain_certificate", json.loads(json.dumps(FES_REQUEST)))
    error = envelope["error"]
    assert (error["kind"], error["code"]) == ("transport", "TLS_FAILED"), error
    assert "did not answer TLS" in error["message"] and "http://" in error["message"], error


def test_a_404_says_to_check_base_url(sandbox) -> None:
    # A base_url without the service's path (or with one part too many) answers 404 (review).
    url = sandbox.fes_url.rsplit("/", 1)[0]
    with Client("fes", {"base_url": url, "usuario": "PruebaWS", "clave": "bJBk9GuSJCOWLXODhniTCX7e5"}) as client:
        envelope = client.call("obtain_certificate", json.loads(json.dumps(FES_REQUEST)))
    error = envelope["error"]
    assert (error["kind"], error["code"]) == ("http", "HTTP_404"), error
    assert "check base_url" in error["message"], error
    # Which setting, and the address that answered 404 (the audit's r7_fes_full_url.py: the field
    # was null and the path requested was not said, as CONNECT_FAILED and DNS_FAILED say theirs).
    assert error["field"] == "base_url", error
    assert f"POST {url}/obtenerCertificado" in error["message"], error


def test_a_404_names_the_address_without_its_query_string(sandbox) -> None:
    """Prodigia's lookups carry contrato and uuid in the query string: the message names the
    path requested, never the query."""
    with Client("cfdi", {"base_url": sandbox.cfdi_url + "/v2", **CFDI_USER}) as client:
        envelope = client.call("get_by_uuid", {"uuid": UUID})
    error = envelope["error"]
    assert (error["kind"], error["code"], error["field"]) == ("http", "HTTP_404", "base_url"), error
    assert f"POST {sandbox.cfdi_url}/v2/integracion/consultaCfdiPorUUID " in error["message"], error
    assert "consultaCfdiPorUUID?" not in error["message"], error
    assert "contrato=" not in error["message"] and UUID not in error["message"], error
