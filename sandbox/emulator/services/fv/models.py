"""Firma Virtual's models — users, contracts, their signers and files — and its state."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from emulator.core.state import LOCK
from emulator.core.values import money
from emulator.services.fv.tables import (
    DEFAULT_TOKEN_TTL,
    FV_FEES,
    FV_MODAL_NAME,
    FV_NOTARY_FEE,
    FV_SHAPE_DEFAULTS,
    FvFee,
)


@dataclasses.dataclass
class FvUser:
    user_id: int
    login: str
    password: str
    email: str
    rut: str
    phone: str
    first_name: str
    last_name: str
    profile_id: int = 0
    status: str = "ENABLE"
    comments: str = "NA"
    user_type: str = "NATURAL"

    def as_json(self, secret: bool = False) -> dict[str, Any]:
        """seed 001 GetAllUser response fields; sPassword is a sha256 hex hash (or the mask)."""
        password = "!--SECRET--!" if secret else hashlib.sha256(self.password.encode()).hexdigest()
        return {
            "iUserID": self.user_id,
            "iProfileID": self.profile_id,
            "sRUT": self.rut,
            "sEmail": self.email,
            "sPhone": self.phone,
            "sFirstName": self.first_name,
            "sLastName": self.last_name,
            "sLogin": self.login,
            "sPassword": password,
            "sStatus": self.status,
            "sComments": self.comments,
            "sUserType": self.user_type,
        }


@dataclasses.dataclass
class FvSigner:
    num: int
    full_name: str
    email: str
    rut: str
    phone: str
    signer_type: str = "NATURAL"
    portion: int = 0
    download_draft: str = "DISABLE"
    agree_draft: str = "DISABLE"
    disagree_draft: str = "DISABLE"
    sign_status: str = "NOTHING"
    rol: int = 0  # create-contract-express: 0 signs, 3 pays
    order: int = 0  # create-contract-express: signing order (0: not given)


@dataclasses.dataclass
class FvFile:
    document: str
    orden: int
    size: int
    sha256: str


@dataclasses.dataclass
class FvContract:
    contract_id: str
    owner_type: str
    fee_id: int
    payment_status: str
    signed_count: int
    owner: int
    created: dt.datetime
    auto_id: str
    status: str = "CREATED"
    payment_service: int = 0
    callback: str | None = None
    signers: list[FvSigner] = dataclasses.field(default_factory=list)
    files: list[FvFile] = dataclasses.field(default_factory=list)
    merged: bool = False
    name: str | None = None  # create-contract-express's sContractName
    express: bool = False

    @property
    def fee(self) -> FvFee:
        return FV_FEES[self.fee_id]

    @property
    def total(self) -> Decimal:
        """Monto: fAmount per group of iSignCount signers (fits the seed's samples)."""
        groups = max(1, -(-self.signed_count // self.fee.sign_count))
        return self.fee.amount * groups

    def base_json(self, date_style: str) -> dict[str, Any]:
        if date_style == "object":  # seed 001 CreateContract: PHP DateTime serialisation
            date: Any = {"date": self.created.strftime("%Y-%m-%d %H:%M:%S.%f"), "timezone_type": 3, "timezone": "UTC"}
        else:
            date = self.created.strftime("%Y-%m-%d %H:%M:%S")
        return {
            "sContractID": self.contract_id,
            "sOwnerType": self.owner_type,
            "iContractTypeFeeID": self.fee_id,
            "sStatus": self.status,
            "sPaymentStatus": self.payment_status,
            "iPaymentService": self.payment_service,
            "dContractDT": date,
            "iSignedCount": self.signed_count,
            "iContractOwner": self.owner,
        }

    def listing_json(self) -> dict[str, Any]:
        """seed 001 ContractOwner item."""
        fee = self.fee
        return {
            "sContractID": self.contract_id,
            "sOwnerType": self.owner_type,
            "iContractTypeFeeID": self.fee_id,
            "sStatus": self.status,
            "sPaymentStatus": self.payment_status,
            "iPaymentService": self.payment_service,
            "iContractOwner": self.owner,
            "dContractDT": self.created.strftime("%Y-%m-%d %H:%M:%S"),
            "iSignedCount": self.signed_count,
            "NumeroFirmantes": len(self.signers),
            "withDocument": 1 if self.files else 0,
            "sTipoFirma": FV_MODAL_NAME[fee.modal],
            "sClaseContrato": fee.group_name,
            "sTipoContrato": fee.type_name,
            "Monto": money(self.total),
            **({"sContractName": self.name} if self.name else {}),
        }

    def signer_amounts(self, signer: FvSigner) -> dict[str, str]:
        """payment/iva/notary/total of one signer: the signer's portion of Monto and notary fee."""
        share = Decimal(signer.portion) / 100
        amount = (self.total * share).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        iva = (amount * Decimal("0.19")).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
        notary = FV_NOTARY_FEE[self.fee.modal] * share
        return {
            "payment": money(amount),
            "iva": money(iva),
            "notary": money(notary),
            "total": money(amount + iva + notary),
        }


class FvState:
    """Firma Virtual's users, tokens, contracts and answer shapes; ``LOCK`` guards them."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        with LOCK:
            # seed 001 UserDataLogin example.
            self.users: dict[int, FvUser] = {
                1: FvUser(
                    1, "userapp", "OnePass", "userapp@firmavirtual.legal", "76795561-8", "+56978570242", "USER", "APP"
                )
            }
            self.next_user = 2
            self.token_ttl = DEFAULT_TOKEN_TTL
            self.tokens: set[str] = set()
            self.reset_codes: dict[str, str] = {}
            self.contracts: dict[str, FvContract] = {}
            self.signer_seq = 0
            self.contract_seq = 0
            # Answer shapes the evidence shows, chosen by tests (POST /_sandbox/fv/shapes).
            self.shapes: dict[str, str] = dict(FV_SHAPE_DEFAULTS)
            self.callbacks: list[dict[str, Any]] = []
            self._seed_contract()

    def _seed_contract(self) -> None:
        """seed 001 GetOneContract sample (owner changed to the seeded user 1)."""
        contract = FvContract(
            "307c1f32-bbb5-4cbe-a4f4-ecf20616510a",
            "NATURAL",
            41,
            "PENDING",
            1,
            1,
            dt.datetime(2021, 12, 10, 5, 28, 54, tzinfo=dt.timezone.utc),
            self.next_auto_id(),
            status="SIGNED_PENDING",
        )
        contract.signers.append(
            FvSigner(
                self.next_signer_num(),
                "Jose Cortesia",
                "jose@firmavirtual.com",
                "76795561-8",
                "873320311",
                "NATURAL",
                100,
            )
        )
        self.contracts[contract.contract_id] = contract

    def next_signer_num(self) -> int:
        self.signer_seq += 1
        return self.signer_seq

    def next_auto_id(self) -> str:
        self.contract_seq += 1
        return f"AP{self.contract_seq}"

    def view(self) -> dict[str, Any]:
        """Firma Virtual's part of GET /_sandbox/state."""
        return {
            "fv_users": {str(k): v.as_json() for k, v in self.users.items()},
            "fv_token_ttl": self.token_ttl,
            "fv_contracts": {
                k: {
                    **c.listing_json(),
                    "files": [dataclasses.asdict(f) for f in c.files],
                    "merged": c.merged,
                    "signers": [dataclasses.asdict(s) for s in c.signers],
                    "callback": c.callback,
                    "express": c.express,
                }
                for k, c in self.contracts.items()
            },
        }


FV = FvState()
