"""What the CFDI ABI test files share (test_cfdi.py, test_cfdi40.py, test_cfdi_cancel_reason.py,
test_cfdi_status.py): the sandbox account, the client and CSD fixtures, CFDI 4.0 documents, the
helpers that read what the sandbox received, and a canned server for answers only a real service
gives. Fixtures defined here are imported by name into each test file."""
from __future__ import annotations

import base64
import datetime
import http.server
import json
import pathlib
import subprocess
import sys
import threading
from typing import Any, Iterator

import pytest

from sello_ffi import Client

ROOT = pathlib.Path(__file__).resolve().parents[2]
USER = {"usuario": "pade_user", "password": "pade_pass", "contrato": "PADE-CONTRATO-01"}
REST = "/servicio/rest"
API = REST + "/integracion"
EMISOR = "EKU9003173C9"          # the sandbox's default emisor, and the RFC of the "other" test CSD
RECEPTOR = "XAXX010101000"       # público en general: cancelled without the receiver's acceptance
NAMED_RECEPTOR = "XIQB891116QE4"  # a named receiver: above $1,000 the receiver must accept
PASSWORD = "12345678a"
NS4 = "http://www.sat.gob.mx/cfd/4"
TFD = "{http://www.sat.gob.mx/TimbreFiscalDigital}TimbreFiscalDigital"


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Unexpired SAT-like CSD, FIEL, an expired CSD and an unrelated CSD, made with OpenSSL."""
    folder = tmp_path_factory.mktemp("certs")
    out = subprocess.run([sys.executable, str(ROOT / "Tests" / "support" / "make_test_certs.py"), str(folder)],
                         check=True, capture_output=True, timeout=300)
    manifest = json.loads(out.stdout)
    return {**manifest["sat"], "keyForms": manifest["csdKeyForms"], "dir": manifest["dir"]}


@pytest.fixture()
def config(sandbox) -> dict[str, Any]:
    return {"base_url": sandbox.cfdi_url, **USER, "retries": {"max": 2, "base_delay_ms": 10, "max_delay_ms": 200}}


@pytest.fixture()
def cfdi(config) -> Iterator[Client]:
    with Client("cfdi", config) as client:
        assert client.handle, client.error
        yield client


def b64(data: bytes | str) -> str:
    return base64.b64encode(data.encode() if isinstance(data, str) else data).decode()


def read(path: str) -> bytes:
    return pathlib.Path(path).read_bytes()


def csd_fields(item: dict[str, Any], pem: bool = False) -> dict[str, Any]:
    return {"cert_path": item["cerPem" if pem else "cer"], "key_path": item["keyPem" if pem else "key"], "keyPass": PASSWORD}


def mexico_city_now() -> datetime.datetime:
    """Now in Mexico City (UTC−6 all year since 2022), as a naive local time."""
    return (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=6)).replace(tzinfo=None)


def sealed(tag: str = "s") -> str:
    """A stand-in Sello (256 bytes, like RSA-2048): a real seal differs per document."""
    return b64((tag.encode() * 256)[:256])


def cfdi40_xml(sello: str = "", fecha: datetime.datetime | None = None, folio: str = "1", total: str = "1160.00",
               emisor: str = EMISOR, receptor: str = NAMED_RECEPTOR, version: str = "4.0", namespace: str = NS4,
               inside: str = "") -> str:
    """A CFDI 4.0 as an integrator builds it, dated two minutes ago in Mexico City."""
    fecha = fecha or (mexico_city_now() - datetime.timedelta(minutes=2))
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<cfdi:Comprobante xmlns:cfdi="{namespace}" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            f'xsi:schemaLocation="{namespace} http://www.sat.gob.mx/sitio_internet/cfd/4/cfdv40.xsd" '
            f'Version="{version}" Serie="A" Folio="{folio}" Fecha="{fecha:%Y-%m-%dT%H:%M:%S}" Sello="{sello}" '
            'FormaPago="01" NoCertificado="" Certificado="" SubTotal="1000.00" Moneda="MXN" '
            f'Total="{total}" TipoDeComprobante="I" Exportacion="01" MetodoPago="PUE" LugarExpedicion="06000">'
            f'<cfdi:Emisor Rfc="{emisor}" Nombre="ESCUELA KEMPER URGATE" RegimenFiscal="601"/>'
            f'<cfdi:Receptor Rfc="{receptor}" Nombre="XOCHILT CASAS CHAVEZ" DomicilioFiscalReceptor="36257" '
            'RegimenFiscalReceptor="612" UsoCFDI="G03"/><cfdi:Conceptos><cfdi:Concepto ClaveProdServ="01010101" '
            'Cantidad="1" ClaveUnidad="ACT" Descripcion="Servicio" ValorUnitario="1000.00" Importe="1000.00" '
            'ObjetoImp="02"><cfdi:Impuestos><cfdi:Traslados><cfdi:Traslado Base="1000.00" Impuesto="002" '
            'TipoFactor="Tasa" TasaOCuota="0.160000" Importe="160.00"/></cfdi:Traslados></cfdi:Impuestos>'
            '</cfdi:Concepto></cfdi:Conceptos><cfdi:Impuestos TotalImpuestosTrasladados="160.00"><cfdi:Traslados>'
            '<cfdi:Traslado Base="1000.00" Impuesto="002" TipoFactor="Tasa" TasaOCuota="0.160000" Importe="160.00"/>'
            f'</cfdi:Traslados></cfdi:Impuestos>{inside}</cfdi:Comprobante>')


def service_requests(sandbox, prefix: str = REST) -> list[dict[str, Any]]:
    return sandbox.requests(prefix)


def expect_error(envelope: dict, kind: str, code: str, service_code: int | None = None, field: str | None = None) -> dict:
    assert envelope["ok"] is False, envelope
    error = envelope["error"]
    assert (error["kind"], error["code"]) == (kind, code), error
    if service_code is not None:
        assert error["service_code"] == service_code, error
    if field is not None:
        assert error["field"] == field, error
    return error


def expect_nothing_sent(sandbox, envelope: dict) -> None:
    assert envelope["meta"]["attempts"] == 0, envelope
    assert service_requests(sandbox) == []


def warning_codes(envelope: dict) -> list[str]:
    return [w["code"] for w in envelope.get("warnings", [])]


def assert_basic_and_no_accept(request: dict[str, Any]) -> None:
    """Every Prodigia request: the configured user's Basic credentials, and no Accept header."""
    assert request["basic_auth"] == {"user": "pade_user", "password": "pade_pass"}, request
    assert "accept" not in request["headers"], request["headers"]


# --- answers only a real service gives: a canned server -------------------------------------------

class Canned:
    """A loopback HTTP server answering each method (the path's last part) with a fixed status and
    body; it records the paths and headers it received."""

    def __init__(self) -> None:
        self.answers: dict[str, tuple[int, bytes]] = {}
        self.requests: list[str] = []
        self.headers: list[dict[str, str]] = []
        canned = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("content-length") or 0)
                self.rfile.read(length)
                path = self.path.split("?")[0]
                canned.requests.append(path)
                canned.headers.append({k.lower(): v for k, v in self.headers.items()})
                status, body = canned.answers.get(path.rsplit("/", 1)[-1], (404, b"not here"))
                self.send_response(status)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/servicio/rest"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture()
def canned() -> Iterator[Canned]:
    server = Canned()
    yield server
    server.server.shutdown()
    server.server.server_close()


def canned_client(canned: Canned) -> Client:
    return Client("cfdi", {"base_url": canned.url, **USER, "retries": {"max": 2, "base_delay_ms": 5}})
