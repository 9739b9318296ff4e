"""The test data and fixtures every Python suite shares: the sandbox's accounts, a valid request of
each kind, CFDI 4.0 and CSV documents, the SAT test credentials, and the client configurations.

Imported by Tests/python (the ABI suite, through the .so), bindings/python/tests (the binding and
the `sello` command) and Tests/dist. A conftest adds this folder to sys.path and imports the
fixtures it wants by name::

    sys.path.insert(0, str(ROOT / "Tests" / "support"))
    from sello_fixtures import sandbox, sandbox_server, fes_config, fv_config, cfdi_config, certs

The name is unique in the repository: one pytest run collects several suites. Standard library
only (the binding is imported lazily, by the one helper that needs it); scripts/ is put on sys.path
for include/sello.h read as data (HEADER).
"""

from __future__ import annotations

import base64
import datetime
import json
import pathlib
import subprocess
import sys
from typing import Any, Dict, Optional

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINDING = ROOT / "bindings" / "python"
sys.path.insert(0, str(ROOT / "sandbox"))
sys.path.insert(0, str(ROOT / "scripts"))

import sello_header  # noqa: E402
from control import Sandbox  # noqa: E402
from pytest_sandbox import sandbox, sandbox_server  # noqa: E402,F401  (fixtures, re-exported)

#: include/sello.h read as data: the functions, the version and the ABI version it declares.
HEADER = sello_header.read()

# -- the sandbox's accounts (seeds 000, 001, 002) ----------------------------------------------------

FES_USER = {"usuario": "PruebaWS", "clave": "bJBk9GuSJCOWLXODhniTCX7e5"}
FV_USER = {"login": "userapp", "password": "OnePass"}  # seed 001 UserDataLogin example
FV_USER_EMAIL = "userapp@firmavirtual.legal"
CFDI_USER = {"usuario": "pade_user", "password": "pade_pass", "contrato": "PADE-CONTRATO-01"}
#: Retries that keep tests quick: 10 ms, then 20 ms; a Retry-After up to 2 s is honoured.
FAST_RETRIES = {"max": 2, "base_delay_ms": 10, "max_delay_ms": 2000}
#: Every token the sandbox issues starts with the seed's JWT header ({"typ":"JWT","alg":"HS256"}).
SANDBOX_JWT_HEADER = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9"

# -- service paths -----------------------------------------------------------------------------------

FES_OBTAIN = "/generateFES/rest-services/public/generateFes/obtenerCertificado"
CFDI_REST = "/servicio/rest"
CFDI_API = CFDI_REST + "/integracion"
CFDI_BY_UUID = CFDI_API + "/consultaCfdiPorUUID"
CFDI_STATUS = CFDI_REST + "/cancelacion/consultarEstatusComprobante"
FV_EXPRESS = "/api/v1/contract/create-contract-express"

# -- requests ----------------------------------------------------------------------------------------

#: fes_obtain_certificate's seed example (seed 000), valid as it is.
FES_REQUEST: Dict[str, Any] = {
    "rut": "19.371.037-9",
    "correo": "eleon@certificadoradelsur.cl",
    "numeroDocumento": "100.123.456",
    "claveCertificado": "Secreta123",
    "duracion": 3,
    "nombreEmpresa": "CDS",
    "comuna": "LOS ANGELES",
    "direccion": "Lautaro 867",
    "giroEmpresa": "Otros",
}
#: A CreateContract signer (seed 001's example), valid as it is: the only payer, of 100.
FV_SIGNER: Dict[str, Any] = {
    "full_name": "Jose Cortesia",
    "email": "jose@firmavirtual.com",
    "rutId": "11111111-1",
    "phone": "873320311",
    "type": "NATURAL",
    "portion": "100",
    "payment": "0.00",
}
#: A signer of create-contract-express (CHILE_2026 §1.3: rol, order; a Chilean phone).
EXPRESS_SIGNER: Dict[str, Any] = {
    "full_name": "Jose Cortesia",
    "email": "jose@firmavirtual.com",
    "rutId": "11.111.111-1",
    "phone": "9 1234 5678",
    "rol": 0,
    "order": 1,
    "type": "NATURAL",
    "portion": 100,
    "payment": "0.00",
}
#: The sandbox's seeded contract (seed 001 GetOneContract example), SIGNED_PENDING.
SEEDED_CONTRACT = "307c1f32-bbb5-4cbe-a4f4-ecf20616510a"
#: A UUID the sandbox has never stamped.
GHOST_UUID = "5FB2822E-396D-4725-8521-CDC4BDD20CCF"

# -- CFDI documents ----------------------------------------------------------------------------------

EMISOR = "EKU9003173C9"  # the sandbox's default emisor, and the RFC of the "other" test CSD
RECEPTOR = "XAXX010101000"  # público en general: cancelled without the receiver's acceptance
NAMED_RECEPTOR = "XIQB891116QE4"  # a named receiver: above $1,000 the receiver must accept
NS4 = "http://www.sat.gob.mx/cfd/4"
TFD = "{http://www.sat.gob.mx/TimbreFiscalDigital}TimbreFiscalDigital"
#: Mexico City is UTC−6 all year since 2022.
MX_TZ = datetime.timezone(datetime.timedelta(hours=-6))


def b64(data: bytes | str) -> str:
    return base64.b64encode(data.encode() if isinstance(data, str) else data).decode()


def mexico_city_now() -> datetime.datetime:
    """Now in Mexico City, as a naive local time (a CFDI's Fecha has no zone)."""
    return datetime.datetime.now(MX_TZ).replace(tzinfo=None)


def seal(tag: str = "s") -> str:
    """A stand-in Sello (256 bytes, like RSA-2048): a real seal differs per document."""
    return b64((tag.encode() * 256)[:256])


def cfdi40_xml(
    sello: str = "",
    fecha: Optional[datetime.datetime] = None,
    folio: str = "1",
    total: str = "1160.00",
    emisor: str = EMISOR,
    receptor: str = NAMED_RECEPTOR,
    version: str = "4.0",
    namespace: str = NS4,
    inside: str = "",
    lugar: str = "06000",
) -> str:
    """A CFDI 4.0 as an integrator builds it, dated two minutes ago in Mexico City (LugarExpedicion
    06000, a Mexico City postal code, unless `lugar` says another)."""
    fecha = fecha or (mexico_city_now() - datetime.timedelta(minutes=2))
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<cfdi:Comprobante xmlns:cfdi="{namespace}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{namespace} http://www.sat.gob.mx/sitio_internet/cfd/4/cfdv40.xsd" '
        f'Version="{version}" Serie="A" Folio="{folio}" Fecha="{fecha:%Y-%m-%dT%H:%M:%S}" Sello="{sello}" '
        'FormaPago="01" NoCertificado="" Certificado="" SubTotal="1000.00" Moneda="MXN" '
        f'Total="{total}" TipoDeComprobante="I" Exportacion="01" MetodoPago="PUE" LugarExpedicion="{lugar}">'
        f'<cfdi:Emisor Rfc="{emisor}" Nombre="ESCUELA KEMPER URGATE" RegimenFiscal="601"/>'
        f'<cfdi:Receptor Rfc="{receptor}" Nombre="XOCHILT CASAS CHAVEZ" DomicilioFiscalReceptor="36257" '
        'RegimenFiscalReceptor="612" UsoCFDI="G03"/><cfdi:Conceptos><cfdi:Concepto ClaveProdServ="01010101" '
        'Cantidad="1" ClaveUnidad="ACT" Descripcion="Servicio" ValorUnitario="1000.00" Importe="1000.00" '
        'ObjetoImp="02"><cfdi:Impuestos><cfdi:Traslados><cfdi:Traslado Base="1000.00" Impuesto="002" '
        'TipoFactor="Tasa" TasaOCuota="0.160000" Importe="160.00"/></cfdi:Traslados></cfdi:Impuestos>'
        '</cfdi:Concepto></cfdi:Conceptos><cfdi:Impuestos TotalImpuestosTrasladados="160.00"><cfdi:Traslados>'
        '<cfdi:Traslado Base="1000.00" Impuesto="002" TipoFactor="Tasa" TasaOCuota="0.160000" Importe="160.00"/>'
        f"</cfdi:Traslados></cfdi:Impuestos>{inside}</cfdi:Comprobante>"
    )


def csv_text(folio: str = "1", total: str = "1160.00", emisor: str = EMISOR, receptor: str = RECEPTOR) -> str:
    """The sandbox's interchange file for procesarArchivo, dated five minutes ago in Mexico City."""
    fecha = (mexico_city_now() - datetime.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S")
    return (
        "\n".join(
            [
                f"CFDI|3.3|A|{folio}|{fecha}|01|1000.00|MXN|I|PUE|06000",
                f"EMISOR|{emisor}|ESCUELA KEMPER URGATE|601",
                f"RECEPTOR|{receptor}|PUBLICO EN GENERAL|G03",
                f"TOTAL|{total}",
            ]
        )
        + "\n"
    )


# -- the SAT test credentials --------------------------------------------------------------------------

#: The password of every key and PKCS#12 file make_test_certs.py writes.
CSD_PASSWORD = "12345678a"
_CERTS: Dict[str, Any] = {}


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Any]:
    """SAT-like credentials made with OpenSSL by Tests/support/make_test_certs.py, once per pytest
    process however many suites ask: "csd", "fiel", "expired", "other" (cer/key paths, PEM forms,
    rfc, noCertificado…), "keyForms" (other encodings of the csd key), "dir" and "password"."""
    if not _CERTS:
        folder = tmp_path_factory.mktemp("sat-certs")
        out = subprocess.run(
            [sys.executable, str(ROOT / "Tests" / "support" / "make_test_certs.py"), str(folder)],
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        )
        manifest = json.loads(out.stdout)
        _CERTS.update(
            {
                **manifest["sat"],
                "keyForms": manifest["csdKeyForms"],
                "dir": manifest["dir"],
                "password": manifest["password"],
            }
        )
    return dict(_CERTS)


def csd_fields(item: Dict[str, Any], pem: bool = False) -> Dict[str, Any]:
    """One credential of `certs` as the request fields cert_path, key_path and keyPass."""
    return {
        "cert_path": item["cerPem" if pem else "cer"],
        "key_path": item["keyPem" if pem else "key"],
        "keyPass": CSD_PASSWORD,
    }


# -- client configurations for the sandbox ---------------------------------------------------------------


@pytest.fixture()
def fes_config(sandbox: Sandbox) -> Dict[str, Any]:
    return {"base_url": sandbox.fes_url, **FES_USER, "retries": FAST_RETRIES}


@pytest.fixture()
def fv_config(sandbox: Sandbox) -> Dict[str, Any]:
    return {"base_url": sandbox.fv_url, **FV_USER, "retries": FAST_RETRIES}


@pytest.fixture()
def cfdi_config(sandbox: Sandbox) -> Dict[str, Any]:
    return {"base_url": sandbox.cfdi_url, **CFDI_USER, "retries": FAST_RETRIES}


#: What no envelope, log line or output may ever show.
KNOWN_SECRETS = [
    FES_USER["clave"],
    FV_USER["password"],
    CFDI_USER["password"],
    FES_REQUEST["claveCertificado"],
    CSD_PASSWORD,
]


def stamped_uuid(config: Dict[str, Any]) -> str:
    """The UUID of a fresh test stamp, made through the Python binding (its suites only)."""
    import sello

    with sello.CFDI(**config) as cfdi:
        return str(cfdi.process_file(datos=csv_text(), prueba=True)["uuid"])


#: One record of a Firma Virtual owner's contract list (seed 001's shape), without its id: large
#: lists are made of it (Tests/python/test_hardening_results.py, benchmarks/fv_large_answer.py).
FV_CONTRACT_RECORD: Dict[str, Any] = {
    "sOwnerType": "NATURAL",
    "iContractTypeFeeID": 41,
    "sStatus": "SIGNED_PENDING",
    "sPaymentStatus": "PENDING",
    "iPaymentService": 0,
    "iContractOwner": 1,
    "dContractDT": "2021-12-10 05:28:54",
    "iSignedCount": 1,
    "NumeroFirmantes": 1,
    "withDocument": 0,
    "sTipoFirma": "FIRMA CON CERTIFICACION NOTARIAL",
    "sClaseContrato": "PODERES",
    "sTipoContrato": "PODER SIMPLE",
    "Monto": "8815.00",
}
