"""Firma Virtual's tables: paths and limits, the JWT settings, the answer shapes the evidence
leaves open, and the contract types and fees of seed 001."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from emulator.core.values import money

FV_MAX_FILE = 50 * 1024 * 1024  # seed 001: "El peso máximo por archivo PDF a subir es de 50MB"
FV_EXPRESS_PATH = "/api/v1/contract/create-contract-express"  # CHILE_2026.md §1.3
MAX_EXPRESS_BODY = 128 * 1024 * 1024  # a 50 MB PDF in base64 inside JSON is about 67 MB
CALLBACK_TIMEOUT = 5.0  # seconds to deliver one callback to a loopback receiver

JWT_SECRET = b"sello-sandbox-jwt-secret"  # documented in README: tests may forge tokens with it
DEFAULT_TOKEN_TTL = 3600

# The answer shapes CHILE_2026.md shows for what the seeds do not settle, each chosen by tests
# through POST /_sandbox/fv/shapes (first value: the default).
FV_SHAPES = {
    # create-contract-express's answer: where the contract id is (§1.3).
    "express": ("seed", "message.contract", "message.contract[]", "top", "bare", "none"),
    "express_id_key": ("sContractID", "contractID", "contractId"),
    # ContratcDetail's "contrato": an array (seed) or an object (as FVREACT reads it).
    "detail_contrato": ("array", "object"),
    # A callback's "contract": an array of one object (TTX's fix) or an object.
    "callback_contract": ("array", "object"),
    # DeleteContract's answer: the seed shows the body {"code": 204, "status": "success", "message": {}}
    # and no HTTP status. "seed" answers that body at HTTP 200 (so that it can be read at all);
    # "http204" is a server that mirrors the body's code as the HTTP status, as the other answers
    # do: HTTP 204, which carries no body.
    "delete": ("seed", "http204"),
}
FV_SHAPE_DEFAULTS = {name: values[0] for name, values in FV_SHAPES.items()}

# seed 001, "Tipos de trámites y sus contratos asociados" (26 contract types, in list order).
# Names upper-case without accents like the seed's samples; ID 1 keeps the sample's spelling
# "CONTRATO DE ARIENDO" (GetContractType / ContractOwner responses).
FV_TYPE_GROUPS: list[tuple[str, str, list[str]]] = [
    (
        "REAL_ESTATE",
        "INMOBILIARIO",
        [
            "CONTRATO DE ARIENDO",
            "PROMESA DE COMPRAVENTA",
            "PRORROGA DE PROMESA DE COMPRAVENTA",
            "MANDATO DE ADMINISTRACION",
            "ORDEN DE ARRIENDO",
            "ORDEN DE VISITA",
            "ORDEN DE VENTA",
            "CARTA DE OFERTA",
            "CARTA DE CONTRA OFERTA",
            "RESCILIACION DE CONTRATO DE ARRIENDO",
            "RESCILIACION DE PROMESA DE COMPRAVENTA",
        ],
    ),
    ("LABOR", "LABORAL", ["CERTIFICADO LABORAL CON CHILENO", "CONTRATO LABORAL CON EXTRANJERO", "CARTA DE RENUNCIA"]),
    ("POWER", "PODERES", ["PODER SIMPLE"]),
    (
        "PERSONAL",
        "PERSONALES",
        [
            "SALVOCONDUCTO",
            "PERMISO MUDANZA",
            "CERTIFICACION DOMICILIO",
            "USO DE DOMICILIO",
            "LEGALIZACION COPIA CEDULA DE IDENTIDAD",
            "DECLARACION JURADA",
            "CERTIFICADO DE ESTADO CIVIL",
        ],
    ),
    ("SOCIETY", "SOCIEDADES", ["COMERCIAL", "FINIQUITO EMPRESARIAL", "CESION DE CONTRATO"]),
    ("VEHICLE", "VEHICULO", ["PROMESA DE COMPRAVENTA DE VEHICULO"]),
    ("COMPANY", "EMPRESAS", []),  # a documented QVALUE with no contract type in the seed's list
]
FV_MODALS = ("SIGNATURE", "SIGNATURE_CERT_NOTARIAL", "SIGNATURE_PROT_NOTARIAL")
FV_MODAL_BASE = {  # fAmount per modal; 1990.00 (GetContractType sample), 8815.00 (fee 28 sample)
    "SIGNATURE": Decimal("1990.00"),
    "SIGNATURE_CERT_NOTARIAL": Decimal("8815.00"),
    "SIGNATURE_PROT_NOTARIAL": Decimal("9990.00"),  # ContractOwner sample: fee 53, 2 signers, 19980.00
}
FV_NOTARY_FEE = {
    "SIGNATURE": Decimal("0"),
    "SIGNATURE_CERT_NOTARIAL": Decimal("4000.00"),
    "SIGNATURE_PROT_NOTARIAL": Decimal("4000.00"),
}
FV_MODAL_NAME = {
    "SIGNATURE": "FIRMA ELECTRONICA",
    "SIGNATURE_CERT_NOTARIAL": "FIRMA CON CERTIFICACION NOTARIAL",
    "SIGNATURE_PROT_NOTARIAL": "FIRMA CON PROTOCOLIZACION NOTARIAL",
}


@dataclasses.dataclass(frozen=True)
class FvFee:
    fee_id: int
    type_id: int
    type_code: str
    group_name: str
    type_name: str
    modal: str
    sign_count: int
    amount: Decimal

    def as_json(self) -> dict[str, Any]:
        return {
            "iContractTypeID": self.type_id,
            "sContractType": self.type_code,
            "sContractTypeName": self.type_name,
            "iContractTypeFeeID": self.fee_id,
            "sModal": self.modal,
            "iSignCount": self.sign_count,
            "fAmount": money(self.amount),
        }


def build_fee_table() -> dict[int, FvFee]:
    """117 fees: 26 types x 3 modals (1-26, 27-52, 53-78) + types 1-13 x 3 modals for 2 signers.

    This layout reproduces every fee the seed shows: fee 1 = type 1 SIGNATURE 1990.00, fee 28 =
    PROMESA DE COMPRAVENTA with certification, fee 41 exists, fee 53 = CONTRATO DE ARIENDO with
    protocolisation.
    """
    types: list[tuple[int, str, str, str]] = []
    for code, group, names in FV_TYPE_GROUPS:
        for name in names:
            types.append((len(types) + 1, code, group, name))
    fees: dict[int, FvFee] = {}
    for modal in FV_MODALS:
        for type_id, code, group, name in types:
            fee_id = len(fees) + 1
            fees[fee_id] = FvFee(fee_id, type_id, code, group, name, modal, 1, FV_MODAL_BASE[modal])
    for modal in FV_MODALS:
        for type_id, code, group, name in types[:13]:
            fee_id = len(fees) + 1
            fees[fee_id] = FvFee(fee_id, type_id, code, group, name, modal, 2, FV_MODAL_BASE[modal] * 2)
    assert len(fees) == 117 and len(types) == 26
    return fees


FV_FEES = build_fee_table()
FV_TYPE_CODES = [code for code, _, _ in FV_TYPE_GROUPS]
