"""Hardening (issue 12), secrets: no secret in an envelope, a log line or an error message, in any
form it may travel in (raw, percent-encoded, base64 of the Basic pair, JSON-escaped, cut), and no
credential sent in clear text or too short to be masked.

Besides each test's own assertions, conftest.py's after-test scan looks for every secret given to
the library (and its JSON-escaped and percent-encoded forms) in everything the library returned."""

from __future__ import annotations

import base64
import json
import re
import urllib.parse

import pytest
from hostile import Hostile, answer
from sello_ffi import CAPTURE, Client, all_text
from sello_fixtures import FES_REQUEST as SEED_REQUEST
from sello_fixtures import GHOST_UUID as UUID

FES_REQUEST = {**SEED_REQUEST, "claveCertificado": "Secreta123xyz"}


def everything() -> list[str]:
    envelopes, logs, _ = CAPTURE.snapshot()
    return [text for envelope in envelopes for text in all_text(envelope)] + [line for _, line in logs]


def assert_absent(*forms: str) -> None:
    for text in everything():
        for form in forms:
            assert form not in text, f"{form!r} in {text[:300]!r}"


def pieces(secret: str, size: int = 6) -> list[str]:
    return [secret[i : i + size] for i in range(len(secret) - size + 1)]


# -- 3. a malformed proxy ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "proxy",
    [
        "http://sello:Pr0xy-S3cret@bad host:3128",  # a space in the host
        "http://sello:Pr0xy-S3cret@proxy.invalid:99999",  # port out of range
        "http://sello:Pr0xy-S3cret@proxy.invalid:31x8",  # port not a number
        "gopher://sello:Pr0xy-S3cret@proxy.invalid:70",  # unknown scheme
        "http://sello:Pr0xy-S3cret@:3128",  # no host
    ],
)
def test_malformed_proxy_is_refused_at_client_new_with_its_password_masked(proxy: str) -> None:
    client = Client(
        "fes",
        {
            "base_url": "https://example.invalid/x",
            "usuario": "PruebaWS",
            "clave": "bJBk9GuSJCOWLXODhniTCX7e5",
            "proxy": proxy,
        },
    )
    assert client.handle is None, "a malformed proxy was accepted"
    error = client.error["error"]
    assert (error["kind"], error["code"], error["field"]) == ("invalid_argument", "BAD_PROXY", "proxy"), error
    assert_absent("Pr0xy-S3cret")


def test_proxy_password_is_a_secret_in_every_answer() -> None:
    """A proxy that echoes its Proxy-Authorization (decoded) in an error page."""

    def handle(request):
        auth = request.header("Proxy-Authorization") or ""
        decoded = base64.b64decode(auth.split(" ", 1)[1]).decode() if " " in auth else ""
        return answer(407, f"<html>proxy refused {decoded} ({auth})</html>".encode(), "text/html")

    with Hostile(handle) as proxy:
        config = {
            "base_url": "http://127.0.0.1:9/x",
            "usuario": "PruebaWS",
            "clave": "bJBk9GuSJCOWLXODhniTCX7e5",
            "proxy": f"http://sello:Pr0xy-S3cret@127.0.0.1:{proxy.port}",
            "retries": {"max": 0},
        }
        with Client("fes", config) as client:
            envelope = client.call("obtain_certificate", FES_REQUEST)
        assert proxy.received, "the request did not go through the proxy"
    assert envelope["ok"] is False
    assert_absent("Pr0xy-S3cret", base64.b64encode(b"sello:Pr0xy-S3cret").decode())


PROXY_REFUSES = answer(407, b"", "text/plain", 'Proxy-Authenticate: Basic realm="corp"\r\n')


@pytest.mark.parametrize("base_url", ["https://127.0.0.2:9/x", "http://127.0.0.1:9/x"])
@pytest.mark.parametrize(
    "service,operation,credentials,request_",
    [
        ("fes", "obtain_certificate", {"usuario": "PruebaWS", "clave": "bJBk9GuSJCOWLXODhniTCX7e5"}, FES_REQUEST),
        ("cfdi", "get_by_uuid", {"usuario": "u", "password": "p-pass", "contrato": "c"}, {"uuid": UUID}),
    ],
)
def test_a_proxy_refusing_its_credentials_is_auth_and_never_retried(
    base_url: str, service: str, operation: str, credentials: dict, request_: dict
) -> None:
    """HTTP 407 to the CONNECT of an https base_url, or to the request itself with an http one:
    the proxy's credentials are wrong (API.md §5: never retried — retries can lock a corporate
    proxy account), and it is not the service that answered."""
    with Hostile(lambda _r: PROXY_REFUSES) as proxy:
        config = {
            "base_url": base_url,
            **credentials,
            "proxy": f"http://puser:Wr0ng-Pr0xy@127.0.0.1:{proxy.port}",
            "retries": {"max": 3, "base_delay_ms": 1, "max_delay_ms": 5},
        }
        with Client(service, config) as client:
            envelope = client.call(operation, request_)
        received = list(proxy.received)
    error = envelope["error"]
    assert (error["kind"], error["code"], error["field"], error["retryable"]) == (
        "auth",
        "PROXY_AUTH_FAILED",
        "proxy",
        False,
    ), error
    assert "proxy" in error["message"] and "Wr0ng-Pr0xy" not in json.dumps(envelope)
    assert len(received) == 1, [r.method for r in received]


# -- 4. BAD_URL never repeats what may be credentials ---------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "user:Url-S3cret-77@host.example/x",
        "http:u:Url-S3cret-77@host.example/x",
        "//u:Url-S3cret-77@host.example/x",
        "http:\\\\u:Url-S3cret-77@host.example\\x",
        "https://host.example/x#Url-S3cret-77",
        "https://host.example/x?token=Url-S3cret-77",
        "https://host.example/x?a=1#t=Url-S3cret-77",
    ],
)
def test_bad_url_does_not_echo_credentials(url: str) -> None:
    client = Client("fes", {"base_url": url, "usuario": "PruebaWS", "clave": "bJBk9GuSJCOWLXODhniTCX7e5"})
    assert client.handle is None, f"{url} was accepted"
    assert client.error["error"]["code"] == "BAD_URL", client.error
    assert_absent(*pieces("Url-S3cret-77"))


# -- 5. a success that repeats a secret anywhere ------------------------------------------------------

FES_CLAVE = "Cl4ve-Echo-9"


def test_fes_success_echoing_a_secret_outside_comentario_is_masked() -> None:
    echo = {
        "estado": "OK",
        "errorCode": 0,
        "comentario": "ok",
        "certificado": base64.b64encode(b"not a pkcs12").decode(),
        "detalle": {"usuario": "PruebaWS", "clave": FES_CLAVE, "nota": f"clave {FES_CLAVE}, certificado Secreta123xyz"},
        "lista": [FES_CLAVE],
        FES_CLAVE: True,
    }
    with Hostile(lambda _r: answer(200, json.dumps(echo).encode())) as server:
        with Client("fes", {"base_url": server.url, "usuario": "PruebaWS", "clave": FES_CLAVE}) as client:
            envelope = client.call("obtain_certificate", FES_REQUEST)
    assert envelope["ok"] is True, envelope
    assert envelope["data"]["certificado"] == echo["certificado"]  # documents are returned untouched
    assert "***" in json.dumps(envelope["data"])
    assert_absent(FES_CLAVE, "Secreta123xyz")


def test_cfdi_success_echoing_a_secret_in_any_element_is_masked() -> None:
    xml = (
        f"<servicioTimbrado><timbradoOk>true</timbradoOk><codigo>0</codigo><uuid>{UUID}</uuid>"
        f"<contrato>C-1</contrato><eco><usuario>pade_user</usuario><password>Pade-Pass-77</password></eco>"
        f"<nota>clave Pade-Pass-77</nota></servicioTimbrado>"
    ).encode()
    with Hostile(lambda _r: answer(200, xml, "application/xml")) as server:
        config = {"base_url": server.url, "usuario": "pade_user", "password": "Pade-Pass-77", "contrato": "C-1"}
        with Client("cfdi", config) as client:
            envelope = client.call("process_file", {"datos": "CFDI|3.3|A|1|\n"})
    assert envelope["ok"] is True and envelope["data"]["uuid"] == UUID, envelope
    assert_absent("Pade-Pass-77")


def test_fv_success_with_a_secret_as_an_object_key_is_masked() -> None:
    def handle(request):
        if request.path == "/logindata":
            return answer(
                200,
                b'{"code":200,"status":"success",'
                b'"message":{"Authorization":"Bearer eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.c2ln"}}',
            )
        return answer(
            200,
            json.dumps(
                {
                    "code": 200,
                    "status": "success",
                    "message": {"Fv-Pass-1234": {"login": "userapp"}, "eco": ["Fv-Pass-1234"]},
                }
            ).encode(),
        )

    with Hostile(handle) as server:
        with Client("fv", {"base_url": server.url, "login": "userapp", "password": "Fv-Pass-1234"}) as client:
            envelope = client.call("get_user", {"IDUser": 1})
    assert envelope["ok"] is True, envelope
    assert_absent("Fv-Pass-1234")


# -- 6. encoded forms: percent, base64 of the Basic pair, JSON-escaped, cut --------------------------

ODD_CLAVE = 'Cl@ve S3/"x\\+ñ'


@pytest.mark.parametrize("form", ["quote", "quote_lower", "quote_plus", "raw_json"])
def test_percent_and_json_encoded_secret_echoed_by_an_error_page_is_masked(form: str) -> None:
    encoded = {
        "quote": urllib.parse.quote(ODD_CLAVE, safe=""),
        "quote_lower": re.sub("%[0-9A-F]{2}", lambda m: m.group(0).lower(), urllib.parse.quote(ODD_CLAVE, safe="")),
        "quote_plus": urllib.parse.quote_plus(ODD_CLAVE),
        "raw_json": json.dumps(ODD_CLAVE)[1:-1],
    }[form]
    body = f"<html>bad request: clave={encoded}</html>".encode()
    with Hostile(lambda _r: answer(400, body, "text/html")) as server:
        config = {"base_url": server.url, "usuario": "PruebaWS", "clave": ODD_CLAVE, "retries": {"max": 0}}
        with Client("fes", config) as client:
            envelope = client.call("obtain_certificate", FES_REQUEST)
    assert envelope["ok"] is False
    assert_absent(encoded, ODD_CLAVE)


def test_basic_pair_in_base64_echoed_by_a_401_page_is_masked() -> None:
    def handle(request):
        return answer(
            401, f"<html>denied: Authorization: {request.header('Authorization')}</html>".encode(), "text/html"
        )

    with Hostile(handle) as server:
        config = {"base_url": server.url, "usuario": "pade_user", "password": "Pade-Pass-77", "contrato": "C-1"}
        with Client("cfdi", config) as client:
            envelope = client.call("get_by_uuid", {"uuid": UUID})
    assert envelope["error"]["kind"] == "auth", envelope
    assert_absent(base64.b64encode(b"pade_user:Pade-Pass-77").decode())


FV_ODD_PASSWORD = 'Fv"Pass\\word-9'


def fv_error_server(message) -> Hostile:
    return Hostile(lambda _r: answer(400, json.dumps({"code": 400, "status": "error", "message": message}).encode()))


def test_fv_error_object_shown_as_json_masks_escaped_password() -> None:
    with fv_error_server({"detail": {"login": "userapp", "password": FV_ODD_PASSWORD}}) as server:
        with Client("fv", {"base_url": server.url, "login": "userapp", "password": FV_ODD_PASSWORD}) as client:
            envelope = client.call("login", {})
    assert envelope["ok"] is False, envelope
    assert_absent(json.dumps(FV_ODD_PASSWORD)[1:-1], FV_ODD_PASSWORD)


@pytest.mark.parametrize("offset", range(186, 200, 3))
def test_fv_error_text_cut_never_shows_part_of_a_secret(offset: int) -> None:
    """A long error whose secret straddles the 200-character cut."""
    password = "Fv-Straddle-Secret-42"
    with fv_error_server([("x" * offset) + password + ("y" * 300)]) as server:
        with Client("fv", {"base_url": server.url, "login": "userapp", "password": password}) as client:
            envelope = client.call("login", {})
    assert envelope["ok"] is False, envelope
    assert_absent(*pieces(password))


# -- 7. credentials in clear text through a proxy -------------------------------------------------------


def test_http_base_url_through_non_loopback_proxy_needs_allow_insecure_http() -> None:
    """Nothing is sent: the refusal happens at client_new (and no test may reach a non-loopback host)."""
    config = {
        "base_url": "http://127.0.0.1:9/servicio/rest",
        "usuario": "pade_user",
        "password": "Pade-Pass-77",
        "contrato": "C-1",
        "proxy": "http://proxy.invalid:3128",
    }
    client = Client("cfdi", config)
    assert client.handle is None, "a plain-HTTP hop to a non-loopback proxy was accepted"
    assert (client.error["error"]["code"], client.error["error"]["field"]) == ("INSECURE_HTTP", "proxy"), client.error
    with Client("cfdi", {**config, "allow_insecure_http": True}) as allowed:
        assert allowed.handle, allowed.error
    with Client("cfdi", {**config, "proxy": "https://proxy.invalid:3128"}) as tls_proxy:
        assert tls_proxy.handle is None  # the proxy still forwards plain HTTP beyond loopback


def test_http_base_url_through_loopback_proxy_is_accepted() -> None:
    with Hostile(
        lambda _r: answer(200, b"<servicioConsulta><consultaOk>true</consultaOk></servicioConsulta>", "application/xml")
    ) as proxy:
        config = {
            "base_url": "http://127.0.0.1:9/servicio/rest",
            "usuario": "pade_user",
            "password": "Pade-Pass-77",
            "contrato": "C-1",
            "proxy": proxy.url,
        }
        with Client("cfdi", config) as client:
            envelope = client.call("get_by_uuid", {"uuid": UUID})
        assert envelope["ok"] is True, envelope
        assert proxy.received[0].target.startswith("http://127.0.0.1:9/servicio/rest/")


# -- 8. secrets too short to be masked ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "prefix,config,field",
    [
        ("fes", {"usuario": "PruebaWS", "clave": "abc"}, "clave"),
        ("fv", {"login": "userapp", "password": "x1"}, "password"),
        ("cfdi", {"usuario": "pade_user", "password": "abc", "contrato": "C-1"}, "password"),
        (
            "fes",
            {"usuario": "PruebaWS", "clave": "bJBk9GuSJCOWLXODhniTCX7e5", "proxy": "http://u:pw@127.0.0.1:3128"},
            "proxy",
        ),
    ],
)
def test_credentials_shorter_than_4_characters_are_refused(prefix: str, config: dict, field: str) -> None:
    client = Client(prefix, {"base_url": "http://127.0.0.1:9", **config})
    assert client.handle is None, f"a {field} too short to be masked was accepted"
    error = client.error["error"]
    assert (error["kind"], error["code"], error["field"]) == ("invalid_argument", "SECRET_TOO_SHORT", field), error


def test_request_secrets_shorter_than_4_characters_are_refused(sandbox) -> None:
    with Client("fv", {"base_url": sandbox.fv_url, "login": "userapp", "password": "OnePass"}) as client:
        envelope = client.call(
            "create_user",
            {
                "sRUT": "76795561-8",
                "sFirstName": "A",
                "sLastName": "B",
                "sEmail": "a@b.cl",
                "sPhone": "+56978570242",
                "sLogin": "abcdef12",
                "sPassword": "ab",
            },
        )
    assert envelope["ok"] is False and envelope["error"]["code"] == "SECRET_TOO_SHORT", envelope
    assert envelope["meta"]["attempts"] == 0 and sandbox.requests("/api/v1/userapp") == []
