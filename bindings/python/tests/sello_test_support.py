"""Constants and paths shared by the binding's tests (a module of its own, with a name unique in
the repository, so that these tests run together with Tests/python and sandbox/ in one pytest)."""
from __future__ import annotations

import pathlib
import sys
from typing import Any, Dict

HERE = pathlib.Path(__file__).resolve().parent
BINDING = HERE.parent
ROOT = BINDING.parents[1]

sys.path.insert(0, str(ROOT / "scripts"))
import sello_header  # noqa: E402

#: include/sello.h read as data: the functions, the version and the ABI version it declares.
HEADER = sello_header.read()

FES_USER = {"usuario": "PruebaWS", "clave": "bJBk9GuSJCOWLXODhniTCX7e5"}
FV_USER = {"login": "userapp", "password": "OnePass"}
CFDI_USER = {"usuario": "pade_user", "password": "pade_pass", "contrato": "PADE-CONTRATO-01"}
FAST_RETRIES = {"max": 2, "base_delay_ms": 10, "max_delay_ms": 2000}

FES_REQUEST: Dict[str, Any] = {
    "rut": "19.371.037-9", "correo": "eleon@certificadoradelsur.cl", "numeroDocumento": "100123456",
    "claveCertificado": "Secreta123", "duracion": 3, "nombreEmpresa": "CDS", "comuna": "LOS ANGELES",
    "direccion": "Lautaro 867", "giroEmpresa": "Otros",
}
