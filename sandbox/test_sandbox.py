"""Tests for the sello sandbox, through plain http.client / raw sockets.

Run: cd /work/main && python3 -m pytest -q sandbox/test_sandbox.py
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import http.client
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.parse
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from control import SCRIPT, Sandbox, SandboxError  # noqa: E402

FES = "/generateFES/rest-services/public/generateFes/obtenerCertificado"
CFDI = "/servicio/rest/integracion/"
FES_USER, FES_CLAVE = "PruebaWS", "bJBk9GuSJCOWLXODhniTCX7e5"
CFDI_AUTH = ("pade_user", "pade_pass")
CONTRATO = "PADE-CONTRATO-01"
JWT_SECRET = b"sello-sandbox-jwt-secret"
MX_TZ = dt.timezone(dt.timedelta(hours=-6))


# ------------------------------------------------------------------------------------------------
# fixtures and helpers
# ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sb() -> Any:
    with Sandbox.start() as sandbox:
        yield sandbox


@pytest.fixture(autouse=True)
def clean(sb: Sandbox) -> None:
    sb.reset()


class Reply:
    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    def json(self) -> Any:
        return json.loads(self.body)

    def xml(self) -> dict[str, Any]:
        root = ET.fromstring(self.body)
        out: dict[str, Any] = {"_root": root.tag}
        for child in root:
            out[child.tag] = list(child) if len(child) else (child.text or "")
        return out


def call(sb: Sandbox, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
         conn: http.client.HTTPConnection | None = None, timeout: float = 10) -> Reply:
    """One request; JSON-encodes dict/list bodies."""
    headers = dict(headers or {})
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
        headers.setdefault("Content-Type", "application/json")
    elif isinstance(body, str):
        body = body.encode()
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", sb.port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers)
        answer = conn.getresponse()
        return Reply(answer.status, answer.headers, answer.read())
    finally:
        if own:
            conn.close()


def fes_params(**overrides: Any) -> dict[str, Any]:
    params = {"rut": "19371037-9", "correo": "eleon@certificadoradelsur.cl", "numeroDocumento": "000000000",
              "claveCertificado": "Secr3tPass", "duracion": 3, "nombreEmpresa": "CDS", "comuna": "LOS ANGELES",
              "direccion": "Lautaro 867", "giroEmpresa": "Otros"}
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not ...}


def fes(sb: Sandbox, usuario: str = FES_USER, clave: str = FES_CLAVE, **overrides: Any) -> Reply:
    body = {"request": {"encabezado": {"usuario": usuario, "clave": clave}, "parametro": fes_params(**overrides)}}
    return call(sb, "POST", FES, body)


def fes_code(sb: Sandbox, **kwargs: Any) -> int:
    answer = fes(sb, **kwargs)
    assert answer.status == 200
    return answer.json()["errorCode"]


def fv_token(sb: Sandbox, login: str = "userapp", password: str = "OnePass") -> str:
    answer = call(sb, "POST", "/logindata", {"login": login, "password": password})
    assert answer.status == 200, answer.body
    return answer.json()["message"]["Authorization"]


def fv(sb: Sandbox, method: str, path: str, body: Any = None, token: str | None = None, **kw: Any) -> Reply:
    headers = {"Authorization": token} if token else {}
    return call(sb, method, path, body, headers, **kw)


def contract_body(**overrides: Any) -> dict[str, Any]:
    body = {"sOwnerType": "NATURAL", "sPaymentStatus": "PENDING", "iPaymentService": 1, "iContractTypeFeeID": 28,
            "iSignedCount": 1, "callback": "https://ejemplo.com/webhook",
            "signers": [{"full_name": "Jose Cortesia", "email": "jose@firmavirtual.com", "rutId": "11111111-1",
                         "phone": "873320311", "type": "NATURAL", "portion": "100", "payment": "0.00"}]}
    body.update(overrides)
    return body


def new_contract(sb: Sandbox, token: str, **overrides: Any) -> str:
    answer = fv(sb, "POST", "/api/v1/contract/create-contract", contract_body(**overrides), token)
    assert answer.status == 201, answer.body
    return answer.json()["message"][0]["sContractID"]


def multipart(fields: list[tuple[str, str | None, bytes]], boundary: str = "sandboxBOUNDARY42") -> tuple[bytes, str]:
    out = bytearray()
    for name, filename, content in fields:
        out += f"--{boundary}\r\n".encode()
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        out += f"Content-Disposition: {disposition}\r\n".encode()
        if filename:
            out += b"Content-Type: application/pdf\r\n"
        out += b"\r\n" + content + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


def upload(sb: Sandbox, token: str, filename: str, content: bytes) -> Reply:
    body, ctype = multipart([("file", filename, content)])
    return call(sb, "POST", "/api/v1/upfile", body, {"Authorization": token, "Content-Type": ctype})


PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def csv_datos(fecha: dt.datetime | None = None, total: str = "1160.00", emisor: str = "EKU9003173C9",
              receptor: str = "XAXX010101000", head: str | None = None) -> str:
    fecha = fecha or (dt.datetime.now(MX_TZ) - dt.timedelta(minutes=5))
    first = head or f"CFDI|3.3|A|123|{fecha.strftime('%Y-%m-%dT%H:%M:%S')}|01|1000.00|MXN|I|PUE|06000"
    text = "\n".join([first, f"EMISOR|{emisor}|ESCUELA KEMPER URGATE|601",
                      f"RECEPTOR|{receptor}|PUBLICO EN GENERAL|G03", f"TOTAL|{total}"])
    return base64.b64encode(text.encode()).decode()


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def cfdi(sb: Sandbox, method: str, query: list[tuple[str, str]], auth: tuple[str, str] | None = CFDI_AUTH,
         content_type: str | None = "application/xml", body: Any = None) -> Reply:
    headers = {}
    if auth:
        headers["Authorization"] = basic(*auth)
    if content_type:
        headers["Content-Type"] = content_type
    if isinstance(body, dict):
        body = json.dumps(body).encode()
    path = CFDI + method + ("?" + urllib.parse.urlencode(query) if query else "")
    return call(sb, "POST", path, body, headers)


def stamp(sb: Sandbox, *options: str, **kw: Any) -> Reply:
    query = [("contrato", CONTRATO), ("prueba", "false"), ("datos", csv_datos(**kw))]
    query += [("opciones", o) for o in (options or ("PLUGIN_PROCESO:GENERICO_CFDI33:1.0",))]
    return cfdi(sb, "procesarArchivo", query)


def stamped_uuid(sb: Sandbox, **kw: Any) -> str:
    answer = stamp(sb, **kw).xml()
    assert answer["codigo"] == "0", answer
    return answer["UUID"]


def cancel(sb: Sandbox, entries: list[str], rfc: str = "EKU9003173C9", options: tuple[str, ...] = (),
           with_cert: bool = True) -> dict[str, Any]:
    query = [("contrato", CONTRATO), ("rfcEmisor", rfc)] + [("uuids", e) for e in entries]
    if with_cert:
        query += [("certBase64", base64.b64encode(b"cert").decode()),
                  ("keyBase64", base64.b64encode(b"key").decode()), ("keyPass", "12345678a")]
    query += [("opciones", o) for o in options]
    return cfdi(sb, "cancelarCfdiConOpciones", query).xml()


def cancellations(answer: dict[str, Any]) -> list[dict[str, str]]:
    return [{c.tag: (c.text or "") for c in node} for node in answer["cancelaciones"]]


def raw_exchange(sb: Sandbox, request: bytes, timeout: float = 5) -> tuple[bytes, BaseException | None]:
    """Send raw bytes and read until EOF/error; returns (data, error)."""
    sock = socket.create_connection(("127.0.0.1", sb.port), timeout=timeout)
    data, error = b"", None
    try:
        sock.sendall(request)
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except (OSError, socket.timeout) as exc:
        error = exc
    finally:
        sock.close()
    return data, error


def raw_fes_request(bad: bool = True) -> bytes:
    body = json.dumps({"request": {"encabezado": {"usuario": "x" if bad else FES_USER, "clave": "y"},
                                   "parametro": fes_params()}}).encode()
    return (f"POST {FES} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


# ------------------------------------------------------------------------------------------------
# start-up, control API, keep-alive
# ------------------------------------------------------------------------------------------------

def test_refuses_non_loopback_hosts() -> None:
    for host in ("0.0.0.0", "192.168.1.10", "example.com"):
        done = subprocess.run([sys.executable, str(SCRIPT), "--host", host, "--port", "0"],
                              capture_output=True, timeout=20)
        assert done.returncode == 2 and done.stdout == b"", host
        assert b"non-loopback" in done.stderr


def test_port_line_port_file_and_clean_sigint_exit(tmp_path: Path) -> None:
    port_file = tmp_path / "port"
    process = subprocess.Popen([sys.executable, str(SCRIPT), "--port", "0", "--port-file", str(port_file)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        first = process.stdout.readline().decode()
        assert first.startswith("SANDBOX_PORT=")
        assert port_file.read_text().strip() == first.strip().split("=")[1]
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
        process.stdout.close()
        process.stderr.close()


def test_sigterm_exits_cleanly() -> None:
    sandbox = Sandbox.start()
    assert sandbox.stop() == 0


def test_urls(sb: Sandbox) -> None:
    assert sb.base == f"http://127.0.0.1:{sb.port}"
    assert sb.fes_url == sb.base + "/generateFES/rest-services/public/generateFes"
    assert sb.fv_url == sb.base and sb.cfdi_url == sb.base + "/servicio/rest"


def test_keep_alive_one_connection_for_100_requests(sb: Sandbox) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", sb.port, timeout=10)
    for i in range(100):
        path = FES if i % 2 else "/logindata"
        body = {"request": {}} if i % 2 else {"login": "userapp", "password": "OnePass"}
        answer = call(sb, "POST", path, body, conn=conn)
        assert answer.status == 200
    conn.close()
    stats = sb.stats()
    assert stats == {"connections": 1, "requests": 100, "accepted": stats["accepted"]}
    assert len({r["connection_id"] for r in sb.requests()}) == 1


def test_chunked_request_body_and_keep_alive(sb: Sandbox) -> None:
    body = json.dumps({"login": "userapp", "password": "OnePass"}).encode()
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 7]), body[i:i + 7]) for i in range(0, len(body), 7))
    request = (b"POST /logindata HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
               b"Content-Type: application/json\r\n\r\n" + chunks + b"0\r\n\r\n")
    sock = socket.create_connection(("127.0.0.1", sb.port), timeout=5)
    sock.sendall(request + request)
    data = b""
    while data.count(b'"status":"success"') < 2:
        data += sock.recv(65536)
    sock.close()
    assert data.count(b"HTTP/1.1 200 OK") == 2
    assert sb.stats()["connections"] == 1


def test_request_log_fields(sb: Sandbox) -> None:
    query = [("contrato", CONTRATO), ("uuid", "x"), ("opciones", "A B"), ("opciones", "C+D")]
    cfdi(sb, "consultaCfdiPorUUID", query, body="<x/>")
    fv(sb, "GET", "/api/v1/contract/abc", token="Bearer tok123")
    body, ctype = multipart([("file", "a.pdf", PDF), ("note", None, b"hello")])
    call(sb, "POST", "/api/v1/upfile", body, {"Content-Type": ctype})
    records = sb.requests()
    assert [r["seq"] for r in records] == [1, 2, 3]
    first = records[0]
    assert first["method"] == "POST" and first["path"] == CFDI + "consultaCfdiPorUUID"
    assert first["query"] == [list(p) for p in query]
    assert first["basic_auth"] == {"user": "pade_user", "password": "pade_pass"}
    assert first["headers"]["content-type"] == "application/xml"
    assert first["body_text"] == "<x/>" and first["body_size"] == 4
    assert first["body_sha256"] == hashlib.sha256(b"<x/>").hexdigest()
    assert first["json"] is None and first["multipart"] is None and first["elapsed_ms"] >= 0
    assert records[1]["bearer"] == "tok123" and records[1]["basic_auth"] is None
    parts = records[2]["multipart"]
    assert parts[0] == {"name": "file", "filename": "a.pdf", "content_type": "application/pdf", "size": len(PDF),
                        "sha256": hashlib.sha256(PDF).hexdigest(), "head": PDF[:16].decode("latin-1")}
    assert parts[1]["name"] == "note" and parts[1]["filename"] is None and parts[1]["size"] == 5
    assert sb.requests("/servicio") == records[:1]
    call(sb, "POST", "/logindata", {"login": "a", "password": "b"})
    assert sb.requests("/logindata")[0]["json"] == {"login": "a", "password": "b"}


def test_control_requests_are_not_recorded_and_reset_clears(sb: Sandbox) -> None:
    sb.stats()
    sb.state()
    assert sb.requests() == []
    fv(sb, "GET", "/api/v1/contract/x")
    sb.fault("delay", ms=1, count=-1)
    sb.fes_account(FES_USER, quota=0)
    sb.reset()
    assert sb.requests() == [] and sb.stats()["requests"] == 0 and sb.faults() == []
    assert sb.state()["fes_accounts"][FES_USER]["quota"] == 1000


def test_control_errors(sb: Sandbox) -> None:
    with pytest.raises(SandboxError, match="404"):
        sb.get("nope")
    with pytest.raises(SandboxError, match="400"):
        sb.fault("no_such_mode")
    with pytest.raises(SandboxError, match="400"):
        sb.fault("status")  # status is required
    with pytest.raises(SandboxError, match="400"):
        sb.fault("delay", count=0)


def test_unknown_path_and_method(sb: Sandbox) -> None:
    answer = call(sb, "GET", "/nowhere")
    assert answer.status == 404 and answer.headers["Content-Type"].startswith("text/html")
    assert call(sb, "GET", FES).status == 405
    assert call(sb, "POST", FES.replace("obtenerCertificado", "otro"), {}).status == 404


# ------------------------------------------------------------------------------------------------
# FES
# ------------------------------------------------------------------------------------------------

def openssl(*args: str, data: bytes | None = None, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(["openssl", *args], input=data, capture_output=True, timeout=30,
                          env={**os.environ, **(env or {})}, check=True)
    return done.stdout.decode()


def p12_certificate(p12: bytes, password: str) -> str:
    return openssl("pkcs12", "-nokeys", "-clcerts", "-passin", "env:PASS", data=p12, env={"PASS": password})


def test_fes_happy_path_real_pkcs12(sb: Sandbox) -> None:
    answer = fes(sb, correo="ana@empresa.cl", nombreEmpresa="Compañía & Hijos", duracion=2, comuna="Ñuñoa")
    assert answer.status == 200 and answer.headers["Content-Type"] == "application/json"
    data = answer.json()
    assert list(data) == ["estado", "errorCode", "comentario", "certificado"]
    assert data["estado"] == "OK" and data["errorCode"] == 0 and data["comentario"] == "Certificado obtenido exitosamente"
    pem = p12_certificate(base64.b64decode(data["certificado"]), "Secr3tPass")
    subject = openssl("x509", "-noout", "-subject", "-nameopt", "utf8,sep_comma_plus", data=pem.encode())
    assert "CN=CERTIFICADO FES 19371037-9" in subject and "serialNumber=19371037-9" in subject
    assert "emailAddress=ana@empresa.cl" in subject and "O=Compañía & Hijos" in subject
    san = openssl("x509", "-noout", "-ext", "subjectAltName", data=pem.encode())
    assert "1.3.6.1.4.1.8321.1" in san and "19371037-9" in san
    dates = openssl("x509", "-noout", "-startdate", "-enddate", data=pem.encode())
    start, end = (line.split("=", 1)[1] for line in dates.strip().splitlines())
    fmt = "%b %d %H:%M:%S %Y %Z"
    years = (dt.datetime.strptime(end, fmt) - dt.datetime.strptime(start, fmt)).days / 365.25
    assert 1.99 < years < 2.01
    with pytest.raises(subprocess.CalledProcessError):
        p12_certificate(base64.b64decode(data["certificado"]), "WrongPass1")


def test_fes_quota_is_spent_and_cache_is_fast(sb: Sandbox) -> None:
    assert fes_code(sb) == 0
    started = time.perf_counter()
    for _ in range(20):
        assert fes_code(sb) == 0
    assert (time.perf_counter() - started) / 20 < 0.05
    assert sb.state()["fes_accounts"][FES_USER]["quota"] == 1000 - 21
    sb.fes_account(FES_USER, quota=1)
    assert fes_code(sb) == 0
    assert fes(sb).json() == {"estado": "FAIL", "errorCode": 104,
                              "comentario": "SIN_CUOTA_DISPONIBLE, La empresa excedió el máximo de cuota asignada."}


def test_fes_failed_calls_do_not_spend_quota(sb: Sandbox) -> None:
    sb.fes_account(FES_USER, quota=1)
    assert fes_code(sb, rut="19371037-8") == 106
    assert fes_code(sb) == 0


@pytest.mark.parametrize("account,code", [
    ({"usuario": "nobody", "clave": "x"}, 105),
    ({"usuario": FES_USER, "clave": "wrong"}, 105),
])
def test_fes_bad_credentials(sb: Sandbox, account: dict[str, str], code: int) -> None:
    answer = fes(sb, **account, rut="bad")  # credentials are checked before parameters
    assert answer.json() == {"estado": "FAIL", "errorCode": code,
                             "comentario": "USUARIO_O_CLAVE_INVALIDO, El usuario enviado o la clave no son correctas."}


@pytest.mark.parametrize("flag,code", [("enabled", 101), ("privileged", 103), ("company_enabled", 108)])
def test_fes_account_states(sb: Sandbox, flag: str, code: int) -> None:
    sb.fes_account("otro", clave="Clave123", **{flag: False})
    assert fes_code(sb, usuario="otro", clave="Clave123", correo="") == code


@pytest.mark.parametrize("overrides,code", [
    ({"rut": ...}, 109),
    ({"giroEmpresa": None}, 109),
    ({"rut": ""}, 110),
    ({"direccion": "   "}, 110),
    ({"correo": ""}, 22),
    ({"direccion": "Calle *5"}, 102),
    ({"nombreEmpresa": "CDS\tLtda"}, 102),
    ({"claveCertificado": "Secr3t Pass"}, 102),  # no spaces in a password
    ({"claveCertificado": "Secr3t<Pass"}, 102),
    ({"direccion": "Lautaro 867\n"}, 102),
    ({"rut": "19371037-9\n"}, 102),
    ({"rut": "19.371.037-9"}, 106),
    ({"rut": "19371037-8"}, 106),
    ({"rut": "12345678-k"}, 106),
    ({"correo": "no-es-correo"}, 205),
    ({"duracion": 4}, 207),
    ({"duracion": "3"}, 207),
    ({"duracion": 0}, 207),
    ({"claveCertificado": "abcdefg1"}, 208),
    ({"claveCertificado": "Abc1"}, 208),
    ({"comuna": "Springfield"}, 112),
])
def test_fes_parameter_errors(sb: Sandbox, overrides: dict[str, Any], code: int) -> None:
    answer = fes(sb, **overrides).json()
    assert answer["estado"] == "FAIL" and answer["errorCode"] == code
    assert "certificado" not in answer
    if code == 22:
        assert answer["comentario"] == "Correo no puede venir vacío."


def test_fes_rut_with_k_and_comuna_variants(sb: Sandbox) -> None:
    assert fes_code(sb, rut="10000013-K") == 0
    for comuna in ("los ángeles", "Los Angeles", "CONCÓN", "concon", "ñuñoa"):
        assert fes_code(sb, comuna=comuna) == 0, comuna


def test_fes_non_json_body_is_http_400(sb: Sandbox) -> None:
    answer = call(sb, "POST", FES, "not json", {"Content-Type": "application/json"})
    assert answer.status == 400 and answer.headers["Content-Type"].startswith("text/html")
    assert call(sb, "POST", FES, [1, 2]).status == 400
    assert call(sb, "POST", FES, {"request": {"parametro": {"rut": ["x"]}}}).status == 400


def test_fes_missing_credentials_is_109(sb: Sandbox) -> None:
    assert call(sb, "POST", FES, {"request": {}}).json()["errorCode"] == 109


# ------------------------------------------------------------------------------------------------
# Firma Virtual
# ------------------------------------------------------------------------------------------------

def test_fv_login_issues_hs256_jwt(sb: Sandbox) -> None:
    answer = call(sb, "POST", "/logindata", {"login": "userapp", "password": "OnePass"})
    data = answer.json()
    assert answer.status == 200 and data["code"] == 200 and data["status"] == "success"
    token = data["message"]["Authorization"]
    assert token.startswith("Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.")
    header, payload, signature = token[7:].split(".")
    expected = hmac.new(JWT_SECRET, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    assert base64.urlsafe_b64decode(signature + "==") == expected
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    assert claims["sub"] == "1" and claims["login"] == "userapp" and claims["exp"] - claims["iat"] == 3600


def test_fv_login_by_email_and_failures(sb: Sandbox) -> None:
    assert fv_token(sb, "userapp@firmavirtual.legal")
    for body in ({"login": "userapp", "password": "nope"}, {"login": "ghost", "password": "OnePass"}, {}):
        answer = call(sb, "POST", "/logindata", body)
        assert answer.status == 400
        assert answer.json() == {"code": 400, "status": "error", "message": "Login failed: Email or password incorrect."}


def test_fv_get_user(sb: Sandbox) -> None:
    token = fv_token(sb)
    user = fv(sb, "GET", "/api/v1/userapp/1", token=token).json()["message"]
    assert user["iUserID"] == 1 and user["sLogin"] == "userapp" and user["sEmail"] == "userapp@firmavirtual.legal"
    assert user["sPassword"] == hashlib.sha256(b"OnePass").hexdigest() and user["sStatus"] == "ENABLE"
    assert set(user) == {"iUserID", "iProfileID", "sRUT", "sEmail", "sPhone", "sFirstName", "sLastName", "sLogin",
                         "sPassword", "sStatus", "sComments", "sUserType"}
    missing = fv(sb, "GET", "/api/v1/userapp/99", token=token)
    assert missing.status == 404 and missing.json() == {"code": 404, "status": "error", "message": "User not found"}
    bad = fv(sb, "GET", "/api/v1/userapp/1", token="Bearer nonsense")
    assert bad.status == 400 and bad.json()["message"] == "Login failed: Email or password incorrect."


def test_fv_php_style_json_escapes(sb: Sandbox) -> None:
    body = {"iProfileID": 0, "sRUT": "11111111-1", "sFirstName": "José", "sLastName": "Peña/Soto",
            "sEmail": "jose@example.cl", "sPhone": "+56978570242", "sLogin": "josepena", "sPassword": "x"}
    raw = fv(sb, "POST", "/api/v1/userapp", body).body
    assert b"\\u00c9" in raw and b"\\/" in raw and raw.isascii()
    assert json.loads(raw)["message"]["sLastName"] == "PEÑA/SOTO"


def test_fv_create_user_and_errors(sb: Sandbox) -> None:
    body = {"iProfileID": 0, "sRUT": "11111111-1", "sFirstName": "Jose", "sLastName": "Cortesia",
            "sEmail": "contacto@josecortesia.cl", "sPhone": "+56978570242", "sLogin": "cortesia",
            "sPassword": "1234567890*", "sComments": "Inversión y Propiedades", "sUserType": "LEGAL"}
    created = call(sb, "POST", "/api/v1/userapp", body)
    data = created.json()
    assert created.status == 201 and data["code"] == 201 and data["status"] == "success"
    assert data["message"]["iUserID"] == 2 and data["message"]["sPassword"] == "!--SECRET--!"
    assert data["message"]["sFirstName"] == "JOSE"
    assert fv_token(sb, "cortesia", "1234567890*")
    cases = [({"sLogin": "otro123"}, "Email exists"),
             ({"sEmail": "otro@x.cl"}, "THIS Login already exists"),
             ({"sEmail": "otro@x.cl", "sLogin": "abc"}, "Invalid Login must be alphanumeric whit 6 to 16 length"),
             ({"sEmail": "otro@x.cl", "sLogin": "bad_login!"}, "Invalid Login must be alphanumeric whit 6 to 16 length")]
    for change, message in cases:
        answer = call(sb, "POST", "/api/v1/userapp", {**body, **change})
        assert answer.status == 200 and answer.json() == {"code": 200, "status": "error", "message": message}
    for change in ({"sEmail": None}, {"iProfileID": "0"}, {"sUserType": "ALIEN"}):
        answer = call(sb, "POST", "/api/v1/userapp", {**body, "sEmail": "n@x.cl", "sLogin": "nuevo123", **change})
        assert answer.status == 400 and answer.json()["message"] == "VALIDATION-FAIL"


def test_fv_update_user(sb: Sandbox) -> None:
    token = fv_token(sb)
    change = {"sFirstName": "oriana aas", "sLastName": "arteaga aae", "sPhone": "584267957852"}
    user = fv(sb, "PUT", "/api/v1/userapp/1", change, token).json()["message"]
    assert (user["sFirstName"], user["sLastName"], user["sPhone"]) == ("oriana aas", "arteaga aae", "584267957852")
    assert fv(sb, "PUT", "/api/v1/userapp/1", {"sEmail": "x@y.cl"}, token).status == 400
    bad = fv(sb, "PUT", "/api/v1/userapp/1", change, "Bearer x.y.z")
    assert bad.status == 200 and bad.json() == {"code": 200, "status": "error", "message": "JWT Token invalid"}


def test_fv_password_reset_flow(sb: Sandbox) -> None:
    email = "userapp@firmavirtual.legal"
    answer = call(sb, "POST", "/pwd/reset", {"login": email})
    assert answer.json() == {"code": 200, "status": "success", "message": {
        "info": "Fue enviado a su email la clave temporal, la misma solo es util para ser actualizada inmediatamente "}}
    code = sb.fv_reset_code(email)
    assert code.isdigit() and len(code) == 8
    wrong = call(sb, "POST", "/pwd/reset", {"login": email, "password": "1", "new_password": "Nueva123"})
    assert wrong.status == 200 and wrong.json() == {"code": 200, "status": "error", "message": "Wrong login or password ..!"}
    done = call(sb, "POST", "/pwd/reset", {"login": email, "password": int(code), "new_password": "Nueva123"})
    assert done.json() == {"code": 200, "status": "success", "message": "Password updated"}
    assert fv_token(sb, "userapp", "Nueva123")
    assert call(sb, "POST", "/logindata", {"login": "userapp", "password": "OnePass"}).status == 400
    again = call(sb, "POST", "/pwd/reset", {"login": email, "password": code, "new_password": "Otra1234"})
    assert again.json()["message"] == "Wrong login or password ..!"
    unknown = call(sb, "POST", "/pwd/reset", {"login": "ghost@x.cl"})
    assert unknown.status == 200 and unknown.json() == {"code": 200, "status": "error",
                                                        "message": "Login / usuario desconocido..!"}


def test_fv_token_expiry_and_invalidation(sb: Sandbox) -> None:
    token = fv_token(sb)
    assert fv(sb, "GET", "/api/v1/contract/owner/1", token=token).status == 200
    sb.fv_invalidate_tokens()
    answer = fv(sb, "GET", "/api/v1/contract/owner/1", token=token)
    assert answer.status == 400 and answer.json() == {"code": 400, "status": "error", "message": "error"}
    sb.fv_token_ttl(0)
    expired = fv_token(sb)
    assert fv(sb, "GET", "/api/v1/contract/owner/1", token=expired).status == 400
    sb.fv_token_ttl(3600)
    assert fv(sb, "GET", "/api/v1/contract/owner/1", token=fv_token(sb)).status == 200
    assert fv(sb, "GET", "/api/v1/contract/owner/1").json()["message"] == "error"
    raw = fv_token(sb)[7:]
    assert fv(sb, "GET", "/api/v1/contract/owner/1", token=raw).status == 400  # "Bearer " is required


def test_fv_create_and_get_contract(sb: Sandbox) -> None:
    token = fv_token(sb)
    answer = fv(sb, "POST", "/api/v1/contract/create-contract", contract_body(), token)
    assert answer.status == 201
    data = answer.json()
    assert data["code"] == 201 and data["status"] == "success"
    contract, signers = data["message"]
    assert list(contract) == ["sContractID", "sOwnerType", "iContractTypeFeeID", "sStatus", "sPaymentStatus",
                              "iPaymentService", "dContractDT", "iSignedCount", "iContractOwner"]
    assert contract["sStatus"] == "CREATED" and contract["iPaymentService"] == 0 and contract["iContractOwner"] == 1
    assert contract["dContractDT"]["timezone_type"] == 3 and contract["dContractDT"]["timezone"] == "UTC"
    assert len(contract["sContractID"]) == 36 and contract["sContractID"][14] == "4"
    assert signers == [{"full_name": "Jose Cortesia", "phone": "873320311", "rutId": "11111111-1",
                        "email": "jose@firmavirtual.com", "type": "NATURAL", "portion": 100, "payment": "8815.00",
                        "iva": "1675.00", "notary": "4000.00", "total": "14490.00"}]
    got = fv(sb, "GET", f"/api/v1/contract/{contract['sContractID']}", token=token).json()["message"]
    assert got["dContractDT"] == contract["dContractDT"]["date"][:19]
    seeded = fv(sb, "GET", "/api/v1/contract/307c1f32-bbb5-4cbe-a4f4-ecf20616510a", token=token).json()
    assert seeded["message"]["iContractTypeFeeID"] == 41 and seeded["message"]["sStatus"] == "SIGNED_PENDING"
    missing = fv(sb, "GET", "/api/v1/contract/00000000-0000-4000-8000-000000000000", token=token)
    assert missing.status == 404 and missing.json() == {"code": 404, "status": "error", "message": "Contract not found"}


def test_fv_two_payers_at_fifty(sb: Sandbox) -> None:
    token = fv_token(sb)
    signer = contract_body()["signers"][0]
    body = contract_body(iSignedCount=3, signers=[
        {**signer, "portion": 50}, {**signer, "rutId": "22222222-2", "portion": "50"},
        {**signer, "rutId": "33333333-3", "portion": 0}])
    signers = fv(sb, "POST", "/api/v1/contract/create-contract", body, token).json()["message"][1]
    assert [s["portion"] for s in signers] == [50, 50, 0]
    assert signers[2]["total"] == "0.00" and signers[0]["notary"] == "2000.00"


@pytest.mark.parametrize("change", [
    {"sOwnerType": "ALIEN"}, {"iContractTypeFeeID": 999}, {"iContractTypeFeeID": "28"}, {"iSignedCount": 2},
    {"signers": []}, {"signers": [{"full_name": "x"}]}, {"sPaymentStatus": "FREE"},
    {"signers": [{**contract_body()["signers"][0], "portion": "75"}]},
    {"signers": [{**contract_body()["signers"][0], "payment": "10.00"}]},
    {"signers": [{**contract_body()["signers"][0], "type": "ROBOT"}]},
    {"iSignedCount": 11, "signers": [contract_body()["signers"][0]] * 11},
])
def test_fv_create_contract_validation(sb: Sandbox, change: dict[str, Any]) -> None:
    answer = fv(sb, "POST", "/api/v1/contract/create-contract", contract_body(**change), fv_token(sb))
    assert answer.status == 400 and answer.json() == {"code": 400, "status": "error", "message": "VALIDATION-FAIL"}


def test_fv_contract_types(sb: Sandbox) -> None:
    token = fv_token(sb)
    every = fv(sb, "GET", "/api/v1/contract-type/ALL/0", token=token).json()["message"]
    assert len(every) == 117 and {r["iContractTypeID"] for r in every} == set(range(1, 27))
    assert every[0] == {"iContractTypeID": 1, "sContractType": "REAL_ESTATE", "sContractTypeName": "CONTRATO DE ARIENDO",
                        "iContractTypeFeeID": 1, "sModal": "SIGNATURE", "iSignCount": 1, "fAmount": "1990.00"}
    fee28 = fv(sb, "GET", "/api/v1/contract-type/FEE/28", token=token).json()["message"]
    assert fee28[0]["sContractTypeName"] == "PROMESA DE COMPRAVENTA" and fee28[0]["sModal"] == "SIGNATURE_CERT_NOTARIAL"
    labor = fv(sb, "GET", "/api/v1/contract-type/TYPE/LABOR", token=token).json()["message"]
    assert {r["sContractType"] for r in labor} == {"LABOR"}
    modal = fv(sb, "GET", "/api/v1/contract-type/MODAL/SIGNATURE", token=token).json()["message"]
    assert {r["sModal"] for r in modal} == {"SIGNATURE"}
    by_id = fv(sb, "GET", "/api/v1/contract-type/ID/26", token=token).json()["message"]
    assert {r["iContractTypeID"] for r in by_id} == {26}
    for bad in ("ALL/1", "FEE/118", "ID/0", "TYPE/BOAT", "MODAL/x", "NOPE/1", "ID/%C2%B2"):
        answer = fv(sb, "GET", f"/api/v1/contract-type/{bad}", token=token)
        assert answer.status == 400 and answer.json()["message"] == "VALIDATION-FAIL", bad


def test_fv_files_sort_merge_detail_and_delete(sb: Sandbox) -> None:
    token = fv_token(sb)
    cid = new_contract(sb, token)
    merge = fv(sb, "POST", f"/api/v1/contract/merge/{cid}", token=token)
    assert merge.status == 400 and merge.json()["message"] == "No files to merge"
    ok = upload(sb, token, f"{cid}.pdf", PDF)
    assert ok.status == 200 and ok.json() == {"code": 200, "status": "success", "message": {}}
    assert upload(sb, token, f"{cid}.pdf", PDF + b"2").status == 200
    files = fv(sb, "GET", f"/api/v1/filelist/{cid}", token=token).json()["message"]
    assert [f["orden"] for f in files] == [0, 1] and all(f["description"] == "NA" for f in files)
    assert files[0]["document"].startswith(cid + "_") and len(files[0]["document"]) == len(cid) + 14
    assert files[0]["url"] == files[0]["document"] and files[0]["contractID"] == cid
    order = {"contractID": cid, "file_order": [{"document": files[0]["document"], "ind": 5, "action": "CHANGE"},
                                               {"document": files[1]["document"], "ind": 1, "action": "REMOVE"}]}
    sorted_ = fv(sb, "POST", "/api/v1/sortfiles", order, token)
    assert sorted_.status == 207 and sorted_.json()["code"] == 207
    assert [(f["document"], f["orden"]) for f in sorted_.json()["message"]] == [(files[0]["document"], 5)]
    merged = fv(sb, "POST", f"/api/v1/contract/merge/{cid}", token=token)
    assert merged.status == 207 and merged.json() == {"code": 207, "status": "success", "message": {}}
    detail = fv(sb, "GET", f"/api/v1/contract/detail/{cid}", token=token).json()["message"]
    assert set(detail) == {"contrato", "firmantes", "archivos"}
    assert detail["contrato"][0]["sTipoContrato"] == "PROMESA DE COMPRAVENTA"
    assert detail["contrato"][0]["sClaseContrato"] == "INMOBILIARIO" and detail["contrato"][0]["Monto"] == "8815.00"
    assert detail["firmantes"][0]["totalPay"] == "14490.00" and detail["archivos"] == [{"file_name": f"{cid}.pdf", "orden": 0}]
    owner = fv(sb, "GET", "/api/v1/contract/owner/1", token=token).json()["message"]
    assert {c["sContractID"] for c in owner} == {cid, "307c1f32-bbb5-4cbe-a4f4-ecf20616510a"}
    assert next(c for c in owner if c["sContractID"] == cid)["withDocument"] == 1
    deleted = fv(sb, "POST", f"/api/v1/contract/{cid}", token=token)
    assert deleted.status == 200 and deleted.json() == {"code": 204, "status": "success", "message": {}}
    assert fv(sb, "POST", f"/api/v1/contract/{cid}", token=token).status == 404


def test_fv_upload_errors(sb: Sandbox) -> None:
    token = fv_token(sb)
    cid = new_contract(sb, token)
    unknown = upload(sb, token, "00000000-0000-4000-8000-000000000000.pdf", PDF)
    assert unknown.status == 400 and unknown.json() == {"code": 400, "status": "error", "message": "Contract not found"}
    assert upload(sb, token, "documento.pdf", PDF).json()["message"] == "Contract not found"
    not_pdf = upload(sb, token, f"{cid}.pdf", b"PK\x03\x04 zip")
    assert not_pdf.status == 400 and not_pdf.json()["message"] == "Only PDF files are allowed"
    assert upload(sb, "Bearer bad", f"{cid}.pdf", PDF).json()["message"] == "error"


def test_fv_upload_too_large_streams(sb: Sandbox) -> None:
    token = fv_token(sb)
    cid = new_contract(sb, token)
    big = b"%PDF-" + b"0" * (50 * 1024 * 1024 - 4)
    answer = upload(sb, token, f"{cid}.pdf", big)
    assert answer.status == 413 and answer.json() == {"code": 413, "status": "error", "message": "File too large"}
    record = sb.requests("/api/v1/upfile")[-1]
    assert record["multipart"][0]["size"] == len(big) and record["body_text"] is None
    assert upload(sb, token, f"{cid}.pdf", big[:-1]).status == 200


def test_fv_chunked_upload(sb: Sandbox) -> None:
    token = fv_token(sb)
    cid = new_contract(sb, token)
    body, ctype = multipart([("file", f"{cid}.pdf", PDF * 1000)])
    conn = http.client.HTTPConnection("127.0.0.1", sb.port, timeout=10)
    conn.request("POST", "/api/v1/upfile", body=iter([body[i:i + 999] for i in range(0, len(body), 999)]),
                 headers={"Authorization": token, "Content-Type": ctype}, encode_chunked=True)
    answer = conn.getresponse()
    assert answer.status == 200, answer.read()
    conn.close()
    stored = sb.state()["fv_contracts"][cid]["files"][0]
    assert stored["size"] == len(PDF) * 1000 and stored["sha256"] == hashlib.sha256(PDF * 1000).hexdigest()


def test_fv_send_draft_and_signers(sb: Sandbox) -> None:
    token = fv_token(sb)
    cid = new_contract(sb, token)
    signer = {"contractID": cid, "full_name": "Andri Marin", "email": "andri.marin@gmail.com",
              "rutId": "14666666-1", "phone": "961420311"}
    created = fv(sb, "POST", "/api/v1/signer/new", signer, token)
    assert created.status == 207 and created.json() == {"code": 207, "status": "success", "message": {}}
    assert fv(sb, "POST", "/api/v1/signer/upd", {**signer, "full_name": "A. Marin"}, token).status == 207
    sent = fv(sb, "POST", f"/api/v1/contract/send/draft/{cid}", token=token)
    message = sent.json()["message"]
    assert sent.status == 207 and message["msg"] == f"email-doc: {cid}"
    assert message["ok_count"] == 2 and message["fail_count"] == 0
    detail = message["info_detail"][1]
    assert detail["full_name"] == "A. Marin" and detail["status_mail"] == "success"
    assert detail["info_mail"]["info"] == "Correo de A. Marin fue enviado satisfactoriamente"
    assert detail["info_mail"]["tok"]["st_down"] == {"status": "sucess", "result": None}
    deleted = fv(sb, "POST", "/api/v1/signer/del", {"contractID": cid, "rutId": "14666666-1"}, token)
    assert deleted.status == 207
    for path in ("/api/v1/signer/upd", "/api/v1/signer/del"):
        missing = fv(sb, "POST", path, signer, token)
        assert missing.status == 400 and missing.json()["message"] == "Signer not found"
    for i in range(9):
        assert fv(sb, "POST", "/api/v1/signer/new", {**signer, "rutId": f"1000000{i}-1"}, token).status == 207
    eleventh = fv(sb, "POST", "/api/v1/signer/new", {**signer, "rutId": "99999999-9"}, token)
    assert eleventh.status == 400 and eleventh.json()["message"] == "VALIDATION-FAIL"


# ------------------------------------------------------------------------------------------------
# CFDI
# ------------------------------------------------------------------------------------------------

def test_cfdi_stamp_happy_path(sb: Sandbox) -> None:
    answer = stamp(sb, "PLUGIN_PROCESO:GENERICO_CFDI33:1.0", "CALCULAR_SELLO")
    assert answer.status == 200 and answer.headers["Content-Type"] == "application/xml;charset=UTF-8"
    assert answer.body.startswith(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><servicioTimbrado>')
    data = answer.xml()
    assert data["timbradoOk"] == "true" and data["codigo"] == "0" and data["contrato"] == CONTRATO
    assert data["version"] == "1.1" and data["noCertificadoSAT"] == "00001000000505211329"
    assert data["UUID"] == data["UUID"].upper() and len(data["UUID"]) == 36 and "uuid" not in data
    assert "pdfBase64" not in data and "saldo" not in data and "mensaje" not in data
    xml = base64.b64decode(data["xmlBase64"])
    tfd = ET.fromstring(xml).find(".//{http://www.sat.gob.mx/TimbreFiscalDigital}TimbreFiscalDigital")
    assert tfd is not None and tfd.get("UUID") == data["UUID"]
    sb.cfdi_settings(uuid_element="uuid")  # the seed's prose spelling, on demand
    lower = stamp(sb).xml()
    assert "UUID" not in lower and len(lower["uuid"]) == 36


def test_cfdi_options_base64_pdf_and_saldo(sb: Sandbox) -> None:
    encoded = base64.b64encode(b"CALCULAR_SELLO|CONSULTAR_SALDO|GENERAR_PDF").decode()
    data = stamp(sb, encoded).xml()
    assert data["codigo"] == "0" and data["saldo"] == "999"
    assert base64.b64decode(data["pdfBase64"]).startswith(b"%PDF-")
    assert stamp(sb, "CONSULTAR_SALDO", "OBSERVACIONES:hola", "ADDENDA:LIBRE:x").xml()["saldo"] == "998"
    assert stamp(sb, "NO_EXISTE").xml()["codigo"] == "3"
    assert stamp(sb, base64.b64encode(b"CALCULAR_SELLO|NOPE").decode()).xml()["codigo"] == "3"


def test_cfdi_auth_errors(sb: Sandbox) -> None:
    query = [("contrato", CONTRATO), ("prueba", "false"), ("datos", csv_datos())]
    missing = cfdi(sb, "procesarArchivo", query, auth=None)
    assert missing.status == 401 and missing.headers["WWW-Authenticate"].startswith("Basic")
    assert missing.headers["Content-Type"].startswith("text/html")
    wrong = cfdi(sb, "procesarArchivo", query, auth=("pade_user", "bad")).xml()
    assert wrong["_root"] == "servicioTimbrado" and wrong["timbradoOk"] == "false" and wrong["codigo"] == "1"
    assert wrong["mensaje"].startswith("El usuario del webservice no existe")
    assert cfdi(sb, "procesarArchivo", query, auth=("ghost", "x")).xml()["codigo"] == "1"
    media = cfdi(sb, "procesarArchivo", query, content_type="application/json")
    assert media.status == 415
    assert cfdi(sb, "procesarArchivo", query, content_type=None).status == 415
    assert call(sb, "GET", CFDI + "procesarArchivo").status == 405


def test_cfdi_lockout_after_three_failures(sb: Sandbox) -> None:
    query = [("contrato", CONTRATO), ("uuid", "00000000-0000-4000-8000-000000000000")]
    for _ in range(2):
        assert cfdi(sb, "consultaCfdiPorUUID", query, auth=("pade_user", "bad")).xml()["codigo"] == "1"
    assert cfdi(sb, "consultaCfdiPorUUID", query).xml()["codigo"] == "602"  # success resets the counter
    for _ in range(3):
        assert cfdi(sb, "consultaCfdiPorUUID", query, auth=("pade_user", "bad")).xml()["codigo"] == "1"
    locked = cfdi(sb, "consultaCfdiPorUUID", query).xml()
    assert locked["codigo"] == "1" and locked["consultaOk"] == "false"
    sb.reset()
    assert cfdi(sb, "consultaCfdiPorUUID", query).xml()["codigo"] == "602"


def test_cfdi_contract_and_parameter_errors(sb: Sandbox) -> None:
    good = [("prueba", "false"), ("datos", csv_datos())]
    assert cfdi(sb, "procesarArchivo", [("contrato", "OTRO")] + good).xml()["codigo"] == "2"
    assert cfdi(sb, "procesarArchivo", good).xml()["codigo"] == "3"
    assert cfdi(sb, "procesarArchivo", [("contrato", CONTRATO), ("prueba", "si"), good[1]]).xml()["codigo"] == "3"
    for datos in ("", "no base64!", "Q0ZESXwzLjN8"[:-1]):
        answer = cfdi(sb, "procesarArchivo", [("contrato", CONTRATO), good[0], ("datos", datos)]).xml()
        assert answer["codigo"] == "3" and answer["timbradoOk"] == "false", datos


def test_cfdi_document_errors(sb: Sandbox) -> None:
    old = dt.datetime.now(MX_TZ) - dt.timedelta(hours=73)
    bad_version = base64.b64encode(b"CFDI|4.0|A|1|2024-01-01T00:00:00").decode()
    for datos, code in ((csv_datos(fecha=old), "401"), (csv_datos(head="CFDI|3.3|A|1|ayer"), "401"),
                        (bad_version, "301"), (base64.b64encode(b"FACTURA|3.3|A|1|x").decode(), "301"),
                        (csv_datos(emisor="no-rfc"), "301")):
        answer = cfdi(sb, "procesarArchivo", [("contrato", CONTRATO), ("prueba", "true"), ("datos", datos)]).xml()
        assert answer["codigo"] == code and answer["timbradoOk"] == "false"


def test_cfdi_saldo_exhausted(sb: Sandbox) -> None:
    sb.cfdi_account("pade_user", saldo=1)
    assert stamp(sb, "CONSULTAR_SALDO").xml()["saldo"] == "0"
    assert stamp(sb).xml()["codigo"] == "2"


def test_cfdi_stamp_with_csd(sb: Sandbox) -> None:
    body = {"contrato": CONTRATO, "certBase64": base64.b64encode(b"cert").decode(),
            "keyBase64": base64.b64encode(b"key").decode(), "keyPass": "12345678a", "datos": csv_datos(),
            "prueba": True, "opciones": ["PLUGIN_PROCESO:GENERICO_CFDI33:1.0"]}
    ok = cfdi(sb, "procesarArchivoConCSD", [], content_type="application/json", body=body).xml()
    assert ok["codigo"] == "0" and ok["timbradoOk"] == "true"
    missing = cfdi(sb, "procesarArchivoConCSD", [], content_type="application/json",
                   body={k: v for k, v in body.items() if k != "keyBase64"}).xml()
    assert missing["codigo"] == "3"
    assert cfdi(sb, "procesarArchivoConCSD", [], content_type="application/json",
                body={**body, "certBase64": "%%%"}).xml()["codigo"] == "3"
    assert cfdi(sb, "procesarArchivoConCSD", [], content_type="application/xml", body=body).status == 415
    assert cfdi(sb, "procesarArchivoConCSD", [], content_type="application/json",
                body={**body, "contrato": "OTRO"}).xml()["codigo"] == "2"


def test_cfdi_cancel_and_acuse(sb: Sandbox) -> None:
    uuid = stamped_uuid(sb)
    entry = f"{uuid}|XAXX010101000|EKU9003173C9|1160.00"
    pending_acuse = cfdi(sb, "acuseCancelacion", [("contrato", CONTRATO), ("uuid", uuid)]).xml()
    assert pending_acuse["codigo"] == "21" and pending_acuse["consultaOk"] == "false"
    answer = cancel(sb, [entry])
    assert answer["_root"] == "servicioCancel" and answer["statusOk"] == "true" and answer["rfc"] == "EKU9003173C9"
    (result,) = cancellations(answer)
    assert result["uuid"] == uuid and result["codigo"] == "201"
    assert b"<UUID>" + uuid.encode() in base64.b64decode(result["acuseCancelBase64"])
    assert cancellations(cancel(sb, [entry]))[0]["codigo"] == "202"
    acuse = cfdi(sb, "acuseCancelacion", [("contrato", CONTRATO), ("uuid", uuid)]).xml()
    assert acuse["_root"] == "servicioConsulta" and acuse["codigo"] == "0" and acuse["consultaOk"] == "true"
    assert b"EstatusUUID>201<" in base64.b64decode(acuse["xmlBase64"])
    unknown = cfdi(sb, "acuseCancelacion", [("contrato", CONTRATO), ("uuid", "00000000-0000-4000-8000-000000000000")])
    assert unknown.xml()["codigo"] == "205"


def test_cfdi_cancel_per_uuid_codes(sb: Sandbox) -> None:
    small = stamped_uuid(sb)
    big = stamped_uuid(sb, total="9999.99", receptor="XIQB891116QE4")
    public = stamped_uuid(sb, total="9999.99")  # público en general: no acceptance whatever the total
    ghost = "00000000-0000-4000-8000-000000000000"
    answer = cancel(sb, [f"{ghost}|XAXX010101000|EKU9003173C9|1.00",
                         f"{small}|XAXX010101000|AAA010101AAA|1160.00",
                         f"{big}|XIQB891116QE4|EKU9003173C9|9999.99",
                         f"{public}|XAXX010101000|EKU9003173C9|9999.99"])
    assert [c["codigo"] for c in cancellations(answer)] == ["205", "203", "96", "201"]
    assert "acuseCancelBase64" not in cancellations(answer)[2]
    again = cancellations(cancel(sb, [f"{big}|XIQB891116QE4|EKU9003173C9|9999.99"]))[0]
    assert again["codigo"] == "96"  # still awaiting the receiver (seed 002's 96)
    assert sb.cfdi_receiver(big, "accept")["cancel_code"] == 95
    assert sb.state()["cfdis"][big]["status"] == "cancelado"
    assert cancellations(cancel(sb, [f"{big}|XIQB891116QE4|EKU9003173C9|9999.99"]))[0]["codigo"] == "202"
    acuse = cfdi(sb, "acuseCancelacion", [("contrato", CONTRATO), ("uuid", big)]).xml()
    assert b"EstatusUUID>95<" in base64.b64decode(acuse["xmlBase64"])
    assert cancellations(cancel(sb, [f"{small}|XAXX010101000|EKU9003173C9|1160.00"], rfc="AAA010101AAA"))[0][
        "codigo"] == "203"


def test_cfdi_cancel_global_errors(sb: Sandbox) -> None:
    uuid = stamped_uuid(sb)
    good = f"{uuid}|XAXX010101000|EKU9003173C9|1160.00"
    for entries in ([f"{uuid}|XAXX010101000|EKU9003173C9"], ["not-a-uuid|XAXX010101000|EKU9003173C9|1"], []):
        answer = cancel(sb, entries)
        assert answer["statusOk"] == "false" and answer["codigo"] == "3"
    assert cancel(sb, [good], with_cert=False)["codigo"] == "3"
    assert cancel(sb, [good], options=("NOPE",))["codigo"] == "3"
    no_default = cancel(sb, [good], options=("CERT_DEFAULT",), with_cert=False)
    assert no_default["codigo"] == "20" and no_default["statusOk"] == "false"
    sb.cfdi_account("pade_user", has_default_cert=True)
    ok = cancel(sb, [good], options=("CERT_DEFAULT",), with_cert=False)
    assert ok["statusOk"] == "true" and cancellations(ok)[0]["codigo"] == "201"


def test_cfdi_consulta_por_uuid(sb: Sandbox) -> None:
    uuid = stamped_uuid(sb)
    data = cfdi(sb, "consultaCfdiPorUUID", [("contrato", CONTRATO), ("uuid", uuid.lower())]).xml()
    assert data["codigo"] == "0" and data["consultaOk"] == "true" and data["contrato"] == CONTRATO
    assert uuid.encode() in base64.b64decode(data["xmlBase64"])
    missing = cfdi(sb, "consultaCfdiPorUUID", [("contrato", CONTRATO), ("uuid", "00000000-0000-4000-8000-000000000000")])
    assert missing.xml()["codigo"] == "602" and missing.xml()["mensaje"] == "CFDI no existe."
    assert cfdi(sb, "consultaCfdiPorUUID", [("contrato", CONTRATO), ("uuid", "x")]).xml()["codigo"] == "3"


def test_cfdi_plus_in_query_is_a_space(sb: Sandbox) -> None:
    """An unencoded "+" in base64 becomes a space, as in any servlet container: codigo 3."""
    datos = base64.b64encode(b"CFDI|3.3|>>>|?|x").decode()
    assert "+" in datos or "/" in datos
    path = CFDI + f"procesarArchivo?contrato={CONTRATO}&prueba=true&datos={datos}"
    answer = call(sb, "POST", path, None, {"Authorization": basic(*CFDI_AUTH), "Content-Type": "application/xml"})
    assert ET.fromstring(answer.body).findtext("codigo") in ("3", "301")


# ------------------------------------------------------------------------------------------------
# Firma Virtual and FES today (CHILE_2026.md): create-contract-express, callbacks, tolerant shapes
# ------------------------------------------------------------------------------------------------

EXPRESS = "/api/v1/contract/create-contract-express"
EXPRESS_PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


def express_body(pdf: bytes = EXPRESS_PDF, **overrides: Any) -> dict[str, Any]:
    """The body TTX and GT send (CHILE_2026.md §1.3)."""
    body = {"sOwnerType": "NATURAL", "iContractTypeFeeID": 49, "iSignedCount": 1,
            "signers": [{"full_name": "Jose Cortesia", "email": "jose@firmavirtual.com", "rutId": "11111111-1",
                         "phone": "+56912345678", "rol": 0, "order": 1, "type": "NATURAL", "portion": "100",
                         "payment": "0.00"}],
            "document": {"content_file": base64.b64encode(pdf).decode()},
            "sContractName": "Prueba Venta 39 - NO COBRAR"}
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not ...}


def express(sb: Sandbox, token: str, body: Any) -> Reply:
    return fv(sb, "POST", EXPRESS, body, token)


class Receiver:
    """A loopback HTTP server that records the callbacks POSTed to it."""

    def __init__(self, status: int = 200) -> None:
        import http.server
        import threading
        received: list[dict[str, Any]] = []
        self.received = received
        self.arrived = threading.Event()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(handler) -> None:  # noqa: N805 - the handler instance
                length = int(handler.headers.get("Content-Length") or 0)
                received.append({"path": handler.path, "headers": dict(handler.headers),
                                 "body": handler.rfile.read(length)})
                handler.send_response(status)
                handler.send_header("Content-Length", "2")
                handler.end_headers()
                handler.wfile.write(b"OK")
                self.arrived.set()

            def log_message(handler, *args: Any) -> None:  # noqa: N805
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhooks/fv?k=1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def __enter__(self) -> "Receiver":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_express_creates_a_contract_with_its_pdf(sb: Sandbox) -> None:
    token = fv_token(sb)
    answer = express(sb, token, express_body(callback="https://ejemplo.com/webhook", iAgreementId=0, iPriceId=0,
                                             provider="LEXGOSIGN"))
    assert answer.status == 201, answer.body
    reply = answer.json()
    assert (reply["code"], reply["status"]) == (201, "success")
    contract, signers = reply["message"]  # the default shape: CreateContract's [contract, [signers]]
    assert contract["sStatus"] == "CREATED" and contract["sContractName"] == "Prueba Venta 39 - NO COBRAR"
    assert (signers[0]["rol"], signers[0]["order"], signers[0]["portion"]) == (0, 1, "100")
    state = sb.state()["fv_contracts"][contract["sContractID"]]
    assert state["express"] is True and state["callback"] == "https://ejemplo.com/webhook"
    assert state["files"][0]["size"] == len(EXPRESS_PDF)
    assert state["files"][0]["sha256"] == hashlib.sha256(EXPRESS_PDF).hexdigest()
    assert state["sContractName"] == "Prueba Venta 39 - NO COBRAR"
    detail = fv(sb, "GET", f"/api/v1/contract/detail/{contract['sContractID']}", token=token).json()["message"]
    assert detail["archivos"] == [{"file_name": f"{contract['sContractID']}.pdf", "orden": 0}]


@pytest.mark.parametrize("shape", ["seed", "message.contract", "message.contract[]", "top", "none"])
@pytest.mark.parametrize("key", ["sContractID", "contractID", "contractId"])
def test_express_answer_shapes(sb: Sandbox, shape: str, key: str) -> None:
    assert sb.fv_shapes(express=shape, express_id_key=key)["express"] == shape
    reply = express(sb, fv_token(sb), express_body()).json()
    assert reply["status"] == "success"
    [created] = [c for c in sb.state()["fv_contracts"] if c != "307c1f32-bbb5-4cbe-a4f4-ecf20616510a"]
    found = {"seed": lambda: reply["message"][0].get(key),
             "message.contract": lambda: reply["message"]["contract"].get(key),
             "message.contract[]": lambda: reply["message"]["contract"][0].get(key),
             "top": lambda: reply.get(key),
             "none": lambda: None}[shape]()
    assert found == (None if shape == "none" else created)
    assert created not in json.dumps(reply) or shape != "none"


@pytest.mark.parametrize("change", [
    {"sOwnerType": "EMPRESA"},
    {"iContractTypeFeeID": 500},
    {"iSignedCount": 2},
    {"signers": []},
    {"document": ...},
    {"document": {"content_file": "no es base64!"}},
    {"sContractName": 5},
    {"iPriceId": "0"},
])
def test_express_validation_fail(sb: Sandbox, change: dict[str, Any]) -> None:
    answer = express(sb, fv_token(sb), express_body(**change))
    assert (answer.status, answer.json()["message"]) == (400, "VALIDATION-FAIL")
    assert len(sb.state()["fv_contracts"]) == 1


@pytest.mark.parametrize("signer", [{"rol": 1}, {"order": 0}, {"portion": "30"}, {"rol": 3, "portion": "0"},
                                    {"payment": "10.00"}, {"email": "no-mail"}])
def test_express_signer_validation_fail(sb: Sandbox, signer: dict[str, Any]) -> None:
    body = express_body()
    body["signers"][0].update(signer)
    assert express(sb, fv_token(sb), body).status == 400


def test_express_two_payers_of_fifty(sb: Sandbox) -> None:
    body = express_body(iSignedCount=2)
    second = {**body["signers"][0], "rutId": "76795561-8", "rol": 3, "order": 2, "portion": "50"}
    body["signers"][0]["portion"] = "50"
    body["signers"].append(second)
    assert express(sb, fv_token(sb), body).status == 201


def test_express_document_must_be_a_pdf(sb: Sandbox) -> None:
    answer = express(sb, fv_token(sb), express_body(pdf=b"PK\x03\x04 a zip"))
    assert (answer.status, answer.json()["message"]) == (400, "Only PDF files are allowed")


def test_express_without_token(sb: Sandbox) -> None:
    assert (express(sb, "", express_body()).status, express(sb, "Bearer nope", express_body()).json()["message"]) == (400, "error")


def test_express_long_document_is_read_as_it_streams(sb: Sandbox) -> None:
    """A 3 MB PDF: the body is read without keeping the base64 (recorded as a summary), also
    chunked and with PHP's escaped slashes."""
    pdf = b"%PDF-1.7\n" + os.urandom(3 * 1024 * 1024)
    text = json.dumps(express_body(pdf=pdf)).replace("/", "\\/").encode()
    headers = {"Authorization": fv_token(sb), "Content-Type": "application/json", "Transfer-Encoding": "chunked"}
    conn = http.client.HTTPConnection("127.0.0.1", sb.port, timeout=30)
    conn.putrequest("POST", EXPRESS)
    for name, value in headers.items():
        conn.putheader(name, value)
    conn.endheaders()
    for start in range(0, len(text), 65531):  # an odd size: escapes and base64 quanta split across chunks
        piece = text[start:start + 65531]
        conn.send(b"%x\r\n" % len(piece) + piece + b"\r\n")
    conn.send(b"0\r\n\r\n")
    answer = conn.getresponse()
    assert answer.status == 201, answer.read()
    conn.close()
    [request] = sb.requests(EXPRESS)
    [spill] = request["spilled"]
    assert spill["base64_decoded"] == {"size": len(pdf), "sha256": hashlib.sha256(pdf).hexdigest(),
                                       "head": pdf[:16].decode("latin-1")}
    assert request["json"]["document"]["content_file"] == "<spilled string #0>"
    assert request["body_text"] is None and request["body_size"] == len(text)


def test_express_over_50_mb_is_too_large(sb: Sandbox) -> None:
    """Streamed from a generator: neither side holds the 67 MB body."""
    size = 50 * 1024 * 1024 + 3
    head = json.dumps(express_body())[:-1].replace('"document": {"content_file": "' + base64.b64encode(EXPRESS_PDF).decode() + '"}', '"x": 0')
    prefix = (head + ', "document": {"content_file": "').encode()
    block = base64.b64encode(b"%PDF-" + b"\0" * (3 * 21845 - 5))
    filler = base64.b64encode(b"\0" * 3 * 21845)
    suffix = b'"}}'
    blocks = -(-size // (3 * 21845))
    length = len(prefix) + len(block) + (blocks - 1) * len(filler) + len(suffix)

    def body():
        yield prefix
        yield block
        for _ in range(blocks - 1):
            yield filler
        yield suffix

    conn = http.client.HTTPConnection("127.0.0.1", sb.port, timeout=60)
    conn.request("POST", EXPRESS, body=body(), headers={"Authorization": fv_token(sb), "Content-Length": str(length),
                                                          "Content-Type": "application/json"})
    answer = conn.getresponse()
    assert (answer.status, json.loads(answer.read())["message"]) == (413, "File too large")
    conn.close()
    [spill] = sb.requests(EXPRESS)[0]["spilled"]
    assert spill["base64_decoded"]["size"] == blocks * 3 * 21845 > 50 * 1024 * 1024


def test_callbacks_are_posted_to_loopback_receivers(sb: Sandbox) -> None:
    with Receiver() as receiver:
        token = fv_token(sb)
        contract = express(sb, token, express_body(callback=receiver.url)).json()["message"][0]["sContractID"]
        assert receiver.received == []  # creation itself is not called back
        result = sb.fv_advance(contract, "SIGNED_PENDING")
        assert result["callback"]["result"] == "delivered" and result["callback"]["http_status"] == 200
        [delivery] = receiver.received
        assert delivery["path"] == "/webhooks/fv?k=1"
        assert delivery["headers"]["Content-Type"] == "application/json"
        body = json.loads(delivery["body"])
        assert set(body) == {"contract", "signers"}
        [head] = body["contract"]
        assert (head["sContractID"], head["sStatus"], head["sContractName"]) == (contract, "SIGNED_PENDING",
                                                                                 "Prueba Venta 39 - NO COBRAR")
        assert body["signers"][0]["rutId"] == "11111111-1"
        sb.fv_shapes(callback_contract="object")
        sb.fv_advance(contract, "FINISHED", sPaymentStatus="PAIDOUT")
        last = json.loads(receiver.received[-1]["body"])
        assert last["contract"]["sStatus"] == "FINISHED" and last["signers"][0]["sign_status"] == "ENABLE"
        assert sb.fv_advance(contract, "FINISHED")["callback"] is None  # no change, no callback
        assert [c["sStatus"] for c in sb.fv_callbacks()] == ["SIGNED_PENDING", "FINISHED"]


def test_send_draft_calls_back_review(sb: Sandbox) -> None:
    with Receiver() as receiver:
        token = fv_token(sb)
        contract = new_contract(sb, token, callback=receiver.url)
        assert fv(sb, "POST", f"/api/v1/contract/send/draft/{contract}", token=token).status == 207
        assert receiver.arrived.wait(10)
        assert json.loads(receiver.received[0]["body"])["contract"][0]["sStatus"] == "REVIEW"


@pytest.mark.parametrize("url", ["https://ejemplo.com/webhook", "http://192.0.2.1/cb", "https://127.0.0.1:1/cb"])
def test_callbacks_to_other_hosts_are_never_sent(sb: Sandbox, url: str) -> None:
    token = fv_token(sb)
    contract = express(sb, token, express_body(callback=url)).json()["message"][0]["sContractID"]
    record = sb.fv_advance(contract, "APPROVED")["callback"]
    assert record["result"] == "skipped" and "loopback" in record["error"]


def test_an_unreachable_receiver_is_recorded(sb: Sandbox) -> None:
    with Receiver() as receiver:
        url = receiver.url
    contract = express(sb, fv_token(sb), express_body(callback=url)).json()["message"][0]["sContractID"]
    assert sb.fv_advance(contract, "REJECTED")["callback"]["result"] == "failed"


def test_advance_refusals(sb: Sandbox) -> None:
    for body in ({"contract": "x"}, {"status": "FINISHED"}, {"contract": "x", "status": "FINISHED", "sPaymentStatus": "PAYOUT"}):
        with pytest.raises(SandboxError, match="400"):
            sb.control("fv/advance", body)
    with pytest.raises(SandboxError, match="404"):
        sb.fv_advance("no-such-contract", "FINISHED")


def test_detail_shapes_and_payout(sb: Sandbox) -> None:
    token = fv_token(sb)
    contract = express(sb, token, express_body()).json()["message"][0]["sContractID"]
    sb.fv_advance(contract, "DELIVERED", sPaymentStatus="PAIDOUT")
    detail = fv(sb, "GET", f"/api/v1/contract/detail/{contract}", token=token).json()["message"]
    assert detail["contrato"][0]["sPaymentStatus"] == "PAIDOUT" and detail["firmantes"][0]["payment"] == "PAYOUT"
    sb.fv_shapes(detail_contrato="object")
    detail = fv(sb, "GET", f"/api/v1/contract/detail/{contract}", token=token).json()["message"]
    assert detail["contrato"]["sContractID"] == contract and detail["contrato"]["sStatus"] == "DELIVERED"


@pytest.mark.parametrize("key", ["comentario", "comentarios", "mensaje"])
@pytest.mark.parametrize("error_code", ["int", "string"])
def test_fes_message_spellings(sb: Sandbox, key: str, error_code: str) -> None:
    sb.fes_style(message_key=key, error_code=error_code)
    ok = fes(sb).json()
    assert ok["estado"] == "OK" and ok[key] == "Certificado obtenido exitosamente" and ok["certificado"]
    assert ok["errorCode"] == (0 if error_code == "int" else "0")
    fail = fes(sb, rut="11111111-2").json()
    assert fail["estado"] == "FAIL" and fail["errorCode"] == (106 if error_code == "int" else "106")
    assert fail[key].startswith("RUT_INVALIDO") and {"comentario", "comentarios", "mensaje"} & set(fail) == {key}


def test_style_knobs_are_checked(sb: Sandbox) -> None:
    for path, body in (("fv/shapes", {"express": "sideways"}), ("fv/shapes", {"colour": "red"}),
                       ("fes/style", {"message_key": "texto"}), ("fes/style", [1])):
        with pytest.raises(SandboxError, match="400"):
            sb.control(path, body)
    sb.fv_shapes(express="top")
    sb.reset()
    assert sb.fv_shapes()["express"] == "seed"


# ------------------------------------------------------------------------------------------------
# CFDI today (shared/design/PRODIGIA_2026.md): timbrado40, timbrarCfdi, the 4.0 CSV,
# cancelacion/cancelar, consultarEstatusComprobante
# ------------------------------------------------------------------------------------------------

REST = "/servicio/rest/"
NS4 = "http://www.sat.gob.mx/cfd/4"
TFD = "{http://www.sat.gob.mx/TimbreFiscalDigital}TimbreFiscalDigital"


@pytest.fixture(scope="module")
def sat_certs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """SAT-like CSDs made with OpenSSL (Tests/support/make_test_certs.py)."""
    folder = tmp_path_factory.mktemp("sat")
    script = Path(__file__).resolve().parents[1] / "Tests" / "support" / "make_test_certs.py"
    out = subprocess.run([sys.executable, str(script), str(folder)], check=True, capture_output=True, timeout=300)
    return json.loads(out.stdout)["sat"]


def cfdi40_xml(sello: str = "", fecha: dt.datetime | None = None, folio: str = "1", total: str = "1160.00",
               emisor: str = "EKU9003173C9", receptor: str = "XIQB891116QE4", version: str = "4.0",
               namespace: str = NS4, related: str = "", inside: str = "") -> bytes:
    fecha = fecha or (dt.datetime.now(MX_TZ) - dt.timedelta(minutes=2))
    return (f'<?xml version="1.0" encoding="UTF-8"?><cfdi:Comprobante xmlns:cfdi="{namespace}" '
            f'Version="{version}" Serie="A" Folio="{folio}" Fecha="{fecha.strftime("%Y-%m-%dT%H:%M:%S")}" '
            f'Sello="{sello}" FormaPago="01" NoCertificado="" Certificado="" SubTotal="1000.00" Moneda="MXN" '
            f'Total="{total}" TipoDeComprobante="I" Exportacion="01" MetodoPago="PUE" LugarExpedicion="06000">'
            f'{related}<cfdi:Emisor Rfc="{emisor}" Nombre="ESCUELA KEMPER URGATE" RegimenFiscal="601"/>'
            f'<cfdi:Receptor Rfc="{receptor}" Nombre="XOCHILT CASAS CHAVEZ" DomicilioFiscalReceptor="36257" '
            'RegimenFiscalReceptor="612" UsoCFDI="G03"/><cfdi:Conceptos><cfdi:Concepto ClaveProdServ="01010101" '
            'Cantidad="1" ClaveUnidad="ACT" Descripcion="Venta" ValorUnitario="1000.00" Importe="1000.00" '
            f'ObjetoImp="01"/></cfdi:Conceptos>{inside}</cfdi:Comprobante>').encode()


def sealed(tag: str = "s") -> str:
    """A stand-in Sello (256 bytes, like RSA-2048); a real one differs per document."""
    return base64.b64encode((tag.encode() * 256)[:256]).decode()


SEALED = sealed()


def timbrado40(sb: Sandbox, xml: bytes, options: tuple[str, ...] = (), path: str = "timbrado40",
               content_type: str = "application/xml") -> Reply:
    query = urllib.parse.urlencode([("contrato", CONTRATO)] + [("opciones", o) for o in options])
    return call(sb, "POST", f"{REST}{path}?{query}", xml,
                {"Authorization": basic(*CFDI_AUTH), "Content-Type": content_type})


def rest(sb: Sandbox, method: str, query: list[tuple[str, str]], body: Any = None,
         content_type: str = "application/xml") -> Reply:
    return call(sb, "POST", REST + method + "?" + urllib.parse.urlencode(query), body,
                {"Authorization": basic(*CFDI_AUTH), "Content-Type": content_type})


def status_of(sb: Sandbox, uuid: str, receptor: str = "XIQB891116QE4", total: str = "1160.00") -> dict[str, Any]:
    reply = rest(sb, "cancelacion/consultarEstatusComprobante",
                 [("contrato", CONTRATO), ("uuid", uuid), ("rfcEmisor", "EKU9003173C9"), ("rfcReceptor", receptor),
                  ("total", total)])
    assert reply.status == 202
    return reply.xml()


def cancel_reason(sb: Sandbox, entries: list[str], options: tuple[str, ...] = ("CERT_DEFAULT",)) -> Reply:
    query = [("contrato", CONTRATO), ("rfcEmisor", "EKU9003173C9")] + [("arregloUUID", e) for e in entries]
    if "CERT_DEFAULT" not in options:
        query += [("certBase64", base64.b64encode(b"cert").decode()), ("keyBase64", base64.b64encode(b"key").decode()),
                  ("keyPass", "12345678a")]
    return rest(sb, "cancelacion/cancelar", query + [("opciones", o) for o in options])


def test_cfdi_timbrado40_stamps_a_sealed_xml_with_202(sb: Sandbox) -> None:
    xml = cfdi40_xml(sello=SEALED)
    answer = timbrado40(sb, xml)
    assert answer.status == 202 and answer.headers["Content-Type"] == "application/xml;charset=UTF-8"
    data = answer.xml()
    assert data["_root"] == "servicioTimbrado" and data["timbradoOk"] == "true" and data["codigo"] == "0"
    assert "mensaje" not in data and len(data["UUID"]) == 36
    stamped = base64.b64decode(data["xmlBase64"])
    assert stamped.startswith(xml[:xml.index(b"<cfdi:Conceptos>")])  # the XML as sent, timbre added
    root = ET.fromstring(stamped)
    tfd = root.find(f"{{{NS4}}}Complemento/{TFD}")
    assert tfd is not None and tfd.get("UUID") == data["UUID"] and tfd.get("SelloCFD") == SEALED
    assert tfd.get("RfcProvCertif") == "PPD101129EA3" and root.get("Sello") == SEALED
    assert sb.state()["cfdis"][data["UUID"]]["version"] == "4.0"
    prueba = timbrado40(sb, cfdi40_xml(sello=sealed("p"), folio="2"), path="timbrado40Prueba").xml()
    assert prueba["codigo"] == "0" and prueba["mensaje"] == "*** generado en modo de pruebas ***"


def test_cfdi_timbrado40_a_resent_xml_is_307_with_the_earlier_stamp_when_asked(sb: Sandbox) -> None:
    xml = cfdi40_xml(sello=SEALED)
    first = timbrado40(sb, xml).xml()
    plain = timbrado40(sb, xml).xml()
    assert (plain["timbradoOk"], plain["codigo"]) == ("false", "307") and "xmlBase64" not in plain
    again = timbrado40(sb, xml, ("REGRESAR_CON_ERROR_307_XML",))
    data = again.xml()
    assert again.status == 202 and (data["timbradoOk"], data["codigo"]) == ("false", "307")
    assert data["UUID"] == first["UUID"] and data["xmlBase64"] == first["xmlBase64"]
    assert len(sb.state()["cfdis"]) == 1 and sb.state()["cfdi_accounts"]["pade_user"]["saldo"] == 999
    stamped = base64.b64decode(first["xmlBase64"])  # an XML with its timbre: 307 too, and the stamp
    assert timbrado40(sb, stamped, ("REGRESAR_CON_ERROR_307_XML",)).xml()["UUID"] == first["UUID"]


def test_cfdi_timbrado40_document_errors(sb: Sandbox) -> None:
    mx_now = dt.datetime.now(MX_TZ)
    cases = [
        (cfdi40_xml(SEALED, namespace="http://www.sat.gob.mx/cfd/3", version="3.3"), "301"),
        (b'<!DOCTYPE x [<!ENTITY a "b">]>' + cfdi40_xml(SEALED)[38:], "301"),
        (b"<cfdi:Comprobante", "301"),
        (cfdi40_xml(), "302"),
        (cfdi40_xml(sello="no base64!"), "302"),
        (cfdi40_xml(SEALED, fecha=mx_now - dt.timedelta(hours=73)), "401"),
        (cfdi40_xml(SEALED, fecha=mx_now + dt.timedelta(minutes=30)), "401"),
        (cfdi40_xml(SEALED, inside=f'<cfdi:Complemento><tfd:TimbreFiscalDigital xmlns:tfd="{TFD[1:].split("}")[0]}" '
                                   'UUID="00000000-0000-4000-8000-000000000000"/></cfdi:Complemento>'), "307"),
    ]
    for xml, code in cases:
        answer = timbrado40(sb, xml)
        assert answer.status == 202 and answer.xml()["codigo"] == code, (code, answer.body[:300])
        assert answer.xml()["timbradoOk"] == "false"
    assert timbrado40(sb, cfdi40_xml(), ("CALCULAR_SELLO",)).xml()["codigo"] == "20"
    assert timbrado40(sb, cfdi40_xml(SEALED), ("NO_EXISTE",)).xml()["codigo"] == "3"
    assert timbrado40(sb, cfdi40_xml(SEALED), content_type="application/json").status == 415
    assert call(sb, "GET", REST + "timbrado40").status == 405
    assert sb.state()["cfdis"] == {}


def test_cfdi_calcular_sello_with_the_default_certificate(sb: Sandbox, sat_certs: dict[str, Any]) -> None:
    sb.cfdi_account("pade_user", has_default_cert=True)
    stand_in = timbrado40(sb, cfdi40_xml(), ("CALCULAR_SELLO",)).xml()
    root = ET.fromstring(base64.b64decode(stand_in["xmlBase64"]))
    assert len(base64.b64decode(root.get("Sello"))) == 256 and root.get("NoCertificado") == "30001000000500003456"
    # The same unsealed XML again gets the same seal (as RSA PKCS#1 v1.5 would): Prodigia sees a 307.
    assert timbrado40(sb, cfdi40_xml(), ("CALCULAR_SELLO",)).xml()["codigo"] == "307"
    other = sat_certs["other"]
    sb.cfdi_account("pade_user", default_csd={"certBase64": base64.b64encode(Path(other["cer"]).read_bytes()).decode(),
                                              "keyBase64": base64.b64encode(Path(other["key"]).read_bytes()).decode(),
                                              "keyPass": "12345678a"})
    real = timbrado40(sb, cfdi40_xml(folio="9"), ("CALCULAR_SELLO",)).xml()
    assert real["codigo"] == "0"
    root = ET.fromstring(base64.b64decode(real["xmlBase64"]))
    assert root.get("NoCertificado") == other["noCertificado"]


def verify_seal(xml: bytes, cer: str, workdir: Path) -> bool:
    """The Sello is RSA-SHA256 by the certificate's key over the sandbox's cadena original."""
    from emulator.services.cfdi.document import cadena_original
    root = ET.fromstring(xml)
    (workdir / "cadena").write_text(cadena_original(root), encoding="utf-8")
    (workdir / "sig").write_bytes(base64.b64decode(root.get("Sello")))
    pub = subprocess.run(["openssl", "x509", "-inform", "DER", "-in", cer, "-pubkey", "-noout"], check=True,
                         capture_output=True).stdout
    (workdir / "pub.pem").write_bytes(pub)
    done = subprocess.run(["openssl", "dgst", "-sha256", "-verify", str(workdir / "pub.pem"), "-signature",
                           str(workdir / "sig"), str(workdir / "cadena")], capture_output=True)
    return done.returncode == 0


def test_cfdi_timbrar_cfdi_seals_with_the_csd_sent(sb: Sandbox, sat_certs: dict[str, Any], tmp_path: Path) -> None:
    other = sat_certs["other"]

    def body(item: dict[str, Any], **changes: Any) -> dict[str, Any]:
        return {"xmlBase64": base64.b64encode(cfdi40_xml(folio=changes.pop("folio", "1"))).decode(),
                "contrato": CONTRATO, "certBase64": base64.b64encode(Path(item["cer"]).read_bytes()).decode(),
                "keyBase64": base64.b64encode(Path(item["key"]).read_bytes()).decode(), "keyPass": "12345678a",
                "prueba": "true", "opciones": ["CALCULAR_SELLO"], **changes}

    answer = rest(sb, "timbrado40/timbrarCfdi", [("contrato", CONTRATO)], json.dumps(body(other)), "application/json")
    assert answer.status == 202, answer.body
    data = answer.xml()
    assert data["codigo"] == "0", data
    stamped = base64.b64decode(data["xmlBase64"])
    root = ET.fromstring(stamped)
    assert root.get("NoCertificado") == other["noCertificado"]
    assert base64.b64decode(root.get("Certificado")) == Path(other["cer"]).read_bytes()
    assert verify_seal(stamped, other["cer"], tmp_path)
    for item, changes, code in ((sat_certs["csd"], {}, "303"), (sat_certs["fiel"], {}, "306"),
                                (sat_certs["expired"], {}, "306" if not sat_certs["expired"]["isCSD"] else "304"),
                                (other, {"keyPass": "wrong"}, "3"), (other, {"xmlBase64": "%%"}, "3"),
                                (other, {"prueba": "si"}, "3")):
        reply = rest(sb, "timbrado40/timbrarCfdi", [("contrato", CONTRATO)],
                     json.dumps(body(item, folio="2", **changes)), "application/json")
        assert reply.xml()["codigo"] == code, (item["cer"], changes, reply.body[:300])


CSV40_INVOICE = [
    "CFDI|4.0|F|{folio}|{fecha}||01||||1000.00||MXN||1160.00|I|01|PUE|06000||",
    "EMIS|EKU9003173C9|ESCUELA KEMPER URGATE|601||",
    "RECE|XIQB891116QE4|XOCHILT CASAS CHAVEZ|36257|||612|G03|",
    "CONC|01010101||1|ACT||Venta|1000.00|1000.00||02|",
    "CIMT|1000.00|002|Tasa|0.160000|160.00|",
    "IMPU||160.00|",
    "IMPT|1000.00|002|Tasa|0.160000|160.00",
]


def csv40(lines: list[str], folio: str = "1") -> str:
    fecha = (dt.datetime.now(MX_TZ) - dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S")
    return base64.b64encode("\n".join(lines).format(folio=folio, fecha=fecha).encode()).decode()


def process40(sb: Sandbox, datos: str, *options: str) -> dict[str, Any]:
    query = [("contrato", CONTRATO), ("prueba", "true"), ("datos", datos), ("opciones", "PLUGIN_PROCESO:GENERICO_CFDI40:1.0")]
    return cfdi(sb, "procesarArchivo", query + [("opciones", o) for o in options]).xml()


def test_cfdi_csv40_is_stamped_as_a_cfdi_40(sb: Sandbox) -> None:
    sb.cfdi_account("pade_user", has_default_cert=True)
    data = process40(sb, csv40(CSV40_INVOICE), "CALCULAR_SELLO", "ESTABLECER_NO_CERTIFICADO")
    assert data["codigo"] == "0", data
    root = ET.fromstring(base64.b64decode(data["xmlBase64"]))
    assert root.tag == f"{{{NS4}}}Comprobante" and root.get("Version") == "4.0" and root.get("Exportacion") == "01"
    assert root.find(f"{{{NS4}}}Receptor").get("RegimenFiscalReceptor") == "612"
    traslado = root.find(f"{{{NS4}}}Conceptos/{{{NS4}}}Concepto/{{{NS4}}}Impuestos/{{{NS4}}}Traslados/{{{NS4}}}Traslado")
    assert traslado is not None and traslado.get("TasaOCuota") == "0.160000"
    assert root.find(f"{{{NS4}}}Complemento/{TFD}").get("UUID") == data["UUID"]
    assert process40(sb, csv40(CSV40_INVOICE, folio="2"))["codigo"] == "302"  # no Sello, no CALCULAR_SELLO


@pytest.mark.parametrize("lines,detail", [
    (["CFDI|4.0|F|1|{fecha}||01"] + CSV40_INVOICE[1:], "debe tener 19 campos"),
    ([CSV40_INVOICE[0], "EMISOR|EKU9003173C9|X|601"] + CSV40_INVOICE[2:], "registro desconocido"),
    ([CSV40_INVOICE[0], CSV40_INVOICE[2], CSV40_INVOICE[1]] + CSV40_INVOICE[3:], "no puede seguir"),
    (CSV40_INVOICE[:3], "incompleto"),
    (CSV40_INVOICE[:1] + ["EMIS|EKU9003173C9|X|601"] + CSV40_INVOICE[2:], "debe tener 4 campos"),
    ([CSV40_INVOICE[0].replace("CFDI|4.0", "CFDI|3.3")] + CSV40_INVOICE[1:], "versión"),
    (CSV40_INVOICE[1:], "primer registro"),
], ids=["cfdi-fields", "unknown-tag", "order", "incomplete", "emis-3.3-fields", "version", "first"])
def test_cfdi_csv40_malformed_is_301(sb: Sandbox, lines: list[str], detail: str) -> None:
    data = process40(sb, csv40(lines), "CALCULAR_SELLO")
    assert (data["codigo"], data["timbradoOk"]) == ("301", "false") and detail in data["mensaje"], data


def test_cfdi_payment_relates_to_its_invoice_which_is_then_not_cancellable(sb: Sandbox) -> None:
    sb.cfdi_account("pade_user", has_default_cert=True)
    invoice = process40(sb, csv40(CSV40_INVOICE), "CALCULAR_SELLO")["UUID"]
    payment = [
        "CFDI|4.0|CP|{folio}|{fecha}||||||0||XXX||0|P|01||06000||",
        "EMIS|EKU9003173C9|ESCUELA KEMPER URGATE|601||",
        "RECE|XIQB891116QE4|XOCHILT CASAS CHAVEZ|36257|||612|CP01|",
        "CONC|84111506||1|ACT||Pago|0|0||01|",
        "COMP|", "CRPS20|2.0|", "CTOT20||||1000.00|160.00||||||1160.00",
        "CPAG20|2024-05-01T00:00:00|03|MXN|1|1160.00||||||||||",
        f"CPDR20|{invoice}|F|1|MXN|1|1|1160.00|1160.00|0.00|02|",
        "CPIDR20|", "CPTDR20|1000.00|002|Tasa|0.160000|160.00|", "CPIM20|", "CPIT20|1000.00|002|Tasa|0.160000|160.00",
    ]
    paid = process40(sb, csv40(payment, folio="7"), "CALCULAR_SELLO")
    assert paid["codigo"] == "0", paid
    assert sb.state()["cfdis"][paid["UUID"]]["related"] == [invoice]
    blocked = cancellations(cancel_reason(sb, [f"{invoice}|02|"]).xml())[0]
    assert blocked["codigo"] == "94"
    assert status_of(sb, invoice)["esCancelable"] == "No cancelable"


def test_cfdi_cancelacion_cancelar_motivos_and_the_receiver(sb: Sandbox) -> None:
    sb.cfdi_account("pade_user", has_default_cert=True)
    uuids = [timbrado40(sb, cfdi40_xml(sealed(str(n)), folio=str(n))).xml()["UUID"] for n in range(5)]
    answer = cancel_reason(sb, [f"{uuids[0]}|02|", f"{uuids[1]}|03", f"{uuids[2]}|01|{uuids[3]}"])
    assert answer.status == 202
    data = answer.xml()
    assert data["statusOk"] == "true" and data["rfc"] == "EKU9003173C9"
    assert [c["codigo"] for c in cancellations(data)] == ["96", "96", "96"]  # 1160 to a named receiver
    assert sb.state()["cfdis"][uuids[2]]["folioSustitucion"] == uuids[3]
    sb.cfdi_receiver(uuids[0], "accept")
    sb.cfdi_receiver(uuids[1], "reject")
    sb.cfdi_receiver(uuids[2], "expire")
    again = cancellations(cancel_reason(sb, [f"{u}|02|" for u in uuids[:3]]).xml())
    assert [c["codigo"] for c in again] == ["202", "97", "202"]
    assert cancellations(cancel_reason(sb, [f"{uuids[1]}|02|"]).xml())[0]["codigo"] == "96"  # asked again
    for bad in ([f"{uuids[4]}|05|"], [f"{uuids[4]}|01|"], [f"{uuids[4]}|01|{uuids[4]}"], [f"{uuids[4]}|02|{uuids[3]}"],
                [f"{uuids[4]}|EKU9003173C9|XIQB891116QE4|1160.00"], ["not-a-uuid|02|"], []):
        reply = cancel_reason(sb, bad).xml()
        assert (reply["statusOk"], reply["codigo"]) == ("false", "3"), bad
    assert cancel_reason(sb, [f"{uuids[4]}|02|"], options=()).xml()["codigo"] == "0"  # with the CSD instead
    assert call(sb, "GET", REST + "cancelacion/cancelar").status == 405


def test_cfdi_integration_cancel_takes_the_motivo(sb: Sandbox) -> None:
    first, second = (stamped_uuid(sb) for _ in range(2))
    answer = cancel(sb, [f"{first}|XAXX010101000|EKU9003173C9|1160.00|01|{second}",
                         f"{second}|XAXX010101000|EKU9003173C9|1160.00|02|"])
    assert [c["codigo"] for c in cancellations(answer)] == ["201", "201"]
    state = sb.state()["cfdis"]
    assert (state[first]["motivo"], state[first]["folioSustitucion"], state[second]["motivo"]) == ("01", second, "02")
    for bad in (f"{first}|XAXX010101000|EKU9003173C9|1160.00|01|", f"{first}|XAXX010101000|EKU9003173C9|1160.00|09|",
                f"{first}|XAXX010101000|EKU9003173C9|1160.00|02"):
        assert cancel(sb, [bad])["codigo"] == "3", bad


def test_cfdi_sat_status(sb: Sandbox) -> None:
    sb.cfdi_account("pade_user", has_default_cert=True)
    uuid, public = (timbrado40(sb, cfdi40_xml(sealed(c), folio=c, receptor=r)).xml()["UUID"]
                    for c, r in (("A", "XIQB891116QE4"), ("B", "XAXX010101000")))
    vigente = status_of(sb, uuid)
    assert vigente["_root"] == "servicioConsultaComprobante" and vigente["consultaOk"] == "true"
    assert (vigente["codigo"], vigente["estado"], vigente["estatusCfdi"]) == ("91", "Vigente", "2")
    assert vigente["codigoEstatus"].startswith("S - ") and vigente["esCancelable"] == "Cancelable con aceptación"
    assert status_of(sb, public, receptor="XAXX010101000")["esCancelable"] == "Cancelable sin aceptación"
    cancel_reason(sb, [f"{uuid}|02|", f"{public}|02|"])
    assert status_of(sb, uuid)["estatusCfdi"] == "7" and status_of(sb, uuid)["estatusCancelacion"] == "En proceso"
    cancelled = status_of(sb, public, receptor="XAXX010101000")
    assert (cancelled["estado"], cancelled["estatusCfdi"], cancelled["estatusCancelacion"]) == \
        ("Cancelado", "9", "Cancelado sin aceptación")
    sb.cfdi_receiver(uuid, "accept")
    assert status_of(sb, uuid)["estatusCfdi"] == "8"
    for missing in (status_of(sb, "00000000-0000-4000-8000-000000000000"), status_of(sb, uuid, total="1.00")):
        assert (missing["codigo"], missing["estado"], missing["estatusCfdi"]) == ("90", "No Encontrado", "1")
    bad = rest(sb, "cancelacion/consultarEstatusComprobante", [("contrato", CONTRATO), ("uuid", uuid)])
    assert bad.status == 202 and bad.xml()["codigo"] == "3" and bad.xml()["consultaOk"] == "false"


def test_cfdi_verificar_serie_folio(sb: Sandbox) -> None:
    first = stamp(sb, "VERIFICAR_SERIE_FOLIO").xml()
    again = stamp(sb, "VERIFICAR_SERIE_FOLIO", "REGRESAR_CON_ERROR_307_XML").xml()
    assert (again["codigo"], again["UUID"]) == ("307", first["UUID"])
    assert stamp(sb).xml()["codigo"] == "0"  # without the option the same serie and folio is stamped again


def test_cfdi_service_error_fault_keeps_each_methods_status(sb: Sandbox) -> None:
    sb.fault("service_error", code=5, prefix=REST + "cancelacion/consultarEstatusComprobante")
    reply = rest(sb, "cancelacion/consultarEstatusComprobante", [("contrato", CONTRATO)])
    assert reply.status == 202 and reply.xml()["_root"] == "servicioConsultaComprobante"
    assert reply.xml()["codigo"] == "5"


# ------------------------------------------------------------------------------------------------
# faults
# ------------------------------------------------------------------------------------------------

def test_fault_delay(sb: Sandbox) -> None:
    sb.fault("delay", ms=300, prefix="/logindata")
    started = time.monotonic()
    assert call(sb, "POST", "/logindata", {"login": "userapp", "password": "OnePass"}).status == 200
    assert time.monotonic() - started >= 0.3
    assert sb.requests()[0]["fault"] == "delay"
    with pytest.raises(socket.timeout):
        sb.fault("delay", ms=2000)
        call(sb, "POST", "/logindata", {}, timeout=0.3)


def test_fault_close(sb: Sandbox) -> None:
    sb.fault("close")
    with pytest.raises(http.client.RemoteDisconnected):
        call(sb, "POST", "/logindata", {"login": "userapp", "password": "OnePass"})
    assert len(sb.requests()) == 1
    assert call(sb, "POST", "/logindata", {"login": "userapp", "password": "OnePass"}).status == 200


def test_fault_close_does_not_process_unless_asked(sb: Sandbox) -> None:
    sb.fault("close", prefix="/generateFES")
    with pytest.raises(http.client.RemoteDisconnected):
        fes(sb)
    assert sb.state()["fes_accounts"][FES_USER]["quota"] == 1000
    sb.fault("close", process=True)
    with pytest.raises(http.client.RemoteDisconnected):
        fes(sb)
    assert sb.state()["fes_accounts"][FES_USER]["quota"] == 999


def test_fault_reset(sb: Sandbox) -> None:
    sb.fault("reset")
    data, error = raw_exchange(sb, raw_fes_request())
    assert data == b"" and isinstance(error, ConnectionResetError)


def test_fault_truncate(sb: Sandbox) -> None:
    sb.fault("truncate")
    with pytest.raises(http.client.IncompleteRead):
        fes(sb, clave="bad")
    sb.fault("truncate")
    data, error = raw_exchange(sb, raw_fes_request())
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(next(line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")).split(b":")[1])
    assert error is None and 0 < len(body) < length


def test_fault_reset_mid_body(sb: Sandbox) -> None:
    sb.fault("reset_mid_body")
    data, error = raw_exchange(sb, raw_fes_request())
    assert data.startswith(b"HTTP/1.1 200") and isinstance(error, ConnectionResetError)
    body = data.partition(b"\r\n\r\n")[2]
    assert body and body.startswith(b'{"estado":"FAIL"')


@pytest.mark.parametrize("status,body", [(500, "html"), (502, "html"), (503, "json"), (504, "empty")])
def test_fault_status(sb: Sandbox, status: int, body: str) -> None:
    sb.fault("status", status=status, body=body, prefix="/servicio")
    answer = stamp(sb)
    assert answer.status == status
    if body == "html":
        assert answer.headers["Content-Type"].startswith("text/html") and b"<html>" in answer.body
    elif body == "json":
        assert answer.json() == {"status": status, "error": "Service Unavailable"}
    else:
        assert answer.body == b"" and answer.headers["Content-Length"] == "0"
    assert sb.state()["cfdi_accounts"]["pade_user"]["saldo"] == 1000  # not processed


def test_fault_status_429_retry_after(sb: Sandbox) -> None:
    sb.fault("status", status=429, retry_after=7)
    answer = call(sb, "POST", "/logindata", {})
    assert answer.status == 429 and answer.headers["Retry-After"] == "7"


def test_fault_invalid_body(sb: Sandbox) -> None:
    sb.fault("invalid_body", prefix="/generateFES")
    answer = fes(sb)
    assert answer.status == 200
    with pytest.raises(ValueError):
        json.loads(answer.body)
    sb.fault("invalid_body", prefix="/servicio")
    with pytest.raises(ET.ParseError):
        ET.fromstring(stamp(sb).body)


def test_fault_invalid_utf8(sb: Sandbox) -> None:
    sb.fault("invalid_utf8", count=2)
    with pytest.raises(UnicodeDecodeError):
        fes(sb, clave="bad").body.decode("utf-8")
    xml = stamp(sb).body
    with pytest.raises(UnicodeDecodeError):
        xml.decode("utf-8")
    assert xml.startswith(b"<?xml") and xml.endswith(b"</servicioTimbrado>")


def test_fault_nul_bytes(sb: Sandbox) -> None:
    sb.fault("nul_bytes", prefix="/logindata")
    body = call(sb, "POST", "/logindata", {}).body
    assert b"\x00" in body and body.startswith(b'{"code":400')
    sb.fault("nul_bytes", style="escaped", prefix="/logindata")
    message = call(sb, "POST", "/logindata", {}).json()["message"]
    assert "\x00" in message
    sb.fault("nul_bytes", prefix="/servicio")
    assert b"\x00" in stamp(sb).body


def test_fault_huge(sb: Sandbox) -> None:
    sb.fault("huge", bytes=3_000_000, prefix="/generateFES")
    answer = fes(sb)
    assert answer.status == 200 and answer.headers["Content-Length"] == "3000000" and len(answer.body) == 3_000_000
    assert answer.json()["estado"] == "OK"


def test_fault_endless(sb: Sandbox) -> None:
    sb.fault("endless")
    sock = socket.create_connection(("127.0.0.1", sb.port), timeout=5)
    sock.sendall(raw_fes_request())
    data = b""
    while len(data) < 2_000_000:
        data += sock.recv(65536)
    sock.close()
    head = data.partition(b"\r\n\r\n")[0].lower()
    assert b"transfer-encoding: chunked" in head and b"content-length" not in head


def wait_finished(sb: Sandbox, timeout: float = 5) -> dict[str, Any]:
    """The last request's record once the server has finished handling it."""
    deadline = time.monotonic() + timeout
    while True:
        record = sb.requests()[-1]
        if record["elapsed_ms"] is not None or time.monotonic() > deadline:
            return record
        time.sleep(0.02)


@pytest.mark.parametrize("mode,params", [("headers_then_silence", {}), ("delay", {"ms": 30000}),
                                         ("drip", {"bytes_per_second": 1}), ("endless", {"interval_ms": 50})])
def test_slow_faults_stop_when_the_client_leaves(sb: Sandbox, mode: str, params: dict[str, Any]) -> None:
    sb.fault(mode, **params)
    sock = socket.create_connection(("127.0.0.1", sb.port), timeout=5)
    sock.sendall(raw_fes_request())
    time.sleep(0.2)
    sock.close()
    record = wait_finished(sb)
    assert record["elapsed_ms"] is not None and record["elapsed_ms"] < 3000, record


def test_fault_headers_then_silence(sb: Sandbox) -> None:
    sb.fault("headers_then_silence")
    data, error = raw_exchange(sb, raw_fes_request(), timeout=0.5)
    assert isinstance(error, socket.timeout)
    assert data.startswith(b"HTTP/1.1 200") and b"Content-Length: 100\r\n" in data and data.endswith(b"\r\n\r\n")


def test_fault_drip(sb: Sandbox) -> None:
    sb.fault("drip", bytes_per_second=1500)
    started = time.monotonic()
    answer = fes(sb, clave="bad")
    assert time.monotonic() - started > 0.1
    assert answer.json()["errorCode"] == 105


def test_fault_redirect(sb: Sandbox) -> None:
    sb.fault("redirect", location="https://example.invalid/elsewhere", status=307)
    answer = call(sb, "POST", "/logindata", {})
    assert answer.status == 307 and answer.headers["Location"] == "https://example.invalid/elsewhere"


def test_fault_close_after_makes_pooled_connection_stale(sb: Sandbox) -> None:
    sb.fault("close_after")
    conn = http.client.HTTPConnection("127.0.0.1", sb.port, timeout=5)
    first = call(sb, "POST", "/logindata", {"login": "userapp", "password": "OnePass"}, conn=conn)
    assert first.status == 200 and first.headers.get("Connection") is None
    time.sleep(0.1)
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        call(sb, "POST", "/logindata", {"login": "userapp", "password": "OnePass"}, conn=conn)
    conn.close()


def test_fault_service_error_each_service(sb: Sandbox) -> None:
    sb.fault("service_error", code=107, prefix="/generateFES")
    assert fes(sb).json() == {"estado": "FAIL", "errorCode": 107, "comentario": "ERROR_GENERARA_CERTIFICADO, error interno CDS."}
    sb.fault("service_error", code=212, message="enrolador caído", prefix="/generateFES")
    assert fes(sb).json()["comentario"] == "enrolador caído"
    sb.fault("service_error", code=5, prefix="/servicio")
    data = stamp(sb).xml()
    assert data["codigo"] == "5" and data["timbradoOk"] == "false" and data["mensaje"] == "Off-line por mantenimiento."
    sb.fault("service_error", code=7, prefix="/servicio")
    data = cancel(sb, ["x"])
    assert data["codigo"] == "7" and data["statusOk"] == "false"
    sb.fault("service_error", code=500, message="boom", prefix="/api")
    answer = fv(sb, "GET", "/api/v1/contract/owner/1", token=fv_token(sb))
    assert answer.status == 400 and answer.json() == {"code": 400, "status": "error", "message": "boom"}


def test_fault_bad_and_wrong_rut_certificate(sb: Sandbox) -> None:
    sb.fault("bad_certificate")
    call(sb, "POST", "/logindata", {})  # FES-only faults skip other services
    data = fes(sb).json()
    assert data["estado"] == "OK"
    with pytest.raises(subprocess.CalledProcessError):
        p12_certificate(base64.b64decode(data["certificado"]), "Secr3tPass")
    sb.fault("wrong_rut_certificate")
    pem = p12_certificate(base64.b64decode(fes(sb).json()["certificado"]), "Secr3tPass")
    assert "serialNumber=11111111-1" in openssl("x509", "-noout", "-subject", "-nameopt", "sep_comma_plus",
                                                 data=pem.encode())


def test_fault_count_prefix_and_order(sb: Sandbox) -> None:
    sb.fault("status", status=503, prefix="/servicio", count=2)
    sb.fault("status", status=502, count=1)
    assert call(sb, "POST", "/logindata", {}).status == 502  # first fault does not match, second does
    assert stamp(sb).status == 503 and stamp(sb).status == 503
    assert stamp(sb).status == 200 and sb.faults() == []
    sb.fault("status", status=500, count=-1)
    for _ in range(3):
        assert call(sb, "POST", "/logindata", {}).status == 500
    assert sb.faults()[0]["count"] == -1
    sb.reset()
    assert call(sb, "POST", "/logindata", {}).status == 400


# ------------------------------------------------------------------------------------------------
# TLS
# ------------------------------------------------------------------------------------------------

def test_tls_mode() -> None:
    with Sandbox.start(tls=True) as sandbox:
        assert sandbox.base.startswith("https://")
        context = ssl.create_default_context(cafile=str(sandbox.ca_file))
        conn = http.client.HTTPSConnection("127.0.0.1", sandbox.port, context=context, timeout=10)
        for _ in range(3):
            conn.request("POST", "/logindata", body=json.dumps({"login": "userapp", "password": "OnePass"}),
                         headers={"Content-Type": "application/json"})
            answer = conn.getresponse()
            assert answer.status == 200 and json.loads(answer.read())["status"] == "success"
        conn.close()
        assert sandbox.stats()["connections"] == 1
        with pytest.raises(ssl.SSLError):
            http.client.HTTPSConnection("127.0.0.1", sandbox.port, context=ssl.create_default_context(),
                                        timeout=5).request("GET", "/")
        sandbox.fault("headers_then_silence")
        tls = context.wrap_socket(socket.create_connection(("127.0.0.1", sandbox.port)), server_hostname="127.0.0.1")
        tls.sendall(b"POST /logindata HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
        assert tls.recv(100).startswith(b"HTTP/1.1 200")
        tls.close()
        assert wait_finished(sandbox)["elapsed_ms"] < 3000


def ipv6_available() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not ipv6_available(), reason="no IPv6 loopback")
def test_ipv6_loopback() -> None:
    with Sandbox.start(host="::1") as sandbox:
        assert sandbox.base == f"http://[::1]:{sandbox.port}"
        conn = http.client.HTTPConnection("::1", sandbox.port, timeout=5)
        conn.request("POST", "/logindata", body=b"{}", headers={"Content-Type": "application/json"})
        assert conn.getresponse().status == 400
        conn.close()
