"""What the sandbox's tests share: the sandbox fixture (one per test module, reset before each
test), a raw HTTP client, and helpers that build each service's requests.

Run: cd /work/main && python3 -m pytest -q sandbox/
"""

from __future__ import annotations

import base64
import datetime as dt
import http.client
import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

SANDBOX = Path(__file__).resolve().parents[1]  # sandbox/ (this file is sandbox/tests/sandbox_support.py)
sys.path.insert(0, str(SANDBOX))
from control import SCRIPT, Sandbox, SandboxError  # noqa: E402,F401  (SCRIPT, SandboxError: for the tests)

FES = "/generateFES/rest-services/public/generateFes/obtenerCertificado"
CFDI = "/servicio/rest/integracion/"
FES_USER, FES_CLAVE = "PruebaWS", "bJBk9GuSJCOWLXODhniTCX7e5"
CFDI_AUTH = ("pade_user", "pade_pass")
CONTRATO = "PADE-CONTRATO-01"
JWT_SECRET = b"sello-sandbox-jwt-secret"
MX_TZ = dt.timezone(dt.timedelta(hours=-6))


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


def call(
    sb: Sandbox,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    conn: http.client.HTTPConnection | None = None,
    timeout: float = 10,
) -> Reply:
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
    params = {
        "rut": "19371037-9",
        "correo": "eleon@certificadoradelsur.cl",
        "numeroDocumento": "000000000",
        "claveCertificado": "Secr3tPass",
        "duracion": 3,
        "nombreEmpresa": "CDS",
        "comuna": "LOS ANGELES",
        "direccion": "Lautaro 867",
        "giroEmpresa": "Otros",
    }
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
    body = {
        "sOwnerType": "NATURAL",
        "sPaymentStatus": "PENDING",
        "iPaymentService": 1,
        "iContractTypeFeeID": 28,
        "iSignedCount": 1,
        "callback": "https://ejemplo.com/webhook",
        "signers": [
            {
                "full_name": "Jose Cortesia",
                "email": "jose@firmavirtual.com",
                "rutId": "11111111-1",
                "phone": "873320311",
                "type": "NATURAL",
                "portion": "100",
                "payment": "0.00",
            }
        ],
    }
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


def csv_datos(
    fecha: dt.datetime | None = None,
    total: str = "1160.00",
    emisor: str = "EKU9003173C9",
    receptor: str = "XAXX010101000",
    head: str | None = None,
) -> str:
    fecha = fecha or (dt.datetime.now(MX_TZ) - dt.timedelta(minutes=5))
    first = head or f"CFDI|3.3|A|123|{fecha.strftime('%Y-%m-%dT%H:%M:%S')}|01|1000.00|MXN|I|PUE|06000"
    text = "\n".join(
        [
            first,
            f"EMISOR|{emisor}|ESCUELA KEMPER URGATE|601",
            f"RECEPTOR|{receptor}|PUBLICO EN GENERAL|G03",
            f"TOTAL|{total}",
        ]
    )
    return base64.b64encode(text.encode()).decode()


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def cfdi(
    sb: Sandbox,
    method: str,
    query: list[tuple[str, str]],
    auth: tuple[str, str] | None = CFDI_AUTH,
    content_type: str | None = "application/xml",
    body: Any = None,
) -> Reply:
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


def cancel(
    sb: Sandbox, entries: list[str], rfc: str = "EKU9003173C9", options: tuple[str, ...] = (), with_cert: bool = True
) -> dict[str, Any]:
    query = [("contrato", CONTRATO), ("rfcEmisor", rfc)] + [("uuids", e) for e in entries]
    if with_cert:
        query += [
            ("certBase64", base64.b64encode(b"cert").decode()),
            ("keyBase64", base64.b64encode(b"key").decode()),
            ("keyPass", "12345678a"),
        ]
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
    body = json.dumps(
        {"request": {"encabezado": {"usuario": "x" if bad else FES_USER, "clave": "y"}, "parametro": fes_params()}}
    ).encode()
    return (
        f"POST {FES} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body


def openssl(*args: str, data: bytes | None = None, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        ["openssl", *args], input=data, capture_output=True, timeout=30, env={**os.environ, **(env or {})}, check=True
    )
    return done.stdout.decode()


def p12_certificate(p12: bytes, password: str) -> str:
    return openssl("pkcs12", "-nokeys", "-clcerts", "-passin", "env:PASS", data=p12, env={"PASS": password})


EXPRESS = "/api/v1/contract/create-contract-express"
EXPRESS_PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


def express_body(pdf: bytes = EXPRESS_PDF, **overrides: Any) -> dict[str, Any]:
    """The body TTX and GT send (CHILE_2026.md §1.3)."""
    body = {
        "sOwnerType": "NATURAL",
        "iContractTypeFeeID": 49,
        "iSignedCount": 1,
        "signers": [
            {
                "full_name": "Jose Cortesia",
                "email": "jose@firmavirtual.com",
                "rutId": "11111111-1",
                "phone": "+56912345678",
                "rol": 0,
                "order": 1,
                "type": "NATURAL",
                "portion": "100",
                "payment": "0.00",
            }
        ],
        "document": {"content_file": base64.b64encode(pdf).decode()},
        "sContractName": "Prueba Venta 39 - NO COBRAR",
    }
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
                received.append(
                    {"path": handler.path, "headers": dict(handler.headers), "body": handler.rfile.read(length)}
                )
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


REST = "/servicio/rest/"
NS4 = "http://www.sat.gob.mx/cfd/4"
TFD = "{http://www.sat.gob.mx/TimbreFiscalDigital}TimbreFiscalDigital"


@pytest.fixture(scope="module")
def sat_certs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """SAT-like CSDs made with OpenSSL (Tests/support/make_test_certs.py)."""
    folder = tmp_path_factory.mktemp("sat")
    script = SANDBOX.parent / "Tests" / "support" / "make_test_certs.py"
    out = subprocess.run([sys.executable, str(script), str(folder)], check=True, capture_output=True, timeout=300)
    return json.loads(out.stdout)["sat"]


def cfdi40_xml(
    sello: str = "",
    fecha: dt.datetime | None = None,
    folio: str = "1",
    total: str = "1160.00",
    emisor: str = "EKU9003173C9",
    receptor: str = "XIQB891116QE4",
    version: str = "4.0",
    namespace: str = NS4,
    related: str = "",
    inside: str = "",
    lugar: str = "06000",
) -> bytes:
    fecha = fecha or (dt.datetime.now(MX_TZ) - dt.timedelta(minutes=2))
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><cfdi:Comprobante xmlns:cfdi="{namespace}" '
        f'Version="{version}" Serie="A" Folio="{folio}" Fecha="{fecha.strftime("%Y-%m-%dT%H:%M:%S")}" '
        f'Sello="{sello}" FormaPago="01" NoCertificado="" Certificado="" SubTotal="1000.00" Moneda="MXN" '
        f'Total="{total}" TipoDeComprobante="I" Exportacion="01" MetodoPago="PUE" LugarExpedicion="{lugar}">'
        f'{related}<cfdi:Emisor Rfc="{emisor}" Nombre="ESCUELA KEMPER URGATE" RegimenFiscal="601"/>'
        f'<cfdi:Receptor Rfc="{receptor}" Nombre="XOCHILT CASAS CHAVEZ" DomicilioFiscalReceptor="36257" '
        'RegimenFiscalReceptor="612" UsoCFDI="G03"/><cfdi:Conceptos><cfdi:Concepto ClaveProdServ="01010101" '
        'Cantidad="1" ClaveUnidad="ACT" Descripcion="Venta" ValorUnitario="1000.00" Importe="1000.00" '
        f'ObjetoImp="01"/></cfdi:Conceptos>{inside}</cfdi:Comprobante>'
    ).encode()


def sealed(tag: str = "s") -> str:
    """A stand-in Sello (256 bytes, like RSA-2048); a real one differs per document."""
    return base64.b64encode((tag.encode() * 256)[:256]).decode()


SEALED = sealed()


def timbrado40(
    sb: Sandbox,
    xml: bytes,
    options: tuple[str, ...] = (),
    path: str = "timbrado40",
    content_type: str = "application/xml",
) -> Reply:
    query = urllib.parse.urlencode([("contrato", CONTRATO)] + [("opciones", o) for o in options])
    return call(
        sb, "POST", f"{REST}{path}?{query}", xml, {"Authorization": basic(*CFDI_AUTH), "Content-Type": content_type}
    )


def rest(
    sb: Sandbox, method: str, query: list[tuple[str, str]], body: Any = None, content_type: str = "application/xml"
) -> Reply:
    return call(
        sb,
        "POST",
        REST + method + "?" + urllib.parse.urlencode(query),
        body,
        {"Authorization": basic(*CFDI_AUTH), "Content-Type": content_type},
    )


def status_of(sb: Sandbox, uuid: str, receptor: str = "XIQB891116QE4", total: str = "1160.00") -> dict[str, Any]:
    reply = rest(
        sb,
        "cancelacion/consultarEstatusComprobante",
        [
            ("contrato", CONTRATO),
            ("uuid", uuid),
            ("rfcEmisor", "EKU9003173C9"),
            ("rfcReceptor", receptor),
            ("total", total),
        ],
    )
    assert reply.status == 202
    return reply.xml()


def cancel_reason(sb: Sandbox, entries: list[str], options: tuple[str, ...] = ("CERT_DEFAULT",)) -> Reply:
    query = [("contrato", CONTRATO), ("rfcEmisor", "EKU9003173C9")] + [("arregloUUID", e) for e in entries]
    if "CERT_DEFAULT" not in options:
        query += [
            ("certBase64", base64.b64encode(b"cert").decode()),
            ("keyBase64", base64.b64encode(b"key").decode()),
            ("keyPass", "12345678a"),
        ]
    return rest(sb, "cancelacion/cancelar", query + [("opciones", o) for o in options])


def verify_seal(xml: bytes, cer: str, workdir: Path) -> bool:
    """The Sello is RSA-SHA256 by the certificate's key over the sandbox's cadena original."""
    from emulator.services.cfdi.document import cadena_original

    root = ET.fromstring(xml)
    (workdir / "cadena").write_text(cadena_original(root), encoding="utf-8")
    (workdir / "sig").write_bytes(base64.b64decode(root.get("Sello")))
    pub = subprocess.run(
        ["openssl", "x509", "-inform", "DER", "-in", cer, "-pubkey", "-noout"], check=True, capture_output=True
    ).stdout
    (workdir / "pub.pem").write_bytes(pub)
    done = subprocess.run(
        [
            "openssl",
            "dgst",
            "-sha256",
            "-verify",
            str(workdir / "pub.pem"),
            "-signature",
            str(workdir / "sig"),
            str(workdir / "cadena"),
        ],
        capture_output=True,
    )
    return done.returncode == 0


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
    query = [
        ("contrato", CONTRATO),
        ("prueba", "true"),
        ("datos", datos),
        ("opciones", "PLUGIN_PROCESO:GENERICO_CFDI40:1.0"),
    ]
    return cfdi(sb, "procesarArchivo", query + [("opciones", o) for o in options]).xml()


def wait_finished(sb: Sandbox, timeout: float = 5) -> dict[str, Any]:
    """The last request's record once the server has finished handling it."""
    deadline = time.monotonic() + timeout
    while True:
        record = sb.requests()[-1]
        if record["elapsed_ms"] is not None or time.monotonic() > deadline:
            return record
        time.sleep(0.02)


def ipv6_available() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False
