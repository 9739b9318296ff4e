"""Secrets (API.md §3): no password, clave, claveCertificado, keyPass, private key or token ever
appears in an envelope, a log line or an error message.

Every test of the suite is already scanned after it runs (conftest.py no_secret_leaks: what
sello_ffi captured against every secret the test configured or sent, and the tokens the sandbox
issued). These are the explicit cases: answers and errors that echo a secret back, secrets cut at
a sample's edge, credentials in URLs and proxies, tokens across a re-login."""

from __future__ import annotations

import base64
import json
import socket
import threading
from typing import Any

import pytest
from sello_ffi import CAPTURE, Client, all_text, call, find_leaks
from sello_fixtures import CFDI_USER, CSD_PASSWORD, FES_USER, FV_USER
from sello_fixtures import FES_REQUEST as SEED_REQUEST

CLAVE = FES_USER["clave"]
CLAVE_CERTIFICADO = "Secreta123xyz"
FES_REQUEST = {**SEED_REQUEST, "claveCertificado": CLAVE_CERTIFICADO}
SECRETS = [CLAVE, CLAVE_CERTIFICADO]


def pieces(secret: str, size: int = 6) -> list[str]:
    """Every `size`-character piece of a secret: a leak of part of one is a leak."""
    return [secret[i : i + size] for i in range(len(secret) - size + 1)]


def everything() -> list[str]:
    """All text the library produced in this test: envelopes and log lines."""
    envelopes, logs, _ = CAPTURE.snapshot()
    return [text for envelope in envelopes for text in all_text(envelope)] + [line for _, line in logs]


def assert_nothing_of(secrets: list[str], size: int = 6) -> None:
    for text in everything():
        for secret in secrets:
            for piece in pieces(secret, size):
                assert piece not in text, f"part of a secret ({piece!r}) in: {text[:200]!r}"


class Canned:
    """A loopback HTTP server that answers every request with the same bytes."""

    def __init__(self, status: int, body: bytes, content_type: str = "application/json", extra: str = "") -> None:
        self.answer = (
            f"HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
            f"{extra}Connection: close\r\n\r\n"
        ).encode() + body
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            with connection:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = connection.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                connection.sendall(self.answer)

    def __enter__(self) -> "Canned":
        return self

    def __exit__(self, *exc: object) -> None:
        self.sock.close()


def fes_against(server: Canned) -> dict[str, Any]:
    with Client("fes", {"base_url": server.url, **FES_USER, "retries": {"max": 0}}) as client:
        return client.call("obtain_certificate", FES_REQUEST)


# -- the scan itself -------------------------------------------------------------------------------


def test_the_scan_finds_a_leak() -> None:
    """The after-test scan is only worth something if it finds what it looks for."""
    secret = "Hunter2-Secret"
    envelope = {"ok": False, "error": {"message": f"refused {secret}"}}
    assert find_leaks({secret}, [envelope], []) and find_leaks({secret}, [], [(1, f"→ POST ?x={secret}")])
    assert find_leaks({secret}, [{"ok": True, "data": {secret: 1}}], [])  # keys count too
    assert not find_leaks({secret}, [{"ok": True, "data": {"x": "***"}}], [(1, "clean")])


def test_the_scan_knows_what_each_test_gave_the_library(sandbox) -> None:
    with Client(
        "cfdi",
        {
            "base_url": sandbox.cfdi_url,
            "usuario": "pade_user",
            "password": "pade_pass",
            "contrato": "C",
            "proxy": "http://u:Proxy-Secret-1@127.0.0.1:9",
        },
    ):
        pass
    call("fes_check_request", {**FES_REQUEST, "claveCertificado": "Another-Secret-9"})
    _, _, secrets = CAPTURE.snapshot()
    basic = base64.b64encode(b"pade_user:pade_pass").decode()
    assert {"pade_pass", "Proxy-Secret-1", "Another-Secret-9", basic} <= secrets


# -- answers that echo a secret ------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["straddling", "straddling after scrubbing"])
def test_protocol_sample_never_shows_part_of_a_secret(layout: str) -> None:
    """A body that is not JSON, with a secret straddling the sample's 120th byte — in the raw
    body, or only once an earlier secret has been replaced by *** (found by fuzz_fes_answer):
    the sample shows neither, not even a part."""
    if layout == "straddling":
        body = (b"<html>" + CLAVE_CERTIFICADO.encode() + b" ").ljust(110, b".") + CLAVE.encode() + b" " + b"x" * 200
    else:
        body = (b"<html>" + CLAVE.encode() + b" ").ljust(133, b".") + CLAVE_CERTIFICADO.encode() + b" </html>"
    with Canned(200, body, "text/html") as server:
        envelope = fes_against(server)
    error = envelope["error"]
    assert (error["kind"], error["code"]) == ("protocol", "INVALID_ANSWER"), error
    assert len(error["details"]["sample"]) <= 121
    assert "***" in error["details"]["sample"]
    assert_nothing_of(SECRETS)


def test_an_error_page_echoing_the_clave(sandbox) -> None:
    body = f"<html><body>Bad request: usuario PruebaWS clave {CLAVE}</body></html>".encode()
    with Canned(400, body, "text/html") as server:
        envelope = fes_against(server)
    assert envelope["error"]["kind"] == "http", envelope
    assert_nothing_of(SECRETS)


def test_a_service_error_echoing_the_secrets() -> None:
    body = json.dumps(
        {"estado": "FAIL", "errorCode": 105, "comentario": f"usuario o clave {CLAVE} invalido ({CLAVE_CERTIFICADO})"}
    ).encode()
    with Canned(200, body) as server:
        envelope = fes_against(server)
    assert envelope["error"]["code"] == "USUARIO_O_CLAVE_INVALIDO", envelope
    assert "***" in envelope["error"]["message"]
    assert_nothing_of(SECRETS)


def test_a_success_echoing_the_secrets() -> None:
    """An OK answer whose comentario repeats the passwords: the data is the service's, but the
    secrets in it are still masked (FV masks them in its data the same way)."""
    body = json.dumps(
        {
            "estado": "OK",
            "errorCode": 0,
            "certificado": base64.b64encode(b"not a pkcs12").decode(),
            "comentario": f"emitido para {CLAVE_CERTIFICADO} / {CLAVE}",
        }
    ).encode()
    with Canned(200, body) as server:
        envelope = fes_against(server)
    assert envelope["ok"] is True, envelope
    assert_nothing_of(SECRETS)


def test_redirect_location_with_credentials() -> None:
    location = f"https://user:{CLAVE}@elsewhere.example/x?token={CLAVE_CERTIFICADO}&clave={CLAVE}"
    with Canned(302, b"", "text/html", extra=f"Location: {location}\r\n") as server:
        envelope = fes_against(server)
    assert envelope["error"]["code"] == "REDIRECT_NOT_FOLLOWED", envelope
    assert "elsewhere.example" in envelope["error"]["message"]
    assert_nothing_of(SECRETS)


# -- our own errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://sello:Url-Secret-77@exa mple.com/x",
        "ftp://sello:Url-Secret-77@example.com/",
        "https://sello:Url-Secret-77@/nohost",
    ],
)
def test_base_url_credentials_are_never_echoed(url: str) -> None:
    client = Client("fes", {"base_url": url, **FES_USER})
    assert client.handle is None and client.error["error"]["code"] == "BAD_URL", client.error
    assert_nothing_of(["Url-Secret-77"])


def test_proxy_credentials_are_never_echoed() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = {
        "base_url": "https://example.invalid/x",
        **FES_USER,
        "retries": {"max": 0},
        "proxy": f"http://sello:Proxy-Secret-42@127.0.0.1:{port}",
    }
    with Client("fes", config) as client:
        envelope = client.call("obtain_certificate", FES_REQUEST)
    assert envelope["error"]["kind"] == "transport", envelope
    assert_nothing_of(["Proxy-Secret-42"])


@pytest.mark.parametrize(
    "request_text",
    [
        b'{"claveCertificado": "Secreta123xyz", "rut": ',  # truncated
        b'{"claveCertificado": "Secreta123xyz", "rut": "1-9", "x": 1}',  # unknown field
        b'{"claveCertificado": "Secreta123xyz\xff", "rut": "1-9"}',  # invalid UTF-8
        b'{"claveCertificado": ["Secreta123xyz"]}',  # wrong type
        b'{"claveCertificado": "Secreta123xyz<"}',  # refused character
        b'{"claveCertificado": "secreta123xyz"}',  # password policy
    ],
)
def test_bad_requests_never_echo_the_password(sandbox, request_text: bytes) -> None:
    with Client("fes", {"base_url": sandbox.fes_url, **FES_USER}) as client:
        envelope = client.call("obtain_certificate", request_text)
    assert envelope["ok"] is False and envelope["meta"]["attempts"] == 0
    assert call("fes_check_request", request_text)["ok"] is False
    assert_nothing_of([CLAVE_CERTIFICADO, "secreta123xyz"])


def test_fes_at_debug_level_across_every_outcome(sandbox) -> None:
    with Client(
        "fes",
        {
            "base_url": sandbox.fes_url,
            **FES_USER,
            "timeout_ms": 500,
            "retries": {"max": 1, "base_delay_ms": 1, "max_delay_ms": 5},
        },
    ) as client:
        outcomes = [client.call("obtain_certificate", FES_REQUEST)]
        for mode, params in [
            ("service_error", {"code": 105}),
            ("status", {"status": 503, "retry_after": 0}),
            ("invalid_body", {}),
            ("delay", {"ms": 1500}),
            ("reset", {}),
            ("truncate", {}),
        ]:
            sandbox.fault(mode, **params)
            outcomes.append(client.call("obtain_certificate", FES_REQUEST))
        logs = client.logs
    assert outcomes[0]["ok"] is True and len(logs) >= 10
    assert_nothing_of(SECRETS)


# -- Firma Virtual: the password and the bearer token ----------------------------------------------


def test_fv_token_and_password_never_shown(sandbox) -> None:
    config = {
        "base_url": sandbox.fv_url,
        "login": "userapp",
        "password": "OnePass",
        "retries": {"max": 1, "base_delay_ms": 1, "max_delay_ms": 5},
    }
    with Client("fv", config) as client:
        assert client.handle, client.error
        login = client.call("login")
        assert login["ok"] is True and set(login["data"]) == {"authorized", "expires_at"}, login
        client.call("get_contract", {"IDContract": "307c1f32-bbb5-4cbe-a4f4-ecf20616510a"})
        sandbox.fv_invalidate_tokens()  # refused token: logs in again
        client.call("get_contract", {"IDContract": "307c1f32-bbb5-4cbe-a4f4-ecf20616510a"})
        client.call(
            "create_user",
            {
                "iProfileID": 1,
                "sRUT": "11111111-1",
                "sFirstName": "Ana",
                "sLastName": "Rojas",
                "sEmail": "ana.rojas@example.com",
                "sPhone": "+56911111111",
                "sLogin": "anarojas1",
                "sPassword": "Qx7-Ana-Kz92w",
                "sComments": "NA",
                "sUserType": "NATURAL",
            },
        )
        client.call("reset_password", {"login": "ana.rojas@example.com"})
        code = sandbox.fv_reset_code("ana.rojas@example.com")
        client.call(
            "new_password", {"login": "ana.rojas@example.com", "password": code, "new_password": "Qx7-Ana-Kz93w"}
        )
        sandbox.fault("invalid_body", prefix="/api/v1/contract/")
        client.call("get_contract", {"IDContract": "307c1f32-bbb5-4cbe-a4f4-ecf20616510a"})
    tokens = {r["bearer"] for r in sandbox.requests() if r["bearer"]}
    assert tokens and sum(r["path"] == "/logindata" for r in sandbox.requests()) >= 2  # logged in again
    assert_nothing_of(["OnePass", "Qx7-Ana-Kz92w", "Qx7-Ana-Kz93w", code], size=7)
    for token in tokens:
        for text in everything():
            assert token not in text and token.split(".")[-1] not in text  # not even the signature


def test_fv_wrong_password_is_not_echoed(sandbox) -> None:
    with Client("fv", {"base_url": sandbox.fv_url, "login": "userapp", "password": "Wrong-Pass-123"}) as client:
        envelope = client.call("login")
    assert envelope["error"]["kind"] == "auth", envelope
    assert_nothing_of(["Wrong-Pass-123"])


# -- CFDI: Basic credentials and the CSD -----------------------------------------------------------


def test_cfdi_basic_credentials_never_shown(sandbox) -> None:
    config = {"base_url": sandbox.cfdi_url, **CFDI_USER, "retries": {"max": 1, "base_delay_ms": 1, "max_delay_ms": 5}}
    with Client("cfdi", config) as client:
        assert client.handle, client.error
        client.call("get_by_uuid", {"uuid": "6F2A1B7E-3C4D-4E5F-8A9B-0C1D2E3F4A5B"})
        sandbox.fault("status", status=401, prefix="/servicio")
        client.call("get_by_uuid", {"uuid": "6F2A1B7E-3C4D-4E5F-8A9B-0C1D2E3F4A5B"})
    basic = base64.b64encode(b"pade_user:pade_pass").decode()
    assert_nothing_of(["pade_pass", basic])
    assert [r["basic_auth"]["password"] for r in sandbox.requests("/servicio")] == ["pade_pass", "pade_pass"]


def test_cfdi_wrong_password_is_not_echoed(sandbox) -> None:
    config = {"base_url": sandbox.cfdi_url, **CFDI_USER, "password": "Wrong-Pass-321"}
    with Client("cfdi", config) as client:
        envelope = client.call("get_by_uuid", {"uuid": "6F2A1B7E-3C4D-4E5F-8A9B-0C1D2E3F4A5B"})
    assert envelope["error"]["kind"] == "auth", envelope
    assert_nothing_of(["Wrong-Pass-321"])


def test_cfdi_key_material_never_shown(sandbox, certs) -> None:
    """A private key given inline or by path, its password right or wrong: never echoed."""
    import pathlib

    csd = certs["csd"]
    key = pathlib.Path(csd["key"]).read_bytes()
    key_b64 = base64.b64encode(key).decode()
    pem_lines = [line for line in pathlib.Path(csd["keyPem"]).read_text().splitlines() if not line.startswith("-----")]
    plain = pathlib.Path(csd["key"][:-4] + ".plain.key.pem")
    requests: list[dict[str, Any]] = [
        {"cert_path": csd["cer"], "key_path": csd["key"], "keyPass": CSD_PASSWORD},
        {"cert_path": csd["cer"], "key_path": csd["key"], "keyPass": "Wrong-Key-Pass"},
        {"cert_path": csd["cer"], "keyBase64": key_b64, "keyPass": "Wrong-Key-Pass"},
        {"cert_path": csd["cer"], "keyBase64": key_b64[:-8], "keyPass": CSD_PASSWORD},
        {"cert_path": csd["cer"], "keyBase64": "".join(pem_lines), "keyPass": CSD_PASSWORD},
    ]
    if plain.exists():
        requests.append({"cert_path": csd["cer"], "key_path": str(plain), "keyPass": CSD_PASSWORD})
    for request in requests:
        call("cfdi_inspect_csd", request)
    config = {"base_url": sandbox.cfdi_url, **CFDI_USER}
    with Client("cfdi", config) as client:
        client.call(
            "process_file_with_csd",
            {
                "datos": "CFDI|3.3|A|1|2020-01-01T00:00:00\n",
                "cert_path": csd["cer"],
                "key_path": csd["key"],
                "keyPass": "Wrong-Key-Pass",
            },
        )
        client.call(
            "cancel",
            {
                "rfcEmisor": "AAA010101AAA",
                "uuids": ["6F2A1B7E-3C4D-4E5F-8A9B-0C1D2E3F4A5B|XAXX010101000|AAA010101AAA|1.00"],
                "cert_path": csd["cer"],
                "key_path": csd["key"],
                "keyPass": CSD_PASSWORD,
            },
        )
    assert_nothing_of([CSD_PASSWORD, "Wrong-Key-Pass"], size=8)
    texts = everything()
    for line in pem_lines[1:]:
        assert not any(line in text for text in texts)
    for start in range(96, len(key_b64) - 48, 48):
        assert not any(key_b64[start : start + 48] in text for text in texts)


def wrapped(text: str, width: int, newline: str) -> str:
    return newline.join(text[i : i + width] for i in range(0, len(text), width))


@pytest.mark.parametrize(
    "echo",
    [
        lambda key: wrapped(key, 64, "\n"),
        lambda key: wrapped(key, 76, "\r\n"),
        lambda key: (
            f"-----BEGIN ENCRYPTED PRIVATE KEY-----\n{wrapped(key, 64, chr(10))}\n-----END ENCRYPTED PRIVATE KEY-----"
        ),
        lambda key: "Llave: " + key,
    ],
    ids=["64-lf", "76-crlf", "pem", "whole"],
)
def test_a_csd_key_echoed_in_lines_is_never_shown(certs, echo) -> None:
    """Prodigia receives keyBase64 in the query of a cancellation; an answer that repeats it broken
    into lines (as PEM and MIME encoders write base64) must not carry it into the error, its
    message or a log line (whole or in part)."""
    import pathlib

    csd = certs["csd"]
    key_b64 = base64.b64encode(pathlib.Path(csd["key"]).read_bytes()).decode()
    answer = (
        "<servicioCancel><statusOk>false</statusOk><codigo>3</codigo>"
        f"<mensaje>Parámetro inválido: {echo(key_b64)}</mensaje></servicioCancel>"
    ).encode()
    request = {
        "rfcEmisor": "XIQB891116QE4",
        "uuids": ["6F2A1B7E-3C4D-4E5F-8A9B-0C1D2E3F4A5B|02|"],
        "cert_path": csd["cer"],
        "key_path": csd["key"],
        "keyPass": CSD_PASSWORD,
    }
    for status, content_type in [(200, "application/xml"), (500, "text/html"), (400, "text/html")]:
        body = answer if content_type == "application/xml" else b"<html><body><pre>" + answer + b"</pre></body></html>"
        with Canned(status, body, content_type) as server:
            with Client("cfdi", {"base_url": server.url, **CFDI_USER, "retries": {"max": 0}}) as client:
                envelope = client.call("cancel_with_reason", request)
        assert envelope["ok"] is False, envelope
    for text in everything():
        flat = text.replace("\r", "").replace("\n", "").replace("\\r", "").replace("\\n", "").replace(" ", "")
        for start in range(0, len(key_b64) - 24, 12):
            assert key_b64[start : start + 24] not in flat, f"part of the key in: {text[:300]!r}"


@pytest.mark.parametrize(
    "spelled",
    [
        lambda s: "".join(f"&#{ord(c)};" for c in s),
        lambda s: "".join(f"\\u{ord(c):04x}" for c in s),
        lambda s: s.replace("&", "&amp;").replace("'", "&#039;").replace("ñ", "&ntilde;"),
        lambda s: s.encode().decode("latin-1"),
        lambda s: "".join(f"%25{b:02X}" for b in s.encode()),
    ],
    ids=["numeric-references", "gson-unicode", "htmlspecialchars", "latin1-misread", "percent-twice"],
)
def test_the_clave_echoed_in_any_escape_is_never_shown(spelled) -> None:
    """A service's error page may escape what it repeats in any way its framework does."""
    clave = "Añ'o&9=Clave"
    for status, content_type in [(200, "text/html"), (200, "application/json"), (500, "text/html")]:
        body = f"<p>clave={spelled(clave)} rechazada</p>".encode()
        if content_type == "application/json":
            body = json.dumps({"estado": "ERROR", "errorCode": 103, "comentario": spelled(clave)}).encode()
        with Canned(status, body, content_type) as server:
            with Client("fes", {"base_url": server.url, "usuario": "u1", "clave": clave, "retries": {"max": 0}}) as c:
                envelope = c.call("obtain_certificate", FES_REQUEST)
        assert envelope["ok"] is False, envelope
    for text in everything():
        assert spelled(clave) not in text and clave not in text, text[:300]


ANSWER_SPELLINGS = [
    lambda s: s,
    lambda s: "".join(f"&#{ord(c)};" for c in s),
    lambda s: "".join(f"\\u{ord(c):04x}" for c in s),
    lambda s: s.replace("&", "&amp;").replace("'", "&#039;").replace("ñ", "&ntilde;"),
    lambda s: s.encode().decode("latin-1"),
    lambda s: "".join(f"%{b:02X}" for b in s.encode()),
    lambda s: "".join(f"%25{b:02X}" for b in s.encode()),
]


@pytest.mark.parametrize("member", ["comentario", "comentarios", "mensaje"])
@pytest.mark.parametrize("estado", ["OK", "FAIL"])
def test_the_answers_texts_echoing_the_secrets_are_masked_in_any_spelling(member: str, estado: str) -> None:
    """FES's texts (under any of their names), on an OK and on a FAIL answer, echoing the clave or
    the claveCertificado as a framework may escape them: masked in the envelope and in every log
    line (readAnswer leaves an OK answer's texts to the envelope's masking)."""
    clave = "Añ'o&9=Clave"
    secrets = [clave, CLAVE_CERTIFICADO]
    for spelled in ANSWER_SPELLINGS:
        for secret in secrets:
            answer: dict[str, Any] = {"estado": estado, "errorCode": 0 if estado == "OK" else 105}
            answer[member] = f"para {spelled(secret)} fin"
            if estado == "OK":
                answer["certificado"] = base64.b64encode(b"not a pkcs12").decode()
            with Canned(200, json.dumps(answer).encode()) as server:
                config = {"base_url": server.url, "usuario": "u1", "clave": clave, "retries": {"max": 0}}
                with Client("fes", config) as client:
                    envelope = client.call("obtain_certificate", FES_REQUEST)
            assert envelope["ok"] is (estado == "OK"), envelope
            shown = json.dumps(envelope, ensure_ascii=False)
            assert "***" in shown, shown[:300]
    texts = everything()
    assert texts
    for text in texts:
        for spelled in ANSWER_SPELLINGS:
            for secret in secrets:
                assert spelled(secret) not in text and secret not in text, text[:300]


@pytest.mark.parametrize(
    "field, text",
    [
        ("correo", f"xx{CLAVE_CERTIFICADO}xx"),  # "el correo '…' no es válido"
        ("comuna", CLAVE_CERTIFICADO),  # "'…' no es una de las comunas de Chile"
        ("save_to", f"/nonexistent/{CLAVE_CERTIFICADO}/cert.p12"),  # "save_to: …"
    ],
)
def test_a_message_quoting_another_field_never_shows_the_password(sandbox, field: str, text: str) -> None:
    """A validation message quotes what was typed; the request's own password typed (or pasted)
    into another field is masked there too, also before the request is built."""
    request = {**FES_REQUEST, field: text}
    with Client("fes", {"base_url": sandbox.fes_url, **FES_USER}) as client:
        envelope = client.call("obtain_certificate", request)
    assert envelope["ok"] is False and envelope["meta"]["attempts"] == 0, envelope
    assert envelope["error"]["field"] == field, envelope
    checked = call("fes_check_request", request)
    assert checked["ok"] is False and checked["error"]["field"] == field, checked
    assert_nothing_of([CLAVE_CERTIFICADO])


def test_a_cfdi_message_quoting_the_key_password_never_shows_it(sandbox, certs) -> None:
    """The key's password pasted into a field whose message quotes it: masked in a single call
    and in a batch item, each refused before anything was built or sent."""
    csd = certs["csd"]
    password = "Pasted-Key-Pass-77"
    cancel = {
        "rfcEmisor": "AAA010101AAA",
        "uuids": [password],  # "uuids[0] '…' must be …"
        "cert_path": csd["cer"],
        "key_path": csd["key"],
        "keyPass": password,
    }
    version = f'<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="{password}"/>'
    stamp = {"xml": version, "cert_path": csd["cer"], "key_path": csd["key"], "keyPass": password}
    with Client("cfdi", {"base_url": sandbox.cfdi_url, **CFDI_USER}) as client:
        single = client.call("cancel", cancel)
        batch = client.call("process_files", {"operation": "stamp_xml_with_csd", "items": [stamp]})
    assert single["ok"] is False and single["meta"]["attempts"] == 0, single
    item = batch["data"]["results"][0]
    assert item["ok"] is False and item["error"]["field"] == "xml", item  # "Version is '…', not 4.0"
    assert_nothing_of([password])


def test_a_fv_message_quoting_the_new_user_password_never_shows_it(sandbox) -> None:
    password = "Pasted-User-Pass-5"
    user = {
        "iProfileID": 1, "sRUT": "19.371.037-9", "sFirstName": "Ana", "sLastName": "Rojas", "sPhone": "+56912345678",
        "sEmail": "x" + password, "sLogin": "arojas", "sPassword": password, "sUserType": "firmante",
    }  # fmt: skip
    with Client("fv", {"base_url": sandbox.fv_url, **FV_USER}) as client:
        envelope = client.call("create_user", user)
    assert envelope["ok"] is False and envelope["meta"]["attempts"] == 0, envelope
    assert "sEmail" in json.dumps(envelope), envelope  # "sEmail: '…' is not an e-mail address"
    assert_nothing_of([password])
